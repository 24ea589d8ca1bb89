#include "model/nic/offload.h"

#include <cstring>

namespace nicsim::nic {

namespace {

uint16_t ld_be16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t ld_be32(const uint8_t* p) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
void st_be16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void st_be32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

constexpr uint8_t kTcpFin = 0x01;        // TCP flags: FIN
constexpr uint8_t kTcpPsh = 0x08;        // TCP flags: PSH
constexpr unsigned kIpv4HeaderMin = 20;  // IPv4 header without options
constexpr unsigned kIpv6Header = 40;     // IPv6 fixed header
constexpr unsigned kTcpHeaderMin = 20;   // TCP header without options
constexpr unsigned kUdpHeader = 8;       // UDP header

/// Sum [start, end] (inclusive, end 0 = last byte) of `frame`, complement, store at `off`. False if out of range.
bool sum_range_store(uint8_t* frame, size_t len, unsigned off, unsigned start, unsigned end, uint32_t extra) {
    if (len == 0) return false;
    const size_t last = end == 0 ? len - 1 : end;
    if (start >= len || last >= len || last < start || static_cast<size_t>(off) + 2 > len) return false;
    const uint32_t acc = checksum_add(frame + start, last - start + 1, extra);
    st_be16(frame + off, static_cast<uint16_t>(~checksum_fold(acc)));
    return true;
}

}  // namespace

const char* offload_status_name(OffloadStatus s) {
    switch (s) {
        case OffloadStatus::kOk:
            return "ok";
        case OffloadStatus::kBadOffsets:
            return "bad-offsets";
        case OffloadStatus::kBadHeader:
            return "bad-tso-header";
        case OffloadStatus::kBadMss:
            return "bad-mss";
        case OffloadStatus::kTooManySegments:
            return "too-many-segments";
    }
    return "unknown";
}

uint32_t checksum_add(const uint8_t* data, size_t len, uint32_t acc) {
    uint64_t sum = acc;
    size_t i = 0;
    for (; i + 1 < len; i += 2) sum += static_cast<uint32_t>((data[i] << 8) | data[i + 1]);
    if (i < len) sum += static_cast<uint32_t>(data[i] << 8);
    while (sum >> 32) sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    return static_cast<uint32_t>(sum);
}

uint16_t checksum_fold(uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xFFFFu) + (acc >> 16);
    return static_cast<uint16_t>(acc);
}

uint16_t internet_checksum(const uint8_t* data, size_t len) {
    return static_cast<uint16_t>(~checksum_fold(checksum_add(data, len)));
}

OffloadStatus insert_legacy_checksum(uint8_t* frame, size_t len, unsigned cso, unsigned css, unsigned cse) {
    return sum_range_store(frame, len, cso, css, cse, 0) ? OffloadStatus::kOk : OffloadStatus::kBadOffsets;
}

OffloadStatus insert_context_checksums(uint8_t* frame, size_t len, const ChecksumContext& ctx, bool ixsm, bool txsm) {
    // Check both before storing either: a refused offload leaves the frame as it was.
    auto in_range = [len](unsigned off, unsigned start, unsigned end) {
        const size_t last = end == 0 ? len - 1 : end;
        return len > 0 && start < len && last < len && last >= start && static_cast<size_t>(off) + 2 <= len;
    };
    if (ixsm && !in_range(ctx.ipcso, ctx.ipcss, ctx.ipcse)) return OffloadStatus::kBadOffsets;
    if (txsm && !in_range(ctx.tucso, ctx.tucss, ctx.tucse)) return OffloadStatus::kBadOffsets;
    // The IP header checksum first: the TCP/UDP range never covers it, but the order is the hardware's.
    if (ixsm) sum_range_store(frame, len, ctx.ipcso, ctx.ipcss, ctx.ipcse, 0);
    if (txsm) sum_range_store(frame, len, ctx.tucso, ctx.tucss, ctx.tucse, 0);
    return OffloadStatus::kOk;
}

bool ipv4_set_header_checksum(uint8_t* ip, size_t avail) {
    if (avail < kIpv4HeaderMin) return false;
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0F) * 4;
    if (ihl < kIpv4HeaderMin || ihl > avail) return false;
    ip[10] = ip[11] = 0;
    st_be16(ip + 10, internet_checksum(ip, ihl));
    return true;
}

uint32_t pseudo_header_sum_ipv4(const uint8_t* ip, uint8_t protocol, uint32_t l4_len) {
    uint32_t acc = checksum_add(ip + 12, 8);  // source and destination addresses
    return acc + protocol + (l4_len >> 16) + (l4_len & 0xFFFFu);
}

uint32_t pseudo_header_sum_ipv6(const uint8_t* ip6, uint8_t next_header, uint32_t l4_len) {
    uint32_t acc = checksum_add(ip6 + 8, 32);  // source and destination addresses
    return acc + next_header + (l4_len >> 16) + (l4_len & 0xFFFFu);
}

void set_l4_checksum(const uint8_t* ip, bool ipv6, uint8_t* l4, uint32_t l4_len, bool tcp) {
    const unsigned field = tcp ? 16 : 6;
    l4[field] = l4[field + 1] = 0;
    const uint8_t proto = tcp ? 6 : 17;
    const uint32_t pseudo =
        ipv6 ? pseudo_header_sum_ipv6(ip, proto, l4_len) : pseudo_header_sum_ipv4(ip, proto, l4_len);
    uint16_t c = static_cast<uint16_t>(~checksum_fold(checksum_add(l4, l4_len, pseudo)));
    if (!tcp && c == 0) c = 0xFFFF;  // UDP: 0 means "no checksum"
    st_be16(l4 + field, c);
}

size_t tso_segment_count(size_t paylen, uint16_t mss) {
    if (mss == 0) return 0;
    if (paylen == 0) return 1;
    return (paylen + mss - 1) / mss;
}

namespace {

OffloadStatus tso_check(const TsoContext& ctx) {
    const unsigned hdrlen = ctx.hdrlen;
    const auto& c = ctx.csum;
    if (ctx.mss == 0) return OffloadStatus::kBadMss;
    if (static_cast<unsigned>(c.ipcss) + (ctx.ipv4 ? kIpv4HeaderMin : kIpv6Header) > hdrlen)
        return OffloadStatus::kBadHeader;
    if (c.tucss < c.ipcss || static_cast<unsigned>(c.tucss) + (ctx.tcp ? kTcpHeaderMin : kUdpHeader) > hdrlen)
        return OffloadStatus::kBadHeader;
    if (ctx.ixsm && ctx.ipv4 &&
        (static_cast<unsigned>(c.ipcso) + 2 > hdrlen || (c.ipcse != 0 && (c.ipcse < c.ipcss || c.ipcse >= hdrlen))))
        return OffloadStatus::kBadOffsets;
    if (ctx.txsm &&
        (c.tucso < c.tucss || static_cast<unsigned>(c.tucso) + 2 > hdrlen || (c.tucse != 0 && c.tucse < c.tucss)))
        return OffloadStatus::kBadOffsets;
    return OffloadStatus::kOk;
}

}  // namespace

OffloadStatus tso_build_segment(const uint8_t* header, const TsoContext& ctx, unsigned index, bool last,
                                uint32_t offset, const uint8_t* seg_payload, size_t seg_len,
                                std::vector<uint8_t>& out) {
    if (OffloadStatus s = tso_check(ctx); s != OffloadStatus::kOk) return s;
    const auto& c = ctx.csum;
    const size_t hdrlen = ctx.hdrlen;
    const size_t total = hdrlen + seg_len;
    if (c.tucse != 0 && c.tucse >= total) return OffloadStatus::kBadOffsets;
    out.resize(total);  // keeps capacity: no allocation once the buffer has grown to a full segment
    std::memcpy(out.data(), header, hdrlen);
    if (seg_len) std::memcpy(out.data() + hdrlen, seg_payload, seg_len);
    uint8_t* f = out.data();
    uint8_t* ip = f + c.ipcss;
    uint8_t* l4 = f + c.tucss;
    if (ctx.ipv4) {
        st_be16(ip + 2, static_cast<uint16_t>(total - c.ipcss));          // total length
        st_be16(ip + 4, static_cast<uint16_t>(ld_be16(ip + 4) + index));  // identification
    } else {
        st_be16(ip + 4, static_cast<uint16_t>(total - c.ipcss - kIpv6Header));  // payload length
    }
    if (ctx.tcp) {
        st_be32(l4 + 4, ld_be32(l4 + 4) + offset);  // sequence number
        if (!last) l4[13] = static_cast<uint8_t>(l4[13] & ~(kTcpFin | kTcpPsh));
    } else {
        st_be16(l4 + 4, static_cast<uint16_t>(total - c.tucss));  // UDP length
    }
    if (ctx.ixsm && ctx.ipv4) {
        // The field is recomputed for each segment's header: whatever the prototype held there is not summed.
        f[c.ipcso] = f[c.ipcso + 1] = 0;
        const size_t ip_last = c.ipcse != 0 ? c.ipcse : total - 1;
        st_be16(f + c.ipcso, static_cast<uint16_t>(~checksum_fold(checksum_add(ip, ip_last - c.ipcss + 1))));
    }
    if (ctx.txsm) {
        // The seed in the field is the pseudo-header sum without the length; the hardware adds this segment's.
        const uint32_t l4_len = static_cast<uint32_t>(total - c.tucss);
        const size_t l4_last = c.tucse != 0 ? c.tucse : total - 1;
        const uint32_t acc = checksum_add(l4, l4_last - c.tucss + 1, (l4_len >> 16) + (l4_len & 0xFFFFu));
        st_be16(f + c.tucso, static_cast<uint16_t>(~checksum_fold(acc)));
    }
    return OffloadStatus::kOk;
}

OffloadStatus tso_segment(const uint8_t* header, const uint8_t* payload, size_t paylen, const TsoContext& ctx,
                          std::vector<std::vector<uint8_t>>& out, size_t& count, size_t max_segments) {
    count = 0;
    if (OffloadStatus s = tso_check(ctx); s != OffloadStatus::kOk) return s;
    const size_t n = tso_segment_count(paylen, ctx.mss);
    if (n > max_segments) return OffloadStatus::kTooManySegments;
    if (out.size() < n) out.resize(n);
    size_t offset = 0;
    for (size_t i = 0; i < n; ++i) {
        const size_t len = paylen - offset < ctx.mss ? paylen - offset : ctx.mss;
        const OffloadStatus s = tso_build_segment(header, ctx, static_cast<unsigned>(i), i + 1 == n,
                                                  static_cast<uint32_t>(offset), payload + offset, len, out[i]);
        if (s != OffloadStatus::kOk) return s;
        offset += len;
    }
    count = n;
    return OffloadStatus::kOk;
}

RxChecksumResult rx_verify_checksums(const uint8_t* frame, size_t len) {
    RxChecksumResult r;
    constexpr size_t kEthHeader = 14;       // destination, source, EtherType
    constexpr uint16_t kTypeVlan = 0x8100;  // 802.1Q tag
    constexpr uint16_t kTypeIpv4 = 0x0800;  // IPv4
    constexpr uint16_t kTypeIpv6 = 0x86DD;  // IPv6
    constexpr uint8_t kProtoTcp = 6;        // IP protocol: TCP
    constexpr uint8_t kProtoUdp = 17;       // IP protocol: UDP
    if (len < kEthHeader) return r;
    size_t ip = kEthHeader;
    uint16_t type = ld_be16(frame + 12);
    if (type == kTypeVlan) {
        if (len < kEthHeader + 4) return r;
        type = ld_be16(frame + 16);
        ip += 4;
    }
    const uint8_t* l4 = nullptr;
    size_t l4_len = 0;
    uint8_t proto = 0;
    uint32_t pseudo = 0;
    if (type == kTypeIpv4) {
        if (len < ip + kIpv4HeaderMin || (frame[ip] >> 4) != 4) return r;
        const size_t ihl = static_cast<size_t>(frame[ip] & 0x0F) * 4;
        const size_t total = ld_be16(frame + ip + 2);
        if (ihl < kIpv4HeaderMin || total < ihl || ip + total > len) return r;
        r.ip_checked = true;
        r.ip_ok = checksum_fold(checksum_add(frame + ip, ihl)) == 0xFFFF;
        const bool fragment = (ld_be16(frame + ip + 6) & 0x3FFF) != 0;  // MF or a fragment offset
        if (fragment) return r;
        proto = frame[ip + 9];
        l4 = frame + ip + ihl;
        l4_len = total - ihl;
        pseudo = pseudo_header_sum_ipv4(frame + ip, proto, static_cast<uint32_t>(l4_len));
    } else if (type == kTypeIpv6) {
        if (len < ip + kIpv6Header || (frame[ip] >> 4) != 6) return r;
        l4_len = ld_be16(frame + ip + 4);
        if (ip + kIpv6Header + l4_len > len) return r;
        proto = frame[ip + 6];
        l4 = frame + ip + kIpv6Header;
        pseudo = pseudo_header_sum_ipv6(frame + ip, proto, static_cast<uint32_t>(l4_len));
    } else {
        return r;
    }
    if (proto == kProtoTcp && l4_len >= kTcpHeaderMin) {
        r.l4_checked = true;
    } else if (proto == kProtoUdp && l4_len >= kUdpHeader) {
        r.udp = true;
        if (ld_be16(l4 + 6) == 0) return r;  // UDP sent without a checksum
        r.l4_checked = true;
    } else {
        return r;
    }
    r.l4_ok = checksum_fold(checksum_add(l4, l4_len, pseudo)) == 0xFFFF;
    return r;
}

namespace {

// Eight 32-bit lanes, one 32-byte block per step (a GCC and Clang vector extension): one register where the CPU has
// AVX2, two SSE2 registers in the baseline x86-64 build, plain code where there are none.
typedef uint32_t U32x8 __attribute__((vector_size(32)));
typedef uint32_t U32x4 __attribute__((vector_size(16)));

// Blocks per partial sum: each lane adds at most 2 x 0xFFFF per 32-byte block, under 2^30 for 4096 blocks.
constexpr size_t kBlocksPerSum = 4096;

// The sum of the 16-bit words of `blocks` 32-byte blocks in the host's byte order (the low and high halves of each
// 32-bit piece, added lane by lane). Inlined into each of the clones below, built for its own target.
[[gnu::always_inline]] inline uint64_t word_sum_blocks(const uint8_t* p, size_t blocks) {
    uint64_t total = 0;
    while (blocks > 0) {
        const size_t n = blocks < kBlocksPerSum ? blocks : kBlocksPerSum;
        U32x8 acc = {0, 0, 0, 0, 0, 0, 0, 0};
#pragma GCC unroll 2
        for (size_t b = 0; b < n; ++b, p += 32) {
            U32x8 v;
            std::memcpy(&v, p, 32);
            acc += (v & 0xFFFFu) + (v >> 16);
        }
        // Each lane is under 2^30: the two halves' lanes, then their pairs, add without overflow.
        U32x4 lo, hi;
        std::memcpy(&lo, &acc, 16);
        std::memcpy(&hi, reinterpret_cast<const uint8_t*>(&acc) + 16, 16);
        const U32x4 q = lo + hi;
        total += uint64_t{q[0] + q[2]} + (q[1] + q[3]);
        blocks -= n;
    }
    return total;
}

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NICSIM_CHECKSUM_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef NICSIM_CHECKSUM_CLONES
#define NICSIM_CHECKSUM_CLONES
#endif

// Built for AVX2 and for the baseline; the loader picks the one the CPU runs.
NICSIM_CHECKSUM_CLONES
uint64_t host_word_sum(const uint8_t* p, size_t blocks) {
    return word_sum_blocks(p, blocks);
}

// The baseline build alone, whatever the CPU: rx_packet_checksum_baseline's, for the tests.
uint64_t host_word_sum_baseline(const uint8_t* p, size_t blocks) {
    return word_sum_blocks(p, blocks);
}

using BlockSum = uint64_t (*)(const uint8_t*, size_t);

// The folded sum of the big-endian 16-bit words. Whole 32-byte blocks are summed as words in the host's byte order
// by `block_sum`: the ones' complement sum of byte-swapped words is the byte-swapped sum (RFC 1071, section 2 (B)),
// so on a little-endian host the folded block sum is swapped once. The rest goes eight bytes per step: each 32-bit
// half of a big-endian 64-bit word is two words, the first times 2^16, and 2^16 is 1 modulo 0xFFFF, so the halves'
// sum folds to the words' sum (a non-zero sum to 1..FFFFh, as checksum_fold of checksum_add does).
[[gnu::always_inline]] inline uint16_t packet_checksum(const uint8_t* frame, size_t len, unsigned pcss,
                                                       BlockSum block_sum) {
    if (pcss >= len) return 0;
    const uint8_t* p = frame + pcss;
    const size_t n = len - pcss;
    uint64_t sum = block_sum(p, n / 32);
    while (sum >> 16) sum = (sum & 0xFFFFu) + (sum >> 16);
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) sum = ((sum & 0xFFu) << 8) | (sum >> 8);
    size_t i = n / 32 * 32;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) w = __builtin_bswap64(w);
        sum += (w >> 32) + (w & 0xFFFFFFFFu);
    }
    sum += checksum_add(p + i, n - i);
    while (sum >> 16) sum = (sum & 0xFFFFu) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

}  // namespace

uint16_t rx_packet_checksum(const uint8_t* frame, size_t len, unsigned pcss) {
    return packet_checksum(frame, len, pcss, host_word_sum);
}

uint16_t rx_packet_checksum_baseline(const uint8_t* frame, size_t len, unsigned pcss) {
    return packet_checksum(frame, len, pcss, host_word_sum_baseline);
}

}  // namespace nicsim::nic
