#include "host_system.h"

namespace nicsim::host {

HostSystem::HostSystem(sc_core::sc_module_name name, pci::PciBus& bus, const HostSystemParams& params)
    : sc_module(name),
      memory("memory"),
      verifier("verifier", &bus),
      bridge("bridge", bus, params.bridge),
      cpu("cpu", bus) {
    bridge.mem.bind(verifier.target);
    verifier.initiator.bind(memory.socket);
    cpu.cpu_mem.bind(bridge.cpu_mem);
    cpu.cpu_io.bind(bridge.cpu_io);
    cpu.cpu_cfg.bind(bridge.cpu_cfg);
    verifier.enable(params.verify_dma);
}

}  // namespace nicsim::host
