#include "hostdrv/ndis/page_allocator.h"

#include <algorithm>

namespace nicsim::ndis {

const char* placement_name(Placement p) {
    switch (p) {
        case Placement::Low:
            return "low";
        case Placement::High:
            return "high";
        case Placement::Scattered:
            return "scattered";
        case Placement::Fragmented:
            return "fragmented";
    }
    return "?";
}

PageAllocator::PageAllocator(const PageAllocatorConfig& cfg)
    : m_cfg(cfg),
      m_used(std::min(cfg.low_base, cfg.high_base) / kPage, std::max(cfg.low_end, cfg.high_end) / kPage),
      m_rng(cfg.seed),
      m_frag_cursor(cfg.low_base / kPage),
      m_low_used_until(cfg.low_base / kPage) {}

bool PageAllocator::free_run_at(uint64_t first_page, size_t n, uint64_t limit_page) const {
    if (first_page + n > limit_page) return false;
    if (n == 1) return !m_used.test(first_page);  // a send's pages are placed one by one
    // A run never crosses a 4 GiB boundary.
    const uint64_t pages_per_4g = k4G / kPage;
    if (first_page / pages_per_4g != (first_page + n - 1) / pages_per_4g) return false;
    return m_used.first_set(first_page, first_page + n) == first_page + n;
}

namespace {
constexpr uint64_t kPagesPer4G = PageAllocator::k4G / PageAllocator::kPage;
bool crosses_4g(uint64_t first_page, size_t n) {
    return first_page / kPagesPer4G != (first_page + n - 1) / kPagesPer4G;
}
}  // namespace

bool PageAllocator::first_fit(uint64_t from, uint64_t end, size_t n, uint64_t limit_page, uint64_t& page) const {
    end = std::min(end, limit_page);
    const uint64_t lo = m_cfg.low_base / kPage;
    const bool from_full_low = from >= lo && from <= m_low_used_until;
    if (from_full_low) from = m_low_used_until;
    if (n == 1) {
        page = m_used.first_clear(from, end);
        if (page >= end) return false;
        if (from_full_low) m_low_used_until = page;  // every page from low_base up to it is used
        return true;
    }
    // The lowest free page on, then the first used page in the run it starts: the run fits, or the next candidate
    // starts past that used page (or at the 4 GiB line the run would cross).
    for (uint64_t p = from; p + n <= end;) {
        p = m_used.first_clear(p, end);
        if (p + n > end) return false;
        if (crosses_4g(p, n)) {
            p = (p / kPagesPer4G + 1) * kPagesPer4G;
            continue;
        }
        const uint64_t used = m_used.first_set(p, p + n);
        if (used == p + n) {
            page = p;
            return true;
        }
        p = used + 1;
    }
    return false;
}

// The highest run: from the top down, each used page (or 4 GiB line) in the way moves the run's end below it.
bool PageAllocator::last_fit(uint64_t from, uint64_t end, size_t n, uint64_t limit_page, uint64_t& page) const {
    end = std::min(end, limit_page);
    if (end < from + n) return false;
    for (uint64_t p = end - n;;) {
        if (crosses_4g(p, n)) {
            const uint64_t line = (p + n - 1) / kPagesPer4G * kPagesPer4G;
            if (line < from + n) return false;
            p = line - n;
            continue;
        }
        const uint64_t used = m_used.last_set(p, p + n);
        if (used == p + n) {
            page = p;
            return true;
        }
        if (used < from + n) return false;
        p = used - n;
    }
}

bool PageAllocator::pick(size_t n, Placement pl, uint64_t limit_page, uint64_t& page) {
    const uint64_t lo = m_cfg.low_base / kPage, lo_end = m_cfg.low_end / kPage;
    const uint64_t hi = m_cfg.high_base / kPage, hi_end = m_cfg.high_end / kPage;
    switch (pl) {
        case Placement::Low:
            return first_fit(lo, lo_end, n, limit_page, page);
        case Placement::High:
            if (first_fit(hi, hi_end, n, limit_page, page)) return true;
            return last_fit(lo, lo_end, n, limit_page, page);  // the limit keeps us low: as high as allowed
        case Placement::Scattered: {
            const uint64_t lo_n = lo_end - lo, hi_n = hi_end - hi;
            for (int attempt = 0; attempt < 64; ++attempt) {
                uint64_t r = m_rng() % (lo_n + hi_n);
                uint64_t p = r < lo_n ? lo + r : hi + (r - lo_n);
                if (free_run_at(p, n, limit_page)) {
                    page = p;
                    return true;
                }
            }
            return first_fit(lo, lo_end, n, limit_page, page) || first_fit(hi, hi_end, n, limit_page, page);
        }
        case Placement::Fragmented: {
            // Leave a hole of one page after every allocation so nothing allocated next to it is contiguous.
            uint64_t start = std::max(m_frag_cursor, lo);
            if (first_fit(start, lo_end, n, limit_page, page) || first_fit(lo, lo_end, n, limit_page, page) ||
                first_fit(hi, hi_end, n, limit_page, page)) {
                m_frag_cursor = page + n + 1;
                return true;
            }
            return false;
        }
    }
    return false;
}

void PageAllocator::take(uint64_t page, size_t n) {
    for (size_t i = 0; i < n; ++i) m_used.set(page + i);
}

void PageAllocator::release(uint64_t page) {
    m_used.clear(page);
    if (page < m_low_used_until && page >= m_cfg.low_base / kPage) m_low_used_until = page;
}

bool PageAllocator::alloc_pages(size_t n, Placement p, uint64_t limit, std::vector<uint64_t>& out) {
    const uint64_t limit_page = limit == kNoLimit ? kNoLimit / kPage : limit / kPage;
    const size_t first = out.size();
    for (size_t i = 0; i < n; ++i) {
        uint64_t page = 0;
        if (!pick(1, p, limit_page, page)) {
            for (size_t j = first; j < out.size(); ++j) release(out[j] / kPage);
            out.resize(first);
            return false;
        }
        take(page, 1);
        out.push_back(page * kPage);
    }
    return true;
}

bool PageAllocator::alloc_contiguous(size_t n, Placement p, uint64_t limit, uint64_t& phys) {
    if (n == 0) return false;
    const uint64_t limit_page = limit == kNoLimit ? kNoLimit / kPage : limit / kPage;
    uint64_t page = 0;
    if (!pick(n, p, limit_page, page)) return false;
    take(page, n);
    phys = page * kPage;
    return true;
}

void PageAllocator::free_page(uint64_t phys) {
    release(phys / kPage);
}

void PageAllocator::free_run(uint64_t phys, size_t n) {
    for (size_t i = 0; i < n; ++i) release(phys / kPage + i);
}

}  // namespace nicsim::ndis
