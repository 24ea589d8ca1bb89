// The seeded payload both traffic generators (TrafficGen, TrafficHarness::make_frame) write into their frames: the
// splitmix64 numbers, each in little-endian byte order, the last one cut off where the bytes end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nicsim::tb {

/// Writes `len` bytes of splitmix64 numbers from `state` (advanced by one number per 8 bytes or part of them).
void splitmix64_bytes(uint64_t& state, uint8_t* out, size_t len);
/// The same bytes from the portable vector code, whatever the CPU has (splitmix64_bytes takes AVX2 where there is
/// one): for the tests, which check both.
void splitmix64_bytes_portable(uint64_t& state, uint8_t* out, size_t len);

}  // namespace nicsim::tb
