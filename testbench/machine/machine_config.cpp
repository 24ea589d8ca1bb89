#include "testbench/machine/machine_config.h"

#include <stdexcept>

#include "model/nic/eeprom_image.h"
#include "model/nic/nic_82540em.h"

namespace nicsim::tb {

namespace {

host::HostBridgeFaults bridge_faults(const RunConfig& c) {
    host::HostBridgeFaults f;
    f.retry = c.fault.retry;
    f.disconnect = c.fault.disconnect;
    f.latency_spike = c.fault.latency_spike;
    f.spike_clocks = c.fault.spike_clocks;
    f.target_abort_at = c.fault.target_abort;
    f.master_abort_at = c.fault.master_abort;
    f.seed = c.seed ^ 0xFA017u;
    return f;
}

/// --eeprom: the image replaces the built-in one, and the station address is the image's (words 0..2), so traffic
/// is addressed there. The file was checked when the options were read.
void load_eeprom(const std::string& path, nic::NicParams& p) {
    nic::EepromWords words{};
    std::string error;
    if (!nic::load_eeprom_file(path, words, error)) throw std::runtime_error("--eeprom: " + error);
    p.eeprom.assign(words.begin(), words.end());
    for (unsigned i = 0; i < 3; ++i) {
        p.mac[2 * i] = static_cast<uint8_t>(words[i]);
        p.mac[2 * i + 1] = static_cast<uint8_t>(words[i] >> 8);
    }
}

}  // namespace

fast::FastMachineParams fast_machine_params(const MachineConfig& c) {
    fast::FastMachineParams p;
    p.bus = c.bus;
    p.nic = c.nic;
    p.mem_latency = c.mem_latency;
    p.verify_dma = c.verify_dma;
    p.quantum = c.tlm_quantum;
    return p;
}

unsigned nic_trace_bits(const std::string& t) {
    const bool all = t.find("all") != std::string::npos;
    unsigned what = 0;
    if (all || t.find("dma") != std::string::npos) what |= nic::kTraceDma;
    if (all || t.find("desc") != std::string::npos) what |= nic::kTraceDesc;
    if (all || t.find("mac") != std::string::npos) what |= nic::kTraceMac;
    return what;
}

MachineConfig machine_config(const RunConfig& c, bool partner, const Mac& peer_mac, sc_core::sc_trace_file* trace) {
    MachineConfig m;
    m.bus_model = c.bus_model;
    m.bus.width_bits = c.bus_width;
    m.bus.clock_mhz = c.bus_clock_mhz;
    m.nic.dma_address_bits = c.dma_address_bits;
    m.nic.data_path_bits = c.nic_data_path;
    m.nic.max_transfer = c.max_transfer;
    m.nic.desc_cache_entries = c.desc_cache;
    m.nic.link_mbps = c.link_mbps;
    m.nic.autoneg_ns = c.autoneg_ns;
    m.nic.mac[5] = partner ? 0x57 : 0x56;
    if (!c.eeprom.empty()) load_eeprom(c.eeprom, m.nic);
    m.mem_latency = c.mem_latency;
    m.tlm_quantum = sc_core::sc_time(static_cast<double>(c.tlm_quantum_ns), sc_core::SC_NS);
    m.both_bus_models = !partner && c.detail_from.any();  // only the DUT has a detailed window
    m.verify_dma = true;
    m.burst_batching = c.burst_batching;
    // The bridge faults act on the pin-level bus only (validate() refuses them with tlm); the other faults act on
    // the wire, the peer or the driver and are the run top's.
    if (!partner && c.fault.any() && c.bus_model == BusModel::Pin) m.bridge_faults = bridge_faults(c);
    // The bus lines exist only on the pin-level bus (validate() refuses --trace bus with an explicit --vcd in tlm
    // mode, and without one main leaves the VCD off); the NIC's internals are traced on either.
    m.trace_file = trace;
    m.trace_bus = true;
    m.trace_bus_options.scope = partner ? "partner_pci" : "pci";
    m.trace_bus_options.command = true;  // viewers name commands only in address phases
    m.trace_nic = nic_trace_bits(c.trace);
    m.trace_nic_name = partner ? "partner_nic" : "nic";
    m.run = &c;
    m.partner = partner;
    m.peer_mac = peer_mac;
    return m;
}

}  // namespace nicsim::tb
