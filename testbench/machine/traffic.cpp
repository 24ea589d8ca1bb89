#include "testbench/machine/traffic.h"

#include <algorithm>
#include <cstring>

namespace nicsim::tb {

namespace {
/// `v` in network byte order: one swap and store (GCC builds byte-wise stores of two such words into one 64-bit
/// value byte by byte).
void put_be32(uint8_t* p, uint32_t v) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
}  // namespace

TrafficGen::TrafficGen(uint64_t seed, uint8_t direction, const SizeDist& sizes, const Mac& dst, const Mac& src)
    : m_rng(seed * 0x100000001B3ull + direction), m_dir(direction), m_sizes(sizes) {
    uint8_t* h = m_fixed.data();
    std::copy(dst.begin(), dst.end(), h);
    std::copy(src.begin(), src.end(), h + 6);
    put_be32(h + 12, (uint32_t{kTrafficEtherType} << 16) | (uint32_t{'n'} << 8) | 'i');
    h[16] = 'c';
    h[17] = 's';
}

uint32_t TrafficGen::pick_size() {
    switch (m_sizes.kind) {
        case SizeDist::Fixed:
            return m_sizes.min;
        case SizeDist::Uniform:
            return static_cast<uint32_t>(m_rng.range(m_sizes.min, m_sizes.max));
        case SizeDist::Imix: {
            const uint64_t r = m_rng.range(0, 11);  // 7:4:1 of 60, 590, 1514
            return r < 7 ? 60 : r < 11 ? 590 : 1514;
        }
    }
    return m_sizes.min;
}

std::vector<uint8_t> TrafficGen::next() {
    return next(pick_size());
}

std::vector<uint8_t> TrafficGen::next(uint32_t len) {
    std::vector<uint8_t> f;
    next_into(len, f);
    return f;
}

void TrafficGen::next_into(std::vector<uint8_t>& frame) {
    next_into(pick_size(), frame);
}

void TrafficGen::next_into(uint32_t len, std::vector<uint8_t>& f) {
    f.resize(len);  // every byte is written below
    uint8_t* p = f.data();
    std::memcpy(p, m_fixed.data(), kFixedHeader);
    put_be32(p + kFixedHeader, (uint32_t(m_dir) << 24) | uint32_t(m_seq & 0xFFFFFF));
    put_be32(p + kFixedHeader + 4, len);
    m_rng.fill(p + kTrafficHeader, len - kTrafficHeader);
    ++m_seq;
}

namespace {
uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}
}  // namespace

std::vector<uint8_t> make_tcp_frame(uint64_t seed, uint64_t seq, uint32_t total, const Mac& dst, const Mac& src) {
    std::vector<uint8_t> f(total);
    std::copy(dst.begin(), dst.end(), f.begin());
    std::copy(src.begin(), src.end(), f.begin() + 6);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t* ip = f.data() + 14;
    const uint32_t ip_len = total - 14;
    ip[0] = 0x45;
    ip[2] = static_cast<uint8_t>(ip_len >> 8);  // the NIC rewrites it per segment
    ip[3] = static_cast<uint8_t>(ip_len);
    ip[4] = static_cast<uint8_t>(seq >> 8);
    ip[5] = static_cast<uint8_t>(seq);
    ip[8] = 64;
    ip[9] = 6;  // TCP
    const uint8_t addrs[8] = {10, 0, 0, 1, 10, 0, 0, 2};
    std::copy(addrs, addrs + 8, ip + 12);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    const uint16_t c = fold(sum);
    ip[10] = static_cast<uint8_t>(c >> 8);
    ip[11] = static_cast<uint8_t>(c);
    uint8_t* tcp = ip + 20;
    // Ports from the dynamic range (IANA, RFC 6335): no analyser decodes the random payload as some protocol.
    tcp[0] = 0xC0;  // source port 49152
    tcp[1] = 0x00;
    tcp[2] = 0xC0;  // destination port 49153
    tcp[3] = 0x01;
    // Packet n's bytes follow packet n - 1's in one stream (every packet of a run has the same size), so a capture
    // reads as one TCP connection without gaps.
    const uint32_t tseq = static_cast<uint32_t>(seq * (total - 54));
    for (int b = 0; b < 4; ++b) tcp[4 + b] = static_cast<uint8_t>(tseq >> (24 - 8 * b));
    tcp[12] = 0x50;  // 20-byte header
    tcp[13] = 0x18;  // PSH ACK
    tcp[14] = 0xFF;  // window
    tcp[15] = 0xFF;
    // As the TCP/IP transport hands a large send to the miniport: the checksum field holds the ones' complement sum
    // of the pseudo-header without the TCP length, which the NIC adds per segment (8254x manual, section 3.6).
    uint32_t pseudo = 6;
    for (int i = 12; i < 20; i += 2) pseudo += (ip[i] << 8) | ip[i + 1];
    const uint16_t seed_sum = static_cast<uint16_t>(~fold(pseudo));
    tcp[16] = static_cast<uint8_t>(seed_sum >> 8);
    tcp[17] = static_cast<uint8_t>(seed_sum);
    Rng rng(seed ^ (seq * 0x9E3779B97F4A7C15ull));
    for (size_t i = 54; i < total; ++i) f[i] = static_cast<uint8_t>(rng.next());
    return f;
}

namespace {

uint32_t sum16(const uint8_t* d, size_t n, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t(d[i]) << 8) | d[i + 1];
    if (n & 1) sum += uint32_t(d[n - 1]) << 8;
    return sum;
}

void put16(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

}  // namespace

std::vector<std::vector<uint8_t>> segment_tcp_frame(const std::vector<uint8_t>& frame, uint32_t mss) {
    constexpr size_t kHeaders = 14 + 20 + 20;
    std::vector<std::vector<uint8_t>> out;
    const size_t payload = frame.size() - kHeaders;
    const uint32_t id = (uint32_t(frame[18]) << 8) | frame[19];
    const uint32_t seq =
        (uint32_t(frame[38]) << 24) | (uint32_t(frame[39]) << 16) | (uint32_t(frame[40]) << 8) | frame[41];
    for (size_t off = 0, i = 0; off < payload; off += mss, ++i) {
        const size_t n = std::min<size_t>(mss, payload - off);
        std::vector<uint8_t> s(frame.begin(), frame.begin() + kHeaders);
        s.insert(s.end(), frame.begin() + static_cast<std::ptrdiff_t>(kHeaders + off),
                 frame.begin() + static_cast<std::ptrdiff_t>(kHeaders + off + n));
        uint8_t* ip = s.data() + 14;
        uint8_t* tcp = ip + 20;
        put16(ip + 2, static_cast<uint32_t>(40 + n));
        put16(ip + 4, (id + i) & 0xFFFF);
        put16(ip + 10, 0);
        put16(ip + 10, fold(sum16(ip, 20)));
        const uint32_t s_seq = seq + static_cast<uint32_t>(off);
        put16(tcp + 4, s_seq >> 16);
        put16(tcp + 6, s_seq & 0xFFFF);
        if (off + n < payload) tcp[13] &= static_cast<uint8_t>(~0x08);  // PSH on the last segment only
        put16(tcp + 16, 0);
        const uint32_t pseudo = sum16(ip + 12, 8) + 6 + static_cast<uint32_t>(20 + n);
        put16(tcp + 16, fold(sum16(tcp, 20 + n, pseudo)));
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<uint32_t> fragment_layout(Rng& rng, uint32_t len, unsigned fragments) {
    std::vector<uint32_t> out;
    fragment_layout(rng, len, fragments, out);
    return out;
}

void fragment_layout(Rng& rng, uint32_t len, unsigned fragments, std::vector<uint32_t>& out) {
    out.clear();
    if (fragments <= 1 || len < fragments) {
        out.push_back(len);
        return;
    }
    uint32_t left = len;
    for (unsigned i = 0; i + 1 < fragments; ++i) {
        const uint32_t keep = fragments - 1 - i;  // at least one byte for each later buffer
        const uint32_t n = static_cast<uint32_t>(rng.range(1, std::max<uint32_t>(1, (left - keep) / 2 + 1)));
        out.push_back(n);
        left -= n;
    }
    out.push_back(left);
}

uint32_t pages_spanned(uint32_t page_offset, uint32_t len) {
    constexpr uint32_t kPage = 4096;
    const uint64_t end = uint64_t(page_offset % kPage) + len;
    return std::max<uint32_t>(static_cast<uint32_t>((end + kPage - 1) / kPage), 1);
}

unsigned map_registers_for(uint32_t max_mapping) {
    return (max_mapping + 4095) / 4096 + 1;
}

bool fit_map_registers(std::vector<uint32_t>& layout, uint32_t page_offset, unsigned map_registers) {
    auto pages = [&] {
        uint64_t n = 0;
        for (uint32_t len : layout) n += pages_spanned(page_offset, len);
        return n;
    };
    bool changed = false;
    while (layout.size() > 1 && pages() > map_registers) {
        layout[layout.size() - 2] += layout.back();
        layout.pop_back();
        changed = true;
    }
    return changed;
}

}  // namespace nicsim::tb
