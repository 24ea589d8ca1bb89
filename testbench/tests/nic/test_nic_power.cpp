// The 82540EM's PCI power-management capability over the real bus: the capabilities list (Status.CapList, Cap_Ptr,
// the PM entry at DCh with PMC and PMCSR), D3hot (configuration cycles only: no memory or I/O decode, no
// interrupts) and the return to D0 through the function's internal reset (8254x Family Software Developer's Manual,
// section 6.3.3; PCI Bus Power Management Interface Specification 1.1).
#include <catch2/catch.hpp>

#include <systemc>

#include "model/nic/e1000_regs.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/nic/nic_machine_bench.h"

using namespace nicsim;
using namespace nicsim::e1000;
using namespace sc_core;
namespace cfg = nicsim::pci::cfg;

namespace {

constexpr uint32_t kBar0 = test::NicMachineBench::kBar0;
constexpr uint32_t kBar2 = test::NicMachineBench::kBar2;
constexpr uint16_t kPmCap = 0xDC;        // section 6.3.3: the PM register block at DCh
constexpr uint16_t kPmcsr = kPmCap + 4;  // PMCSR at offset 4 of the block
using Bench = test::NicMachineBench;

}  // namespace

TEST_CASE("the capabilities list holds one entry, power management at DCh, with the 82540EM's PMC", "[nic][config]") {
    Bench b;
    uint32_t status = 0, cap_ptr = 0, pm0 = 0, pm1 = 0, after = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        status = hp.config_read(b.dev, cfg::kStatus, 2);
        cap_ptr = hp.config_read(b.dev, cfg::kCapabilitiesPtr, 1);
        pm0 = hp.config_read(b.dev, kPmCap, 4);
        pm1 = hp.config_read(b.dev, kPmcsr, 4);
        hp.config_write(b.dev, kPmCap, 4, 0xFFFFFFFFu);  // ID, next pointer and PMC are read-only
        after = hp.config_read(b.dev, kPmCap, 4);
    });
    CHECK((status & cfg::kStsCapList) != 0);
    CHECK(cap_ptr == 0xDCu);
    INFO("capability ID 01h; next item 00h (E4h, PCI-X, is not applicable to the 82540EM, section 6.3.3.2)");
    CHECK((pm0 & 0xFFu) == 0x01u);
    CHECK(((pm0 >> 8) & 0xFFu) == 0x00u);
    INFO("PMC: version 010b (PM 1.1), DSI, no D1/D2, PME# from D0, D3hot and D3cold");
    const uint32_t pmc = pm0 >> 16;
    CHECK((pmc & 0x7u) == 0x2u);
    CHECK((pmc & (1u << 5)) != 0);
    CHECK((pmc & ((1u << 9) | (1u << 10))) == 0);
    CHECK((pmc >> 11) == 0x19u);
    INFO("PMCSR at reset: D0, PME_En clear, PME_Status clear; bridge extensions and Data 0");
    CHECK(pm1 == 0u);
    CHECK(after == pm0);
    b.check_clean();
}

TEST_CASE("D3hot stops memory and I/O decode and interrupts, and D0 returns through the function reset",
          "[nic][config]") {
    Bench b;
    test::expect_reports("nicsim/host/bridge-master-abort", 2);
    uint32_t d0_status = 0, d3_mem = 0, d3_io = 0, d3_cfg_id = 0, d3_pmcsr = 0, d1_pmcsr = 0;
    uint32_t back_cmd = 0, back_bar0 = 0, back_pmcsr = 0, back_mem = 0, back_ims = 0;
    bool inta_d0 = false, inta_d3 = false;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        d0_status = hp.mmio_read(kBar0 + STATUS, 4);
        hp.mmio_write(kBar0 + IMS, 4, icr::TXDW);
        hp.mmio_write(kBar0 + ICS, 4, icr::TXDW);  // a pending, enabled cause: INTA# asserted
        hp.stall_ns(1000);
        inta_d0 = ((b.pin.bus.lines().inta >> b.dev) & 1u) != 0;
        hp.config_write(b.dev, kPmcsr, 2, 0x0003);  // D3hot
        hp.stall_ns(1000);
        inta_d3 = ((b.pin.bus.lines().inta >> b.dev) & 1u) != 0;
        d3_mem = hp.mmio_read(kBar0 + STATUS, 4);
        d3_io = hp.io_read(kBar2 + IOADDR, 4);
        d3_cfg_id = hp.config_read(b.dev, cfg::kVendorId, 4);
        d3_pmcsr = hp.config_read(b.dev, kPmcsr, 2);
        hp.config_write(b.dev, kPmcsr, 2, 0x0001);  // D1: not supported, ignored
        d1_pmcsr = hp.config_read(b.dev, kPmcsr, 2);
        hp.config_write(b.dev, kPmcsr, 2, 0x0000);  // back to D0
        back_cmd = hp.config_read(b.dev, cfg::kCommand, 2);
        back_bar0 = hp.config_read(b.dev, cfg::kBar0, 4);
        back_pmcsr = hp.config_read(b.dev, kPmcsr, 2);
        b.enable(hp);
        back_mem = hp.mmio_read(kBar0 + STATUS, 4);
        back_ims = hp.mmio_read(kBar0 + IMS, 4);
    });
    CHECK(d0_status != 0xFFFFFFFFu);
    CHECK(inta_d0);
    INFO("D3hot: no interrupt, memory and I/O cycles master-abort (all ones), configuration still answers");
    CHECK_FALSE(inta_d3);
    CHECK(d3_mem == 0xFFFFFFFFu);
    CHECK(d3_io == 0xFFFFFFFFu);
    CHECK(test::reports_seen("nicsim/host/bridge-master-abort") == 2);
    CHECK(d3_cfg_id == 0x100E8086u);
    CHECK(d3_pmcsr == 0x0003u);
    CHECK(d1_pmcsr == 0x0003u);
    INFO("D3hot to D0 resets the function (PM 1.1 has no No_Soft_Reset): Command, BAR0 and the registers start over");
    CHECK(back_cmd == 0u);
    CHECK(back_bar0 == 0u);
    CHECK(back_pmcsr == 0u);
    CHECK(back_mem == d0_status);
    CHECK(back_ims == 0u);
    b.check_clean();
}
