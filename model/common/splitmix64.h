// The seeded generator of every random choice in the model and the testbench: splitmix64 (Steele, Lea and Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014), chosen because its sequence is the same on every
// platform and standard library (std distributions are not), so the same seed gives the same run.
#pragma once

#include <cstdint>

namespace nicsim {

/// Advances `state` and returns the next 64-bit value.
inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A uniform double in [0, 1) from the top 53 bits of the next value.
inline double splitmix64_unit(uint64_t& state) {
    return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
}

}  // namespace nicsim
