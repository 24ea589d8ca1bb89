#include "testbench/checkers/collect_stats.h"

#include <cstdio>

#include "testbench/checkers/run_view.h"
#include "testbench/checkers/stat_rows.h"

namespace nicsim::tb {
namespace {

std::string status_hex(uint32_t status) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", unsigned(status));
    return buf;
}

const StatRow<RunView> kRunRows[] = {
    {"scenario", [](const RunView& r) { return stat_text(r.cfg.scenario); }},
    {"seed", [](const RunView& r) { return stat_count(r.cfg.seed); }},
    {"bus model", [](const RunView& r) { return stat_text(bus_model_name(r.cfg.bus_model)); }},
    {"driver", [](const RunView& r) { return stat_text(r.dut.driver_name()); }},
    {"partner driver",
     [](const RunView& r) { return r.partner ? stat_text(r.partner->driver_name()) : stat_absent(); }},
    {"bus",
     [](const RunView& r) {
         return stat_text(std::to_string(r.cfg.bus_width) + "-bit " + std::to_string(r.cfg.bus_clock_mhz) + " MHz");
     }},
    {"DMA address bits", [](const RunView& r) { return stat_count(r.cfg.dma_address_bits); }},
    {"memory placement", [](const RunView& r) { return stat_text(ndis::placement_name(r.cfg.placement)); }},
    {"MaximumPhysicalMapping", [](const RunView& r) { return stat_count(r.cfg.maximum_physical_mapping); }},
    {"traffic",
     [](const RunView& r) {
         const RunConfig& c = r.cfg;
         return stat_text(std::to_string(c.packets) + " packets " + direction_name(c.direction) + ", size " +
                          (c.lso_max_size ? "LSO " + std::to_string(c.lso_max_size) : c.size.text()) + ", " +
                          std::to_string(c.fragments) + (c.fragments == 1 ? " buffer" : " buffers") + " per packet");
     }},
    {"simulated time",
     [](const RunView&) { return stat_measure(sc_core::sc_time_stamp().to_seconds() * 1e9 / 1000.0); }, "us"},
    {"bus clocks", [](const RunView& r) { return stat_count(r.dut.pci_bus().clock_count()); }},
    {"ended by",
     [](const RunView& r) {
         return stat_text(r.out.interrupted     ? r.out.stopped_by
                          : r.out.stalled       ? "stalled"
                          : r.out.driver_failed ? "driver failed"
                          : r.out.time_limit    ? "time limit"
                                                : "traffic complete");
     }},
};

const StatRow<RunView> kTransmitRows[] = {
    {"packets sent", [](const RunView& r) { return stat_count(r.dut.sent_packets()); }},
    {"bytes sent", [](const RunView& r) { return stat_count(r.dut.sent_bytes()); }},
    {"sends refused", [](const RunView& r) { return stat_count(r.dut.sends_refused()); }},
    {"layouts merged for map registers", [](const RunView& r) { return stat_count(r.dut.layouts_merged()); }},
    {"first refusal status",
     [](const RunView& r) {
         return r.dut.sends_refused() ? stat_text(status_hex(r.dut.first_refusal())) : stat_absent();
     }},
    // Large send only where the driver claimed it (OID_TCP_TASK_OFFLOAD); otherwise the protocol segments.
    {"large sends segmented by the protocol",
     [](const RunView& r) { return r.cfg.lso_max_size ? stat_count(r.dut.large_sends_segmented()) : stat_absent(); }},
    // A serialized driver's NDIS_STATUS_RESOURCES: NDIS held the packets and sent them again later.
    {"sends requeued after RESOURCES",
     [](const RunView& r) {
         const ndis::NdisHost* h = r.dut.ndis();
         return h && !(h->attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE) ? stat_count(h->send_resources_refusals())
                                                                          : stat_absent();
     }},
};

const StatRow<RunView> kReceiveRows[] = {
    {"packets indicated", [](const RunView& r) { return stat_count(r.dut.received()); }},
    {"bytes indicated", [](const RunView& r) { return stat_count(r.dut.received_bytes()); }},
    // NdisMEthIndicateReceive with a partial lookahead whose MiniportTransferData failed: the protocol dropped them.
    {"frames dropped (MiniportTransferData failed)",
     [](const RunView& r) { return r.dut.ndis() ? stat_nonzero(r.dut.ndis()->transfers_failed()) : stat_absent(); }},
    {"frames from pcap",
     [](const RunView& r) { return r.top.pcap_source() ? stat_count(r.top.pcap_source()->sent()) : stat_absent(); }},
};

/// --pcap-in: the frames indicated against the frames the file put on the wire.
const StatRow<PcapInBoard> kPcapBoardRows[] = {
    {"frames from pcap intact", [](const PcapInBoard& b) { return stat_count(b.counts().intact); }},
    {"frames from pcap with the 802.1Q tag out of band",
     [](const PcapInBoard& b) { return stat_nonzero(b.counts().tag_out_of_band); }},
    {"frames from pcap corrupted", [](const PcapInBoard& b) { return stat_count(b.counts().corrupted); }},
    {"frames from pcap not indicated", [](const PcapInBoard& b) { return stat_count(b.not_indicated()); }},
    {"first problem", [](const PcapInBoard& b) { return stat_nonempty(b.first_problem()); }},
};

/// A scoreboard's counts, and what the verdict names when it fails: the first problem and the first missing frame.
const StatRow<Scoreboard> kBoardRows[] = {
    {"frames expected", [](const Scoreboard& b) { return stat_count(b.counts().expected); }},
    {"frames intact", [](const Scoreboard& b) { return stat_count(b.counts().matched); }},
    {"bytes intact", [](const Scoreboard& b) { return stat_count(b.counts().bytes); }},
    {"frames missing", [](const Scoreboard& b) { return stat_count(b.missing()); }},
    {"frames corrupted", [](const Scoreboard& b) { return stat_count(b.counts().corrupted); }},
    {"frames duplicated", [](const Scoreboard& b) { return stat_count(b.counts().duplicated); }},
    {"frames reordered", [](const Scoreboard& b) { return stat_count(b.counts().reordered); }},
    {"frames unexpected", [](const Scoreboard& b) { return stat_count(b.counts().unexpected); }},
    {"TCP segments", [](const Scoreboard& b) { return stat_nonzero(b.counts().segments); }},
    {"frames late (send failed)", [](const Scoreboard& b) { return stat_nonzero(b.counts().late); }},
    {"first problem", [](const Scoreboard& b) { return stat_nonempty(b.first_problem()); }},
    {"first missing", [](const Scoreboard& b) { return b.missing() ? stat_text(b.first_missing()) : stat_absent(); }},
};

/// The second machine of a back-to-back run in brief: its bus and NIC (the DUT's own sections have the detail).
const StatRow<MachineView> kPartnerRows[] = {
    {"bus utilisation",
     [](const MachineView& v) {
         return v.m.pin()
                    ? stat_measure(percent(v.m.pin()->monitor.usage().busy_clocks, v.m.pin()->monitor.usage().clocks))
                    : stat_absent();
     },
     "% of clocks busy"},
    {"bus transactions",
     [](const MachineView& v) {
         return v.m.pin() ? stat_count(v.m.pin()->monitor.usage().transactions) : stat_absent();
     }},
    {"bus bytes",
     [](const MachineView& v) { return v.m.pin() ? stat_count(v.m.pin()->monitor.usage().bytes) : stat_absent(); }},
    {"DMA bursts (bus requests)",
     [](const MachineView& v) { return stat_count(v.m.nic_device().data_path().stats().dma_requests); }},
    {"NIC frames transmitted",
     [](const MachineView& v) { return stat_count(v.m.nic_device().data_path().stats().tx_frames); }},
    {"NIC frames received",
     [](const MachineView& v) { return stat_count(v.m.nic_device().data_path().stats().rx_frames); }},
    {"NIC frames missed (RX overrun)",
     [](const MachineView& v) { return stat_count(v.m.nic_device().data_path().stats().rx_missed); }},
    {"interrupts serviced", [](const MachineView& v) { return stat_count(v.m.host_cpu().stats().interrupts); }},
    // The partner's register cycles take its bus's clocks: the overrun rule of its receive side counts them.
    {"CPU MMIO cycles", [](const MachineView& v) { return stat_count(v.m.host_cpu().stats().mmio_cycles); }},
    {"CPU config cycles", [](const MachineView& v) { return stat_count(v.m.host_cpu().stats().config_cycles); }},
};

/// The detailed window (--detail-from): when the DUT moved to the pin-level bus and back, how long each switch waited
/// for the DMA engine and the CPU to be quiescent, and what the NIC's DMA moved through the fast mode's port (added
/// to the bus monitor's count of the window, it is every byte the NIC moved).
const DetailRecord& detail(const RunView& r) {
    return r.top.detail_window()->record();
}
/// Bus clocks the DUT spent on the pin-level bus: the window, to the end of the run when it did not return.
uint64_t window_clocks(const RunView& r) {
    const DetailRecord& d = detail(r);
    return (d.ended ? d.end_clock : r.dut.pci_bus().clock_count()) - d.start_clock;
}
const StatRow<RunView> kDetailRows[] = {
    {"from", [](const RunView& r) { return stat_text(r.cfg.detail_from.text()); }},
    {"NIC DMA bytes in the fast mode",
     [](const RunView& r) {
         const fast::FastDmaStats& f = r.dut.detail()->fast_dma.stats();
         return stat_count(f.read_bytes + f.write_bytes);
     }},
    {"start",
     [](const RunView& r) { return detail(r).started ? stat_measure(detail(r).start_ns / 1000.0) : stat_absent(); },
     "us"},
    {"quiescence wait at start ns",
     [](const RunView& r) { return detail(r).started ? stat_count(detail(r).start_wait_ns) : stat_absent(); }},
    {"end", [](const RunView& r) { return detail(r).ended ? stat_measure(detail(r).end_ns / 1000.0) : stat_absent(); },
     "us"},
    {"quiescence wait at end ns",
     [](const RunView& r) { return detail(r).ended ? stat_count(detail(r).end_wait_ns) : stat_absent(); }},
    {"bus clocks", [](const RunView& r) { return detail(r).started ? stat_count(window_clocks(r)) : stat_absent(); }},
    // The bus monitor's busy clocks are all the window's: outside it nothing drives the pin-level bus.
    {"bus utilisation",
     [](const RunView& r) {
         return detail(r).started && window_clocks(r)
                    ? stat_measure(percent(r.pin->monitor.usage().busy_clocks, window_clocks(r)))
                    : stat_absent();
     },
     "% of the window's clocks busy"},
    {"fast-mode bus busy clocks", [](const RunView& r) { return stat_count(r.dut.detail()->timeline.busy_clocks()); }},
};

void add_traffic(RunStats& s, const RunView& r) {
    add_rows(s, "transmit", r, kTransmitRows);
    add_rows(s, "transmit", r.partner ? r.partner->rx_board() : r.top.peer()->tx_board(), kBoardRows);
    add_rows(s, "receive", r, kReceiveRows);
    if (r.cfg.pcap_in.empty())
        add_rows(s, "receive", r.dut.rx_board(), kBoardRows);
    else
        add_rows(s, "receive", r.top.pcap_board(), kPcapBoardRows);
    if (MachineBase* p = r.partner) {
        s.add_count("partner transmit", "packets sent", p->sent_packets());
        add_rows(s, "partner transmit", r.dut.rx_board(), kBoardRows);
        add_rows(s, "partner", MachineView{*p}, kPartnerRows);
    }
}

}  // namespace

RunStats collect_stats(SystemTop& top, const RunOutcome& out) {
    RunStats s;
    const RunView r(top, out);
    add_rows(s, "run", r, kRunRows);
    add_traffic(s, r);
    add_bus_stats(s, r);
    add_nic_stats(s, r);
    add_host_stats(s, r);
    if (top.detail_window()) add_rows(s, "detail window", r, kDetailRows);
    add_check_stats(s, r);
    if (r.cfg.fault.any()) add_faults(s, r);
    return s;
}

void add_wall_clock(RunStats& s, const RunOutcome& out, uint64_t clocks) {
    s.add(kWallClockSection, "wall time", out.wall_seconds, "s");
    s.add(kWallClockSection, "simulated clocks per second", out.wall_seconds > 0 ? clocks / out.wall_seconds : 0);
    s.add_count(kWallClockSection, "bus clocks in batches", out.batched_clocks);
    s.add_count(kWallClockSection, "peak RSS at start kB", out.rss_start_kb);
    s.add_count(kWallClockSection, "peak RSS at end kB", peak_rss_kb());
}

}  // namespace nicsim::tb
