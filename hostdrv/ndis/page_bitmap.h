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

    bool test(uint64_t page) const;
    /// Set or clear one bit; false (nothing changed) when it already was so or the page is outside the span.
    bool set(uint64_t page);
    bool clear(uint64_t page);
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
    const uint64_t* word(uint64_t index) const;
    uint64_t* make_word(uint64_t index);
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
