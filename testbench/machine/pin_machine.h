// The pin-level counterpart of FastMachine, built from the same parameters: PciBus with its arbiter and protocol
// monitor, the host (memory, DMA verifier, bridge, CPU) and the NIC, wired as testbench/system's Machine wires them,
// without a driver program of its own (give the CPU one, e.g. a TrafficHarness). The fast-mode equivalence test and
// nicsim_bench run the same traffic on one of each.
#pragma once

#include <systemc>

#include "model/fast/fast_machine.h"
#include "model/host/host_system.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/pci_bus.h"

namespace nicsim::fast {

class PinMachine : public sc_core::sc_module {
  public:
    pci::PciBus bus;
    pci::BusMonitor monitor;
    host::HostSystem host;
    nic::Nic82540em nic;
    pci::Arbiter arbiter;

    PinMachine(sc_core::sc_module_name name, const FastMachineParams& params);
};

}  // namespace nicsim::fast
