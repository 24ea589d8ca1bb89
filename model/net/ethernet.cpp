#include "model/net/ethernet.h"

#include <array>

#include "model/common/le_bytes.h"

#if NICSIM_HAVE_LIBDEFLATE_CRC
#include <libdeflate.h>
#endif

namespace nicsim::net {

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

// Slicing by eight: table k gives the CRC of a byte followed by k zero bytes, so eight bytes take eight look-ups and
// no serial dependency between them (the same CRC as the byte-wise loop).
constexpr std::array<std::array<uint32_t, 256>, 8> make_crc_slices() {
    std::array<std::array<uint32_t, 256>, 8> t{};
    t[0] = make_crc_table();
    for (unsigned k = 1; k < 8; ++k)
        for (uint32_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
    return t;
}
constexpr std::array<std::array<uint32_t, 256>, 8> kCrcSlices = make_crc_slices();

}  // namespace

uint32_t ethernet_crc32(const uint8_t* data, size_t len) {
#if NICSIM_HAVE_LIBDEFLATE_CRC
    return libdeflate_crc32(0, data, len);  // 0 is the empty input's CRC: the library does the inversions
#else
    return ethernet_crc32_sliced(data, len);
#endif
}

bool ethernet_crc32_from_libdeflate() {
    return NICSIM_HAVE_LIBDEFLATE_CRC != 0;
}

uint32_t ethernet_crc32_sliced(const uint8_t* data, size_t len) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        const uint64_t w = load_le64(data + i) ^ c;
        const uint32_t lo = static_cast<uint32_t>(w), hi = static_cast<uint32_t>(w >> 32);
        c = kCrcSlices[7][lo & 0xFFu] ^ kCrcSlices[6][(lo >> 8) & 0xFFu] ^ kCrcSlices[5][(lo >> 16) & 0xFFu] ^
            kCrcSlices[4][lo >> 24] ^ kCrcSlices[3][hi & 0xFFu] ^ kCrcSlices[2][(hi >> 8) & 0xFFu] ^
            kCrcSlices[1][(hi >> 16) & 0xFFu] ^ kCrcSlices[0][hi >> 24];
    }
    for (; i < len; ++i) c = kCrcTable[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
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

}  // namespace nicsim::net
