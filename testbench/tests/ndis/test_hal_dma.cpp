// The HAL underneath: SG lists page by page, merges of contiguous pages, the 4 GiB line, bounces, the
// MaximumPhysicalMapping and map-register limits, DMA windows handed to the device, shared memory placement.
#include <catch2/catch.hpp>

#include "testbench/tests/ndis/ndis_rig.h"

using namespace nicsim::test;
using nicsim::ndis::HalDma;
using nicsim::ndis::NdisHostConfig;
using nicsim::ndis::PageAllocator;
using nicsim::ndis::Placement;
using nicsim::ndis::SendLayout;

namespace {

/// A hand-built packet over memory whose physical pages the test chooses.
struct HandPacket {
    NDIS_HANDLE packet_pool = nullptr, buffer_pool = nullptr;
    PNDIS_PACKET packet = nullptr;
    uint8_t* mem = nullptr;
    size_t pages = 0;
    HandPacket(HalDma& hal, const std::vector<uint64_t>& phys, uint32_t offset, uint32_t length) : pages(phys.size()) {
        NDIS_STATUS st;
        NdisAllocatePacketPool(&st, &packet_pool, 4, 0);
        NdisAllocateBufferPool(&st, &buffer_pool, 4);
        NdisAllocatePacket(&st, &packet, packet_pool);
        mem = static_cast<uint8_t*>(std::aligned_alloc(4096, phys.size() * 4096));
        for (size_t i = 0; i < phys.size() * 4096; ++i) mem[i] = static_cast<uint8_t>(i * 13 + 5);
        hal.register_pages(mem, phys);
        PNDIS_BUFFER b = nullptr;
        NdisAllocateBuffer(&st, &b, buffer_pool, mem + offset, length);
        // No NdisHost here: fill the page frame numbers from this HAL's page table.
        for (size_t i = 0; i < ADDRESS_AND_SIZE_TO_SPAN_PAGES(mem + offset, length); ++i)
            MmGetMdlPfnArray(b)[i] = static_cast<PFN_NUMBER>(hal.page_of(mem + i * 4096));
        NdisChainBufferAtBack(packet, b);
    }
    void release(HalDma& hal) {
        PNDIS_BUFFER b = nullptr;
        NdisUnchainBufferAtFront(packet, &b);
        NdisFreeBuffer(b);
        NdisFreePacket(packet);
        NdisFreeBufferPool(buffer_pool);
        NdisFreePacketPool(packet_pool);
        hal.unregister_pages(mem, pages);
        std::free(mem);
    }
    PSCATTER_GATHER_LIST list() const {
        return static_cast<PSCATTER_GATHER_LIST>(NDIS_PER_PACKET_INFO_FROM_PACKET(packet, ScatterGatherListPacketInfo));
    }
};

}  // namespace

TEST_CASE("SG elements split at every page when the pages are not physically contiguous", "[ndis][hal]") {
    NdisHostConfig cfg = rig_config();
    cfg.buffer_placement = Placement::Fragmented;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.max_mapping = 16384;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    SendLayout layout;
    layout.page_offset = 100;
    const auto frame = pattern(9000);
    rig.host.send(frame, layout);
    REQUIRE(g_state.seen.size() == 1);
    const auto& e = rig.last_seen().elements;
    INFO("9000 bytes at page offset 100 span 3 pages: 3996 + 4096 + 908");
    REQUIRE(e.size() == 3);
    CHECK(e[0].Length == 3996);
    CHECK(e[1].Length == 4096);
    CHECK(e[2].Length == 908);
    CHECK((e[0].Address.QuadPart & 0xFFF) == 100);
    CHECK((e[1].Address.QuadPart & 0xFFF) == 0);
    CHECK(gather(rig.plat.mem, e) == frame);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("SG elements extend across physically contiguous pages and buffers", "[ndis][hal]") {
    Rig rig;  // low placement: consecutive pages are contiguous
    g_script = MiniportScript{};
    g_script.max_mapping = 16384;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const auto frame = pattern(12288);
    SendLayout layout;
    layout.fragments = {4096, 4096};  // three page-sized buffers on consecutive pages
    rig.host.send(frame, layout);
    REQUIRE(g_state.seen.size() == 1);
    const auto& e = rig.last_seen().elements;
    INFO("three buffers on three consecutive physical pages make one element");
    REQUIRE(e.size() == 1);
    CHECK(e[0].Length == 12288);
    CHECK(gather(rig.plat.mem, e) == frame);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("SG elements never cross the 4 GiB line even over contiguous pages", "[ndis][hal]") {
    FakePlatform plat;
    PageAllocator pages;
    HalDma hal(plat, pages, [](const char*, const std::string& m) { FAIL_CHECK(m); });
    hal.enable_sg(true, 65536, 17);
    // Two physically contiguous pages, the first ending exactly at 4 GiB.
    HandPacket hp(hal, {k4G - 4096, k4G}, 1000, 6000);
    REQUIRE(hal.get_sg_list(hp.packet) == NDIS_STATUS_SUCCESS);
    PSCATTER_GATHER_LIST l = hp.list();
    REQUIRE(l);
    INFO("contiguous, but split at 4 GiB");
    REQUIRE(l->NumberOfElements == 2);
    CHECK(static_cast<uint64_t>(l->Elements[0].Address.QuadPart) == k4G - 4096 + 1000);
    CHECK(l->Elements[0].Length == 3096);
    CHECK(static_cast<uint64_t>(l->Elements[1].Address.QuadPart) == k4G);
    CHECK(l->Elements[1].Length == 2904);
    hal.put_sg_list(hp.packet);
    CHECK(hp.list() == nullptr);
    hp.release(hal);
}

TEST_CASE("A 32-bit device gets pages at or above 4 GiB bounced with their data copied on send", "[ndis][hal]") {
    FakePlatform plat;
    PageAllocator pages;
    HalDma hal(plat, pages, [](const char*, const std::string& m) { FAIL_CHECK(m); });
    hal.enable_sg(false, 16384, 5);
    // Page 0 below 4 GiB, pages 1 and 2 above.
    HandPacket hp(hal, {0x200'0000, k4G + 0x10'0000, k4G + 0x30'0000}, 2000, 8000);
    std::vector<uint8_t> expect(hp.mem + 2000, hp.mem + 10000);
    REQUIRE(hal.get_sg_list(hp.packet) == NDIS_STATUS_SUCCESS);
    PSCATTER_GATHER_LIST l = hp.list();
    REQUIRE(l);
    std::vector<SCATTER_GATHER_ELEMENT> elems(l->Elements, l->Elements + l->NumberOfElements);
    INFO("the low page is used in place, the high ones through bounce pages below 4 GiB");
    CHECK(static_cast<uint64_t>(elems[0].Address.QuadPart) == 0x200'0000 + 2000);
    for (const auto& e : elems) CHECK(static_cast<uint64_t>(e.Address.QuadPart) + e.Length <= k4G);
    CHECK(hal.bounce_pages_in_use() == 2);
    CHECK(gather(plat.mem, elems) == expect);
    INFO("the statistics count the bytes copied: all of page 1 and the 1808 bytes used of page 2");
    CHECK(hal.stats().sg_lists == 1);
    CHECK(hal.stats().bounced_lists == 1);
    CHECK(hal.stats().bounce_bytes == 4096 + 1808);
    CHECK(hal.stats().sg_elements == l->NumberOfElements);
    INFO("each element is handed to the device read-only while in flight");
    for (const auto& e : elems) {
        const DmaWindow* w = plat.window_at(static_cast<uint64_t>(e.Address.QuadPart));
        REQUIRE(w);
        CHECK_FALSE(w->write);
    }
    hal.put_sg_list(hp.packet);
    INFO("completion revokes the elements and frees the bounce pages");
    CHECK(plat.windows.empty());
    CHECK(hal.bounce_pages_in_use() == 0);
    hp.release(hal);
}

TEST_CASE("A packet longer than MaximumPhysicalMapping is refused with NDIS_STATUS_INVALID_LENGTH", "[ndis][hal]") {
    expect_reports("nicsim/ndis/sg-too-long", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.max_mapping = 1514;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const uint64_t id = rig.host.send(pattern(1515));
    INFO("the miniport never sees it, the protocol gets the status, nothing stays mapped");
    CHECK(g_state.seen.empty());
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].id == id);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_INVALID_LENGTH);
    INFO("take_send_results hands the results over and forgets them");
    CHECK(rig.host.take_send_results().size() == 1);
    CHECK(rig.host.send_results().empty());
    CHECK(rig.host.violation_count("sg-too-long") == 1);
    CHECK(rig.host.hal().lists_in_flight() == 0);
    INFO("1514 bytes still go");
    rig.host.send(pattern(1514));
    CHECK(g_state.seen.size() == 1);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("A transfer needing more map registers than were granted fails with NDIS_STATUS_RESOURCES", "[ndis][hal]") {
    expect_reports("nicsim/ndis/sg-map-registers", 1);
    NdisHostConfig cfg = rig_config();
    cfg.map_registers = 4;  // fewer granted than the 17 a 64 KiB mapping asks for
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.max_mapping = 65536;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("initialization succeeds with the smaller grant");
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.map_registers_reserved() == 4);
    rig.host.send(pattern(4 * 4096));  // 4 pages: fits
    CHECK(g_state.seen.size() == 1);
    SendLayout layout;
    layout.page_offset = 1;  // the same 16 KiB now spans 5 pages
    rig.host.send(pattern(4 * 4096), layout);
    CHECK(g_state.seen.size() == 1);
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_RESOURCES);
    CHECK(rig.host.violation_count("sg-map-registers") == 1);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("Several small fragments each on their own page can need more map registers than one frame", "[ndis][hal]") {
    expect_reports("nicsim/ndis/sg-map-registers", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.max_mapping = 1514;  // 2 map registers
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    SendLayout layout;
    layout.fragments = {14, 20, 20};  // four buffers, four pages
    rig.host.send(pattern(1514), layout);
    INFO("the HAL counts the pages each buffer spans, as GetScatterGatherList does");
    CHECK(g_state.seen.empty());
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_RESOURCES);
}

TEST_CASE("Each SG element is device read-only while in flight and revoked at completion", "[ndis][hal]") {
    NdisHostConfig cfg = rig_config();
    cfg.buffer_placement = Placement::Fragmented;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.max_mapping = 9018;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const size_t before = rig.plat.windows.size();  // shared memory
    rig.host.send(pattern(5000));
    const auto& e = rig.last_seen().elements;
    REQUIRE(e.size() == 2);
    CHECK(rig.plat.windows.size() == before + 2);
    for (const auto& el : e) {
        const DmaWindow* w = rig.plat.window_at(static_cast<uint64_t>(el.Address.QuadPart));
        REQUIRE(w);
        CHECK_FALSE(w->write);
        CHECK(w->len == el.Length);
    }
    fake_complete_all(NDIS_STATUS_SUCCESS);
    INFO("only the shared memory stays allowed");
    CHECK(rig.plat.windows.size() == before);
    for (const auto& el : e) CHECK(rig.plat.window_at(static_cast<uint64_t>(el.Address.QuadPart)) == nullptr);
}

TEST_CASE("Shared memory lies below the device limit and never crosses a 4 GiB boundary", "[ndis][hal]") {
    for (Placement p : {Placement::Low, Placement::High, Placement::Scattered, Placement::Fragmented}) {
        for (BOOLEAN dma64 : {FALSE, TRUE}) {
            NdisHostConfig cfg = rig_config();
            cfg.shared_placement = p;
            Rig rig(cfg);
            g_script = MiniportScript{};
            g_script.dma64 = dma64;
            g_script.shared_bytes = 3 * 4096 + 10;
            REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
            INFO("placement " << nicsim::ndis::placement_name(p) << " 64-bit " << int(dma64));
            REQUIRE(g_state.shared_va != nullptr);
            const uint64_t pa = static_cast<uint64_t>(g_state.shared_pa.QuadPart);
            const uint64_t end = pa + g_script.shared_bytes - 1;
            CHECK(pa % 4096 == 0);
            CHECK(pa / k4G == end / k4G);
            if (!dma64) CHECK(end < k4G);
            rig.host.halt();
        }
    }
}

TEST_CASE("Shared memory is device read-write until freed and the device sees the driver's bytes", "[ndis][hal]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.shared_bytes = 8192;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const uint64_t pa = static_cast<uint64_t>(g_state.shared_pa.QuadPart);
    const DmaWindow* w = rig.plat.window_at(pa);
    REQUIRE(w);
    CHECK(w->write);
    CHECK(w->len == 8192);
    INFO("bytes the driver writes through its virtual address are the bytes at the physical address");
    auto* va = static_cast<uint8_t*>(g_state.shared_va);
    va[0] = 0xA5;
    va[8191] = 0x5A;
    CHECK(rig.plat.mem.bytes(pa, 1)[0] == 0xA5);
    CHECK(rig.plat.mem.bytes(pa + 8191, 1)[0] == 0x5A);
    const uint8_t dev = 0x77;
    rig.plat.mem.write(pa + 100, &dev, 1);
    CHECK(va[100] == 0x77);
    rig.host.halt();  // the miniport frees it in MiniportHalt
    CHECK(rig.plat.window_at(pa) == nullptr);
    CHECK(rig.host.hal().shared_allocations() == 0);
    CHECK_FALSE(rig.host.pages().in_use(pa));
}

TEST_CASE("Freeing shared memory with arguments that do not match an allocation is a named violation", "[ndis][hal]") {
    expect_reports("nicsim/ndis/shared-memory-free", 1);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NDIS_PHYSICAL_ADDRESS wrong = g_state.shared_pa;
    wrong.QuadPart += 4096;
    NdisMFreeSharedMemory(fake_adapter_handle(), g_script.shared_bytes, FALSE, g_state.shared_va, wrong);
    CHECK(rig.host.violation_count("shared-memory-free") == 1);
    INFO("nothing was freed");
    CHECK(rig.host.hal().shared_allocations() == 1);
}
