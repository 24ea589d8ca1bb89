// The seeded payload both traffic generators (TrafficGen, TrafficHarness::make_frame) write into their frames: the
// splitmix64 numbers, each in little-endian byte order, the last one cut off where the bytes end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nicsim::tb {

/// Writes `len` bytes of splitmix64 numbers from `state` (advanced by one number per 8 bytes or part of them).
void splitmix64_bytes(uint64_t& state, uint8_t* out, size_t len);

}  // namespace nicsim::tb
