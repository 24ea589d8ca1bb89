#include "testbench/machine/machine.h"

#include <stdexcept>

#include "testbench/machine/detail_machine.h"
#include "testbench/machine/driver_bringup.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {

Mac mac_of(const nic::NicParams& p) {
    Mac m;
    for (int i = 0; i < 6; ++i) m[i] = p.mac[i];
    return m;
}

host::HostSystemParams host_params(const MachineConfig& c, bool bind_paths) {
    host::HostSystemParams p;
    p.bridge.read_latency = c.mem_latency;
    p.verify_dma = c.verify_dma;
    p.bind_paths = bind_paths;
    return p;
}

fast::FastMachineParams fast_params(const MachineConfig& c) {
    if (c.bridge_faults) throw std::invalid_argument("host bridge faults need the pin-level bus (bus model pin)");
    return fast_machine_params(c);
}

}  // namespace

MachineBase::MachineBase(sc_module_name name, const MachineConfig& cfg)
    : sc_module(name), RunProgram(cfg.run, basename(), cfg.partner, mac_of(cfg.nic), cfg.peer_mac), m_config(cfg) {
    set_miniport(cfg.miniport);
}

Mac MachineBase::mac() const {
    return mac_of(m_config.nic);
}

uint64_t MachineBase::nic_rx_losses() const {
    const nic::DataPathStats& d = const_cast<MachineBase*>(this)->nic_device().data_path().stats();
    return d.rx_missed + d.rx_dropped;
}

uint64_t MachineBase::nic_rx_written() const {
    return const_cast<MachineBase*>(this)->nic_device().data_path().stats().rx_frames;
}

CpuPlatform& MachineBase::platform() {
    if (!m_platform) m_platform = std::make_unique<CpuPlatform>(host_cpu(), host_memory(), &dma_verifier());
    return *m_platform;
}

void MachineBase::trace(sc_trace_file* tf) {
    if (!tf) return;
    if (Machine* p = pin()) {
        // The NIC's traced state changes on the bus's edges: batched edges must reach the file at their own times
        // (or, for a file that cannot take them so, not be batched).
        p->bus.CLK.trace_batches(tf);
        if (m_config.trace_bus) p->bus.trace(tf, m_config.trace_bus_options);
    }
    if (m_config.trace_nic) nic_device().trace(tf, m_config.trace_nic_name, m_config.trace_nic);
}

void MachineBase::install_run_program() {
    if (!m_config.run) return;
    install_program(*this, [this](hostdrv::HostPlatform& hp) { run(hp, nic_device().device_number()); });
}

Machine::Machine(sc_module_name name, const MachineConfig& cfg) : Machine(name, cfg, true) {}

Machine::Machine(sc_module_name name, const MachineConfig& cfg, bool finish)
    : MachineBase(name, cfg),
      bus("pci", cfg.bus),
      monitor("monitor", bus),
      host("host", bus, host_params(cfg, finish)),
      nic("nic", bus, cfg.nic),
      arbiter("arbiter", bus, cfg.arbiter) {
    monitor.set_dac_capable(host.bridge.master_index(), true);
    monitor.set_dac_capable(nic.master().master_index(), cfg.nic.dma_address_bits == 64);
    monitor.set_data_path_64(nic.master().master_index(), cfg.nic.data_path_bits == 64);
    if (cfg.bridge_faults) host.bridge.set_faults(*cfg.bridge_faults);
    bus.set_burst_batching(cfg.burst_batching);
    if (finish) finish_construction();
}

void Machine::finish_construction() {
    trace(config().trace_file);
    install_run_program();
}

TlmMachine::TlmMachine(sc_module_name name, const MachineConfig& cfg)
    : MachineBase(name, cfg), fast("tlm", fast_params(cfg)) {
    trace(cfg.trace_file);
    install_run_program();
}

std::unique_ptr<MachineBase> build_machine(const char* name, const MachineConfig& cfg) {
    if (cfg.both_bus_models) {
        if (cfg.bridge_faults) throw std::invalid_argument("host bridge faults are not available with --detail-from");
        return std::make_unique<DetailMachine>(name, cfg);
    }
    if (cfg.bus_model == BusModel::Tlm) return std::make_unique<TlmMachine>(name, cfg);
    return std::make_unique<Machine>(name, cfg);
}

}  // namespace nicsim::tb
