#include "hostdrv/ndis/page_bitmap.h"

#include <algorithm>

namespace nicsim::ndis {

PageBitmap::PageBitmap(uint64_t first, uint64_t end) : m_first(first), m_end(std::max(first, end)) {
    m_chunks.resize(static_cast<size_t>((m_end - m_first + kChunkPages - 1) / kChunkPages));
}

uint64_t* PageBitmap::make_word(uint64_t index) {
    auto& chunk = m_chunks[static_cast<size_t>(index / kChunkPages)];
    if (!chunk) chunk.reset(new uint64_t[kChunkWords]());
    return &chunk[index % kChunkPages / 64];
}

uint64_t PageBitmap::word_bits(uint64_t index, bool inverted) const {
    const uint64_t* w = word(index);
    const uint64_t bits = w ? *w : 0;
    return (inverted ? ~bits : bits) & (~0ull << (index % 64));
}

uint64_t PageBitmap::scan_up(uint64_t from, uint64_t end, bool inverted) const {
    for (uint64_t i = from; i < end;) {
        if (!inverted && !word(i)) {  // a chunk never made holds no set bit
            i = (i / kChunkPages + 1) * kChunkPages;
            continue;
        }
        if (const uint64_t bits = word_bits(i, inverted)) return std::min(end, i - i % 64 + __builtin_ctzll(bits));
        i = i - i % 64 + 64;
    }
    return end;
}

uint64_t PageBitmap::first_clear(uint64_t from, uint64_t end) const {
    if (from >= end) return end;
    if (from < m_first || from >= m_end) return from;  // outside the span every page is clear
    const uint64_t stop = std::min(end, m_end);
    const uint64_t found = scan_up(from - m_first, stop - m_first, true) + m_first;
    return found < stop ? found : stop;  // stop is end, or m_end: the first page past the span
}

uint64_t PageBitmap::first_set(uint64_t from, uint64_t end) const {
    const uint64_t lo = std::max(from, m_first), hi = std::min(end, m_end);
    if (lo >= hi) return end;
    const uint64_t found = scan_up(lo - m_first, hi - m_first, false) + m_first;
    return found < hi ? found : end;
}

uint64_t PageBitmap::last_set(uint64_t from, uint64_t end) const {
    const uint64_t lo = std::max(from, m_first), hi = std::min(end, m_end);
    if (lo >= hi) return end;
    const uint64_t first = lo - m_first;
    for (uint64_t i = hi - m_first - 1;;) {
        const uint64_t* w = word(i);
        const uint64_t base = w ? i - i % 64 : i / kChunkPages * kChunkPages;  // a missing chunk is skipped whole
        if (w) {
            const uint64_t upto = i % 64 == 63 ? ~0ull : (1ull << (i % 64 + 1)) - 1;
            if (const uint64_t bits = *w & upto) {
                const uint64_t found = base + 63 - __builtin_clzll(bits);
                return found >= first ? found + m_first : end;
            }
        }
        if (base <= first) return end;
        i = base - 1;
    }
}

}  // namespace nicsim::ndis
