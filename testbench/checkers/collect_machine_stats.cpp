// The machine's sections of the statistics record: the bus, the NIC's DMA and descriptor engines, the host.
#include "testbench/checkers/run_view.h"
#include "testbench/checkers/stat_rows.h"

namespace nicsim::tb {
namespace {

using BusRow = StatRow<pci::BusUsage>;
using MasterRow = StatRow<pci::MasterStats>;
using DataPathRow = StatRow<nic::DataPathStats>;

/// Pin-level: what the protocol monitor saw on the first machine's bus (the utilisation row is add_utilisation's).
const BusRow kBusRows[] = {
    {"efficiency", [](const pci::BusUsage& u) { return stat_measure(percent(u.data_clocks, u.busy_clocks)); },
     "% of busy clocks moving data"},
    {"transactions", &pci::BusUsage::transactions},
};

const MasterRow kMasterRows[] = {
    {"data phases", &pci::MasterStats::data_phases},
    {"bytes", &pci::MasterStats::bytes},
    {"busy clocks", &pci::MasterStats::busy_clocks},
    {"efficiency", [](const pci::MasterStats& m) { return stat_measure(percent(m.data_phases, m.busy_clocks)); },
     "% data phases per busy clock"},
    {"DAC cycles", &pci::MasterStats::dac_cycles},
    {"retries", &pci::MasterStats::retries},
    {"disconnects", &pci::MasterStats::disconnects},
    {"master aborts", &pci::MasterStats::master_aborts},
    {"target aborts", &pci::MasterStats::target_aborts},
    {"parity errors", &pci::MasterStats::parity_errors},
    {"latency timer expiries", &pci::MasterStats::latency_expiries},
};

/// With --bus-model tlm: what FastBridge and FastDmaPort carried in place of bus transactions.
const StatRow<fast::FastBridgeStats> kFastBridgeRows[] = {
    {"CPU config requests", &fast::FastBridgeStats::cfg_cycles},
    {"CPU memory requests", &fast::FastBridgeStats::mem_cycles},
    {"CPU I/O requests", &fast::FastBridgeStats::io_cycles},
    {"CPU master aborts", &fast::FastBridgeStats::master_aborts},
    {"CPU request errors", &fast::FastBridgeStats::errors},
};
const StatRow<fast::FastDmaStats> kFastDmaRows[] = {
    {"NIC DMA requests", &fast::FastDmaStats::requests},
    {"NIC DMA bytes read", &fast::FastDmaStats::read_bytes},
    {"NIC DMA bytes written", &fast::FastDmaStats::write_bytes},
    {"NIC DMA errors", &fast::FastDmaStats::errors},
};

const DataPathRow kDmaRows[] = {
    {"operations", &nic::DataPathStats::dma_ops},        {"bursts (bus requests)", &nic::DataPathStats::dma_requests},
    {"bytes read", &nic::DataPathStats::dma_read_bytes}, {"bytes written", &nic::DataPathStats::dma_write_bytes},
    {"errors", &nic::DataPathStats::dma_errors},
};

double mean(uint64_t sum, uint64_t n) {
    return n ? static_cast<double>(sum) / n : 0;
}

const DataPathRow kDescriptorRows[] = {
    {"TX fetched", &nic::DataPathStats::tx_desc_fetched},
    {"TX written back", &nic::DataPathStats::tx_desc_written_back},
    {"RX fetched", &nic::DataPathStats::rx_desc_fetched},
    {"RX written back", &nic::DataPathStats::rx_desc_written_back},
    {"fetch bursts", &nic::DataPathStats::desc_fetch_bursts},
    {"write-back bursts", &nic::DataPathStats::desc_writeback_bursts},
    {"fetch latency mean",
     [](const nic::DataPathStats& d) { return stat_measure(mean(d.desc_fetch_latency_ns, d.desc_fetch_bursts)); },
     "ns"},
    {"fetch latency max ns", &nic::DataPathStats::desc_fetch_latency_max_ns},
    {"write-back latency mean",
     [](const nic::DataPathStats& d) {
         return stat_measure(mean(d.desc_writeback_latency_ns, d.desc_writeback_bursts));
     },
     "ns"},
    {"write-back latency max ns", &nic::DataPathStats::desc_writeback_latency_max_ns},
};

const DataPathRow kNicRows[] = {
    {"frames transmitted", &nic::DataPathStats::tx_frames},
    {"TSO segments", &nic::DataPathStats::tx_tso_segments},
    {"frames received", &nic::DataPathStats::rx_frames},
    {"frames filtered", &nic::DataPathStats::rx_filtered},
    {"frames missed (RX overrun)", &nic::DataPathStats::rx_missed},
    {"frames dropped", [](const nic::DataPathStats& d) { return stat_count(d.tx_dropped + d.rx_dropped); }},
    {"received frames dropped (length, errors)",
     [](const nic::DataPathStats& d) {
         return stat_count(d.rx_dropped - d.rx_receiver_off - d.rx_link_down - d.rx_flushed);
     }},
    {"received frames dropped (receiver off)", &nic::DataPathStats::rx_receiver_off},
    {"received frames dropped (link down)", &nic::DataPathStats::rx_link_down},
    {"received frames flushed by a reset", &nic::DataPathStats::rx_flushed},
};

/// NDIS's own counts, and the HAL's scatter-gather work for the miniport.
const StatRow<ndis::NdisHost> kNdisRows[] = {
    {"ISR calls", [](const ndis::NdisHost& h) { return stat_count(h.isr_count()); }},
    {"DPC calls", [](const ndis::NdisHost& h) { return stat_count(h.dpc_count()); }},
};
const StatRow<ndis::HalDma::Stats> kHalRows[] = {
    {"scatter-gather lists", &ndis::HalDma::Stats::sg_lists},
    {"scatter-gather elements", &ndis::HalDma::Stats::sg_elements},
    {"bounced sends", &ndis::HalDma::Stats::bounced_lists},
    {"bounce-buffer bytes", &ndis::HalDma::Stats::bounce_bytes},
    {"scatter-gather lists refused", &ndis::HalDma::Stats::refused},
};
const StatRow<ndis::NdisHost> kHangCheckRows[] = {
    {"hang checks", [](const ndis::NdisHost& h) { return stat_count(h.hang_checks()); }},
    {"hang-check resets", [](const ndis::NdisHost& h) { return stat_count(h.hang_resets()); }},
};
const StatRow<MachineView> kCpuRows[] = {
    {"CPU MMIO cycles", [](const MachineView& v) { return stat_count(v.m.host_cpu().stats().mmio_cycles); }},
    {"CPU quantum synchronisations",
     [](const MachineView& v) {
         return v.m.tlm() || v.m.detail() ? stat_count(v.m.host_cpu().stats().syncs) : stat_absent();
     }},
    {"CPU config cycles", [](const MachineView& v) { return stat_count(v.m.host_cpu().stats().config_cycles); }},
};

/// Transactions per bus command, each indented under the total.
template <class CountPerCmd>
void add_by_command(RunStats& s, const std::string& sec, const uint64_t (&by_cmd)[pci::kCmdCount], CountPerCmd more) {
    for (unsigned c = 0; c < pci::kCmdCount; ++c) {
        if (!by_cmd[c]) continue;
        const std::string name = pci::cmd_name(static_cast<pci::Cmd>(c));
        s.add_count(sec, "  " + name, by_cmd[c]);
        more(c, name);
    }
}

void add_master(RunStats& s, const std::string& who, const pci::MasterStats& m) {
    const std::string sec = "bus master " + who;
    s.add_count(sec, "transactions", m.transactions);
    add_by_command(s, sec, m.by_cmd, [](unsigned, const std::string&) {});
    add_rows(s, sec, m, kMasterRows);
}

/// Clocks busy over the whole run. With a detailed window the bus monitor saw only the window; the fast mode's parts
/// took the bus for the clocks its bus timeline counted (the same arithmetic that times their transactions).
void add_utilisation(RunStats& s, Machine& m) {
    const pci::BusUsage& u = m.monitor.usage();
    const uint64_t fast_busy = m.detail() ? m.detail()->timeline.busy_clocks() : 0;
    s.add("bus", "utilisation", percent(u.busy_clocks + fast_busy, u.clocks), "% of clocks busy");
}

void add_pin_bus(RunStats& s, Machine& m) {
    const pci::BusUsage& u = m.monitor.usage();
    add_utilisation(s, m);
    add_rows(s, "bus", u, kBusRows);
    add_by_command(s, "bus", u.by_cmd, [&](unsigned c, const std::string& name) {
        s.add("bus", "  " + name + " efficiency", percent(u.data_by_cmd[c], u.busy_by_cmd[c]),
              "% of its busy clocks moving data");
    });
    s.add_count("bus", "bytes", u.bytes);
    add_master(s, "host bridge", m.host.bridge.master().stats());
    add_master(s, "nic", m.nic.master().stats());
}

}  // namespace

void add_bus_stats(RunStats& s, const RunView& r) {
    if (r.pin) return add_pin_bus(s, *r.pin);
    TlmMachine& m = *r.dut.tlm();
    s.add_not_applicable("bus", "monitor", "--bus-model tlm: no pin-level bus, arbiter or host bridge");
    add_rows(s, "bus", m.fast.bridge.stats(), kFastBridgeRows);
    add_rows(s, "bus", m.fast.dma.stats(), kFastDmaRows);
}

void add_nic_stats(RunStats& s, const RunView& r) {
    const nic::DataPathStats& d = r.data_path();
    add_rows(s, "dma", d, kDmaRows);
    add_rows(s, "descriptors", d, kDescriptorRows);
    add_rows(s, "nic", d, kNicRows);
    s.add_count("nic", "diagnostics", r.dut.nic_device().stats().diagnostics);
}

void add_host_stats(RunStats& s, const RunView& r) {
    s.add_count("host", "interrupts serviced", r.dut.host_cpu().stats().interrupts);
    if (ndis::NdisHost* h = r.dut.ndis()) {
        add_rows(s, "host", *h, kNdisRows);
        s.add_count("host", "map registers reserved", r.dut.map_registers_reserved());
        add_rows(s, "host", h->hal().stats(), kHalRows);
        add_rows(s, "host", *h, kHangCheckRows);
    }
    add_rows(s, "host", MachineView{r.dut}, kCpuRows);
}

}  // namespace nicsim::tb
