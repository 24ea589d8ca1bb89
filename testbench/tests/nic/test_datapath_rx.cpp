// NIC data path, receive side: address filtering, buffer sizes and frames spanning descriptors, SECRC, status
// write-back, RDH, RXDMT0 and overrun (RXO, MPC), on the fake-port bench.
#include "testbench/tests/nic/test_datapath_fixture.h"

#include "model/nic/mac.h"
#include "model/nic/rx_engine.h"
#include "model/nic/rx_filter.h"

using namespace nicsim::test::dp;

namespace {

const uint8_t kOther[6] = {0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
const uint8_t kBcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
const uint8_t kMcast[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB};

constexpr uint64_t kRing = 0x10000;
constexpr uint64_t kBufs = 0x40000;

std::vector<uint8_t> host_buffer(Bench& b, uint32_t index, uint32_t bufsize, uint32_t len) {
    return b.host.read(kBufs + static_cast<uint64_t>(index) * bufsize, len);
}

}  // namespace

TEST_CASE("RX address filter takes exact broadcast multicast-hash and promiscuous frames and drops the rest",
          "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    const uint16_t hash = nicsim::nic::RxFilter::multicast_hash(kMcast, 0);
    b.w(e::mta_n(hash >> 5), 1u << (hash & 31));
    b.setup_rx(kRing, 16, kBufs, 2048, 15, e::rctl::SECRC::mask);
    const auto mine = eth_frame(kMac, 100, 1);
    const auto other = eth_frame(kOther, 100, 2);
    const auto bcast = eth_frame(kBcast, 100, 3);
    const auto mcast = eth_frame(kMcast, 100, 4);
    b.dp->receive(with_fcs(mine));
    b.dp->receive(with_fcs(other));  // not ours: dropped
    b.dp->receive(with_fcs(bcast));  // BAM clear: dropped
    b.dp->receive(with_fcs(mcast));  // MTA bit set: taken, inexact
    b.run_us(20);
    INFO("two frames reached the host; two were filtered");
    CHECK(b.dp->stats().rx_frames == 2);
    CHECK(b.dp->stats().rx_filtered == 2);
    CHECK(host_buffer(b, 0, 2048, 100) == mine);
    CHECK(host_buffer(b, 1, 2048, 100) == mcast);
    CHECK(b.rx_desc(0).length() == 100);
    CHECK((b.rx_desc(0).status() & (e::RxDesc::kStaDd | e::RxDesc::kStaEop)) ==
          (e::RxDesc::kStaDd | e::RxDesc::kStaEop));
    INFO("the multicast frame passed an inexact filter: PIF");
    CHECK((b.rx_desc(1).status() & e::RxDesc::kStaPif) != 0);
    CHECK((b.rx_desc(0).status() & e::RxDesc::kStaPif) == 0);
    CHECK(b.r(e::RDH) == 2);
    // BAM, then UPE, open the filter.
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::BAM::mask);
    b.dp->receive(with_fcs(bcast));
    b.run_us(10);
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::UPE::mask);
    b.dp->receive(with_fcs(other));
    b.run_us(10);
    CHECK(b.dp->stats().rx_frames == 4);
    CHECK(host_buffer(b, 2, 2048, 100) == bcast);
    CHECK(host_buffer(b, 3, 2048, 100) == other);
    INFO("statistics: four good packets, one broadcast, one multicast; octets counted with the FCS");
    CHECK(b.r(e::GPRC) == 4);
    CHECK(b.r(e::BPRC) == 1);
    CHECK(b.r(e::MPRC) == 1);
    CHECK(b.r(e::GORCL) == 4 * 104);
    CHECK(b.ctx.rx_done >= 1);
    CHECK(b.host.stray == 0);
}

TEST_CASE("RX frame larger than the buffer size spans several descriptors with EOP on the last", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    // BSIZE 11 = 256-byte buffers; SECRC clear: the FCS goes to the host too.
    b.setup_rx(kRing, 8, kBufs, 256, 7, e::rctl::BSIZE::make(3));
    const auto frame = eth_frame(kMac, 1000, 7);
    const Frame wire = with_fcs(frame);
    b.dp->receive(wire);
    b.run_us(30);
    INFO("1004 bytes (frame + FCS) in 256 + 256 + 256 + 236");
    std::vector<uint8_t> got;
    const uint16_t lens[4] = {256, 256, 256, 236};
    for (uint32_t i = 0; i < 4; ++i) {
        INFO("descriptor " << i);
        const e::RxDesc d = b.rx_desc(i);
        CHECK(d.length() == lens[i]);
        CHECK((d.status() & e::RxDesc::kStaDd) != 0);
        CHECK(((d.status() & e::RxDesc::kStaEop) != 0) == (i == 3));
        CHECK(d.errors() == 0);
        const auto part = host_buffer(b, i, 256, lens[i]);
        got.insert(got.end(), part.begin(), part.end());
    }
    CHECK(got == wire.bytes);
    CHECK((b.rx_desc(4).status() & e::RxDesc::kStaDd) == 0);
    CHECK(b.r(e::RDH) == 4);
    CHECK(b.r(e::GPRC) == 1);
    CHECK(b.r(e::GORCL) == 1004);
    CHECK(b.host.stray == 0);
}

TEST_CASE("RX without SECRC appends the FCS to a frame that arrived without one", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, 0);
    Frame f;
    f.bytes = eth_frame(kMac, 80, 9);
    f.fcs_included = false;
    b.dp->receive(f);
    b.run_us(10);
    REQUIRE(b.rx_desc(0).length() == 84);
    const auto got = host_buffer(b, 0, 2048, 84);
    INFO("the first 80 bytes are the frame, the last 4 its CRC");
    CHECK(std::equal(f.bytes.begin(), f.bytes.end(), got.begin()));
    CHECK(fcs_ok(got.data(), got.size()));
}

TEST_CASE("RX overrun with no descriptors drops whole frames with RXO and MPC and keeps the buffered ones",
          "[nic][rx]") {
    NicParams p;
    p.rx_fifo_bytes = 2500;
    Bench b("bench", p);
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 0, e::rctl::SECRC::mask);  // RDT = RDH: no buffers yet
    const auto f0 = eth_frame(kMac, 1000, 11), f1 = eth_frame(kMac, 1000, 12), f2 = eth_frame(kMac, 1000, 13);
    b.dp->receive(with_fcs(f0));
    b.dp->receive(with_fcs(f1));
    b.dp->receive(with_fcs(f2));  // does not fit in the 2500-byte FIFO
    b.run_us(10);
    INFO("the third frame overran the FIFO");
    CHECK((b.ctx.icr & e::icr::RXO) != 0);
    CHECK(b.r(e::MPC) == 1);
    INFO(
        "TPR and TOR count on arrival (8254x manual 13.7): all three frames, 1004 octets each with the CRC, though "
        "none has reached the host yet and one never will");
    CHECK(b.r(e::TPR) == 3);
    CHECK(b.r(e::TORL) == 3 * 1004);
    CHECK(b.r(e::GPRC) == 0);
    CHECK(b.dp->stats().rx_missed == 1);
    CHECK(b.dp->rx().fifo_frames() == 2);
    INFO("idle while waiting for descriptors: no clocks burnt");
    CHECK_FALSE(b.dp->busy());
    b.w(e::RDT, 7);
    b.run_us(30);
    CHECK(b.dp->stats().rx_frames == 2);
    CHECK(host_buffer(b, 0, 2048, 1000) == f0);
    CHECK(host_buffer(b, 1, 2048, 1000) == f1);
    CHECK((b.rx_desc(2).status() & e::RxDesc::kStaDd) == 0);
    CHECK(b.r(e::RDH) == 2);
    CHECK(b.dp->rx().fifo_bytes() == 0);
}

TEST_CASE("RX descriptor minimum threshold raises RXDMT0 when the free descriptors fall below RDMTS", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    // 16 descriptors, RDMTS 00 = 1/2: RXDMT0 when fewer than 8 remain for the hardware. 12 given.
    b.setup_rx(kRing, 16, kBufs, 2048, 12, e::rctl::SECRC::mask);
    for (int i = 0; i < 4; ++i) b.dp->receive(with_fcs(eth_frame(kMac, 64, static_cast<uint8_t>(i))));
    b.run_us(20);
    INFO("12 -> 8 free: not yet below half");
    CHECK((b.ctx.icr & e::icr::RXDMT0) == 0);
    b.dp->receive(with_fcs(eth_frame(kMac, 64, 9)));
    b.run_us(10);
    INFO("7 free: below half of 16");
    CHECK((b.ctx.icr & e::icr::RXDMT0) != 0);
    CHECK(b.r(e::RDH) == 5);
}

TEST_CASE("RX write-back follows WTHRESH and flushes when the receiver goes idle", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::RXDCTL, e::dctl::WTHRESH::make(4) | e::dctl::GRAN::mask);
    b.setup_rx(kRing, 16, kBufs, 2048, 15, e::rctl::SECRC::mask);
    for (int i = 0; i < 6; ++i) b.dp->receive(with_fcs(eth_frame(kMac, 64, static_cast<uint8_t>(i))));
    b.run_us(40);
    INFO("six descriptors: one burst of four at WTHRESH, the last two when the receiver went idle");
    CHECK(b.dp->stats().rx_desc_written_back == 6);
    CHECK(b.dp->stats().desc_writeback_bursts == 2);
    CHECK(b.r(e::RDH) == 6);
    for (uint32_t i = 0; i < 6; ++i) CHECK((b.rx_desc(i).status() & e::RxDesc::kStaDd) != 0);
}

namespace {

/// eth + IPv4 + UDP with correct header and UDP checksums (computed here, independently of the model).
std::vector<uint8_t> udp_frame(uint32_t payload, uint8_t seed) {
    std::vector<uint8_t> f(14 + 20 + 8 + payload, 0);
    std::memcpy(f.data(), kMac, 6);
    f[6] = 0x02;
    f[12] = 0x08;
    uint8_t* ip = f.data() + 14;
    ip[0] = 0x45;
    const uint32_t total = 28 + payload;
    ip[2] = static_cast<uint8_t>(total >> 8);
    ip[3] = static_cast<uint8_t>(total);
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
    const uint16_t ipsum = static_cast<uint16_t>(~ones_sum(ip, 20));
    ip[10] = static_cast<uint8_t>(ipsum >> 8);
    ip[11] = static_cast<uint8_t>(ipsum);
    uint8_t* udp = ip + 20;
    udp[0] = 0x10, udp[1] = 0x00, udp[2] = 0x20, udp[3] = 0x00;
    udp[4] = static_cast<uint8_t>((8 + payload) >> 8);
    udp[5] = static_cast<uint8_t>(8 + payload);
    const auto pay = pattern(payload, seed);
    std::memcpy(udp + 8, pay.data(), payload);
    const uint32_t pseudo = 0x0A00 + 0x0001 + 0x0A00 + 0x0002 + 17 + 8 + payload;
    uint16_t usum = static_cast<uint16_t>(~ones_sum(udp, 8 + payload, pseudo));
    if (usum == 0) usum = 0xFFFF;
    udp[6] = static_cast<uint8_t>(usum >> 8);
    udp[7] = static_cast<uint8_t>(usum);
    return f;
}

}  // namespace

TEST_CASE("RX checksum offload reports IPCS and TCPCS with IPE on a bad header and the packet checksum", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::RXCSUM, 14 | 1u << 8 | 1u << 9);  // PCSS 14, IPOFLD, TUOFLD
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    const auto good = udp_frame(200, 1);
    auto bad = udp_frame(200, 2);
    bad[14 + 10] ^= 0x5A;  // corrupt the IPv4 header checksum
    b.dp->receive(with_fcs(good));
    b.dp->receive(with_fcs(bad));
    b.run_us(20);
    const e::RxDesc d0 = b.rx_desc(0), d1 = b.rx_desc(1);
    INFO("a good frame: both checksums checked, no error, IXSM clear");
    CHECK((d0.status() & e::RxDesc::kStaIpcs) != 0);
    CHECK((d0.status() & e::RxDesc::kStaTcpcs) != 0);
    CHECK((d0.status() & e::RxDesc::kStaIxsm) == 0);
    CHECK(d0.errors() == 0);
    INFO("the packet checksum is the ones' complement sum from PCSS to the end");
    CHECK(d0.csum() == ones_sum(good.data() + 14, good.size() - 14));
    INFO("a corrupted IPv4 header: IPE");
    CHECK((d1.status() & e::RxDesc::kStaIpcs) != 0);
    CHECK((d1.errors() & e::RxDesc::kErrIpe) != 0);
    INFO("the frame is still delivered intact");
    CHECK(b.host.read(kBufs + 2048, bad.size()) == bad);
}

TEST_CASE("RX without checksum offload sets IXSM", "[nic][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    b.dp->receive(with_fcs(udp_frame(100, 3)));
    b.run_us(10);
    const e::RxDesc d = b.rx_desc(0);
    CHECK((d.status() & e::RxDesc::kStaIxsm) != 0);
    CHECK((d.status() & (e::RxDesc::kStaIpcs | e::RxDesc::kStaTcpcs)) == 0);
    CHECK(d.errors() == 0);
}

TEST_CASE("RX drops are counted by reason, receiver off, loopback and link down apart from length", "[nic][rx]") {
    // Each frame below is dropped once, for one reason: rx_dropped counts them all, rx_receiver_off those the
    // receiver did not listen for (RCTL.EN clear; RCTL.LBM 01b, where it hears only the transmitter), rx_link_down
    // those that arrived while the MAC had no link.
    Bench b;
    b.set_mac(kMac);
    const auto mine = eth_frame(kMac, 100, 1);
    b.dp->receive(with_fcs(mine));  // RCTL.EN still clear: receiver off
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    b.dp->receive(with_fcs(eth_frame(kMac, 1600, 2)));  // longer than 1522 bytes with RCTL.LPE clear: length
    b.dp->receive(with_fcs(mine));                      // received
    b.run_us(20);
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::LBM::make(1));
    b.dp->receive(with_fcs(mine));  // MAC loopback: not heard
    b.w(e::RCTL, b.r(e::RCTL) & ~(e::rctl::EN::mask | e::rctl::LBM::mask));
    b.dp->receive(with_fcs(mine));  // receiver off again
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::EN::mask);
    b.dp->set_link(false, 1000);
    b.dp->receive(with_fcs(mine));  // the MAC has no link
    b.run_us(20);
    const auto& st = b.dp->stats();
    CHECK(st.rx_frames == 1);
    CHECK(st.rx_dropped == 5);
    CHECK(st.rx_receiver_off == 3);
    CHECK(st.rx_link_down == 1);
    CHECK(st.rx_flushed == 0);
    CHECK(b.r(e::ROC) == 1);
}
