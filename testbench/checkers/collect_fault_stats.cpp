// The checks and faults sections of the statistics record: what the monitors objected to, and for each fault asked
// for the evidence that it took effect and the traffic it may have cost.
#include <algorithm>
#include <cstdio>

#include "testbench/checkers/reset_rows.h"
#include "testbench/checkers/run_view.h"
#include "testbench/checkers/stat_rows.h"

namespace nicsim::tb {
namespace {

constexpr uint64_t kResetRxWindowNs = 100'000;  // frames arriving this soon after a reset may still find it off

/// Pin-level fault evidence: what the host bridge and the NIC counted of the faults acting on the bus.
const StatRow<host::HostBridgeStats> kBridgeFaultRows[] = {
    {"injected retries", &host::HostBridgeStats::injected_retries},
    {"injected disconnects", &host::HostBridgeStats::injected_disconnects},
    {"latency spikes", &host::HostBridgeStats::latency_spikes},
    {"injected target aborts", &host::HostBridgeStats::injected_target_aborts},
    {"injected master aborts", &host::HostBridgeStats::injected_master_aborts},
};
const StatRow<MachineView> kNicBusFaultRows[] = {
    {"parity errors seen",
     [](const MachineView& v) {
         Machine& m = *v.m.pin();
         return stat_count(m.host.bridge.stats().parity_errors + m.nic.master().stats().parity_errors +
                           m.nic.target().stats().parity_errors);
     }},
    {"NIC target aborts",
     [](const MachineView& v) { return stat_count(v.m.pin()->nic.master().stats().target_aborts); }},
    {"NIC master aborts",
     [](const MachineView& v) { return stat_count(v.m.pin()->nic.master().stats().master_aborts); }},
};

/// Media indications NDIS received: disconnects, and connects that followed one.
std::pair<unsigned, unsigned> media_indications(MachineBase& dut) {
    unsigned disconnects = 0, connects = 0;
    if (ndis::NdisHost* h = dut.ndis())
        for (const ndis::StatusIndication& i : h->status_indications()) {
            disconnects += i.status == NDIS_STATUS_MEDIA_DISCONNECT;
            connects += i.status == NDIS_STATUS_MEDIA_CONNECT && disconnects > 0;
        }
    return {disconnects, connects};
}

/// Losses the wire and the NIC counted, whichever fault caused them.
const StatRow<RunView> kLossRows[] = {
    {"frames lost to link down",
     [](const RunView& r) {
         return stat_count(r.top.wire().stats(true).link_down + r.top.wire().stats(false).link_down);
     }},
    {"TX frames lost to link down", [](const RunView& r) { return stat_count(r.top.wire().stats(true).link_down); }},
    {"RX frames lost to link down", [](const RunView& r) { return stat_count(r.top.wire().stats(false).link_down); }},
    {"media disconnect indications", [](const RunView& r) { return stat_count(media_indications(r.dut).first); }},
    {"media connect indications", [](const RunView& r) { return stat_count(media_indications(r.dut).second); }},
    {"RX missed (MPC)", [](const RunView& r) { return stat_count(r.data_path().rx_missed); }},
    {"TX frames dropped", [](const RunView& r) { return stat_count(r.data_path().tx_dropped); }},
    {"RX frames dropped", [](const RunView& r) { return stat_count(r.data_path().rx_dropped); }},
    {"RX frames flushed by a reset", [](const RunView& r) { return stat_count(r.data_path().rx_flushed); }},
    {"RX frames written, discarded by a reset",
     [](const RunView& r) { return stat_count(r.dut.rx_unindicated_at_reset()); }},
};

/// The first reset NDIS made because MiniportCheckForHang answered TRUE, and whether receive came back after it.
void add_recovery(RunStats& s, const RunView& r, const ndis::NdisHost& h) {
    const std::string sec = "faults";
    const uint64_t start = h.hang_reset_start_ns(), end = h.hang_reset_end_ns();
    s.add_count(sec, kHangRecovery.at, start);
    s.add_count(sec, "recovery reset took ns", end - start);
    s.add_count(sec, kHangRecovery.indicated, r.dut.rx_after_recovery());
    const uint64_t arriving = r.top.peer() ? r.top.peer()->injected_between(end, UINT64_MAX) : 0;
    s.add_count(sec, kHangRecovery.arriving, arriving);
    if (r.top.peer()) add_resume_not_shown(s, kHangRecovery, arriving);
}

/// The reset --fault reset-at asked for: when, how long, the traffic at risk in it and what completed after it.
void add_reset_at(RunStats& s, const RunView& r) {
    const std::string sec = "faults";
    MachineBase& dut = r.dut;
    Peer* peer = r.top.peer();
    const uint64_t start = dut.reset_start_ns(), end = dut.reset_end_ns();
    s.add_count(sec, kResetAt.at, start);
    s.add_count(sec, "reset took ns", end - start);
    s.add_count(sec, "sends completed after reset", dut.tx_after_reset());
    s.add_count(sec, kResetAt.indicated, dut.rx_after_reset());
    s.add_count(sec, "sends made after reset", dut.sent_after_reset());
    if (start && dut.sent_after_reset() == 0)
        s.add_text(sec, kTxResumeNotShown, "not shown: no send was made after the reset (traffic had ended)");
    // Sends the driver accepted before the reset (refused ones never reach the wire and are not expected).
    const uint64_t before = dut.sent_packets() - std::min(dut.sent_packets(), dut.sent_after_reset());
    const uint64_t accepted = before - std::min(before, dut.sends_refused());
    // The protocol's window of outstanding sends: a reset may lose them all.
    s.add_count(sec, "sends at risk in the reset", std::min<uint64_t>(dut.send_window(), accepted));
    const uint64_t after = peer && start ? peer->injected_between(end + kResetRxWindowNs, UINT64_MAX) : 0;
    s.add_count(sec, kResetAt.arriving, after);
    if (peer && start) add_resume_not_shown(s, kResetAt, after);
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", unsigned(dut.reset_status()));
    if (start && dut.reset_status() != NDIS_STATUS_SUCCESS) s.add_text(sec, "reset status", buf);
}

/// The link flap: whether the link came back, and whether traffic crossed the wire after it.
void add_link_flap(RunStats& s, const RunView& r) {
    const std::string sec = "faults";
    const FaultConfig& fc = r.cfg.fault;
    SystemTop& top = r.top;
    const uint64_t dirs = r.cfg.direction == Direction::Both ? 2 : 1;
    const uint64_t settled = top.link_up_frames() + top.link_up_lost();
    s.add_count(sec, "link restored", top.link_restored() ? 1 : 0);
    s.add_count(sec, "frames still to send at link up",
                dirs * r.cfg.packets > settled ? dirs * r.cfg.packets - settled : 0);
    // A flap that starts and ends while the driver resets the adapter is not indicated: the link is up before and
    // after the reset, and the miniport indicates changes only. The wire's losses show it happened.
    const bool in_reset = r.dut.reset_start_ns() && fc.link_flap_ns >= r.dut.reset_start_ns() &&
                          fc.link_flap_ns + fc.link_down_for_ns <= r.dut.reset_end_ns();
    if (in_reset) s.add_text(sec, "link flap", "during the driver reset: not indicated (link up before and after)");
    if (!r.out.time_limit && !r.out.interrupted) {
        const uint64_t frames = top.wire().stats(true).frames + top.wire().stats(false).frames;
        s.add_count(sec, "frames on the wire after link up", frames - top.link_up_frames());
    }
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

}  // namespace

void add_check_stats(RunStats& s, const RunView& r) {
    const std::string sec = "checks";
    MachineBase* partner = r.partner;
    // Both machines of a run have the same bus model; with tlm there is no monitor (and no parity fault).
    Machine* partner_pin = partner ? partner->pin() : nullptr;
    uint64_t monitor_v =
        r.pin ? r.pin->monitor.violations() + (partner_pin ? partner_pin->monitor.violations() : 0) : 0;
    // Bad parity the fault plan drove on purpose is the monitor's rule 9 doing its job: counted, not a violation.
    const FaultConfig& fc = r.cfg.fault;
    const bool parity_faults = fc.parity_address_ns || fc.parity_data_ns || fc.parity_read_ns;
    const uint64_t parity_expected = parity_faults && r.pin ? r.pin->monitor.violations(pci::Rule::Parity) : 0;
    monitor_v -= parity_expected;
    if (parity_faults) s.add_count(sec, "bus monitor parity errors (injected)", parity_expected);
    const uint64_t verifier_v =
        r.dut.dma_verifier().violations() + (partner ? partner->dma_verifier().violations() : 0);
    const DriverReports ndis_v = driver_reports(r.dut.ndis(), partner ? partner->ndis() : nullptr);
    if (r.pin)
        s.add_count(sec, "bus monitor violations", monitor_v);
    else
        s.add_not_applicable(sec, "bus monitor violations", "--bus-model tlm");
    if (monitor_v) s.add_text(sec, "bus monitor summary", r.pin->monitor.summary());
    s.add_count(sec, "DMA verifier violations", verifier_v);
    s.add_count(sec, "NDIS contract violations", ndis_v.contract);
    if (ndis_v.faults) {  // shown when there are any: a clean run's record stays as it was
        s.add_count(sec, "driver faults", ndis_v.faults);
        s.add_text(sec, "first driver fault", ndis_v.first_fault);
    }
    if (!r.dut.failure().empty()) s.add_text(sec, "driver failure", r.dut.failure());
    if (partner && !partner->failure().empty()) s.add_text(sec, "partner driver failure", partner->failure());
}

void add_faults(RunStats& s, const RunView& r) {
    const std::string sec = "faults";
    const FaultConfig& fc = r.cfg.fault;
    s.add_text(sec, "plan", fc.text());
    if (Machine* pin = r.pin) {
        add_rows(s, sec, pin->host.bridge.stats(), kBridgeFaultRows);
        add_rows(s, sec, MachineView{*pin}, kNicBusFaultRows);
    }
    add_rows(s, sec, r, kLossRows);
    if (const ndis::NdisHost* h = r.dut.ndis(); h && h->hang_reset_start_ns()) add_recovery(s, r, *h);
    if (fc.reset_at_ns) add_reset_at(s, r);
    if (fc.link_flap_ns) add_link_flap(s, r);
}

}  // namespace nicsim::tb
