// Test data whose bytes differ at every offset, so a stretch of a file lost, repeated or moved shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nicsim::test {

/// `n` bytes from a 64-bit LCG's high bytes, started at `seed`.
inline std::vector<char> byte_pattern(size_t n, uint64_t seed) {
    std::vector<char> v(n);
    uint64_t x = seed;
    for (char& c : v) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        c = static_cast<char>(x >> 56);
    }
    return v;
}

}  // namespace nicsim::test
