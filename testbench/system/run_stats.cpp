#include "run_stats.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "testbench/machine/system_top.h"

namespace nicsim::tb {

void RunStats::add(const std::string& section, const std::string& key, double value, const std::string& unit) {
    char buf[64];
    if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", value);
    else
        std::snprintf(buf, sizeof buf, "%.6g", value);
    m_rows.push_back(Row{section, key, buf, true, value, unit});
}

void RunStats::add_count(const std::string& section, const std::string& key, uint64_t value) {
    m_rows.push_back(Row{section, key, std::to_string(value), true, static_cast<double>(value), ""});
}

void RunStats::add_text(const std::string& section, const std::string& key, const std::string& text) {
    m_rows.push_back(Row{section, key, text, false, 0, ""});
}

double RunStats::value(const std::string& section, const std::string& key) const {
    for (const Row& r : m_rows)
        if (r.section == section && r.key == key && r.number) return r.value;
    return -1;
}

/// The rows with each section's rows together, sections in the order they first appear (a section added to later,
/// e.g. "checks" by the fault plan, must not print twice or give JSON a duplicate key).
std::vector<RunStats::Row> RunStats::grouped() const {
    std::vector<std::string> order;
    for (const Row& r : m_rows)
        if (std::find(order.begin(), order.end(), r.section) == order.end()) order.push_back(r.section);
    std::vector<Row> out;
    out.reserve(m_rows.size());
    for (const std::string& sec : order)
        for (const Row& r : m_rows)
            if (r.section == sec) out.push_back(r);
    return out;
}

std::string RunStats::table() const {
    size_t w = 0;
    for (const Row& r : m_rows) w = std::max(w, r.key.size());
    std::ostringstream o;
    std::string section;
    for (const Row& r : grouped()) {
        if (r.section != section) {
            section = r.section;
            o << section << "\n";
        }
        o << "  " << r.key << std::string(w - r.key.size() + 2, ' ') << r.text;
        if (!r.unit.empty()) o << " " << r.unit;
        o << "\n";
    }
    return o.str();
}

namespace {
std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}
}  // namespace

std::string RunStats::json() const {
    std::ostringstream o;
    o << "{\n";
    std::string section;
    bool first_section = true, first_key = true;
    for (const Row& r : grouped()) {
        if (r.section != section) {
            if (!first_section) o << "\n  },\n";
            o << "  " << json_string(r.section) << ": {\n";
            section = r.section;
            first_section = false;
            first_key = true;
        }
        if (!first_key) o << ",\n";
        first_key = false;
        o << "    " << json_string(r.key) << ": " << (r.number ? r.text : json_string(r.text));
    }
    if (!first_section) o << "\n  }\n";
    o << "}\n";
    return o.str();
}

uint64_t peak_rss_kb() {
    struct rusage ru {};
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return static_cast<uint64_t>(ru.ru_maxrss);  // kilobytes on Linux
}

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

/// With --bus-model tlm: what FastBridge and FastDmaPort carried in place of bus transactions.
void add_fast(RunStats& s, TlmMachine& m) {
    const std::string sec = "bus";
    s.add_text(sec, "monitor", "not applicable (--bus-model tlm: no pin-level bus, arbiter or host bridge)");
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

}  // namespace

RunStats collect_stats(SystemTop& top, RunOutcome& out) {
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
    s.add_text("run", "bus", std::to_string(cfg.bus_width) + "-bit " + std::to_string(cfg.bus_mhz) + " MHz");
    s.add_text("run", "NIC DMA addressing", std::to_string(cfg.dma_bits) + "-bit");
    s.add_text("run", "memory placement", placement_name(cfg.placement));
    s.add_count("run", "MaximumPhysicalMapping", cfg.max_physical_mapping);
    s.add_text("run", "traffic",
               std::to_string(cfg.packets) + " packets " + direction_name(cfg.direction) + ", size " +
                   (cfg.lso ? "LSO " + std::to_string(cfg.lso) : cfg.size.text()) + ", " +
                   std::to_string(cfg.fragments) + " fragments");
    s.add("run", "simulated time", sim_ns / 1000.0, "us");
    s.add_count("run", "bus clocks", clocks);
    s.add_text("run", "ended by",
               out.interrupted  ? out.stopped_by
               : out.time_limit ? "time limit"
                                : "traffic complete");

    // Traffic, as the scoreboards saw it.
    s.add_count("transmit", "packets sent", dut.sent_packets());
    s.add_count("transmit", "bytes sent", dut.sent_bytes());
    s.add_count("transmit", "sends refused", dut.sends_refused());
    s.add_count("transmit", "layouts merged for map registers", dut.layouts_merged());
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
    s.add_count("nic", "diagnostics", dut.nic_device().stats().diagnostics);
    if (partner) add_partner(s, *partner);

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
    s.add_count("host", "CPU MMIO cycles", dut.host_cpu().stats().mmio_cycles);
    s.add_count("host", "CPU config cycles", dut.host_cpu().stats().config_cycles);

    // The checks.
    // Both machines of a run have the same bus model; with tlm there is no monitor (and no parity fault).
    Machine* partner_pin = partner ? partner->pin() : nullptr;
    uint64_t monitor_v = pin ? pin->monitor.violations() + (partner_pin ? partner_pin->monitor.violations() : 0) : 0;
    // Bad parity the fault plan drove on purpose is the monitor's rule 9 doing its job: counted, not a failure.
    const bool parity_faults = cfg.faults.parity_address_ns || cfg.faults.parity_data_ns || cfg.faults.parity_read_ns;
    const uint64_t parity_expected = parity_faults && pin ? pin->monitor.violations(pci::Rule::Parity) : 0;
    monitor_v -= parity_expected;
    if (parity_faults) s.add_count("checks", "bus monitor parity errors (injected)", parity_expected);
    const uint64_t verifier_v = dut.dma_verifier().violations() + (partner ? partner->dma_verifier().violations() : 0);
    uint64_t ndis_v = dut.ndis() ? dut.ndis()->violations().size() : 0;
    if (partner && partner->ndis()) ndis_v += partner->ndis()->violations().size();
    if (pin)
        s.add_count("checks", "bus monitor violations", monitor_v);
    else
        s.add_text("checks", "bus monitor violations", "not applicable (--bus-model tlm)");
    s.add_count("checks", "DMA verifier violations", verifier_v);
    s.add_count("checks", "NDIS contract violations", ndis_v);

    auto fail = [&](const std::string& what) { out.failures.push_back(what); };
    if (monitor_v) fail("bus monitor: " + pin->monitor.summary());
    if (verifier_v)
        fail("DMA verifier: " + std::to_string(verifier_v) + " accesses outside what the driver handed out");
    if (ndis_v) fail("NDIS contract: " + std::to_string(ndis_v) + " violations");
    if (!dut.failure().empty()) fail(dut.failure());
    if (partner && !partner->failure().empty()) fail("partner: " + partner->failure());
    const FaultConfig& fc = cfg.faults;
    if (fc.any()) {
        // The faults injected, the evidence that each took effect, and the losses the NIC or the wire accounted for.
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
        auto evidence = [&](bool asked, bool seen, const std::string& what) {
            if (asked && !seen) fail("fault " + what + " had no effect");
        };
        if (pin) {
            // The faults that act on the host bridge and the bus lines (validate() refuses them with tlm).
            const host::HostBridgeStats& bs = pin->host.bridge.stats();
            const pci::MasterStats& nm = pin->nic.master().stats();
            const uint64_t parity_seen = bs.parity_errors + nm.parity_errors + pin->nic.target().stats().parity_errors;
            s.add_count(sec, "injected retries", bs.injected_retries);
            s.add_count(sec, "injected disconnects", bs.injected_disconnects);
            s.add_count(sec, "latency spikes", bs.latency_spikes);
            s.add_count(sec, "injected target aborts", bs.injected_target_aborts);
            s.add_count(sec, "injected master aborts", bs.injected_master_aborts);
            s.add_count(sec, "parity errors seen", parity_seen);
            evidence(fc.retry > 0, bs.injected_retries > 0, "retry");
            evidence(fc.disconnect > 0, bs.injected_disconnects > 0, "disconnect");
            evidence(fc.latency_spike > 0, bs.latency_spikes > 0, "latency-spike");
            evidence(fc.target_abort_at != 0, bs.injected_target_aborts == 1 && nm.target_aborts >= 1, "target-abort");
            evidence(fc.master_abort_at != 0, bs.injected_master_aborts == 1 && nm.master_aborts >= 1, "master-abort");
            evidence(fc.parity_address_ns || fc.parity_data_ns || fc.parity_read_ns, parity_seen > 0, "parity");
        } else if (const char* f = fc.first_needing_bus()) {
            fail(std::string("fault ") + f + " needs --bus-model pin");
        }
        s.add_count(sec, "frames lost to link down", a2b.link_down + b2a.link_down);
        s.add_count(sec, "media disconnect indications", disconnects);
        s.add_count(sec, "media connect indications", connects);
        s.add_count(sec, "RX missed (MPC)", d.rx_missed);
        s.add_count(sec, "TX frames dropped", d.tx_dropped);
        s.add_count(sec, "RX frames dropped", d.rx_dropped);
        if (fc.reset_at_ns) {
            s.add_count(sec, "reset at ns", dut.reset_start_ns());
            s.add_count(sec, "reset took ns", dut.reset_end_ns() - dut.reset_start_ns());
            s.add_count(sec, "sends completed after reset", dut.tx_after_reset());
            s.add_count(sec, "frames indicated after reset", dut.rx_after_reset());
        }
        evidence(fc.rx_flood, d.rx_missed > 0, "rx-flood (no RX overrun)");
        // A flap that starts and ends while the driver resets the adapter is not indicated: the link is up before
        // and after the reset, and the miniport indicates changes only. The wire's losses show it happened.
        const bool flap_in_reset = fc.link_flap_ns && dut.reset_start_ns() && fc.link_flap_ns >= dut.reset_start_ns() &&
                                   fc.link_flap_ns + fc.link_down_ns <= dut.reset_end_ns();
        if (flap_in_reset) {
            s.add_text(sec, "link flap", "during the driver reset: not indicated (link up before and after)");
            evidence(true, top.link_restored(), "link-flap (the link never came back up within the run)");
        } else {
            evidence(fc.link_flap_ns != 0, disconnects > 0 && connects > 0,
                     "link-flap (NDIS was not told of media disconnect and connect)");
        }
        evidence(fc.reset_at_ns != 0, dut.reset_start_ns() != 0, "reset-at (the traffic ended before it)");
        if (fc.link_flap_ns && !out.time_limit && !out.interrupted) {
            // Traffic resumed: frames still to come when the link came back were delivered after it.
            const uint64_t dirs = cfg.direction == Direction::Both ? 2 : 1;
            const uint64_t frames_now = a2b.frames + b2a.frames;
            evidence(true, top.link_restored(), "link-flap (the link never came back up within the run)");
            if (top.link_restored() && top.link_up_frames() + top.link_up_lost() < dirs * cfg.packets &&
                frames_now == top.link_up_frames())
                fail("link-flap: no frame crossed the wire after the link came back (traffic did not resume)");
            s.add_count(sec, "frames on the wire after link up", frames_now - top.link_up_frames());
        }
        if (fc.reset_at_ns && dut.reset_start_ns() && !out.time_limit && !out.interrupted) {
            // Traffic resumed: sends made after the reset complete, frames injected after it (and its window) arrive.
            if (dut.sent_after_reset() && dut.tx_after_reset() == 0)
                fail("reset-at: no send completed after the reset (transmit did not resume)");
            const uint64_t rx_later =
                top.peer() ? top.peer()->injected_between(dut.reset_end_ns() + kResetRxWindowNs, UINT64_MAX) : 0;
            if (cfg.pcap_in.empty() && rx_later && dut.rx_after_reset() == 0)
                fail("reset-at: no frame was indicated after the reset (receive did not resume)");
        }
        if (fc.reset_at_ns && dut.reset_start_ns() && dut.reset_status() != NDIS_STATUS_SUCCESS) {
            char buf[80];
            std::snprintf(buf, sizeof buf, "reset-at: NdisHost::reset returned 0x%08X", unsigned(dut.reset_status()));
            fail(buf);
        }
    }
    if (!out.interrupted && !out.time_limit && fc.lossy()) {
        // Losses are accepted up to what the NIC and the wire counted (a reset: what arrived around it); nothing
        // may be corrupted, duplicated, reordered or unexpected, and traffic must resume (frames intact).
        const uint64_t tx_allowed =
            d.tx_dropped + top.wire().stats(true).link_down + (fc.reset_at_ns ? kResetTxLoss : 0);
        uint64_t rx_allowed = d.rx_missed + d.rx_dropped + top.wire().stats(false).link_down;
        if (fc.reset_at_ns && top.peer() && dut.reset_start_ns())
            rx_allowed += top.peer()->injected_between(
                dut.reset_start_ns() - std::min<uint64_t>(dut.reset_start_ns(), kResetRxWindowNs),
                dut.reset_end_ns() + kResetRxWindowNs);
        Scoreboard& rx = dut.rx_board();
        s.add_count("faults", "TX losses accepted", tx_allowed);
        s.add_count("faults", "RX losses accepted", rx_allowed);
        if (!tx.intact())
            fail(tx.first_problem());
        else if (tx.missing() > tx_allowed)
            fail("transmit: " + std::to_string(tx.missing()) + " frames missing, only " + std::to_string(tx_allowed) +
                 " accounted for (" + tx.first_missing() + ")");
        if (cfg.pcap_in.empty()) {
            if (!rx.intact())
                fail(rx.first_problem());
            else if (rx.missing() > rx_allowed)
                fail("receive: " + std::to_string(rx.missing()) + " frames missing, only " +
                     std::to_string(rx_allowed) + " accounted for (" + rx.first_missing() + ")");
        }
        if (dut.sent_packets() && tx.counts().matched == 0) fail("transmit: no frame arrived (traffic did not resume)");
        if (rx.counts().expected && rx.counts().matched == 0)
            fail("receive: no frame arrived (traffic did not resume)");
    } else if (!out.interrupted && !out.time_limit) {
        if (!tx.clean())
            fail(tx.first_problem().empty()
                     ? "transmit: " + std::to_string(tx.missing()) + " frames missing (" + tx.first_missing() + ")"
                     : tx.first_problem());
        Scoreboard& rx = dut.rx_board();
        if (cfg.pcap_in.empty() && !rx.clean())
            fail(rx.first_problem().empty()
                     ? "receive: " + std::to_string(rx.missing()) + " frames missing (" + rx.first_missing() + ")"
                     : rx.first_problem());
    }
    // A run stopped early proved nothing about the traffic it did not finish: never a pass.
    s.add_text("checks", "verdict", !out.failures.empty() ? "FAIL" : out.interrupted ? "interrupted" : "pass");

    // Last, and the only rows that differ between two runs of the same seed: the comparison drops this section.
    s.add(kWallClockSection, "wall time", out.wall_seconds, "s");
    s.add(kWallClockSection, "simulated clocks per second", out.wall_seconds > 0 ? clocks / out.wall_seconds : 0);
    s.add_count(kWallClockSection, "peak RSS at start kB", out.rss_start_kb);
    s.add_count(kWallClockSection, "peak RSS at end kB", peak_rss_kb());
    return s;
}

}  // namespace nicsim::tb
