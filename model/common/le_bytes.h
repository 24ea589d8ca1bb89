// Eight bytes in little-endian order (descriptors, the FCS's CRC steps, the traffic generators' payload words): one
// load or store on a little-endian host, byte by byte elsewhere.
#pragma once

#include <cstdint>
#include <cstring>

namespace nicsim {

inline uint64_t load_le64(const uint8_t* p) {
    uint64_t v = 0;
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        std::memcpy(&v, p, 8);
    } else {
        for (int b = 7; b >= 0; --b) v = (v << 8) | p[b];
    }
    return v;
}

inline void store_le64(uint8_t* p, uint64_t v) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        std::memcpy(p, &v, 8);
    } else {
        for (int b = 0; b < 8; ++b) p[b] = static_cast<uint8_t>(v >> (8 * b));
    }
}

}  // namespace nicsim
