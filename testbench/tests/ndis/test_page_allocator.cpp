// Physical page placement scenarios and the memory NDIS hands out on top of them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "hostdrv/ndis/recycling_allocator.h"
#include "testbench/tests/ndis/ndis_rig.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define NICSIM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define NICSIM_TEST_ASAN 1
#endif
#endif

namespace {
/// Whether ASan would report an access to `p` (false without ASan, where nothing is poisoned).
bool address_is_poisoned(const void* p) {
#ifdef NICSIM_TEST_ASAN
    return __asan_address_is_poisoned(p) != 0;
#else
    (void)p;
    return false;
#endif
}
}  // namespace

using namespace nicsim::test;
using nicsim::ndis::NdisHostConfig;
using nicsim::ndis::PageAllocator;
using nicsim::ndis::PageAllocatorConfig;
using nicsim::ndis::Placement;

TEST_CASE("Low placement gives pages below 4 GiB and consecutive pages contiguous", "[ndis][alloc]") {
    PageAllocator a;
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(8, Placement::Low, PageAllocator::kNoLimit, p));
    for (size_t i = 0; i < p.size(); ++i) {
        INFO("page " << i);
        CHECK(p[i] < k4G);
        CHECK(p[i] >= a.config().low_base);
        if (i) CHECK(p[i] == p[i - 1] + 4096);
    }
    CHECK(a.pages_in_use() == 8);
}

TEST_CASE("High placement gives pages at or above 4 GiB unless the limit is lower", "[ndis][alloc]") {
    PageAllocator a;
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(4, Placement::High, PageAllocator::kNoLimit, p));
    for (uint64_t x : p) CHECK(x >= k4G);
    INFO("with a 4 GiB limit the pages are the highest below it");
    uint64_t run = 0;
    REQUIRE(a.alloc_contiguous(2, Placement::High, k4G, run));
    CHECK(run + 2 * 4096 <= k4G);
    CHECK(run + 2 * 4096 == a.config().low_end);
}

TEST_CASE("Scattered placement is reproducible from its seed and uses low and high pages", "[ndis][alloc]") {
    PageAllocatorConfig c;
    c.seed = 42;
    PageAllocator a(c), b(c);
    std::vector<uint64_t> pa, pb;
    REQUIRE(a.alloc_pages(64, Placement::Scattered, PageAllocator::kNoLimit, pa));
    REQUIRE(b.alloc_pages(64, Placement::Scattered, PageAllocator::kNoLimit, pb));
    INFO("same seed, same pages");
    CHECK(pa == pb);
    size_t low = 0, high = 0;
    for (uint64_t x : pa) (x < k4G ? low : high)++;
    CHECK(low > 0);
    CHECK(high > 0);
    INFO("no page handed out twice");
    CHECK(std::set<uint64_t>(pa.begin(), pa.end()).size() == pa.size());
    c.seed = 43;
    PageAllocator d(c);
    std::vector<uint64_t> pd;
    REQUIRE(d.alloc_pages(64, Placement::Scattered, PageAllocator::kNoLimit, pd));
    CHECK(pd != pa);
}

namespace {
/// Scattered single pages as the placement defines them: up to 64 draws of the seeded generator over the low and
/// high ranges, a draw taken when its page is below the limit and free; else the lowest free page, low range first.
struct ScatteredReference {
    PageAllocatorConfig c;
    std::mt19937_64 rng;
    std::set<uint64_t> used;
    explicit ScatteredReference(const PageAllocatorConfig& cfg) : c(cfg), rng(cfg.seed) {}
    bool free_below(uint64_t page, uint64_t limit_page) const { return page + 1 <= limit_page && !used.count(page); }
    bool pick(uint64_t limit_page, uint64_t& page) {
        const uint64_t lo = c.low_base / 4096, lo_n = c.low_end / 4096 - lo;
        const uint64_t hi = c.high_base / 4096, hi_n = c.high_end / 4096 - hi;
        for (int attempt = 0; attempt < 64; ++attempt) {
            const uint64_t r = rng() % (lo_n + hi_n);
            page = r < lo_n ? lo + r : hi + (r - lo_n);
            if (free_below(page, limit_page)) return true;
        }
        for (uint64_t p = lo; p < lo + lo_n; ++p)
            if ((page = p, free_below(p, limit_page))) return true;
        for (uint64_t p = hi; p < hi + hi_n; ++p)
            if ((page = p, free_below(p, limit_page))) return true;
        return false;
    }
};
}  // namespace

TEST_CASE("Scattered single pages are the draws the placement defines, over free and used pages and a limit",
          "[ndis][alloc]") {
    // Small ranges, so that draws often hit used pages or pages past the limit and the fallback runs too.
    PageAllocatorConfig c;
    c.low_base = 0x0100'0000;
    c.low_end = c.low_base + 48 * 4096;
    c.high_base = k4G;
    c.high_end = k4G + 16 * 4096;
    c.seed = 7;
    PageAllocator a(c);
    ScatteredReference ref(c);
    const uint64_t limit = c.low_base + 40 * 4096;  // the last 8 low pages and the high range are out of reach
    std::vector<uint64_t> got, held;
    for (int round = 0; round < 400; ++round) {
        got.clear();
        const bool ok = a.alloc_pages(1, Placement::Scattered, limit, got);
        uint64_t page = 0;
        const bool want = ref.pick(limit / 4096, page);
        REQUIRE(ok == want);
        if (!ok) break;
        REQUIRE(got.size() == 1);
        REQUIRE(got[0] == page * 4096);
        ref.used.insert(page);
        held.push_back(got[0]);
        if (round % 3 == 2) {  // free one page in three: holes among the used pages
            const uint64_t phys = held[static_cast<size_t>(round) % held.size()];
            a.free_page(phys);
            ref.used.erase(phys / 4096);
            held.erase(std::find(held.begin(), held.end(), phys));
        }
    }
    CHECK(a.pages_in_use() == ref.used.size());
}

TEST_CASE("Fragmented placement never gives two consecutive pages that are contiguous", "[ndis][alloc]") {
    PageAllocator a;
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(32, Placement::Fragmented, PageAllocator::kNoLimit, p));
    std::vector<uint64_t> q;
    REQUIRE(a.alloc_pages(8, Placement::Fragmented, PageAllocator::kNoLimit, q));
    p.insert(p.end(), q.begin(), q.end());
    for (size_t i = 1; i < p.size(); ++i) {
        INFO("pages " << i - 1 << " and " << i);
        CHECK(p[i] != p[i - 1] + 4096);
        CHECK(p[i] + 4096 != p[i - 1]);
    }
}

TEST_CASE("Contiguous runs never cross a 4 GiB boundary", "[ndis][alloc]") {
    PageAllocatorConfig c;
    c.low_base = k4G - 3 * 4096;  // a range straddling 4 GiB
    c.low_end = k4G + 8 * 4096;
    PageAllocator a(c);
    uint64_t run = 0;
    REQUIRE(a.alloc_contiguous(4, Placement::Low, PageAllocator::kNoLimit, run));
    INFO("a 4-page run cannot start 3 pages below 4 GiB");
    CHECK(run == k4G);
    uint64_t small = 0;
    REQUIRE(a.alloc_contiguous(3, Placement::Low, PageAllocator::kNoLimit, small));
    CHECK(small == k4G - 3 * 4096);
    CHECK(small + 3 * 4096 <= k4G);
}

TEST_CASE("Freed pages are handed out again and exhaustion is reported as failure", "[ndis][alloc]") {
    PageAllocatorConfig c;
    c.low_end = c.low_base + 4 * 4096;
    c.high_end = c.high_base;  // no high memory
    PageAllocator a(c);
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(4, Placement::Low, PageAllocator::kNoLimit, p));
    std::vector<uint64_t> more;
    CHECK_FALSE(a.alloc_pages(1, Placement::Low, PageAllocator::kNoLimit, more));
    CHECK(more.empty());
    a.free_page(p[2]);
    REQUIRE(a.alloc_pages(1, Placement::Low, PageAllocator::kNoLimit, more));
    CHECK(more[0] == p[2]);
}

TEST_CASE("Single pages fill the lowest holes first, in the low and in the high range", "[ndis][alloc]") {
    PageAllocator a;
    for (const Placement pl : {Placement::Low, Placement::High}) {
        INFO(nicsim::ndis::placement_name(pl));
        std::vector<uint64_t> p;
        REQUIRE(a.alloc_pages(10, pl, PageAllocator::kNoLimit, p));
        for (const size_t i : {7, 3, 4, 0}) a.free_page(p[i]);
        std::vector<uint64_t> again;
        REQUIRE(a.alloc_pages(5, pl, PageAllocator::kNoLimit, again));
        CHECK(again == std::vector<uint64_t>{p[0], p[3], p[4], p[7], p[9] + 4096});
    }
}

TEST_CASE("Packet buffers follow the host's placement and are mapped so DMA sees the driver's bytes", "[ndis][alloc]") {
    for (Placement p : {Placement::Low, Placement::High, Placement::Scattered, Placement::Fragmented}) {
        NdisHostConfig cfg = rig_config();
        cfg.buffer_placement = p;
        Rig rig(cfg);
        g_script = MiniportScript{};
        g_script.dma64 = TRUE;
        g_script.max_mapping = 65536;
        REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
        const auto frame = pattern(20000, 77);
        rig.host.send(frame);
        INFO("placement " << nicsim::ndis::placement_name(p));
        REQUIRE(g_state.seen.size() == 1);
        const auto& e = rig.last_seen().elements;
        CHECK(gather(rig.plat.mem, e) == frame);
        if (p == Placement::Low) {
            CHECK(e.size() == 1);
            CHECK(static_cast<uint64_t>(e[0].Address.QuadPart) < k4G);
        }
        if (p == Placement::High)
            for (const auto& el : e) CHECK(static_cast<uint64_t>(el.Address.QuadPart) >= k4G);
        if (p == Placement::Fragmented) CHECK(e.size() == 5);
        fake_complete_all(NDIS_STATUS_SUCCESS);
        INFO("after completion the buffer pages are unmapped and free");
        for (const auto& el : e) CHECK_FALSE(rig.host.pages().in_use(static_cast<uint64_t>(el.Address.QuadPart)));
        rig.host.halt();
    }
}

TEST_CASE("NdisAllocateMemory honours HighestAcceptableAddress and backs the memory with physical pages",
          "[ndis][alloc]") {
    NdisHostConfig cfg = rig_config();
    cfg.buffer_placement = Placement::High;
    Rig rig(cfg);
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS highest;
    highest.QuadPart = static_cast<LONGLONG>(k4G - 1);
    REQUIRE(NdisAllocateMemory(&va, 10000, NDIS_MEMORY_CONTIGUOUS, highest) == NDIS_STATUS_SUCCESS);
    REQUIRE(va != nullptr);
    const uint64_t page = rig.host.hal().page_of(va);
    REQUIRE(page != NICSIM_PFN_UNKNOWN);
    INFO("below the highest acceptable address, physically contiguous");
    CHECK(page * 4096 + 3 * 4096 <= k4G);
    CHECK(rig.host.hal().page_of(static_cast<uint8_t*>(va) + 8192) == page + 2);
    static_cast<uint8_t*>(va)[5000] = 0x3C;
    CHECK(rig.plat.mem.bytes(page * 4096 + 5000, 1)[0] == 0x3C);
    NdisFreeMemory(va, 10000, NDIS_MEMORY_CONTIGUOUS);
    CHECK(rig.host.allocations_live() == 0);
    CHECK_FALSE(rig.host.pages().in_use(page * 4096));
    PVOID tagged = nullptr;
    REQUIRE(NdisAllocateMemoryWithTag(&tagged, 64, 0x4E697354u) == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().page_of(tagged) * 4096 >= k4G);
    NdisFreeMemory(tagged, 64, 0);
}

TEST_CASE("A failed page allocation leaves the caller's list and the used pages as they were", "[ndis][alloc]") {
    PageAllocatorConfig cfg;
    cfg.low_end = cfg.low_base + 4 * 4096;  // four low pages in all
    PageAllocator a(cfg);
    std::vector<uint64_t> p;
    REQUIRE(a.alloc_pages(1, Placement::Low, PageAllocator::kNoLimit, p));
    CHECK_FALSE(a.alloc_pages(4, Placement::Low, k4G, p));
    CHECK(p.size() == 1);
    CHECK(a.pages_in_use() == 1);
    REQUIRE(a.alloc_pages(3, Placement::Low, k4G, p));
    CHECK(p.size() == 4);
    CHECK(a.pages_in_use() == 4);
}

TEST_CASE("A recycling allocator hands freed nodes out again and its containers stay independent", "[ndis][alloc]") {
    using Set = std::set<uint64_t, std::less<uint64_t>, nicsim::ndis::RecyclingAllocator<uint64_t>>;
    Set s;
    s.insert(1);
    const uint64_t* first = &*s.find(1);
    s.erase(1);
    if (Set::allocator_type::kRecycles) {
        s.insert(2);
        INFO("the node of 1 holds 2 now");
        CHECK(&*s.find(2) == first);
    } else {
        INFO("under ASan the freed node goes back to the heap, where a use after free is reported");
        CHECK(address_is_poisoned(first));
        s.insert(2);
    }
    Set copy = s;
    copy.insert(3);
    s.erase(2);
    CHECK(s.empty());
    CHECK(copy == Set{2, 3});
    Set moved = std::move(copy);
    moved.erase(2);
    CHECK(moved == Set{3});
}

TEST_CASE("Parked pages are unknown to page_of and register again in place", "[ndis][alloc]") {
    Rig rig(rig_config());
    nicsim::ndis::HalDma& hal = rig.host.hal();
    auto* va = static_cast<uint8_t*>(std::aligned_alloc(4096, 2 * 4096));
    REQUIRE(va);
    const uint64_t first[2] = {0x0200'0000, 0x0200'3000};
    hal.register_pages(va, first, 2);
    CHECK(hal.page_of(va) == 0x0200'0000 / 4096);
    CHECK(hal.page_of(va + 4096) == 0x0200'3000 / 4096);
    hal.park_pages(va, 2);
    CHECK(hal.page_of(va) == NICSIM_PFN_UNKNOWN);
    CHECK(hal.page_of(va + 4096) == NICSIM_PFN_UNKNOWN);
    const uint64_t second[2] = {0x0300'0000, 0x0300'1000};
    hal.register_pages(va, second, 2);
    CHECK(hal.page_of(va) == 0x0300'0000 / 4096);
    va[4096 + 7] = 0x5A;
    CHECK(hal.page_of(va + 4096) == 0x0300'1000 / 4096);
    CHECK(rig.plat.mem.bytes(0x0300'1000 + 7, 1)[0] == 0x5A);
    hal.unregister_pages(va, 2);
    CHECK(hal.page_of(va) == NICSIM_PFN_UNKNOWN);
    std::free(va);
}
