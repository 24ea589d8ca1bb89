// The conventional PCI bus as wires: CLK, RST#, the bused lines with per-agent drivers, REQ#/GNT# pairs, IDSEL and
// INTA#. Agents sample lines() on the rising edge of CLK and drive() new values, which resolve in the channel's update
// phase -- the same sample-then-drive semantics as registered logic on a real bus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "bus_clock.h"
#include "pci_types.h"

namespace nicsim::pci {

class BusTrace;

/// Structural bus parameters, chosen at elaboration.
struct BusConfig {
    unsigned width_bits = 32;   ///< 32 or 64 (AD[63:32], C/BE#[7:4], PAR64, REQ64#, ACK64# exist only on 64)
    unsigned clock_mhz = 33;    ///< 33 (30 ns period) or 66 (15 ns period)
    unsigned reset_clocks = 4;  ///< RST# is held asserted for this many clocks after time 0

    sc_core::sc_time period() const { return sc_core::sc_time(clock_mhz == 66 ? 15.0 : 30.0, sc_core::SC_NS); }
    /// Throws std::invalid_argument naming the bad field.
    void validate() const;
};

/// One bit per bused line. Active-low lines carry their electrical level: 0 = asserted.
enum Line : uint32_t {
    kAdLo = 1u << 0,    // AD[31:0]
    kAdHi = 1u << 1,    // AD[63:32]
    kCbeLo = 1u << 2,   // C/BE#[3:0]
    kCbeHi = 1u << 3,   // C/BE#[7:4]
    kPar = 1u << 4,     // PAR
    kPar64 = 1u << 5,   // PAR64
    kFrame = 1u << 6,   // FRAME#
    kIrdy = 1u << 7,    // IRDY#
    kTrdy = 1u << 8,    // TRDY#
    kDevsel = 1u << 9,  // DEVSEL#
    kStop = 1u << 10,   // STOP#
    kReq64 = 1u << 11,  // REQ64#
    kAck64 = 1u << 12,  // ACK64#
    kPerr = 1u << 13,   // PERR#
    kSerr = 1u << 14,   // SERR# (open drain: several agents may assert it at once)
};
constexpr uint32_t kSingleBitLines =
    kPar | kPar64 | kFrame | kIrdy | kTrdy | kDevsel | kStop | kReq64 | kAck64 | kPerr | kSerr;
constexpr uint32_t kControlLines = kFrame | kIrdy | kTrdy | kDevsel | kStop | kReq64 | kAck64 | kPerr | kSerr;

/// What one agent drives onto the bused lines. A line whose bit is clear in `oe` is released (tri-stated).
struct Drive {
    uint32_t oe = 0;       ///< Line bits this agent drives
    uint32_t level = ~0u;  ///< levels of the single-bit lines (bit set = high)
    uint64_t ad = 0;       ///< AD[63:0]
    uint8_t cbe_n = 0xFF;  ///< C/BE#[7:0]

    /// Drive a single-bit line to a level.
    Drive& set(Line line, bool high) {
        oe |= line;
        level = high ? (level | line) : (level & ~line);
        return *this;
    }
    /// Drive an active-low control line asserted (low) or deasserted (high).
    Drive& assert_n(Line line, bool asserted) { return set(line, !asserted); }
    Drive& release(uint32_t lines) {
        oe &= ~lines;
        level |= lines;
        return *this;
    }
    bool operator==(const Drive& o) const {
        return oe == o.oe && (level & oe) == (o.level & o.oe) && ad == o.ad && cbe_n == o.cbe_n;
    }
    bool operator!=(const Drive& o) const { return !(*this == o); }
};

/// The resolved state of the bus as agents sample it on a rising edge.
struct Lines {
    uint32_t driven = 0;      ///< Line bits with at least one driver
    uint32_t contention = 0;  ///< Line bits with more than one driver (never legal, except SERR#)
    uint32_t level = ~0u;     ///< single-bit line levels; undriven control lines read high (pull-ups)
    uint64_t ad = 0;          ///< AD as driven (0 where undriven)
    uint8_t cbe_n = 0xFF;     ///< C/BE# as driven (1s where undriven)
    uint32_t req_n = ~0u;     ///< REQ# of master i at bit i (0 = requesting)
    uint32_t gnt_n = ~0u;     ///< GNT# of master i at bit i (0 = granted)
    uint32_t idsel = 0;       ///< IDSEL of device i at bit i (1 = selected)
    uint32_t inta = 0;        ///< devices asserting INTA# (bit i = device i)
    bool rst_n = false;       ///< RST# level (false = in reset)

    bool asserted(Line line) const { return (level & line) == 0; }  ///< for active-low lines
    bool high(Line line) const { return (level & line) != 0; }
    bool is_driven(Line line) const { return (driven & line) != 0; }
    bool idle() const { return high(kFrame) && high(kIrdy); }  ///< FRAME# and IRDY# both deasserted
    bool inta_n() const { return inta == 0; }
    bool gnt(unsigned master) const { return ((gnt_n >> master) & 1u) == 0; }
    bool req(unsigned master) const { return ((req_n >> master) & 1u) == 0; }
};

using DriverId = unsigned;

/// The bus: clock, reset and wires. Agents register during elaboration (attach/add_master/add_device); clocked
/// blocks attach to CLK as ClockedAgents.
class PciBus : public sc_core::sc_module, private ClockedAgent, private BatchLines {
  public:
    BusClock CLK;

    PciBus(sc_core::sc_module_name name, const BusConfig& config);
    ~PciBus() override;

    const BusConfig& config() const { return m_config; }
    bool is64() const { return m_config.width_bits == 64; }
    sc_core::sc_time period() const { return m_period; }

    /// Register a driver of the bused lines (every master and target engine, the bridge, broken test agents).
    DriverId attach(const std::string& agent_name);
    /// Register a bus master: returns its REQ#/GNT# index (traced as REQ_n_<name>, GNT_n_<name>).
    unsigned add_master(const std::string& agent_name);
    /// Register a device with an IDSEL line and an INTA# output: returns its device number.
    unsigned add_device(const std::string& agent_name);

    const std::string& driver_name(DriverId id) const { return m_drivers.at(id).name; }
    const std::string& master_name(unsigned master) const { return m_masters.at(master); }
    const std::string& device_name(unsigned device) const { return m_devices.at(device); }
    unsigned driver_count() const { return static_cast<unsigned>(m_drivers.size()); }
    unsigned master_count() const { return static_cast<unsigned>(m_masters.size()); }
    unsigned device_count() const { return static_cast<unsigned>(m_devices.size()); }

    /// The lines as sampled now (values resolved after the previous rising edge).
    const Lines& lines() const { return m_now; }
    /// What one driver currently drives (for the monitor's per-agent checks).
    const Drive& driven_by(DriverId id) const { return m_drivers[id].cur; }
    /// Changes whenever some driver's output enables or driven levels of the control lines (kControlLines) may have
    /// changed: a per-driver check of those lines compares it with the value it last saw and skips the clocks on
    /// which nobody changed them (in a burst only AD, C/BE# and PAR move).
    uint64_t control_generation() const { return m_control_gen; }
    /// Changes whenever a resolved line other than INTA# changes: an agent whose own state has not changed since it
    /// last looked at the lines needs to look again only when this moved.
    uint64_t line_generation() const { return m_line_gen; }

    /// Drive the bused lines; takes effect after this evaluation phase. Cheap when nothing changes.
    void drive(DriverId id, const Drive& d);
    void set_req(unsigned master, bool asserted);
    void set_gnt_n(uint32_t gnt_n_mask);  ///< the arbiter drives every GNT# at once
    void set_idsel(uint32_t mask);        ///< the host bridge drives IDSEL during configuration address phases
    void set_inta(unsigned device, bool asserted);
    /// Hold RST# asserted for `clocks` clocks from the next rising edge.
    void assert_reset(unsigned clocks);

    /// Notified (delta) whenever a resolved line changes, for processes that are not ClockedAgents (those sleep
    /// with CLK.sleep(), which a line change ends; a REQ# change is a line change). Only notified once somebody
    /// asked for it.
    const sc_core::sc_event& changed_event() const {
        m_changed_used = true;
        return m_changed;
    }
    /// Notified (delta) when INTA# changes, for a process sensitive to it throughout (static sensitivity).
    const sc_core::sc_event& inta_event() const {
        m_inta_watched = true;
        return m_inta_changed;
    }
    /// The same event for one wait: notified at the next INTA# change after this call. A process that waits for it
    /// now and then asks each time; while nobody waits, a change notifies nothing (most changes in the fast mode).
    const sc_core::sc_event& next_inta_event() const {
        m_inta_awaited = true;
        return m_inta_changed;
    }
    /// Notified (delta) when RST# becomes asserted.
    const sc_core::sc_event& reset_event() const { return m_reset_asserted; }
    /// Notified (delta) when RST# becomes deasserted.
    const sc_core::sc_event& reset_released_event() const { return m_reset_released; }

    /// Turn burst batching on or off (BusClock::set_batching; off by default).
    void set_burst_batching(bool on) { CLK.set_batching(this, on); }

    /// Number of rising edges since time 0 (clock 0 is the edge at time 0).
    uint64_t clock_count() const {
        return CLK.dispatching() ? CLK.edges() - 1 : clock_at_now();  // the agents ask on every clock: no division
    }

    /// How trace() names the bus signals and which derived signals it adds.
    struct TraceOptions {
        std::string scope = "pci";  ///< VCD scope of the lines (a second machine's bus needs a scope of its own)
        /// Also trace `<scope>.CMD`: C/BE#[3:0] in the clock of an address phase (both clocks of a DAC), z in every
        /// other clock, so a viewer names commands only where C/BE# carries one (in data phases it carries byte
        /// enables; PCI Local Bus Specification 2.3, sections 2.2.2 and 3.1).
        bool command = false;
    };
    /// Trace every bus signal under the scope `pci` (call during elaboration, before sc_start).
    void trace(sc_core::sc_trace_file* tf) { trace(tf, TraceOptions{}); }
    void trace(sc_core::sc_trace_file* tf, const TraceOptions& options);
    /// With TraceOptions::command: true and the time of the first address phase traced so far (false before one).
    bool first_address_phase(sc_core::sc_time& at) const;

  private:
    class Wires;
    struct Slot {
        std::string name;
        Drive next;  // written by drive() during evaluation
        Drive cur;   // resolved onto the lines in the update phase
    };

    void clock_edge() override;  // counts the clocks of an asserted RST#
    uint64_t clock_at_now() const;
    bool batchable() const override;
    void settle() override;
    void resolve();
    /// resolve() when only driver `id` drove anew, with the same output enables, on lines nobody else drives.
    bool resolve_one(DriverId id);
    /// Take the resolved bused lines (and the point-to-point ones written this phase) and tell who listens.
    void publish(uint32_t driven, uint32_t contention, uint32_t level, uint64_t ad, uint8_t cbe_n);

    BusConfig m_config;
    sc_core::sc_time m_period;  // m_config.period(), built once: clock_count() runs on every agent's clock
    Wires* m_wires;
    std::vector<Slot> m_drivers;
    std::vector<std::string> m_masters;
    std::vector<std::string> m_devices;
    Lines m_now;
    uint64_t m_control_gen = 0;
    uint64_t m_line_gen = 0;
    bool m_control_dirty = false;  // a driver's next control-line oe or level differs from its resolved one
    uint32_t m_dirty = 0;          // drivers (bit i: driver i, from 31 on bit 31) whose next drive may differ from cur
    Lines m_next;                  // point-to-point lines written this phase (REQ#, GNT#, IDSEL, INTA#, RST#)
    bool m_p2p_dirty = false;      // one of them was written with a new value since the last resolve
    unsigned m_reset_left;
    BusClock::AgentId m_reset_agent;
    sc_core::sc_event m_changed;
    sc_core::sc_event m_inta_changed;
    sc_core::sc_event m_reset_asserted;
    sc_core::sc_event m_reset_released;
    mutable bool m_changed_used = false;
    mutable bool m_inta_watched = false;  // inta_event() was asked for
    mutable bool m_inta_awaited = false;  // next_inta_event() was asked for since the last INTA# change

    BusTrace* m_trace = nullptr;  // while traced (model/pci/bus_trace.h)
};

}  // namespace nicsim::pci
