// Traffic helpers shared by the end-to-end tests: IPv4/TCP frames for large send, segment checks, OID helpers.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "hostdrv/ndis/ndis_host.h"

namespace nicsim::e2e {

constexpr unsigned kTcpHeaderBytes = 14 + 20 + 20;  // Ethernet + IPv4 + TCP without options

inline uint16_t ip_checksum(const uint8_t* p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
    if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

/// Ones' complement sum of big-endian 16-bit words, not folded.
inline uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
    if (n & 1) acc += static_cast<uint32_t>(p[n - 1] << 8);
    return acc;
}
inline uint16_t fold(uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<uint16_t>(acc);
}

/// An IPv4/TCP frame with `payload` bytes. A large-send packet is prepared as the TCP/IP transport hands it to a
/// miniport (and as the 8254x requires): IP header checksum 0, TCP checksum seeded with the pseudo-header sum
/// without the length. Otherwise both checksums are complete.
inline std::vector<uint8_t> make_tcp_frame(const uint8_t* dst, const uint8_t* src, size_t payload, uint32_t seq,
                                           unsigned seed, bool large_send = true) {
    std::vector<uint8_t> f(kTcpHeaderBytes + payload, 0);
    for (int i = 0; i < 6; ++i) {
        f[i] = dst[i];
        f[6 + i] = src[i];
    }
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t* ip = f.data() + 14;
    const size_t ip_len = 20 + 20 + payload;
    ip[0] = 0x45;
    ip[2] = static_cast<uint8_t>(ip_len > 0xFFFF ? 0 : ip_len >> 8);
    ip[3] = static_cast<uint8_t>(ip_len > 0xFFFF ? 0 : ip_len);
    ip[4] = 0x12;
    ip[5] = 0x34;
    ip[8] = 64;
    ip[9] = 6;
    const uint8_t sip[4] = {10, 0, 0, 1}, dip[4] = {10, 0, 0, 2};
    for (int i = 0; i < 4; ++i) {
        ip[12 + i] = sip[i];
        ip[16 + i] = dip[i];
    }
    uint8_t* tcp = ip + 20;
    tcp[0] = 0x30;
    tcp[1] = 0x39;  // port 12345
    tcp[2] = 0x00;
    tcp[3] = 0x50;  // port 80
    tcp[4] = static_cast<uint8_t>(seq >> 24);
    tcp[5] = static_cast<uint8_t>(seq >> 16);
    tcp[6] = static_cast<uint8_t>(seq >> 8);
    tcp[7] = static_cast<uint8_t>(seq);
    tcp[12] = 0x50;  // data offset 5 dwords
    tcp[13] = 0x18;  // PSH ACK
    tcp[14] = 0xFF;
    tcp[15] = 0xFF;
    for (size_t i = 0; i < payload; ++i) f[kTcpHeaderBytes + i] = static_cast<uint8_t>(seed + i * 3 + (i >> 9));
    const uint16_t pseudo = fold(sum16(ip + 12, 8, 6));  // addresses + protocol, no length
    if (large_send) {
        tcp[16] = static_cast<uint8_t>(pseudo >> 8);
        tcp[17] = static_cast<uint8_t>(pseudo);
    } else {
        const uint16_t c = ip_checksum(ip, 20);
        ip[10] = static_cast<uint8_t>(c >> 8);
        ip[11] = static_cast<uint8_t>(c);
        const uint16_t t = static_cast<uint16_t>(~fold(sum16(tcp, 20 + payload, pseudo + 20 + payload)));
        tcp[16] = static_cast<uint8_t>(t >> 8);
        tcp[17] = static_cast<uint8_t>(t);
    }
    return f;
}

/// True when the IPv4 header checksum and the TCP checksum (with pseudo-header) of a frame verify.
inline bool tcp_frame_checksums_ok(const std::vector<uint8_t>& f) {
    if (f.size() < kTcpHeaderBytes) return false;
    const uint8_t* ip = f.data() + 14;
    const size_t ip_len = (size_t{ip[2]} << 8) | ip[3];
    if (ip_len + 14 != f.size() || ip_checksum(ip, 20) != 0) return false;
    const size_t tcp_len = ip_len - 20;
    const uint32_t pseudo = sum16(ip + 12, 8, 6 + static_cast<uint32_t>(tcp_len));
    return fold(sum16(ip + 20, tcp_len, pseudo)) == 0xFFFF;
}

inline uint32_t tcp_seq(const std::vector<uint8_t>& f) {
    const uint8_t* t = f.data() + 14 + 20;
    return (uint32_t{t[4]} << 24) | (uint32_t{t[5]} << 16) | (uint32_t{t[6]} << 8) | t[7];
}

inline ULONG oid_ulong(const ndis::OidResult& r) {
    ULONG v = 0;
    if (r.data.size() >= sizeof(v)) std::memcpy(&v, r.data.data(), sizeof(v));
    return v;
}

inline ULONGLONG oid_u64(const ndis::OidResult& r) {
    ULONGLONG v = 0;
    if (r.bytes_done == sizeof(v) && r.data.size() >= sizeof(v))
        std::memcpy(&v, r.data.data(), sizeof(v));
    else
        v = oid_ulong(r);
    return v;
}

inline std::vector<uint8_t> ulong_bytes(ULONG v) {
    std::vector<uint8_t> b(sizeof(v));
    std::memcpy(b.data(), &v, sizeof(v));
    return b;
}

}  // namespace nicsim::e2e
