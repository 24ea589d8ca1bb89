// Raw bus agents for protocol tests: each drives a scripted waveform clock by clock, with no protocol logic of its
// own, so a test can build any legal or deliberately broken waveform without the master/target engines.
//
// Clock numbers are the bus's (PciBus::clock_count()): a value scripted for clock k is what every agent samples on
// rising edge k (the agent drives it on edge k-1, as registered logic would). Clocks with nothing scripted release
// every bused line; REQ#, GNT# and IDSEL keep their last scripted value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "model/pci/bus_monitor.h"
#include "model/pci/pci_bus.h"

namespace nicsim::test {

class ScriptedAgent : public sc_core::sc_module {
  public:
    enum Role : unsigned {
        kDriver = 0,        ///< drives bused lines only
        kMaster = 1u << 0,  ///< also owns a REQ#/GNT# pair (add_master)
        kArbiter = 1u << 1  ///< drives every GNT# from a script
    };

    ScriptedAgent(sc_core::sc_module_name name, pci::PciBus& bus, unsigned roles = kDriver);

    /// The Drive seen on clock `clock` (created released); edit it freely during elaboration.
    pci::Drive& at(uint64_t clock);
    /// A single-bit line over consecutive clocks from `first`: 'L' low (asserted), 'H' high, '-' or 'Z' released,
    /// '=' repeat the previous character.
    void line(pci::Line l, uint64_t first, const std::string& pattern);
    /// AD[31:0] (or all 64 bits with `both_halves`) on consecutive clocks from `first`.
    void ad(uint64_t first, const std::vector<uint64_t>& values, bool both_halves = false);
    /// C/BE#[3:0] (or [7:0] with `both_halves`) on consecutive clocks from `first`.
    void cbe(uint64_t first, const std::vector<uint8_t>& values, bool both_halves = false);
    /// Drive PAR (and PAR64) one clock after every clock this agent drove AD, computed from what was sampled
    /// on the bus (so a read target's PAR covers the master's C/BE#) -- what a real agent does.
    void auto_parity(bool on) { m_auto_par = on; }
    /// Invert the automatic PAR (or PAR64) on clock `clock`.
    void corrupt_parity(uint64_t clock, bool par64 = false);

    /// REQ# of this agent's master index: 'L' asserted, 'H' deasserted, from clock `first`.
    void req(uint64_t first, const std::string& pattern);
    /// Arbiter mode: the GNT# mask (bit i = master i, 0 = granted) seen from clock `first` on, one per clock.
    void gnt(uint64_t first, const std::vector<uint32_t>& gnt_n);
    /// The IDSEL mask seen from clock `first` on, one per clock.
    void idsel(uint64_t first, const std::vector<uint32_t>& mask);

    unsigned master() const { return m_master; }
    pci::DriverId driver() const { return m_id; }
    /// Every scripted clock has been driven.
    bool done() const { return m_done; }

  private:
    template <class T>
    struct Track {
        std::vector<T> v;
        std::vector<bool> set;
        void put(uint64_t clock, T x) {
            if (clock >= v.size()) {
                v.resize(clock + 1);
                set.resize(clock + 1, false);
            }
            v[clock] = x;
            set[clock] = true;
        }
    };

    void tick();
    uint64_t last_clock() const;

    pci::PciBus& m_bus;
    pci::DriverId m_id;
    unsigned m_roles;
    unsigned m_master = ~0u;
    std::vector<pci::Drive> m_steps;  // index = clock the value is seen on
    std::vector<uint8_t> m_corrupt;   // per clock: bit 0 PAR, bit 1 PAR64
    Track<bool> m_req;
    Track<uint32_t> m_gnt;
    Track<uint32_t> m_idsel;
    bool m_auto_par = false;
    bool m_done = false;
    sc_core::sc_event m_never;  // sleeps on it once the script is over
};

/// The usual protocol-test design: a bus, its monitor, a scripted arbiter that parks GNT# on the master from clock
/// 6, a scripted master (with REQ#/GNT#) and a scripted target, both with automatic parity.
struct ScriptedBench {
    pci::PciBus bus;
    pci::BusMonitor monitor;
    ScriptedAgent arbiter;
    ScriptedAgent master;
    ScriptedAgent target;

    explicit ScriptedBench(unsigned width_bits = 32);
    /// Run `clocks` bus clocks from the current time.
    void run(unsigned clocks);

    // Legal building blocks (address phase on clock `a`; fast DEVSEL# unless stated).
    /// Memory write of `dwords` dwords; `wait_first` adds one target wait state to the first data phase.
    void write(uint64_t a, uint32_t addr, unsigned dwords, bool wait_first = false, uint8_t cmd = 0x7);
    /// Single-dword memory read with the turnaround clock and medium DEVSEL#.
    void read(uint64_t a, uint32_t addr, uint32_t data);
};

}  // namespace nicsim::test
