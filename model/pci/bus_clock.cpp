#include "bus_clock.h"

#include <algorithm>
#include <stdexcept>

#include "model/common/sim_now.h"
#include "model/trace/polled_trace_file.h"

namespace nicsim::pci {

using namespace sc_core;

BusClock::BusClock(sc_module_name name, const sc_time& period)
    : sc_module(name), m_period(period), m_period_ticks(period.value()) {
    if (m_period_ticks == 0 || m_period_ticks % 2 != 0)
        throw std::invalid_argument("BusClock: the period must be an even number of time resolution units");
    SC_HAS_PROCESS(BusClock);
    SC_METHOD(edge_method);  // initialised: edge 0 at time 0
    sensitive << m_tick << m_restart;
    SC_METHOD(negedge_method);
    sensitive << m_negedge;
    dont_initialize();
}

BusClock::~BusClock() {
    delete m_level;
}

BusClock::AgentId BusClock::attach(ClockedAgent& agent, const std::string& name) {
    if (sc_is_running()) throw std::logic_error("BusClock::attach after elaboration: " + name);
    m_slots.push_back(Slot{&agent, name});
    ++m_awake;
    return static_cast<AgentId>(m_slots.size() - 1);
}

void BusClock::sleep(AgentId id, bool on_bus_change, bool on_inta) {
    Slot& s = m_slots[id];
    if (!s.awake) count_change_sleeper(s, -1);
    s.on_change = on_bus_change;
    s.on_inta = on_inta;
    count_change_sleeper(s, +1);
    if (!s.awake) return;
    s.awake = false;
    --m_awake;
}

void BusClock::count_change_sleeper(const Slot& s, int n) {
    if (!s.on_change) return;
    m_change_sleepers += n;
    if (s.on_inta) m_inta_sleepers += n;
}

void BusClock::wake_slot(Slot& s) {
    count_change_sleeper(s, -1);
    s.awake = true;
    s.wake_edge = kNever;
    s.alarm_edge = kNever;
    ++m_awake;
    s.agent->woken();
}

uint64_t BusClock::first_open_edge() const {
    return open_edge_at(sim_now().value());
}

void BusClock::wake(AgentId id) {
    Slot& s = m_slots[id];
    if (s.awake) return;
    wake_slot(s);
    schedule_from(first_open_edge());
}

void BusClock::wake_at_edge(AgentId id, uint64_t k) {
    note_wake(m_slots[id], k);
    schedule_from(k);
}

void BusClock::set_alarm_edge(Slot& s, uint64_t k) {
    const uint64_t was = s.alarm_edge;
    s.alarm_edge = k;
    if (k <= was) {  // the first, or earlier: as wake_at()
        if (k < m_timed_wake) m_timed_wake = k;
        schedule_from(k, true);
    } else if (was == m_timed_wake) {
        alarm_moved_later(was);
    }
}

// The alarm that was the earliest timed wake moved later: a stopped clock waiting for its edge waits for the new
// earliest one instead (an event notified for a later time than it is pending at keeps the earlier one). One scan
// finds the earliest timed wake and alarm (an awake agent holds neither): with nothing awake, the new edge is the
// earliest of the two, and only an alarm asks for it when no timed wake is at that edge.
void BusClock::alarm_moved_later(uint64_t from) {
    uint64_t wake = kNever, alarm = kNever;
    for (const Slot& s : m_slots) {
        wake = std::min(wake, s.wake_edge);
        alarm = std::min(alarm, s.alarm_edge);
    }
    m_timed_wake = std::min(wake, alarm);
    if (m_dispatching || m_awake > 0 || m_keep_running || m_next_edge != from) return;
    m_next_edge = m_timed_wake;
    m_restart.cancel();
    m_alarm_edge = kNever;
    if (m_next_edge == kNever) return;
    if (alarm == m_next_edge && wake != m_next_edge) m_alarm_edge = m_next_edge;
    notify_restart(m_next_edge);
}

void BusClock::notify_restart(uint64_t edge) {
    m_restart.notify(time_from_value(edge * m_period_ticks - sim_now().value()));
}

// A stopped clock's next edge, after now; notes whether only an alarm asks for it.
void BusClock::restart_at(uint64_t edge) {
    m_alarm_edge = only_alarm_asks(edge) ? edge : kNever;
    notify_restart(edge);
}

// An awake agent holds neither a timed wake nor an alarm (wake_slot() clears them; both ask for a sleeping one).
bool BusClock::only_alarm_asks(uint64_t edge) const {
    if (m_awake > 0 || m_keep_running) return false;
    bool alarm = false;
    for (const Slot& s : m_slots) {
        if (s.wake_edge == edge) return false;
        alarm = alarm || s.alarm_edge == edge;
    }
    return alarm;
}

void BusClock::wake_change_sleepers(bool inta_only) {
    bool woke = false;
    for (Slot& s : m_slots)
        if (!s.awake && s.on_change && (s.on_inta || !inta_only)) {
            wake_slot(s);
            woke = true;
        }
    if (woke) schedule_from(first_open_edge());
}

void BusClock::schedule_from(uint64_t edge, bool alarm) {
    // While edge_method() runs it decides the next edge itself, after every agent has had its say.
    if (m_dispatching) return;
    const uint64_t now = sim_now().value();
    const uint64_t at = edge * m_period_ticks;
    // A wake asked before the edge's instant gives the edge an activation of its own, in the instant's first delta.
    if (!alarm && edge == m_alarm_edge && at > now) m_alarm_edge = kNever;
    if (edge >= m_next_edge) return;
    m_next_edge = edge;
    m_alarm_edge = alarm && at > now ? edge : kNever;
    // Straight to the edge's time, without an activation that only reschedules: edge_method() waits for m_restart
    // unless the clock ticks, and an earlier notification of an event replaces a later one.
    m_restart.notify(time_from_value(at > now ? at - now : 0));
}

const sc_event& BusClock::posedge_event() const {
    if (!m_keep_running) {
        m_keep_running = true;
        if (sc_is_running()) const_cast<BusClock*>(this)->schedule_from(first_open_edge());
    }
    return m_posedge;
}

uint64_t BusClock::last_edge() const {
    const uint64_t now = sim_now().value();
    uint64_t k = now / m_period_ticks;
    if (k > 0 && now % m_period_ticks == 0 && m_edges <= k) --k;  // this instant's edge is not evaluated yet
    return k;
}

void BusClock::edge_method() {
    const uint64_t now = sim_now().value();
    if (m_next_edge == kNever || now < m_next_edge * m_period_ticks) {  // woken for a later edge (or by nothing)
        m_settles = kFresh;  // an alarm moved later while this edge waited a delta
        reschedule(now);
        return;
    }
    // Activity due at this instant (a CPU request, a frame, a timer, a driver on the lines) runs first: one delta,
    // counted from the instant's first delta for an edge that only an alarm asked for (as if the alarm had woken its
    // agent there, as a wake() would have: an agent hears its DMA completion after what that delta started).
    if (m_settles == kFresh) {
        m_settles = m_alarm_edge == m_next_edge ? 2 : 1;
        m_alarm_edge = kNever;
    }
    if (m_settles > 0 && sc_pending_activity_at_current_time()) {
        --m_settles;
        next_trigger(SC_ZERO_TIME);
        return;
    }
    m_settles = kFresh;
    if (m_batching)
        evaluate_batch(now / m_period_ticks);
    else
        evaluate_edge(now / m_period_ticks);
    reschedule(now);
}

bool BusClock::all_steady() {
    // An agent woken later in the edge was not asked; when one says no, the edge is not batched and `vouched` unused.
    for (Slot& s : m_slots) {
        s.vouched = s.awake;
        if (s.awake && !s.agent->steady_edge()) return false;
    }
    return true;
}

uint64_t BusClock::batch_end(uint64_t edge) const {
    // Kernel activity after now (nothing is due at this instant: checked by the caller) must find the edges before
    // its time evaluated and none at or after it: activity due exactly at an edge runs before that edge.
    const uint64_t now = edge * m_period_ticks;
    const uint64_t to_activity = sc_time_to_pending_activity().value();
    uint64_t end_ticks = to_activity > ~uint64_t(0) - now ? ~uint64_t(0) : now + to_activity;
    if (m_batch_horizon < end_ticks) end_ticks = m_batch_horizon;
    uint64_t end = end_ticks / m_period_ticks + (end_ticks % m_period_ticks != 0);  // the first edge at or after it
    if (m_timed_wake < end) end = m_timed_wake;
    return end;
}

// Evaluates `edge` and, while every awake agent stays steady, the edges after it up to batch_end(): each batch edge
// samples the lines the previous one drove, resolved here instead of in the update phase; the last one's are
// resolved by the kernel as usual.
void BusClock::evaluate_batch(uint64_t edge) {
    ++m_batch_serial;
    // A timed wake at this edge would wake an agent that was not asked.
    if (edge != m_edges || m_timed_wake <= edge || (edge + 1) * m_period_ticks >= m_batch_horizon || m_keep_running ||
        m_level || m_untraceable || !m_batch_lines->batchable() || sc_pending_activity_at_current_time() ||
        !all_steady()) {
        evaluate_edge(edge);
        return;
    }
    const uint64_t end = batch_end(edge);
    evaluate_edge(edge, true);
    while (m_edges < end && m_edges < m_timed_wake && m_awake > 0) {
        m_batch_lines->settle();
        if (!all_steady()) break;
        record_batched_edge(m_edges - 1);
        evaluate_batched_edge(m_edges);
        ++m_batched;
    }
    // The kernel's cycle() at the end of this activation's time step records the last edge: with that edge's time.
    if (m_edges - 1 != edge)
        for (PolledTraceFile* f : m_batch_traces) f->batch_ended((m_edges - 1) * m_period_ticks);
}

void BusClock::record_batched_edge(uint64_t edge) {
    // Nothing but the agents runs before the next edge, so what they and the lines hold now is what the end of this
    // edge's time step would show.
    for (PolledTraceFile* f : m_batch_traces) f->batched_edge(edge * m_period_ticks);
}

void BusClock::evaluate_edge(uint64_t edge, bool batch) {
    m_edges = edge + 1;
    m_edge_delta = sc_delta_count();
    if (m_timed_wake <= edge) {
        m_timed_wake = kNever;
        for (Slot& s : m_slots) {
            if (s.awake) continue;
            const uint64_t wake = std::min(s.wake_edge, s.alarm_edge);
            if (wake <= edge)
                wake_slot(s);
            else if (wake < m_timed_wake)
                m_timed_wake = wake;
        }
    }
    if (m_level) {
        m_level->write(true);
        m_negedge.notify(m_period / 2);
    }
    dispatch(edge, batch);
}

// evaluate_edge() for an edge after a batch's first: no timed wake is due before it (the batch's loop ends at
// m_timed_wake), there is no CLK signal (a batch needs none) and it runs in the batch's first edge's delta cycle.
void BusClock::evaluate_batched_edge(uint64_t edge) {
    m_edges = edge + 1;
    dispatch(edge, true);
}

void BusClock::dispatch(uint64_t edge, bool batch) {
    if (m_keep_running) m_posedge.notify();  // immediate: listeners run in this delta, as on an sc_clock's posedge
    m_dispatching = true;
    for (Slot& s : m_slots) {
        if (!s.awake) continue;
        m_batch_edge = batch && s.vouched;
        s.agent->clock_edge();
    }
    m_batch_edge = false;
    m_dispatching = false;
    m_next_edge = (m_awake > 0 || m_keep_running) ? edge + 1 : m_timed_wake;
}

void BusClock::reschedule(uint64_t now) {
    if (m_next_edge == kNever) return;  // until m_restart
    const uint64_t at = m_next_edge * m_period_ticks;
    if (at == now) {
        next_trigger(SC_ZERO_TIME);
    } else if (at == now + m_period_ticks && (m_awake > 0 || m_keep_running)) {
        // Ticking: nothing can ask for an earlier edge. The static sensitivity to m_tick costs the kernel less per
        // clock than a timeout set by next_trigger().
        m_tick.notify(m_period);
    } else {
        restart_at(m_next_edge);  // an earlier wake replaces it (schedule_from())
    }
}

void BusClock::negedge_method() {
    m_level->write(false);
}

void BusClock::trace_batches(sc_trace_file* tf) {
    if (!tf) return;
    auto* fast = dynamic_cast<PolledTraceFile*>(tf);
    if (!fast) {
        m_untraceable = true;
        return;
    }
    for (PolledTraceFile* f : m_batch_traces)
        if (f == fast) return;
    m_batch_traces.push_back(fast);
}

void BusClock::trace(sc_trace_file* tf, const std::string& name) {
    if (!tf) return;
    trace_batches(tf);
    if (auto* fast = dynamic_cast<PolledTraceFile*>(tf)) {
        fast->trace_clock(name, m_period);
        return;
    }
    if (!m_level) {
        m_level = new sc_signal<bool, SC_MANY_WRITERS>(sc_gen_unique_name("level"), true);
        m_keep_running = true;  // the signal must toggle on every clock
    }
    sc_core::sc_trace(tf, *m_level, name);
}

}  // namespace nicsim::pci
