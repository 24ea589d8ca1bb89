#include "model/fast/fast_machine.h"

namespace nicsim::fast {

FastBridgeParams bridge_params(const FastMachineParams& p) {
    FastBridgeParams b;
    b.clock_ns = p.bus.period().to_seconds() * 1e9;
    return b;
}
FastDmaParams dma_params(const FastMachineParams& p) {
    FastDmaParams d;
    d.clock_ns = p.bus.period().to_seconds() * 1e9;
    d.bytes_per_clock = (p.bus.width_bits == 64 && p.nic.data_path_bits == 64) ? 8 : 4;  // REQ64# needs both
    d.dac_capable = p.nic.dma_address_bits == 64;
    d.read_latency_clocks = p.mem_latency;
    return d;
}

FastMachine::FastMachine(sc_core::sc_module_name name, const FastMachineParams& params)
    : sc_module(name),
      bus("pci", params.bus),
      timeline(params.bus.period()),
      memory("memory"),
      verifier("verifier", &bus),
      bridge("bridge", bridge_params(params), &bus, &timeline),
      cpu("cpu", bus),
      nic("nic", bus, params.nic),
      dma("dma", dma_params(params), &timeline) {
    verifier.initiator.bind(memory.socket);
    dma.mem.bind(verifier.target);
    cpu.cpu_mem.bind(bridge.cpu_mem);
    cpu.cpu_io.bind(bridge.cpu_io);
    cpu.cpu_cfg.bind(bridge.cpu_cfg);
    bridge.add_device(nic.device_number(), nic);
    nic.use_dma_port(dma);
    dma.connect(nic, nic.master().master_index());
    verifier.enable(params.verify_dma);
    cpu.set_quantum(params.quantum);
}

}  // namespace nicsim::fast
