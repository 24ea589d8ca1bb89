// The PCI clock, CLK: rising edges only, at time k * period for k = 0, 1, 2, ... The bus's clocked blocks (arbiter,
// monitor, host bridge, NIC) are ClockedAgents: one SC_METHOD evaluates every awake agent on each rising edge by a
// direct call, in registration order. Nothing in the model acts on the falling edge, so the clock has no falling-edge
// time step; traces still show both edges (trace()). When every agent sleeps and nothing else listens, the clock
// stops ticking altogether: idle time costs nothing.
//
// When an edge is evaluated: after what else was due at that instant has run for one delta cycle (as agents sensitive
// to an sc_clock's posedge run one delta after the timed activity of their time step), so a CPU request or a frame
// that arrives exactly at an edge is seen by that edge. Sleeping is invisible: a woken agent is evaluated from the
// first rising edge at or after the wake that has not been evaluated yet, as if it had never slept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

namespace nicsim::pci {

/// A block evaluated on the rising edges of the bus clock while it is awake (BusClock::attach).
class ClockedAgent {
  public:
    /// Evaluate this rising edge: sample PciBus::lines(), drive() the values for the next one.
    virtual void clock_edge() = 0;
    /// A sleeping agent was woken (called once per wake, before its next clock_edge()).
    virtual void woken() {}

  protected:
    ~ClockedAgent() = default;
};

class BusClock : public sc_core::sc_module {
  public:
    using AgentId = unsigned;

    BusClock(sc_core::sc_module_name name, const sc_core::sc_time& period);
    ~BusClock() override;

    const sc_core::sc_time& period() const { return m_period; }

    /// Register an agent during elaboration. It starts awake; agents are evaluated in registration order.
    AgentId attach(ClockedAgent& agent, const std::string& name);
    /// Stop evaluating the agent after this edge until wake(), wake_at() or, with `on_bus_change`, bus_changed().
    void sleep(AgentId id, bool on_bus_change = true);
    /// Evaluate the agent from the first rising edge at or after now not evaluated yet.
    void wake(AgentId id);
    /// Evaluate a sleeping agent from the first rising edge at or after `at` (absolute time); an earlier wake wins.
    void wake_at(AgentId id, const sc_core::sc_time& at);
    bool awake(AgentId id) const { return m_slots[id].awake; }

    /// The resolved bus lines changed (PciBus calls this): wakes the agents sleeping on bus changes.
    void bus_changed();

    /// Notified at each rising edge for processes that are not agents (test agents, stimuli). Asking for it keeps
    /// the clock ticking for the rest of the simulation.
    const sc_core::sc_event& posedge_event() const;
    /// True in the delta cycle in which the current rising edge is evaluated.
    bool posedge() const { return m_edge_delta == sc_core::sc_delta_count(); }
    /// True while the agents' clock_edge() calls of the current rising edge run: now is edge edges() - 1.
    bool dispatching() const { return m_dispatching; }
    /// Rising edges evaluated so far (edge k is at time k * period).
    uint64_t edges() const { return m_edges; }
    /// Index of the last rising edge at or before now that has been evaluated or slept through; 0 before edge 1.
    uint64_t last_edge() const;
    /// Whether the clock is ticking (some agent awake, or posedge_event() in use).
    bool running() const { return m_next_edge != kNever; }

    /// Trace CLK as a wire under `name`, with both edges. The fast VCD writer draws it without a falling-edge time
    /// step; any other trace file gets a real signal (and a clock that never stops).
    void trace(sc_core::sc_trace_file* tf, const std::string& name);

  private:
    struct Slot {
        ClockedAgent* agent;
        std::string name;
        bool awake = true;
        bool on_change = false;
        uint64_t wake_edge = kNever;  // timed wake: the first edge index at or after its time
    };
    static constexpr uint64_t kNever = ~uint64_t(0);

    void edge_method();
    void evaluate_edge(uint64_t edge);
    void reschedule(uint64_t now);
    void negedge_method();
    uint64_t first_open_edge() const;   // the first edge at or after now that is not evaluated yet
    void schedule_from(uint64_t edge);  // make sure edge_method() runs no later than that edge
    void wake_slot(Slot& s);

    sc_core::sc_time m_period;
    uint64_t m_period_ticks;  // in time resolution units
    std::vector<Slot> m_slots;
    unsigned m_awake = 0;
    unsigned m_change_sleepers = 0;  // sleeping agents that a bus change wakes
    uint64_t m_timed_wake = kNever;  // earliest wake_edge of a sleeping agent
    uint64_t m_edges = 0;            // edges evaluated; the last one is m_edges - 1
    uint64_t m_next_edge = 0;        // the edge edge_method() is scheduled for; kNever: stopped
    uint64_t m_edge_delta = ~uint64_t(0);
    bool m_settled = false;      // this edge already waited one delta for the other activity at its instant
    bool m_dispatching = false;  // agents are being evaluated
    mutable bool m_keep_running = false;
    sc_core::sc_event m_restart;
    sc_core::sc_event m_tick;  // the next edge of a ticking clock (edge_method()'s static sensitivity)
    sc_core::sc_event m_posedge;
    sc_core::sc_event m_negedge;
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>* m_level =
        nullptr;  // only for trace files other than nicsim's own (PolledTraceFile)
};

}  // namespace nicsim::pci
