// The fast mode's NIC sleeps between DMA completions; a change from outside (a frame from the wire, a register write)
// evaluates a clock edge only when it gives the device work (Nic82540em::changed()). Counted in the device's
// evaluated edges (NicFrontStats::awake_clocks).
#include <catch2/catch.hpp>

#include <memory>

#include <systemc>

#include "model/net/ethernet.h"
#include "model/nic/e1000_regs.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"

using namespace nicsim;
using namespace sc_core;

TEST_CASE("the fast mode's sleeping NIC evaluates no edge for a change that gives it no work", "[fast]") {
    tb::MachineConfig c;
    c.bus_model = tb::BusModel::Tlm;
    c.verify_dma = false;
    std::unique_ptr<tb::MachineBase> m = tb::build_machine("dut", c);
    nic::Nic82540em& nic = m->nic_device();
    uint64_t asleep = 0, after_frame = 0, after_write = 0, after_eerd = 0;
    tb::install_program(*m, [&](hostdrv::HostPlatform& hp) {
        hp.stall_ns(20000);  // out of reset, no driver: nothing to do
        asleep = nic.stats().awake_clocks;
        net::Frame f;
        f.bytes.assign(60, 0x5A);
        nic.receive(f);  // the MAC drops it: CTRL.SLU is clear
        hp.stall_ns(1000);
        after_frame = nic.stats().awake_clocks;
        nic.write_register(e1000::VET, 0x88A8);  // the VLAN Ethertype: nothing to do until a frame is received
        hp.stall_ns(1000);
        after_write = nic.stats().awake_clocks;
        nic.write_register(e1000::EERD, e1000::eerd::START::make(1));  // an EEPROM read: clocked work
        hp.stall_ns(1000);
        after_eerd = nic.stats().awake_clocks;
    });
    m->host_cpu().set_stop_when_done(true);
    sc_start(sc_time(1, SC_MS));
    INFO("the device slept: " << asleep << " edges evaluated in bring-up");
    CHECK(after_frame == asleep);
    CHECK(after_write == asleep);
    INFO("a write that starts work is evaluated");
    CHECK(after_eerd > after_write);
}
