// What build_machine() makes: one host and its NIC on either bus model, with the parts a user switches on or off.
// nicsim derives one from its RunConfig (machine_config()); tests and benches fill one in directly.
#pragma once

#include <optional>

#include "model/host/host_bridge.h"
#include "model/nic/nic_context.h"
#include "model/pci/arbiter.h"
#include "model/pci/pci_bus.h"
#include "testbench/cli/run_config.h"
#include "testbench/machine/traffic.h"

namespace nicsim::tb {

struct MachineConfig {
    BusModel bus_model = BusModel::Pin;  ///< pin: PCI bus clock by clock; tlm: FastBridge and FastDmaPort
    pci::BusConfig bus;                  ///< width and clock (with tlm: the delays and STATUS.PCI66/BUS64)
    nic::NicParams nic;                  ///< the NIC's DMA addressing, transfer size, link speed, MAC address
    unsigned mem_latency = 4;            ///< host memory read latency in bus clocks
    bool verify_dma = true;              ///< the DMA verifier refuses device accesses the host did not hand out
    pci::ArbiterConfig arbiter{0, 16};   ///< pin only: parked on the host bridge (bus master 0)
    /// Pin only: faults the host bridge injects into the NIC's transactions (none when empty).
    std::optional<host::HostBridgeFaults> bridge_faults;
    /// The nicsim run whose traffic program the CPU runs (RunProgram), or null: the CPU runs only what the user
    /// installs (install_program), e.g. a test's own driver program or none at all.
    const RunConfig* run = nullptr;
    bool partner = false;  ///< with `run`: the second machine of a back-to-back run (its seeds and direction)
    Mac peer_mac{};        ///< with `run`: the destination of the frames it sends
};

/// The machine a nicsim run builds: the DUT, or with `partner` the second NIC of a back-to-back run (its MAC
/// address ends in 0x57 instead of 0x56, and it gets no host bridge faults). `run` must outlive the machine.
MachineConfig machine_config(const RunConfig& run, bool partner, const Mac& peer_mac);

}  // namespace nicsim::tb
