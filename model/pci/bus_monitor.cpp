#include "model/pci/bus_monitor.h"

#include <cstdarg>
#include <cstdio>
#include <stdexcept>

namespace nicsim::pci {

using namespace sc_core;

namespace {

// One id per check, so a continuing violation is reported once per transaction but distinct ones all count.
enum Clause : unsigned {
    kGntInReset,        // rule 1
    kTwoGnt,            // rule 1
    kStartBusy,         // rule 1
    kStartNoGnt,        // rule 1
    kStartWrongMaster,  // rule 1
    kDacNoSecond,       // rule 2
    kDacTwice,          // rule 2
    kDacZeroHigh,       // rule 2
    kDac32Bit,          // rule 2
    kCbeUndriven,       // rule 3
    kCbeChanged,        // rule 3
    kIrdyIdle,          // rule 4
    kIrdyInAddress,     // rule 4
    kIrdyDropped,       // rule 4
    kFrameUnderIrdy,    // rule 4
    kFrameWithoutIrdy,  // rule 4
    kFrameReasserted,   // rule 4
    kFrameAfterStop,    // rule 4
    kIrdyAfterLast,     // rule 4
    kTargetIdle,        // rule 5
    kTrdyNoDevsel,      // rule 5
    kStopNoDevsel,      // rule 5
    kTargetChanged,     // rule 5
    kStopEarly,         // rule 5
    kDevselDropped,     // rule 5
    kTargetAfterLast,   // rule 5
    kDevselInAddress,   // rule 6
    kDevselLate,        // rule 6
    kNoAbortFrame,      // rule 6
    kNoAbortIrdy,       // rule 6
    kIrdyLatency,       // rule 7
    kTargetLatency,     // rule 7
    kLatencyTimer,      // rule 8
    kParUndriven,       // rule 9
    kBadPar,            // rule 9
    kPar64Undriven,     // rule 9
    kBadPar64,          // rule 9
    kPerrNoError,       // rule 9
    kTrdyInTurnaround,  // rule 10
    kAdInTurnaround,    // rule 10
    kReq64Timing,       // rule 11
    kAck64NoReq64,      // rule 11
    kAck64Timing,       // rule 11
    kBus64Idle,         // rule 11
    kReq64From32Bit,    // rule 11
    kDac64Undriven,     // rule 11
    kDac64Address,      // rule 11
    kWideUndriven,      // rule 11
    kReservedOrder,     // rule 12
    kMwiOrder,          // rule 12
    kMwiAlign,          // rule 12
    kMwiByteEnables,    // rule 12
    kMwiPartialLine,    // rule 12
    kContention,        // rule 13
    kStsRelease,        // rule 13
};
static_assert(kStsRelease < 64, "clauses fit the 64-bit dedup mask");

constexpr uint32_t kStsLines = kFrame | kIrdy | kTrdy | kStop | kDevsel | kPerr;  // sustained tri-state
constexpr uint8_t kCmdDac = static_cast<uint8_t>(Cmd::DualAddress);
constexpr uint8_t kCmdMwi = static_cast<uint8_t>(Cmd::MemWriteInvalidate);

const char* line_name(uint32_t bits) {
    if (bits & kFrame) return "FRAME#";
    if (bits & kIrdy) return "IRDY#";
    if (bits & kTrdy) return "TRDY#";
    if (bits & kStop) return "STOP#";
    if (bits & kDevsel) return "DEVSEL#";
    if (bits & kPerr) return "PERR#";
    if (bits & kAdLo) return "AD[31:0]";
    if (bits & kAdHi) return "AD[63:32]";
    if (bits & kCbeLo) return "C/BE#[3:0]";
    if (bits & kCbeHi) return "C/BE#[7:4]";
    if (bits & kPar) return "PAR";
    if (bits & kPar64) return "PAR64";
    if (bits & kReq64) return "REQ64#";
    if (bits & kAck64) return "ACK64#";
    return "SERR#";
}

unsigned enabled_bytes(uint8_t cbe_n, bool hi) {
    const unsigned mask = hi ? 0xFFu : 0x0Fu;
    unsigned x = ~cbe_n & mask;  // a bit count without the libgcc popcount call (no -mpopcnt)
    x = (x & 0x55u) + ((x >> 1) & 0x55u);
    x = (x & 0x33u) + ((x >> 2) & 0x33u);
    return (x & 0x0Fu) + (x >> 4);
}

bool same_lines(const Lines& a, const Lines& b) {
    return a.driven == b.driven && a.contention == b.contention && a.level == b.level && a.ad == b.ad &&
           a.cbe_n == b.cbe_n && a.req_n == b.req_n && a.gnt_n == b.gnt_n && a.idsel == b.idsel && a.inta == b.inta &&
           a.rst_n == b.rst_n;
}

}  // namespace

const char* rule_name(Rule r) {
    switch (r) {
        case Rule::StartOnIdleWithGnt:
            return "rule1-start-on-idle-with-gnt";
        case Rule::AddressPhase:
            return "rule2-address-phase";
        case Rule::DataPhase:
            return "rule3-data-phase";
        case Rule::MasterSignals:
            return "rule4-master-signals";
        case Rule::TargetSignals:
            return "rule5-target-signals";
        case Rule::DevselTiming:
            return "rule6-devsel-timing";
        case Rule::Latency:
            return "rule7-latency";
        case Rule::LatencyTimer:
            return "rule8-latency-timer";
        case Rule::Parity:
            return "rule9-parity";
        case Rule::ReadTurnaround:
            return "rule10-read-turnaround";
        case Rule::Bus64:
            return "rule11-bus64";
        case Rule::BurstOrder:
            return "rule12-burst-order";
        case Rule::Contention:
            return "rule13-contention";
    }
    return "rule-unknown";
}

BusMonitor::BusMonitor(sc_module_name name, PciBus& bus) : sc_module(name), m_bus(bus) {
    m_agent = m_bus.CLK.attach(*this, basename());
}

void BusMonitor::set_dac_capable(unsigned master, bool capable) {
    if (master >= 32) return;
    m_dac_mask = capable ? (m_dac_mask | (1u << master)) : (m_dac_mask & ~(1u << master));
}

void BusMonitor::set_data_path_64(unsigned master, bool wide) {
    if (master >= 32) return;
    m_req64_mask = wide ? (m_req64_mask | (1u << master)) : (m_req64_mask & ~(1u << master));
}

void BusMonitor::set_latency_timer(unsigned master, uint8_t clocks) {
    if (master < 32) m_lt[master] = clocks;
}

uint64_t BusMonitor::violations() const {
    uint64_t n = 0;
    for (unsigned i = 1; i < kRuleCount; ++i) n += m_count[i];
    return n;
}

uint64_t BusMonitor::violations(Rule r) const {
    const unsigned i = static_cast<unsigned>(r);
    return i < kRuleCount ? m_count[i] : 0;
}

const BusUsage& BusMonitor::usage() const {
    if (!m_sleeping || !m_prev.rst_n) return m_usage;
    const uint64_t last = m_bus.CLK.last_edge();
    m_usage_view = m_usage;
    if (last > m_last_clock) m_usage_view.clocks += last - m_last_clock;
    return m_usage_view;
}

std::string BusMonitor::summary() const {
    std::string s;
    for (unsigned i = 1; i < kRuleCount; ++i)
        if (m_count[i] != 0)
            s += std::string(rule_name(static_cast<Rule>(i))) + ": " + std::to_string(m_count[i]) + "\n";
    return s;
}

void BusMonitor::start_of_simulation() {
    const unsigned masters = m_bus.master_count();
    m_master_mask = masters >= 32 ? ~0u : ((1u << masters) - 1u);
    // PciBus has no driver count: probe the slots (elaboration is over, so the number is final).
    m_drivers = 0;
    for (;;) {
        try {
            (void)m_bus.driver_name(m_drivers);
        } catch (const std::out_of_range&) {
            break;
        }
        ++m_drivers;
    }
    m_sts_low.assign(m_drivers, 0);
    // Agents register their driver slot and their REQ#/GNT# pair under one name: that ties FRAME# to a GNT#.
    m_driver_master.assign(m_drivers, kNoOwner);
    for (unsigned d = 0; d < m_drivers; ++d)
        for (unsigned i = 0; i < masters && i < 32; ++i)
            if (m_bus.driver_name(d) == m_bus.master_name(i)) m_driver_master[d] = i;
}

void BusMonitor::flag(Rule r, unsigned clause, uint64_t n, const char* fmt, ...) {
    const uint64_t bit = 1ull << clause;
    if (m_reported & bit) return;
    m_reported |= bit;
    ++m_count[static_cast<unsigned>(r)];
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char msg[320];
    std::snprintf(msg, sizeof msg, "clock %llu: %s", static_cast<unsigned long long>(n), what);
    const std::string type = std::string("nicsim/pci/monitor/") + rule_name(r);
    SC_REPORT_WARNING(type.c_str(), msg);
}

void BusMonitor::clock_edge() {
    const uint64_t n = m_bus.clock_count();
    const Lines& l = m_bus.lines();
    if (m_sleeping) {
        // The clocks slept through were idle copies of m_prev: account for them without evaluating them.
        m_sleeping = false;
        if (m_prev.rst_n && n > m_last_clock + 1) m_usage.clocks += n - m_last_clock - 1;
    }
    ++m_evaluated;
    if (m_bus.CLK.batch_edge()) {
        steady_clock(l, n);
        return;
    }
    step(l, n);
    const bool quiet = m_phase == Phase::Idle && l.idle() && same_lines(l, m_prev) && !m_par_due && m_bad_hist == 0;
    m_prev = l;
    m_last_clock = n;
    if (quiet) {
        m_sleeping = true;
        m_bus.CLK.sleep(m_agent);  // a line change wakes it
    }
}

// The next clock continues a zero-wait burst (steady_burst()) and no check of it can flag a violation: a batch may
// evaluate it early (a report would carry the wrong time).
bool BusMonitor::steady_edge() const {
    constexpr uint32_t kBurstLines = kFrame | kIrdy | kTrdy | kStop | kDevsel;
    const Lines& l = m_bus.lines();
    const uint64_t n = m_bus.CLK.edges();
    if (!l.rst_n || m_phase != Phase::Data || m_sleeping || m_last_clock + 1 != n || n != m_phase_start) return false;
    if (!m_prev_completed || !m_devsel_seen || m_master_abort || n - m_addr < 2 || m_lt_clock != 0) return false;
    if (((l.level ^ m_prev.level) & kBurstLines) != 0 || (l.level & kBurstLines) != kStop) return false;
    if (l.contention != 0 || m_bus.control_generation() != m_sts_gen || l.asserted(kPerr) || m_bad_hist != 0)
        return false;
    const uint32_t g = granted(l);
    if ((g & (g - 1)) != 0 || !l.is_driven(kCbeLo)) return false;
    return parity_holds(l) && bus64_holds(l);
}

// An edge steady_edge() vouched for: the one the full step() would take through a steady burst's data phase, with
// only what it changes (every check it makes holds, so none is repeated here).
void BusMonitor::steady_clock(const Lines& l, uint64_t n) {
    ++m_usage.clocks;
    ++m_usage.busy_clocks;
    ++m_usage.busy_by_cmd[m_cmd & 0xF];
    const bool phase64 = m_req64 && m_ack64;
    schedule_parity(l, true, phase64);
    m_phase_cbe = l.cbe_n;
    ++m_usage.data_clocks;
    ++m_usage.data_by_cmd[m_cmd & 0xF];
    m_usage.bytes += enabled_bytes(l.cbe_n, phase64);
    ++m_phases_done;
    m_dwords += phase64 ? 2 : 1;
    m_ref = n;
    m_phase_start = n + 1;
    m_phase_irdy = m_phase_tgt = false;
    m_prev_completed = true;
    m_prev_stop = false;
    watch_latency_timer(l, false, n);
    m_prev = l;
    m_last_clock = n;
}

bool BusMonitor::parity_holds(const Lines& l) const {
    if (m_par_due &&
        (!l.is_driven(kPar) || l.high(kPar) != parity_of(static_cast<uint32_t>(m_par_ad), m_par_cbe & 0xF)))
        return false;
    return !m_par64_due ||
           (l.is_driven(kPar64) && l.high(kPar64) == parity_of(static_cast<uint32_t>(m_par_ad >> 32), m_par_cbe >> 4));
}

bool BusMonitor::bus64_holds(const Lines& l) const {
    const bool phase64 = m_req64 && m_ack64;
    if (m_bus.is64() && (l.asserted(kReq64) != m_req64 || l.asserted(kAck64) != m_ack64)) return false;
    if (m_cmd == kCmdMwi && (l.cbe_n & (phase64 ? 0xFF : 0x0F)) != 0) return false;
    return !phase64 || (l.is_driven(kCbeHi) && l.is_driven(kAdHi));
}

void BusMonitor::reset_state() {
    m_phase = Phase::Idle;
    m_par_due = m_par64_due = false;
    m_bad_hist = 0;
    m_prev_completed = m_prev_stop = false;
    for (unsigned i = 0; i < m_drivers; ++i) {
        const Drive& d = m_bus.driven_by(i);
        m_sts_low[i] = d.oe & ~d.level & kStsLines;
    }
}

void BusMonitor::step(const Lines& l, uint64_t n) {
    if (!l.rst_n) {
        if (m_prev.rst_n) m_reported = 0;  // a new reset is a new episode
        if (granted(l) != 0) flag(Rule::StartOnIdleWithGnt, kGntInReset, n, "GNT# asserted while RST# is asserted");
        reset_state();
        return;
    }
    ++m_usage.clocks;
    if (!l.idle()) {
        ++m_usage.busy_clocks;
        // Address phases belong to the command they carry, known only once it is decoded (after a DAC's second).
        if (m_phase == Phase::Data || m_phase == Phase::Turnaround)
            ++m_usage.busy_by_cmd[m_cmd & 0xF];
        else
            ++m_unattributed;
    }
    m_bad_hist = static_cast<uint8_t>((m_bad_hist << 1) & 0x7);

    if (l.contention != 0)
        flag(Rule::Contention, kContention, n, "%s driven by more than one agent", line_name(l.contention));
    check_sts_release(n);
    const uint32_t g = granted(l);
    if (g & (g - 1)) flag(Rule::StartOnIdleWithGnt, kTwoGnt, n, "more than one GNT# asserted (GNT# mask 0x%x)", g);
    check_parity(l, n);
    if (l.asserted(kPerr) && !(m_bad_hist & 0x4))
        flag(Rule::Parity, kPerrNoError, n, "PERR# asserted without a data parity error two clocks earlier");

    switch (m_phase) {
        case Phase::Idle:
            if (l.asserted(kFrame))
                start_address(l, n);
            else
                idle_checks(l, n);
            break;
        case Phase::DacHigh:
            dac_high(l, n);
            break;
        case Phase::Data:
            data_clock(l, n);
            break;
        case Phase::Turnaround:
            turnaround(l, n);
            break;
    }
}

void BusMonitor::check_sts_release(uint64_t n) {
    // With no driver's lines or levels changed since the last walk, every m_sts_low[i] is still what it holds and no
    // driver can have released a line it drove low.
    const uint64_t gen = m_bus.control_generation();
    if (gen == m_sts_gen) return;
    m_sts_gen = gen;
    for (unsigned i = 0; i < m_drivers; ++i) {
        const Drive& d = m_bus.driven_by(i);
        const uint32_t released = m_sts_low[i] & ~d.oe;
        if (released)
            flag(Rule::Contention, kStsRelease, n, "%s released %s without driving it high for one clock",
                 m_bus.driver_name(i).c_str(), line_name(released));
        m_sts_low[i] = d.oe & ~d.level & kStsLines;
    }
}

void BusMonitor::check_parity(const Lines& l, uint64_t n) {
    if (m_par_due) {
        m_par_due = false;
        const char* what = m_par_data ? "data" : "address";
        if (!l.is_driven(kPar)) {
            flag(Rule::Parity, kParUndriven, n, "PAR not driven one clock after a %s phase", what);
        } else if (l.high(kPar) != parity_of(static_cast<uint32_t>(m_par_ad), m_par_cbe & 0xF)) {
            flag(Rule::Parity, kBadPar, n, "bad PAR for the %s phase on clock %llu (AD 0x%08x C/BE# 0x%x)", what,
                 static_cast<unsigned long long>(n - 1), static_cast<unsigned>(m_par_ad), m_par_cbe & 0xFu);
            if (m_par_data) m_bad_hist |= 0x2;
        }
    }
    if (m_par64_due) {
        m_par64_due = false;
        if (!l.is_driven(kPar64)) {
            flag(Rule::Parity, kPar64Undriven, n, "PAR64 not driven one clock after a 64-bit %s phase",
                 m_par_data ? "data" : "address");
        } else if (l.high(kPar64) != parity_of(static_cast<uint32_t>(m_par_ad >> 32), m_par_cbe >> 4)) {
            flag(Rule::Parity, kBadPar64, n, "bad PAR64 for the %s phase on clock %llu (AD[63:32] 0x%08x)",
                 m_par_data ? "data" : "address", static_cast<unsigned long long>(n - 1),
                 static_cast<unsigned>(m_par_ad >> 32));
            if (m_par_data) m_bad_hist |= 0x2;
        }
    }
}

void BusMonitor::schedule_parity(const Lines& l, bool data, bool hi) {
    m_par_due = true;
    m_par64_due = hi;
    m_par_data = data;
    m_par_ad = l.ad;
    m_par_cbe = l.cbe_n;
}

void BusMonitor::idle_checks(const Lines& l, uint64_t n) {
    if (l.asserted(kIrdy)) flag(Rule::MasterSignals, kIrdyIdle, n, "IRDY# asserted with no transaction in progress");
    if (l.asserted(kTrdy) || l.asserted(kStop) || l.asserted(kDevsel))
        flag(Rule::TargetSignals, kTargetIdle, n, "%s asserted with no transaction in progress",
             line_name(~l.level & (kTrdy | kStop | kDevsel)));
    if (m_bus.is64() && (l.asserted(kReq64) || l.asserted(kAck64)))
        flag(Rule::Bus64, kBus64Idle, n, "%s asserted with no transaction in progress",
             line_name(~l.level & (kReq64 | kAck64)));
}

void BusMonitor::start_address(const Lines& l, uint64_t n) {
    m_reported = 0;
    const uint32_t pg = granted(m_prev);
    if (!m_prev.idle())
        flag(Rule::StartOnIdleWithGnt, kStartBusy, n,
             "FRAME# asserted although the bus was not idle on the clock before");
    else if (m_master_mask != 0 && pg == 0)
        flag(Rule::StartOnIdleWithGnt, kStartNoGnt, n, "FRAME# asserted but no GNT# was sampled on the clock before");
    m_owner = pg ? static_cast<unsigned>(__builtin_ctz(pg)) : kNoOwner;
    if (m_owner != kNoOwner && m_prev.idle()) {
        for (unsigned d = 0; d < m_drivers; ++d) {
            const Drive& dr = m_bus.driven_by(d);
            const unsigned who = m_driver_master[d];
            if ((dr.oe & ~dr.level & kFrame) && who != kNoOwner && who != m_owner)
                flag(Rule::StartOnIdleWithGnt, kStartWrongMaster, n, "FRAME# asserted by %s but GNT# was given to %s",
                     m_bus.master_name(who).c_str(), m_bus.master_name(m_owner).c_str());
        }
    }
    ++m_usage.transactions;
    m_first_addr = m_addr = n;
    m_lo_addr = static_cast<uint32_t>(l.ad);
    m_req64 = m_bus.is64() && l.asserted(kReq64);
    m_ack64 = m_devsel_seen = m_master_abort = m_stop_seen = false;
    m_prev_completed = m_prev_stop = false;
    m_phases_done = m_dwords = 0;
    m_lt_clock = 0;
    m_lt_allow = m_lt_over = 0;
    if (l.asserted(kIrdy)) flag(Rule::MasterSignals, kIrdyInAddress, n, "IRDY# asserted in the address phase");
    if (l.asserted(kDevsel)) flag(Rule::DevselTiming, kDevselInAddress, n, "DEVSEL# asserted in the address phase");
    if (l.asserted(kTrdy) || l.asserted(kStop))
        flag(Rule::TargetSignals, kTargetIdle, n, "%s asserted in the address phase",
             line_name(~l.level & (kTrdy | kStop)));
    if (m_bus.is64() && l.asserted(kAck64)) flag(Rule::Bus64, kAck64Timing, n, "ACK64# asserted in the address phase");
    if (m_req64 && m_owner != kNoOwner && m_owner < 32 && !((m_req64_mask >> m_owner) & 1u))
        flag(Rule::Bus64, kReq64From32Bit, n, "REQ64# asserted by master %s, which has a 32-bit data path",
             m_bus.master_name(m_owner).c_str());
    const uint8_t cmd = l.cbe_n & 0xF;
    const bool dac64 = cmd == kCmdDac && m_req64;  // the upper half carries the address too (PAR64 covers it)
    if (dac64) check_dac64_phase(l, n, "first");
    m_dac_hi = l.ad >> 32;
    m_dac_cmd_hi = static_cast<uint8_t>(l.cbe_n >> 4);
    schedule_parity(l, false, dac64);
    if (cmd == kCmdDac)
        m_phase = Phase::DacHigh;
    else
        begin_command(cmd, n);
}

void BusMonitor::check_dac64_phase(const Lines& l, uint64_t n, const char* which) {
    if (!l.is_driven(kAdHi) || !l.is_driven(kCbeHi))
        flag(Rule::Bus64, kDac64Undriven, n, "DAC with REQ64#: %s not driven in the %s address phase",
             l.is_driven(kAdHi) ? "C/BE#[7:4]" : "AD[63:32]", which);
}

void BusMonitor::dac_high(const Lines& l, uint64_t n) {
    const uint32_t high = static_cast<uint32_t>(l.ad);
    const uint8_t cmd = l.cbe_n & 0xF;
    if (!l.asserted(kFrame))
        flag(Rule::AddressPhase, kDacNoSecond, n, "FRAME# deasserted in the second address phase of a DAC");
    if (cmd == kCmdDac) flag(Rule::AddressPhase, kDacTwice, n, "DAC command in the second address phase of a DAC");
    if (high == 0) flag(Rule::AddressPhase, kDacZeroHigh, n, "DAC with a zero high address dword");
    if (m_owner != kNoOwner && !((m_dac_mask >> m_owner) & 1u))
        flag(Rule::AddressPhase, kDac32Bit, n, "DAC from master %s, which is not 64-bit address capable",
             m_bus.master_name(m_owner).c_str());
    if (l.asserted(kIrdy)) flag(Rule::MasterSignals, kIrdyInAddress, n, "IRDY# asserted in the address phase");
    if (l.asserted(kDevsel)) flag(Rule::DevselTiming, kDevselInAddress, n, "DEVSEL# asserted in the address phase");
    if (l.asserted(kTrdy) || l.asserted(kStop))
        flag(Rule::TargetSignals, kTargetIdle, n, "%s asserted in the address phase",
             line_name(~l.level & (kTrdy | kStop)));
    if (m_bus.is64() && l.asserted(kReq64) != m_req64)
        flag(Rule::Bus64, kReq64Timing, n, "REQ64# changed between the two address phases of a DAC");
    if (m_req64) {
        // PCI Local Bus Specification 2.3, section 3.9: high dword on AD[63:32] and the command on C/BE#[7:4] in
        // the first phase; the second repeats both on the upper half.
        check_dac64_phase(l, n, "second");
        const uint32_t hi_now = static_cast<uint32_t>(l.ad >> 32);
        const uint8_t cmd_hi_now = static_cast<uint8_t>(l.cbe_n >> 4);
        if (l.is_driven(kAdHi) && l.is_driven(kCbeHi) &&
            (m_dac_hi != high || hi_now != high || m_dac_cmd_hi != cmd || cmd_hi_now != cmd))
            flag(Rule::Bus64, kDac64Address, n,
                 "DAC with REQ64#: AD[63:32] 0x%08x/0x%08x and C/BE#[7:4] 0x%x/0x%x in the two address phases, "
                 "expected the high dword 0x%08x and the command 0x%x in both",
                 static_cast<unsigned>(m_dac_hi), hi_now, unsigned{m_dac_cmd_hi}, unsigned{cmd_hi_now}, high,
                 unsigned{cmd});
    }
    schedule_parity(l, false, m_req64);
    m_addr = n;
    begin_command(cmd, n);
}

void BusMonitor::begin_command(uint8_t cmd, uint64_t n) {
    m_cmd = cmd;
    ++m_usage.by_cmd[cmd & 0xF];
    m_usage.busy_by_cmd[cmd & 0xF] += m_unattributed;
    m_unattributed = 0;
    m_is_read = (cmd & 1u) == 0;
    if (cmd_is_memory(static_cast<Cmd>(cmd))) {
        const unsigned order = m_lo_addr & 3u;
        if (order == 1 || order == 3)
            flag(Rule::BurstOrder, kReservedOrder, n, "memory command with reserved burst order AD[1:0]=%u", order);
        else if (cmd == kCmdMwi && order != 0)
            flag(Rule::BurstOrder, kMwiOrder, n, "MWI with AD[1:0]=%u (must be linear, 00)", order);
        if (cmd == kCmdMwi && m_cache_line != 0 && (m_lo_addr % (4u * m_cache_line)) != 0)
            flag(Rule::BurstOrder, kMwiAlign, n, "MWI to 0x%08x, not aligned to the %u-dword cache line", m_lo_addr,
                 m_cache_line);
    }
    m_phase = Phase::Data;
    m_ref = n;
    m_phase_start = n + 1;
    m_phase_irdy = m_phase_tgt = false;
}

void BusMonitor::turnaround(const Lines& l, uint64_t n) {
    // The clock after the last data phase: the master has released IRDY#, the target TRDY#/STOP#/DEVSEL#.
    if (l.asserted(kIrdy))
        flag(Rule::MasterSignals, kIrdyAfterLast, n, "IRDY# still asserted on the clock after the last data phase");
    if (l.asserted(kTrdy) || l.asserted(kStop) || l.asserted(kDevsel))
        flag(Rule::TargetSignals, kTargetAfterLast, n, "%s still asserted on the clock after the last data phase",
             line_name(~l.level & (kTrdy | kStop | kDevsel)));
    if (m_bus.is64() && (l.asserted(kReq64) || l.asserted(kAck64)))
        flag(Rule::Bus64, kBus64Idle, n, "%s still asserted on the clock after the last data phase",
             line_name(~l.level & (kReq64 | kAck64)));
    m_phase = Phase::Idle;
    if (l.asserted(kFrame)) start_address(l, n);
}

// The helpers of the per-clock functions are always inlined, defined and called in this file only: the compiler folds
// them back into their one caller, so the split by protocol phase costs no call per clock.
[[gnu::always_inline]] inline BusMonitor::Sample BusMonitor::sample(const Lines& l, uint64_t n) const {
    const Lines& p = m_prev;
    Sample s;
    s.frame = l.asserted(kFrame);
    s.irdy = l.asserted(kIrdy);
    s.trdy = l.asserted(kTrdy);
    s.stop = l.asserted(kStop);
    s.devsel = l.asserted(kDevsel);
    s.prev_frame = p.asserted(kFrame);
    s.prev_irdy = p.asserted(kIrdy);
    s.prev_trdy = p.asserted(kTrdy);
    s.prev_stop = p.asserted(kStop);
    s.prev_devsel = p.asserted(kDevsel);
    s.off = n - m_addr;
    return s;
}

// One clock of the data phases: the rules in their numbered order, then the completion of a data phase.
void BusMonitor::data_clock(const Lines& l, uint64_t n) {
    const Sample s = sample(l, n);
    if (!steady_burst(l, s)) {
        check_devsel(l, s, n);
        check_master_signals(s, n);
        check_target_signals(l, s, n);
    }
    check_byte_enables(l, s, n);
    check_latency(s, n);
    const bool phase64 = m_req64 && m_ack64;
    check_bus64(l, s, phase64, n);
    if (m_is_read ? s.trdy : s.irdy) schedule_parity(l, true, phase64);  // rule 9: checked on the next clock
    const bool completed = s.irdy && (s.trdy || s.stop);
    if (completed) complete_phase(l, s, phase64, n);
    m_prev_completed = completed;
    m_prev_stop = completed && s.stop;
    watch_latency_timer(l, s.irdy && !completed, n);
    // The bus went idle without a final data phase: over after a master abort, or when no target holds DEVSEL#
    // (a master that gave up); a claimed target still waiting keeps the broken transaction open.
    if (!completed && !s.frame && !s.irdy && (m_master_abort || !s.devsel)) m_phase = Phase::Idle;
}

// A zero-wait burst between its first and last data phase: a phase completed on the previous clock, FRAME#, IRDY#,
// TRDY# and DEVSEL# are held asserted and STOP# deasserted on both clocks, DEVSEL# was seen in time and the read
// turnaround is over. Every condition of rules 4, 5, 6 and 10 compares lines that did not move or needs a phase that
// had not completed, so none of them can fire on this clock and the caller skips them.
[[gnu::always_inline]] inline bool BusMonitor::steady_burst(const Lines& l, const Sample& s) const {
    constexpr uint32_t kBurstLines = kFrame | kIrdy | kTrdy | kStop | kDevsel;
    return m_prev_completed && m_devsel_seen && !m_master_abort && s.off >= 2 &&
           ((l.level ^ m_prev.level) & kBurstLines) == 0 && (l.level & kBurstLines) == kStop;
}

// Rule 6: DEVSEL# by clock 5 (address phase = clock 1), else master abort.
[[gnu::always_inline]] inline void BusMonitor::check_devsel(const Lines& l, const Sample& s, uint64_t n) {
    if (s.devsel && !m_devsel_seen) {
        m_devsel_seen = true;
        m_ack64 = m_bus.is64() && l.asserted(kAck64);
        if (s.off > 4)
            flag(Rule::DevselTiming, kDevselLate, n,
                 "DEVSEL# first asserted on clock %llu of the transaction (latest: 5)",
                 static_cast<unsigned long long>(s.off + 1));
    }
    if (!m_devsel_seen && s.off >= 5) m_master_abort = true;
}

// Rule 4: FRAME# and IRDY# (and how a master abort ends them, rule 6).
[[gnu::always_inline]] inline void BusMonitor::check_master_signals(const Sample& s, uint64_t n) {
    const bool fa = s.frame, ia = s.irdy, pfa = s.prev_frame;
    if (m_master_abort) {
        if (pfa && fa)
            flag(Rule::DevselTiming, kNoAbortFrame, n, "no DEVSEL# by clock 5 but the master keeps FRAME# asserted");
        if (!pfa && ia)
            flag(Rule::DevselTiming, kNoAbortIrdy, n, "master abort: IRDY# still asserted one clock after FRAME#");
        if (pfa && !fa && !ia) flag(Rule::MasterSignals, kFrameWithoutIrdy, n, "FRAME# deasserted without IRDY#");
        return;
    }
    if (s.prev_irdy && !m_prev_completed) {
        if (!ia) flag(Rule::MasterSignals, kIrdyDropped, n, "IRDY# deasserted before the data phase completed");
        if (fa != pfa)
            flag(Rule::MasterSignals, kFrameUnderIrdy, n,
                 "FRAME# changed while IRDY# was asserted and the data phase had not completed");
    }
    if (pfa && !fa && !ia)
        flag(Rule::MasterSignals, kFrameWithoutIrdy, n, "FRAME# deasserted while IRDY# is deasserted");
    if (!pfa && fa) flag(Rule::MasterSignals, kFrameReasserted, n, "FRAME# reasserted within a transaction");
    if (m_prev_stop && pfa && fa)
        flag(Rule::MasterSignals, kFrameAfterStop, n,
             "FRAME# still asserted on the clock after STOP# ended a data phase");
}

// Rule 5: TRDY#, STOP#, DEVSEL#; rule 10: the read turnaround clock.
[[gnu::always_inline]] inline void BusMonitor::check_target_signals(const Lines& l, const Sample& s, uint64_t n) {
    const bool ta = s.trdy, sa = s.stop, da = s.devsel;
    if (ta && !da) flag(Rule::TargetSignals, kTrdyNoDevsel, n, "TRDY# asserted without DEVSEL#");
    if (sa && !da && !m_devsel_seen)
        flag(Rule::TargetSignals, kStopNoDevsel, n, "STOP# asserted by a target that never asserted DEVSEL#");
    if ((s.prev_trdy || s.prev_stop) && !m_prev_completed &&
        (ta != s.prev_trdy || sa != s.prev_stop || da != s.prev_devsel))
        flag(Rule::TargetSignals, kTargetChanged, n, "TRDY#/STOP#/DEVSEL# changed before the data phase completed");
    if (s.prev_stop && s.prev_frame && !sa)
        flag(Rule::TargetSignals, kStopEarly, n, "STOP# deasserted while FRAME# is still asserted");
    if (s.prev_devsel && !da && !sa)
        flag(Rule::TargetSignals, kDevselDropped, n,
             "DEVSEL# deasserted before the transaction ended (no target abort)");
    if (m_is_read && s.off == 1) {
        if (ta) flag(Rule::ReadTurnaround, kTrdyInTurnaround, n, "TRDY# on the turnaround clock of a read");
        if (l.driven & (kAdLo | kAdHi))
            flag(Rule::ReadTurnaround, kAdInTurnaround, n, "AD driven on the turnaround clock of a read");
    }
}

// Rule 3: C/BE# stable through the data phase (none left once the bus has gone idle). C/BE#[7:4] are byte enables
// once ACK64# answered REQ64# (and must be assumed so until DEVSEL# decides).
[[gnu::always_inline]] inline void BusMonitor::check_byte_enables(const Lines& l, const Sample& s, uint64_t n) {
    const uint8_t cbe_mask = (m_req64 && (!m_devsel_seen || m_ack64)) ? 0xFF : 0x0F;
    if (!s.frame && !s.irdy)
        m_phase_cbe = l.cbe_n;  // nothing to hold while the bus is idle; compare from here if the phase resumes
    else if (!l.is_driven(kCbeLo))
        flag(Rule::DataPhase, kCbeUndriven, n, "C/BE# not driven during a data phase");
    else if (n == m_phase_start)
        m_phase_cbe = l.cbe_n;
    else if ((l.cbe_n ^ m_phase_cbe) & cbe_mask)
        flag(Rule::DataPhase, kCbeChanged, n, "C/BE# changed within a data phase (0x%x to 0x%x)",
             static_cast<unsigned>(m_phase_cbe & cbe_mask), static_cast<unsigned>(l.cbe_n & cbe_mask));
}

// Rule 7: IRDY# within 8 clocks; TRDY# or STOP# within 16 clocks for the first data phase, 8 for later ones.
[[gnu::always_inline]] inline void BusMonitor::check_latency(const Sample& s, uint64_t n) {
    if (s.irdy) m_phase_irdy = true;
    if (s.trdy || s.stop) m_phase_tgt = true;
    if (!m_phase_irdy && n - m_ref > 8)
        flag(Rule::Latency, kIrdyLatency, n, "master did not assert IRDY# within 8 clocks");
    const uint64_t tgt_limit = m_phases_done == 0 && !m_stop_seen ? 16 : 8;
    if (!m_phase_tgt && !m_master_abort && n - m_ref > tgt_limit)
        flag(Rule::Latency, kTargetLatency, n, "target did not assert TRDY# or STOP# within %llu clocks",
             static_cast<unsigned long long>(tgt_limit));
}

// Rule 11: REQ64# follows FRAME#, ACK64# follows DEVSEL# and answers REQ64#, both halves carry data in a 64-bit
// data phase; rule 12: an MWI data phase enables every byte.
[[gnu::always_inline]] inline void BusMonitor::check_bus64(const Lines& l, const Sample& s, bool phase64, uint64_t n) {
    if (m_bus.is64()) {
        const bool req = l.asserted(kReq64), ack = l.asserted(kAck64);
        if (m_req64 ? req != s.frame : req) flag(Rule::Bus64, kReq64Timing, n, "REQ64# does not follow FRAME#");
        if (ack && !m_req64)
            flag(Rule::Bus64, kAck64NoReq64, n, "ACK64# asserted without REQ64#");
        else if (ack != (s.devsel && m_ack64))
            flag(Rule::Bus64, kAck64Timing, n, "ACK64# does not follow DEVSEL#");
    }
    if (m_cmd == kCmdMwi && s.irdy && (l.cbe_n & (phase64 ? 0xFF : 0x0F)) != 0)
        flag(Rule::BurstOrder, kMwiByteEnables, n, "MWI data phase without all byte enables (C/BE# 0x%x)",
             static_cast<unsigned>(l.cbe_n));
    if (phase64 && s.irdy && (m_is_read ? s.trdy : true)) {  // the master's byte enables, the data of its source
        if (!l.is_driven(kCbeHi))
            flag(Rule::Bus64, kWideUndriven, n, "C/BE#[7:4] not driven in a 64-bit data phase");
        else if (!l.is_driven(kAdHi))
            flag(Rule::Bus64, kWideUndriven, n, "AD[63:32] not driven in a 64-bit %s data phase",
                 m_is_read ? "read" : "write");
    }
}

// A data phase completes (IRDY# with TRDY# or STOP#): count it; rule 8 after the latency timer expired; the
// turnaround follows the master's last phase (rule 12: an MWI it ends moves whole lines).
[[gnu::always_inline]] inline void BusMonitor::complete_phase(const Lines& l, const Sample& s, bool phase64,
                                                              uint64_t n) {
    if (s.trdy) {
        ++m_usage.data_clocks;
        ++m_usage.data_by_cmd[m_cmd & 0xF];
        m_usage.bytes += enabled_bytes(l.cbe_n, phase64);
        ++m_phases_done;
        m_dwords += phase64 ? 2 : 1;
    }
    if (s.stop) m_stop_seen = true;
    // After expiry with GNT# gone, only the phase already committed may complete with FRAME# asserted.
    if (s.frame && m_lt_clock != 0 && n > m_lt_clock) {
        ++m_lt_over;
        bool bad = m_lt_over > m_lt_allow;
        if (m_cmd == kCmdMwi) bad = bad && m_cache_line != 0 && (m_dwords % m_cache_line) == 0;
        if (bad)
            flag(Rule::LatencyTimer, kLatencyTimer, n,
                 "burst continued after the latency timer expired and GNT# was removed");
    }
    m_ref = n;
    m_phase_start = n + 1;
    m_phase_irdy = m_phase_tgt = false;
    if (s.frame) return;
    if (m_cmd == kCmdMwi && m_cache_line != 0 && !m_stop_seen && (m_dwords % m_cache_line) != 0)
        flag(Rule::BurstOrder, kMwiPartialLine, n, "MWI ended by the master after %u dwords, not whole %u-dword lines",
             m_dwords, m_cache_line);
    m_phase = Phase::Turnaround;
}

// Rule 8: note the clock the owner's latency timer has expired with its GNT# removed; `committed` says a data
// phase the master already started may still complete after it.
[[gnu::always_inline]] inline void BusMonitor::watch_latency_timer(const Lines& l, bool committed, uint64_t n) {
    if (m_owner != kNoOwner && m_owner < 32 && m_lt[m_owner] != 0 && m_lt_clock == 0 &&
        n - m_first_addr >= m_lt[m_owner] && !l.gnt(m_owner)) {
        m_lt_clock = n;
        m_lt_allow = committed ? 1 : 0;
    }
}

}  // namespace nicsim::pci
