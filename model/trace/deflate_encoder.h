// A deflate encoder (RFC 1951) made for the FST's value changes of a wide signal with X/Z bits: the library stores
// each such change as one character per bit ("zzzz...0110..."), and on a 64-bit bus driven by a 32-bit NIC that is
// nearly all of the bytes packed. A general-purpose deflate looks for matches at every byte; this one looks only
// where eight bytes repeat: at the distance of the last match, as a run, or where an 8-byte hash points, and counts
// and writes eight '0'/'1' characters as one table entry. On the bus's AD it does about 9 instructions per byte where
// libdeflate's fastest level did 24, and the FST is 15 % smaller (docs/performance.md). Any input gives a valid stream;
// inputs unlike these chains only pack worse.
#pragma once

#include <cstddef>

namespace nicsim {

/// Packs `n` bytes at `in` into `out` as one raw deflate stream (a single block with Huffman codes of its own);
/// returns the stream's length, or 0 when it would need more than `room` bytes. Uses scratch memory of the calling
/// thread, kept for its next call.
size_t deflate_value_changes(const unsigned char* in, size_t n, unsigned char* out, size_t room);

}  // namespace nicsim
