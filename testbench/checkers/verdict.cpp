#include "testbench/checkers/verdict.h"

#include <algorithm>

#include "testbench/checkers/overrun_rule.h"
#include "testbench/checkers/reset_rows.h"

namespace nicsim::tb {
namespace {

/// Reads the record: a count by section and name (0 when the run has no such row), a text ("" when absent).
struct Evidence {
    const RunStats& s;
    uint64_t n(const std::string& section, const std::string& key) const {
        const double v = s.value(section, key);
        return v > 0 ? static_cast<uint64_t>(v) : 0;
    }
    std::string text(const std::string& section, const std::string& key) const {
        for (const RunStats::Row& r : s.rows())
            if (r.section == section && r.key == key && !r.number) return r.text;
        return "";
    }
    bool has(const std::string& section, const std::string& key) const { return s.value(section, key) >= 0; }
    /// The sum of a section's counts, leaving out keys that start with `except` (when not empty).
    uint64_t section_total(const std::string& section, const std::string& except = "") const {
        uint64_t t = 0;
        for (const RunStats::Row& r : s.rows())
            if (r.section == section && r.number && (except.empty() || r.key.rfind(except, 0) != 0))
                t += static_cast<uint64_t>(r.value);
        return t;
    }
};

/// Frames of one direction: nothing corrupted, duplicated, reordered or unexpected; missing ones only as accepted.
void judge_board(const Evidence& e, const std::string& sec, uint64_t allowed, std::vector<std::string>& fail) {
    const uint64_t missing = e.n(sec, "frames missing");
    const std::string problem = e.text(sec, "first problem");
    const bool intact = e.n(sec, "frames corrupted") + e.n(sec, "frames duplicated") + e.n(sec, "frames reordered") +
                            e.n(sec, "frames unexpected") ==
                        0;
    if (!intact) {
        fail.push_back(problem);
        return;
    }
    if (missing > allowed)
        fail.push_back(sec + ": " + std::to_string(missing) + " frames missing" +
                       (allowed ? ", only " + std::to_string(allowed) + " accounted for" : "") + " (" +
                       e.text(sec, "first missing") + ")");
}

void judge_checks(const Evidence& e, std::vector<std::string>& fail) {
    if (e.n("checks", "bus monitor violations"))
        fail.push_back("bus monitor: " + e.text("checks", "bus monitor summary"));
    if (const uint64_t v = e.n("checks", "DMA verifier violations"))
        fail.push_back("DMA verifier: " + std::to_string(v) + " accesses outside what the driver handed out");
    if (const uint64_t v = e.n("checks", "NDIS contract violations"))
        fail.push_back("NDIS contract: " + std::to_string(v) + " violations");
    if (const uint64_t v = e.n("checks", "driver faults"))
        fail.push_back("driver fault: " + e.text("checks", "first driver fault") +
                       (v > 1 ? " (and " + std::to_string(v - 1) + " more)" : ""));
    if (const std::string f = e.text("checks", "driver failure"); !f.empty()) fail.push_back(f);
    if (const std::string f = e.text("checks", "partner driver failure"); !f.empty()) fail.push_back("partner: " + f);
    // The NDIS host's reports (nicsim/ndis/...) are SystemC warnings too: those counted above are judged once.
    const uint64_t ndis_judged = e.n("checks", "NDIS contract violations") + e.n("checks", "driver faults");
    const uint64_t ndis_warnings = e.section_total("warnings") - e.section_total("warnings", "nicsim/ndis/");
    if (const uint64_t w = e.section_total("warnings") - std::min(ndis_warnings, ndis_judged))
        fail.push_back("the model reported " + std::to_string(w) + " warnings");
}

/// Each fault asked for must show an effect.
void judge_fault_evidence(const Evidence& e, const RunConfig& cfg, std::vector<std::string>& fail) {
    const FaultConfig& fc = cfg.fault;
    auto evidence = [&](bool asked, bool seen, const std::string& what) {
        if (asked && !seen) fail.push_back("fault " + what + " had no effect");
    };
    const std::string f = "faults";
    if (cfg.bus_model == BusModel::Pin) {
        evidence(fc.retry > 0, e.n(f, "injected retries") > 0, "retry");
        evidence(fc.disconnect > 0, e.n(f, "injected disconnects") > 0, "disconnect");
        evidence(fc.latency_spike > 0, e.n(f, "latency spikes") > 0, "latency-spike");
        evidence(fc.target_abort != 0, e.n(f, "injected target aborts") == 1 && e.n(f, "NIC target aborts") >= 1,
                 "target-abort");
        evidence(fc.master_abort != 0, e.n(f, "injected master aborts") == 1 && e.n(f, "NIC master aborts") >= 1,
                 "master-abort");
        evidence(fc.parity_address_ns || fc.parity_data_ns || fc.parity_read_ns, e.n(f, "parity errors seen") > 0,
                 "parity");
    } else if (const char* kind = fc.first_needing_bus()) {
        fail.push_back(std::string("fault ") + kind + " needs --bus-model pin");
    }
    evidence(fc.rx_flood, e.n(f, "RX missed (MPC)") > 0, "rx-flood (no RX overrun)");
    if (fc.link_flap_ns) {
        const bool restored = e.n(f, "link restored") > 0;
        evidence(true, restored, "link-flap (the link never came back up within the run)");
        if (e.text(f, "link flap").empty())
            evidence(true, e.n(f, "media disconnect indications") > 0 && e.n(f, "media connect indications") > 0,
                     "link-flap (NDIS was not told of media disconnect and connect)");
        if (restored && e.has(f, "frames on the wire after link up") && e.n(f, "frames still to send at link up") &&
            e.n(f, "frames on the wire after link up") == 0)
            fail.push_back("link-flap: no frame crossed the wire after the link came back (traffic did not resume)");
    }
    evidence(fc.reset_at_ns != 0, e.n(f, kResetAt.at) != 0, "reset-at (the traffic ended before it)");
}

/// A reset of the adapter (reset-at or a hang check's) must bring receive back: a frame that arrived after it is
/// indicated. (Frames from --pcap-in are not the peer's: none counts as arriving after a reset.)
void judge_receive_resumed(const Evidence& e, const ResetKind& k, bool completed, std::vector<std::string>& fail) {
    const std::string f = "faults";
    if (completed && e.n(f, k.at) && e.n(f, k.arriving) && e.n(f, k.indicated) == 0) fail.push_back(k.no_receive);
}

void judge_reset_at(const Evidence& e, const RunConfig& cfg, bool completed, std::vector<std::string>& fail) {
    const std::string f = "faults";
    if (!cfg.fault.reset_at_ns || !e.n(f, kResetAt.at)) return;
    if (completed && e.n(f, "sends made after reset") && e.n(f, "sends completed after reset") == 0)
        fail.push_back("reset-at: no send completed after the reset (transmit did not resume)");
    judge_receive_resumed(e, kResetAt, completed, fail);
    if (const std::string st = e.text(f, "reset status"); !st.empty())
        fail.push_back("reset-at: NdisHost::reset returned " + st);
}

/// True when some reset came when the traffic had ended or ended with it: resuming after it was not shown.
bool resume_not_shown(const Evidence& e) {
    for (const ResetKind* k : kResetKinds)
        if (!e.text("faults", k->not_shown).empty()) return true;
    return false;
}

/// Each --pcap-in frame the driver indicates is one the file sent, byte for byte and in order (PcapInBoard); each
/// one it does not is accounted for by the NIC (filtered as not ours, missed or dropped).
void judge_pcap_in(const Evidence& e, uint64_t rx_allowed, std::vector<std::string>& fail) {
    if (const uint64_t bad = e.n("receive", "frames from pcap corrupted"))
        fail.push_back("receive: " + std::to_string(bad) +
                       " frames indicated differ from the frames the pcap sent: " + e.text("receive", "first problem"));
    const uint64_t in = e.n("receive", "frames from pcap");
    // Frames the NIC rejects as its configuration says (the address filter; longer than RCTL.LPE allows, counted in
    // ROC; arriving while the receiver is off or the link down; in its FIFO at a reset) are accounted for; any other
    // frame of the file must reach the driver.
    const uint64_t seen =
        e.n("receive", "packets indicated") + e.n("nic", "frames filtered") +
        e.n("nic", "received frames dropped (length, errors)") + e.n("nic", "received frames dropped (receiver off)") +
        e.n("nic", "received frames dropped (link down)") + e.n("nic", "received frames flushed by a reset");
    const uint64_t lost = in > seen ? in - seen : 0;
    if (lost > rx_allowed)
        fail.push_back("receive: " + std::to_string(lost) + " of " + std::to_string(in) +
                       " frames from the pcap were neither indicated nor filtered nor dropped by the NIC" +
                       (rx_allowed ? ", only " + std::to_string(rx_allowed) + " accounted for" : ""));
}

/// Back to back, the frames of the transmit board are received by the partner's NIC, on a bus of its own built as the
/// DUT's: its overruns are judged by the receive board's rule, for the traffic it receives (the DUT's, mirrored) and
/// its own register cycles over the same run.
bool partner_overrun_inevitable(const Evidence& e, const RunConfig& cfg) {
    if (!e.has("partner", "NIC frames missed (RX overrun)")) return false;
    RunConfig mirrored = cfg;
    if (cfg.direction == Direction::Tx) mirrored.direction = Direction::Rx;
    if (cfg.direction == Direction::Rx) mirrored.direction = Direction::Tx;
    const uint64_t cpu_cycles = e.n("partner", "CPU MMIO cycles") + e.n("partner", "CPU config cycles");
    return overrun_inevitable(mirrored, cpu_bus_share(cpu_cycles, e.n("run", "bus clocks")));
}

}  // namespace

Verdict judge(const RunStats& stats, const RunConfig& cfg, const RunOutcome& out) {
    const Evidence e{stats};
    Verdict v;
    v.interrupted = out.interrupted;
    std::vector<std::string>& fail = v.reasons;
    if (out.stalled)
        fail.push_back(
            "the run stalled: nothing was sent, received or on the wire for 10 ms (10 s while the driver came up)");
    judge_checks(e, fail);
    if (cfg.fault.any()) judge_fault_evidence(e, cfg, fail);
    const bool completed = !out.interrupted && !out.time_limit && !out.stalled;
    judge_reset_at(e, cfg, completed, fail);
    judge_receive_resumed(e, kHangRecovery, completed, fail);
    if (completed) {
        // Losses are accepted up to what the NIC, the wire and the driver's reset counted. Each lost frame is in
        // exactly one of those counts (missed, dropped, lost on the wire, or written to host memory and discarded by
        // the reset), so a frame lost without being counted leaves a missing frame unaccounted for.
        const std::string f = "faults";
        const uint64_t cpu_cycles = e.n("host", "CPU MMIO cycles") + e.n("host", "CPU config cycles");
        v.overrun_inevitable = overrun_inevitable(cfg, cpu_bus_share(cpu_cycles, e.n("run", "bus clocks")));
        v.partner_overrun_inevitable = partner_overrun_inevitable(e, cfg);
        const bool faults = cfg.fault.lossy();
        const bool lossy = faults || v.overrun_inevitable || v.partner_overrun_inevitable;
        v.judged_losses = faults;
        if (faults || v.overrun_inevitable) {
            v.tx_losses_accepted = e.n(f, "TX frames dropped") + e.n(f, "TX frames lost to link down") +
                                   e.n(f, "sends at risk in the reset");
            v.rx_losses_accepted = e.n("nic", "frames missed (RX overrun)") + e.n(f, "RX frames dropped") +
                                   e.n(f, "RX frames lost to link down") +
                                   e.n(f, "RX frames written, discarded by a reset");
        }
        if (faults || v.partner_overrun_inevitable)
            v.partner_overruns_accepted = e.n("partner", "NIC frames missed (RX overrun)");
        judge_board(e, "transmit", v.tx_losses_accepted + v.partner_overruns_accepted, fail);
        if (cfg.pcap_in.empty())
            judge_board(e, "receive", v.rx_losses_accepted, fail);
        else
            judge_pcap_in(e, v.rx_losses_accepted, fail);
        // A reset after the last send leaves nothing to resume: the sends before it completed, were refused with a
        // status or are among those at risk in it.
        if (e.n("transmit", "packets sent") && e.has("transmit", "frames intact") &&
            e.n("transmit", "frames intact") == 0 && lossy && e.text(f, kTxResumeNotShown).empty())
            fail.push_back("transmit: no frame arrived (traffic did not resume)");
        // After a reset that came when the traffic had ended or ended with it, every frame may be gone and
        // accounted for.
        if (e.n("receive", "frames expected") && e.n("receive", "frames intact") == 0 && lossy && !resume_not_shown(e))
            fail.push_back("receive: no frame arrived (traffic did not resume)");
    }
    for (const std::string& f : out.failures) fail.push_back(f);
    return v;
}

void record_verdict(RunStats& s, const Verdict& v) {
    if (v.judged_losses) {
        s.add_count("faults", "TX losses accepted", v.tx_losses_accepted + v.partner_overruns_accepted);
        s.add_count("faults", "RX losses accepted", v.rx_losses_accepted);
    } else {
        if (v.overrun_inevitable && v.rx_losses_accepted)
            s.add_count("receive", "RX overruns accepted (the bus cannot carry the link rate)", v.rx_losses_accepted);
        if (v.partner_overruns_accepted)
            s.add_count("transmit", "RX overruns accepted at the partner", v.partner_overruns_accepted);
    }
    // A run stopped early proved nothing about the traffic it did not finish: never a pass.
    s.add_text("checks", "verdict", !v.reasons.empty() ? "FAIL" : v.interrupted ? "interrupted" : "pass");
}

}  // namespace nicsim::tb
