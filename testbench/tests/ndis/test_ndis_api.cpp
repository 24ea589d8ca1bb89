// The rest of the NDIS library: registration, configuration space and resources, register and port cycles,
// interrupts, time, locks, packets and buffers, indications, requests, resets, timers.
#include <catch2/catch.hpp>

#include "testbench/tests/ndis/ndis_rig.h"

using namespace nicsim::test;
using nicsim::ndis::NdisHostConfig;

namespace {

NDIS_STATUS register_with(UCHAR major, UCHAR minor, UINT length, bool with_reset) {
    NDIS_HANDLE wrapper = nullptr;
    NdisMInitializeWrapper(&wrapper, nicsim::ndis::NdisHost::current(), nullptr, nullptr);
    NDIS_MINIPORT_CHARACTERISTICS c;
    NdisZeroMemory(&c, sizeof c);
    c.MajorNdisVersion = major;
    c.MinorNdisVersion = minor;
    c.InitializeHandler = [](PNDIS_STATUS, PUINT, PNDIS_MEDIUM, UINT, NDIS_HANDLE, NDIS_HANDLE) -> NDIS_STATUS {
        return NDIS_STATUS_FAILURE;
    };
    c.HaltHandler = [](NDIS_HANDLE) {};
    c.QueryInformationHandler = [](NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG, PULONG) -> NDIS_STATUS {
        return NDIS_STATUS_SUCCESS;
    };
    c.SetInformationHandler = c.QueryInformationHandler;
    if (with_reset) c.ResetHandler = [](PBOOLEAN, NDIS_HANDLE) -> NDIS_STATUS { return NDIS_STATUS_SUCCESS; };
    c.SendPacketsHandler = [](NDIS_HANDLE, PPNDIS_PACKET, UINT) {};
    return NdisMRegisterMiniport(wrapper, &c, length);
}

}  // namespace

TEST_CASE("NdisMRegisterMiniport checks the NDIS version the characteristics length and the required handlers",
          "[ndis][api]") {
    expect_reports("nicsim/ndis/register-miniport", 3);
    Rig rig;
    CHECK(register_with(6, 0, sizeof(NDIS_MINIPORT_CHARACTERISTICS), true) == NDIS_STATUS_BAD_VERSION);
    CHECK(register_with(5, 1, sizeof(NDIS50_MINIPORT_CHARACTERISTICS), true) == NDIS_STATUS_BAD_CHARACTERISTICS);
    CHECK(register_with(5, 1, sizeof(NDIS_MINIPORT_CHARACTERISTICS), false) == NDIS_STATUS_BAD_CHARACTERISTICS);
    CHECK_FALSE(rig.host.miniport_registered());
    INFO("a complete 5.1 registration succeeds");
    CHECK(register_with(5, 1, sizeof(NDIS_MINIPORT_CHARACTERISTICS), true) == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.miniport_registered());
    CHECK(rig.host.violation_count("register-miniport") == 3);
}

TEST_CASE("NdisMQueryAdapterResources reports the BARs and interrupt probed through configuration cycles",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NDIS_RESOURCE_LIST* r = g_state.resources;
    REQUIRE(r);
    REQUIRE(r->Count == 3);
    INFO("BAR0: 128 KiB of memory where the PnP step placed it; BAR2: 8 I/O ports; INTA# on line 11");
    CHECK(r->PartialDescriptors[0].Type == CmResourceTypeMemory);
    CHECK(static_cast<uint64_t>(r->PartialDescriptors[0].u.Memory.Start.QuadPart) == rig.plat.bar0());
    CHECK(r->PartialDescriptors[0].u.Memory.Length == FakePlatform::kBar0Size);
    CHECK(r->PartialDescriptors[1].Type == CmResourceTypePort);
    CHECK(r->PartialDescriptors[1].Flags == CM_RESOURCE_PORT_IO);
    CHECK(static_cast<uint32_t>(r->PartialDescriptors[1].u.Port.Start.QuadPart) == rig.plat.bar2());
    CHECK(r->PartialDescriptors[1].u.Port.Length == FakePlatform::kBar2Size);
    CHECK(r->PartialDescriptors[2].Type == CmResourceTypeInterrupt);
    CHECK(r->PartialDescriptors[2].u.Interrupt.Vector == 11);
    INFO("the sizes came from writing all ones to the BARs in config cycles");
    bool sized = false;
    for (const Cycle& c : rig.plat.cycles) sized |= c.kind == 'C' && c.addr == 0x10 && c.value == 0xFFFFFFFFu;
    CHECK(sized);
    CHECK(rig.plat.bar0() == 0xF0000000u);
    CHECK((rig.plat.command() & (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_IO_SPACE | PCI_ENABLE_BUS_MASTER)) == 7);
    INFO("a too small buffer gets NDIS_STATUS_RESOURCES and the size needed");
    UINT size = 8;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    NdisMQueryAdapterResources(&st, fake_adapter_handle(), r, &size);
    CHECK(st == NDIS_STATUS_RESOURCES);
    CHECK(size == g_state.resource_buf.size());
}

TEST_CASE("NdisReadPciSlotInformation and NdisWritePciSlotInformation are configuration cycles", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    PCI_COMMON_CONFIG cfg;
    NdisZeroMemory(&cfg, sizeof cfg);
    const size_t reads_before = rig.plat.count('c');
    CHECK(NdisReadPciSlotInformation(fake_adapter_handle(), 0, 0, &cfg, PCI_COMMON_HDR_LENGTH) == 64);
    CHECK(cfg.VendorID == 0x8086);
    CHECK(cfg.DeviceID == 0x100E);
    CHECK(cfg.BaseClass == 0x02);
    CHECK(cfg.u.type0.InterruptPin == 1);
    CHECK(cfg.u.type0.BaseAddresses[0] == rig.plat.bar0());
    INFO("64 bytes took 16 dword cycles");
    CHECK(rig.plat.count('c') - reads_before == 16);
    UCHAR latency = 0x40;
    CHECK(NdisWritePciSlotInformation(fake_adapter_handle(), 0, 0x0D, &latency, 1) == 1);
    UCHAR back = 0;
    NdisReadPciSlotInformation(fake_adapter_handle(), 0, 0x0D, &back, 1);
    CHECK(back == 0x40);
    CHECK(rig.plat.cycles.back().size == 1);
}

TEST_CASE("Register access through NdisMMapIoSpace addresses becomes memory cycles on the device", "[ndis][api]") {
    expect_reports("nicsim/ndis/register-unmapped", 1);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    auto* regs = static_cast<PUCHAR>(g_state.regs);
    REQUIRE(regs);
    NdisWriteRegisterUlong(reinterpret_cast<PULONG>(regs + 0x400), 0x0000000Au);
    CHECK(rig.plat.cycles.back().kind == 'M');
    CHECK(rig.plat.cycles.back().addr == rig.plat.bar0() + 0x400);
    CHECK(rig.plat.regs[0x400] == 0xA);
    ULONG v = 0;
    NdisReadRegisterUlong(reinterpret_cast<PULONG>(regs + 0x400), &v);
    CHECK(v == 0xA);
    NdisWriteRegisterUshort(reinterpret_cast<PUSHORT>(regs + 0x402), 0xBEEF);
    USHORT s = 0;
    NdisReadRegisterUshort(reinterpret_cast<PUSHORT>(regs + 0x402), &s);
    CHECK(s == 0xBEEF);
    UCHAR c = 0;
    NdisReadRegisterUchar(regs + 0x400, &c);
    CHECK(c == 0x0A);
    CHECK(rig.plat.cycles.back().size == 1);
    INFO("an address NdisMMapIoSpace did not return is a named violation and reads all ones");
    ULONG stray = 0;
    NdisReadRegisterUlong(reinterpret_cast<PULONG>(regs + FakePlatform::kBar0Size + 4096 * 64), &stray);
    CHECK(stray == 0xFFFFFFFFu);
    CHECK(rig.host.violation_count("register-unmapped") == 1);
}

TEST_CASE("Port access inside NdisMRegisterIoPortRange ranges becomes I/O cycles", "[ndis][api]") {
    expect_reports("nicsim/ndis/port-unregistered", 1);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    PVOID base = nullptr;
    const UINT port = rig.plat.bar2();
    REQUIRE(NdisMRegisterIoPortRange(&base, fake_adapter_handle(), port, 8) == NDIS_STATUS_SUCCESS);
    const ULONG_PTR p = reinterpret_cast<ULONG_PTR>(base);
    NdisRawWritePortUlong(p, 0x0008);  // IOADDR = STATUS
    rig.plat.regs[0x0008] = 0x80080783u;
    ULONG v = 0;
    NdisRawReadPortUlong(p + 4, &v);
    CHECK(v == 0x80080783u);
    CHECK(rig.plat.cycles.back().kind == 'i');
    CHECK(rig.plat.cycles.back().addr == port + 4);
    INFO("outside the range: violation, all ones, no cycle");
    const size_t cycles = rig.plat.cycles.size();
    UCHAR b = 0;
    NdisRawReadPortUchar(p + 8, &b);
    CHECK(b == 0xFF);
    CHECK(rig.plat.cycles.size() == cycles);
    CHECK(rig.host.violation_count("port-unregistered") == 1);
    NdisMDeregisterIoPortRange(fake_adapter_handle(), port, 8, base);
}

TEST_CASE("MiniportISR runs when INTA# is asserted and MiniportHandleInterrupt runs after it when asked",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.plat.raise(0x80);  // RXT0
    INFO("ISR read ICR (clearing INTA#) and queued the DPC");
    CHECK(g_state.isr_calls == 1);
    CHECK(g_state.last_icr == 0x80);
    CHECK(g_state.dpc_calls == 1);
    CHECK_FALSE(rig.plat.inta());
    CHECK(rig.host.isr_count() == 1);
    INFO("when the ISR does not ask for it, no DPC");
    g_script.queue_dpc = false;
    rig.plat.raise(0x04);
    CHECK(g_state.isr_calls == 2);
    CHECK(g_state.dpc_calls == 1);
    INFO("after NdisMDeregisterInterrupt the ISR is not called");
    NdisMDeregisterInterrupt(&g_state.intr);
    g_state.intr.InterruptObject = nullptr;
    rig.plat.raise(0x01);
    CHECK(g_state.isr_calls == 2);
    CHECK(rig.plat.isr == nullptr);
}

TEST_CASE("NdisStallExecution and NdisMSleep let simulated time pass on the platform", "[ndis][api]") {
    Rig rig;
    const uint64_t t0 = rig.plat.now_ns();
    NdisStallExecution(50);
    CHECK(rig.plat.now_ns() - t0 == 50'000);
    NdisMSleep(2000);
    CHECK(rig.plat.now_ns() - t0 == 2'050'000);
    LARGE_INTEGER t;
    NdisGetCurrentSystemTime(&t);
    CHECK(t.QuadPart == static_cast<LONGLONG>(rig.plat.now_ns() / 100));
}

TEST_CASE("Spin locks: acquiring a held lock or releasing a free one is a named violation", "[ndis][api]") {
    expect_reports("nicsim/ndis/spinlock-", 2);
    Rig rig;
    NDIS_SPIN_LOCK lock;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    KIRQL old;  // the Dpr variants are for code already at DISPATCH_LEVEL
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
    KeLowerIrql(old);
    CHECK(old == PASSIVE_LEVEL);
    CHECK(rig.host.violations().empty());
    NdisAcquireSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    CHECK(rig.host.violation_count("spinlock-recursion") == 1);
    NdisReleaseSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    CHECK(rig.host.violation_count("spinlock-not-held") == 1);
    NdisFreeSpinLock(&lock);
    LONG n = 5;
    CHECK(NdisInterlockedIncrement(&n) == 6);
    CHECK(NdisInterlockedDecrement(&n) == 5);
}

TEST_CASE("Packets chain buffers at the front and back and NdisQueryPacket counts them", "[ndis][api]") {
    Rig rig;
    NDIS_STATUS st;
    NDIS_HANDLE pp = nullptr, bp = nullptr;
    NdisAllocatePacketPool(&st, &pp, 1, 8);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    NdisAllocateBufferPool(&st, &bp, 2);
    PNDIS_PACKET pkt = nullptr, second = nullptr;
    NdisAllocatePacket(&st, &pkt, pp);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("the pool holds one descriptor");
    NdisAllocatePacket(&st, &second, pp);
    CHECK(st == NDIS_STATUS_RESOURCES);
    CHECK(second == nullptr);
    PVOID mem = nullptr;
    NDIS_PHYSICAL_ADDRESS any;
    any.QuadPart = -1;
    REQUIRE(NdisAllocateMemory(&mem, 8192, 0, any) == NDIS_STATUS_SUCCESS);
    PNDIS_BUFFER a = nullptr, b = nullptr;
    NdisAllocateBuffer(&st, &a, bp, static_cast<PUCHAR>(mem) + 4000, 200);  // spans two pages
    NdisAllocateBuffer(&st, &b, bp, mem, 14);
    NdisChainBufferAtBack(pkt, a);
    NdisChainBufferAtFront(pkt, b);
    UINT phys = 0, count = 0, total = 0;
    PNDIS_BUFFER first = nullptr;
    NdisQueryPacket(pkt, &phys, &count, &first, &total);
    CHECK(count == 2);
    CHECK(total == 214);
    CHECK(phys == 3);
    CHECK(first == b);
    PVOID va = nullptr;
    UINT len = 0;
    NdisQueryBufferSafe(a, &va, &len, HighPagePriority);
    CHECK(va == static_cast<PUCHAR>(mem) + 4000);
    CHECK(len == 200);
    INFO("the MDL knows the physical pages behind the buffer");
    CHECK(MmGetMdlPfnArray(a)[0] == rig.host.hal().page_of(mem));
    CHECK(MmGetMdlPfnArray(a)[1] == rig.host.hal().page_of(static_cast<PUCHAR>(mem) + 4096));
    PNDIS_BUFFER next = nullptr;
    NdisGetNextBuffer(b, &next);
    CHECK(next == a);
    PNDIS_BUFFER u = nullptr;
    NdisUnchainBufferAtFront(pkt, &u);
    CHECK(u == b);
    NdisQueryPacket(pkt, nullptr, &count, nullptr, &total);
    CHECK(count == 1);
    CHECK(total == 200);
    NdisUnchainBufferAtFront(pkt, &u);
    NdisFreeBuffer(u);
    NdisFreeBuffer(b);
    NdisFreePacket(pkt);
    NdisFreeBufferPool(bp);
    NdisFreePacketPool(pp);
    NdisFreeMemory(mem, 8192, 0);
}

namespace {
NDIS_HANDLE g_rx_pool, g_rx_bufpool;
PNDIS_PACKET g_rx[2];
PVOID g_rx_mem;
NDIS_STATUS g_rx_status = NDIS_STATUS_SUCCESS;

void make_rx_packets() {
    NDIS_STATUS st;
    NdisAllocatePacketPool(&st, &g_rx_pool, 2, 16);
    NdisAllocateBufferPool(&st, &g_rx_bufpool, 2);
    NDIS_PHYSICAL_ADDRESS any;
    any.QuadPart = -1;
    NdisAllocateMemory(&g_rx_mem, 4096, 0, any);
    for (int i = 0; i < 2; ++i) {
        NdisAllocatePacket(&st, &g_rx[i], g_rx_pool);
        PNDIS_BUFFER b = nullptr;
        auto* data = static_cast<PUCHAR>(g_rx_mem) + i * 2048;
        for (int k = 0; k < 60; ++k) data[k] = static_cast<UCHAR>(i * 100 + k);
        NdisAllocateBuffer(&st, &b, g_rx_bufpool, data, 60);
        NdisChainBufferAtBack(g_rx[i], b);
        NDIS_SET_PACKET_HEADER_SIZE(g_rx[i], 14);
    }
}

void free_rx_packets() {
    for (PNDIS_PACKET p : g_rx) {
        PNDIS_BUFFER b = nullptr;
        NdisUnchainBufferAtFront(p, &b);
        NdisFreeBuffer(b);
        NdisFreePacket(p);
    }
    NdisFreeBufferPool(g_rx_bufpool);
    NdisFreePacketPool(g_rx_pool);
    NdisFreeMemory(g_rx_mem, 4096, 0);
}

void indicate_from_dpc() {
    for (PNDIS_PACKET p : g_rx) NDIS_SET_PACKET_STATUS(p, g_rx_status);
    NdisMIndicateReceivePacket(fake_adapter_handle(), g_rx, 2);
}
}  // namespace

TEST_CASE("NdisMIndicateReceivePacket copies the packets up and they come back through MiniportReturnPacket",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.dpc_hook = indicate_from_dpc;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    make_rx_packets();
    g_rx_status = NDIS_STATUS_SUCCESS;
    rig.plat.raise(0x80);
    REQUIRE(rig.host.received().size() == 2);
    CHECK(rig.host.received()[0].via_packet);
    CHECK(rig.host.received()[0].bytes.size() == 60);
    CHECK(rig.host.received()[1].bytes[5] == 105);
    INFO("returned after the DPC, never from inside the indication");
    CHECK(g_state.returns == 2);
    INFO("with NDIS_STATUS_RESOURCES the protocol copies and the miniport keeps the packets");
    g_rx_status = NDIS_STATUS_RESOURCES;
    rig.plat.raise(0x80);
    CHECK(rig.host.received().size() == 4);
    CHECK(rig.host.received()[3].packet_status == NDIS_STATUS_RESOURCES);
    CHECK(g_state.returns == 2);
    INFO("take_received hands the frames over and forgets them, so long runs stay flat");
    const std::vector<nicsim::ndis::ReceivedFrame> taken = rig.host.take_received();
    CHECK(taken.size() == 4);
    CHECK(taken[1].bytes[5] == 105);
    CHECK(rig.host.received().empty());
    free_rx_packets();
}

TEST_CASE("A protocol that holds received packets returns them later", "[ndis][api]") {
    NdisHostConfig cfg = rig_config();
    cfg.hold_received_packets = true;
    Rig rig(cfg);
    g_script = MiniportScript{};
    g_script.dpc_hook = indicate_from_dpc;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    make_rx_packets();
    g_rx_status = NDIS_STATUS_SUCCESS;
    rig.plat.raise(0x80);
    CHECK(rig.host.received_packets_held() == 2);
    CHECK(g_state.returns == 0);
    rig.host.return_received_packets();
    CHECK(g_state.returns == 2);
    free_rx_packets();
}

TEST_CASE("NdisMEthIndicateReceive and NdisMIndicateStatus reach the protocol side", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    UCHAR header[14] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 0x08, 0x06};
    UCHAR look[46] = {0};
    look[0] = 0x42;
    NdisMEthIndicateReceive(fake_adapter_handle(), nullptr, header, 14, look, 46, 46);
    NdisMEthIndicateReceiveComplete(fake_adapter_handle());
    REQUIRE(rig.host.received().size() == 1);
    CHECK_FALSE(rig.host.received()[0].via_packet);
    CHECK(rig.host.received()[0].bytes.size() == 60);
    CHECK(rig.host.received()[0].bytes[14] == 0x42);
    CHECK(rig.host.receive_complete_count() == 1);
    NdisMIndicateStatus(fake_adapter_handle(), NDIS_STATUS_MEDIA_CONNECT, nullptr, 0);
    NdisMIndicateStatusComplete(fake_adapter_handle());
    REQUIRE(rig.host.status_indications().size() == 1);
    CHECK(rig.host.status_indications()[0].status == NDIS_STATUS_MEDIA_CONNECT);
    CHECK(rig.host.status_complete_count() == 1);
}

namespace {

/// A received frame a miniport indicates with a partial lookahead: 14 header bytes, then byte i of the data is i.
UCHAR g_rx_frame[14 + 300];
NDIS_STATUS g_transfer_status = NDIS_STATUS_SUCCESS;
PNDIS_PACKET g_transfer_packet = nullptr;
UINT g_transfer_offset = 0, g_transfer_count = 0;

/// MiniportTransferData: copies the data from ByteOffset into the protocol's packet (unless it is to pend or fail).
NDIS_STATUS NTAPI transfer_data(PNDIS_PACKET packet, PUINT transferred, NDIS_HANDLE, NDIS_HANDLE context, UINT offset,
                                UINT count) {
    CHECK(context == g_rx_frame);
    g_transfer_packet = packet;
    g_transfer_offset = offset;
    g_transfer_count = count;
    *transferred = 0;
    if (g_transfer_status != NDIS_STATUS_SUCCESS) return g_transfer_status;
    PNDIS_BUFFER buf = nullptr;
    NdisQueryPacket(packet, nullptr, nullptr, &buf, nullptr);
    PVOID va = nullptr;
    UINT size = 0;
    NdisQueryBufferSafe(buf, &va, &size, NormalPagePriority);
    REQUIRE(size >= count);
    NdisMoveMemory(va, g_rx_frame + 14 + offset, count);
    *transferred = count;
    return NDIS_STATUS_SUCCESS;
}

void indicate_partial(UINT lookahead) {
    NdisMEthIndicateReceive(fake_adapter_handle(), g_rx_frame, g_rx_frame, 14, g_rx_frame + 14, lookahead, 300);
    NdisMEthIndicateReceiveComplete(fake_adapter_handle());
}

}  // namespace

TEST_CASE("A partial lookahead is completed through MiniportTransferData, at once or pended", "[ndis][api]") {
    for (unsigned i = 0; i < sizeof g_rx_frame; ++i) g_rx_frame[i] = static_cast<UCHAR>(i < 14 ? 0xA0 + i : i - 14);
    Rig rig;
    g_script = MiniportScript{};
    g_script.transfer_data = transfer_data;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    std::vector<uint8_t> whole(g_rx_frame, g_rx_frame + sizeof g_rx_frame);

    g_transfer_status = NDIS_STATUS_SUCCESS;
    indicate_partial(64);
    INFO("the protocol asked for the 236 bytes after the 64 of the lookahead");
    CHECK(g_transfer_offset == 64);
    CHECK(g_transfer_count == 236);
    REQUIRE(rig.host.received().size() == 1);
    CHECK(rig.host.received()[0].bytes == whole);

    g_transfer_status = NDIS_STATUS_PENDING;
    indicate_partial(100);
    CHECK(rig.host.received().size() == 1);
    PVOID va = nullptr;
    UINT size = 0;
    PNDIS_BUFFER buf = nullptr;
    NdisQueryPacket(g_transfer_packet, nullptr, nullptr, &buf, nullptr);
    NdisQueryBufferSafe(buf, &va, &size, NormalPagePriority);
    REQUIRE(size == 200);
    NdisMoveMemory(va, g_rx_frame + 14 + 100, 200);
    NdisMTransferDataComplete(fake_adapter_handle(), g_transfer_packet, NDIS_STATUS_SUCCESS, 200);
    REQUIRE(rig.host.received().size() == 2);
    CHECK(rig.host.received()[1].bytes == whole);

    INFO("a failed transfer drops the frame, and is counted");
    g_transfer_status = NDIS_STATUS_FAILURE;
    indicate_partial(64);
    CHECK(rig.host.received().size() == 2);
    CHECK(rig.host.transfers_failed() == 1);
    CHECK(rig.host.violations().empty());

    INFO("a completion for a packet nobody pends is a violation");
    expect_reports("nicsim/ndis/transfer-complete-unexpected", 1);
    NdisMTransferDataComplete(fake_adapter_handle(), g_transfer_packet, NDIS_STATUS_SUCCESS, 200);
    CHECK(rig.host.violations().size() == 1);
}

TEST_CASE("A partial lookahead from a miniport without MiniportTransferData is a violation", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    expect_reports("nicsim/ndis/no-transfer-data-handler", 1);
    indicate_partial(64);
    REQUIRE(rig.host.received().size() == 1);
    CHECK(rig.host.received()[0].bytes.size() == 14 + 64);
    REQUIRE(rig.host.violations().size() == 1);
    CHECK(rig.host.violations()[0].type == "nicsim/ndis/no-transfer-data-handler");
    CHECK_THAT(rig.host.violations()[0].message,
               Catch::Contains("64 of 300 bytes by a miniport without MiniportTransferData"));
}

TEST_CASE("OID requests reach MiniportQueryInformation and pending ones finish with NdisMQueryInformationComplete",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    auto r = rig.host.query_oid(OID_GEN_MAXIMUM_FRAME_SIZE, 4);
    CHECK(r.status == NDIS_STATUS_SUCCESS);
    CHECK(r.bytes_done == 4);
    CHECK(r.data[0] == 0xDC);  // 1500 little-endian
    CHECK(r.data[1] == 0x05);
    auto small = rig.host.query_oid(OID_GEN_MAXIMUM_FRAME_SIZE, 2);
    CHECK(small.status == NDIS_STATUS_INVALID_LENGTH);
    CHECK(small.bytes_needed == 4);
    CHECK(rig.host.query_oid(OID_GEN_LINK_SPEED, 4).status == NDIS_STATUS_INVALID_OID);
    INFO("a pending query waits in simulated time for the completion");
    g_script.query_status = NDIS_STATUS_PENDING;
    g_script.timer_hook = [] { NdisMQueryInformationComplete(fake_adapter_handle(), NDIS_STATUS_SUCCESS); };
    NdisMSetTimer(&g_state.timer, 2);
    const uint64_t t0 = rig.plat.now_ns();
    auto pend = rig.host.query_oid(OID_GEN_MAXIMUM_FRAME_SIZE, 4);
    CHECK(pend.status == NDIS_STATUS_SUCCESS);
    CHECK(rig.plat.now_ns() - t0 >= 2'000'000);
    std::vector<uint8_t> filter = {NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, 0, 0, 0};
    auto set = rig.host.set_oid(OID_GEN_CURRENT_PACKET_FILTER, filter);
    CHECK(set.status == NDIS_STATUS_SUCCESS);
    CHECK(set.bytes_done == 4);
}

TEST_CASE("A pending MiniportReset finishes with NdisMResetComplete", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.reset_status = NDIS_STATUS_PENDING;
    g_script.timer_hook = [] { NdisMResetComplete(fake_adapter_handle(), NDIS_STATUS_SUCCESS, TRUE); };
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NdisMSetTimer(&g_state.timer, 1);
    bool addressing = false;
    CHECK(rig.host.reset(&addressing) == NDIS_STATUS_SUCCESS);
    CHECK(addressing);
    CHECK(g_state.resets == 1);
}

TEST_CASE("Miniport timers fire after their delay in simulated time and periodic ones repeat", "[ndis][api]") {
    static unsigned fired;
    fired = 0;
    Rig rig;
    g_script = MiniportScript{};
    g_script.timer_hook = [] { ++fired; };
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NdisMSetTimer(&g_state.timer, 5);
    rig.host.run_for_ns(4'999'999);
    CHECK(fired == 0);
    rig.host.run_for_ns(1);
    CHECK(fired == 1);
    NdisMSetPeriodicTimer(&g_state.timer, 1);
    rig.host.run_for_ns(3'000'000);
    CHECK(fired == 4);
    BOOLEAN cancelled = FALSE;
    NdisMCancelTimer(&g_state.timer, &cancelled);
    CHECK(cancelled);
    rig.host.run_for_ns(3'000'000);
    CHECK(fired == 4);
}

TEST_CASE("run_until_work_ns returns after the DPC that completed a send, else when its timeout passed",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    // The first DPC finds nothing sent yet; every later one completes what is held.
    g_script.dpc_hook = [] {
        if (g_state.dpc_calls > 1) fake_complete_all(NDIS_STATUS_SUCCESS);
    };
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const uint64_t t0 = rig.plat.now_ns();
    rig.plat.raise_at(t0 + 10'000, 0x01);  // an interrupt with nothing to complete: the wait goes on
    rig.plat.raise_at(t0 + 30'000, 0x01);  // the one after the send
    rig.host.send(pattern(60));
    REQUIRE(rig.host.sends_outstanding() == 1);
    rig.host.run_until_work_ns(100'000);
    CHECK(rig.plat.now_ns() - t0 == 30'000);
    CHECK(g_state.dpc_calls == 2);
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_SUCCESS);
    INFO("results already there do not end the next wait: only new ones do");
    rig.host.run_until_work_ns(50'000);
    CHECK(rig.plat.now_ns() - t0 == 80'000);
    INFO("run_for_ns does not return early");
    rig.plat.raise_at(t0 + 90'000, 0x01);
    rig.host.send(pattern(60));
    rig.host.run_for_ns(40'000);
    CHECK(rig.plat.now_ns() - t0 == 120'000);
    CHECK(rig.host.send_results().size() == 2);
}

TEST_CASE("A serialized miniport completes sends through the packet status and RESOURCES requeues them",
          "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;  // serialized
    g_script.serialized_status = NDIS_STATUS_SUCCESS;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.host.send(pattern(100));
    REQUIRE(rig.host.send_results().size() == 1);
    CHECK(rig.host.send_results()[0].status == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().lists_in_flight() == 0);
    INFO("RESOURCES: NDIS keeps the packet and sends it again after NdisMSendResourcesAvailable");
    g_script.serialized_status = NDIS_STATUS_RESOURCES;
    rig.host.send(pattern(100));
    CHECK(rig.host.send_results().size() == 1);
    CHECK(rig.host.sends_outstanding() == 1);
    g_script.serialized_status = NDIS_STATUS_SUCCESS;
    NdisMSendResourcesAvailable(fake_adapter_handle());
    CHECK(g_state.seen.size() == 3);
    REQUIRE(rig.host.send_results().size() == 2);
    CHECK(rig.host.send_results()[1].status == NDIS_STATUS_SUCCESS);
}

TEST_CASE("Completing a packet that is not an outstanding send is a named violation", "[ndis][api]") {
    expect_reports("nicsim/ndis/send-complete-unknown", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.complete_in_send = true;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.host.send(pattern(64));
    REQUIRE(rig.host.send_results().size() == 1);
    PNDIS_PACKET stale = reinterpret_cast<PNDIS_PACKET>(&rig);
    NdisMSendComplete(fake_adapter_handle(), stale, NDIS_STATUS_SUCCESS);
    CHECK(rig.host.violation_count("send-complete-unknown") == 1);
    CHECK(rig.host.send_results().size() == 1);
}

TEST_CASE("Halting an adapter that still holds shared memory is a named leak", "[ndis][api]") {
    expect_reports("nicsim/ndis/leak-shared-memory", 1);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa;
    NdisMAllocateSharedMemory(fake_adapter_handle(), 4096, FALSE, &va, &pa);
    REQUIRE(va);
    rig.host.halt();
    CHECK(rig.host.violation_count("leak-shared-memory") == 1);
    CHECK(rig.host.map_registers_reserved() == 0);
}

TEST_CASE("Violations become SystemC warnings named nicsim/ndis/<what> when the sink routes them", "[ndis][api]") {
    expect_reports("nicsim/ndis/sgdma-outside-initialize", 1);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NdisMInitializeScatterGatherDma(fake_adapter_handle(), FALSE, 1514);
    CHECK(reports_seen("nicsim/ndis/sgdma-outside-initialize") == 1);
    REQUIRE(rig.host.violations().size() == 1);
    CHECK(rig.host.violations()[0].type == "nicsim/ndis/sgdma-outside-initialize");
}

TEST_CASE("MiniportSend gets the scatter-gather list in ScatterGatherListPacketInfo too", "[ndis][sgdma]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.use_send_handler = true;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    const auto frame = pattern(1000);
    rig.host.send({frame, frame});
    INFO("one MiniportSend call per packet, each with its list");
    REQUIRE(g_state.seen.size() == 2);
    for (const SgSeen& s : g_state.seen) {
        REQUIRE(s.present);
        CHECK(gather(rig.plat.mem, s.elements) == frame);
    }
    fake_complete_all(NDIS_STATUS_SUCCESS);
    CHECK(rig.host.hal().lists_in_flight() == 0);
    CHECK(rig.host.send_results().size() == 2);
}

TEST_CASE("MiniportHandleInterrupt waits while the CPU is at DISPATCH_LEVEL under a spin lock", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NDIS_SPIN_LOCK lock;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    rig.plat.raise(0x01);
    INFO("the ISR preempts, the DPC is queued");
    CHECK(g_state.isr_calls == 1);
    CHECK(g_state.dpc_calls == 0);
    CHECK(rig.host.dpc_pending());
    NdisReleaseSpinLock(&lock);
    INFO("releasing the lock lowers the IRQL and the DPC runs");
    CHECK(g_state.dpc_calls == 1);
    CHECK_FALSE(rig.host.dpc_pending());
    NdisFreeSpinLock(&lock);
}

TEST_CASE("MiniportCheckForHang runs every CheckForHangTimeInSeconds and a hang resets the adapter", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.hang_seconds = 1;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.host.run_for_ns(3'500'000'000ull);
    CHECK(rig.host.hang_checks() == 3);
    CHECK(g_state.resets == 0);
    g_script.hung = true;
    rig.host.run_for_ns(1'000'000'000ull);
    CHECK(rig.host.hang_checks() == 4);
    CHECK(rig.host.hang_resets() == 1);
    CHECK(g_state.resets == 1);
}

TEST_CASE("NDIS functions given NULL or foreign pointers neither crash nor touch memory and name the misuse",
          "[ndis][api]") {
    expect_reports("nicsim/ndis/", 12);
    Rig rig;
    g_script = MiniportScript{};
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    NDIS_HANDLE h = fake_adapter_handle();
    int foreign = 0;
    NDIS_PHYSICAL_ADDRESS pa;
    pa.QuadPart = 0x1234000;
    NdisMFreeSharedMemory(h, 4096, FALSE, &foreign, pa);
    NdisFreeMemory(&foreign, 16, 0);
    NdisMUnmapIoSpace(h, &foreign, 16);
    NdisMDeregisterInterrupt(nullptr);
    NdisMSendComplete(h, nullptr, NDIS_STATUS_SUCCESS);
    NdisMIndicateReceivePacket(h, nullptr, 5);
    PNDIS_PACKET null_packets[2] = {nullptr, nullptr};
    NdisMIndicateReceivePacket(h, null_packets, 2);
    NdisMAllocateSharedMemory(h, 4096, FALSE, nullptr, nullptr);
    NdisMQueryInformationComplete(h, NDIS_STATUS_SUCCESS);
    NdisMResetComplete(h, NDIS_STATUS_SUCCESS, FALSE);
    NdisMSetTimer(nullptr, 1);
    NdisMDeregisterIoPortRange(h, 0x1000, 4, nullptr);
    CHECK(NdisReadPciSlotInformation(h, 0, 0x200, &foreign, 4) == 0);
    CHECK(NdisReadPciSlotInformation(h, 0, 0xFE, &foreign, 4) == 2);
    NdisQueryPacket(nullptr, nullptr, nullptr, nullptr, nullptr);
    NdisQueryBuffer(nullptr, nullptr, nullptr);
    NdisChainBufferAtBack(nullptr, nullptr);
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    PNDIS_PACKET p = nullptr;
    NdisAllocatePacket(&st, &p, nullptr);
    CHECK(st == NDIS_STATUS_RESOURCES);
    CHECK(NdisMMapIoSpace(nullptr, h, pa, 16) == NDIS_STATUS_FAILURE);
    PVOID va = &foreign;
    CHECK(NdisAllocateMemory(&va, 0, 0, pa) == NDIS_STATUS_FAILURE);
    CHECK(va == nullptr);
    INFO("every misuse with a name was recorded");
    CHECK(rig.host.violation_count("shared-memory-free") == 1);
    CHECK(rig.host.violation_count("free-memory") == 1);
    CHECK(rig.host.violation_count("unmap-io") == 1);
    CHECK(rig.host.violation_count("deregister-interrupt") == 1);
    CHECK(rig.host.violation_count("send-complete-unknown") == 1);
    CHECK(rig.host.violation_count("indicate-null-packet") == 2);
    CHECK(rig.host.violation_count("shared-memory-args") == 1);
    CHECK(rig.host.violation_count("request-complete-unexpected") == 1);
    CHECK(rig.host.violation_count("reset-complete-unexpected") == 1);
    CHECK(rig.host.violation_count("timer-uninitialized") == 1);
    CHECK(rig.host.violation_count("deregister-ports") == 1);
    CHECK(foreign == 0);
}

TEST_CASE("MiniportHandleInterrupt never runs inside MiniportSendPackets and runs when it returns", "[ndis][api]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.stall_in_send_us = 10;
    g_script.complete_in_send = true;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    rig.plat.regs[FakePlatform::kIcr] = 0x01;  // INTA# asserted, delivered at the next stall
    rig.host.send(pattern(64));
    INFO("the ISR ran during the stall in MiniportSendPackets, the DPC only after it returned");
    CHECK(g_state.isr_calls == 1);
    CHECK(g_state.dpc_calls_seen_in_send == 0);
    CHECK(g_state.dpc_calls == 1);
}

TEST_CASE("NdisReadConfiguration finds integer keywords named by NDIS_STRING_CONST or NdisInitializeString",
          "[ndis][api]") {
    Rig rig;
    rig.host.set_config("MaxFrameSize", 9014);
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    NDIS_HANDLE cfg = nullptr;
    NdisOpenConfiguration(&st, &cfg, &rig.host);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    NDIS_STRING key = NDIS_STRING_CONST("MaxFrameSize");
    CHECK(key.Length == 24);
    PNDIS_CONFIGURATION_PARAMETER p = nullptr;
    NdisReadConfiguration(&st, &p, cfg, &key, NdisParameterInteger);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    CHECK(p->ParameterData.IntegerData == 9014);
    INFO("registry value names are case-insensitive; unknown ones fail");
    NDIS_STRING lower;
    NdisInitializeString(&lower, reinterpret_cast<PUCHAR>(const_cast<char*>("maxframesize")));
    NdisReadConfiguration(&st, &p, cfg, &lower, NdisParameterHexInteger);
    CHECK(st == NDIS_STATUS_SUCCESS);
    NdisFreeString(lower);
    NDIS_STRING unknown = NDIS_STRING_CONST("Nope");
    NdisReadConfiguration(&st, &p, cfg, &unknown, NdisParameterInteger);
    CHECK(st == NDIS_STATUS_FAILURE);
    INFO("no override: NdisReadNetworkAddress fails; with one it returns it");
    PVOID addr = nullptr;
    UINT len = 0;
    NdisReadNetworkAddress(&st, &addr, &len, cfg);
    CHECK(st == NDIS_STATUS_FAILURE);
    rig.host.set_network_address({0x02, 0, 0, 0, 0, 1});
    NdisReadNetworkAddress(&st, &addr, &len, cfg);
    CHECK(st == NDIS_STATUS_SUCCESS);
    CHECK(len == 6);
    CHECK(static_cast<PUCHAR>(addr)[5] == 1);
    NdisCloseConfiguration(cfg);
}

namespace {
void complete_all_in_dpc() {
    fake_complete_all(NDIS_STATUS_SUCCESS);
}

size_t sg_bytes(const SgSeen& s) {
    size_t n = 0;
    for (const SCATTER_GATHER_ELEMENT& e : s.elements) n += e.Length;
    return n;
}
}  // namespace

TEST_CASE("A serialized MiniportSend is never re-entered and stops at the first NDIS_STATUS_RESOURCES",
          "[ndis][api][serialized]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;  // serialized
    g_script.use_send_handler = true;
    g_script.send_capacity = 4;
    g_script.dpc_hook = complete_all_in_dpc;  // completions come from inside MiniportHandleInterrupt
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    std::vector<std::vector<uint8_t>> frames;
    for (uint8_t i = 0; i < 10; ++i) frames.push_back(pattern(100 + i, i));
    rig.host.send(frames);
    INFO("4 accepted, the 5th refused: NDIS hands over nothing more");
    CHECK(g_state.send_calls == 5);
    CHECK(rig.host.sends_queued() == 6);
    CHECK(rig.host.send_results().empty());

    rig.plat.raise(0x01);  // the DPC completes the 4 held sends
    INFO("after MiniportHandleInterrupt returned: 4 more accepted, the next refused");
    CHECK(g_state.dpc_calls == 1);
    CHECK(rig.host.send_results().size() == 4);
    CHECK(g_state.send_calls == 10);
    CHECK(rig.host.sends_queued() == 2);

    rig.plat.raise(0x01);
    CHECK(rig.host.send_results().size() == 8);
    CHECK(g_state.send_calls == 12);
    CHECK(rig.host.sends_queued() == 0);
    rig.plat.raise(0x01);
    REQUIRE(rig.host.send_results().size() == 10);
    INFO(
        "no MiniportSend ran inside another handler; packets were handed over in order (each frame has its own "
        "length; the buffers are gone once completed)");
    CHECK(g_state.send_calls_reentered == 0);
    REQUIRE(g_state.seen.size() == 10);
    for (size_t i = 0; i < frames.size(); ++i) {
        CHECK(rig.host.send_results()[i].status == NDIS_STATUS_SUCCESS);
        CHECK(sg_bytes(g_state.seen[i]) == frames[i].size());
    }
}

TEST_CASE("Serialized MiniportSendPackets: packets from the first RESOURCES on wait, in order, for a completion",
          "[ndis][api][serialized]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;
    g_script.serialized_status = NDIS_STATUS_PENDING;
    g_script.send_capacity = 3;
    g_script.dpc_hook = complete_all_in_dpc;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    std::vector<std::vector<uint8_t>> frames;
    for (uint8_t i = 0; i < 5; ++i) frames.push_back(pattern(200 + i, 10 + i));
    rig.host.send(frames);
    CHECK(g_state.send_calls == 1);
    CHECK(g_state.held.size() == 3);
    CHECK(rig.host.sends_queued() == 2);
    INFO("NdisMSendResourcesAvailable from inside the DPC also waits for the DPC to return");
    rig.plat.raise(0x01);
    CHECK(g_state.send_calls == 2);
    CHECK(g_state.send_calls_reentered == 0);
    CHECK(rig.host.sends_queued() == 0);
    rig.plat.raise(0x01);
    REQUIRE(rig.host.send_results().size() == 5);
    REQUIRE(g_state.seen.size() == 5);
    for (size_t i = 0; i < frames.size(); ++i) CHECK(sg_bytes(g_state.seen[i]) == frames[i].size());
}

TEST_CASE("A driver ASSERT in a send handler names its file and line and the packet's buffers and SG elements",
          "[ndis][api][serialized]") {
    expect_reports("nicsim/ndis/driver-assert", 3);
    Rig rig;
    g_script = MiniportScript{};
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;  // serialized, MiniportSend
    g_script.use_send_handler = true;
    g_script.assert_one_element = true;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    nicsim::ndis::SendLayout two;
    two.fragments = {14};  // header and payload in two buffers on separate pages: two elements
    rig.host.send(pattern(100), two);
    rig.host.send(pattern(100));  // one buffer: the driver's assumption holds, nothing reported
    REQUIRE(rig.host.violations().size() == 1);
    CHECK(rig.host.violations()[0].message ==
          "send.c:63: ASSERT(list->NumberOfElements == 1) failed (in MiniportSend; the packet had 2 buffers, 2 "
          "scatter-gather elements)");
    INFO("MiniportSendPackets with several packets gives the ranges");
    Rig rig2;
    g_script.use_send_handler = false;
    REQUIRE(rig2.start() == NDIS_STATUS_SUCCESS);
    rig2.host.send({pattern(100), pattern(200)}, two);
    REQUIRE(rig2.host.violations().size() == 2);  // one per packet
    CHECK(rig2.host.violations()[1].message ==
          "send.c:63: ASSERT(list->NumberOfElements == 1) failed (in MiniportSendPackets; 2 packets had 2 buffers, 2 "
          "scatter-gather elements)");
}
