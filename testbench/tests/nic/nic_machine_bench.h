// A pin-level machine whose CPU runs the test's own program instead of a driver (no DMA checking): the NIC
// programmed over the real bus, its memory window (BAR0) and I/O window (BAR2) at fixed addresses.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <memory>

#include <systemc>

#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"

namespace nicsim::test {

struct NicMachineBench {
    static constexpr uint32_t kBar0 = 0xE0000000u;
    static constexpr uint32_t kBar2 = 0x0000C000u;

    std::unique_ptr<tb::MachineBase> machine;
    tb::Machine& pin;
    nic::Nic82540em& nic;
    unsigned dev;

    explicit NicMachineBench(const nic::NicParams& params = nic::NicParams{})
        : machine(tb::build_machine("dut", machine_config(params))),
          pin(*machine->pin()),
          nic(pin.nic),
          dev(nic.device_number()) {}

    static tb::MachineConfig machine_config(const nic::NicParams& params) {
        tb::MachineConfig c;
        c.nic = params;
        c.verify_dma = false;
        return c;
    }
    /// Run `program` on the host CPU; the simulation stops when it returns, or at `limit`.
    void run(std::function<void(hostdrv::HostPlatform&)> program,
             sc_core::sc_time limit = sc_core::sc_time(20, sc_core::SC_MS)) {
        tb::install_program(*machine, std::move(program));
        pin.host.cpu.set_stop_when_done(true);
        sc_core::sc_start(limit);
    }
    /// The BARs, then the Command register (memory and I/O decode unless told otherwise).
    void enable(hostdrv::HostPlatform& hp, uint16_t command = pci::cfg::kCmdMemSpace | pci::cfg::kCmdIoSpace) {
        hp.config_write(dev, pci::cfg::kBar0, 4, kBar0);
        hp.config_write(dev, nic::ConfigSpace::kBar2, 4, kBar2);
        hp.config_write(dev, pci::cfg::kCommand, 2, command);
    }
    /// The program finished and the bus monitor saw no protocol violation.
    void check_clean() {
        INFO("the bus monitor saw no protocol violation: " << pin.monitor.summary());
        CHECK(pin.monitor.violations() == 0);
        CHECK(pin.host.cpu.program_done());
    }
};

}  // namespace nicsim::test
