#include "testbench/machine/detail_machine.h"

#include "model/fast/fast_machine.h"

namespace nicsim::tb {

using namespace sc_core;

DetailMachine::DetailMachine(sc_module_name name, const MachineConfig& cfg)
    : Machine(name, cfg, false),
      timeline(cfg.bus.period()),
      fast_bridge("fast_bridge", fast::bridge_params(fast_machine_params(cfg)), &bus, &timeline),
      fast_dma("fast_dma", fast::dma_params(fast_machine_params(cfg)), &timeline),
      pin_dma(nic),
      dma_path(fast_dma, pin_dma),
      cpu_path("cpu_path"),
      memory_join("memory_join") {
    memory_join.mem.bind(host.verifier.target);
    host.bridge.mem.bind(memory_join.pin);
    fast_dma.mem.bind(memory_join.fast);
    host.cpu.cpu_mem.bind(cpu_path.cpu_mem);
    host.cpu.cpu_io.bind(cpu_path.cpu_io);
    host.cpu.cpu_cfg.bind(cpu_path.cpu_cfg);
    cpu_path.pin_mem.bind(host.bridge.cpu_mem);
    cpu_path.pin_io.bind(host.bridge.cpu_io);
    cpu_path.pin_cfg.bind(host.bridge.cpu_cfg);
    cpu_path.fast_mem.bind(fast_bridge.cpu_mem);
    cpu_path.fast_io.bind(fast_bridge.cpu_io);
    cpu_path.fast_cfg.bind(fast_bridge.cpu_cfg);
    fast_bridge.add_device(nic.device_number(), nic);
    nic.use_dma_port(dma_path);
    fast_dma.connect(nic, nic.master().master_index());
    // The CPU keeps its quantum on the pin-level bus too: every cycle there waits out the CPU's local time first
    // (the host bridge's b_transport), so the bus sees the cycles at the times a synchronised CPU would run them.
    host.cpu.set_quantum(cfg.tlm_quantum);
    finish_construction();
}

bool DetailMachine::quiescent(bool to_pin) const {
    if (!dma_path.quiescent() || !cpu_path.idle()) return false;
    return to_pin || (bus.lines().idle() && !host.bridge.delayed_pending());
}

sc_time DetailMachine::switch_bus_model(bool pin) {
    const sc_time start = sc_time_stamp();
    if (pin == detailed()) return SC_ZERO_TIME;
    dma_path.hold();
    if (!pin) cpu_path.hold();  // a CPU cycle on the bus finishes there; the next one waits for the fast path
    while (!quiescent(pin)) wait(bus.period());
    cpu_path.select(pin);
    dma_path.select(pin);
    nic.dma_path_changed(!pin);
    return sc_time_stamp() - start;
}

}  // namespace nicsim::tb
