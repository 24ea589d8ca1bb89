// Bring-up: DriverEntry and MiniportInitialize on the real model, checked through statuses, the NDIS host's record
// and the device registers read back over the bus; initialize failures unwind; halt leaves nothing behind.
#include "testbench/tests/e2e/e2e_rig.h"

#include "testbench/support/sim_reports.h"

using namespace nicsim;
using namespace nicsim::e2e;
using namespace nicsim::e1000;
using namespace sc_core;

TEST_CASE("MiniportInitialize programs the NIC in the documented order", "[e2e][driver][init]") {
    Rig r;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    uint32_t cmd = 0, rctl = 0, tctl = 0, tdlen = 0, rdlen = 0, rdt = 0, ims = 0, ral = 0, rah = 0, ctrl_v = 0;
    uint64_t tdba = 0, rdba = 0;
    unsigned map_regs = 0;
    ULONG attrs = 0;
    bool done = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            attrs = r.host->attribute_flags();
            map_regs = r.host->map_registers_reserved();
            cmd = hp.config_read(r.nic.device_number(), 0x04, 2);
            ctrl_v = r.reg(hp, CTRL);
            rctl = r.reg(hp, RCTL);
            tctl = r.reg(hp, TCTL);
            tdba = r.reg(hp, TDBAL) | (uint64_t{r.reg(hp, TDBAH)} << 32);
            rdba = r.reg(hp, RDBAL) | (uint64_t{r.reg(hp, RDBAH)} << 32);
            tdlen = r.reg(hp, TDLEN);
            rdlen = r.reg(hp, RDLEN);
            rdt = r.reg(hp, RDT);
            ims = r.reg(hp, IMS);
            ral = r.reg(hp, RAL0);
            rah = r.reg(hp, RAH0);
            r.host->halt();
        },
        sc_time(50, SC_MS));
    REQUIRE(done);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("bus master and deserialized, as the contract asks for a scatter-gather miniport");
    CHECK((attrs & NDIS_ATTRIBUTE_BUS_MASTER) != 0);
    CHECK((attrs & NDIS_ATTRIBUTE_DESERIALIZE) != 0);
    INFO("NdisMInitializeScatterGatherDma reserved BYTES_TO_PAGES(1514) + 1 map registers");
    CHECK(map_regs == BYTES_TO_PAGES(1514u) + 1);
    INFO("memory space and bus master enabled in the Command register");
    CHECK((cmd & (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER)) ==
          (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER));
    INFO("link up requested, receiver and transmitter enabled with 2 KiB buffers and CRC strip");
    CHECK(ctrl::SLU::get(ctrl_v) == 1u);
    CHECK(rctl::EN::get(rctl) == 1u);
    CHECK(rctl::SECRC::get(rctl) == 1u);
    CHECK(rctl::buffer_bytes(rctl) == 2048u);
    CHECK(tctl::EN::get(tctl) == 1u);
    CHECK(tctl::PSP::get(tctl) == 1u);
    INFO("rings in shared memory, 256 descriptors each, RX ring filled up to one short of full");
    CHECK(tdba != 0);
    CHECK(rdba != 0);
    CHECK(tdba % 128 == 0);
    CHECK(tdlen == 256u * 16u);
    CHECK(rdlen == 256u * 16u);
    CHECK(rdt == 255u);
    INFO("interrupts for TX done, link change and receive enabled");
    CHECK((ims & (icr::TXDW | icr::LSC | icr::RXT0 | icr::RXO)) == (icr::TXDW | icr::LSC | icr::RXT0 | icr::RXO));
    INFO("receive address 0 = the EEPROM MAC, valid");
    const uint8_t* mac = r.nic.params().mac;
    CHECK(ral == (mac[0] | (mac[1] << 8) | (mac[2] << 16) | (uint32_t{mac[3]} << 24)));
    CHECK((rah & 0xFFFFu) == static_cast<uint32_t>(mac[4] | (mac[5] << 8)));
    CHECK(rahf::AV::get(rah) == 1u);
    INFO("halt freed shared memory, the interrupt and the mapping: no NDIS violation");
    CHECK(r.host->allocations_live() == 0u);
    CHECK(r.host->hal().shared_allocations() == 0u);
    r.no_violations();
}

TEST_CASE("registry values out of range fall back to safe defaults", "[e2e][driver][init]") {
    Rig r;  // a 64-bit capable NIC
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    unsigned map_regs = 0;
    uint32_t tdlen = 0, rdlen = 0;
    bool dma64 = true;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            r.start_driver(hp, false);
            r.host->set_config(miniport::kKeyDmaAddressBits, 48);     // neither 32 nor 64: 32-bit, the safe side
            r.host->set_config(miniport::kKeyTxRingSize, 13);         // not a multiple of 8: default 256
            r.host->set_config(miniport::kKeyRxRingSize, 100000);     // too big: default 256
            r.host->set_config(miniport::kKeyLsoMaxSize, 1u << 20);   // capped at 64 KiB
            r.host->set_config(miniport::kKeyInterruptDelay, 70000);  // beyond 16 bits: no delay
            st = r.host->initialize();
            if (st != NDIS_STATUS_SUCCESS) return;
            r.bar0 = hp.config_read(r.nic.device_number(), 0x10, 4) & ~0xFu;
            map_regs = r.host->map_registers_reserved();
            dma64 = r.host->hal().dma64();
            tdlen = r.reg(hp, TDLEN);
            rdlen = r.reg(hp, RDLEN);
            r.host->halt();
        },
        sc_time(50, SC_MS));
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    CHECK_FALSE(dma64);
    CHECK(tdlen == 256u * 16u);
    CHECK(rdlen == 256u * 16u);
    CHECK(map_regs == BYTES_TO_PAGES(65536u) + 1);
    r.no_violations();
}
