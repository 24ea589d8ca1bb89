#include "host_system.h"

namespace nicsim::host {

HostSystem::HostSystem(sc_core::sc_module_name name, pci::PciBus& bus, const HostSystemParams& params)
    : sc_module(name),
      memory("memory"),
      verifier("verifier", &bus),
      bridge("bridge", bus, params.bridge),
      cpu("cpu", bus) {
    verifier.initiator.bind(memory.socket);
    if (params.bind_paths) {
        bridge.mem.bind(verifier.target);
        cpu.cpu_mem.bind(bridge.cpu_mem);
        cpu.cpu_io.bind(bridge.cpu_io);
        cpu.cpu_cfg.bind(bridge.cpu_cfg);
    }
    verifier.enable(params.verify_dma);
}

}  // namespace nicsim::host
