// Passive protocol checker: samples the bus on every rising edge while it is in use, checks the rules of
// shared/reference/pci-bus.md, counts each violation by rule and reports it through sc_report
// (SC_WARNING, message type "nicsim/pci/monitor/<rule>"). It also counts bus utilisation for the statistics.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

#include "pci_bus.h"

namespace nicsim::pci {

/// The rules the monitor checks, numbered as in pci-bus.md ("Rules a waveform must satisfy").
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
    Bus64 = 11,              ///< 11: REQ64#/ACK64# timing
    BurstOrder = 12,         ///< 12: AD[1:0] in memory address phases, MWI whole lines
    Contention = 13,         ///< two agents driving one line in the same clock (s/t/s rules)
};
constexpr unsigned kRuleCount = 14;  // index 1..13
const char* rule_name(Rule r);       // "rule4-master-signals", used in the report message type

/// Utilisation counters kept by the monitor (clocks are rising edges after reset).
struct BusUsage {
    uint64_t clocks = 0;          ///< clocks observed out of reset
    uint64_t busy_clocks = 0;     ///< clocks with FRAME# or IRDY# asserted
    uint64_t data_clocks = 0;     ///< clocks on which a data phase completed with data (IRDY# and TRDY#)
    uint64_t transactions = 0;    ///< address phases (a DAC counts once)
    uint64_t by_cmd[kCmdCount] = {};
    uint64_t bytes = 0;           ///< bytes moved in completed data phases (byte enables counted)
};

class BusMonitor : public sc_core::sc_module {
public:
    BusMonitor(sc_core::sc_module_name name, PciBus& bus);

    /// Declare that master `master` is 64-bit address capable (DAC allowed). Masters default to 32-bit.
    void set_dac_capable(unsigned master, bool capable);
    /// Latency timer of a master in clocks (0 = rule 8 unchecked for it).
    void set_latency_timer(unsigned master, uint8_t clocks);

    uint64_t violations() const;                 ///< all rules
    uint64_t violations(Rule r) const;
    const BusUsage& usage() const { return m_usage; }
    /// One line per rule with a non-zero count, for the end-of-run summary.
    std::string summary() const;

private:
    PciBus& m_bus;
    uint64_t m_count[kRuleCount] = {};
    BusUsage m_usage;
    // The implementation adds its state-machine members here.
};

}  // namespace nicsim::pci
