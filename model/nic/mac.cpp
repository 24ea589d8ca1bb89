#include "model/nic/mac.h"

#include <array>

namespace nicsim::nic {

namespace {

constexpr uint32_t kCrcPolyReflected = 0xEDB88320u;  // 0x04C11DB7 bit-reversed

constexpr std::array<uint32_t, 256> make_crc_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ kCrcPolyReflected : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();

unsigned valid_mbps(unsigned mbps) {
    return (mbps == 10 || mbps == 100 || mbps == 1000) ? mbps : 1000;
}

}  // namespace

uint32_t ethernet_crc32(const uint8_t* data, size_t len) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; ++i) c = kCrcTable[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void append_fcs(std::vector<uint8_t>& frame) {
    const uint32_t crc = ethernet_crc32(frame.data(), frame.size());
    for (int i = 0; i < 4; ++i) frame.push_back(static_cast<uint8_t>(crc >> (8 * i)));
}

bool fcs_ok(const uint8_t* data, size_t len) {
    if (len < kFcsBytes) return false;
    const uint32_t crc = ethernet_crc32(data, len - kFcsBytes);
    const uint8_t* f = data + len - kFcsBytes;
    const uint32_t stored = static_cast<uint32_t>(f[0]) | (static_cast<uint32_t>(f[1]) << 8) |
                            (static_cast<uint32_t>(f[2]) << 16) | (static_cast<uint32_t>(f[3]) << 24);
    return crc == stored;
}

uint64_t ns_per_byte(unsigned link_mbps) {
    switch (link_mbps) {
        case 1000:
            return 8;
        case 100:
            return 80;
        case 10:
            return 800;
        default:
            return 0;
    }
}

uint64_t wire_duration_ns(size_t frame_bytes, unsigned link_mbps) {
    return (kPreambleSfdBytes + static_cast<uint64_t>(frame_bytes)) * ns_per_byte(link_mbps);
}

Mac::Mac(WireSink& sink, unsigned link_mbps, bool link_up)
    : m_sink(sink), m_mbps(valid_mbps(link_mbps)), m_link_up(link_up) {
    m_tx_frame.bytes.reserve(kMaxFrameBytes + kFcsBytes);
    m_tx_frame.fcs_included = true;
}

void Mac::reset() {
    m_tx_free_ns = 0;
}

void Mac::set_link_mbps(unsigned link_mbps) {
    m_mbps = valid_mbps(link_mbps);
}

uint64_t Mac::transmit(const uint8_t* data, size_t len, bool insert_fcs, bool pad, uint64_t now_ns) {
    if (!tx_ready(now_ns) || len == 0 || len > kMaxFrameBytes) {
        ++m_stats.tx_refused;
        return 0;
    }
    std::vector<uint8_t>& b = m_tx_frame.bytes;
    b.assign(data, data + len);
    if (pad && len < kMinFrameBytes) {
        b.resize(kMinFrameBytes, 0);
        ++m_stats.tx_padded;
    }
    if (insert_fcs) append_fcs(b);
    // Without IFCS the last four bytes the driver supplied go out as the FCS (right or wrong).
    m_tx_frame.fcs_included = true;
    m_tx_frame.time_ns = now_ns;
    const uint64_t end = now_ns + wire_duration_ns(b.size(), m_mbps);
    m_tx_free_ns = end + kIfgBytes * ns_per_byte(m_mbps);
    ++m_stats.tx_frames;
    m_stats.tx_bytes += b.size();
    m_sink.transmit(m_tx_frame);
    return end;
}

bool Mac::receive(const Frame& frame) {
    if (!m_link_up) {
        ++m_stats.rx_link_down;
        return false;
    }
    const size_t len = frame.bytes.size();
    if (frame.fcs_included && !fcs_ok(frame.bytes.data(), len)) {
        ++m_stats.rx_bad_fcs;
        return false;
    }
    if (len < kMinFrameBytes + (frame.fcs_included ? kFcsBytes : 0u)) {
        ++m_stats.rx_undersize;
        return false;
    }
    if (len > kMaxFrameBytes + (frame.fcs_included ? kFcsBytes : 0u)) {
        ++m_stats.rx_oversize;
        return false;
    }
    ++m_stats.rx_frames;
    m_stats.rx_bytes += len;
    if (m_rx) m_rx(frame);
    return true;
}

}  // namespace nicsim::nic
