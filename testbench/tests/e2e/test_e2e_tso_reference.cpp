// TCP segmentation checked against a reference written here from the 8254x Family Software Developer's Manual,
// section 3.6 (TCP segmentation), and RFC 791 / RFC 793 for the checksums, without any of the model's offload code:
// every segment the NIC puts on the wire must equal, byte for byte, the frame this file builds for it. The large
// sends are prepared as an NDIS 5.1 TCP/IP transport hands them over (IP total length of the whole packet, TCP
// checksum seeded with the pseudo-header sum without the length), with a stale IP header checksum left in the
// prototype, IP and TCP options, an 802.1Q tag, FIN and PSH set, and identification and sequence numbers that wrap.
#include "testbench/support/sim_reports.h"
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

#include <algorithm>
#include <cstddef>
#include <sstream>

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

namespace {

// The test's own Internet checksum (RFC 1071): a 32-bit accumulator of big-endian 16-bit words, folded at the end.
uint32_t ref_sum(const uint8_t* p, size_t n, uint32_t acc) {
    for (size_t i = 0; i < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8) + (i + 1 < n ? p[i + 1] : 0u);
    return acc;
}
uint16_t ref_checksum(uint32_t acc) {
    while (acc > 0xFFFF) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<uint16_t>(~acc & 0xFFFF);
}
void put16(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v);
}
uint32_t get16(const uint8_t* p) {
    return (uint32_t{p[0]} << 8) | p[1];
}
uint32_t get32(const uint8_t* p) {
    return (get16(p) << 16) | get16(p + 2);
}

/// What one large send looks like.
struct LargeSend {
    bool vlan;            // an 802.1Q tag after the addresses
    unsigned ip_options;  // bytes of IP options (multiple of 4)
    unsigned tcp_options;
    size_t payload;
    uint32_t mss;
    uint16_t ip_id;
    uint32_t seq;
    uint8_t flags;      // TCP flags of the prototype
    uint16_t stale_ip;  // what the prototype's IP header checksum field holds
};

struct Offsets {
    size_t ip, tcp, hdr;
};
Offsets offsets(const LargeSend& s) {
    const size_t ip = s.vlan ? 18 : 14;
    const size_t tcp = ip + 20 + s.ip_options;
    return {ip, tcp, tcp + 20 + s.tcp_options};
}

/// The packet as the TCP/IP transport hands it to the miniport for a large send.
std::vector<uint8_t> make_large_send(const LargeSend& s, const uint8_t* dst, const uint8_t* src) {
    const Offsets o = offsets(s);
    std::vector<uint8_t> f(o.hdr + s.payload, 0);
    std::copy(dst, dst + 6, f.begin());
    std::copy(src, src + 6, f.begin() + 6);
    if (s.vlan) {
        put16(&f[12], 0x8100);
        put16(&f[14], 0x2005);  // priority 1, VLAN 5
    }
    put16(&f[o.ip - 2], 0x0800);
    uint8_t* ip = &f[o.ip];
    ip[0] = static_cast<uint8_t>(0x40 | ((20 + s.ip_options) / 4));
    put16(ip + 2, static_cast<uint32_t>(f.size() - o.ip));
    put16(ip + 4, s.ip_id);
    ip[8] = 64;
    ip[9] = 6;
    put16(ip + 10, s.stale_ip);
    const uint8_t addrs[8] = {192, 168, 7, 1, 172, 16, 9, 200};
    std::copy(addrs, addrs + 8, ip + 12);
    for (unsigned i = 0; i < s.ip_options; ++i) ip[20 + i] = i + 1 == s.ip_options ? 0 : 1;  // NOPs, then End
    uint8_t* tcp = &f[o.tcp];
    put16(tcp, 0xC350);  // ports 50000 -> 50001
    put16(tcp + 2, 0xC351);
    put32(tcp + 4, s.seq);
    put32(tcp + 8, 0x01020304);
    tcp[12] = static_cast<uint8_t>(((20 + s.tcp_options) / 4) << 4);
    tcp[13] = s.flags;
    put16(tcp + 14, 0x7210);
    for (unsigned i = 0; i < s.tcp_options; ++i) tcp[20 + i] = 1;  // NOPs
    for (size_t i = 0; i < s.payload; ++i) f[o.hdr + i] = static_cast<uint8_t>(i * 13 + (i >> 8) + s.mss);
    // The pseudo-header sum without the TCP length, not complemented.
    uint32_t pseudo = ref_sum(ip + 12, 8, 6);
    while (pseudo > 0xFFFF) pseudo = (pseudo & 0xFFFF) + (pseudo >> 16);
    put16(tcp + 16, pseudo);
    return f;
}

/// Segment `k` of a large send as section 3.6 describes it: the header replicated, IP total length of this segment,
/// identification + k, sequence number + payload offset, FIN and PSH only in the last segment, both checksums
/// computed afresh, and the frame padded to the 60-byte Ethernet minimum.
std::vector<uint8_t> reference_segment(const std::vector<uint8_t>& pkt, const LargeSend& s, size_t k, size_t n) {
    const Offsets o = offsets(s);
    const size_t off = k * s.mss;
    const size_t len = std::min<size_t>(s.mss, s.payload - off);
    std::vector<uint8_t> f(pkt.begin(), pkt.begin() + static_cast<std::ptrdiff_t>(o.hdr));
    f.insert(f.end(), pkt.begin() + static_cast<std::ptrdiff_t>(o.hdr + off),
             pkt.begin() + static_cast<std::ptrdiff_t>(o.hdr + off + len));
    uint8_t* ip = &f[o.ip];
    uint8_t* tcp = &f[o.tcp];
    const size_t ihl = o.tcp - o.ip;
    put16(ip + 2, static_cast<uint32_t>(f.size() - o.ip));
    put16(ip + 4, (s.ip_id + k) & 0xFFFF);
    put16(ip + 10, 0);
    put16(ip + 10, ref_checksum(ref_sum(ip, ihl, 0)));
    put32(tcp + 4, static_cast<uint32_t>(s.seq + off));
    if (k + 1 != n) tcp[13] = static_cast<uint8_t>(tcp[13] & ~0x09);  // FIN 0x01, PSH 0x08
    const size_t tcp_len = f.size() - o.tcp;
    put16(tcp + 16, 0);
    const uint32_t pseudo = ref_sum(ip + 12, 8, 6 + static_cast<uint32_t>(tcp_len));
    put16(tcp + 16, ref_checksum(ref_sum(tcp, tcp_len, pseudo)));
    if (f.size() < 60) f.resize(60, 0);
    return f;
}

std::string first_difference(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want) {
    std::ostringstream os;
    if (got.size() != want.size()) os << "length " << got.size() << ", expected " << want.size() << "; ";
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i)
        if (got[i] != want[i]) {
            os << "first difference at byte " << i << ": 0x" << std::hex << unsigned{got[i]} << ", expected 0x"
               << unsigned{want[i]};
            break;
        }
    return os.str();
}

}  // namespace

TEST_CASE("every TSO segment on the wire equals the segmentation of the 8254x manual byte for byte",
          "[e2e][driver][tso]") {
    const std::vector<LargeSend> sends = {
        {false, 0, 0, 4000, 1460, 0xFFFE, 0xFFFFF000u, 0x19, 0x1234},  // ID and sequence wrap; FIN PSH ACK
        {true, 4, 12, 20000, 536, 0x0100, 77, 0x18, 0xBEEF},           // tag, IP and TCP options
        {false, 0, 12, 3000, 1000, 0x8000, 1, 0x11, 0},                // whole segments; FIN ACK
        {false, 0, 0, 1461, 1460, 7, 100, 0x18, 0xFFFF},               // a 1-byte last segment, padded
        {false, 0, 0, 65536 - 54, 1460, 42, 5, 0x18, 0x0001},          // the largest IPv4 packet
    };
    RigOptions o;
    o.lso_max_size = 65536;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> packets;
    size_t segments = 0;
    for (const LargeSend& s : sends) segments += (s.payload + s.mss - 1) / s.mss;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    bool done = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            for (const LargeSend& s : sends) {
                packets.push_back(make_large_send(s, kPeerMac, mac));
                ndis::SendLayout l;
                l.lso_mss = s.mss;
                l.fragments = {static_cast<uint32_t>(offsets(s).hdr)};
                r.host->send(packets.back(), l);
            }
            done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= segments; });
            r.host->halt();
        },
        sc_time(2, SC_SEC));
    REQUIRE(ok);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(done);
    REQUIRE(r.peer_rx.size() == segments);
    size_t at = 0;
    for (size_t i = 0; i < sends.size(); ++i) {
        const size_t n = (sends[i].payload + sends[i].mss - 1) / sends[i].mss;
        CHECK(r.host->send_results()[i].status == NDIS_STATUS_SUCCESS);
        for (size_t k = 0; k < n; ++k, ++at) {
            const std::vector<uint8_t> want = reference_segment(packets[i], sends[i], k, n);
            const std::vector<uint8_t> got = wire_payload(r.peer_rx[at]);
            INFO("large send " << i << " segment " << k << " of " << n << ": " << first_difference(got, want));
            CHECK(got == want);
        }
    }
    r.no_violations();
}

TEST_CASE("the reference segmentation itself yields frames whose checksums verify", "[e2e][tso]") {
    // A check of the oracle with the e2e helpers' independent verifier: a wrong reference cannot pass both.
    const LargeSend s{false, 0, 0, 4000, 1460, 9, 1000, 0x18, 0x5555};
    const std::vector<uint8_t> pkt = make_large_send(s, kPeerMac, kBroadcast);
    for (size_t k = 0; k < 3; ++k) {
        const std::vector<uint8_t> seg = reference_segment(pkt, s, k, 3);
        CHECK(tcp_frame_checksums_ok(seg));
        CHECK(get16(&seg[14 + 4]) == 9 + k);
        CHECK(get32(&seg[34 + 4]) == 1000 + 1460 * k);
    }
}
