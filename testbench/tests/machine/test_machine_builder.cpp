// The machine assembly: machine_config() turns a nicsim RunConfig into the DUT's and the partner's MachineConfig,
// and build_machine() builds the machine a configuration names, with its parts as configured. The expected values
// are the RunConfig's, written out here, and the 82540EM's identity (vendor 0x8086, device 0x100E: 8254x Family
// Software Developer's Manual, the "PCI Configuration" section).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "model/nic/nic_82540em.h"
#include "testbench/machine/detail_machine.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/machine_config.h"

using namespace nicsim;
using namespace sc_core;

namespace {

tb::RunConfig sample_run() {
    tb::RunConfig c;
    c.bus_width = 64;
    c.bus_clock_mhz = 66;
    c.mem_latency = 7;
    c.dma_address_bits = 32;
    c.max_transfer = 512;
    c.link_mbps = 100;
    c.seed = 5;
    c.fault.retry = 0.25;
    c.fault.target_abort = 9;
    c.trace = "dma,mac";
    return c;
}

}  // namespace

TEST_CASE("machine_config gives the DUT and the partner of a run their parts", "[machine][config]") {
    const tb::RunConfig run = sample_run();
    const tb::Mac peer = {2, 0, 0, 0, 0, 2};
    const tb::MachineConfig dut = tb::machine_config(run, false, peer);
    INFO("the bus, memory and NIC parameters are the run's");
    CHECK(dut.bus_model == tb::BusModel::Pin);
    CHECK(dut.bus.width_bits == 64);
    CHECK(dut.bus.clock_mhz == 66);
    CHECK(dut.mem_latency == 7);
    CHECK(dut.nic.dma_address_bits == 32);
    CHECK(dut.nic.max_transfer == 512);
    CHECK(dut.nic.link_mbps == 100);
    CHECK(dut.verify_dma);
    CHECK(dut.run == &run);
    CHECK(dut.peer_mac == peer);
    INFO("the DUT's MAC address ends in 0x56, the partner's in 0x57");
    CHECK(dut.nic.mac[5] == 0x56);
    const tb::MachineConfig partner = tb::machine_config(run, true, peer);
    CHECK(partner.nic.mac[5] == 0x57);
    CHECK(partner.partner);
    INFO("only the DUT's host bridge injects the run's faults, seeded from the run's seed");
    REQUIRE(dut.bridge_faults.has_value());
    CHECK(dut.bridge_faults->retry == 0.25);
    CHECK(dut.bridge_faults->target_abort_at == 9);
    CHECK(dut.bridge_faults->seed == (5u ^ 0xFA017u));
    CHECK_FALSE(partner.bridge_faults.has_value());
    INFO("without a trace file nothing is traced; --trace dma,mac selects those two NIC parts");
    CHECK(dut.trace_file == nullptr);
    CHECK(dut.trace_nic == (nic::kTraceDma | nic::kTraceMac));
    CHECK(dut.trace_nic_name == "nic");
    CHECK(partner.trace_nic_name == "partner_nic");
    INFO("both machines' buses are traced, each under a scope of its own, with CMD in address phases");
    CHECK(dut.trace_bus);
    CHECK(partner.trace_bus);
    CHECK(dut.trace_bus_options.scope == "pci");
    CHECK(partner.trace_bus_options.scope == "partner_pci");
    CHECK(dut.trace_bus_options.command);
    CHECK(tb::nic_trace_bits("all") == (nic::kTraceDma | nic::kTraceDesc | nic::kTraceMac));
    CHECK(tb::nic_trace_bits("bus") == 0u);
    INFO("with tlm there is no host bridge to fault");
    tb::RunConfig tlm_run = run;
    tlm_run.bus_model = tb::BusModel::Tlm;
    CHECK_FALSE(tb::machine_config(tlm_run, false, peer).bridge_faults.has_value());
}

TEST_CASE("build_machine builds the pin-level and the TLM machine with the configured parts", "[machine][builder]") {
    tb::MachineConfig c;
    c.nic.dma_address_bits = 32;
    c.verify_dma = false;
    const auto pin = tb::build_machine("pin", c);
    c.bus_model = tb::BusModel::Tlm;
    c.verify_dma = true;
    const auto tlm = tb::build_machine("tlm", c);

    INFO("each bus model gives its own machine class, and the shared accessors reach its parts");
    REQUIRE(pin->pin() != nullptr);
    CHECK(pin->tlm() == nullptr);
    REQUIRE(tlm->tlm() != nullptr);
    CHECK(tlm->pin() == nullptr);
    CHECK(&pin->host_cpu() == &pin->pin()->host.cpu);
    CHECK(&pin->nic_device() == &pin->pin()->nic);
    CHECK(&tlm->host_memory() == &tlm->tlm()->fast.memory);
    INFO("the NIC gets the configured parameters; the verifier is on or off as configured");
    CHECK(pin->nic_device().params().dma_address_bits == 32);
    CHECK(tlm->nic_device().params().dma_address_bits == 32);
    CHECK_FALSE(pin->dma_verifier().enabled());
    CHECK(tlm->dma_verifier().enabled());
    INFO("without a run the machine's run record is empty");
    CHECK(pin->ndis() == nullptr);
    CHECK(pin->sent_packets() == 0);

    uint32_t pin_id = 0, tlm_id = 0;
    tb::install_program(
        *pin, [&](hostdrv::HostPlatform& hp) { pin_id = hp.config_read(pin->nic_device().device_number(), 0, 4); });
    tb::install_program(
        *tlm, [&](hostdrv::HostPlatform& hp) { tlm_id = hp.config_read(tlm->nic_device().device_number(), 0, 4); });
    sc_start(sc_time(100, SC_US));
    INFO("a program installed on either CPU reaches the NIC's configuration space: vendor 0x8086, device 0x100E");
    CHECK(pin_id == 0x100E8086u);
    CHECK(tlm_id == 0x100E8086u);
    INFO("the pin-level cycles crossed the bus under the protocol monitor, which saw no violation");
    CHECK(pin->pin()->host.bridge.stats().cpu_cfg_cycles >= 1);
    CHECK(pin->pin()->monitor.violations() == 0);
    CHECK(tlm->tlm()->fast.bridge.stats().cfg_cycles >= 1);
}

TEST_CASE("host bridge faults on a TLM machine are refused when it is built", "[machine][builder]") {
    tb::MachineConfig c;
    c.bus_model = tb::BusModel::Tlm;
    c.bridge_faults = host::HostBridgeFaults{};
    CHECK_THROWS_AS(tb::build_machine("tlm", c), std::invalid_argument);
}

TEST_CASE("a machine with both bus models starts fast and moves its CPU's cycles to the pin-level bus and back",
          "[machine][builder][detail]") {
    tb::MachineConfig c;
    c.bus_model = tb::BusModel::Tlm;
    c.both_bus_models = true;
    const auto m = tb::build_machine("both", c);
    REQUIRE(m->detail() != nullptr);
    REQUIRE(m->pin() != nullptr);
    tb::DetailMachine& d = *m->detail();
    CHECK_FALSE(d.detailed());

    uint32_t id[3] = {};
    bool detailed_between = false;
    sc_time waited[2];
    tb::install_program(*m, [&](hostdrv::HostPlatform& hp) {
        const unsigned dev = m->nic_device().device_number();
        id[0] = hp.config_read(dev, 0, 4);
        waited[0] = d.switch_bus_model(true);
        detailed_between = d.detailed();
        id[1] = hp.config_read(dev, 0, 4);
        waited[1] = d.switch_bus_model(false);
        id[2] = hp.config_read(dev, 0, 4);
    });
    sc_start(sc_time(100, SC_US));
    INFO("every read reaches the NIC's configuration space: vendor 0x8086, device 0x100E");
    CHECK(id[0] == 0x100E8086u);
    CHECK(id[1] == 0x100E8086u);
    CHECK(id[2] == 0x100E8086u);
    INFO("the first and the last read went through FastBridge, the one between the switches over the bus");
    CHECK(detailed_between);
    CHECK_FALSE(d.detailed());
    CHECK(d.fast_bridge.stats().cfg_cycles == 2);
    CHECK(d.host.bridge.stats().cpu_cfg_cycles == 1);
    CHECK(d.monitor.violations() == 0);
    INFO("with no DMA and no CPU cycle running, neither switch waited");
    CHECK(waited[0] == SC_ZERO_TIME);
    CHECK(waited[1] == SC_ZERO_TIME);
}
