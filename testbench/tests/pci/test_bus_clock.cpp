// BusClock: rising edges at k * period, awake agents evaluated in registration order, sleeping invisible (a woken
// agent is evaluated from the first edge not evaluated yet), timed wakes, bus-change wakes, the clock stopping when
// nothing is awake, and posedge_event() for processes that are not agents.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "model/pci/bus_clock.h"

using namespace nicsim::pci;
using namespace sc_core;

namespace {

const sc_time kPeriod(30, SC_NS);

/// Records the edges it is evaluated on; sleeps when told to.
struct Recorder : ClockedAgent {
    BusClock& clk;
    std::string name;
    std::vector<std::string>* log;
    BusClock::AgentId id;
    std::vector<uint64_t> edges;         // edge index of every evaluation
    std::map<uint64_t, sc_time> sleeps;  // edge after whose evaluation it sleeps -> timed wake (zero: none)
    bool on_change = false;
    bool on_inta = true;
    unsigned woken_calls = 0;

    Recorder(BusClock& c, std::string n, std::vector<std::string>* l = nullptr)
        : clk(c), name(std::move(n)), log(l), id(c.attach(*this, name)) {}
    void clock_edge() override {
        const uint64_t k = sc_time_stamp().value() / kPeriod.value();
        CHECK(sc_time_stamp() == kPeriod * static_cast<double>(k));  // only ever on a rising edge
        CHECK(clk.posedge());
        edges.push_back(k);
        if (log) log->push_back(name + std::to_string(k));
        const auto s = sleeps.find(k);
        if (s == sleeps.end()) return;
        clk.sleep(id, on_change, on_inta);
        if (s->second != SC_ZERO_TIME) clk.wake_at(id, s->second);
    }
    void woken() override { ++woken_calls; }
};

/// Reports bus changes to the clock after the given delays, each after the one before; `inta_only`: INTA# alone.
struct BusChanger : sc_module {
    struct Step {
        sc_time after;
        bool inta_only;
    };
    BusClock& clk;
    std::vector<Step> steps;
    SC_HAS_PROCESS(BusChanger);
    BusChanger(sc_module_name n, BusClock& c, std::vector<Step> s) : sc_module(n), clk(c), steps(std::move(s)) {
        SC_THREAD(run);
    }
    void run() {
        for (const Step& step : steps) {
            wait(step.after);
            clk.bus_changed(step.inta_only);
        }
    }
};

}  // namespace

TEST_CASE("BusClock evaluates awake agents on every rising edge in registration order", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    std::vector<std::string> log;
    Recorder a(clk, "A", &log);
    Recorder b(clk, "B", &log);
    sc_start(kPeriod * 4.5);
    CHECK(log == std::vector<std::string>{"A0", "B0", "A1", "B1", "A2", "B2", "A3", "B3", "A4", "B4"});
    CHECK(clk.edges() == 5);
    CHECK(clk.running());
}

TEST_CASE("BusClock stops when every agent sleeps and time passes without edges", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    a.sleeps = {{2, SC_ZERO_TIME}};
    sc_start(kPeriod * 100);
    CHECK(a.edges == std::vector<uint64_t>{0, 1, 2});
    CHECK(clk.edges() == 3);
    CHECK_FALSE(clk.running());
    CHECK(sc_time_stamp() == kPeriod * 100);
    CHECK(clk.last_edge() == 99);  // edge 100 is this very instant: not evaluated (nor slept through) yet
}

namespace {
/// Wakes agent `a` at chosen instants.
struct Waker : sc_module {
    BusClock& clk;
    BusClock::AgentId a;
    std::vector<sc_time> at;    // absolute times
    unsigned extra_deltas = 0;  // for the last entry: wake this many deltas into its instant
    SC_HAS_PROCESS(Waker);
    Waker(sc_module_name n, BusClock& c, BusClock::AgentId id) : sc_module(n), clk(c), a(id) { SC_THREAD(run); }
    void run() {
        for (size_t i = 0; i < at.size(); ++i) {
            wait(at[i] - sc_time_stamp());
            if (i + 1 == at.size())
                for (unsigned d = 0; d < extra_deltas; ++d) wait(SC_ZERO_TIME);
            clk.wake(a);
        }
    }
};
}  // namespace

TEST_CASE("A woken agent is evaluated from the first rising edge not evaluated yet", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    Recorder b(clk, "B");  // always awake: the clock keeps ticking
    a.sleeps = {{0, SC_ZERO_TIME}, {3, SC_ZERO_TIME}, {6, SC_ZERO_TIME}};
    Waker w("w", clk, a.id);
    // Exactly at edge 3 (before it is evaluated), between edges 5 and 6, and at edge 8 two deltas after it was
    // evaluated.
    w.at = {kPeriod * 3, kPeriod * 5 + sc_time(1, SC_NS), kPeriod * 8};
    w.extra_deltas = 2;
    sc_start(kPeriod * 12.5);
    CHECK(a.edges == std::vector<uint64_t>{0, 3, 6, 9, 10, 11, 12});
    CHECK(a.woken_calls == 3);
    CHECK(b.edges.size() == 13);
}

TEST_CASE("A stopped clock restarts on the edge grid when an agent is woken", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    a.sleeps = {{0, SC_ZERO_TIME}, {3, SC_ZERO_TIME}, {6, SC_ZERO_TIME}};
    Waker w("w", clk, a.id);
    w.at = {kPeriod * 3, kPeriod * 5 + sc_time(1, SC_NS)};
    sc_start(kPeriod * 20);
    CHECK(a.edges == std::vector<uint64_t>{0, 3, 6});
    CHECK(clk.edges() == 7);
    CHECK_FALSE(clk.running());
}

TEST_CASE("wake_at evaluates a sleeping agent from the first edge at or after its time and an earlier wake wins",
          "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    // Asleep after edge 0 until just before edge 4; after edge 5 until edge 20, but woken between edges 10 and 11
    // and asleep again after 11 without a timed wake: the wake for edge 20 is gone with the sleep it belonged to.
    a.sleeps = {{0, kPeriod * 4 - sc_time(1, SC_NS)}, {5, kPeriod * 20}, {11, SC_ZERO_TIME}};
    Waker w("w", clk, a.id);
    w.at = {kPeriod * 10 + sc_time(1, SC_NS)};
    sc_start(kPeriod * 30);
    CHECK(a.edges == std::vector<uint64_t>{0, 4, 5, 11});
    CHECK_FALSE(clk.running());
}

TEST_CASE("A bus change wakes only the agents sleeping on bus changes", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    Recorder b(clk, "B");
    a.sleeps = b.sleeps = {{1, SC_ZERO_TIME}};
    a.on_change = true;
    BusChanger changer("changer", clk, {{kPeriod * 3 + sc_time(1, SC_NS), false}});
    a.sleeps[4] = SC_ZERO_TIME;
    sc_start(kPeriod * 10);
    CHECK(a.edges == std::vector<uint64_t>{0, 1, 4});
    CHECK(b.edges == std::vector<uint64_t>{0, 1});
}

TEST_CASE("An INTA#-only change wakes only the bus-change sleepers that watch INTA#", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");  // watches every line
    Recorder b(clk, "B");  // only drives INTA#
    a.sleeps = b.sleeps = {{1, SC_ZERO_TIME}};
    a.on_change = b.on_change = true;
    b.on_inta = false;
    BusChanger changer("changer", clk,
                       {{kPeriod * 3 + sc_time(1, SC_NS), true}, {kPeriod * 3, false}});  // INTA#, then another line
    a.sleeps[4] = a.sleeps[7] = b.sleeps[7] = SC_ZERO_TIME;
    sc_start(kPeriod * 10);
    CHECK(a.edges == std::vector<uint64_t>{0, 1, 4, 7});
    CHECK(b.edges == std::vector<uint64_t>{0, 1, 7});
}

namespace {
/// Puts a sleeping agent to sleep again, now watching INTA# too, at `at`.
struct Resleeper : sc_module {
    BusClock& clk;
    BusClock::AgentId a;
    sc_time at;
    SC_HAS_PROCESS(Resleeper);
    Resleeper(sc_module_name n, BusClock& c, BusClock::AgentId id, sc_time t) : sc_module(n), clk(c), a(id), at(t) {
        SC_THREAD(run);
    }
    void run() {
        wait(at);
        clk.sleep(a, true, true);
    }
};
}  // namespace

TEST_CASE("A sleeper that starts watching INTA# while asleep is woken by an INTA#-only change", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");  // only drives INTA#, then watches it too
    a.sleeps = {{1, SC_ZERO_TIME}};
    a.on_change = true;
    a.on_inta = false;
    Resleeper r("r", clk, a.id, kPeriod * 4 + sc_time(1, SC_NS));
    BusChanger changer("changer", clk,
                       {{kPeriod * 2 + sc_time(1, SC_NS), true}, {kPeriod * 4, true}});  // before it, then after it
    a.sleeps[7] = SC_ZERO_TIME;
    sc_start(kPeriod * 10);
    CHECK(a.edges == std::vector<uint64_t>{0, 1, 7});
}

TEST_CASE("posedge_event listeners see every rising edge and keep the clock running", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    a.sleeps = {{0, SC_ZERO_TIME}};
    struct Listener : sc_module {
        BusClock& clk;
        std::vector<uint64_t> edges;
        unsigned posedge_later = 0;  // posedge() still true a delta after the edge
        SC_HAS_PROCESS(Listener);
        Listener(sc_module_name n, BusClock& c) : sc_module(n), clk(c) { SC_THREAD(run); }
        void run() {
            for (;;) {
                wait(clk.posedge_event());
                CHECK(clk.posedge());
                edges.push_back(sc_time_stamp().value() / kPeriod.value());
                wait(SC_ZERO_TIME);
                if (clk.posedge()) ++posedge_later;
            }
        }
    } listener("listener", clk);
    sc_start(kPeriod * 5.5);
    CHECK(a.edges == std::vector<uint64_t>{0});
    CHECK(listener.edges == std::vector<uint64_t>{0, 1, 2, 3, 4, 5});
    CHECK(listener.posedge_later == 0);
    CHECK(clk.running());
}

namespace {
/// Wakes agent `a` from an SC_METHOD on a timed event, exactly at a rising edge's instant.
struct MethodWaker : sc_module {
    BusClock* clk = nullptr;
    BusClock::AgentId a = 0;
    sc_event due;
    SC_HAS_PROCESS(MethodWaker);
    explicit MethodWaker(sc_module_name n) : sc_module(n) {
        SC_METHOD(run);
        sensitive << due;
        dont_initialize();
    }
    void start(const sc_time& at) { due.notify(at); }
    void run() { clk->wake(a); }
};
}  // namespace

TEST_CASE("A method woken at an edge's instant is seen by that edge whichever process the kernel runs first",
          "[pci][clock]") {
    // One waker made before the clock's process and one after it: the kernel's order among processes due at the
    // same instant differs, the edge they wake an agent for must not.
    MethodWaker before("before");
    BusClock clk("clk", kPeriod);
    Recorder a(clk, "A");
    Recorder b(clk, "B");
    Recorder keep(clk, "keep");  // always awake: the clock is ticking when the wakes come
    MethodWaker after("after");
    a.sleeps = {{0, SC_ZERO_TIME}};
    b.sleeps = {{0, SC_ZERO_TIME}};
    before.clk = after.clk = &clk;
    before.a = a.id;
    after.a = b.id;
    before.start(kPeriod * 3);
    after.start(kPeriod * 3);
    sc_start(kPeriod * 4.5);
    CHECK(a.edges == std::vector<uint64_t>{0, 3, 4});
    CHECK(b.edges == std::vector<uint64_t>{0, 3, 4});
}
