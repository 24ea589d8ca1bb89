// One bit per physical page over a span of page numbers: which pages the page allocator has handed out. A send takes
// and frees a page or two; a bit set and cleared costs a few instructions where a balanced tree's insert and erase
// cost hundreds, and the searches for the lowest free page or the next used page move a word (64 pages) at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace nicsim::ndis {

class PageBitmap {
  public:
    /// Covers the pages [first, end); pages outside read as clear and are never set.
    PageBitmap(uint64_t first, uint64_t end);

    // Inline: a send tests, sets and clears a page's bit each.
    bool test(uint64_t page) const {
        if (page < m_first || page >= m_end) return false;
        const uint64_t* w = word(page - m_first);
        return w && (*w >> ((page - m_first) % 64) & 1);
    }
    /// Set or clear one bit; false (nothing changed) when it already was so or the page is outside the span.
    bool set(uint64_t page) {
        if (page < m_first || page >= m_end) return false;
        uint64_t* found = word(page - m_first);
        uint64_t& w = found ? *found : *make_word(page - m_first);
        const uint64_t bit = 1ull << ((page - m_first) % 64);
        if (w & bit) return false;
        w |= bit;
        ++m_count;
        return true;
    }
    bool clear(uint64_t page) {
        if (page < m_first || page >= m_end) return false;
        uint64_t* w = word(page - m_first);
        const uint64_t bit = 1ull << ((page - m_first) % 64);
        if (!w || !(*w & bit)) return false;
        *w &= ~bit;
        --m_count;
        return true;
    }
    size_t count() const { return m_count; }

    /// The lowest clear page in [from, end), or `end` when there is none.
    uint64_t first_clear(uint64_t from, uint64_t end) const;
    /// The lowest set page in [from, end), or `end` when there is none.
    uint64_t first_set(uint64_t from, uint64_t end) const;
    /// The highest set page in [from, end), or `end` when there is none.
    uint64_t last_set(uint64_t from, uint64_t end) const;

  private:
    // Words are kept in chunks made on first set: a range of gigabytes costs memory only where pages were used.
    static constexpr uint64_t kChunkWords = 512;  // 32 768 pages (128 MiB) per chunk
    static constexpr uint64_t kChunkPages = kChunkWords * 64;

    /// The word holding bit `index` (relative to m_first), nullptr when its chunk was never made.
    const uint64_t* word(uint64_t index) const {
        const auto& chunk = m_chunks[static_cast<size_t>(index / kChunkPages)];
        return chunk ? &chunk[index % kChunkPages / 64] : nullptr;
    }
    uint64_t* word(uint64_t index) {
        const auto& chunk = m_chunks[static_cast<size_t>(index / kChunkPages)];
        return chunk ? &chunk[index % kChunkPages / 64] : nullptr;
    }
    /// As word(), making its chunk first when there is none.
    [[gnu::noinline]] uint64_t* make_word(uint64_t index);
    /// Bits of the word at `index`'s word, from `index`'s bit on (lower bits cleared), as stored or inverted.
    uint64_t word_bits(uint64_t index, bool inverted) const;
    /// The first index in [from, end) whose bit is set (or, `inverted`, clear); `end` when none.
    uint64_t scan_up(uint64_t from, uint64_t end, bool inverted) const;

    uint64_t m_first;
    uint64_t m_end;
    size_t m_count = 0;
    std::vector<std::unique_ptr<uint64_t[]>> m_chunks;
};

}  // namespace nicsim::ndis
