// The 82540EM NIC as a PCI device: configuration space, the register file behind BAR0 (memory) and BAR2 (I/O
// window), the EEPROM, the interrupt logic on INTA#, and the data path (NicDataPath) as the client of its bus-master
// engine. A clocked agent of the bus (BusClock); it sleeps while the bus is idle and nothing is pending.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include <systemc>

#include "model/common/sim_now.h"
#include "model/nic/config_space.h"
#include "model/nic/data_path.h"
#include "model/nic/e1000_regs.h"
#include "model/nic/eeprom.h"
#include "model/nic/interrupts.h"
#include "model/nic/mdio_controller.h"
#include "model/nic/nic_context.h"
#include "model/nic/phy_88e1011.h"
#include "model/nic/register_file.h"
#include "model/pci/master_engine.h"
#include "model/pci/pci_bus.h"
#include "model/pci/target_engine.h"

namespace nicsim::nic {

/// Counters of the device front, for statistics and tests.
struct NicFrontStats {
    uint64_t reg_reads = 0;          ///< register reads (memory or I/O window)
    uint64_t reg_writes = 0;         ///< register writes
    uint64_t config_reads = 0;       ///< configuration reads claimed
    uint64_t config_writes = 0;      ///< configuration writes claimed
    uint64_t unknown_accesses = 0;   ///< accesses to unimplemented register offsets
    uint64_t software_resets = 0;    ///< CTRL.RST
    uint64_t diagnostics = 0;        ///< diagnostics raised through NicContext::diagnostic and by the front
    uint64_t notes = 0;              ///< notes raised through NicContext::note and by the register file
    uint64_t awake_clocks = 0;       ///< rising edges the device was evaluated on (not asleep)
    uint64_t frames_to_wire = 0;     ///< frames the data path transmitted
    uint64_t frames_dropped = 0;     ///< transmitted frames with no wire attached
    uint64_t frames_ignored_d3 = 0;  ///< frames from the wire while in D3hot
};

class Nic82540em : public sc_core::sc_module, public NicContext, public pci::TargetClient, private pci::ClockedAgent {
  public:
    SC_HAS_PROCESS(Nic82540em);
    Nic82540em(sc_core::sc_module_name name, pci::PciBus& bus, const NicParams& params = NicParams{});
    ~Nic82540em() override;

    /// Where transmitted frames go (nullptr: dropped and counted).
    void set_wire(WireSink* wire) { m_wire = wire; }
    /// A frame from the wire into the data path.
    void receive(const Frame& frame);
    /// The cable (the wire's link): the PHY loses the link at once, or starts autonegotiating; STATUS.LU follows the
    /// PHY's link (with CTRL.SLU) and LSC is raised on a change.
    void set_link(bool up);

    /// PCI reset (RST#) and power-on state: configuration space, registers, data path, engines.
    void reset();
    /// Trace the interrupt state and the ring registers under the module's name (call before sc_start; nullptr =
    /// tracing off): INTA, awake, CTRL, ICR, IMS, RCTL, TCTL, TDH, TDT, RDH, RDT.
    void trace(sc_core::sc_trace_file* tf);
    /// Trace the device beside the bus under <prefix> (e.g. "nic"): the interrupt state and ring registers as above
    /// (<prefix>.INTA, .ICR, .IMS, .TDH, ...), and the data path's internal state selected by `what` (TraceWhat:
    /// <prefix>.dma.*, .tx.*, .rx.*, .txdesc.*, .rxdesc.*, .mac.*). Call before sc_start; nullptr = off.
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix, unsigned what = kTraceAll);

    unsigned device_number() const { return m_device; }
    const ConfigSpace& config_space() const { return m_cfg; }
    const Eeprom& eeprom() const { return m_eeprom; }
    Eeprom& eeprom() { return m_eeprom; }
    const Phy88E1011& phy() const { return m_phy; }
    const Interrupts& interrupts() const { return m_irq; }
    pci::PciTargetEngine& target() {
        forget_engines_idle();  // the caller may change it
        return m_target;
    }
    NicDataPath& data_path() { return *m_dp; }
    /// Fast mode (model/fast): the data path's DMA goes through `port` instead of the bus-master engine. Call during
    /// elaboration, before trace(): the data path is rebuilt. The port reports completions through dma_port_done().
    void use_dma_port(DmaPort& port);
    /// A request started on the port given to use_dma_port() completes at `at` (absolute time, a clock edge), with
    /// this status: status bits are latched as for the bus-master engine (received master/target abort, parity),
    /// then the data path hears it. The device takes it on its clock edge at that time, after everything else due
    /// at that instant (a frame from the wire comes first, as the pin-level master engine hears a burst end on the
    /// edge), or earlier at that instant when software accesses the device, or when a frame arrives at a later
    /// instant. A sleeping device is woken for that edge alone (BusClock::set_alarm), with no event of the port's.
    void dma_port_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done,
                       const sc_core::sc_time& at);
    /// The request's completion moved to `at` (a CPU cycle cut its burst).
    void dma_port_moved(const sc_core::sc_time& at);
    /// The port given to use_dma_port() changed its path between two requests (model/fast/dma_path_switch.h):
    /// `event_driven` when its completions come through dma_port_done() (the device sleeps while it waits for one),
    /// false when they come from the bus-master engine clocked on the bus (the device is evaluated as on the
    /// pin-level machine). Wakes the device, which may have work the path change held back.
    void dma_path_changed(bool event_driven);
    const NicFrontStats& stats() const { return m_stats; }
    bool inta_asserted() const { return m_inta; }
    /// The register file (its table rows, current values without side effects).
    const RegisterFile& registers() const { return m_regs; }
    /// Register read/write as software sees them through BAR0 (with side effects), for the host's direct access.
    uint32_t read_register(uint32_t offset);
    void write_register(uint32_t offset, uint32_t value, uint8_t byte_enables = 0xF);

    // NicContext
    const NicParams& params() const override { return m_params; }
    uint32_t reg(uint32_t offset) const override;
    void set_reg(uint32_t offset, uint32_t value) override;
    const uint32_t* reg_storage(uint32_t offset) const override;
    uint32_t* reg_poke_storage(uint32_t offset) override;
    void add_stat(uint32_t offset, uint64_t amount) override;
    void raise_irq(uint32_t icr_bits) override;
    void tx_done_event(bool immediate) override;
    void rx_done_event(bool immediate) override;
    bool bus_master_enabled() const override { return m_cfg.bus_master(); }
    pci::PciMasterEngine& master() override {
        forget_engines_idle();  // the caller may start a request
        return m_master;
    }
    void diagnostic(const char* what, const std::string& detail) override;
    void note(const char* what, const std::string& detail) override;
    uint64_t now_ns() const override;

    // pci::TargetClient
    bool target_claim(const pci::TargetAccess& a) override;
    pci::TargetReply target_read(const pci::TargetAccess& a, uint64_t& data) override;
    pci::TargetReply target_write_ready(const pci::TargetAccess& a) override;
    pci::TargetReply target_write(const pci::TargetAccess& a, uint64_t data, uint8_t byte_enables) override;
    void target_parity_error(const pci::TargetAccess& a, bool address_phase) override;

  private:
    /// Sits between the master engine and the data path: latches abort/parity status bits, then forwards.
    struct MasterStatusTap : pci::MasterClient {
        Nic82540em* nic = nullptr;
        void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) override;
    };
    /// The data path's WireSink: forwards to set_wire()'s sink.
    struct WireTap : WireSink {
        Nic82540em* nic = nullptr;
        void transmit(const Frame& frame) override;
        void transmit_swap(Frame& frame) override;
        WireSink* counted();  // set_wire()'s sink, the frame counted; null: dropped and counted
    };

    void clock_edge() override;
    bool steady_edge() const override;
    uint64_t quiet_until(uint64_t t) const;  // until when nothing but the master engine acts on an edge (ns)
    void steady_evaluate();
    [[gnu::always_inline]] void evaluate_edge();  // clock_edge()'s body, kept in it
    void woken() override;
    bool needs_clock() const;
    /// needs_clock() without its interrupt test, for an edge that has just evaluated the interrupts at its time.
    bool needs_clock_irq_evaluated() const;
    bool data_path_needs_clock(uint64_t now) const;
    void wake() { m_bus.CLK.wake(m_agent); }
    void changed();           // wake() only when the change gives the device work (fast mode)
    void wake_at_deadline();  // a sleeping device's timed wake: interrupt moderation, the wire, the PHY
    // Its parts off the fast mode's path, out of line so that path saves no registers: the pin level's data path
    // deadline, and setting a deadline (rare: no moderation or PHY event, a frame waiting for the wire).
    [[gnu::noinline]] uint64_t pin_data_path_deadline_ns() const;
    [[gnu::noinline]] void wake_at_ns(uint64_t deadline);
    [[gnu::noinline]] void wake_at_far(uint64_t ns);  // wake_at_ns() beyond m_exact_ns
    /// Hand a completion that dma_port_done() left pending to the data path, once its time has come.
    void take_dma_done() {
        if (m_dma_done.pending && m_dma_done.at <= sim_now()) take_pending_dma_done();
    }
    void take_pending_dma_done();
    /// Before software reads or writes the device: a completion of this instant, and an interrupt change deferred in
    /// this edge (defer_irq()) evaluated, as at the change, before ICR, IMS or a reset can alter what it finds.
    void software_access() {
        take_dma_done();
        if (m_irq_stale) update_irq();
    }
    [[gnu::noinline]] void take_earlier_dma_done();  // dma_port_done()'s take_dma_done(), off its path
    void set_dma_alarm();                            // a sleeping device wakes for its pending completion's edge
    void reset_registers();
    void software_reset();
    void power_up_reset();
    void load_mac_from_eeprom();
    uint32_t status_value() const;
    bool link_up() const;
    void link_changed(bool was_up);
    // EECD, MDIC and the PHY (nic_phy_link.cpp).
    static EepromWords eeprom_image(const NicParams& params);
    static PhyParams phy_params(const NicParams& params);
    unsigned mac_mbps() const;
    bool mac_full_duplex() const;
    void write_phy_reset(bool asserted);
    void service_phy() {  // inline: every evaluated edge asks it
        const uint64_t now = time_ns();
        if (now >= phy_deadline_ns()) advance_phy(now);
    }
    // service_phy()'s work when a PHY or MDIO deadline is due; out of line, so the check each clock stays small.
    [[gnu::noinline]] void advance_phy(uint64_t now);
    uint64_t phy_deadline_ns() const { return std::min(m_mdio.deadline(), m_phy.next_event_ns()); }
    void update_master_config();
    void update_irq();
    /// Inside clock_edge() (its DMA completion, its engines' ticks) an interrupt cause or timer change only marks the
    /// line stale: the edge evaluates the interrupts itself at the same instant, after its data path and before it
    /// decides to sleep; nothing in between reads the line, and the device is awake throughout, so an evaluation and
    /// wake() at the change would change nothing.
    bool defer_irq() {
        if (!m_defer_irq) return false;
        m_irq_stale = true;
        return true;
    }
    void end_irq_deferral();  // an edge that does not evaluate the interrupts itself: what was deferred, now
    // The register file's handlers (nic_registers.cpp): bound in wire_registers() to the hooks the table declares.
    void wire_registers();
    void wire_interrupt_registers();
    void wire_delay_timer(uint32_t offset, bool flushes);
    void register_written(uint32_t offset, uint32_t stored);
    void unknown_register(bool write, uint32_t offset, uint32_t value);
    void register_note(RegisterFile::Note kind, uint32_t offset, uint32_t value);
    void write_eecd(uint32_t value);
    void write_pba(uint32_t value);
    void write_ctrl(uint32_t value);
    void write_eerd(uint32_t value);
    void write_mdic(uint32_t value);
    void interrupt_registers_changed();

    NicParams m_params;
    pci::PciBus& m_bus;
    unsigned m_device;
    MasterStatusTap m_master_tap;
    WireTap m_wire_tap;
    pci::PciMasterEngine m_master;
    pci::PciTargetEngine m_target;
    ConfigSpace m_cfg;
    Eeprom m_eeprom;
    Phy88E1011 m_phy;
    MdioController m_mdio;
    Interrupts m_irq;
    std::unique_ptr<NicDataPath> m_dp;
    bool m_dma_event_driven = false;  // the DMA port given to use_dma_port() reports through dma_port_done()
    struct PendingDmaDone {           // a completion from dma_port_done() the device has not taken yet
        bool pending = false;
        pci::MasterRequest rq;
        pci::MasterStatus status = pci::MasterStatus::Ok;
        uint32_t bytes = 0;
        sc_core::sc_time at;  // when it completes
    } m_dma_done;
    WireSink* m_wire = nullptr;

    RegisterFile m_regs;  // BAR0, laid out by kRegisterTable (register_table.h)
    /// The statistics block in m_regs, each dword classified from the register table once (the data path counts
    /// several times per frame): not a counter, a 32-bit counter, or the low half of a 64-bit one.
    StatCounters m_counters;
    void classify_stat_counters();
    [[gnu::cold, gnu::noinline]] void not_a_stat(uint32_t offset);  // add_stat's diagnostic, off its path
    uint32_t m_ioaddr = 0;                                          // I/O window address register

    bool m_inta = false;
    bool m_defer_irq = false;  // clock_edge() is running: defer_irq()
    bool m_irq_stale = false;  // an interrupt change deferred to the edge's update_irq()
    /// Neither bus engine has anything to do on this clock: the lines are idle, the target holds no claim and the
    /// master neither a request nor a park to begin or end. Both engines change only when ticked, started or reset,
    /// so once found, this holds until the lines change (PciBus::line_generation) or one of those happens.
    bool bus_engines_idle() const;
    void tick_bus_engines();
    void forget_engines_idle() { m_engines_idle_gen = ~uint64_t(0); }
    mutable uint64_t m_engines_idle_gen = ~uint64_t(0);  // line generation both engines were last found idle in
    mutable uint64_t m_quiet_serial = ~uint64_t(0);  // BusClock::batch_serial() that m_quiet_until was worked out in
    mutable uint64_t m_quiet_until = 0;
    bool m_in_reset = false;
    bool m_awake = true;  // traced: evaluated on the clock edges (not asleep)
    // While clock_edge() runs, the time of its edge: simulated time stands still inside one evaluation, and the
    // engines ask for it a few dozen times per evaluation (sc_time_stamp() each time otherwise).
    bool m_in_edge = false;
    uint64_t m_edge_ns = 0;
    uint64_t time_ns() const { return m_in_edge ? m_edge_ns : sim_now_ns(); }  // now_ns(), inline for the hot paths
    // While the data path takes a frame from the wire (receive()), in the fast mode: an interrupt cause it raises
    // (RXO, the frame missed) leaves the sleeping device's decision to receive()'s own changed(), which follows with
    // nothing changed that the decision reads.
    bool m_taking_frame = false;
    uint64_t m_period_ns = 0;  // the bus period in whole nanoseconds (0: not whole): edge k is at k * m_period_ns
    // time_from_ns()'s scale, fixed by the constructor's ticks_per_ns(): wake_at_ns() without its guarded static.
    uint64_t m_ticks_per_ns = 0;
    uint64_t m_exact_ns = 0;  // below, `ns` nanoseconds are ns * m_ticks_per_ns time units
    static constexpr uint64_t kNoWake = ~uint64_t(0);
    // The earliest timed wake (time resolution units) wake_at_ns() asked of the clock since the device last fell
    // asleep, or kNoWake: the clock holds a wake at or before it until the device wakes.
    uint64_t m_asked_wake = kNoWake;
    pci::BusClock::AgentId m_agent;
    NicFrontStats m_stats;
};

}  // namespace nicsim::nic
