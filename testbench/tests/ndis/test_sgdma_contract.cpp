// NdisMInitializeScatterGatherDma: one test per sentence of the contract (ndis-contract.md and the DDK page).
#include <catch2/catch.hpp>

#include "testbench/tests/ndis/ndis_rig.h"

using namespace nicsim::test;
using nicsim::ndis::NdisHostConfig;
using nicsim::ndis::Placement;

TEST_CASE("NdisMInitializeScatterGatherDma returns NDIS_STATUS_SUCCESS when resources were reserved", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.max_mapping = 1514;
    const unsigned before = rig.host.map_registers_free();
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("status value is 0x00000000");
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
    CHECK(NDIS_STATUS_SUCCESS == 0x00000000);
    INFO("map registers were reserved and taken from the host's pool");
    CHECK(rig.host.map_registers_reserved() == BYTES_TO_PAGES(1514) + 1);
    CHECK(rig.host.map_registers_free() == before - rig.host.map_registers_reserved());
    CHECK(rig.host.hal().sg_enabled());
}

TEST_CASE("NdisMInitializeScatterGatherDma returns NDIS_STATUS_RESOURCES under resource constraints", "[ndis][sgdma]") {
    NdisHostConfig cfg = rig_config();
    cfg.map_registers_available = 8;  // a 64 KiB mapping needs 17
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.max_mapping = 65536;
    g_script.shared_bytes = 0;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("0xC000009A and nothing reserved");
    CHECK(g_state.sg_status == NDIS_STATUS_RESOURCES);
    CHECK(static_cast<uint32_t>(NDIS_STATUS_RESOURCES) == 0xC000009Au);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.map_registers_free() == 8);
    CHECK_FALSE(rig.host.hal().sg_enabled());
}

TEST_CASE(
    "NdisMInitializeScatterGatherDma returns NDIS_STATUS_NOT_SUPPORTED when the miniport did not register as NDIS 5.0 "
    "or 5.1",
    "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.major = 4;
    g_script.minor = 0;
    const unsigned before = rig.host.map_registers_free();
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("an NDIS 4.0 miniport gets 0xC00000BB and nothing is reserved");
    CHECK(g_state.sg_status == NDIS_STATUS_NOT_SUPPORTED);
    CHECK(static_cast<uint32_t>(NDIS_STATUS_NOT_SUPPORTED) == 0xC00000BBu);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.map_registers_free() == before);
}

TEST_CASE("NDIS 5.0 miniports may use scatter-gather DMA as well as 5.1 ones", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.minor = 0;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("5.0 registered with the 5.0 characteristics length");
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.map_registers_reserved() > 0);
}

TEST_CASE(
    "NdisMInitializeScatterGatherDma returns NDIS_STATUS_NOT_SUPPORTED without NDIS_ATTRIBUTE_BUS_MASTER in "
    "NdisMSetAttributesEx",
    "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.attr_flags = NDIS_ATTRIBUTE_DESERIALIZE;
    g_script.shared_bytes = 0;  // not a bus master: no shared memory either
    const unsigned before = rig.host.map_registers_free();
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("nothing reserved: the call simply returns");
    CHECK(g_state.sg_status == NDIS_STATUS_NOT_SUPPORTED);
    CHECK(NDIS_ATTRIBUTE_BUS_MASTER == 0x00000008);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.map_registers_free() == before);
    INFO("sends then carry no scatter-gather list");
    rig.host.send(pattern(100));
    REQUIRE(g_state.seen.size() == 1);
    CHECK_FALSE(rig.last_seen().present);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE(
    "NdisMInitializeScatterGatherDma returns NDIS_STATUS_NOT_SUPPORTED when NdisMSetAttributes said BusMaster FALSE",
    "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.use_set_attributes_ex = false;
    g_script.attr_flags = 0;
    g_script.shared_bytes = 0;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(g_state.sg_status == NDIS_STATUS_NOT_SUPPORTED);
    CHECK(rig.host.map_registers_reserved() == 0);
    INFO("and with BusMaster TRUE through the same call it succeeds");
    Rig rig2;
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;
    REQUIRE(rig2.start() == NDIS_STATUS_SUCCESS);
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
}

TEST_CASE("NdisMInitializeScatterGatherDma must come after NdisMSetAttributes(Ex)", "[ndis][sgdma]") {
    expect_reports("nicsim/ndis/sgdma-order", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.sg_when = SgWhen::BeforeAttributes;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("the call fails with NDIS_STATUS_FAILURE, reserves nothing and leaves a named violation");
    CHECK(g_state.sg_status == NDIS_STATUS_FAILURE);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.violation_count("sgdma-order") == 1);
    CHECK(reports_seen("nicsim/ndis/sgdma-order") == 1);
    CHECK_THAT(rig.host.violations().front().message, Catch::Contains("before NdisMSetAttributes"));
}

TEST_CASE("NdisMInitializeScatterGatherDma must come before NdisMAllocateSharedMemory", "[ndis][sgdma]") {
    expect_reports("nicsim/ndis/sgdma-order", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.sg_when = SgWhen::AfterSharedMemory;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(g_state.sg_status == NDIS_STATUS_FAILURE);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.violation_count("sgdma-order") == 1);
    CHECK_THAT(rig.host.violations().front().message, Catch::Contains("after NdisMAllocateSharedMemory"));
}

TEST_CASE("NdisMInitializeScatterGatherDma is called from MiniportInitialize", "[ndis][sgdma]") {
    expect_reports("nicsim/ndis/sgdma-outside-initialize", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.sg_when = SgWhen::Never;
    g_script.shared_bytes = 0;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    INFO("a call after MiniportInitialize returned is refused");
    CHECK(NdisMInitializeScatterGatherDma(fake_adapter_handle(), FALSE, 1514) == NDIS_STATUS_FAILURE);
    CHECK(rig.host.violation_count("sgdma-outside-initialize") == 1);
    CHECK(rig.host.map_registers_reserved() == 0);
}

TEST_CASE("Dma64BitAddresses TRUE means the NIC can use 64-bit DMA addresses", "[ndis][sgdma]") {
    NdisHostConfig cfg = rig_config();
    cfg.buffer_placement = Placement::High;
    cfg.shared_placement = Placement::High;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.dma64 = TRUE;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    REQUIRE(g_state.sg_status == NDIS_STATUS_SUCCESS);
    const auto frame = pattern(1000);
    rig.host.send(frame);
    REQUIRE(g_state.seen.size() == 1);
    const SgSeen& s = rig.last_seen();
    REQUIRE(s.present);
    INFO("buffers above 4 GiB reach the device directly, without bouncing");
    for (const auto& e : s.elements) CHECK(static_cast<uint64_t>(e.Address.QuadPart) >= k4G);
    CHECK(rig.host.hal().bounce_pages_in_use() == 0);
    CHECK(gather(rig.plat.mem, s.elements) == frame);
    INFO("shared memory of a 64-bit device may lie above 4 GiB");
    CHECK(static_cast<uint64_t>(g_state.shared_pa.QuadPart) >= k4G);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("Dma64BitAddresses FALSE means 32-bit only and buffers above 4 GiB are bounced below 4 GiB",
          "[ndis][sgdma]") {
    NdisHostConfig cfg = rig_config();
    cfg.buffer_placement = Placement::High;
    cfg.shared_placement = Placement::High;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.dma64 = FALSE;
    g_script.max_mapping = 9018;  // jumbo frames: 4 map registers
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const auto frame = pattern(6000, 9);
    nicsim::ndis::SendLayout layout;
    layout.fragments = {54, 3000};
    layout.page_offset = 300;
    rig.host.send(frame, layout);
    REQUIRE(g_state.seen.size() == 1);
    const SgSeen& s = rig.last_seen();
    REQUIRE(s.present);
    INFO("every element lies below 4 GiB and the device reads exactly the frame's bytes (copied on send)");
    for (const auto& e : s.elements) CHECK(static_cast<uint64_t>(e.Address.QuadPart) + e.Length <= k4G);
    CHECK(gather(rig.plat.mem, s.elements) == frame);
    CHECK(rig.host.hal().bounce_pages_in_use() > 0);
    INFO("shared memory of a 32-bit device lies below 4 GiB even with high placement");
    CHECK(static_cast<uint64_t>(g_state.shared_pa.QuadPart) + g_script.shared_bytes <= k4G);
    fake_complete_all(NDIS_STATUS_SUCCESS);
    INFO("the bounce buffers are released with the list");
    CHECK(rig.host.hal().bounce_pages_in_use() == 0);
    CHECK(rig.host.send_results().back().status == NDIS_STATUS_SUCCESS);
}

TEST_CASE("24-bit DMA addresses are not supported by NdisMInitializeScatterGatherDma", "[ndis][sgdma]") {
    expect_reports("nicsim/ndis/sgdma-address-width", 1);
    SECTION("an address width other than TRUE or FALSE is refused with NOT_SUPPORTED") {
        Rig rig;
        g_script = MiniportScript{};
        g_script.dma64 = 2;  // e.g. a DmaSize constant passed by mistake
        REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
        CHECK(g_state.sg_status == NDIS_STATUS_NOT_SUPPORTED);
        CHECK(rig.host.violation_count("sgdma-address-width") == 1);
        CHECK(rig.host.map_registers_reserved() == 0);
    }
    SECTION("FALSE is 32-bit: buffers above 16 MiB are used in place, never bounced to 24-bit space") {
        NdisHostConfig cfg = rig_config();
        cfg.pages.low_base = 0x4000'0000;  // 1 GiB: far above the 16 MiB a 24-bit device could reach
        Rig rig(cfg);
        g_script = MiniportScript{};
        REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
        rig.host.send(pattern(500));
        REQUIRE(g_state.seen.size() == 1);
        for (const auto& e : rig.last_seen().elements) CHECK(static_cast<uint64_t>(e.Address.QuadPart) >= 0x4000'0000u);
        CHECK(rig.host.hal().bounce_pages_in_use() == 0);
        fake_complete_all(NDIS_STATUS_SUCCESS);
    }
}

TEST_CASE("MaximumPhysicalMapping needs BYTES_TO_PAGES(MaximumPhysicalMapping) + 1 map registers", "[ndis][sgdma]") {
    const ULONG sizes[] = {1, 1514, 4096, 4097, 9018, 32768, 65536};
    for (ULONG size : sizes) {
        Rig rig;
        g_script = MiniportScript{};
        g_script.max_mapping = size;
        REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
        INFO("MaximumPhysicalMapping " << size);
        CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
        CHECK(rig.host.map_registers_reserved() == (size + 4095) / 4096 + 1);
        rig.host.halt();
    }
}

TEST_CASE("MaximumPhysicalMapping with LSO is the largest LSO packet of 32 or 64 KiB", "[ndis][sgdma]") {
    for (ULONG lso : {32768u, 65536u}) {
        Rig rig;
        g_script = MiniportScript{};
        g_script.max_mapping = lso;
        REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
        INFO("LSO size " << lso);
        CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
        nicsim::ndis::SendLayout layout;
        layout.page_offset = 2048;  // misaligned: the packet spans one page more than its size (the "+ 1")
        layout.lso_mss = 1460;
        const auto frame = pattern(lso, 3);
        rig.host.send(frame, layout);
        REQUIRE(g_state.seen.size() == 1);
        const SgSeen& s = rig.last_seen();
        INFO("a whole LSO packet is mapped, and the MSS travels in TcpLargeSendPacketInfo");
        REQUIRE(s.present);
        CHECK(gather(rig.plat.mem, s.elements) == frame);
        CHECK(s.lso_mss == 1460);
        fake_complete_all(NDIS_STATUS_SUCCESS);
        CHECK(rig.host.send_results().back().status == NDIS_STATUS_SUCCESS);
        rig.host.halt();
    }
}

TEST_CASE("A driver that uses NdisMInitializeScatterGatherDma allocates no map registers itself", "[ndis][sgdma]") {
    expect_reports("nicsim/ndis/map-registers-with-sgdma", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.map_registers_too = true;
    const unsigned before = rig.host.map_registers_free();
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
    INFO("NdisMAllocateMapRegisters after the SG setup fails and is named");
    CHECK(g_state.map_status == NDIS_STATUS_FAILURE);
    CHECK(rig.host.violation_count("map-registers-with-sgdma") == 1);
    CHECK(rig.host.map_registers_free() == before - rig.host.map_registers_reserved());
}

TEST_CASE("At send time the driver reads the list from NDIS_PER_PACKET_INFO_FROM_PACKET ScatterGatherListPacketInfo",
          "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.max_mapping = 16384;  // room for four one-page fragments
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(ScatterGatherListPacketInfo == 5);
    const auto frame = pattern(1514);
    nicsim::ndis::SendLayout layout;
    layout.fragments = {14, 20, 20};
    rig.host.send(frame, layout);
    REQUIRE(g_state.seen.size() == 1);
    const SgSeen& s = rig.last_seen();
    INFO("the list is there in MiniportSendPackets and its logical ranges hold the packet");
    REQUIRE(s.present);
    CHECK(s.elements.size() >= 1);
    CHECK(gather(rig.plat.mem, s.elements) == frame);
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

TEST_CASE("The list is released when the send completes with NdisMSendComplete", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.host.send({pattern(600), pattern(700)});
    REQUIRE(g_state.held.size() == 2);
    PNDIS_PACKET p = g_state.held.front();
    CHECK(NDIS_PER_PACKET_INFO_FROM_PACKET(p, ScatterGatherListPacketInfo) != nullptr);
    CHECK(rig.host.hal().lists_in_flight() == 2);
    INFO("completing one packet releases exactly its list");
    g_state.held.erase(g_state.held.begin());
    NdisMSendComplete(fake_adapter_handle(), p, NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().lists_in_flight() == 1);
    fake_complete_all(NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().lists_in_flight() == 0);
    CHECK(rig.host.sends_outstanding() == 0);
    CHECK(rig.host.send_results().size() == 2);
}

TEST_CASE("A send completed before an older one releases its own list and record", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const std::vector<uint64_t> ids = rig.host.send({pattern(600), pattern(700)});
    REQUIRE(g_state.held.size() == 2);
    PNDIS_PACKET older = g_state.held.front();
    PNDIS_PACKET newer = g_state.held.back();
    auto first_element = [](PNDIS_PACKET p) {
        const auto* sg =
            static_cast<const SCATTER_GATHER_LIST*>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, ScatterGatherListPacketInfo));
        REQUIRE(sg);
        REQUIRE(sg->NumberOfElements >= 1);
        return static_cast<uint64_t>(sg->Elements[0].Address.QuadPart);
    };
    const uint64_t older_at = first_element(older), newer_at = first_element(newer);
    g_state.held.pop_back();
    NdisMSendComplete(fake_adapter_handle(), newer, NDIS_STATUS_FAILURE);
    INFO("the newer send's list, DMA window and record are gone, the older one's are still there");
    CHECK(rig.host.hal().lists_in_flight() == 1);
    CHECK(rig.plat.window_at(older_at) != nullptr);
    CHECK(rig.plat.window_at(newer_at) == nullptr);
    CHECK(rig.host.sends_outstanding() == 1);
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].id == ids[1]);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_FAILURE);
    fake_complete_all(NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().lists_in_flight() == 0);
    REQUIRE(rig.host.send_results().size() == 2);
    CHECK(rig.host.send_results()[1].id == ids[0]);
    CHECK(rig.host.send_results()[1].status == NDIS_STATUS_SUCCESS);
}

TEST_CASE("24-bit DMA exists only on the map-register path where NDIS_DMA_24BITS keeps shared memory below 16 MiB",
          "[ndis][sgdma]") {
    NdisHostConfig cfg = rig_config();
    cfg.pages.low_base = 0x10'0000;  // 1 MiB: memory below 16 MiB exists
    cfg.shared_placement = Placement::High;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.sg_when = SgWhen::Never;
    g_script.map_registers_too = true;
    g_script.map_dma_size = NDIS_DMA_24BITS;
    const unsigned before = rig.host.map_registers_free();
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(g_state.map_status == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.map_registers_free() == before - 4);
    INFO("the common buffer of a 24-bit device lies below 16 MiB, as high as allowed");
    REQUIRE(g_state.shared_va != nullptr);
    CHECK(static_cast<uint64_t>(g_state.shared_pa.QuadPart) + g_script.shared_bytes <= 0x100'0000u);
    CHECK(static_cast<uint64_t>(g_state.shared_pa.QuadPart) >= 0x80'0000u);
    rig.host.halt();
    INFO("NdisMFreeMapRegisters in MiniportHalt gives them back");
    CHECK(rig.host.map_registers_free() == before);
}

TEST_CASE("A failed MiniportInitialize gives the reserved map registers back", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.fail_init = true;
    const unsigned before = rig.host.map_registers_free();
    CHECK(rig.start() == NDIS_STATUS_ADAPTER_NOT_FOUND);
    INFO("SG DMA succeeded inside the failed initialize, yet nothing stays reserved");
    CHECK(g_state.sg_status == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.map_registers_reserved() == 0);
    CHECK(rig.host.map_registers_free() == before);
    CHECK_FALSE(rig.host.adapter_running());
}
