// The PCI clock, CLK: rising edges only, at time k * period for k = 0, 1, 2, ... The bus's clocked blocks (arbiter,
// monitor, host bridge, NIC) are ClockedAgents: one SC_METHOD evaluates every awake agent on each rising edge by a
// direct call, in registration order. Nothing in the model acts on the falling edge, so the clock has no falling-edge
// time step; traces still show both edges (trace()). When every agent sleeps and nothing else listens, the clock
// stops ticking altogether: idle time costs nothing.
//
// When an edge is evaluated: after what else was due at that instant has run for one delta cycle (as agents sensitive
// to an sc_clock's posedge run one delta after the timed activity of their time step), so a CPU request or a frame
// that arrives exactly at an edge is seen by that edge. Sleeping is invisible: a woken agent is evaluated from the
// first rising edge at or after the wake that has not been evaluated yet, as if it had never slept. An alarm
// (set_alarm) counts as a wake in its instant's first delta cycle: an edge only an alarm asks for is evaluated after
// one delta of what that first delta started.
//
// Batching (set_batching): edges every awake agent vouches for (ClockedAgent::steady_edge()) are evaluated one after
// the other within one activation, before the next pending kernel activity; the agents see the same lines and edge
// numbers as on their own time steps, and nicsim's trace files take each batched edge's record at that edge's time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

namespace nicsim {
class PolledTraceFile;
}

namespace nicsim::pci {

/// A block evaluated on the rising edges of the bus clock while it is awake (BusClock::attach).
class ClockedAgent {
  public:
    /// Evaluate this rising edge: sample PciBus::lines(), drive() the values for the next one.
    virtual void clock_edge() = 0;
    /// A sleeping agent was woken (called once per wake, before its next clock_edge()).
    virtual void woken() {}
    /// True when the next clock_edge() (edge BusClock::edges(), sampling PciBus::lines() as they are now) would
    /// neither notify an event, report, nor read the simulation time: such an edge may be evaluated before its time,
    /// in a batch (BusClock::set_batching). The default, false, keeps every edge at its own time.
    virtual bool steady_edge() const { return false; }

  protected:
    ~ClockedAgent() = default;
};

/// What a batch needs from the lines the agents drive (PciBus): their resolution between two edges of a batch.
class BatchLines {
  public:
    /// False while something outside the agents watches every change of the lines (an event, a trace that reads the
    /// simulation time or keeps kernel-updated copies of them).
    virtual bool batchable() const = 0;
    /// Resolve what the agents drove on this edge now, as the update phase would.
    virtual void settle() = 0;

  protected:
    ~BatchLines() = default;
};

class BusClock : public sc_core::sc_module {
  public:
    using AgentId = unsigned;

    BusClock(sc_core::sc_module_name name, const sc_core::sc_time& period);
    ~BusClock() override;

    const sc_core::sc_time& period() const { return m_period; }

    /// Register an agent during elaboration. It starts awake; agents are evaluated in registration order.
    AgentId attach(ClockedAgent& agent, const std::string& name);
    /// Stop evaluating the agent after this edge until wake(), wake_at() or, with `on_bus_change`, bus_changed();
    /// without `on_inta` a change of the interrupt lines alone does not wake it (an agent that only drives them).
    void sleep(AgentId id, bool on_bus_change = true, bool on_inta = true);
    /// Evaluate the agent from the first rising edge at or after now not evaluated yet.
    void wake(AgentId id);
    /// Evaluate a sleeping agent from the first rising edge at or after `at` (absolute time); an earlier wake wins.
    void wake_at(AgentId id, const sc_core::sc_time& at) {
        Slot& s = m_slots[id];
        if (s.awake) return;
        const uint64_t k = open_edge_at(at.value());
        // From an agent's clock_edge() (the fast mode's NIC falling asleep): edge_method() schedules the next edge
        // after every agent has had its say, so only the earliest wakes are noted.
        if (m_dispatching) return note_wake(s, k);
        // A sleeping agent asks again for the edge it already waits for (the fast mode's NIC after each frame or
        // register write): inline, without the call, when nothing below would change.
        if (k >= s.wake_edge && k >= m_timed_wake && k >= m_next_edge && k != m_alarm_edge) return;
        wake_at_edge(id, k);
    }
    /// A sleeping agent's alarm: as wake_at(), but each call replaces the previous alarm, later as well as earlier
    /// (the fast mode's DMA completion, which a CPU cycle that cuts the burst moves later); wake_at()'s wakes still
    /// apply. Cleared when the agent wakes.
    void set_alarm(AgentId id, const sc_core::sc_time& at) {
        Slot& s = m_slots[id];
        if (s.awake) return;
        const uint64_t k = open_edge_at(at.value());
        // The first alarm of an agent falling asleep in its clock_edge() (the fast mode's NIC with a DMA in flight):
        // as wake_at() from there.
        if (m_dispatching && k <= s.alarm_edge) {
            s.alarm_edge = k;
            if (k < m_timed_wake) m_timed_wake = k;
            return;
        }
        set_alarm_edge(s, k);
    }
    bool awake(AgentId id) const { return m_slots[id].awake; }
    /// True when the sleeping agent already waits for an edge at or before the first one wake_at(id, at) would give
    /// (such a wake_at() changes nothing): for an agent's checks of the wakes it does not ask again.
    bool holds_wake_by(AgentId id, const sc_core::sc_time& at) const {
        const Slot& s = m_slots[id];
        return !s.awake && s.wake_edge <= open_edge_at(at.value());
    }

    /// The resolved bus lines changed (PciBus calls this): wakes the agents sleeping on bus changes; `inta_only`:
    /// nothing but INTA# changed, which wakes only those that sleep on_inta.
    void bus_changed(bool inta_only = false) {
        // A busy bus changes on nearly every clock with every agent awake; in the fast mode only INTA# changes, and
        // the NIC, the one sleeper then, does not sleep on it.
        if (m_change_sleepers == 0 || (inta_only && m_inta_sleepers == 0)) return;
        wake_change_sleepers(inta_only);
    }

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

    /// Burst batching: while every awake agent reports a steady_edge(), evaluate the following edges at once, in one
    /// kernel activation, without the time steps between them. Exact only when nothing but the agents acts before
    /// those edges' times: a batch ends before the next pending kernel activity, a timed wake, and the horizon. Off
    /// by default.
    void set_batching(BatchLines* lines, bool on) {
        m_batch_lines = lines;
        m_batching = on && lines != nullptr;
    }
    /// No batch evaluates an edge at or after `horizon`: the end of the current sc_start(duration), which the kernel
    /// does not publish (sc_core::sc_max_time() for an sc_start() without one). Until it is set nothing is batched.
    void set_batch_horizon(const sc_core::sc_time& horizon) { m_batch_horizon = horizon.value(); }
    /// Edges evaluated inside batches, after the batch's first (those without a kernel time step of their own).
    uint64_t batched_edges() const { return m_batched; }
    /// True while the agents evaluate an edge of a batch: each of them answered steady_edge() for it just before,
    /// with nothing in between, so an agent may take the steady path it vouched for.
    bool batch_edge() const { return m_batch_edge; }
    /// Changes at every kernel activation that may start a batch: what a steady_edge() derives from state that
    /// only the agents change may be kept while it stays the same (nothing else runs inside one activation).
    uint64_t batch_serial() const { return m_batch_serial; }

    /// Trace CLK as a wire under `name`, with both edges. The fast VCD writer draws it without a falling-edge time
    /// step; any other trace file gets a real signal (and a clock that never stops, so nothing is batched). Calls
    /// trace_batches(tf).
    void trace(sc_core::sc_trace_file* tf, const std::string& name);
    /// `tf` traces objects this clock's agents change: it must see each edge's values at that edge's time. nicsim's
    /// own writers (PolledTraceFile) take a record right after each edge a batch evaluates ahead of its time, stamped
    /// with that edge's time; any other trace file keeps this clock from batching. Call during elaboration.
    void trace_batches(sc_core::sc_trace_file* tf);

  private:
    struct Slot {
        ClockedAgent* agent;
        std::string name;
        bool awake = true;
        bool on_change = false;
        bool on_inta = true;           // with on_change: an INTA#-only change wakes it too
        uint64_t wake_edge = kNever;   // timed wake: the first edge index at or after its time
        uint64_t alarm_edge = kNever;  // set_alarm()'s edge
        bool vouched = false;          // answered steady_edge() for the batch edge about to be evaluated
    };
    static constexpr uint64_t kNever = ~uint64_t(0);

    /// The first edge at or after `ticks` (time resolution units) that is not evaluated yet.
    uint64_t open_edge_at(uint64_t ticks) const {
        const uint64_t k = (ticks + m_period_ticks - 1) / m_period_ticks;
        return k < m_edges ? m_edges : k;
    }
    void wake_at_edge(AgentId id, uint64_t edge);  // wake_at() for its edge
    void note_wake(Slot& s, uint64_t edge) {       // the timed wake's edge, without scheduling it
        if (edge < s.wake_edge) s.wake_edge = edge;
        if (edge < m_timed_wake) m_timed_wake = edge;
    }
    void set_alarm_edge(Slot& s, uint64_t edge);  // set_alarm() for its edge
    void edge_method();
    void evaluate_edge(uint64_t edge, bool batch = false);
    void evaluate_batched_edge(uint64_t edge);  // an edge of a batch after its first
    /// The edge's posedge listeners and awake agents; `batch`: those that vouched take it as a batched edge.
    void dispatch(uint64_t edge, bool batch);
    bool all_steady();
    uint64_t batch_end(uint64_t edge) const;  // the first edge after `edge` a batch must leave to the kernel
    void evaluate_batch(uint64_t edge);
    /// The traced values are those at the end of edge `edge`'s time step: the trace files take its record.
    void record_batched_edge(uint64_t edge);
    void reschedule(uint64_t now);
    void negedge_method();
    uint64_t first_open_edge() const;  // the first edge at or after now that is not evaluated yet
    /// Make sure edge_method() runs no later than that edge; `alarm`: for set_alarm().
    void schedule_from(uint64_t edge, bool alarm = false);
    void restart_at(uint64_t edge);
    bool only_alarm_asks(uint64_t edge) const;  // no running clock nor timed wake, an alarm does
    void wake_slot(Slot& s);
    void count_change_sleeper(const Slot& s, int n);  // `s` falls asleep (+1) or wakes (-1)
    void wake_change_sleepers(bool inta_only);
    void notify_restart(uint64_t edge);  // m_restart at the edge's time, after now
    void alarm_moved_later(uint64_t from);

    sc_core::sc_time m_period;
    uint64_t m_period_ticks;  // in time resolution units
    std::vector<Slot> m_slots;
    unsigned m_awake = 0;
    unsigned m_change_sleepers = 0;  // sleeping agents that a bus change wakes
    unsigned m_inta_sleepers = 0;    // those of them that a change of INTA# alone wakes
    uint64_t m_timed_wake = kNever;  // earliest wake_edge of a sleeping agent
    uint64_t m_edges = 0;            // edges evaluated; the last one is m_edges - 1
    uint64_t m_next_edge = 0;        // the edge edge_method() is scheduled for; kNever: stopped
    uint64_t m_edge_delta = ~uint64_t(0);
    static constexpr int kFresh = -1;
    int m_settles = kFresh;          // deltas this edge may still wait for the other activity at its instant
    uint64_t m_alarm_edge = kNever;  // m_restart's timed notification is for this edge, which only an alarm asks for
    bool m_dispatching = false;      // agents are being evaluated
    mutable bool m_keep_running = false;
    BatchLines* m_batch_lines = nullptr;
    bool m_batching = false;
    uint64_t m_batch_horizon = 0;  // in time resolution units
    uint64_t m_batched = 0;
    uint64_t m_batch_serial = 0;
    bool m_batch_edge = false;
    std::vector<PolledTraceFile*> m_batch_traces;  // trace files that take a record of every batched edge
    bool m_untraceable = false;                    // a trace file that cannot: no batches
    sc_core::sc_event m_restart;  // the next edge of a stopped clock (edge_method()'s static sensitivity)
    sc_core::sc_event m_tick;     // the next edge of a ticking clock (edge_method()'s static sensitivity)
    sc_core::sc_event m_posedge;
    sc_core::sc_event m_negedge;
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>* m_level =
        nullptr;  // only for trace files other than nicsim's own (PolledTraceFile)
};

}  // namespace nicsim::pci
