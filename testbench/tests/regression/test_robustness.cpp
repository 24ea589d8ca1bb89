// Bad driver programming from the host side, through the whole machine: the CPU pokes the NIC's registers the way
// docs/regression.md's robustness list says a driver may get them wrong (ring length, head/tail past the ring,
// zero-length and NULL buffers, tail written while disabled), and a deliberately broken miniport breaks the NDIS
// contract of docs/ndis-contract.md (InitializeScatterGatherDma out of order, map registers without bus mastering,
// twice). Each must produce its named diagnostic, and the NIC must touch
// nothing outside the memory the host handed out (DMA verifier, guard pattern around the ring).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>

#include "hostdrv/ndis/ndis_host.h"
#include "model/nic/e1000_regs.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim;
using namespace sc_core;

namespace {

constexpr uint64_t kBar0 = 0xF000'0000ull;   // where the test puts the register BAR
constexpr uint64_t kRing = 0x0020'0000ull;   // one page handed out for the ring
constexpr uint64_t kBuf = 0x0020'1000ull;    // one page handed out for a buffer
constexpr uint64_t kGuard = 0x0020'2000ull;  // a page never handed out, filled with a pattern
constexpr uint8_t kGuardByte = 0xA5;

/// The pin-level machine (DMA verifier on, no run program): the CPU runs the test's program.
struct Machine {
    std::unique_ptr<tb::MachineBase> machine = tb::build_machine("dut", tb::MachineConfig{});
    pci::BusMonitor& monitor = machine->pin()->monitor;
    host::HostSystem& host = machine->pin()->host;
    nic::Nic82540em& nic = machine->pin()->nic;
    std::vector<uint8_t> guard_after;

    explicit Machine(std::function<void(hostdrv::HostPlatform&, Machine&)> program) {
        tb::install_program(*machine, [this, program](hostdrv::HostPlatform& hp) {
            const unsigned dev = nic.device_number();
            hp.config_write(dev, 0x10, 4, static_cast<uint32_t>(kBar0));
            hp.config_write(dev, pci::cfg::kCommand, 2, pci::cfg::kCmdMemSpace | pci::cfg::kCmdBusMaster);
            std::vector<uint8_t> pattern(4096, kGuardByte);
            hp.memory().write(kGuard, pattern.data(), pattern.size());
            hp.dma_allow(kRing, 4096, true, "test ring");
            hp.dma_allow(kBuf, 4096, true, "test buffer");
            program(hp, *this);
            hp.stall_ns(50'000);  // let the NIC act on what it was told
            guard_after.resize(4096);
            hp.memory().read(kGuard, guard_after.data(), guard_after.size());
        });
    }
    void run() { sc_start(sc_time(2, SC_MS)); }
    static void reg(hostdrv::HostPlatform& hp, uint32_t offset, uint32_t value) {
        hp.mmio_write(kBar0 + offset, 4, value);
    }
    static void tx_ring(hostdrv::HostPlatform& hp, uint32_t len_bytes) {
        reg(hp, e1000::TDBAL, static_cast<uint32_t>(kRing));
        reg(hp, e1000::TDBAL + 4, 0);
        reg(hp, e1000::TDLEN, len_bytes);
        reg(hp, e1000::TDH, 0);
        reg(hp, e1000::TDT, 0);
    }
    static void put_tx(hostdrv::HostPlatform& hp, unsigned index, uint64_t addr, uint16_t len) {
        e1000::TxDesc d;
        d.set_addr(addr);
        d.set_length(len);
        d.set_cmd(e1000::TxDesc::kCmdEop | e1000::TxDesc::kCmdRs);
        hp.memory().write(kRing + index * e1000::kDescBytes, d.b, sizeof d.b);
    }

    /// Nothing outside the handed-out pages was touched, and the bus stayed legal.
    void check_contained() {
        INFO("the DMA verifier saw no access outside the ring and buffer pages the host handed out");
        CHECK(host.verifier.violations() == 0);
        INFO("the guard page after them still holds its pattern");
        REQUIRE(guard_after.size() == 4096);
        CHECK(std::all_of(guard_after.begin(), guard_after.end(), [](uint8_t b) { return b == kGuardByte; }));
        INFO("the bus monitor saw only legal cycles");
        CHECK(monitor.violations() == 0);
    }
};

}  // namespace

TEST_CASE("robustness: TX ring length not a multiple of 128 is refused by name", "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/ring-length", 2);
    Machine m([](hostdrv::HostPlatform& hp, Machine&) {
        Machine::put_tx(hp, 0, kBuf, 64);
        Machine::tx_ring(hp, 100);
        Machine::reg(hp, e1000::TCTL, e1000::tctl::EN::make(1));
        Machine::reg(hp, e1000::TDT, 1);
    });
    m.run();
    INFO("TDLEN 100 keeps no bit of LEN (19:7), so the ring has no descriptor: nicsim/nic/ring-length");
    CHECK(test::reports_seen("nicsim/nic/ring-length") >= 1);
    INFO("the refused ring is not fetched from");
    CHECK(m.nic.data_path().stats().tx_desc_fetched == 0);
    m.check_contained();
}

TEST_CASE("robustness: TX tail past the end of the ring is refused by name", "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/head-tail-range", 1);
    Machine m([](hostdrv::HostPlatform& hp, Machine&) {
        Machine::tx_ring(hp, 128);  // 8 descriptors
        Machine::reg(hp, e1000::TCTL, e1000::tctl::EN::make(1));
        Machine::reg(hp, e1000::TDT, 20);
    });
    m.run();
    INFO("TDT 20 on an 8-descriptor ring is diagnosed as nicsim/nic/head-tail-range");
    CHECK(test::reports_seen("nicsim/nic/head-tail-range") >= 1);
    INFO("no descriptor is fetched for a tail outside the ring");
    CHECK(m.nic.data_path().stats().tx_desc_fetched == 0);
    m.check_contained();
}

TEST_CASE("robustness: TX head past the end of the ring is refused by name", "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/head-tail-range", 2);
    Machine m([](hostdrv::HostPlatform& hp, Machine&) {
        Machine::tx_ring(hp, 128);
        Machine::reg(hp, e1000::TDH, 9);
        Machine::reg(hp, e1000::TCTL, e1000::tctl::EN::make(1));
        Machine::reg(hp, e1000::TDT, 1);
    });
    m.run();
    INFO("TDH 9 on an 8-descriptor ring is diagnosed as nicsim/nic/head-tail-range");
    CHECK(test::reports_seen("nicsim/nic/head-tail-range") >= 1);
    CHECK(m.nic.data_path().stats().tx_desc_fetched == 0);
    m.check_contained();
}

TEST_CASE("robustness: TX tail written while the transmitter is disabled is noted", "[regression][robustness][nic]") {
    const unsigned notes_before = test::notes_seen("nicsim/nic/note/tail-while-disabled");
    Machine m([](hostdrv::HostPlatform& hp, Machine&) {
        Machine::put_tx(hp, 0, kBuf, 64);
        Machine::tx_ring(hp, 128);
        Machine::reg(hp, e1000::TDT, 1);  // TCTL.EN still clear
    });
    m.run();
    INFO("a tail write with TCTL.EN clear is legal (the manual's order): one note nicsim/nic/note/tail-while-disabled");
    CHECK(test::notes_seen("nicsim/nic/note/tail-while-disabled") - notes_before == 1);
    CHECK(m.nic.stats().notes == 1);
    CHECK(m.nic.stats().diagnostics == 0);
    INFO("nothing is transmitted while disabled");
    CHECK(m.nic.data_path().stats().tx_frames == 0);
    m.check_contained();
}

TEST_CASE("robustness: zero-length and NULL TX buffers are diagnosed and never read", "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/zero-length", 1);
    test::expect_reports("nicsim/nic/null-buffer", 1);
    Machine m([](hostdrv::HostPlatform& hp, Machine&) {
        Machine::put_tx(hp, 0, kBuf, 0);   // zero length
        Machine::put_tx(hp, 1, 0, 64);     // NULL buffer
        Machine::put_tx(hp, 2, kBuf, 60);  // a good frame after them
        Machine::tx_ring(hp, 128);
        Machine::reg(hp, e1000::TCTL, e1000::tctl::EN::make(1));
        Machine::reg(hp, e1000::TDT, 3);
    });
    m.run();
    INFO("the zero-length buffer is diagnosed as nicsim/nic/zero-length");
    CHECK(test::reports_seen("nicsim/nic/zero-length") >= 1);
    INFO("the buffer at address 0 is diagnosed as nicsim/nic/null-buffer");
    CHECK(test::reports_seen("nicsim/nic/null-buffer") >= 1);
    INFO("the ring still completes: all three descriptors are fetched");
    CHECK(m.nic.data_path().stats().tx_desc_fetched >= 3);
    m.check_contained();  // in particular: address 0 was never read (the verifier would refuse it)
}

namespace {

/// RX ring of 8 descriptors at kRing; descriptor 0 points at `buffer`; the receiver takes broadcasts.
void rx_setup(hostdrv::HostPlatform& hp, uint64_t buffer, uint32_t len_bytes = 128) {
    e1000::RxDesc d;
    d.set_addr(buffer);
    hp.memory().write(kRing, d.b, sizeof d.b);
    Machine::reg(hp, e1000::CTRL, e1000::ctrl::SLU::make(1) | e1000::ctrl::FD::make(1));  // link up
    Machine::reg(hp, e1000::RDBAL, static_cast<uint32_t>(kRing));
    Machine::reg(hp, e1000::RDBAL + 4, 0);
    Machine::reg(hp, e1000::RDLEN, len_bytes);
    Machine::reg(hp, e1000::RDH, 0);
    Machine::reg(hp, e1000::RDT, 0);
    Machine::reg(hp, e1000::RCTL, e1000::rctl::EN::make(1) | e1000::rctl::BAM::make(1));
    Machine::reg(hp, e1000::RDT, 1);
}

net::Frame broadcast_frame() {
    net::Frame f;
    f.bytes.assign(64, 0x5A);
    for (int i = 0; i < 6; ++i) f.bytes[i] = 0xFF;
    return f;
}

}  // namespace

TEST_CASE("robustness: an RX descriptor with a NULL buffer is diagnosed and nothing is written",
          "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/null-buffer", 1);
    Machine m([](hostdrv::HostPlatform& hp, Machine& self) {
        rx_setup(hp, 0);
        hp.stall_ns(5'000);
        self.nic.receive(broadcast_frame());
    });
    m.run();
    INFO("the frame got past the MAC and the filter (received " << m.nic.data_path().stats().rx_frames << ", filtered "
                                                                << m.nic.data_path().stats().rx_filtered << ")");
    INFO("the RX buffer at address 0 is diagnosed as nicsim/nic/null-buffer");
    CHECK(test::reports_seen("nicsim/nic/null-buffer") >= 1);
    INFO("the frame is not delivered into memory");
    CHECK(m.nic.data_path().stats().dma_write_bytes <= e1000::kDescBytes);  // at most the descriptor write-back
    m.check_contained();  // in particular: address 0 was never written (the verifier would refuse it)
}

TEST_CASE("robustness: RX ring length not a multiple of 128 is refused by name", "[regression][robustness][nic]") {
    test::expect_reports("nicsim/nic/ring-length", 2);
    Machine m([](hostdrv::HostPlatform& hp, Machine& self) {
        rx_setup(hp, kBuf, 100);
        hp.stall_ns(5'000);
        self.nic.receive(broadcast_frame());
    });
    m.run();
    INFO("RDLEN 100 keeps no bit of LEN (19:7), so the ring has no descriptor: nicsim/nic/ring-length");
    CHECK(test::reports_seen("nicsim/nic/ring-length") >= 1);
    INFO("no RX descriptor is fetched from the refused ring");
    CHECK(m.nic.data_path().stats().rx_desc_fetched == 0);
    m.check_contained();
}

namespace {

// A deliberately broken miniport: MiniportInitialize breaks one rule of the NdisMInitializeScatterGatherDma contract,
// then fails initialisation cleanly (everything it got is given back).
enum class Break { SgBeforeAttributes, MapRegistersNotBusMaster, SgTwice, SgAfterSharedMemory };
Break g_break = Break::SgBeforeAttributes;
NDIS_HANDLE g_wrapper = nullptr;
int g_ctx = 0;

NDIS_STATUS broken_initialize(PNDIS_STATUS open_error, PUINT medium_index, PNDIS_MEDIUM media, UINT n, NDIS_HANDLE h,
                              NDIS_HANDLE) {
    *open_error = NDIS_STATUS_SUCCESS;
    UINT i = 0;
    while (i < n && media[i] != NdisMedium802_3) ++i;
    *medium_index = i;
    switch (g_break) {
        case Break::SgBeforeAttributes:
            NdisMInitializeScatterGatherDma(h, TRUE, 1514);
            break;
        case Break::MapRegistersNotBusMaster:
            NdisMSetAttributesEx(h, &g_ctx, 0, 0, NdisInterfacePci);  // no NDIS_ATTRIBUTE_BUS_MASTER
            if (NdisMAllocateMapRegisters(h, 0, NDIS_DMA_32BITS, 4, 1514) == NDIS_STATUS_SUCCESS)
                NdisMFreeMapRegisters(h);
            break;
        case Break::SgTwice:
            NdisMSetAttributesEx(h, &g_ctx, 0, NDIS_ATTRIBUTE_BUS_MASTER, NdisInterfacePci);
            NdisMInitializeScatterGatherDma(h, TRUE, 1514);
            NdisMInitializeScatterGatherDma(h, TRUE, 1514);
            break;
        case Break::SgAfterSharedMemory: {
            NdisMSetAttributesEx(h, &g_ctx, 0, NDIS_ATTRIBUTE_BUS_MASTER, NdisInterfacePci);
            PVOID va = nullptr;
            NDIS_PHYSICAL_ADDRESS pa{};
            NdisMAllocateSharedMemory(h, 4096, FALSE, &va, &pa);
            NdisMInitializeScatterGatherDma(h, TRUE, 1514);
            if (va) NdisMFreeSharedMemory(h, 4096, FALSE, va, pa);
            break;
        }
    }
    return NDIS_STATUS_FAILURE;
}
void broken_halt(NDIS_HANDLE) {}
NDIS_STATUS broken_query(NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG, PULONG) {
    return NDIS_STATUS_NOT_SUPPORTED;
}
NDIS_STATUS broken_set(NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG, PULONG) {
    return NDIS_STATUS_NOT_SUPPORTED;
}
NDIS_STATUS broken_reset(PBOOLEAN, NDIS_HANDLE) {
    return NDIS_STATUS_SUCCESS;
}
void broken_send_packets(NDIS_HANDLE, PPNDIS_PACKET, UINT) {}
void broken_isr(PBOOLEAN recognized, PBOOLEAN queue, NDIS_HANDLE) {
    *recognized = *queue = FALSE;
}
void broken_handle_interrupt(NDIS_HANDLE) {}
void broken_return_packet(NDIS_HANDLE, PNDIS_PACKET) {}

NDIS_STATUS broken_driver_entry(PVOID driver_object, PVOID registry_path) {
    NdisMInitializeWrapper(&g_wrapper, driver_object, registry_path, nullptr);
    NDIS_MINIPORT_CHARACTERISTICS c;
    NdisZeroMemory(&c, sizeof c);
    c.MajorNdisVersion = 5;
    c.MinorNdisVersion = 1;
    c.InitializeHandler = broken_initialize;
    c.HaltHandler = broken_halt;
    c.QueryInformationHandler = broken_query;
    c.SetInformationHandler = broken_set;
    c.ResetHandler = broken_reset;
    c.SendPacketsHandler = broken_send_packets;
    c.ISRHandler = broken_isr;
    c.HandleInterruptHandler = broken_handle_interrupt;
    c.ReturnPacketHandler = broken_return_packet;
    return NdisMRegisterMiniport(g_wrapper, &c, sizeof c);
}

/// Runs the broken miniport on the NDIS host of a whole machine; returns the violations it recorded.
std::vector<ndis::Violation> run_broken(Break how, NDIS_STATUS& init_status) {
    g_break = how;
    std::vector<ndis::Violation> seen;
    Machine m([&](hostdrv::HostPlatform& hp, Machine& self) {
        tb::DriverSettings s;
        s.host.pci_device = self.nic.device_number();
        s.reports = [](const std::string&, const std::string&) {};  // recorded, checked below
        s.driver_entry = broken_driver_entry;
        s.initialize = false;
        std::unique_ptr<ndis::NdisHost> host;
        REQUIRE(tb::bring_up_driver(hp, s, host) == NDIS_STATUS_SUCCESS);
        init_status = host->initialize();
        seen = host->violations();
    });
    m.run();
    m.check_contained();
    return seen;
}

bool has(const std::vector<ndis::Violation>& v, const std::string& type) {
    for (const auto& x : v)
        if (x.type == type) return true;
    return false;
}

}  // namespace

TEST_CASE("robustness: InitializeScatterGatherDma before SetAttributesEx is an sgdma-order violation",
          "[regression][robustness][ndis]") {
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    const auto v = run_broken(Break::SgBeforeAttributes, st);
    INFO("the NDIS host names the violation nicsim/ndis/sgdma-order");
    CHECK(has(v, "nicsim/ndis/sgdma-order"));
    INFO("initialisation fails");
    CHECK(st != NDIS_STATUS_SUCCESS);
}

TEST_CASE("robustness: map registers without bus mastering is a map-registers-not-bus-master violation",
          "[regression][robustness][ndis]") {
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    const auto v = run_broken(Break::MapRegistersNotBusMaster, st);
    INFO("the NDIS host names the violation nicsim/ndis/map-registers-not-bus-master");
    CHECK(has(v, "nicsim/ndis/map-registers-not-bus-master"));
    CHECK(st != NDIS_STATUS_SUCCESS);
}

TEST_CASE("robustness: InitializeScatterGatherDma twice is an sgdma-twice violation",
          "[regression][robustness][ndis]") {
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    const auto v = run_broken(Break::SgTwice, st);
    INFO("the NDIS host names the violation nicsim/ndis/sgdma-twice");
    CHECK(has(v, "nicsim/ndis/sgdma-twice"));
    CHECK(st != NDIS_STATUS_SUCCESS);
}

TEST_CASE("robustness: InitializeScatterGatherDma after shared memory is an sgdma-order violation",
          "[regression][robustness][ndis]") {
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    const auto v = run_broken(Break::SgAfterSharedMemory, st);
    INFO("the NDIS host names the violation nicsim/ndis/sgdma-order");
    CHECK(has(v, "nicsim/ndis/sgdma-order"));
    CHECK(st != NDIS_STATUS_SUCCESS);
}
