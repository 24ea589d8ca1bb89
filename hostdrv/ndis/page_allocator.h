// Physical page allocator: which physical pages the host hands out, as a scenario choice (all low, all high,
// scattered, fragmented). Plain C++, deterministic (seeded generator, a bitmap of the pages in use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "hostdrv/ndis/page_bitmap.h"

namespace nicsim::ndis {

/// Where physical pages come from.
enum class Placement {
    Low,        ///< below 4 GiB, lowest free pages first (consecutive allocations are contiguous)
    High,       ///< at or above 4 GiB (clamped to the highest pages below the limit when the limit is lower)
    Scattered,  ///< random pages from a seeded generator over the low and the high range
    Fragmented  ///< no two consecutively allocated pages physically contiguous
};

const char* placement_name(Placement p);

struct PageAllocatorConfig {
    uint64_t low_base = 0x0100'0000;     ///< first low page (16 MiB: leaves the legacy area alone)
    uint64_t low_end = 0xC000'0000;      ///< end of the low range (the PCI hole starts here)
    uint64_t high_base = 0x1'0000'0000;  ///< first high page (4 GiB)
    uint64_t high_end = 0x2'0000'0000;   ///< end of the high range (8 GiB)
    uint64_t seed = 1;                   ///< seed of the Scattered generator
};

class PageAllocator {
  public:
    static constexpr uint64_t kPage = 4096;
    static constexpr uint64_t k4G = 0x1'0000'0000ull;
    static constexpr uint64_t kNoLimit = ~0ull;

    explicit PageAllocator(const PageAllocatorConfig& cfg = {});

    /// `n` pages placed one by one (not necessarily contiguous), each ending at or below `limit` (exclusive end
    /// address). Appends their physical addresses to `out`; false (nothing allocated, `out` as it was) when they
    /// cannot be found.
    bool alloc_pages(size_t n, Placement p, uint64_t limit, std::vector<uint64_t>& out);
    /// `n` physically contiguous pages ending at or below `limit` that do not cross a 4 GiB boundary.
    bool alloc_contiguous(size_t n, Placement p, uint64_t limit, uint64_t& phys);
    void free_page(uint64_t phys);
    void free_run(uint64_t phys, size_t n);
    bool in_use(uint64_t phys) const { return m_used.test(phys / kPage); }
    size_t pages_in_use() const { return m_used.count(); }
    const PageAllocatorConfig& config() const { return m_cfg; }

  private:
    bool free_run_at(uint64_t first_page, size_t n, uint64_t limit_page) const;
    bool first_fit(uint64_t from_page, uint64_t end_page, size_t n, uint64_t limit_page, uint64_t& page) const;
    bool last_fit(uint64_t from_page, uint64_t end_page, size_t n, uint64_t limit_page, uint64_t& page) const;
    bool pick(size_t n, Placement p, uint64_t limit_page, uint64_t& page);
    void take(uint64_t page, size_t n);
    void release(uint64_t page);

    PageAllocatorConfig m_cfg;
    PageBitmap m_used;  // over the low and the high range: every page ever taken lies in one of them
    std::mt19937_64 m_rng;
    uint64_t m_frag_cursor;  // next candidate page of the Fragmented placement
    // Every page in [low_base, m_low_used_until) is in use: a first-fit search from low_base starts there (a run
    // starting below it would contain a used page), so a full low range costs no walk over its used pages.
    mutable uint64_t m_low_used_until;
};

}  // namespace nicsim::ndis
