#include "model/wire/wire.h"

#include <algorithm>

namespace nicsim::wire {

using namespace sc_core;

bool write_frame(PcapWriter& w, const net::Frame& f, bool strip_fcs) {
    size_t len = f.bytes.size();
    if (strip_fcs && f.fcs_included && len >= net::kFcsBytes) len -= net::kFcsBytes;
    return w.write(f.time_ns, f.bytes.data(), len);
}

Wire::Wire(sc_module_name name, unsigned link_mbps) : sc_module(name), m_mbps(link_mbps) {
    if (net::ns_per_byte(link_mbps) == 0) {
        SC_REPORT_ERROR("nicsim/wire/link-speed",
                        (std::string(this->name()) + ": link speed " + std::to_string(link_mbps) +
                         " Mb/s is not 10, 100 or 1000; using 1000")
                            .c_str());
        m_mbps = 1000;
    }
    m_ns_per_byte = net::ns_per_byte(m_mbps);
    m_dir[0].label = "a->b";
    m_dir[1].label = "b->a";
    for (Direction& d : m_dir) {
        d.wire = this;
        d.ring.resize(4);
        d.mask = 3;
    }
    SC_METHOD(deliver_a_to_b);
    sensitive << m_dir[0].due;
    dont_initialize();
    SC_METHOD(deliver_b_to_a);
    sensitive << m_dir[1].due;
    dont_initialize();
    SC_METHOD(start_a_to_b);
    sensitive << m_dir[0].starts;
    dont_initialize();
    SC_METHOD(start_b_to_a);
    sensitive << m_dir[1].starts;
    dont_initialize();
}

void Wire::trace(sc_trace_file* tf) {
    if (!tf) return;
    m_traced = true;
    m_dir[0].on_demand = false;  // the carrier and frame count change at their times
    const std::string base = name();
    for (const Direction& d : m_dir) {
        const std::string p = base + "." + (&d == &m_dir[0] ? "a_to_b" : "b_to_a");
        sc_trace(tf, d.carrier, p + ".carrier");
        sc_trace(tf, d.on_wire_len, p + ".len");
        sc_trace(tf, d.delivered, p + ".frames");
    }
}

Wire::~Wire() = default;

void Wire::set_link_up(bool up) {
    if (up == m_link_up) return;
    // What arrived before the cable was pulled is delivered, not lost; a paced source's frames due by now went out
    // under the link as it was.
    settle();
    m_link_up = up;
    uint64_t lost = 0;
    if (!up) {
        for (Direction& d : m_dir) {
            d.stats.link_down += d.count;
            lost += d.count;
            d.count = d.started = 0;
            d.carrier = false;
            d.on_wire_len = 0;
            d.free_ns = 0;
            d.due.cancel();
            d.due_at = kNever;
            d.starts.cancel();
        }
    }
    SC_REPORT_INFO("nicsim/wire/link", (std::string(name()) + (up ? ": link up" : ": link down, ") +
                                        (up ? std::string() : std::to_string(lost) + " frame(s) in flight lost"))
                                           .c_str());
    for (LinkCallback& cb : m_link_cb)
        if (cb) cb(up);
    if (up && m_source) arm_source(sim_now().value());
}

void Wire::Direction::far_future(uint64_t asked_ns) {
    if (stats.far_future++ == 0)
        SC_REPORT_WARNING("nicsim/wire/far-future",
                          (std::string(wire->name()) + " " + label + ": frame asks to start at " +
                           std::to_string(asked_ns) + " ns, more than an hour ahead; sent now")
                              .c_str());
}

// Grow, keeping order: unroll the ring into a larger one.
void Wire::Direction::grow() {
    std::vector<InFlight> bigger(ring.size() * 2);
    for (size_t i = 0; i < count; ++i) bigger[i] = std::move(at(i));
    ring.swap(bigger);
    mask = ring.size() - 1;
    head = 0;
}

// Inlined: a call per frame and direction saved.
[[gnu::always_inline]] inline void Wire::Direction::notify_due(uint64_t now_ticks, uint64_t delay_ns, bool at_now) {
    if (on_demand) {
        due_at = std::min<uint64_t>(due_at, now_ticks + delay_ns * ticks_per_ns());
    } else if (at_now) {
        due.notify(time_from_ns(delay_ns));
    } else {
        const uint64_t at = now_ticks + delay_ns * ticks_per_ns();
        const uint64_t real = sim_now().value();
        if (at > real) due.notify(time_from_value(at - real));
    }
}

// Inlined into both transmits: a call per frame saved.
[[gnu::always_inline]] inline Wire::InFlight* Wire::Direction::place(const net::Frame& frame, uint64_t now_ticks,
                                                                     bool at_now) {
    if (!wire->m_link_up) {
        ++stats.link_down;
        return nullptr;
    }
    const uint64_t now = now_ticks / ticks_per_ns();
    uint64_t start = frame.time_ns;
    if (start < now) {
        ++stats.late;
        start = now;
    }
    if (start - now > kMaxScheduleAheadNs) {
        far_future(frame.time_ns);
        start = now;
    }
    if (start < free_ns) {
        ++stats.delayed;
        start = free_ns;
    }
    const uint64_t end = start + wire->duration_ns(frame);
    free_ns = end + net::kIfgBytes * wire->m_ns_per_byte;
    if (count > mask) grow();
    InFlight& slot = at(count);
    slot.frame.fcs_included = frame.fcs_included;
    slot.frame.time_ns = start;
    slot.end_ns = end;
    ++count;
    if (count > stats.max_queued) stats.max_queued = count;
    if (count == 1) notify_due(now_ticks, end - now, at_now);
    if (wire->m_traced && started + 1 == count) starts.notify(time_from_ns(start - now));
    return &slot;
}

// place()'s start and end without its counters: the delivery event of a paced source's next frame (arm_source()).
void Wire::Direction::timing(const net::Frame& frame, uint64_t now_ticks, uint64_t& start, uint64_t& end) const {
    const uint64_t now = now_ticks / ticks_per_ns();
    start = frame.time_ns;
    if (start < now) start = now;
    if (start - now > kMaxScheduleAheadNs) start = now;
    if (start < free_ns) start = free_ns;
    end = start + wire->duration_ns(frame);
}

void Wire::Direction::transmit(const net::Frame& frame) {
    if (InFlight* slot = place(frame, sim_now().value()))
        slot->frame.bytes.assign(frame.bytes.begin(), frame.bytes.end());
}

// The slot's storage goes back to the sender: a delivered frame's, or an empty one the ring has not used yet. The
// receivers see a delivered frame only during rx() and copy what they keep, so no one holds on to it.
void Wire::Direction::transmit_swap(net::Frame& frame) {
    if (InFlight* slot = place(frame, sim_now().value())) slot->frame.bytes.swap(frame.bytes);
}

// A frame placed as at an earlier time whose last bit has arrived by now is delivered by the event arm_source() set
// for it (or, inside that event's delivery, right after the source caught up).
void Wire::transmit_b_at(net::Frame& frame, uint64_t at_ticks) {
    if (InFlight* slot = m_dir[1].place(frame, at_ticks, false)) slot->frame.bytes.swap(frame.bytes);
}

// Called after the source caught up, so its next frame is after now (or at now, paused there): the event's time is
// the one place() will notify when the frame goes out at its time, unless the link is down then (the event then
// finds nothing to deliver).
void Wire::arm_source(uint64_t now_ticks) {
    Direction& d = m_dir[1];
    uint64_t at = 0;
    const net::Frame* f = m_source->next_frame(at);
    if (!f || d.count > 0 || !m_link_up) return;
    uint64_t start = 0, end = 0;
    d.timing(*f, at, start, end);
    const uint64_t due = at + (end - at / ticks_per_ns()) * ticks_per_ns();
    if (due > now_ticks) d.due.notify(time_from_value(due - now_ticks));
}

void Wire::Direction::start() {
    const uint64_t now = sim_now_ns();
    while (started < count && at(started).frame.time_ns <= now) {
        carrier = true;
        on_wire_len = static_cast<uint32_t>(at(started).frame.bytes.size());
        ++started;
    }
    if (started < count) starts.notify(time_from_ns(at(started).frame.time_ns - now));
}

void Wire::settle_b() {
    // The kernel fires timed events at the start of their instant, before any process runs then; after sc_start(t)
    // returned, those at t are still to come (the next sc_start fires them).
    const uint64_t now_ticks = sim_now().value();
    const bool fired_at_now = sc_get_status() != SC_PAUSED;
    Direction& d = m_dir[0];
    while (d.due_at < now_ticks || (d.due_at == now_ticks && fired_at_now)) {
        const uint64_t at = d.due_at;
        d.due_at = kNever;
        d.deliver_due(at);
    }
}

void Wire::Direction::deliver() {
    const uint64_t now_ticks = sim_now().value();
    // Frames that reach both ends at the same instant are delivered, and recorded, A to B first: the kernel runs the
    // two directions' methods of one instant in an order that depends on the history of its event queue.
    if (this == &wire->m_dir[1]) {
        wire->settle();
        // With nothing in flight to B there is nothing to deliver or to notify: the call is skipped.
        if (wire->m_dir[0].count > 0) wire->m_dir[0].deliver_due(now_ticks);
    }
    deliver_due(now_ticks);
}

void Wire::Direction::deliver_due(uint64_t now_ticks) {
    const uint64_t now = now_ticks / ticks_per_ns();
    while (count > 0 && at(0).end_ns <= now) {
        InFlight& f = at(0);
        if (wire->m_tap) write_frame(*wire->m_tap, f.frame, wire->m_tap_strip_fcs);
        if (rx) {
            ++stats.frames;
            stats.bytes += f.frame.bytes.size();
            rx(f.frame);
        } else if (wire->m_tap) {
            ++stats.frames;
            stats.bytes += f.frame.bytes.size();
        } else {
            ++stats.undelivered;
            if (!warned_undelivered) {
                warned_undelivered = true;
                SC_REPORT_WARNING("nicsim/wire/no-receiver",
                                  (std::string(wire->name()) + " " + label +
                                   ": frame arrived at an end with no receiver; counting them as undelivered")
                                      .c_str());
            }
        }
        head = (head + 1) & mask;
        --count;
        ++delivered;
        if (started > 0) --started;
        carrier = started > 0;
        if (!carrier) on_wire_len = 0;
    }
    if (count > 0)
        notify_due(now_ticks, at(0).end_ns - now);
    else if (this == &wire->m_dir[1] && wire->m_source)
        wire->arm_source(now_ticks);
}

PcapSource::PcapSource(sc_module_name name, const std::string& path, net::WireSink& target, unsigned link_mbps,
                       bool back_to_back, uint64_t start_ns)
    : sc_module(name),
      m_target(target),
      m_mbps(net::ns_per_byte(link_mbps) ? link_mbps : 1000),
      m_b2b(back_to_back),
      m_start_ns(start_ns) {
    m_frame.bytes.reserve(2048);
    SC_METHOD(inject);
    sensitive << m_wake;
    dont_initialize();
    if (!m_reader.open(path)) {
        SC_REPORT_ERROR("nicsim/wire/pcap", m_reader.error().c_str());
        m_done = true;
        return;
    }
    if (load_next()) {
        m_next_ns = m_start_ns;
        m_wake.notify(time_from_ns(m_next_ns));
    }
}

bool PcapSource::load_next() {
    if (!m_reader.next(m_rec)) {
        m_done = true;
        if (!m_reader.error().empty()) SC_REPORT_ERROR("nicsim/wire/pcap", m_reader.error().c_str());
        return false;
    }
    if (m_rec.data.size() < m_rec.orig_len) ++m_truncated;
    if (!m_have_first) {
        m_first_ts = m_rec.time_ns;
        m_have_first = true;
    }
    return true;
}

void PcapSource::inject() {
    const uint64_t now = sim_now_ns();
    m_frame.bytes.assign(m_rec.data.begin(), m_rec.data.end());
    if (m_frame.bytes.size() < net::kMinFrameBytes) m_frame.bytes.resize(net::kMinFrameBytes, 0);
    net::append_fcs(m_frame.bytes);
    m_frame.fcs_included = true;
    m_frame.time_ns = now;
    m_target.transmit(m_frame);
    ++m_sent;
    const uint64_t free_at =
        now + net::wire_duration_ns(m_frame.bytes.size(), m_mbps) + net::kIfgBytes * net::ns_per_byte(m_mbps);
    if (!load_next()) return;
    if (m_b2b) {
        m_next_ns = free_at;
    } else {
        // Timestamps before the first record's (an unsorted capture) go out at once; the wire keeps them in order.
        const uint64_t rel = m_rec.time_ns > m_first_ts ? m_rec.time_ns - m_first_ts : 0;
        m_next_ns = m_start_ns + rel;
        if (m_next_ns < now) m_next_ns = now;
        if (rel > m_start_ns + rel || m_next_ns - now > kMaxScheduleAheadNs) {
            if (m_gaps++ == 0)
                SC_REPORT_WARNING("nicsim/wire/pcap-gap",
                                  (std::string(name()) + ": record " + std::to_string(m_reader.records() - 1) +
                                   " is more than an hour after the previous one; sending it back to back")
                                      .c_str());
            m_next_ns = free_at;
        }
    }
    m_wake.notify(time_from_ns(m_next_ns - now));
}

PcapSink::PcapSink(const std::string& path, bool strip_fcs) : m_strip_fcs(strip_fcs) {
    if (!m_writer.open(path)) SC_REPORT_ERROR("nicsim/wire/pcap", m_writer.error().c_str());
}

void PcapSink::write(const net::Frame& f) {
    if (m_writer.is_open()) write_frame(m_writer, f, m_strip_fcs);
}

}  // namespace nicsim::wire
