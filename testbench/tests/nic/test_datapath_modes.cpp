// NIC data path receive modes and frame statistics: RCTL.SBP (store bad packets), RCTL.LBM = 01 (MAC loopback), and
// the size-binned, broadcast and multicast counters of the statistics block (8254x Family Software Developer's
// Manual, sections 13.4.22 and 13.7), on the fake-port bench.
#include "testbench/tests/nic/test_datapath_fixture.h"

#include "model/nic/mac.h"

using namespace nicsim::test::dp;

namespace {

const uint8_t kBcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
const uint8_t kMcast[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
constexpr uint64_t kRing = 0x10000;
constexpr uint64_t kBufs = 0x40000;
constexpr uint64_t kTxRing = 0x30000;
constexpr uint64_t kTxBuf = 0x80000;

}  // namespace

TEST_CASE("RCTL.SBP stores a frame with a bad CRC with the CE error bit, and only with SBP", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    const auto frame = eth_frame(kMac, 200, 1);
    Frame bad = with_fcs(frame);
    bad.bytes.back() ^= 0x5A;  // corrupt the FCS
    b.dp->receive(bad);        // SBP clear: dropped
    b.run_us(10);
    CHECK(b.dp->stats().rx_frames == 0);
    CHECK(b.r(e::CRCERRS) == 1);
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::SBP::mask);
    b.dp->receive(bad);
    b.dp->receive(with_fcs(frame));
    b.run_us(20);
    REQUIRE(b.dp->stats().rx_frames == 2);
    INFO("the bad frame reached host memory with RXE clear and CE set on its last descriptor");
    CHECK(b.host.read(kBufs, 200) == frame);
    CHECK((b.rx_desc(0).errors() & e::RxDesc::kErrCe) != 0);
    CHECK((b.rx_desc(0).status() & e::RxDesc::kStaEop) != 0);
    CHECK(b.rx_desc(1).errors() == 0);
    INFO("CRCERRS counts both bad frames; GPRC only the good one (section 13.7)");
    CHECK(b.r(e::CRCERRS) == 2);
    CHECK(b.r(e::GPRC) == 1);
    CHECK(b.r(e::GORCL) == 204);
}

TEST_CASE("RCTL.LBM 01 loops transmitted frames back to the receive ring and keeps them off the wire", "[nic][rx]") {
    NicParams p;
    p.link_up = false;  // a driver self-test loops back without a cable
    Bench b("bench", p);
    b.dp->set_link(false, 1000);
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask | (1u << 6));  // LBM = 01
    b.setup_tx(kTxRing, 8);
    const auto frame = eth_frame(kMac, 300, 2);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    b.put_legacy(0, kTxBuf, 300, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.put_legacy(1, kTxBuf, 300, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.w(e::TDT, 2);
    // A frame from the wire while looping back is not heard.
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 3)));
    b.run_us(40);
    INFO("nothing reached the wire; both frames are in the receive ring, as sent");
    CHECK(b.wire.frames.empty());
    REQUIRE(b.dp->stats().rx_frames == 2);
    CHECK(b.host.read(kBufs, 300) == frame);
    CHECK(b.host.read(kBufs + 2048, 300) == frame);
    CHECK(b.rx_desc(1).length() == 300);
    CHECK(b.r(e::GPTC) == 2);
    CHECK(b.r(e::GPRC) == 2);
    INFO("back to LBM 00 with the link down: the transmitter waits for the link again");
    b.w(e::RCTL, b.r(e::RCTL) & ~(3u << 6));
    b.put_legacy(2, kTxBuf, 300, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.w(e::TDT, 3);
    b.run_us(20);
    CHECK(b.wire.frames.empty());
    CHECK(b.dp->stats().rx_frames == 2);
    b.dp->set_link(true, 1000);
    b.run_us(20);
    CHECK(b.wire.frames.size() == 1);
}

TEST_CASE("PHY loopback returns transmitted frames through the link, and RCTL.LBM 11 leaves the path to the PHY",
          "[nic][rx]") {
    NicParams p;
    p.link_up = false;
    Bench b("bench", p);
    b.dp->set_link(true, 1000);  // the PHY in loopback presents a link to the MAC (BMCR.LOOPBACK)
    b.dp->set_phy_loopback(true);
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask | (3u << 6));  // LBM = 11: PHY or external loopback
    b.setup_tx(kTxRing, 8);
    const auto frame = eth_frame(kMac, 200, 5);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    b.put_legacy(0, kTxBuf, 200, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.w(e::TDT, 1);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 6)));  // the PHY does not listen to the cable in loopback
    b.run_us(30);
    INFO("the frame came back, the cable's did not, nothing went out");
    CHECK(b.wire.frames.empty());
    REQUIRE(b.dp->stats().rx_frames == 1);
    CHECK(b.host.read(kBufs, 200) == frame);
    INFO("the PHY out of loopback, LBM still 11: the frame goes to the cable (an external loop is the plug's)");
    b.dp->set_phy_loopback(false);
    b.put_legacy(1, kTxBuf, 200, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.w(e::TDT, 2);
    b.run_us(20);
    CHECK(b.wire.frames.size() == 1);
    CHECK(b.dp->stats().rx_frames == 1);
    CHECK(b.ctx.note_count("reserved-lbm") == 0);
}

TEST_CASE("RCTL.LBM 10, undefined in the manual, runs as 00 with a note", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask | (2u << 6));
    b.setup_tx(kTxRing, 8);
    const auto frame = eth_frame(kMac, 200, 7);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    b.put_legacy(0, kTxBuf, 200, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.w(e::TDT, 1);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 8)));
    b.run_us(30);
    CHECK(b.ctx.note_count("reserved-lbm") >= 1);
    CHECK(b.wire.frames.size() == 1);     // sent, not looped
    CHECK(b.dp->stats().rx_frames == 1);  // the cable's frame was heard
    CHECK(b.host.read(kBufs, 100) == eth_frame(kMac, 100, 8));
}

TEST_CASE("received frames are counted in the size bins PRC64..PRC1522 by their length with the CRC", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 32, kBufs, 2048, 31, e::rctl::SECRC::mask | e::rctl::BAM::mask | e::rctl::MPE::mask);
    // Section 13.7: sizes from the destination address through the CRC. Each length (without FCS) lands at a bin
    // edge: 60 -> 64, 61 -> 65, 123 -> 127, 124 -> 128, 251 -> 255, 507 -> 511, 508 -> 512, 1019 -> 1023,
    // 1020 -> 1024, 1514 -> 1518.
    const size_t lens[] = {60, 61, 123, 124, 251, 507, 508, 1019, 1020, 1514};
    for (size_t i = 0; i < std::size(lens); ++i) b.dp->receive(with_fcs(eth_frame(kMac, lens[i], uint8_t(i))));
    b.dp->receive(with_fcs(eth_frame(kBcast, 100, 20)));
    b.dp->receive(with_fcs(eth_frame(kMcast, 100, 21)));
    b.run_us(200);
    REQUIRE(b.dp->stats().rx_frames == 12);
    CHECK(b.r(e::PRC64) == 1);
    CHECK(b.r(e::PRC127) == 2 + 2);  // 65, 127, and the broadcast and multicast frames of 104 bytes
    CHECK(b.r(e::PRC255) == 2);
    CHECK(b.r(e::PRC511) == 1);
    CHECK(b.r(e::PRC1023) == 2);
    CHECK(b.r(e::PRC1522) == 2);
    CHECK(b.r(e::BPRC) == 1);
    CHECK(b.r(e::MPRC) == 1);
    CHECK(b.r(e::GPRC) == 12);
}

TEST_CASE("transmitted frames are counted in PTC64..PTC1522, BPTC and MPTC", "[nic][tx]") {
    Bench b;
    b.setup_tx(kTxRing, 16);
    b.host.alloc(kTxBuf, 0x4000);
    // PSP pads the 40-byte frame to 60, so it goes out as 64 bytes with the FCS.
    const std::pair<const uint8_t*, size_t> frames[] = {
        {kMac, 40}, {kMac, 124}, {kBcast, 200}, {kMcast, 600}, {kMac, 1514}};
    uint64_t at = kTxBuf;
    for (size_t i = 0; i < std::size(frames); ++i) {
        const auto f = eth_frame(frames[i].first, frames[i].second, uint8_t(i));
        b.host.write(at, f.data(), f.size());
        b.put_legacy(static_cast<uint32_t>(i), at, static_cast<uint16_t>(f.size()),
                     e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
        at += 2048;
    }
    b.w(e::TDT, static_cast<uint32_t>(std::size(frames)));
    b.run_us(100);
    REQUIRE(b.wire.frames.size() == 5);
    CHECK(b.r(e::PTC64) == 1);
    CHECK(b.r(e::PTC127) == 0);
    CHECK(b.r(e::PTC255) == 2);  // 128 and 204 bytes
    CHECK(b.r(e::PTC511) == 0);
    CHECK(b.r(e::PTC1023) == 1);
    CHECK(b.r(e::PTC1522) == 1);
    CHECK(b.r(e::BPTC) == 1);
    CHECK(b.r(e::MPTC) == 1);
    CHECK(b.r(e::GOTCL) == 64 + 128 + 204 + 604 + 1518);
}

TEST_CASE("RSRPD raises SRPD and RXT0 for a frame no longer than SIZE as stored in host memory", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 1)));  // RSRPD 0: small packet detection off
    b.run_us(10);
    CHECK((b.ctx.icr & e::icr::SRPD) == 0);
    // Section 3.2.7.2: the size compared is what reached host memory (here SECRC strips the CRC: 100 bytes).
    b.w(e::RSRPD, 99);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 2)));
    b.run_us(10);
    CHECK((b.ctx.icr & e::icr::SRPD) == 0);
    b.w(e::RSRPD, 100);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 3)));
    b.run_us(10);
    CHECK((b.ctx.icr & (e::icr::SRPD | e::icr::RXT0)) == (e::icr::SRPD | e::icr::RXT0));
    CHECK(b.dp->stats().rx_frames == 3);
}
