// What build_machine() makes: one host and its NIC on either bus model, with the parts a user switches on or off.
// nicsim derives one from its RunConfig (machine_config()); tests and benches fill one in directly.
#pragma once

#include <optional>
#include <string>

#include <systemc>

#include "model/fast/fast_machine.h"
#include "model/host/host_bridge.h"
#include "model/nic/nic_context.h"
#include "model/pci/arbiter.h"
#include "model/pci/pci_bus.h"
#include "testbench/machine/miniport_loader.h"
#include "testbench/machine/traffic.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

struct MachineConfig {
    BusModel bus_model = BusModel::Pin;  ///< pin: PCI bus clock by clock; tlm: FastBridge and FastDmaPort
    pci::BusConfig bus;                  ///< width and clock (with tlm: the delays and STATUS.PCI66/BUS64)
    nic::NicParams nic;                  ///< the NIC's DMA addressing, transfer size, link speed, MAC address
    unsigned mem_latency = 4;            ///< host memory read latency in bus clocks
    /// tlm only: the CPU's temporal-decoupling quantum (fast::FastMachineParams::quantum; zero: every cycle waits).
    sc_core::sc_time tlm_quantum = fast::kDefaultQuantum;
    /// Both bus models, starting with the fast one (DetailMachine: nicsim --detail-from); bus_model is tlm then.
    bool both_bus_models = false;
    bool verify_dma = true;  ///< the DMA verifier refuses device accesses the host did not hand out
    /// Pin only: evaluate the steady edges of a burst in batches (pci::BusClock::set_batching; a trace file other
    /// than nicsim's own writers keeps every edge on its own time step).
    bool burst_batching = false;
    pci::ArbiterConfig arbiter{0, 16};  ///< pin only: parked on the host bridge (bus master 0)
    /// Pin only: faults the host bridge injects into the NIC's transactions (none when empty).
    std::optional<host::HostBridgeFaults> bridge_faults;
    /// Tracing into this file (none when null): the bus lines (pin only) when `trace_bus`, and the NIC's internal
    /// state selected by `trace_nic` (nic::kTrace* bits) under the name `trace_nic_name`.
    sc_core::sc_trace_file* trace_file = nullptr;
    bool trace_bus = false;
    /// The miniport the run program loads from a shared object (nicsim --miniport), or null: the project's own.
    const machine::MiniportLibrary* miniport = nullptr;
    pci::PciBus::TraceOptions trace_bus_options;  ///< the bus lines' scope, and whether CMD is traced
    unsigned trace_nic = 0;
    std::string trace_nic_name = "nic";
    /// The nicsim run whose traffic program the CPU runs (RunProgram), or null: the CPU runs only what the user
    /// installs (install_program), e.g. a test's own driver program or none at all.
    const RunConfig* run = nullptr;
    bool partner = false;  ///< with `run`: the second machine of a back-to-back run (its seeds and direction)
    Mac peer_mac{};        ///< with `run`: the destination of the frames it sends
};

/// The machine a nicsim run builds: the DUT, or with `partner` the second NIC of a back-to-back run (its MAC
/// address ends in 0x57 instead of 0x56, it gets no host bridge faults and its bus is not traced). `trace`: the
/// run's VCD (null: none), traced as --trace selects. `run` must outlive the machine.
MachineConfig machine_config(const RunConfig& run, bool partner, const Mac& peer_mac,
                             sc_core::sc_trace_file* trace = nullptr);

/// The fast mode's parts (bridge, DMA port, CPU quantum) for a machine of this configuration.
fast::FastMachineParams fast_machine_params(const MachineConfig& c);

/// The NIC state --trace selects beside the bus ("dma", "desc", "mac" or "all"): nic::kTrace* bits.
unsigned nic_trace_bits(const std::string& trace);

}  // namespace nicsim::tb
