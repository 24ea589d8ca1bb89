// The regression's own parts, without a simulation: the --fault and --randomize options, the scoreboard's judgement
// of lost, reordered and late frames, and the fitting of fragment layouts to the reserved map registers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "testbench/checkers/scoreboard.h"
#include "testbench/machine/traffic.h"
#include "testbench/nicsim/command_line.h"

using namespace nicsim::tb;

namespace {

RunConfig parse(std::vector<std::string> args) {
    std::vector<char*> argv;
    std::string prog = "nicsim";
    argv.push_back(prog.data());
    for (std::string& a : args) argv.push_back(a.data());
    RunConfig cfg;
    parse_command_line(static_cast<int>(argv.size()), argv.data(), cfg);
    return cfg;
}

std::vector<uint8_t> frame(TrafficGen& gen) {
    return gen.next();
}

}  // namespace

TEST_CASE("regression parts: --fault lists accumulate and print back as a plan", "[regression][cli][faults]") {
    const RunConfig c =
        parse({"--fault", "retry:0.01,disconnect:0.02", "--fault", "reset-at:200us,rx-flood", "--packets", "200"});
    INFO("both --fault options are applied");
    CHECK(c.fault.retry == Approx(0.01));
    CHECK(c.fault.disconnect == Approx(0.02));
    CHECK(c.fault.reset_at_ns == 200'000);
    CHECK(c.fault.rx_flood);
    INFO("the plan text names every fault, in a fixed order");
    CHECK(c.fault.text() == "retry:0.01,disconnect:0.02,rx-flood,reset-at:200000ns");
    CHECK(c.fault.any());
    INFO("a run without --fault has no fault plan");
    CHECK_FALSE(parse({}).fault.any());
}

TEST_CASE("regression parts: bad --fault values are refused with the fault named", "[regression][cli][faults]") {
    INFO("a probability above 0.5");
    CHECK_THROWS_WITH(parse({"--fault", "retry:0.9"}), Catch::Contains("--fault retry"));
    INFO("an unknown fault");
    CHECK_THROWS_WITH(parse({"--fault", "meteor:1"}), Catch::Contains("comma-separated list"));
    INFO("a fault without its value");
    CHECK_THROWS_WITH(parse({"--fault", "target-abort"}), Catch::Contains("target-abort:VALUE"));
    INFO("a time without a unit");
    CHECK_THROWS_WITH(parse({"--fault", "link-flap:200"}), Catch::Contains("--fault link-flap"));
    INFO("faults with two machines");
    CHECK_THROWS_WITH(parse({"--back-to-back", "--fault", "retry:0.1"}), Catch::Contains("--back-to-back"));
}

TEST_CASE("regression parts: --randomize is a function of the seed and explicit options win",
          "[regression][cli][random]") {
    const RunConfig a = parse({"--randomize", "--seed", "77"});
    const RunConfig b = parse({"--seed", "77", "--randomize"});
    INFO("the same seed picks the same scenario, whatever the option order");
    CHECK(a.bus_width == b.bus_width);
    CHECK(a.bus_clock_mhz == b.bus_clock_mhz);
    CHECK(a.placement == b.placement);
    CHECK(a.size.text() == b.size.text());
    CHECK(a.packets == b.packets);
    CHECK(a.scenario == "random");
    INFO("an explicit option overrides the random choice");
    CHECK(parse({"--randomize", "--seed", "77", "--bus-width", "64"}).bus_width == 64);
    CHECK(parse({"--randomize", "--seed", "77", "--bus-width", "32"}).bus_width == 32);
    INFO("different seeds pick different scenarios (over 20 seeds, more than one bus/placement/size combination)");
    std::vector<std::string> seen;
    for (int s = 1; s <= 20; ++s) {
        const RunConfig c = parse({"--randomize", "--seed", std::to_string(s)});
        const std::string key = std::to_string(c.bus_width) + nicsim::ndis::placement_name(c.placement) + c.size.text();
        if (std::find(seen.begin(), seen.end(), key) == seen.end()) seen.push_back(key);
        INFO("every random scenario is valid");
        CHECK_NOTHROW(validate(c));
    }
    CHECK(seen.size() > 5);
}

TEST_CASE("regression parts: a lost frame is missing and not reordered; a late one is reordered",
          "[regression][scoreboard]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    TrafficGen gen(5, 1, SizeDist{}, a, b);
    const auto f0 = frame(gen), f1 = frame(gen), f2 = frame(gen);
    Scoreboard lost("lost");
    lost.expect(f0);
    lost.expect(f1);
    lost.expect(f2);
    lost.observe(f0.data(), f0.size());
    lost.observe(f2.data(), f2.size());
    INFO("frame 1 never arrived: one missing, nothing reordered, intact otherwise");
    CHECK(lost.missing() == 1);
    CHECK(lost.counts().reordered == 0);
    CHECK(lost.intact());
    CHECK_FALSE(lost.clean());
    CHECK(lost.first_missing().find("frame 1 ") != std::string::npos);

    Scoreboard late("late");
    late.expect(f0);
    late.expect(f1);
    late.observe(f1.data(), f1.size());
    late.observe(f0.data(), f0.size());
    INFO("frame 0 after frame 1 is reordered");
    CHECK(late.counts().reordered == 1);
    CHECK_FALSE(late.intact());
}

TEST_CASE("regression parts: frames lost far behind the newest arrival are counted and forgotten",
          "[regression][scoreboard]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    TrafficGen gen(9, 0, SizeDist{}, a, b);
    Scoreboard sb("rx");
    const uint64_t n = Scoreboard::kLossWindow + 50;
    std::vector<std::vector<uint8_t>> frames;
    for (uint64_t i = 0; i < n; ++i) {
        frames.push_back(frame(gen));
        sb.expect(frames.back());
    }
    for (uint64_t i = 0; i < n; ++i)
        if (i != 10) sb.observe(frames[i].data(), frames[i].size());
    INFO("frame 10 is missing, and no longer held once kLossWindow later frames arrived");
    CHECK(sb.missing() == 1);
    CHECK(sb.tracked() == 0);
    CHECK(sb.counts().matched == n - 1);
    CHECK(sb.counts().reordered == 0);
    CHECK(sb.first_missing().find("frame 10 ") != std::string::npos);
    CHECK_FALSE(sb.clean());
}

TEST_CASE("regression parts: a withdrawn send that still arrives is late, not unexpected", "[regression][scoreboard]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    TrafficGen gen(6, 1, SizeDist{}, a, b);
    const auto f0 = frame(gen);
    Scoreboard sb("tx");
    sb.expect(f0);
    sb.withdraw(0);
    INFO("a withdrawn frame is no longer expected");
    CHECK(sb.missing() == 0);
    sb.observe(f0.data(), f0.size());
    INFO("when it arrives anyway (sent before a reset failed it) it counts as late");
    CHECK(sb.counts().late == 1);
    CHECK(sb.counts().unexpected == 0);
    CHECK(sb.clean());
    sb.observe(f0.data(), f0.size());
    INFO("a second copy is a problem (it was never expected again)");
    CHECK_FALSE(sb.intact());
}

TEST_CASE("regression parts: fragment layouts are merged until they fit the reserved map registers",
          "[regression][traffic]") {
    INFO("BYTES_TO_PAGES(mapping) + 1 map registers");
    CHECK(map_registers_for(1514) == 2);
    CHECK(map_registers_for(32768) == 9);
    CHECK(map_registers_for(65536) == 17);
    INFO("pages a buffer spans depend on its offset in the first page");
    CHECK(pages_spanned(0, 4096) == 1);
    CHECK(pages_spanned(100, 4096) == 2);
    CHECK(pages_spanned(0, 0) == 1);
    std::vector<uint32_t> layout{100, 200, 300, 914};
    INFO("four one-page buffers do not fit two map registers: merged from the end");
    CHECK(fit_map_registers(layout, 0, 2));
    CHECK(layout == std::vector<uint32_t>{100, 1414});
    INFO("a layout that fits is left alone");
    CHECK_FALSE(fit_map_registers(layout, 0, 2));
    std::vector<uint32_t> big{30000, 30000, 5536};
    INFO("64 KiB in three buffers spans 8 + 8 + 2 pages: 17 map registers need a merge");
    CHECK(fit_map_registers(big, 0, 17));
    uint32_t total = 0, pages = 0;
    for (uint32_t n : big) total += n, pages += pages_spanned(0, n);
    CHECK(total == 65536);
    CHECK(pages <= 17);
}

TEST_CASE("regression parts: frames and layouts written into reused storage are those made fresh",
          "[regression][traffic]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    SizeDist imix;
    imix.kind = SizeDist::Imix;
    TrafficGen fresh(11, 1, imix, a, b), reusing(11, 1, imix, a, b);
    Rng fresh_rng(3), reusing_rng(3);
    std::vector<uint8_t> buf(1514, 0xEE);  // a larger frame's leftovers must not show through
    std::vector<uint32_t> layout{7, 7, 7, 7, 7, 7};
    for (int i = 0; i < 200; ++i) {
        INFO("frame " << i);
        const std::vector<uint8_t> want = fresh.next();
        reusing.next_into(buf);
        REQUIRE(buf == want);
        const std::vector<uint32_t> want_layout = fragment_layout(fresh_rng, static_cast<uint32_t>(want.size()), 4);
        fragment_layout(reusing_rng, static_cast<uint32_t>(buf.size()), 4, layout);
        REQUIRE(layout == want_layout);
    }
    reusing.next_into(60, buf);
    CHECK(buf == fresh.next(60));
}

TEST_CASE("regression parts: a frame expected in the storage of frames no longer tracked is judged as any other",
          "[regression][scoreboard]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    TrafficGen gen(4, 0, SizeDist{}, a, b);
    Scoreboard sb("rx");
    // Long frames first, through every slot: the short ones after them are compared over their own length only.
    for (int i = 0; i < 20; ++i) {  // more than the ring's 16 first slots
        const std::vector<uint8_t> f = gen.next(1514);
        sb.expect_copy(f.data(), f.size());
        sb.observe(f.data(), f.size());
    }
    const std::vector<uint8_t> f20 = gen.next(60), f21 = gen.next(60);
    sb.expect(f20);
    sb.expect(f21);
    std::vector<uint8_t> bad = f21;
    bad[40] ^= 1;
    sb.observe(f20.data(), f20.size());
    sb.observe(bad.data(), bad.size());
    CHECK(sb.counts().matched == 21);
    CHECK(sb.counts().corrupted == 1);
    CHECK(sb.counts().bytes == 20 * 1514 + 60);
    CHECK(sb.first_problem() == "rx: frame 21 differs at byte 40 (sent 60 bytes, got 60)");
    CHECK(sb.missing() == 0);
}

namespace {

/// Frames that reach a scoreboard only when it asks (as a wire end connected on demand hands them over).
struct Queued : Arrivals {
    Scoreboard* board = nullptr;
    std::vector<std::vector<uint8_t>> arrived;
    size_t asked = 0;
    void catch_up() override {
        ++asked;
        for (const auto& f : arrived) board->observe(f.data(), f.size());
        arrived.clear();
    }
};

}  // namespace

TEST_CASE("regression parts: a scoreboard with arrivals catches up before it answers or takes an expectation",
          "[regression][scoreboard]") {
    const Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    TrafficGen gen(4, 1, SizeDist{}, a, b);
    const auto f0 = frame(gen), f1 = frame(gen);
    Scoreboard sb("tx");
    Queued q;
    q.board = &sb;
    sb.set_arrivals(&q);
    sb.expect(f0);
    q.arrived.push_back(f0);
    CHECK(sb.counts().matched == 1);
    CHECK(sb.missing() == 0);
    INFO("a withdrawal after the frame arrived finds nothing to withdraw: the frame is matched, not late");
    sb.expect(f1);
    q.arrived.push_back(f1);
    sb.withdraw(1);
    CHECK(sb.counts().matched == 2);
    CHECK(sb.counts().late == 0);
    CHECK(sb.counts().expected == 2);
    CHECK(sb.clean());
    CHECK(q.asked >= 6);
}
