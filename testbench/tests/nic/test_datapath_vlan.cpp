// NIC data path and 802.1Q VLAN tags (8254x Family Software Developer's Manual, chapter 9): insertion on transmit
// with CTRL.VME and the descriptor's VLE (legacy, context checksums, TSO), stripping on receive into the descriptor's
// special field with VP, the VLAN filter table (RCTL.VFE) and the CFI check (RCTL.CFIEN/CFI). Tagged frames with
// offloaded checksums are checked by tshark with checksum validation on.
#include "testbench/tests/nic/test_datapath_fixture.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "model/nic/mac.h"
#include "model/wire/pcap_file.h"

using namespace nicsim::test::dp;

namespace {

const uint8_t kDst[6] = {0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC};
constexpr uint64_t kRing = 0x10000;
constexpr uint64_t kBufs = 0x40000;
constexpr uint64_t kTxBuf = 0x20000;
constexpr uint16_t kTci = 0xA123;  // priority 5, CFI 0, VID 0x123

/// `frame` with an 802.1Q tag (TPID `tpid`, TCI `tci`) after the source address, built byte by byte.
std::vector<uint8_t> tagged(const std::vector<uint8_t>& frame, uint16_t tci, uint16_t tpid = 0x8100) {
    std::vector<uint8_t> t(frame.begin(), frame.begin() + 12);
    t.push_back(static_cast<uint8_t>(tpid >> 8));
    t.push_back(static_cast<uint8_t>(tpid));
    t.push_back(static_cast<uint8_t>(tci >> 8));
    t.push_back(static_cast<uint8_t>(tci));
    t.insert(t.end(), frame.begin() + 12, frame.end());
    return t;
}

void put_legacy_vlan(Bench& b, uint32_t index, uint64_t buf, uint16_t len, uint8_t cmd, uint16_t special,
                     uint8_t cso = 0, uint8_t css = 0) {
    e::TxDesc d;
    d.set_addr(buf);
    d.set_length(len);
    d.set_cmd(cmd);
    d.set_cso(cso);
    d.set_css(css);
    d.set_special(special);
    b.host.write(b.tx_ring + index * 16ull, d.b, 16);
}

void put_data(Bench& b, uint32_t index, uint64_t buf, uint32_t len, uint8_t dcmd, uint8_t popts, uint16_t special) {
    e::TxDataDesc d;
    d.set_addr(buf);
    d.set_cmd_len(len, dcmd);
    d.set_popts(popts);
    d.set_special(special);
    b.host.write(b.tx_ring + index * 16ull, d.b, 16);
}

/// Ethernet + IPv4 + TCP (or UDP) headers with `payload` bytes after them. The L4 checksum field holds the
/// pseudo-header sum (with the L4 length unless `tso`), as the 8254x expects from the driver; the IPv4 checksum 0.
std::vector<uint8_t> ipv4_frame(bool tcp, uint32_t payload, bool tso, uint8_t seed) {
    const uint32_t l4h = tcp ? 20 : 8;
    std::vector<uint8_t> f(14 + 20 + l4h, 0);
    std::memcpy(f.data(), kDst, 6);
    f[6] = 0x02;
    f[11] = 0x07;
    f[12] = 0x08;
    uint8_t* ip = f.data() + 14;
    ip[0] = 0x45;
    const uint32_t total = 20 + l4h + payload;
    ip[2] = static_cast<uint8_t>(total >> 8);
    ip[3] = static_cast<uint8_t>(total);
    ip[5] = 0x42;
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    const uint8_t addrs[8] = {192, 168, 7, 1, 192, 168, 7, 2};
    std::memcpy(ip + 12, addrs, 8);
    uint8_t* l4 = ip + 20;
    l4[1] = 80;
    l4[3] = 81;
    uint32_t acc = (192u << 8 | 168) * 2 + (7u << 8 | 1) + (7u << 8 | 2) + ip[9] + (tso ? 0 : l4h + payload);
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    const unsigned csum_at = tcp ? 16 : 6;
    if (tcp) {
        l4[7] = 1;      // sequence number 1
        l4[12] = 0x50;  // data offset 5
        l4[13] = 0x18;  // PSH, ACK
        l4[14] = 0x20;  // window
    } else {
        l4[4] = static_cast<uint8_t>((8 + payload) >> 8);
        l4[5] = static_cast<uint8_t>(8 + payload);
    }
    l4[csum_at] = static_cast<uint8_t>(acc >> 8);
    l4[csum_at + 1] = static_cast<uint8_t>(acc);
    const auto pay = pattern(payload, seed);
    f.insert(f.end(), pay.begin(), pay.end());
    return f;
}

e::TxContextDesc checksum_context(bool tcp, uint32_t paylen, bool tse, uint8_t hdrlen, uint16_t mss) {
    e::TxContextDesc c;
    c.set_ipcss(14);
    c.set_ipcso(24);
    c.set_ipcse(33);
    c.set_tucss(34);
    c.set_tucso(tcp ? 50 : 40);
    c.set_tucse(0);
    uint8_t tucmd = e::TxContextDesc::kTucmdIp | (tcp ? e::TxContextDesc::kTucmdTcp : 0);
    if (tse) tucmd |= e::TxContextDesc::kTucmdTse;
    c.set_cmd_len(paylen, tucmd);
    c.set_hdrlen(hdrlen);
    c.set_mss(mss);
    return c;
}

/// Run tshark with checksum validation over `frames` (without FCS); one line per frame: vlan.id, then the IPv4,
/// TCP and UDP checksum status (tshark: 1 good, 0 bad, 2 unverified; empty when absent), tab-separated.
std::string tshark_checksums(const std::vector<std::vector<uint8_t>>& frames, const std::string& name) {
#ifndef NICSIM_TSHARK
    (void)frames;
    FAIL("tshark was not found at configure time; it is required for this test");
    return name;
#else
    const std::string path = name + ".pcap";
    {
        nicsim::wire::PcapWriter w;
        REQUIRE(w.open(path));
        uint64_t t = 0;
        for (const auto& f : frames) REQUIRE(w.write(t += 10'000, f.data(), f.size()));
        REQUIRE(w.close());
    }
    const std::string cmd = std::string(NICSIM_TSHARK) +
                            " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -r " +
                            path +
                            " -T fields -e vlan.id -e ip.checksum.status -e tcp.checksum.status -e "
                            "udp.checksum.status 2>" +
                            name + ".err";
    std::FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = pclose(p);
    std::ifstream err(name + ".err");
    const std::string err_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    INFO("tshark stderr: " << err_text);
    CHECK(rc == 0);
    std::remove(path.c_str());
    std::remove((name + ".err").c_str());
    return out;
#endif
}

}  // namespace

TEST_CASE("TX VLAN: with CTRL.VME and VLE the tag VET:special goes in after the source address", "[nic][tx][vlan]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    b.w(e::VET, 0x8100);
    const auto frame = eth_frame(kDst, 100, 1);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    constexpr uint8_t kCmd = e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs;
    // Manual section 9.2.1: VLE without CTRL.VME inserts nothing.
    put_legacy_vlan(b, 0, kTxBuf, 100, kCmd | e::TxDesc::kCmdVle, kTci);
    b.w(e::TDT, 1);
    b.run_us(20);
    b.w(e::CTRL, e::ctrl::VME::mask);
    put_legacy_vlan(b, 1, kTxBuf, 100, kCmd | e::TxDesc::kCmdVle, kTci);
    put_legacy_vlan(b, 2, kTxBuf, 100, kCmd, kTci);  // VME but no VLE: no tag
    b.w(e::TDT, 3);
    b.run_us(20);
    b.w(e::VET, 0x88A8);  // the TPID comes from VET
    put_legacy_vlan(b, 3, kTxBuf, 100, kCmd | e::TxDesc::kCmdVle, 0x0005);
    b.w(e::TDT, 4);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 4);
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK(body(b.wire.frames[1]) == tagged(frame, kTci));
    CHECK(body(b.wire.frames[2]) == frame);
    CHECK(body(b.wire.frames[3]) == tagged(frame, 0x0005, 0x88A8));
    INFO("the FCS covers the tag (section 9.1); octet counters count the tag");
    CHECK(fcs_ok(b.wire.frames[1].bytes.data(), b.wire.frames[1].bytes.size()));
    CHECK(b.r(e::GOTCL) == 104 + 108 + 104 + 108);
    CHECK(b.host.stray == 0);
}

TEST_CASE("TX VLAN: a multi-descriptor frame takes VLE and the special field from its last descriptor",
          "[nic][tx][vlan]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    b.w(e::VET, 0x8100);
    b.w(e::CTRL, e::ctrl::VME::mask);
    const auto frame = eth_frame(kDst, 300, 2);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    // Section 9.1: with several descriptors the q-tag information comes from the last one only.
    put_legacy_vlan(b, 0, kTxBuf, 100, e::TxDesc::kCmdIfcs | e::TxDesc::kCmdVle, 0x0FFF);
    put_legacy_vlan(b, 1, kTxBuf + 100, 200, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdVle, kTci);
    put_legacy_vlan(b, 2, kTxBuf, 100, e::TxDesc::kCmdIfcs | e::TxDesc::kCmdVle, kTci);
    put_legacy_vlan(b, 3, kTxBuf + 100, 200, e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs, kTci);
    b.w(e::TDT, 4);
    b.run_us(30);
    REQUIRE(b.wire.frames.size() == 2);
    CHECK(body(b.wire.frames[0]) == tagged(frame, kTci));
    CHECK(body(b.wire.frames[1]) == frame);
}

TEST_CASE("TX VLAN: legacy and context checksums and TSO segments stay valid on tagged frames (tshark)",
          "[nic][tx][vlan][tso][tshark]") {
    Bench b;
    b.setup_tx(0x10000, 16);
    b.w(e::VET, 0x8100);
    b.w(e::CTRL, e::ctrl::VME::mask);
    b.host.alloc(kTxBuf, 0x4000);
    // 1. Legacy IC: TCP checksum from CSS 34 to the end, stored at CSO 50 (offsets of the untagged frame in memory).
    const auto legacy = ipv4_frame(true, 200, false, 3);
    b.host.write(kTxBuf, legacy.data(), legacy.size());
    // The legacy descriptor has no IPv4 header checksum: fill it in as a driver would.
    std::vector<uint8_t> legacy_ok = legacy;
    const uint16_t ipsum = static_cast<uint16_t>(~ones_sum(legacy_ok.data() + 14, 20));
    legacy_ok[24] = static_cast<uint8_t>(ipsum >> 8);
    legacy_ok[25] = static_cast<uint8_t>(ipsum);
    b.host.write(kTxBuf, legacy_ok.data(), legacy_ok.size());
    put_legacy_vlan(b, 0, kTxBuf, static_cast<uint16_t>(legacy_ok.size()),
                    e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdIc | e::TxDesc::kCmdVle, 0x0010, 50, 34);
    // 2. Context descriptor with IXSM and TXSM, UDP.
    const auto udp = ipv4_frame(false, 333, false, 4);
    b.host.write(kTxBuf + 0x1000, udp.data(), udp.size());
    const e::TxContextDesc cu = checksum_context(false, 0, false, 0, 0);
    b.host.write(b.tx_ring + 1 * 16ull, cu.b, 16);
    const uint8_t both = e::TxDataDesc::kPoptsIxsm | e::TxDataDesc::kPoptsTxsm;
    constexpr uint8_t kLast = e::TxDataDesc::kDcmdEop | e::TxDataDesc::kDcmdIfcs | e::TxDataDesc::kDcmdVle;
    put_data(b, 2, kTxBuf + 0x1000, static_cast<uint32_t>(udp.size()), kLast, both, 0x0020);
    // 3. TSO: 2500 bytes of TCP payload at MSS 1000 in three tagged segments.
    const auto tso = ipv4_frame(true, 2500, true, 5);
    b.host.write(kTxBuf + 0x2000, tso.data(), tso.size());
    const e::TxContextDesc ct = checksum_context(true, 2500, true, 54, 1000);
    b.host.write(b.tx_ring + 3 * 16ull, ct.b, 16);
    put_data(b, 4, kTxBuf + 0x2000, 54, e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdIfcs, both, 0);
    put_data(b, 5, kTxBuf + 0x2000 + 54, 2500, kLast | e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdRs, 0, 0x0030);
    b.w(e::TDT, 6);
    b.run_us(150);
    REQUIRE(b.wire.frames.size() == 5);
    std::vector<std::vector<uint8_t>> frames;
    for (const Frame& f : b.wire.frames) {
        CHECK(fcs_ok(f.bytes.data(), f.bytes.size()));
        frames.push_back(body(f));
    }
    INFO("every frame carries its tag at bytes 12..15; a TSO segment is its MSS plus 54 header and 4 tag bytes");
    CHECK(frames[0].size() == legacy.size() + 4);
    CHECK(frames[2].size() == 54 + 4 + 1000);
    CHECK(frames[4].size() == 54 + 4 + 500);
    const std::string out = tshark_checksums(frames, "vlan_offloads");
    INFO("tshark: vlan.id, ip, tcp, udp checksum status (1 = good)");
    CHECK(out == "16\t1\t1\t\n32\t1\t\t1\n48\t1\t1\t\n48\t1\t1\t\n48\t1\t1\t\n");
    CHECK(b.r(e::TSCTC) == 1);
    CHECK(b.host.stray == 0);
}

TEST_CASE("RX VLAN: CTRL.VME strips the tag into the special field with VP, without it the tag stays",
          "[nic][rx][vlan]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::VET, 0x8100);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask);
    const auto plain = eth_frame(kMac, 200, 7);
    const auto tag = tagged(plain, kTci);
    b.dp->receive(with_fcs(tag));  // VME clear: delivered as received, VP clear (table 9-3)
    b.run_us(20);
    b.w(e::CTRL, e::ctrl::VME::mask);
    b.dp->receive(with_fcs(tag));    // stripped
    b.dp->receive(with_fcs(plain));  // not 802.1Q: normal reception
    b.run_us(30);
    REQUIRE(b.dp->stats().rx_frames == 3);
    CHECK(b.host.read(kBufs, tag.size()) == tag);
    CHECK(b.rx_desc(0).length() == tag.size());
    CHECK((b.rx_desc(0).status() & e::RxDesc::kStaVp) == 0);
    CHECK(b.rx_desc(0).special() == 0);
    INFO("stripped: the buffer holds the untagged frame, the TCI is in the special field, VP is set");
    CHECK(b.host.read(kBufs + 2048, plain.size()) == plain);
    CHECK(b.rx_desc(1).length() == plain.size());
    CHECK((b.rx_desc(1).status() & e::RxDesc::kStaVp) != 0);
    CHECK(b.rx_desc(1).special() == kTci);
    CHECK((b.rx_desc(2).status() & e::RxDesc::kStaVp) == 0);
    INFO("octets are counted as on the wire: with the tag and the FCS");
    CHECK(b.r(e::GORCL) == (tag.size() + 4) * 2 + plain.size() + 4);
    CHECK(b.host.stray == 0);
}

TEST_CASE("RX VLAN: a stripped frame keeps its FCS from the wire and its checksum offload results", "[nic][rx][vlan]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::VET, 0x8100);
    b.w(e::CTRL, e::ctrl::VME::mask);
    b.w(e::RXCSUM, (1u << 8) | (1u << 9));    // IPOFLD, TUOFLD
    b.setup_rx(kRing, 8, kBufs, 2048, 7, 0);  // SECRC clear: the CRC goes to host memory
    auto ip = ipv4_frame(false, 100, false, 8);
    std::memcpy(ip.data(), kMac, 6);
    // Complete both checksums in the test, independently of the model: IPv4 header, then UDP with pseudo-header.
    const uint16_t ipsum = static_cast<uint16_t>(~ones_sum(ip.data() + 14, 20));
    ip[24] = static_cast<uint8_t>(ipsum >> 8);
    ip[25] = static_cast<uint8_t>(ipsum);
    const uint16_t seed = static_cast<uint16_t>(ip[40] << 8 | ip[41]);
    ip[40] = ip[41] = 0;
    const uint16_t udpsum = static_cast<uint16_t>(~ones_sum(ip.data() + 34, ip.size() - 34, seed));
    ip[40] = static_cast<uint8_t>(udpsum >> 8);
    ip[41] = static_cast<uint8_t>(udpsum);
    const Frame wire = with_fcs(tagged(ip, kTci));
    b.dp->receive(wire);
    b.run_us(20);
    REQUIRE(b.dp->stats().rx_frames == 1);
    const auto d = b.rx_desc(0);
    INFO("the buffer: the untagged frame, then the four FCS bytes as they were on the wire");
    CHECK(d.length() == ip.size() + 4);
    auto expect = ip;
    expect.insert(expect.end(), wire.bytes.end() - 4, wire.bytes.end());
    CHECK(b.host.read(kBufs, expect.size()) == expect);
    INFO("IPCS and TCPCS without errors: the checksums of the tagged frame verify");
    CHECK((d.status() & (e::RxDesc::kStaIpcs | e::RxDesc::kStaTcpcs | e::RxDesc::kStaVp)) ==
          (e::RxDesc::kStaIpcs | e::RxDesc::kStaTcpcs | e::RxDesc::kStaVp));
    CHECK(d.errors() == 0);
}

TEST_CASE("RX VLAN filter: with RCTL.VFE a tagged frame whose VID bit is clear in VFTA is dropped", "[nic][rx][vlan]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::VET, 0x8100);
    const uint16_t vid_on = 0x123, vid_off = 0x124;
    // Section 13.5.4: VID bits 11:5 select the VFTA register, bits 4:0 the bit in it.
    b.w(e::VFTA + 4 * (vid_on >> 5), 1u << (vid_on & 31));
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask | e::rctl::VFE::mask);
    const auto plain = eth_frame(kMac, 100, 9);
    b.dp->receive(with_fcs(tagged(plain, vid_on)));
    b.dp->receive(with_fcs(tagged(plain, vid_off)));         // dropped by the VLAN filter
    b.dp->receive(with_fcs(plain));                          // untagged: the VLAN filter does not apply
    b.dp->receive(with_fcs(tagged(plain, vid_on, 0x9100)));  // type is not VET: not an 802.1Q frame
    b.run_us(30);
    CHECK(b.dp->stats().rx_frames == 3);
    CHECK(b.dp->stats().rx_filtered == 1);
    CHECK(b.host.read(kBufs, 104) == tagged(plain, vid_on));
    CHECK(b.host.read(kBufs + 2048, 100) == plain);
    INFO("without VFE the same frame passes");
    b.w(e::RCTL, b.r(e::RCTL) & ~e::rctl::VFE::mask);
    b.dp->receive(with_fcs(tagged(plain, vid_off)));
    b.run_us(10);
    CHECK(b.dp->stats().rx_frames == 4);
}

TEST_CASE("RX VLAN CFI: with RCTL.CFIEN a tagged frame whose CFI differs from RCTL.CFI is dropped", "[nic][rx][vlan]") {
    Bench b;
    b.set_mac(kMac);
    b.w(e::VET, 0x8100);
    b.setup_rx(kRing, 8, kBufs, 2048, 7, e::rctl::SECRC::mask | e::rctl::CFIEN::mask);  // CFI expected 0
    const auto plain = eth_frame(kMac, 100, 10);
    constexpr uint16_t kCfiBit = 1u << 12;
    b.dp->receive(with_fcs(tagged(plain, 0x0042)));
    b.dp->receive(with_fcs(tagged(plain, 0x0042 | kCfiBit)));  // CFI 1 != RCTL.CFI 0: dropped
    b.run_us(20);
    CHECK(b.dp->stats().rx_frames == 1);
    CHECK(b.dp->stats().rx_filtered == 1);
    b.w(e::RCTL, b.r(e::RCTL) | e::rctl::CFI::mask);  // now CFI must be 1
    b.dp->receive(with_fcs(tagged(plain, 0x0042)));
    b.dp->receive(with_fcs(tagged(plain, 0x0042 | kCfiBit)));
    b.run_us(20);
    CHECK(b.dp->stats().rx_frames == 2);
    CHECK(b.dp->stats().rx_filtered == 2);
    CHECK(b.host.read(kBufs + 2048, 104) == tagged(plain, 0x0042 | kCfiBit));
}
