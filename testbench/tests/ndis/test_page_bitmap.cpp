// The page allocator's bitmap of used pages, against a plain ordered set, and the placement decisions on top of it.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <vector>

#include "hostdrv/ndis/page_allocator.h"
#include "hostdrv/ndis/page_bitmap.h"

using nicsim::ndis::PageAllocator;
using nicsim::ndis::PageAllocatorConfig;
using nicsim::ndis::PageBitmap;
using nicsim::ndis::Placement;

namespace {
// What the bitmap's searches answer, computed from an ordered set of the set pages.
uint64_t set_first_clear(const std::set<uint64_t>& s, uint64_t from, uint64_t end) {
    for (uint64_t p = from; p < end; ++p)
        if (!s.count(p)) return p;
    return end;
}
uint64_t set_first_set(const std::set<uint64_t>& s, uint64_t from, uint64_t end) {
    const auto it = s.lower_bound(from);
    return it != s.end() && *it < end ? *it : end;
}
uint64_t set_last_set(const std::set<uint64_t>& s, uint64_t from, uint64_t end) {
    auto it = s.lower_bound(end);
    if (it == s.begin()) return end;
    --it;
    return *it >= from ? *it : end;
}
}  // namespace

TEST_CASE("The page bitmap sets, clears and counts pages, and pages outside its span stay clear", "[ndis][alloc]") {
    PageBitmap b(1000, 1000 + 3 * 32768);  // three chunks
    CHECK(b.set(1000));
    CHECK_FALSE(b.set(1000));
    CHECK(b.set(1000 + 32768 + 63));
    CHECK(b.test(1000 + 32768 + 63));
    CHECK_FALSE(b.test(1000 + 32768 + 62));
    CHECK(b.count() == 2);
    CHECK_FALSE(b.set(999));
    CHECK_FALSE(b.set(1000 + 3 * 32768));
    CHECK_FALSE(b.test(999));
    CHECK(b.clear(1000));
    CHECK_FALSE(b.clear(1000));
    CHECK_FALSE(b.clear(5));
    CHECK(b.count() == 1);
    INFO("a clear page below the span is the first clear page; past the span's end pages are clear again");
    CHECK(b.first_clear(10, 2000) == 10);
    PageBitmap full(0, 4);
    for (uint64_t p = 0; p < 4; ++p) full.set(p);
    CHECK(full.first_clear(0, 10) == 4);
    CHECK(full.first_clear(0, 4) == 4);
    CHECK(full.first_set(2, 10) == 2);
    CHECK(full.last_set(0, 10) == 3);
    CHECK(full.last_set(4, 10) == 10);
}

TEST_CASE("The page bitmap's searches agree with an ordered set across words and chunks", "[ndis][alloc]") {
    const uint64_t first = 4096, end = first + 4 * 32768 + 77;
    PageBitmap b(first, end);
    std::set<uint64_t> s;
    std::mt19937_64 rng(7);
    // Dense clusters (whole words set) and single pages, in three of the five chunks.
    for (uint64_t p = first + 100; p < first + 400; ++p) s.insert(p);
    for (uint64_t p = first + 2 * 32768 - 70; p < first + 2 * 32768 + 70; ++p) s.insert(p);
    for (int i = 0; i < 400; ++i) s.insert(first + rng() % (end - first));
    for (int i = 0; i < 100; ++i) s.erase(first + 100 + rng() % 300);
    for (uint64_t p : s) REQUIRE(b.set(p));
    for (uint64_t p = first + 100; p < first + 400; ++p)
        if (!s.count(p)) CHECK_FALSE(b.test(p));
    CHECK(b.count() == s.size());
    for (int i = 0; i < 3000; ++i) {
        const uint64_t from = first - 50 + rng() % (end - first + 100);
        const uint64_t to = from + rng() % (i % 3 == 0 ? 70000 : 200);
        INFO("[" << from << ", " << to << ")");
        REQUIRE(b.first_clear(from, to) == set_first_clear(s, from, to));
        REQUIRE(b.first_set(from, to) == set_first_set(s, from, to));
        REQUIRE(b.last_set(from, to) == set_last_set(s, from, to));
    }
}

TEST_CASE("Contiguous runs take the lowest hole that fits, or the highest under a limit", "[ndis][alloc]") {
    PageAllocatorConfig c;
    c.low_end = c.low_base + 200 * 4096;
    PageAllocator a(c);
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(100, Placement::Low, PageAllocator::kNoLimit, p));
    // Holes of 1, 2 and 3 pages, at pages 10, 20-21 and 70-72 (a 3-page run first fits at 70).
    for (const size_t i : {10, 20, 21, 70, 71, 72}) a.free_page(p[i]);
    uint64_t run = 0;
    REQUIRE(a.alloc_contiguous(3, Placement::Low, PageAllocator::kNoLimit, run));
    CHECK(run == p[70]);
    REQUIRE(a.alloc_contiguous(2, Placement::Low, PageAllocator::kNoLimit, run));
    CHECK(run == p[20]);
    REQUIRE(a.alloc_contiguous(2, Placement::Low, PageAllocator::kNoLimit, run));
    INFO("no hole of two left below the used pages: the run follows them");
    CHECK(run == p[99] + 4096);
    INFO("High under a 4 GiB limit: the highest run below the limit, past the used pages at the top");
    std::vector<uint64_t> top;
    REQUIRE(a.alloc_pages(1, Placement::High, PageAllocator::k4G, top));
    CHECK(top[0] == c.low_end - 4096);
    REQUIRE(a.alloc_contiguous(2, Placement::High, PageAllocator::k4G, run));
    CHECK(run == c.low_end - 3 * 4096);
    a.free_page(top[0]);
    REQUIRE(a.alloc_contiguous(4, Placement::High, PageAllocator::k4G, run));
    CHECK(run == c.low_end - 7 * 4096);
    CHECK(a.in_use(run + 3 * 4096));
    CHECK_FALSE(a.in_use(c.low_end - 4096));
}

TEST_CASE("A run placed high under a limit never crosses a 4 GiB line", "[ndis][alloc]") {
    PageAllocatorConfig c;
    c.low_base = PageAllocator::k4G - 2 * 4096;  // a low range straddling 4 GiB
    c.low_end = PageAllocator::k4G + 2 * 4096;
    c.high_base = c.high_end = 3 * PageAllocator::k4G;  // no high memory
    PageAllocator a(c);
    uint64_t run = 0;
    REQUIRE(a.alloc_contiguous(2, Placement::High, PageAllocator::kNoLimit, run));
    CHECK(run == PageAllocator::k4G);
    REQUIRE(a.alloc_contiguous(2, Placement::High, PageAllocator::kNoLimit, run));
    CHECK(run == PageAllocator::k4G - 2 * 4096);
    CHECK_FALSE(a.alloc_contiguous(1, Placement::High, PageAllocator::kNoLimit, run));
}
