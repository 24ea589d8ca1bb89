// A paced source at end B (Wire::set_paced_source_b): its frames go out when someone looks, each as at its own time,
// and end A receives them when an event-driven source's frames arrive, with the same counters and tap.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "model/common/sim_now.h"
#include "model/wire/wire.h"

using namespace nicsim;
using namespace nicsim::wire;
using namespace sc_core;

namespace {

/// Frame k (tag k + 1) goes out at times()[k], in time resolution units: not whole nanoseconds, back to back or
/// with gaps, some sizes varying.
std::vector<uint64_t> send_times() {
    std::vector<uint64_t> t;
    uint64_t at = sc_time(1000.25, SC_NS).value();
    for (unsigned k = 0; k < 40; ++k) {
        t.push_back(at);
        at += sc_time(k % 7 == 3 ? 3000.5 : 672 + 8 * (k % 3), SC_NS).value();
    }
    return t;
}

net::Frame frame_at(unsigned k, uint64_t at) {
    net::Frame f;
    f.bytes.assign(60 + (k % 3), static_cast<uint8_t>(k + 1));
    f.time_ns = at / ticks_per_ns();
    return f;
}

/// Sends by a kernel event per frame, as the peer does at the pin level.
struct EventSource : sc_module {
    Wire& wire;
    std::vector<uint64_t> times = send_times();
    unsigned sent = 0;
    SC_HAS_PROCESS(EventSource);
    EventSource(sc_module_name n, Wire& w) : sc_module(n), wire(w) {
        SC_METHOD(send);
        dont_initialize();
        m_go.notify(time_from_value(times[0]));
        sensitive << m_go;
    }
    void send() {
        net::Frame f = frame_at(sent, times[sent]);
        wire.end_b().transmit_swap(f);
        if (++sent < times.size()) next_trigger(time_from_value(times[sent] - sim_now().value()));
    }
    sc_event m_go;
};

/// Sends when the wire looks.
struct Paced : PacedSource {
    Wire& wire;
    std::vector<uint64_t> times = send_times();
    unsigned sent = 0;
    net::Frame next;
    explicit Paced(Wire& w) : wire(w) { wire.set_paced_source_b(this); }
    void send_due() override {
        const uint64_t now = sim_now().value();
        while (sent < times.size() && (times[sent] < now || (times[sent] == now && sc_get_status() != SC_PAUSED))) {
            net::Frame f = frame_at(sent, times[sent]);
            wire.transmit_b_at(f, times[sent]);
            ++sent;
        }
    }
    const net::Frame* next_frame(uint64_t& at_ticks) override {
        if (sent == times.size()) return nullptr;
        next = frame_at(sent, times[sent]);
        at_ticks = times[sent];
        return &next;
    }
    /// The first frame goes out by the caller's look at its time (the peer sends its first frame from its method).
};

/// What end A received: each frame's tag and when.
struct Log {
    std::vector<std::string> got;
    Receiver rx() {
        return [this](const net::Frame& f) { got.push_back(std::to_string(f.bytes[0]) + "@" + sim_now().to_string()); };
    }
};

/// Starts the paced source at its first frame's time, looks at the looked wire every 250 ps and pulls both wires'
/// cables for a while (twice: once between two frames, once during one).
struct Driver : sc_module {
    Wire &events, &looked, &unlooked;
    EventSource& ev;
    Paced &looked_src, &unlooked_src;
    size_t looks = 0, mismatches = 0;
    SC_HAS_PROCESS(Driver);
    Driver(sc_module_name n, Wire& e, Wire& l, Wire& u, EventSource& es, Paced& ls, Paced& us)
        : sc_module(n), events(e), looked(l), unlooked(u), ev(es), looked_src(ls), unlooked_src(us) {
        SC_THREAD(start);
        SC_THREAD(look);
        SC_THREAD(flap);
    }
    void start() {
        wait(time_from_value(send_times()[0]));
        looked.settle();
        unlooked.settle();
    }
    void look() {
        for (;;) {
            wait(sc_time(250, SC_PS));
            looked.settle();
            ++looks;
            if (looked_src.sent != ev.sent || looked.stats(false).frames != events.stats(false).frames) ++mismatches;
        }
    }
    void flap() {
        for (const double down_ns : {9000.0, 20300.0}) {
            wait(sc_time(down_ns, SC_NS) - sc_time_stamp());
            for (Wire* w : {&events, &looked, &unlooked}) w->set_link_up(false);
            wait(sc_time(1500.5, SC_NS));
            for (Wire* w : {&events, &looked, &unlooked}) w->set_link_up(true);
        }
    }
};

void same_counts(Wire& a, Wire& b) {
    const WireStats &x = a.stats(false), &y = b.stats(false);
    CHECK(x.frames == y.frames);
    CHECK(x.bytes == y.bytes);
    CHECK(x.delayed == y.delayed);
    CHECK(x.late == y.late);
    CHECK(x.link_down == y.link_down);
    CHECK(x.max_queued == y.max_queued);
}

}  // namespace

TEST_CASE("a paced source's frames reach end A when an event-driven source's do, with the same counts at every look",
          "[wire]") {
    Wire events("events", 1000), looked("looked", 1000), unlooked("unlooked", 1000);
    Log ev_log, looked_log, unlooked_log;
    events.connect_a(ev_log.rx());
    looked.connect_a(looked_log.rx());
    unlooked.connect_a(unlooked_log.rx());
    EventSource ev("ev", events);
    Paced looked_src(looked), unlooked_src(unlooked);
    Driver driver("driver", events, looked, unlooked, ev, looked_src, unlooked_src);
    sc_start(sc_time(60, SC_US));
    INFO("looks: " << driver.looks);
    CHECK(driver.looks > 200'000);
    CHECK(driver.mismatches == 0);
    REQUIRE(ev.sent == 40);
    CHECK(events.stats(false).link_down > 0);  // the flaps lost frames
    CHECK(looked_log.got == ev_log.got);
    CHECK(unlooked_log.got == ev_log.got);
    CHECK(unlooked_src.sent == 40);
    same_counts(looked, events);
    same_counts(unlooked, events);
}

TEST_CASE("after sc_start(t), a paced source's frame due at t goes out when the next sc_start runs", "[wire]") {
    // The kernel runs an event-driven source's method due at the end of sc_start(t) in the next sc_start.
    Wire events("events", 1000), paced("paced", 1000);
    Log ev_log, paced_log;
    events.connect_a(ev_log.rx());
    paced.connect_a(paced_log.rx());
    EventSource ev("ev", events);
    Paced src(paced);
    const std::vector<uint64_t> t = send_times();
    sc_start(time_from_value(t[0]));
    src.send_due();  // nothing yet: the first frame is due at this very instant
    CHECK(src.sent == ev.sent);
    CHECK(ev.sent == 0);
    sc_start(sc_time(1, SC_PS));
    paced.settle();
    CHECK(ev.sent == 1);
    CHECK(src.sent == 1);
    sc_start(time_from_value(t[1] - sim_now().value()));
    paced.settle();
    CHECK(ev.sent == 1);
    CHECK(src.sent == 1);
    sc_start(sc_time(5, SC_US));
    CHECK(paced_log.got == ev_log.got);
    CHECK(paced.stats(false).frames == events.stats(false).frames);
}
