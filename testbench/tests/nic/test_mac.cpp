// The MAC: CRC-32 FCS, transmit timing per link speed (preamble+SFD, frame, FCS, IFG), PSP padding, refusals,
// and the receive checks (bad FCS, undersize, link down).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "model/nic/mac.h"

using namespace nicsim::nic;

namespace {

/// Records what the MAC hands to the wire.
struct Capture : WireSink {
    std::vector<Frame> frames;
    void transmit(const Frame& f) override { frames.push_back(f); }
};

std::vector<uint8_t> frame_of(size_t len) {
    std::vector<uint8_t> f(len);
    for (size_t i = 0; i < len; ++i) f[i] = static_cast<uint8_t>(i * 3 + 1);
    return f;
}

}  // namespace

TEST_CASE("the FCS is the Ethernet CRC-32 sent least significant byte first", "[nic][mac]") {
    const char* check = "123456789";
    INFO("the CRC-32 check value of \"123456789\" is 0xCBF43926");
    CHECK(ethernet_crc32(reinterpret_cast<const uint8_t*>(check), 9) == 0xCBF43926u);
    std::vector<uint8_t> f = frame_of(60);
    append_fcs(f);
    REQUIRE(f.size() == 64);
    const uint32_t crc = ethernet_crc32(f.data(), 60);
    CHECK(f[60] == (crc & 0xFF));
    CHECK(f[63] == (crc >> 24));
    INFO("the CRC over a frame with its FCS leaves the standard residue (complemented 0xDEBB20E3)");
    CHECK(ethernet_crc32(f.data(), f.size()) == 0x2144DF1Cu);
    CHECK(fcs_ok(f.data(), f.size()));
    f[17] ^= 0x40;
    CHECK_FALSE(fcs_ok(f.data(), f.size()));
    CHECK_FALSE(fcs_ok(f.data(), 3));
}

namespace {

/// Checks `crc` against the bit-by-bit CRC-32 (reflected polynomial 0xEDB88320) for every start 0..7 and every
/// length up to a full frame and beyond, so vector code's blocks and tails meet every alignment.
void check_against_bitwise(uint32_t (*crc)(const uint8_t*, size_t)) {
    size_t wrong = 0;
    std::string first_wrong;
    std::vector<uint8_t> buf(1600);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(i * 37 + 11 + (i >> 8));
    for (size_t start = 0; start < 8; ++start) {
        uint32_t c = 0xFFFFFFFFu;  // the reference, extended one byte per length
        for (size_t len = 0; start + len <= buf.size(); ++len) {
            if (len > 0) {
                c ^= buf[start + len - 1];
                for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            }
            if (crc(buf.data() + start, len) == (c ^ 0xFFFFFFFFu)) continue;
            if (wrong++ == 0) first_wrong = "start " + std::to_string(start) + ", length " + std::to_string(len);
        }
    }
    INFO("first wrong: " << first_wrong);
    CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("the CRC-32 the build uses is the bit-by-bit one for every length and alignment", "[nic][mac]") {
    INFO((nicsim::net::ethernet_crc32_from_libdeflate() ? "libdeflate's CRC-32" : "the sliced tables"));
    check_against_bitwise(ethernet_crc32);
}

TEST_CASE("the sliced-table CRC-32 (the fallback) is the bit-by-bit one for every length and alignment", "[nic][mac]") {
    check_against_bitwise(nicsim::net::ethernet_crc32_sliced);
}

TEST_CASE("a 1518-byte frame at 1 Gb/s occupies 12208 ns and the next may start 96 ns later", "[nic][mac]") {
    // A maximum untagged frame: 1514 bytes from the driver + 4 FCS bytes (IFCS) = 1518 bytes on the wire, plus 8
    // bytes of preamble and SFD: 1526 bytes x 8 ns = 12208 ns. The IFG is 12 bytes = 96 ns.
    Capture wire;
    Mac mac(wire, 1000);
    const auto data = frame_of(1514);
    REQUIRE(mac.tx_ready(1000));
    const uint64_t end = mac.transmit(data.data(), data.size(), true, true, 1000);
    INFO("end of the last bit");
    CHECK(end == 1000 + 12208);
    REQUIRE(wire.frames.size() == 1);
    CHECK(wire.frames[0].bytes.size() == 1518);
    CHECK(wire.frames[0].time_ns == 1000);
    CHECK(wire.frames[0].fcs_included);
    CHECK(fcs_ok(wire.frames[0].bytes.data(), 1518));
    CHECK(std::memcmp(wire.frames[0].bytes.data(), data.data(), 1514) == 0);
    INFO("not ready during the IFG, ready when it is over");
    CHECK_FALSE(mac.tx_ready(end));
    CHECK_FALSE(mac.tx_ready(end + 95));
    CHECK(mac.tx_ready(end + 96));
    CHECK(mac.tx_free_at_ns() == end + 96);
    INFO("a transmit during the IFG is refused and counted");
    CHECK(mac.transmit(data.data(), data.size(), true, true, end + 50) == 0);
    CHECK(mac.stats().tx_refused == 1);
    CHECK(wire.frames.size() == 1);
    CHECK(mac.transmit(data.data(), data.size(), true, true, end + 96) == end + 96 + 12208);
    CHECK(mac.stats().tx_frames == 2);
    CHECK(mac.stats().tx_bytes == 2 * 1518);
}

TEST_CASE("frame time scales by 10 at 100 Mb/s and by 100 at 10 Mb/s", "[nic][mac]") {
    const struct {
        unsigned mbps;
        uint64_t ns_per_byte;
    } speeds[] = {{1000, 8}, {100, 80}, {10, 800}};
    for (const auto& s : speeds) {
        INFO(s.mbps << " Mb/s");
        Capture wire;
        Mac mac(wire, s.mbps);
        const auto data = frame_of(60);
        const uint64_t end = mac.transmit(data.data(), data.size(), true, false, 0);
        CHECK(end == (8 + 64) * s.ns_per_byte);  // minimum frame: 64 bytes with FCS
        CHECK(mac.tx_free_at_ns() == (8 + 64 + 12) * s.ns_per_byte);
        CHECK(wire_duration_ns(64, s.mbps) == end);
    }
    INFO("an unknown speed is treated as 1000 Mb/s");
    Capture wire;
    Mac mac(wire, 42);
    CHECK(mac.link_mbps() == 1000);
}

TEST_CASE("PSP pads short frames with zeros to 60 bytes before the FCS", "[nic][mac]") {
    Capture wire;
    Mac mac(wire, 1000);
    const auto arp = frame_of(42);
    REQUIRE(mac.transmit(arp.data(), arp.size(), true, true, 0) != 0);
    REQUIRE(wire.frames.size() == 1);
    const auto& f = wire.frames[0].bytes;
    INFO("42 bytes + 18 zero bytes + FCS");
    REQUIRE(f.size() == 64);
    CHECK(std::memcmp(f.data(), arp.data(), 42) == 0);
    for (size_t i = 42; i < 60; ++i) CHECK(f[i] == 0);
    CHECK(fcs_ok(f.data(), f.size()));
    CHECK(mac.stats().tx_padded == 1);
    INFO("without PSP the short frame goes out as it is");
    REQUIRE(mac.transmit(arp.data(), arp.size(), true, false, mac.tx_free_at_ns()) != 0);
    CHECK(wire.frames[1].bytes.size() == 46);
    INFO("without IFCS nothing is appended: the driver's last 4 bytes are the FCS");
    auto with_fcs = frame_of(60);
    append_fcs(with_fcs);
    REQUIRE(mac.transmit(with_fcs.data(), with_fcs.size(), false, true, mac.tx_free_at_ns()) != 0);
    CHECK(wire.frames[2].bytes == with_fcs);
}

TEST_CASE("the MAC refuses to transmit with the link down or a frame that is empty or too long", "[nic][mac]") {
    Capture wire;
    Mac mac(wire, 1000, false);
    const auto data = frame_of(100);
    CHECK_FALSE(mac.tx_ready(0));
    CHECK(mac.transmit(data.data(), data.size(), true, true, 0) == 0);
    mac.set_link_up(true);
    CHECK(mac.transmit(data.data(), 0, true, true, 0) == 0);
    const auto huge = frame_of(kMaxFrameBytes + 1);
    CHECK(mac.transmit(huge.data(), huge.size(), true, true, 0) == 0);
    INFO("three refusals, nothing on the wire");
    CHECK(mac.stats().tx_refused == 3);
    CHECK(wire.frames.empty());
}

namespace {

/// A sink that keeps each frame's storage as a wire in flight does, giving back storage of its own.
struct Keeper : WireSink {
    std::vector<Frame> frames;
    void transmit(const Frame& f) override { frames.push_back(f); }
    void transmit_swap(Frame& f) override {
        frames.emplace_back();
        frames.back().bytes.swap(f.bytes);
        frames.back().fcs_included = f.fcs_included;
        frames.back().time_ns = f.time_ns;
    }
};

}  // namespace

TEST_CASE("transmit_swap sends what transmit sends, taking the caller's storage unless it refuses", "[nic][mac]") {
    Capture copies;
    Keeper kept;
    Mac by_copy(copies, 1000), by_swap(kept, 1000);
    // (length, IFCS, PSP): padded, FCS appended, the driver's own FCS, and a buffer longer than the frame.
    const struct {
        size_t len, size;
        bool ifcs, psp;
    } cases[] = {{42, 42, true, true}, {1514, 1514, true, true}, {64, 64, false, true}, {100, 300, true, false}};
    for (const auto& c : cases) {
        INFO("length " << c.len << " in a buffer of " << c.size);
        const auto data = frame_of(c.size);
        std::vector<uint8_t> mine;
        mine.reserve(2048);  // room for the padding and FCS: the MAC sends in this very storage
        mine = data;
        const uint8_t* storage = mine.data();
        const uint64_t t = by_copy.tx_free_at_ns();
        REQUIRE(by_copy.transmit(data.data(), c.len, c.ifcs, c.psp, t) != 0);
        REQUIRE(by_swap.transmit_swap(mine, c.len, c.ifcs, c.psp, t) != 0);
        CHECK(kept.frames.back().bytes == copies.frames.back().bytes);
        CHECK(kept.frames.back().time_ns == t);
        CHECK(kept.frames.back().bytes.data() == storage);
        CHECK(mine.data() != storage);
    }
    CHECK(by_swap.stats().tx_bytes == by_copy.stats().tx_bytes);
    CHECK(by_swap.stats().tx_padded == 1);
    INFO("refused (link down): the caller keeps its frame as it was");
    by_swap.set_link_up(false);
    const auto data = frame_of(100);
    std::vector<uint8_t> mine = data;
    const uint8_t* storage = mine.data();
    CHECK(by_swap.transmit_swap(mine, mine.size(), true, true, by_swap.tx_free_at_ns()) == 0);
    CHECK(mine.data() == storage);
    CHECK(mine == data);
    CHECK(by_swap.stats().tx_refused == 1);
}

TEST_CASE("received frames with a bad FCS are counted and dropped and good ones delivered", "[nic][mac]") {
    Capture wire;
    Mac mac(wire, 1000);
    std::vector<Frame> got;
    mac.set_rx_callback([&](const Frame& f) { got.push_back(f); });
    Frame good;
    good.bytes = frame_of(100);
    append_fcs(good.bytes);
    good.fcs_included = true;
    good.time_ns = 7;
    CHECK(mac.receive(good));
    Frame bad = good;
    bad.bytes[50] ^= 1;
    CHECK_FALSE(mac.receive(bad));
    Frame runt;
    runt.bytes = frame_of(40);
    append_fcs(runt.bytes);
    runt.fcs_included = true;
    CHECK_FALSE(mac.receive(runt));
    Frame no_fcs;
    no_fcs.bytes = frame_of(60);
    INFO("a frame without FCS (e.g. from a capture) is not FCS-checked");
    CHECK(mac.receive(no_fcs));
    mac.set_link_up(false);
    CHECK_FALSE(mac.receive(good));
    REQUIRE(got.size() == 2);
    CHECK(got[0].bytes == good.bytes);
    CHECK(got[0].time_ns == 7);
    CHECK(mac.stats().rx_frames == 2);
    CHECK(mac.stats().rx_bad_fcs == 1);
    CHECK(mac.stats().rx_undersize == 1);
    CHECK(mac.stats().rx_link_down == 1);
    CHECK(mac.stats().rx_bytes == good.bytes.size() + 60);
}

// The data path asks check_receive() and hands a passed frame to its receiver itself; receive() is check_receive()
// and the callbacks. Each verdict must be the reason the counters give, and passed() exactly what receive() returns.
TEST_CASE("check_receive's verdict names the counter receive() moves and passes what receive() passes", "[nic][mac]") {
    Frame good;
    good.bytes = frame_of(100);
    append_fcs(good.bytes);
    good.fcs_included = true;
    Frame bad = good;
    bad.bytes[50] ^= 1;
    Frame runt;
    runt.bytes = frame_of(40);
    Frame big;
    big.bytes = frame_of(1600);
    struct Case {
        const Frame* frame;
        bool store_bad, link_up, looped;
        Mac::RxVerdict verdict;
    };
    const Case cases[] = {
        {&good, false, true, false, Mac::RxVerdict::kGood},    {&bad, false, true, false, Mac::RxVerdict::kBadFcs},
        {&bad, true, true, false, Mac::RxVerdict::kBadStored}, {&runt, false, true, false, Mac::RxVerdict::kUndersize},
        {&big, false, true, false, Mac::RxVerdict::kOversize}, {&good, false, false, false, Mac::RxVerdict::kLinkDown},
        {&good, false, false, true, Mac::RxVerdict::kGood},
    };
    for (const Case& c : cases) {
        Capture wire;
        Mac checked(wire, 1000, c.link_up), called(wire, 1000, c.link_up);
        int good_calls = 0, bad_calls = 0;
        called.set_rx_callback([&](const Frame&) { ++good_calls; });
        called.set_rx_bad_callback([&](const Frame&) { ++bad_calls; });
        const Mac::RxVerdict v = checked.check_receive(*c.frame, kMaxStdFrameBytes, c.store_bad, c.looped);
        const bool passed = called.receive(*c.frame, kMaxStdFrameBytes, c.store_bad, c.looped);
        CHECK(v == c.verdict);
        CHECK(Mac::passed(v) == passed);
        CHECK(good_calls == (v == Mac::RxVerdict::kGood ? 1 : 0));
        CHECK(bad_calls == (v == Mac::RxVerdict::kBadStored ? 1 : 0));
        const MacStats& a = checked.stats();
        const MacStats& b = called.stats();
        CHECK(a.rx_frames == b.rx_frames);
        CHECK(a.rx_bad_fcs == (v == Mac::RxVerdict::kBadFcs || v == Mac::RxVerdict::kBadStored ? 1u : 0u));
        CHECK(a.rx_undersize == (v == Mac::RxVerdict::kUndersize ? 1u : 0u));
        CHECK(a.rx_oversize == (v == Mac::RxVerdict::kOversize ? 1u : 0u));
        CHECK(a.rx_link_down == (v == Mac::RxVerdict::kLinkDown ? 1u : 0u));
        CHECK(b.rx_bad_fcs == a.rx_bad_fcs);
    }
}
