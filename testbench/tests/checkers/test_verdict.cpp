// The verdict reads only the statistics record: each case builds the record a run would have produced (the counts
// written out here, not taken from a run) and checks the verdict and its reason.
#include <catch2/catch.hpp>
#include <cmath>

#include "testbench/checkers/overrun_rule.h"
#include "testbench/checkers/verdict.h"

using namespace nicsim::tb;

namespace {

/// The record of a clean default run: 32 frames each way, every check zero; `rx_lost` received frames missing.
RunStats clean_record(uint64_t packets = 32, uint64_t rx_lost = 0) {
    RunStats s;
    for (const char* sec : {"transmit", "receive"}) {
        const uint64_t lost = sec == std::string("receive") ? rx_lost : 0;
        s.add_count(sec, "packets sent", packets);
        s.add_count(sec, "frames expected", packets);
        s.add_count(sec, "frames intact", packets - lost);
        s.add_count(sec, "frames missing", lost);
        for (const char* k : {"frames corrupted", "frames duplicated", "frames reordered", "frames unexpected"})
            s.add_count(sec, k, 0);
    }
    s.add_count("nic", "frames missed (RX overrun)", 0);
    s.add_count("nic", "frames filtered", 0);
    s.add_count("checks", "bus monitor violations", 0);
    s.add_count("checks", "DMA verifier violations", 0);
    s.add_count("checks", "NDIS contract violations", 0);
    return s;
}

std::string reasons(const Verdict& v) {
    std::string r;
    for (const std::string& s : v.reasons) r += s + "\n";
    return r;
}

/// A 64-bit/66 MHz bus with the 64-bit NIC variant (the 82545EM): 64-bit data phases.
RunConfig fast_bus() {
    RunConfig cfg;
    cfg.bus_width = 64;
    cfg.bus_clock_mhz = 66;
    cfg.nic_data_path = 64;
    return cfg;
}

/// A clean run of `frames` both ways in which `missing` received frames are lost and the NIC counted `mpc` of them
/// as missed (MPC).
RunStats overrun_record(uint64_t frames, uint64_t missing, uint64_t mpc) {
    RunStats s;
    const RunStats clean = clean_record(frames);
    for (const RunStats::Row& r : clean.rows()) {
        uint64_t v = static_cast<uint64_t>(r.value);
        if (r.section == "receive" && r.key == "frames missing") v = missing;
        if (r.section == "receive" && r.key == "frames intact") v = frames - missing;
        if (r.section == "nic" && r.key == "frames missed (RX overrun)") v = mpc;
        s.add_count(r.section, r.key, v);
    }
    return s;
}

}  // namespace

TEST_CASE("a clean record passes and records verdict pass", "[checkers][verdict]") {
    RunStats s = clean_record();
    const Verdict v = judge(s, fast_bus(), RunOutcome{});
    INFO(reasons(v));
    CHECK(v.pass());
    record_verdict(s, v);
    CHECK(s.json().find("\"verdict\": \"pass\"") != std::string::npos);
}

TEST_CASE("an unexpected warning fails the verdict, and the record says FAIL", "[checkers][verdict]") {
    RunStats s = clean_record();
    s.add_count("warnings", "nicsim/ndis/sg-map-registers", 3);
    const Verdict v = judge(s, fast_bus(), RunOutcome{});
    REQUIRE_FALSE(v.pass());
    CHECK_THAT(v.reasons.front(), Catch::Contains("the model reported 3 warnings"));
    record_verdict(s, v);
    CHECK(s.json().find("\"verdict\": \"FAIL\"") != std::string::npos);
    INFO("notes and expected warnings are counted, never fatal");
    RunStats n = clean_record();
    n.add_count("notes", "nicsim/wire/link", 2);
    n.add_count("expected warnings", "nicsim/host/bridge-fault", 1);
    CHECK(judge(n, fast_bus(), RunOutcome{}).pass());
}

TEST_CASE("a run that stalls fails; a time-bounded run ended by its limit is not judged on missing frames",
          "[checkers][verdict]") {
    RunStats missing;
    const RunStats clean = clean_record();
    for (const RunStats::Row& r : clean.rows())
        if (r.section == "receive" && r.key == "frames missing")
            missing.add_count(r.section, r.key, 5);
        else
            missing.add_count(r.section, r.key, static_cast<uint64_t>(r.value));
    RunOutcome stalled;
    stalled.stalled = true;
    CHECK_THAT(reasons(judge(missing, fast_bus(), stalled)), Catch::Contains("stalled"));
    RunOutcome bounded;
    bounded.time_limit = true;
    CHECK(judge(missing, fast_bus(), bounded).pass());
    CHECK_THAT(reasons(judge(missing, fast_bus(), RunOutcome{})), Catch::Contains("receive: 5 frames missing"));
}

TEST_CASE("the overrun rule counts the bus clocks a frame's DMA takes, on either bus model", "[checkers][verdict]") {
    // PCI Local Bus Specification 2.3, sections 3.3.1, 3.3.2 and 3.5.1: a write of N data phases holds the bus for an
    // address phase, N data phases and a turnaround; a read adds a turnaround after the address phase and the
    // memory's wait states (mem-latency 4: data in the 4th clock after the address, 3 wait states). Each burst waits
    // 2 clocks of arbitration. A frame's descriptor goes back in a burst of its own (4 dwords) and its fetch shares
    // a burst with others (4 data phases counted).
    RunConfig tlm;
    tlm.bus_model = BusModel::Tlm;
    const double desc = (2 + 1 + 4 + 1) + 4;
    INFO("1514 bytes on a 32-bit bus: 379 data phases");
    CHECK(frame_bus_clocks(1514, true, tlm) == 2 + 1 + 379 + 1 + desc);
    CHECK(frame_bus_clocks(1514, false, tlm) == 2 + 1 + 1 + 3 + 379 + 1 + desc);
    RunConfig split = tlm;
    split.max_transfer = 1024;
    INFO("max-transfer 1024: two requests of 256 and 123 data phases");
    CHECK(frame_bus_clocks(1514, true, split) == (2 + 1 + 256 + 1) + (2 + 1 + 123 + 1) + desc);

    // One 1538-byte wire slot (1514 + FCS, preamble, gap) at 1 Gb/s is 12304 ns: 406 clocks at 33 MHz.
    RunConfig rx_only = tlm;
    rx_only.direction = Direction::Rx;
    const double slot_33 = 12304 * 33 / 1000.0;
    CHECK(dma_bus_share(rx_only) == Approx((383 + desc) / slot_33));
    INFO("receive only: 395 of 406 clocks (97 %), the same rule for the pin-level bus");
    CHECK(overrun_inevitable(rx_only));
    RunConfig rx_only_pin = rx_only;
    rx_only_pin.bus_model = BusModel::Pin;
    CHECK(overrun_inevitable(rx_only_pin));
    INFO("both ways: 395 + 399 clocks do not fit in 406");
    CHECK(overrun_inevitable(tlm));
    RunConfig small = rx_only;
    small.size.min = small.size.max = 60;
    INFO("60-byte frames (84-byte slot, 672 ns = 22 clocks): 2 + 1 + 15 + 1 + 12 = 31 clocks each");
    CHECK(frame_bus_clocks(60, true, small) == 2 + 1 + 15 + 1 + desc);
    CHECK(overrun_inevitable(small));
    RunConfig small_wide = small;
    small_wide.bus_width = 64;
    small_wide.bus_clock_mhz = 66;
    small_wide.nic_data_path = 64;
    INFO("the 64-bit variant on a 64-bit/66 MHz bus: 12 + a 2-phase write-back (6) + 2 = 20 clocks of 44 available");
    CHECK(frame_bus_clocks(60, true, small_wide) == (2 + 1 + 8 + 1) + (2 + 1 + 2 + 1) + 2);
    CHECK_FALSE(overrun_inevitable(small_wide));
    RunConfig small_wide_both = small_wide;
    small_wide_both.direction = Direction::Both;
    INFO("both ways: 20 + 24 clocks of 44.35 (99 %)");
    CHECK(dma_bus_share(small_wide_both) == Approx((20.0 + 24.0) / (84 * 8 * 66 / 1000.0)));
    CHECK(overrun_inevitable(small_wide_both));
    RunConfig small_wide_82540 = small_wide;
    small_wide_82540.nic_data_path = 32;
    INFO("the 82540EM on the same bus moves a dword per data phase: 31 clocks of 44, receive only");
    CHECK(frame_bus_clocks(60, true, small_wide_82540) == 2 + 1 + 15 + 1 + desc);
    CHECK_FALSE(overrun_inevitable(small_wide_82540));
    RunConfig tx = tlm;
    tx.direction = Direction::Tx;
    CHECK_FALSE(overrun_inevitable(tx));
}

TEST_CASE("receive overruns are accepted from 95 % of the bus's clocks on", "[checkers][verdict]") {
    // 70-byte frames both ways with the 64-bit variant on a 64-bit/66 MHz bus: 9 data phases. Receive
    // 2 + 1 + 9 + 1 + 6 + 2 = 21, transmit 2 + 1 + 1 + 3 + 9 + 1 + 6 + 2 = 25 clocks, in a 94-byte slot of 752 ns
    // (49.6 clocks): 92.7 %, below the share. A memory latency of 6 adds 2 wait states to the read: 96.7 %.
    RunConfig near;
    near.bus_width = 64;
    near.bus_clock_mhz = 66;
    near.nic_data_path = 64;
    near.size.min = near.size.max = 70;
    const double slot = 94 * 8 * 66 / 1000.0;
    CHECK(dma_bus_share(near) == Approx(46 / slot));
    CHECK_FALSE(overrun_inevitable(near));
    near.mem_latency = 6;
    CHECK(dma_bus_share(near) == Approx(48 / slot));
    CHECK(overrun_inevitable(near));
}

TEST_CASE("receive overruns are accepted only where the bus cannot carry the link rate", "[checkers][verdict]") {
    // 1 GbE both ways offers 250 MB/s; a 32-bit/33 MHz PCI bus peaks at 133 MB/s, a 64-bit/66 MHz one at 533 MB/s.
    RunConfig slow;
    CHECK(overrun_inevitable(slow));
    CHECK_FALSE(overrun_inevitable(fast_bus()));
    RunConfig tx_only;
    tx_only.direction = Direction::Tx;
    CHECK_FALSE(overrun_inevitable(tx_only));
    RunConfig slow_link;
    slow_link.link_mbps = 100;
    CHECK_FALSE(overrun_inevitable(slow_link));

    RunStats s;
    const RunStats clean = clean_record();
    for (const RunStats::Row& r : clean.rows()) {
        uint64_t v = static_cast<uint64_t>(r.value);
        if (r.section == "receive" && r.key == "frames missing") v = 4;
        if (r.section == "nic" && r.key == "frames missed (RX overrun)") v = 4;
        s.add_count(r.section, r.key, v);
    }
    CHECK(judge(s, slow, RunOutcome{}).pass());
    CHECK_FALSE(judge(s, fast_bus(), RunOutcome{}).pass());
    RunStats shown = s;
    record_verdict(shown, judge(s, slow, RunOutcome{}));
    CHECK(shown.value("receive", "RX overruns accepted (the bus cannot carry the link rate)") == 4);
}

TEST_CASE("the 82540EM's 32-bit data phases set the overrun rule on a 64-bit bus", "[checkers][verdict]") {
    // The saturate scenario: 1514-byte frames both ways at 1 Gb/s on a 64-bit/66 MHz bus, a 1538-byte wire slot of
    // 12304 ns = 812 clocks. The 82540EM never asserts REQ64#, so it moves 379 dwords per frame: receive 2 + 1 + 379
    // + 1 + 12 = 395 clocks, transmit 2 + 1 + 1 + 3 + 379 + 1 + 12 = 399: 97.8 % of the bus. The 64-bit 82545EM
    // moves 190 quadwords: 2 + 1 + 190 + 1 + 6 + 2 = 202 and 206 clocks, 50 %.
    RunConfig saturate;
    saturate.bus_width = 64;
    saturate.bus_clock_mhz = 66;
    saturate.size.min = saturate.size.max = 1514;
    CHECK(dma_data_bits(saturate) == 32);
    CHECK(dma_bus_share(saturate) == Approx((395.0 + 399.0) / (12304 * 66 / 1000.0)));
    CHECK(overrun_inevitable(saturate));
    RunConfig saturate_tlm = saturate;
    saturate_tlm.bus_model = BusModel::Tlm;
    CHECK(overrun_inevitable(saturate_tlm));
    RunConfig wide = saturate;
    wide.nic_data_path = 64;
    CHECK(dma_data_bits(wide) == 64);
    CHECK(dma_bus_share(wide) == Approx((202.0 + 206.0) / (12304 * 66 / 1000.0)));
    CHECK_FALSE(overrun_inevitable(wide));
    RunConfig narrow_bus = wide;
    narrow_bus.bus_width = 32;
    INFO("the 64-bit variant in a 32-bit slot moves dwords too");
    CHECK(dma_data_bits(narrow_bus) == 32);

    // 8 of 10000 received frames missing, each counted by the NIC as missed (MPC): the loss is the bus's, accepted.
    auto record = [](uint64_t missing, uint64_t mpc) { return overrun_record(10000, missing, mpc); };
    const Verdict accepted = judge(record(8, 8), saturate, RunOutcome{});
    INFO(reasons(accepted));
    CHECK(accepted.pass());
    CHECK(accepted.rx_losses_accepted == 8);
    INFO("a frame lost beyond what the NIC counted still fails, and so does any loss on the 64-bit variant");
    CHECK_THAT(reasons(judge(record(8, 7), saturate, RunOutcome{})),
               Catch::Contains("receive: 8 frames missing, only 7 accounted for"));
    CHECK_THAT(reasons(judge(record(8, 8), wide, RunOutcome{})), Catch::Contains("receive: 8 frames missing"));
    INFO("the fast mode's run of the same traffic (69 of 10000 missed, all in MPC) is judged the same way");
    CHECK(judge(record(69, 69), saturate_tlm, RunOutcome{}).pass());
    CHECK_THAT(reasons(judge(record(69, 68), saturate_tlm, RunOutcome{})),
               Catch::Contains("receive: 69 frames missing, only 68 accounted for"));
}

TEST_CASE("the host's register cycles count towards the overrun rule, measured over the run", "[checkers][verdict]") {
    // 100-byte frames both ways with the 64-bit variant on a 64-bit/66 MHz bus: 13 quadword data phases. Receive
    // 2 + 1 + 13 + 1 + 6 + 2 = 25 clocks, transmit 2 + 1 + 1 + 3 + 13 + 1 + 6 + 2 = 29, in a 124-byte slot of 992 ns
    // (65.472 clocks): 82.5 %. Each CPU cycle: the fast mode's 4 clocks for a write, then the NIC burst it cut
    // arbitrates again (2) and repeats its address phase (1) and turnaround (1): 8 clocks.
    RunConfig wide = fast_bus();
    wide.size.min = wide.size.max = 100;
    const double slot = 124 * 8 * 66 / 1000.0;
    const double dma = (25.0 + 29.0) / slot;
    CHECK(dma_bus_share(wide) == Approx(dma));
    CHECK_FALSE(overrun_inevitable(wide));
    const uint64_t clocks = 100000;
    const double per_cycle = 4 + 2 + 1 + 1;
    CHECK(cpu_bus_share(1000, clocks) == Approx(1000 * per_cycle / clocks));
    CHECK(cpu_bus_share(1000, 0) == 0);
    const auto at_threshold = static_cast<uint64_t>(std::ceil((0.95 - dma) * clocks / per_cycle));
    CHECK(overrun_inevitable(wide, cpu_bus_share(at_threshold, clocks)));
    CHECK_FALSE(overrun_inevitable(wide, cpu_bus_share(at_threshold - 1, clocks)));

    // The verdict reads the cycles (MMIO and configuration) and the run's clocks from the record.
    auto record = [&](uint64_t mmio, uint64_t missing, uint64_t mpc) {
        RunStats s = overrun_record(2000, missing, mpc);
        s.add_count("run", "bus clocks", clocks);
        s.add_count("host", "CPU MMIO cycles", mmio - 70);
        s.add_count("host", "CPU config cycles", 70);
        return s;
    };
    for (BusModel m : {BusModel::Pin, BusModel::Tlm}) {
        wide.bus_model = m;
        const Verdict accepted = judge(record(at_threshold, 400, 400), wide, RunOutcome{});
        INFO(reasons(accepted));
        CHECK(accepted.pass());
        CHECK(accepted.rx_losses_accepted == 400);
        RunStats shown = record(at_threshold, 400, 400);
        record_verdict(shown, accepted);
        CHECK(shown.value("receive", "RX overruns accepted (the bus cannot carry the link rate)") == 400);
        INFO("below the threshold the losses fail the run; a loss the NIC did not count fails it at any share");
        CHECK_THAT(reasons(judge(record(at_threshold - 1, 400, 400), wide, RunOutcome{})),
                   Catch::Contains("receive: 400 frames missing"));
        CHECK_THAT(reasons(judge(record(at_threshold, 400, 399), wide, RunOutcome{})),
                   Catch::Contains("receive: 400 frames missing, only 399 accounted for"));
        CHECK_THAT(reasons(judge(record(4 * at_threshold, 400, 399), wide, RunOutcome{})),
                   Catch::Contains("receive: 400 frames missing, only 399 accounted for"));
    }
}

TEST_CASE("frames from --pcap-in that are neither indicated nor filtered fail the run", "[checkers][verdict]") {
    RunConfig cfg = fast_bus();
    cfg.pcap_in = "in.pcap";
    auto record = [](uint64_t indicated, uint64_t filtered) {
        RunStats s;
        s.add_count("receive", "packets indicated", indicated);
        s.add_count("receive", "frames from pcap", 8);
        s.add_count("nic", "frames filtered", filtered);
        return s;
    };
    CHECK(judge(record(8, 0), cfg, RunOutcome{}).pass());
    CHECK(judge(record(5, 3), cfg, RunOutcome{}).pass());
    CHECK_THAT(reasons(judge(record(5, 0), cfg, RunOutcome{})),
               Catch::Contains("3 of 8 frames from the pcap were neither indicated nor filtered"));
}

TEST_CASE("a frame from --pcap-in indicated with other bytes fails the run", "[checkers][verdict]") {
    RunConfig cfg = fast_bus();
    cfg.pcap_in = "in.pcap";
    RunStats s;
    s.add_count("receive", "packets indicated", 8);
    s.add_count("receive", "frames from pcap", 8);
    s.add_count("receive", "frames from pcap intact", 7);
    s.add_count("receive", "frames from pcap corrupted", 1);
    s.add_text("receive", "first problem", "a frame of 64 bytes indicated is none of the frames sent");
    s.add_count("nic", "frames filtered", 0);
    CHECK_THAT(
        reasons(judge(s, cfg, RunOutcome{})),
        Catch::Contains("receive: 1 frames indicated differ from the frames the pcap sent: a frame of 64 bytes"));
}

TEST_CASE("a fault that left no evidence fails the run", "[checkers][verdict]") {
    RunConfig cfg = fast_bus();
    cfg.fault.reset_at_ns = 400'000;
    RunStats s = clean_record();
    s.add_text("faults", "plan", cfg.fault.text());
    CHECK_THAT(reasons(judge(s, cfg, RunOutcome{})), Catch::Contains("fault reset-at (the traffic ended before it)"));
}

TEST_CASE("a failed driver ASSERT is one driver fault with its file and line, not also a model warning",
          "[checkers][verdict]") {
    RunStats s = clean_record();
    s.add_count("checks", "driver faults", 2);
    s.add_text("checks", "first driver fault", "send.c:63: ASSERT(sgList->NumberOfElements == 1) failed");
    s.add_count("warnings", "nicsim/ndis/driver-assert", 2);
    const Verdict v = judge(s, fast_bus(), RunOutcome{});
    REQUIRE(v.reasons.size() == 1);
    CHECK(v.reasons.front() == "driver fault: send.c:63: ASSERT(sgList->NumberOfElements == 1) failed (and 1 more)");
    INFO("a warning of another kind in the same run is still a model warning");
    s.add_count("warnings", "nicsim/nic/dma-bus-error", 1);
    const Verdict w = judge(s, fast_bus(), RunOutcome{});
    REQUIRE(w.reasons.size() == 2);
    CHECK(w.reasons.back() == "the model reported 1 warnings");
}

TEST_CASE("after any reset receive must resume, unless no frame arrived after it", "[checkers][verdict]") {
    // The rows of each reset as the user guide names them: CTRL.RST by --fault reset-at, and the MiniportReset a
    // hang check asked for (here with a target abort, which made the hang).
    struct Kind {
        const char* prefix;
        const char* indicated;
        const char* arriving;
        const char* not_shown;
        const char* failure;
    };
    const Kind kinds[] = {
        {"reset", "frames indicated after reset", "frames arriving after the reset", "receive after the reset",
         "reset-at: no frame was indicated after the reset"},
        {"recovery reset", "frames indicated after the recovery", "frames arriving after the recovery",
         "receive after the recovery", "hang check: no frame was indicated after the reset it asked for"},
    };
    for (const Kind& k : kinds) {
        INFO(k.prefix);
        RunConfig cfg = fast_bus();
        cfg.fault.reset_at_ns = 400'000;
        cfg.fault.target_abort = 1;
        auto record = [&](uint64_t arriving, uint64_t indicated, uint64_t rx_lost) {
            RunStats s = clean_record(32, rx_lost);
            s.add_count("faults", std::string(k.prefix) + " at ns", 400'100);
            if (k.prefix != std::string("reset")) s.add_count("faults", "reset at ns", 400'100);  // reset-at's evidence
            s.add_count("faults", k.indicated, indicated);
            s.add_count("faults", k.arriving, arriving);
            if (arriving == 0)
                s.add_text("faults", k.not_shown, "not shown: no frame arrived after the reset (traffic had ended)");
            s.add_count("faults", "RX frames dropped", rx_lost);  // every lost receive frame counted by the NIC
            s.add_count("faults", "injected target aborts", 1);
            s.add_count("faults", "NIC target aborts", 1);
            return s;
        };
        CHECK(judge(record(5, 5, 0), cfg, RunOutcome{}).pass());
        CHECK_THAT(reasons(judge(record(5, 0, 0), cfg, RunOutcome{})),
                   Catch::Contains(k.failure) && Catch::Contains("receive did not resume"));
        INFO("the traffic ended with the reset: every receive frame lost and accounted for, resuming not shown");
        CHECK(judge(record(0, 0, 32), cfg, RunOutcome{}).pass());
        INFO("the same losses with frames arriving after the reset (no not-shown row): receive did not resume");
        CHECK(judge(record(5, 5, 32), cfg, RunOutcome{}).reasons ==
              std::vector<std::string>{"receive: no frame arrived (traffic did not resume)"});
        INFO("a run stopped by its time limit is not judged on resuming");
        RunOutcome limited;
        limited.time_limit = true;
        CHECK(judge(record(5, 0, 0), cfg, limited).pass());
    }
}

TEST_CASE("a reset after the last send does not fail transmit for not resuming", "[checkers][verdict]") {
    // nicsim --fault reset-at:100us: the default 32 packets are all sent before the reset (at 246 us); the driver
    // aborts those still queued with NDIS_STATUS_REQUEST_ABORTED (withdrawn from the scoreboard; here all 32) and the
    // 32 received frames are lost: one written to host memory before the reset and discarded with the ring, 31
    // dropped by the receiver the reset left off. Nothing is sent or arrives after the reset.
    RunConfig cfg;
    cfg.fault.reset_at_ns = 100'000;
    auto record = [](bool tx_not_shown, uint64_t rx_dropped = 31) {
        RunStats s;
        const RunStats clean = clean_record(32, 32);
        for (const RunStats::Row& r : clean.rows()) {
            uint64_t v = static_cast<uint64_t>(r.value);
            if (r.section == "transmit" && (r.key == "frames expected" || r.key == "frames intact")) v = 0;
            s.add_count(r.section, r.key, v);
        }
        s.add_count("transmit", "sends refused", 32);
        s.add_text("faults", "plan", "reset-at:100000ns");
        s.add_count("faults", "reset at ns", 246'030);
        s.add_count("faults", "sends completed after reset", 0);
        s.add_count("faults", "frames indicated after reset", 0);
        s.add_count("faults", "sends made after reset", 0);
        s.add_count("faults", "sends at risk in the reset", 0);
        s.add_count("faults", "RX frames dropped", rx_dropped);
        s.add_count("faults", "RX frames written, discarded by a reset", 1);
        s.add_count("faults", "frames arriving after the reset", 0);
        s.add_text("faults", "receive after the reset",
                   "not shown: no frame arrived after the reset (traffic had ended)");
        if (tx_not_shown)
            s.add_text("faults", "transmit after the reset",
                       "not shown: no send was made after the reset (traffic had ended)");
        return s;
    };
    const Verdict v = judge(record(true), cfg, RunOutcome{});
    INFO(reasons(v));
    CHECK(v.pass());
    CHECK(v.tx_losses_accepted == 0);
    CHECK(v.rx_losses_accepted == 32);
    INFO("without the row (sends made after the reset, none of which arrived) transmit did not resume");
    CHECK(judge(record(false), cfg, RunOutcome{}).reasons ==
          std::vector<std::string>{"transmit: no frame arrived (traffic did not resume)"});
    INFO(
        "each lost frame counts once: a frame lost without being counted fails the run, however many frames arrived "
        "near the reset");
    CHECK_THAT(reasons(judge(record(true, 30), cfg, RunOutcome{})),
               Catch::Contains("receive: 32 frames missing, only 31 accounted for"));
}

TEST_CASE("back to back, the partner's receive overruns are judged by the same rule", "[checkers][verdict]") {
    // Back to back, the transmit board holds the DUT's frames as the partner received them. On the default 32-bit/33
    // MHz bus, 1514-byte frames received at 1 Gb/s need 395 of the 406 clocks of a wire slot (97 %), so the partner's
    // receive side overruns when the DUT sends, whichever way the DUT's own traffic goes.
    auto record = [](uint64_t tx_missing, uint64_t partner_mpc) {
        RunStats s;
        const RunStats clean = clean_record(100);
        for (const RunStats::Row& r : clean.rows()) {
            uint64_t v = static_cast<uint64_t>(r.value);
            if (r.section == "transmit" && r.key == "frames missing") v = tx_missing;
            if (r.section == "transmit" && r.key == "frames intact") v = 100 - tx_missing;
            s.add_count(r.section, r.key, v);
        }
        s.add_count("partner", "NIC frames missed (RX overrun)", partner_mpc);
        s.add_count("partner", "CPU MMIO cycles", 0);
        s.add_count("partner", "CPU config cycles", 0);
        s.add_count("run", "bus clocks", 1000000);
        return s;
    };
    RunConfig slow;
    const Verdict accepted = judge(record(3, 3), slow, RunOutcome{});
    INFO(reasons(accepted));
    CHECK(accepted.pass());
    CHECK(accepted.partner_overruns_accepted == 3);
    RunStats shown = record(3, 3);
    record_verdict(shown, accepted);
    CHECK(shown.value("transmit", "RX overruns accepted at the partner") == 3);

    RunConfig tx_only;
    tx_only.direction = Direction::Tx;
    INFO("the DUT only sends: the partner only receives, 97 % of its bus");
    CHECK(judge(record(3, 3), tx_only, RunOutcome{}).pass());

    INFO("a loss the partner's NIC did not count fails, and so does any loss where its bus has room");
    CHECK_THAT(reasons(judge(record(3, 2), slow, RunOutcome{})),
               Catch::Contains("transmit: 3 frames missing, only 2 accounted for"));
    CHECK_THAT(reasons(judge(record(3, 3), fast_bus(), RunOutcome{})), Catch::Contains("transmit: 3 frames missing"));
    RunConfig rx_only;
    rx_only.direction = Direction::Rx;
    INFO("the DUT only receives: the partner only sends, and its receive side has nothing to overrun");
    CHECK_THAT(reasons(judge(record(3, 3), rx_only, RunOutcome{})), Catch::Contains("transmit: 3 frames missing"));

    INFO("without a partner the transmit board accepts no overrun");
    RunStats single = record(3, 3);
    RunStats no_partner;
    for (const RunStats::Row& r : single.rows())
        if (r.section != "partner") no_partner.add_count(r.section, r.key, static_cast<uint64_t>(r.value));
    CHECK_THAT(reasons(judge(no_partner, slow, RunOutcome{})), Catch::Contains("transmit: 3 frames missing"));
}
