// The fast (TLM-2.0 loosely-timed) machine: the same host CPU, host memory, DMA verifier and Nic82540em as the
// pin-level machine (testbench/machine builds both), with the bus phases replaced by direct transactions. The CPU's
// configuration, MMIO and I/O cycles reach the NIC through FastBridge; the NIC's DMA reaches host memory through
// FastDmaPort and the DMA verifier. The PciBus stays for what is not a bus cycle: the clock the NIC is evaluated
// on, device/master numbering and INTA# (interrupts reach the CPU exactly as on the pin-level machine).
// No arbiter, no protocol monitor, no host bridge: nothing drives FRAME#, so the bus stays idle.
#pragma once

#include <systemc>

#include "model/fast/fast_bridge.h"
#include "model/fast/fast_dma_port.h"
#include "model/host/dma_verifier.h"
#include "model/host/host_cpu.h"
#include "model/host/host_memory.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/pci_bus.h"

namespace nicsim::fast {

/// The CPU's default temporal-decoupling quantum (docs/performance.md has the measurement it was chosen by).
inline const sc_core::sc_time kDefaultQuantum{1, sc_core::SC_US};

struct FastMachineParams {
    pci::BusConfig bus;        ///< clock and width (STATUS.PCI66/BUS64, delays)
    nic::NicParams nic;        ///< as for the pin-level NIC
    unsigned mem_latency = 4;  ///< host memory read latency in bus clocks (as HostBridgeParams::read_latency)
    bool verify_dma = true;    ///< enable the DMA verifier from time 0
    /// The CPU runs ahead of the kernel by up to this much (tlm_utils::tlm_quantumkeeper): its MMIO, I/O and
    /// configuration cycles add their annotated delays to its local time instead of waiting each one out. Zero:
    /// every cycle waits. Interrupts and DMA are seen when it synchronises (at the latest after one quantum).
    sc_core::sc_time quantum = kDefaultQuantum;
};

/// The bridge's and the DMA port's parameters for a machine built from `params` (also for a machine that holds both
/// bus models).
FastBridgeParams bridge_params(const FastMachineParams& params);
FastDmaParams dma_params(const FastMachineParams& params);

class FastMachine : public sc_core::sc_module {
  public:
    pci::PciBus bus;       ///< clock, INTA# and numbering only: no bus cycle runs on it
    BusTimeline timeline;  ///< the bus time the CPU's cycles and the NIC's bursts take, one after the other
    host::HostMemory memory;
    host::DmaVerifier verifier;
    FastBridge bridge;
    host::HostCpu cpu;
    nic::Nic82540em nic;
    FastDmaPort dma;

    FastMachine(sc_core::sc_module_name name, const FastMachineParams& params);
};

}  // namespace nicsim::fast
