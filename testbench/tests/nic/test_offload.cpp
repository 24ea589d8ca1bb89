// TX offload helpers: Internet checksum, legacy and context checksum insertion, TCP/UDP pseudo-header checksums and
// TCP segmentation, each checked against a straightforward reference computed here from the packet bytes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "model/nic/offload.h"

using namespace nicsim::nic;

namespace {

constexpr size_t kEth = 14;

/// Reference: ones' complement sum of big-endian byte pairs, folded (0xFFFF for a range whose checksum is right).
uint16_t ref_fold(const std::vector<uint8_t>& bytes) {
    uint32_t s = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        const uint32_t hi = bytes[i];
        const uint32_t lo = i + 1 < bytes.size() ? bytes[i + 1] : 0;
        s += (hi << 8) | lo;
        s = (s & 0xFFFF) + (s >> 16);
    }
    return static_cast<uint16_t>(s);
}

uint16_t be16(const std::vector<uint8_t>& f, size_t at) {
    return static_cast<uint16_t>((f[at] << 8) | f[at + 1]);
}
uint32_t be32(const std::vector<uint8_t>& f, size_t at) {
    return (uint32_t(f[at]) << 24) | (uint32_t(f[at + 1]) << 16) | (uint32_t(f[at + 2]) << 8) | f[at + 3];
}
void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
    f.at(at) = static_cast<uint8_t>(v >> 8);
    f.at(at + 1) = static_cast<uint8_t>(v);
}

/// Reference check of an IPv4 header at `ip` (IHL from the header): its words sum to 0xFFFF.
bool ref_ipv4_ok(const std::vector<uint8_t>& f, size_t ip) {
    const size_t ihl = (f[ip] & 0x0F) * 4u;
    return ref_fold(std::vector<uint8_t>(f.begin() + ip, f.begin() + ip + ihl)) == 0xFFFF;
}

/// Reference check of a TCP/UDP checksum with an explicitly built pseudo-header (IPv4 or IPv6).
bool ref_l4_ok(const std::vector<uint8_t>& f, size_t ip, size_t l4, bool ipv6, uint8_t proto) {
    const size_t l4_len = f.size() - l4;
    std::vector<uint8_t> ph;
    if (!ipv6) {
        ph.insert(ph.end(), f.begin() + ip + 12, f.begin() + ip + 20);
        ph.push_back(0);
        ph.push_back(proto);
        ph.push_back(static_cast<uint8_t>(l4_len >> 8));
        ph.push_back(static_cast<uint8_t>(l4_len));
    } else {
        ph.insert(ph.end(), f.begin() + ip + 8, f.begin() + ip + 40);
        ph.push_back(static_cast<uint8_t>(l4_len >> 24));
        ph.push_back(static_cast<uint8_t>(l4_len >> 16));
        ph.push_back(static_cast<uint8_t>(l4_len >> 8));
        ph.push_back(static_cast<uint8_t>(l4_len));
        ph.push_back(0);
        ph.push_back(0);
        ph.push_back(0);
        ph.push_back(proto);
    }
    ph.insert(ph.end(), f.begin() + l4, f.end());
    return ref_fold(ph) == 0xFFFF;
}

/// Reference pseudo-header sum (folded, not complemented) as a driver seeds it.
uint16_t ref_pseudo_seed(const std::vector<uint8_t>& f, size_t ip, bool ipv6, uint8_t proto, uint32_t len) {
    std::vector<uint8_t> ph;
    if (!ipv6)
        ph.insert(ph.end(), f.begin() + ip + 12, f.begin() + ip + 20);
    else
        ph.insert(ph.end(), f.begin() + ip + 8, f.begin() + ip + 40);
    ph.push_back(0);
    ph.push_back(proto);
    ph.push_back(static_cast<uint8_t>(len >> 8));
    ph.push_back(static_cast<uint8_t>(len));
    return ref_fold(ph);
}

/// Ethernet + IPv4 (20 bytes) + TCP (20 bytes, or UDP 8) + payload, checksums zero.
std::vector<uint8_t> ipv4_packet(bool tcp, size_t payload, uint8_t flags = 0x18) {
    const size_t l4h = tcp ? 20 : 8;
    std::vector<uint8_t> f(kEth + 20 + l4h + payload, 0);
    const uint8_t mac[12] = {0x00, 0x1B, 0x21, 0x01, 0x02, 0x03, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    for (int i = 0; i < 12; ++i) f[i] = mac[i];
    f[12] = 0x08;  // IPv4
    const size_t ip = kEth;
    f[ip] = 0x45;
    put16(f, ip + 2, static_cast<uint16_t>(20 + l4h + payload));
    put16(f, ip + 4, 0x1C46);  // identification
    f[ip + 6] = 0x40;          // DF
    f[ip + 8] = 64;            // TTL
    f[ip + 9] = tcp ? 6 : 17;
    const uint8_t addrs[8] = {192, 168, 1, 10, 10, 0, 0, 77};
    for (int i = 0; i < 8; ++i) f[ip + 12 + i] = addrs[i];
    const size_t l4 = ip + 20;
    put16(f, l4, 49152);
    put16(f, l4 + 2, tcp ? 80 : 53);
    if (tcp) {
        f[l4 + 4] = 0x12;  // sequence 0x12345678
        f[l4 + 5] = 0x34;
        f[l4 + 6] = 0x56;
        f[l4 + 7] = 0x78;
        f[l4 + 12] = 0x50;   // data offset 5
        f[l4 + 13] = flags;  // PSH|ACK by default
        put16(f, l4 + 14, 65535);
    } else {
        put16(f, l4 + 4, static_cast<uint16_t>(8 + payload));
    }
    for (size_t i = 0; i < payload; ++i) f[l4 + l4h + i] = static_cast<uint8_t>(i * 13 + 5);
    return f;
}

}  // namespace

TEST_CASE("the Internet checksum of a textbook IPv4 header is 0xB861", "[nic][offload]") {
    // The widely published example header (RFC 1071 style worked example).
    std::vector<uint8_t> ip = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                               0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7};
    INFO("checksum over the header with a zero checksum field");
    CHECK(internet_checksum(ip.data(), ip.size()) == 0xB861);
    REQUIRE(ipv4_set_header_checksum(ip.data(), ip.size()));
    CHECK(be16(ip, 10) == 0xB861);
    INFO("a header with its checksum sums to 0xFFFF (reference)");
    CHECK(ref_fold(ip) == 0xFFFF);
    INFO("odd lengths pad the last byte with zero; partial sums chain");
    const uint8_t odd[3] = {0x01, 0x02, 0x03};
    CHECK(checksum_fold(checksum_add(odd, 3)) == 0x0402);
    CHECK(checksum_fold(checksum_add(ip.data() + 10, 10, checksum_add(ip.data(), 10))) == 0xFFFF);
    INFO("a header shorter than its IHL is refused");
    CHECK_FALSE(ipv4_set_header_checksum(ip.data(), 19));
}

TEST_CASE("software TCP and UDP checksums over IPv4 and IPv6 match the reference pseudo-header sum", "[nic][offload]") {
    for (bool tcp : {true, false}) {
        INFO((tcp ? "TCP" : "UDP") << " over IPv4");
        auto f = ipv4_packet(tcp, 333);
        REQUIRE(ipv4_set_header_checksum(f.data() + kEth, 20));
        set_l4_checksum(f.data() + kEth, false, f.data() + kEth + 20, static_cast<uint32_t>(f.size() - kEth - 20), tcp);
        CHECK(ref_ipv4_ok(f, kEth));
        CHECK(ref_l4_ok(f, kEth, kEth + 20, false, tcp ? 6 : 17));
        INFO("one flipped payload bit breaks it");
        f.back() ^= 0x01;
        CHECK_FALSE(ref_l4_ok(f, kEth, kEth + 20, false, tcp ? 6 : 17));
    }
    for (bool tcp : {true, false}) {
        INFO((tcp ? "TCP" : "UDP") << " over IPv6");
        const size_t l4h = tcp ? 20 : 8, pay = 101;
        std::vector<uint8_t> f(kEth + 40 + l4h + pay, 0);
        f[12] = 0x86;
        f[13] = 0xDD;
        f[kEth] = 0x60;
        put16(f, kEth + 4, static_cast<uint16_t>(l4h + pay));
        f[kEth + 6] = tcp ? 6 : 17;
        for (int i = 0; i < 32; ++i) f[kEth + 8 + i] = static_cast<uint8_t>(0x20 + i * 3);
        for (size_t i = kEth + 40; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i);
        if (!tcp) put16(f, kEth + 40 + 4, static_cast<uint16_t>(l4h + pay));
        set_l4_checksum(f.data() + kEth, true, f.data() + kEth + 40, static_cast<uint32_t>(l4h + pay), tcp);
        CHECK(ref_l4_ok(f, kEth, kEth + 40, true, tcp ? 6 : 17));
    }
}

TEST_CASE("legacy checksum insertion sums CSS to CSE and stores at CSO", "[nic][offload]") {
    auto f = ipv4_packet(true, 200);
    REQUIRE(ipv4_set_header_checksum(f.data() + kEth, 20));
    const size_t l4 = kEth + 20;
    const uint32_t l4_len = static_cast<uint32_t>(f.size() - l4);
    // The driver seeds the TCP checksum field with the pseudo-header sum (with length), then sets CSS/CSO.
    put16(f, l4 + 16, ref_pseudo_seed(f, kEth, false, 6, l4_len));
    REQUIRE(insert_legacy_checksum(f.data(), f.size(), static_cast<unsigned>(l4 + 16), static_cast<unsigned>(l4), 0) ==
            OffloadStatus::kOk);
    INFO("CSE 0 = to the end of the frame: a valid TCP checksum");
    CHECK(ref_l4_ok(f, kEth, l4, false, 6));

    INFO("CSE inside the frame: only CSS..CSE counted");
    std::vector<uint8_t> g(40, 0);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<uint8_t>(i + 1);
    g[2] = g[3] = 0;
    REQUIRE(insert_legacy_checksum(g.data(), g.size(), 2, 0, 19) == OffloadStatus::kOk);
    CHECK(ref_fold(std::vector<uint8_t>(g.begin(), g.begin() + 20)) == 0xFFFF);
    CHECK(g[20] == 21);

    INFO("out-of-range offsets are refused and leave the frame unchanged");
    const auto before = g;
    CHECK(insert_legacy_checksum(g.data(), g.size(), 39, 0, 0) == OffloadStatus::kBadOffsets);
    CHECK(insert_legacy_checksum(g.data(), g.size(), 2, 40, 0) == OffloadStatus::kBadOffsets);
    CHECK(insert_legacy_checksum(g.data(), g.size(), 2, 10, 5) == OffloadStatus::kBadOffsets);
    CHECK(insert_legacy_checksum(g.data(), g.size(), 2, 0, 40) == OffloadStatus::kBadOffsets);
    CHECK(g == before);
}

TEST_CASE("context checksums insert the IPv4 header and UDP checksums as IXSM and TXSM ask", "[nic][offload]") {
    auto f = ipv4_packet(false, 77);
    const size_t l4 = kEth + 20;
    put16(f, l4 + 6, ref_pseudo_seed(f, kEth, false, 17, static_cast<uint32_t>(f.size() - l4)));
    ChecksumContext c;
    c.ipcss = kEth;
    c.ipcso = kEth + 10;
    c.ipcse = kEth + 19;
    c.tucss = static_cast<uint8_t>(l4);
    c.tucso = static_cast<uint8_t>(l4 + 6);
    c.tucse = 0;
    auto only_ip = f;
    REQUIRE(insert_context_checksums(only_ip.data(), only_ip.size(), c, true, false) == OffloadStatus::kOk);
    INFO("IXSM alone: IP header valid, UDP field still the seed");
    CHECK(ref_ipv4_ok(only_ip, kEth));
    CHECK(be16(only_ip, l4 + 6) == be16(f, l4 + 6));
    REQUIRE(insert_context_checksums(f.data(), f.size(), c, true, true) == OffloadStatus::kOk);
    CHECK(ref_ipv4_ok(f, kEth));
    CHECK(ref_l4_ok(f, kEth, l4, false, 17));
    INFO("an offset past the frame is refused");
    c.tucso = 250;
    CHECK(insert_context_checksums(f.data(), f.size(), c, true, true) == OffloadStatus::kBadOffsets);
}

TEST_CASE("TSO cuts a 4000-byte TCP payload at MSS 1460 into three valid segments", "[nic][offload][tso]") {
    const size_t hdrlen = kEth + 20 + 20, paylen = 4000;
    auto pkt = ipv4_packet(true, paylen, 0x19);  // FIN|PSH|ACK on the whole send
    // Driver preparation as the 8254x requires: IP checksum 0, TCP checksum = pseudo-header sum without length.
    put16(pkt, kEth + 10, 0);
    put16(pkt, kEth + 20 + 16, ref_pseudo_seed(pkt, kEth, false, 6, 0));
    TsoContext t;
    t.csum.ipcss = kEth;
    t.csum.ipcso = kEth + 10;
    t.csum.ipcse = kEth + 19;
    t.csum.tucss = kEth + 20;
    t.csum.tucso = kEth + 20 + 16;
    t.csum.tucse = 0;
    t.hdrlen = static_cast<uint8_t>(hdrlen);
    t.mss = 1460;
    std::vector<std::vector<uint8_t>> out;
    size_t n = 0;
    REQUIRE(tso_segment(pkt.data(), pkt.data() + hdrlen, paylen, t, out, n) == OffloadStatus::kOk);
    REQUIRE(n == 3);
    CHECK(tso_segment_count(paylen, 1460) == 3);
    const size_t sizes[3] = {1460, 1460, 1080};
    uint32_t expect_seq = 0x12345678;
    size_t payload_at = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto& s = out[i];
        INFO("segment " << i);
        REQUIRE(s.size() == hdrlen + sizes[i]);
        CHECK(be16(s, kEth + 2) == 40 + sizes[i]);  // IP total length
        CHECK(be16(s, kEth + 4) == 0x1C46 + i);     // IPv4 ID increments
        CHECK(be32(s, kEth + 24) == expect_seq);    // TCP sequence advances by the payload sent
        const uint8_t flags = s[kEth + 20 + 13];
        CHECK(((flags & 0x09) != 0) == (i + 1 == n));  // FIN and PSH only on the last segment
        CHECK((flags & 0x10) != 0);                    // ACK kept on all
        CHECK(ref_ipv4_ok(s, kEth));
        CHECK(ref_l4_ok(s, kEth, kEth + 20, false, 6));
        CHECK(std::equal(s.begin() + hdrlen, s.end(), pkt.begin() + hdrlen + payload_at));
        CHECK(std::equal(s.begin(), s.begin() + 12, pkt.begin()));  // MAC header replicated
        expect_seq += static_cast<uint32_t>(sizes[i]);
        payload_at += sizes[i];
    }

    INFO("a second run into the same buffers does not reallocate them");
    const uint8_t* p0 = out[0].data();
    const size_t outer = out.size();
    REQUIRE(tso_segment(pkt.data(), pkt.data() + hdrlen, paylen, t, out, n) == OffloadStatus::kOk);
    CHECK(out[0].data() == p0);
    CHECK(out.size() == outer);

    INFO("segment-at-a-time building gives the same bytes");
    std::vector<uint8_t> one;
    REQUIRE(tso_build_segment(pkt.data(), t, 1, false, 1460, pkt.data() + hdrlen + 1460, 1460, one) ==
            OffloadStatus::kOk);
    CHECK(one == out[1]);
}

TEST_CASE("TSO over UDP and over IPv6 sets the lengths and checksums of each segment", "[nic][offload][tso]") {
    SECTION("UDP over IPv4") {
        const size_t hdrlen = kEth + 28, paylen = 2500;
        auto pkt = ipv4_packet(false, paylen);
        put16(pkt, kEth + 20 + 6, ref_pseudo_seed(pkt, kEth, false, 17, 0));
        TsoContext t;
        t.csum = {kEth, kEth + 10, kEth + 19, kEth + 20, kEth + 26, 0};
        t.hdrlen = static_cast<uint8_t>(hdrlen);
        t.mss = 1000;
        t.tcp = false;
        std::vector<std::vector<uint8_t>> out;
        size_t n = 0;
        REQUIRE(tso_segment(pkt.data(), pkt.data() + hdrlen, paylen, t, out, n) == OffloadStatus::kOk);
        REQUIRE(n == 3);
        for (size_t i = 0; i < n; ++i) {
            INFO("segment " << i);
            const size_t pay = i < 2 ? 1000 : 500;
            CHECK(be16(out[i], kEth + 20 + 4) == 8 + pay);  // UDP length
            CHECK(ref_ipv4_ok(out[i], kEth));
            CHECK(ref_l4_ok(out[i], kEth, kEth + 20, false, 17));
        }
    }
    SECTION("TCP over IPv6") {
        const size_t hdrlen = kEth + 40 + 20, paylen = 3000;
        std::vector<uint8_t> pkt(hdrlen + paylen, 0);
        pkt[12] = 0x86;
        pkt[13] = 0xDD;
        pkt[kEth] = 0x60;
        pkt[kEth + 6] = 6;
        for (int i = 0; i < 32; ++i) pkt[kEth + 8 + i] = static_cast<uint8_t>(0xFE - i);
        pkt[kEth + 40 + 12] = 0x50;
        pkt[kEth + 40 + 13] = 0x18;
        for (size_t i = hdrlen; i < pkt.size(); ++i) pkt[i] = static_cast<uint8_t>(i * 31);
        put16(pkt, kEth + 40 + 16, ref_pseudo_seed(pkt, kEth, true, 6, 0));
        TsoContext t;
        t.csum.ipcss = kEth;
        t.csum.tucss = kEth + 40;
        t.csum.tucso = kEth + 40 + 16;
        t.hdrlen = static_cast<uint8_t>(hdrlen);
        t.mss = 1440;
        t.ipv4 = false;
        t.ixsm = false;
        std::vector<std::vector<uint8_t>> out;
        size_t n = 0;
        REQUIRE(tso_segment(pkt.data(), pkt.data() + hdrlen, paylen, t, out, n) == OffloadStatus::kOk);
        REQUIRE(n == 3);
        for (size_t i = 0; i < n; ++i) {
            INFO("segment " << i);
            const size_t pay = i < 2 ? 1440 : 120;
            CHECK(be16(out[i], kEth + 4) == 20 + pay);  // IPv6 payload length
            CHECK(be32(out[i], kEth + 40 + 4) == 1440 * i);
            CHECK(ref_l4_ok(out[i], kEth, kEth + 40, true, 6));
        }
    }
}

TEST_CASE("TSO refuses an MSS of 0 a header too short for its offsets and too many segments", "[nic][offload][tso]") {
    std::vector<uint8_t> pkt = ipv4_packet(true, 100);
    TsoContext t;
    t.csum = {kEth, kEth + 10, kEth + 19, kEth + 20, kEth + 36, 0};
    t.hdrlen = 54;
    t.mss = 0;
    std::vector<std::vector<uint8_t>> out;
    size_t n = 99;
    INFO("MSS 0");
    CHECK(tso_segment(pkt.data(), pkt.data() + 54, 100, t, out, n) == OffloadStatus::kBadMss);
    CHECK(n == 0);
    t.mss = 10;
    INFO("HDRLEN shorter than the TCP header it names");
    t.hdrlen = 40;
    CHECK(tso_segment(pkt.data(), pkt.data() + 40, 100, t, out, n) == OffloadStatus::kBadHeader);
    t.hdrlen = 54;
    INFO("TUCSO outside the header");
    t.csum.tucso = 60;
    CHECK(tso_segment(pkt.data(), pkt.data() + 54, 100, t, out, n) == OffloadStatus::kBadOffsets);
    t.csum.tucso = kEth + 36;
    INFO("more segments than the limit");
    CHECK(tso_segment(pkt.data(), pkt.data() + 54, 100, t, out, n, 5) == OffloadStatus::kTooManySegments);
    CHECK(std::string(offload_status_name(OffloadStatus::kTooManySegments)) == "too-many-segments");
    INFO("an empty payload still makes one header-only segment");
    CHECK(tso_segment(pkt.data(), pkt.data() + 54, 0, t, out, n) == OffloadStatus::kOk);
    CHECK(n == 1);
    CHECK(out[0].size() == 54);
}

TEST_CASE("RX checksum verification reports IP and TCP/UDP checksums good or bad", "[nic][offload][rx]") {
    for (bool tcp : {true, false}) {
        INFO((tcp ? "TCP" : "UDP"));
        auto f = ipv4_packet(tcp, 150);
        REQUIRE(ipv4_set_header_checksum(f.data() + kEth, 20));
        set_l4_checksum(f.data() + kEth, false, f.data() + kEth + 20, static_cast<uint32_t>(f.size() - kEth - 20), tcp);
        REQUIRE(ref_l4_ok(f, kEth, kEth + 20, false, tcp ? 6 : 17));
        RxChecksumResult r = rx_verify_checksums(f.data(), f.size());
        CHECK(r.ip_checked);
        CHECK(r.ip_ok);
        CHECK(r.l4_checked);
        CHECK(r.l4_ok);
        CHECK(r.udp == !tcp);
        INFO("a payload bit flipped: L4 bad, IP still good");
        f[f.size() - 3] ^= 0x80;
        r = rx_verify_checksums(f.data(), f.size());
        CHECK(r.ip_ok);
        CHECK(r.l4_checked);
        CHECK_FALSE(r.l4_ok);
        INFO("a TTL change without a new IP checksum: IP bad");
        f[kEth + 8] ^= 1;
        CHECK_FALSE(rx_verify_checksums(f.data(), f.size()).ip_ok);
    }
    INFO("a fragment is IP-checked only; a UDP checksum of 0 means none; non-IP is not checked");
    auto frag = ipv4_packet(true, 40);
    frag[kEth + 6] |= 0x20;  // MF
    REQUIRE(ipv4_set_header_checksum(frag.data() + kEth, 20));
    auto r = rx_verify_checksums(frag.data(), frag.size());
    CHECK(r.ip_ok);
    CHECK_FALSE(r.l4_checked);
    auto udp0 = ipv4_packet(false, 40);
    REQUIRE(ipv4_set_header_checksum(udp0.data() + kEth, 20));
    CHECK_FALSE(rx_verify_checksums(udp0.data(), udp0.size()).l4_checked);
    auto arp = ipv4_packet(false, 40);
    arp[12] = 0x08;
    arp[13] = 0x06;
    CHECK_FALSE(rx_verify_checksums(arp.data(), arp.size()).ip_checked);
    INFO("an IP total length past the frame is not trusted");
    auto cut = ipv4_packet(true, 100);
    CHECK_FALSE(rx_verify_checksums(cut.data(), cut.size() - 1).ip_checked);
    CHECK_FALSE(rx_verify_checksums(cut.data(), 10).ip_checked);
    INFO("packet checksum from PCSS: the plain folded sum of the bytes from there");
    std::vector<uint8_t> tail(cut.begin() + kEth, cut.end());
    CHECK(rx_packet_checksum(cut.data(), cut.size(), kEth) == ref_fold(tail));
    CHECK(rx_packet_checksum(cut.data(), cut.size(), static_cast<unsigned>(cut.size())) == 0);
}

TEST_CASE("the RX packet checksum is the folded word sum for every length, start and byte pattern",
          "[nic][offload][rx]") {
    // Both builds of the block sum: the one this CPU selects (AVX2 where it has it) and the baseline one.
    using Checksum = uint16_t (*)(const uint8_t*, size_t, unsigned);
    for (const Checksum sum : {Checksum{rx_packet_checksum}, Checksum{rx_packet_checksum_baseline}}) {
        INFO((sum == rx_packet_checksum ? "the selected build" : "the baseline build"));
        // Up to a full frame and beyond, so the 32-byte vector blocks and every tail after them meet every start.
        for (const uint8_t fill : {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x5A}}) {
            std::vector<uint8_t> f(1600, fill);
            if (fill == 0x5A)
                for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i * 71 + 13 + (i >> 8));
            for (unsigned pcss = 0; pcss < 10; ++pcss) {
                for (size_t len = 0; len <= f.size(); ++len) {
                    const uint16_t got = sum(f.data(), len, pcss);
                    const uint16_t want =
                        len > pcss ? ref_fold({f.begin() + pcss, f.begin() + static_cast<std::ptrdiff_t>(len)}) : 0;
                    if (got == want) continue;
                    FAIL("fill " << int(fill) << ", pcss " << pcss << ", length " << len << ": " << got);
                }
            }
        }
        INFO("all ones (the largest words) over more blocks than a lane could add without its partial sums");
        const std::vector<uint8_t> big(32 * 20000 + 40, 0xFF);
        CHECK(sum(big.data(), big.size(), 3) == ref_fold({big.begin() + 3, big.end()}));
    }
}

TEST_CASE("RX checksum verification handles a VLAN tag and IPv6 TCP", "[nic][offload][rx]") {
    const size_t pay = 64;
    std::vector<uint8_t> f(kEth + 4 + 40 + 20 + pay, 0);
    f[12] = 0x81;
    f[13] = 0x00;
    f[14] = 0x00;
    f[15] = 0x05;  // VLAN 5
    f[16] = 0x86;
    f[17] = 0xDD;
    const size_t ip = kEth + 4;
    f[ip] = 0x60;
    put16(f, ip + 4, static_cast<uint16_t>(20 + pay));
    f[ip + 6] = 6;
    for (int i = 0; i < 32; ++i) f[ip + 8 + i] = static_cast<uint8_t>(i * 9);
    f[ip + 40 + 12] = 0x50;
    for (size_t i = ip + 60; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i);
    set_l4_checksum(f.data() + ip, true, f.data() + ip + 40, static_cast<uint32_t>(20 + pay), true);
    REQUIRE(ref_l4_ok(f, ip, ip + 40, true, 6));
    const auto r = rx_verify_checksums(f.data(), f.size());
    INFO("IPv6 has no header checksum: IP not checked, TCP checked and good");
    CHECK_FALSE(r.ip_checked);
    CHECK(r.l4_checked);
    CHECK(r.l4_ok);
}
