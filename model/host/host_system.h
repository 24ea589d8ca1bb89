// The host side as one module: host memory, the DMA verifier (always in the path, checking off unless enabled),
// the host bridge and the CPU, bound to each other. Construct it before any device on the bus so that the bridge
// is bus master 0 (the arbiter's park master).
#pragma once

#include <systemc>

#include "model/host/dma_verifier.h"
#include "model/host/host_bridge.h"
#include "model/host/host_cpu.h"
#include "model/host/host_memory.h"
#include "model/pci/pci_bus.h"

namespace nicsim::host {

struct HostSystemParams {
    HostBridgeParams bridge;  ///< see HostBridgeParams
    bool verify_dma = false;  ///< enable the DMA verifier from time 0
    /// Bind the CPU's sockets to the bridge and the bridge's DMA socket to the verifier. False: the builder binds them
    /// itself (a machine with both bus models puts its path switches in between).
    bool bind_paths = true;
};

class HostSystem : public sc_core::sc_module {
  public:
    HostMemory memory;
    DmaVerifier verifier;
    HostBridge bridge;
    HostCpu cpu;

    HostSystem(sc_core::sc_module_name name, pci::PciBus& bus, const HostSystemParams& params = {});
};

}  // namespace nicsim::host
