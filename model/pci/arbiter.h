// The central PCI arbiter: fair round-robin among the masters' REQ#, one GNT# at a time, bus parking, hidden
// arbitration while a transaction runs. A clocked agent of the bus that sleeps while nothing happens (a REQ# or line
// change wakes it); RST# removes GNT# at once, between clock edges.
#pragma once

#include <cstdint>

#include <systemc>

#include "pci_bus.h"

namespace nicsim::pci {

/// Arbiter properties (defaults here, set before sc_start).
struct ArbiterConfig {
    int park_master = -1;         ///< master to park the bus on when nobody requests; -1 = the last one granted
    unsigned start_timeout = 16;  ///< idle clocks a granted, requesting master may leave the bus unused
};

struct ArbiterStats {
    uint64_t grants = 0;         ///< GNT# moves to a master (parking included)
    uint64_t hidden_grants = 0;  ///< grants given while the bus was busy
    uint64_t grants_by_master[32] = {};
};

class Arbiter : public sc_core::sc_module, private ClockedAgent {
  public:
    Arbiter(sc_core::sc_module_name name, PciBus& bus, const ArbiterConfig& config = {});

    ArbiterConfig& config() { return m_config; }
    const ArbiterStats& stats() const { return m_stats; }
    /// The master whose GNT# is asserted (as driven), or -1.
    int granted() const { return m_granted; }

  private:
    void clock_edge() override;
    /// Out of reset the arbiter only moves GNT# and its own state: any edge may be batched.
    bool steady_edge() const override { return m_bus.lines().rst_n; }
    void reset_asserted();
    int next_after(uint32_t requests, int from) const;
    bool continues(const Lines& l, unsigned n) const;
    [[gnu::noinline]] void decide(const Lines& l);  // every other clock
    void grant(int master, bool hidden);

    PciBus& m_bus;
    BusClock::AgentId m_agent;
    ArbiterConfig m_config;
    ArbiterStats m_stats;
    int m_granted = -1;       // GNT# as driven this clock (visible on the next)
    int m_last = -1;          // the last master granted (round-robin pointer, default park)
    bool m_started = false;   // the granted master has begun a transaction since it was granted
    bool m_prev_idle = true;  // the bus was idle on the previous clock
    int m_prev_granted = -1;  // GNT# visible on the previous clock
    unsigned m_unused = 0;    // idle clocks the current grant went unused while others waited
};

}  // namespace nicsim::pci
