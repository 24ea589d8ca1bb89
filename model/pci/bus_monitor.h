// Passive protocol checker: samples the bus on every rising edge while it is in use, checks the protocol rules of
// the PCI Local Bus Specification 2.3, chapter 3 (grouped in Rule below), counts each violation by rule and reports
// it through sc_report
// (SC_WARNING, message type "nicsim/pci/monitor/<rule>"). It also counts bus utilisation for the statistics.
//
// A clocked agent of the bus (BusClock) samples PciBus::lines() on each rising edge and steps a small state machine
// (idle, DAC high address, data phases, turnaround). On an idle bus with nothing changing it sleeps until a line
// changes and accounts for the skipped clocks from time. A continuing violation is reported once per transaction.
// Deliberately strict where the spec allows choices the model does not make: fast back-to-back transactions count
// as rule 1 (no idle clock), and a master abort must drop FRAME# on clock 6 and IRDY# one clock later (rule 6).
// The owner of a transaction is the master whose GNT# was sampled on the idle clock before FRAME#; FRAME# driven by
// another agent registered as a master (same name for attach() and add_master()) is a rule 1 violation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "pci_bus.h"

namespace nicsim::pci {

/// The rules the monitor checks, grouped and numbered by this model (PCI Local Bus Specification 2.3, chapter 3).
enum class Rule : uint8_t {
    StartOnIdleWithGnt = 1,  ///< 1: start only on an idle bus by the granted master; one GNT#; no GNT# in reset
    AddressPhase = 2,        ///< 2: DAC ordering, no DAC with a zero high dword, no DAC from a 32-bit master
    DataPhase = 3,           ///< 3: C/BE# stable through a data phase
    MasterSignals = 4,       ///< 4: FRAME#/IRDY# protocol, turnaround
    TargetSignals = 5,       ///< 5: TRDY#/STOP#/DEVSEL# protocol
    DevselTiming = 6,        ///< 6: DEVSEL# no later than clock 5 (else master abort)
    Latency = 7,             ///< 7: 16-clock initial, 8-clock subsequent target latency; 8-clock IRDY#
    LatencyTimer = 8,        ///< 8: master ends the burst once its latency timer expired and GNT# is gone
    Parity = 9,              ///< 9: PAR/PAR64 even parity, PERR#/SERR# timing
    ReadTurnaround = 10,     ///< 10: no TRDY# on a read before the second clock after the address phase
    Bus64 = 11,              ///< 11: REQ64#/ACK64# timing, 64-bit DAC address phases, both halves in wide phases
    BurstOrder = 12,         ///< 12: AD[1:0] in memory address phases, MWI whole lines
    Contention = 13,         ///< two agents driving one line in the same clock (s/t/s rules)
};
constexpr unsigned kRuleCount = 14;  // index 1..13
const char* rule_name(Rule r);       // "rule4-master-signals", used in the report message type

/// Utilisation counters kept by the monitor (clocks are rising edges after reset).
struct BusUsage {
    uint64_t clocks = 0;                   ///< clocks observed out of reset
    uint64_t busy_clocks = 0;              ///< clocks with FRAME# or IRDY# asserted
    uint64_t data_clocks = 0;              ///< clocks on which a data phase completed with data (IRDY# and TRDY#)
    uint64_t transactions = 0;             ///< address phases (a DAC counts once)
    uint64_t by_cmd[kCmdCount] = {};       ///< transactions per command (a DAC counts under the command it carries)
    uint64_t bytes = 0;                    ///< bytes moved in completed data phases (byte enables counted)
    uint64_t busy_by_cmd[kCmdCount] = {};  ///< busy clocks per command (address phases included)
    uint64_t data_by_cmd[kCmdCount] = {};  ///< data clocks per command: data_by_cmd / busy_by_cmd is its efficiency
};

class BusMonitor : public sc_core::sc_module, private ClockedAgent {
  public:
    BusMonitor(sc_core::sc_module_name name, PciBus& bus);

    /// Declare that master `master` is 64-bit address capable (DAC allowed). Masters default to 32-bit.
    void set_dac_capable(unsigned master, bool capable);
    /// Declare whether master `master` has a 64-bit data path (may assert REQ64#). Masters default to 64-bit, so
    /// only a master declared 32-bit is held to never asserting REQ64#.
    void set_data_path_64(unsigned master, bool wide);
    /// Latency timer of a master in clocks (0 = rule 8 unchecked for it).
    void set_latency_timer(unsigned master, uint8_t clocks);
    /// System cache line size in dwords (config 0x0C) for the MWI checks; 0 = line length and alignment unchecked.
    void set_cache_line(uint8_t dwords) { m_cache_line = dwords; }

    uint64_t violations() const;  ///< all rules
    uint64_t violations(Rule r) const;
    /// Exact at any time, also while the monitor sleeps on an idle bus (skipped idle clocks are computed from time).
    const BusUsage& usage() const;
    /// Clocks the monitor actually evaluated (it sleeps through idle clocks): a cost figure for tests and benches.
    uint64_t evaluated_clocks() const { return m_evaluated; }
    /// One line per rule with a non-zero count, for the end-of-run summary.
    std::string summary() const;

  private:
    PciBus& m_bus;
    BusClock::AgentId m_agent;
    uint64_t m_count[kRuleCount] = {};
    BusUsage m_usage;
    mutable BusUsage m_usage_view;  // m_usage plus the idle clocks slept through, built by usage()

    enum class Phase : uint8_t { Idle, DacHigh, Data, Turnaround };
    static constexpr unsigned kNoOwner = ~0u;

    void start_of_simulation() override;
    void clock_edge() override;
    bool steady_edge() const override;
    void steady_clock(const Lines& l, uint64_t n);
    bool parity_holds(const Lines& l) const;
    bool bus64_holds(const Lines& l) const;
    void step(const Lines& l, uint64_t n);
    void reset_state();
    void check_sts_release(uint64_t n);
    void check_parity(const Lines& l, uint64_t n);
    void idle_checks(const Lines& l, uint64_t n);
    void start_address(const Lines& l, uint64_t n);
    void dac_high(const Lines& l, uint64_t n);
    void begin_command(uint8_t cmd, uint64_t n);
    /// FRAME#, IRDY#, TRDY#, STOP#, DEVSEL# asserted on this clock and on the previous one, and the clock's offset
    /// from the last address phase (1 = the clock after it).
    struct Sample {
        bool frame, irdy, trdy, stop, devsel;
        bool prev_frame, prev_irdy, prev_trdy, prev_stop, prev_devsel;
        uint64_t off;
    };
    Sample sample(const Lines& l, uint64_t n) const;
    void data_clock(const Lines& l, uint64_t n);
    bool steady_burst(const Lines& l, const Sample& s) const;
    void check_devsel(const Lines& l, const Sample& s, uint64_t n);
    void check_master_signals(const Sample& s, uint64_t n);
    void check_target_signals(const Lines& l, const Sample& s, uint64_t n);
    void check_byte_enables(const Lines& l, const Sample& s, uint64_t n);
    void check_latency(const Sample& s, uint64_t n);
    void check_bus64(const Lines& l, const Sample& s, bool phase64, uint64_t n);
    void complete_phase(const Lines& l, const Sample& s, bool phase64, uint64_t n);
    void watch_latency_timer(const Lines& l, bool committed, uint64_t n);
    void turnaround(const Lines& l, uint64_t n);
    void schedule_parity(const Lines& l, bool data, bool hi);
    void check_dac64_phase(const Lines& l, uint64_t n, const char* which);
    uint32_t granted(const Lines& l) const { return ~l.gnt_n & m_master_mask; }
    /// Count and report a violation; `clause` (0..63) deduplicates a continuing violation within one transaction.
    void flag(Rule r, unsigned clause, uint64_t n, const char* fmt, ...) __attribute__((format(printf, 5, 6)));

    // configuration
    uint32_t m_dac_mask = 0;                // masters allowed to issue DAC
    uint32_t m_req64_mask = ~0u;            // masters allowed to assert REQ64#
    uint8_t m_lt[32] = {};                  // latency timer per master, 0 = unchecked
    uint8_t m_cache_line = 0;               // dwords, 0 = unknown
    uint32_t m_master_mask = 0;             // GNT# bits that exist
    unsigned m_drivers = 0;                 // driver slots on the bus
    std::vector<uint32_t> m_sts_low;        // per driver: s/t/s lines it drove low on the previous clock
    uint64_t m_sts_gen = ~uint64_t(0);      // PciBus::control_generation() when m_sts_low was last brought up to date
    std::vector<unsigned> m_driver_master;  // per driver: the master registered under the same name, or kNoOwner

    // sampling
    Lines m_prev;               // lines on the previous clock processed
    uint64_t m_last_clock = 0;  // clock number of m_prev
    bool m_sleeping = false;    // asleep on an idle bus until a line changes
    uint64_t m_evaluated = 0;   // clocks evaluated
    uint64_t m_reported = 0;    // clauses already reported in this transaction

    // the transaction in progress
    Phase m_phase = Phase::Idle;
    unsigned m_owner = kNoOwner;  // master whose GNT# was sampled on the clock before FRAME#
    uint8_t m_cmd = 0;            // bus command (the real one after a DAC)
    uint64_t m_unattributed = 0;  // busy address-phase clocks not yet attributed to a command
    bool m_is_read = false;       // target drives AD in data phases
    bool m_req64 = false;         // REQ64# asserted in the address phase
    bool m_ack64 = false;         // ACK64# asserted with DEVSEL#
    bool m_devsel_seen = false;
    bool m_master_abort = false;    // no DEVSEL# by clock 5
    bool m_stop_seen = false;       // a data phase ended with STOP#
    bool m_prev_completed = false;  // the previous clock completed a data phase
    bool m_prev_stop = false;       // ... and it was completed by STOP#
    uint32_t m_lo_addr = 0;         // AD[31:0] of the first address phase
    uint32_t m_dac_hi = 0;          // AD[63:32] of the first address phase (a DAC with REQ64#: the high dword)
    uint8_t m_dac_cmd_hi = 0;       // C/BE#[7:4] of the first address phase (... the real command)
    uint64_t m_first_addr = 0;      // clock of the first address phase
    uint64_t m_addr = 0;            // clock of the last address phase (the DAC's second)
    uint64_t m_ref = 0;             // clock latencies of the current data phase count from
    uint64_t m_phase_start = 0;     // first clock of the current data phase
    uint8_t m_phase_cbe = 0xFF;     // C/BE# at the start of the current data phase
    bool m_phase_irdy = false;      // IRDY# seen in the current data phase
    bool m_phase_tgt = false;       // TRDY# or STOP# seen in the current data phase
    uint32_t m_phases_done = 0;     // data phases completed with data
    uint32_t m_dwords = 0;          // dwords moved (a 64-bit phase counts two)
    uint64_t m_lt_clock = 0;        // clock the latency timer was seen expired with GNT# removed (0 = not yet)
    unsigned m_lt_allow = 0;        // data phases the master may still complete with FRAME# asserted
    unsigned m_lt_over = 0;         // ... and those it did

    // parity obligations for the next clock
    bool m_par_due = false, m_par64_due = false, m_par_data = false;
    uint64_t m_par_ad = 0;
    uint8_t m_par_cbe = 0xFF;
    uint8_t m_bad_hist = 0;  // bit k: the data phase k clocks ago had bad parity
};

}  // namespace nicsim::pci
