#include "testbench/checkers/collect_stats.h"

#include <algorithm>
#include <cstdio>

#include "testbench/machine/system_top.h"

namespace nicsim::tb {
namespace {

constexpr uint64_t kResetTxLoss = 64;           // sends the protocol keeps outstanding: a reset may lose them all
constexpr uint64_t kResetRxWindowNs = 100'000;  // frames received this close to a reset may be lost with the ring

void add_board(RunStats& s, const std::string& sec, const Scoreboard& b) {
    const ScoreboardCounts& c = b.counts();
    s.add_count(sec, "frames expected", c.expected);
    s.add_count(sec, "frames intact", c.matched);
    s.add_count(sec, "bytes intact", c.bytes);
    s.add_count(sec, "frames missing", b.missing());
    s.add_count(sec, "frames corrupted", c.corrupted);
    s.add_count(sec, "frames duplicated", c.duplicated);
    s.add_count(sec, "frames reordered", c.reordered);
    s.add_count(sec, "frames unexpected", c.unexpected);
    if (c.segments) s.add_count(sec, "TCP segments", c.segments);
    if (c.late) s.add_count(sec, "frames late (send failed)", c.late);
    // What the verdict names when it fails: the first problem and the first missing frame, as the board saw them.
    if (!b.first_problem().empty()) s.add_text(sec, "first problem", b.first_problem());
    if (b.missing()) s.add_text(sec, "first missing", b.first_missing());
}

void add_master(RunStats& s, const std::string& who, const pci::MasterStats& m) {
    const std::string sec = "bus master " + who;
    s.add_count(sec, "transactions", m.transactions);
    for (unsigned c = 0; c < pci::kCmdCount; ++c)
        if (m.by_cmd[c]) s.add_count(sec, std::string("  ") + pci::cmd_name(static_cast<pci::Cmd>(c)), m.by_cmd[c]);
    s.add_count(sec, "data phases", m.data_phases);
    s.add_count(sec, "bytes", m.bytes);
    s.add_count(sec, "busy clocks", m.busy_clocks);
    s.add(sec, "efficiency", m.busy_clocks ? 100.0 * m.data_phases / m.busy_clocks : 0, "% data phases per busy clock");
    s.add_count(sec, "DAC cycles", m.dac_cycles);
    s.add_count(sec, "retries", m.retries);
    s.add_count(sec, "disconnects", m.disconnects);
    s.add_count(sec, "master aborts", m.master_aborts);
    s.add_count(sec, "target aborts", m.target_aborts);
    s.add_count(sec, "parity errors", m.parity_errors);
    s.add_count(sec, "latency timer expiries", m.latency_expiries);
}

/// Pin-level: what the protocol monitor saw on the first machine's bus, then each master's engine.
void add_bus(RunStats& s, Machine& m) {
    const pci::BusUsage& u = m.monitor.usage();
    s.add("bus", "utilisation", u.clocks ? 100.0 * u.busy_clocks / u.clocks : 0, "% of clocks busy");
    s.add("bus", "efficiency", u.busy_clocks ? 100.0 * u.data_clocks / u.busy_clocks : 0,
          "% of busy clocks moving data");
    s.add_count("bus", "transactions", u.transactions);
    for (unsigned c = 0; c < pci::kCmdCount; ++c) {
        if (!u.by_cmd[c]) continue;
        const std::string name = pci::cmd_name(static_cast<pci::Cmd>(c));
        s.add_count("bus", "  " + name, u.by_cmd[c]);
        s.add("bus", "  " + name + " efficiency", u.busy_by_cmd[c] ? 100.0 * u.data_by_cmd[c] / u.busy_by_cmd[c] : 0,
              "% of its busy clocks moving data");
    }
    s.add_count("bus", "bytes", u.bytes);
    add_master(s, "host bridge", m.host.bridge.master().stats());
    add_master(s, "nic", m.nic.master().stats());
}

/// With --bus-model tlm: what FastBridge and FastDmaPort carried in place of bus transactions.
void add_fast(RunStats& s, TlmMachine& m) {
    const std::string sec = "bus";
    s.add_not_applicable(sec, "monitor", "--bus-model tlm: no pin-level bus, arbiter or host bridge");
    const fast::FastBridgeStats& b = m.fast.bridge.stats();
    s.add_count(sec, "CPU config requests", b.cfg_cycles);
    s.add_count(sec, "CPU memory requests", b.mem_cycles);
    s.add_count(sec, "CPU I/O requests", b.io_cycles);
    s.add_count(sec, "CPU master aborts", b.master_aborts);
    s.add_count(sec, "CPU request errors", b.errors);
    const fast::FastDmaStats& d = m.fast.dma.stats();
    s.add_count(sec, "NIC DMA requests", d.requests);
    s.add_count(sec, "NIC DMA bytes read", d.read_bytes);
    s.add_count(sec, "NIC DMA bytes written", d.write_bytes);
    s.add_count(sec, "NIC DMA errors", d.errors);
}

/// What the NDIS hosts of both machines recorded: contract violations, and the driver's own faults (a failed
/// ASSERT, DbgBreakPoint), counted apart with the first one's text (file, line and what NDIS was calling).
struct DriverReports {
    uint64_t contract = 0;
    uint64_t faults = 0;
    std::string first_fault;
};

DriverReports driver_reports(const ndis::NdisHost* dut, const ndis::NdisHost* partner) {
    DriverReports r;
    for (const ndis::NdisHost* h : {dut, partner}) {
        if (!h) continue;
        for (const ndis::Violation& v : h->violations()) {
            if (!ndis::is_driver_fault(v.type)) {
                ++r.contract;
                continue;
            }
            if (r.faults++ == 0) r.first_fault = (h == partner ? "partner: " : "") + v.message;
        }
    }
    return r;
}

/// Bus monitor, DMA verifier and NDIS contract counts of both machines; the monitor's summary when it objected.
void add_checks(RunStats& s, SystemTop& top) {
    const RunConfig& cfg = top.config();
    MachineBase& dut = top.machine();
    MachineBase* partner = top.partner();
    Machine* pin = dut.pin();
    // Both machines of a run have the same bus model; with tlm there is no monitor (and no parity fault).
    Machine* partner_pin = partner ? partner->pin() : nullptr;
    uint64_t monitor_v = pin ? pin->monitor.violations() + (partner_pin ? partner_pin->monitor.violations() : 0) : 0;
    // Bad parity the fault plan drove on purpose is the monitor's rule 9 doing its job: counted, not a violation.
    const bool parity_faults = cfg.fault.parity_address_ns || cfg.fault.parity_data_ns || cfg.fault.parity_read_ns;
    const uint64_t parity_expected = parity_faults && pin ? pin->monitor.violations(pci::Rule::Parity) : 0;
    monitor_v -= parity_expected;
    if (parity_faults) s.add_count("checks", "bus monitor parity errors (injected)", parity_expected);
    const uint64_t verifier_v = dut.dma_verifier().violations() + (partner ? partner->dma_verifier().violations() : 0);
    const DriverReports ndis_v = driver_reports(dut.ndis(), partner ? partner->ndis() : nullptr);
    if (pin)
        s.add_count("checks", "bus monitor violations", monitor_v);
    else
        s.add_not_applicable("checks", "bus monitor violations", "--bus-model tlm");
    if (monitor_v) s.add_text("checks", "bus monitor summary", pin->monitor.summary());
    s.add_count("checks", "DMA verifier violations", verifier_v);
    s.add_count("checks", "NDIS contract violations", ndis_v.contract);
    if (ndis_v.faults) {  // shown when there are any: a clean run's record stays as it was
        s.add_count("checks", "driver faults", ndis_v.faults);
        s.add_text("checks", "first driver fault", ndis_v.first_fault);
    }
    if (!dut.failure().empty()) s.add_text("checks", "driver failure", dut.failure());
    if (partner && !partner->failure().empty()) s.add_text("checks", "partner driver failure", partner->failure());
}

/// Pin-level fault evidence: what the host bridge and the NIC counted of the faults acting on the bus.
void add_bus_faults(RunStats& s, Machine& pin) {
    const std::string sec = "faults";
    const host::HostBridgeStats& bs = pin.host.bridge.stats();
    const pci::MasterStats& nm = pin.nic.master().stats();
    s.add_count(sec, "injected retries", bs.injected_retries);
    s.add_count(sec, "injected disconnects", bs.injected_disconnects);
    s.add_count(sec, "latency spikes", bs.latency_spikes);
    s.add_count(sec, "injected target aborts", bs.injected_target_aborts);
    s.add_count(sec, "injected master aborts", bs.injected_master_aborts);
    s.add_count(sec, "parity errors seen",
                bs.parity_errors + nm.parity_errors + pin.nic.target().stats().parity_errors);
    s.add_count(sec, "NIC target aborts", nm.target_aborts);
    s.add_count(sec, "NIC master aborts", nm.master_aborts);
}

/// The faults injected and the evidence each took effect: link, reset and the losses the NIC or the wire counted.
/// The first reset NDIS made because MiniportCheckForHang answered TRUE, and whether receive came back after it.
void add_recovery(RunStats& s, SystemTop& top, const ndis::NdisHost& h) {
    const std::string sec = "faults";
    MachineBase& dut = top.machine();
    const uint64_t end = h.hang_reset_end_ns();
    s.add_count(sec, "recovery reset at ns", h.hang_reset_start_ns());
    s.add_count(sec, "recovery reset took ns", end - h.hang_reset_start_ns());
    s.add_count(sec, "frames indicated after the recovery", dut.rx_after_recovery());
    const uint64_t arriving = top.peer() ? top.peer()->injected_between(end, UINT64_MAX) : 0;
    s.add_count(sec, "frames arriving after the recovery", arriving);
    if (top.peer() && arriving == 0)
        s.add_text(sec, "receive after the recovery",
                   "not shown: no frame arrived after the reset (traffic had ended)");
}

void add_faults(RunStats& s, SystemTop& top, const RunOutcome& out) {
    const RunConfig& cfg = top.config();
    const FaultConfig& fc = cfg.fault;
    MachineBase& dut = top.machine();
    const nic::DataPathStats& d = dut.nic_device().data_path().stats();
    const wire::WireStats& a2b = top.wire().stats(true);
    const wire::WireStats& b2a = top.wire().stats(false);
    unsigned disconnects = 0, connects = 0;
    if (ndis::NdisHost* h = dut.ndis())
        for (const ndis::StatusIndication& i : h->status_indications()) {
            disconnects += i.status == NDIS_STATUS_MEDIA_DISCONNECT;
            connects += i.status == NDIS_STATUS_MEDIA_CONNECT && disconnects > 0;
        }
    const std::string sec = "faults";
    s.add_text(sec, "plan", fc.text());
    if (Machine* pin = dut.pin()) add_bus_faults(s, *pin);
    s.add_count(sec, "frames lost to link down", a2b.link_down + b2a.link_down);
    s.add_count(sec, "TX frames lost to link down", a2b.link_down);
    s.add_count(sec, "RX frames lost to link down", b2a.link_down);
    s.add_count(sec, "media disconnect indications", disconnects);
    s.add_count(sec, "media connect indications", connects);
    s.add_count(sec, "RX missed (MPC)", d.rx_missed);
    s.add_count(sec, "TX frames dropped", d.tx_dropped);
    s.add_count(sec, "RX frames dropped", d.rx_dropped);
    s.add_count(sec, "RX frames flushed by a reset", d.rx_flushed);
    s.add_count(sec, "RX frames written, discarded by a reset", dut.rx_unindicated_at_reset());
    if (const ndis::NdisHost* h = dut.ndis(); h && h->hang_reset_start_ns()) add_recovery(s, top, *h);
    if (fc.reset_at_ns) {
        const uint64_t start = dut.reset_start_ns(), end = dut.reset_end_ns();
        s.add_count(sec, "reset at ns", start);
        s.add_count(sec, "reset took ns", end - start);
        s.add_count(sec, "sends completed after reset", dut.tx_after_reset());
        s.add_count(sec, "frames indicated after reset", dut.rx_after_reset());
        s.add_count(sec, "sends made after reset", dut.sent_after_reset());
        // Sends the driver accepted before the reset (refused ones never reach the wire and are not expected).
        const uint64_t before = dut.sent_packets() - std::min(dut.sent_packets(), dut.sent_after_reset());
        const uint64_t accepted = before - std::min(before, dut.sends_refused());
        s.add_count(sec, "sends at risk in the reset", std::min(kResetTxLoss, accepted));
        const uint64_t from = start - std::min<uint64_t>(start, kResetRxWindowNs);
        s.add_count(sec, "frames arriving around the reset",
                    top.peer() && start ? top.peer()->injected_between(from, end + kResetRxWindowNs) : 0);
        const uint64_t after =
            top.peer() && start ? top.peer()->injected_between(end + kResetRxWindowNs, UINT64_MAX) : 0;
        s.add_count(sec, "frames arriving after the reset", after);
        if (top.peer() && start && after == 0)
            s.add_text(sec, "receive after the reset",
                       "not shown: no frame arrived after the reset (traffic had ended)");
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%08X", unsigned(dut.reset_status()));
        if (start && dut.reset_status() != NDIS_STATUS_SUCCESS) s.add_text(sec, "reset status", buf);
    }
    if (fc.link_flap_ns) {
        const uint64_t dirs = cfg.direction == Direction::Both ? 2 : 1;
        const uint64_t settled = top.link_up_frames() + top.link_up_lost();
        s.add_count(sec, "link restored", top.link_restored() ? 1 : 0);
        s.add_count(sec, "frames still to send at link up",
                    dirs * cfg.packets > settled ? dirs * cfg.packets - settled : 0);
        // A flap that starts and ends while the driver resets the adapter is not indicated: the link is up before
        // and after the reset, and the miniport indicates changes only. The wire's losses show it happened.
        const bool in_reset = dut.reset_start_ns() && fc.link_flap_ns >= dut.reset_start_ns() &&
                              fc.link_flap_ns + fc.link_down_for_ns <= dut.reset_end_ns();
        if (in_reset) s.add_text(sec, "link flap", "during the driver reset: not indicated (link up before and after)");
        if (!out.time_limit && !out.interrupted)
            s.add_count(sec, "frames on the wire after link up", a2b.frames + b2a.frames - top.link_up_frames());
    }
}

/// The second machine of a back-to-back run in brief: its bus and NIC (the DUT's own sections have the detail).
void add_partner(RunStats& s, MachineBase& p) {
    const std::string sec = "partner";
    if (Machine* pin = p.pin()) {
        const pci::BusUsage& u = pin->monitor.usage();
        s.add(sec, "bus utilisation", u.clocks ? 100.0 * u.busy_clocks / u.clocks : 0, "% of clocks busy");
        s.add_count(sec, "bus transactions", u.transactions);
        s.add_count(sec, "bus bytes", u.bytes);
    }
    const nic::DataPathStats& d = p.nic_device().data_path().stats();
    s.add_count(sec, "DMA bursts (bus requests)", d.dma_requests);
    s.add_count(sec, "NIC frames transmitted", d.tx_frames);
    s.add_count(sec, "NIC frames received", d.rx_frames);
    s.add_count(sec, "NIC frames missed (RX overrun)", d.rx_missed);
    s.add_count(sec, "interrupts serviced", p.host_cpu().stats().interrupts);
}

/// How the protocol's sends went through NDIS: large sends the protocol had to segment itself (the driver did not
/// claim large send through OID_TCP_TASK_OFFLOAD), and a serialized driver's NDIS_STATUS_RESOURCES refusals (NDIS
/// held the packets and sent them again later).
void add_send_path(RunStats& s, const RunConfig& cfg, MachineBase& dut) {
    if (cfg.lso_max_size) s.add_count("transmit", "large sends segmented by the protocol", dut.large_sends_segmented());
    if (dut.ndis() && !(dut.ndis()->attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE))
        s.add_count("transmit", "sends requeued after RESOURCES", dut.ndis()->send_resources_refusals());
}

}  // namespace

RunStats collect_stats(SystemTop& top, const RunOutcome& out) {
    RunStats s;
    const RunConfig& cfg = top.config();
    MachineBase& dut = top.machine();
    Machine* pin = dut.pin();  // null with --bus-model tlm: no arbiter, bus monitor or host bridge to report on
    MachineBase* partner = top.partner();
    const double sim_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    const uint64_t clocks = dut.pci_bus().clock_count();

    s.add_text("run", "scenario", cfg.scenario);
    s.add_count("run", "seed", cfg.seed);
    s.add_text("run", "bus model", bus_model_name(cfg.bus_model));
    s.add_text("run", "driver", dut.driver_name());
    if (partner) s.add_text("run", "partner driver", partner->driver_name());
    s.add_text("run", "bus", std::to_string(cfg.bus_width) + "-bit " + std::to_string(cfg.bus_clock_mhz) + " MHz");
    s.add_count("run", "DMA address bits", cfg.dma_address_bits);
    s.add_text("run", "memory placement", ndis::placement_name(cfg.placement));
    s.add_count("run", "MaximumPhysicalMapping", cfg.maximum_physical_mapping);
    s.add_text("run", "traffic",
               std::to_string(cfg.packets) + " packets " + direction_name(cfg.direction) + ", size " +
                   (cfg.lso_max_size ? "LSO " + std::to_string(cfg.lso_max_size) : cfg.size.text()) + ", " +
                   std::to_string(cfg.fragments) + " fragments");
    s.add("run", "simulated time", sim_ns / 1000.0, "us");
    s.add_count("run", "bus clocks", clocks);
    s.add_text("run", "ended by",
               out.interrupted  ? out.stopped_by
               : out.stalled    ? "stalled"
               : out.time_limit ? "time limit"
                                : "traffic complete");

    // Traffic, as the scoreboards saw it.
    s.add_count("transmit", "packets sent", dut.sent_packets());
    s.add_count("transmit", "bytes sent", dut.sent_bytes());
    s.add_count("transmit", "sends refused", dut.sends_refused());
    s.add_count("transmit", "layouts merged for map registers", dut.layouts_merged());
    add_send_path(s, cfg, dut);
    if (dut.sends_refused()) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%08X", unsigned(dut.first_refusal()));
        s.add_text("transmit", "first refusal status", buf);
    }
    Scoreboard& tx = partner ? partner->rx_board() : top.peer()->tx_board();
    add_board(s, "transmit", tx);
    s.add_count("receive", "packets indicated", dut.received());
    s.add_count("receive", "bytes indicated", dut.received_bytes());
    if (top.pcap_source()) s.add_count("receive", "frames from pcap", top.pcap_source()->sent());
    if (cfg.pcap_in.empty()) add_board(s, "receive", dut.rx_board());
    if (MachineBase* p = partner) {
        s.add_count("partner transmit", "packets sent", p->sent_packets());
        add_board(s, "partner transmit", dut.rx_board());
        add_partner(s, *p);
    }

    // The bus, as the monitor saw it (pin-level only; the fast mode's own transaction counts instead).
    if (pin)
        add_bus(s, *pin);
    else
        add_fast(s, *dut.tlm());

    // The NIC.
    const nic::DataPathStats& d = dut.nic_device().data_path().stats();
    s.add_count("dma", "operations", d.dma_ops);
    s.add_count("dma", "bursts (bus requests)", d.dma_requests);
    s.add_count("dma", "bytes read", d.dma_read_bytes);
    s.add_count("dma", "bytes written", d.dma_write_bytes);
    s.add_count("dma", "errors", d.dma_errors);
    s.add_count("descriptors", "TX fetched", d.tx_desc_fetched);
    s.add_count("descriptors", "TX written back", d.tx_desc_written_back);
    s.add_count("descriptors", "RX fetched", d.rx_desc_fetched);
    s.add_count("descriptors", "RX written back", d.rx_desc_written_back);
    s.add_count("descriptors", "fetch bursts", d.desc_fetch_bursts);
    s.add_count("descriptors", "write-back bursts", d.desc_writeback_bursts);
    s.add("descriptors", "fetch latency mean",
          d.desc_fetch_bursts ? static_cast<double>(d.desc_fetch_latency_ns) / d.desc_fetch_bursts : 0, "ns");
    s.add_count("descriptors", "fetch latency max ns", d.desc_fetch_latency_max_ns);
    s.add("descriptors", "write-back latency mean",
          d.desc_writeback_bursts ? static_cast<double>(d.desc_writeback_latency_ns) / d.desc_writeback_bursts : 0,
          "ns");
    s.add_count("descriptors", "write-back latency max ns", d.desc_writeback_latency_max_ns);
    s.add_count("nic", "frames transmitted", d.tx_frames);
    s.add_count("nic", "TSO segments", d.tx_tso_segments);
    s.add_count("nic", "frames received", d.rx_frames);
    s.add_count("nic", "frames filtered", d.rx_filtered);
    s.add_count("nic", "frames missed (RX overrun)", d.rx_missed);
    s.add_count("nic", "frames dropped", d.tx_dropped + d.rx_dropped);
    s.add_count("nic", "received frames dropped (length, errors)", d.rx_dropped);
    s.add_count("nic", "diagnostics", dut.nic_device().stats().diagnostics);

    // The host.
    s.add_count("host", "interrupts serviced", dut.host_cpu().stats().interrupts);
    if (ndis::NdisHost* h = dut.ndis()) {
        s.add_count("host", "ISR calls", h->isr_count());
        s.add_count("host", "DPC calls", h->dpc_count());
        s.add_count("host", "map registers reserved", dut.map_registers_reserved());
        const ndis::HalDma::Stats& hal = h->hal().stats();
        s.add_count("host", "scatter-gather lists", hal.sg_lists);
        s.add_count("host", "scatter-gather elements", hal.sg_elements);
        s.add_count("host", "bounced sends", hal.bounced_lists);
        s.add_count("host", "bounce-buffer bytes", hal.bounce_bytes);
        s.add_count("host", "scatter-gather lists refused", hal.refused);
    }
    if (ndis::NdisHost* h = dut.ndis()) {
        s.add_count("host", "hang checks", h->hang_checks());
        s.add_count("host", "hang-check resets", h->hang_resets());
    }
    s.add_count("host", "CPU MMIO cycles", dut.host_cpu().stats().mmio_cycles);
    if (dut.tlm()) s.add_count("host", "CPU quantum synchronisations", dut.host_cpu().stats().syncs);
    s.add_count("host", "CPU config cycles", dut.host_cpu().stats().config_cycles);

    add_checks(s, top);
    if (cfg.fault.any()) add_faults(s, top, out);
    return s;
}

void add_wall_clock(RunStats& s, const RunOutcome& out, uint64_t clocks) {
    s.add(kWallClockSection, "wall time", out.wall_seconds, "s");
    s.add(kWallClockSection, "simulated clocks per second", out.wall_seconds > 0 ? clocks / out.wall_seconds : 0);
    s.add_count(kWallClockSection, "peak RSS at start kB", out.rss_start_kb);
    s.add_count(kWallClockSection, "peak RSS at end kB", peak_rss_kb());
}

}  // namespace nicsim::tb
