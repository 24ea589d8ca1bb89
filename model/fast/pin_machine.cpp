#include "model/fast/pin_machine.h"

namespace nicsim::fast {

namespace {
host::HostSystemParams host_params(const FastMachineParams& p) {
    host::HostSystemParams h;
    h.bridge.read_latency = p.mem_latency;
    h.verify_dma = p.verify_dma;
    return h;
}
}  // namespace

PinMachine::PinMachine(sc_core::sc_module_name name, const FastMachineParams& params)
    : sc_module(name),
      bus("pci", params.bus),
      monitor("monitor", bus),
      host("host", bus, host_params(params)),
      nic("nic", bus, params.nic),
      arbiter("arbiter", bus, pci::ArbiterConfig{0, 16}) {
    monitor.set_dac_capable(host.bridge.master_index(), true);
    monitor.set_dac_capable(nic.master().master_index(), params.nic.dma_address_bits == 64);
    monitor.set_data_path_64(nic.master().master_index(), params.nic.data_path_bits == 64);
}

}  // namespace nicsim::fast
