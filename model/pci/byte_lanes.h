// AD byte lanes and the bytes they carry: lane i of a data phase is the byte at the phase's address + i.
#pragma once

#include <cstdint>
#include <cstring>

namespace nicsim::pci {

/// The value of AD whose byte lane i carries p[i], for n <= 8 lanes. The 4- and 8-lane data phases of a burst take
/// one load on a little-endian host instead of a loop per byte.
inline uint64_t lanes_from_bytes(const uint8_t* p, unsigned n) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        if (n == 8) {
            uint64_t v;
            std::memcpy(&v, p, 8);
            return v;
        }
        if (n == 4) {
            uint32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
    }
    uint64_t v = 0;
    for (unsigned b = 0; b < n; ++b) v |= static_cast<uint64_t>(p[b]) << (8 * b);
    return v;
}

/// Stores byte lanes 0..n-1 of `ad` to p[0..n), for n <= 8 (the inverse of lanes_from_bytes).
inline void bytes_from_lanes(uint8_t* p, uint64_t ad, unsigned n) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        if (n == 8) {
            std::memcpy(p, &ad, 8);
            return;
        }
        if (n == 4) {
            const uint32_t v = static_cast<uint32_t>(ad);
            std::memcpy(p, &v, 4);
            return;
        }
    }
    for (unsigned b = 0; b < n; ++b) p[b] = static_cast<uint8_t>(ad >> (8 * b));
}

}  // namespace nicsim::pci
