// BusClock::set_alarm: a sleeping agent's timed wake that a later call moves later as well as earlier (the fast
// mode's DMA completion, which a CPU cycle that cuts the burst moves), beside wake_at()'s earlier-wins wakes; and the
// edge only an alarm asks for, evaluated after what the instant's first delta cycle started.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "model/pci/bus_clock.h"

using namespace nicsim::pci;
using namespace sc_core;

namespace {

const sc_time kPeriod(30, SC_NS);

sc_time edge_time(uint64_t k) {
    return kPeriod * static_cast<double>(k);
}

/// Records the edges it is evaluated on; after the edges named in `plan` it sleeps with that alarm and wake.
struct AlarmAgent : ClockedAgent {
    struct Sleep {
        uint64_t alarm;  // edge index, 0: none
        uint64_t wake;   // wake_at() edge index, 0: none
    };
    BusClock& clk;
    BusClock::AgentId id;
    std::vector<uint64_t> edges;
    std::map<uint64_t, Sleep> plan;
    std::vector<std::string>* log = nullptr;

    explicit AlarmAgent(BusClock& c) : clk(c), id(c.attach(*this, "A")) {}
    void clock_edge() override {
        const uint64_t k = sc_time_stamp().value() / kPeriod.value();
        edges.push_back(k);
        if (log) log->push_back("A" + std::to_string(k));
        const auto s = plan.find(k);
        if (s == plan.end()) return;
        clk.sleep(id, false);
        if (s->second.alarm) clk.set_alarm(id, edge_time(s->second.alarm));
        if (s->second.wake) clk.wake_at(id, edge_time(s->second.wake));
    }
};

/// Moves the agent's alarm at chosen instants: {when, new alarm edge}; with `timed_wake`, asks for its timed wake
/// (wake_at) instead.
struct AlarmMover : sc_module {
    BusClock& clk;
    BusClock::AgentId id;
    std::vector<std::pair<sc_time, uint64_t>> moves;
    bool timed_wake = false;
    SC_HAS_PROCESS(AlarmMover);
    AlarmMover(sc_module_name n, BusClock& c, BusClock::AgentId a) : sc_module(n), clk(c), id(a) { SC_THREAD(run); }
    void run() {
        for (const auto& m : moves) {
            wait(m.first - sc_time_stamp());
            if (timed_wake)
                clk.wake_at(id, edge_time(m.second));
            else
                clk.set_alarm(id, edge_time(m.second));
        }
    }
};

}  // namespace

TEST_CASE("set_alarm wakes a sleeping agent on its edge, moves later or earlier, and an earlier wake_at still wins",
          "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    AlarmAgent a(clk);
    // Edge 0: alarm 10, moved to 15 (later), then to 12 (earlier). Edge 12: alarm 20 with a wake_at for 18, which
    // wins. Edge 18: asleep with nothing: the alarm for 20 went with the wake that ended that sleep.
    a.plan = {{0, {10, 0}}, {12, {20, 18}}, {18, {0, 0}}};
    AlarmMover mover("mover", clk, a.id);
    mover.moves = {{edge_time(3) + sc_time(1, SC_NS), 15}, {edge_time(5), 12}};
    sc_start(kPeriod * 40);
    CHECK(a.edges == std::vector<uint64_t>{0, 12, 18});
    CHECK(clk.edges() == 19);
    CHECK_FALSE(clk.running());
}

TEST_CASE("An alarm moved later leaves no edge at its old time", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    AlarmAgent a(clk);
    a.plan = {{0, {6, 0}}, {9, {0, 0}}};
    AlarmMover mover("mover", clk, a.id);
    mover.moves = {{edge_time(2), 9}};
    sc_start(edge_time(7) + sc_time(1, SC_NS));
    CHECK(clk.edges() == 1);  // nothing evaluated edge 6
    sc_start(kPeriod * 10);
    CHECK(a.edges == std::vector<uint64_t>{0, 9});
}

namespace {
/// At `at`, a method runs and starts a thread one delta later, as a frame's delivery raises INTA# and the CPU's thread
/// runs in the next delta.
struct FirstDeltaChain : sc_module {
    std::vector<std::string>& log;
    sc_event due, next;
    SC_HAS_PROCESS(FirstDeltaChain);
    FirstDeltaChain(sc_module_name n, std::vector<std::string>& l, const sc_time& at) : sc_module(n), log(l) {
        SC_METHOD(first);
        sensitive << due;
        dont_initialize();
        SC_THREAD(second);
        due.notify(at);
    }
    void first() {
        log.push_back("first");
        next.notify(SC_ZERO_TIME);
    }
    void second() {
        wait(next);
        log.push_back("second");
    }
};
}  // namespace

TEST_CASE("An edge only an alarm asks for follows what its instant's first delta started", "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    std::vector<std::string> log;
    AlarmAgent a(clk);
    a.log = &log;
    a.plan = {{0, {5, 0}}, {5, {0, 0}}};
    FirstDeltaChain chain("chain", log, edge_time(5));
    sc_start(kPeriod * 10);
    // As if the alarm had woken the agent in the instant's first delta cycle: the edge waits one delta from there.
    CHECK(log == std::vector<std::string>{"A0", "first", "second", "A5"});
}

TEST_CASE("An alarm moved later onto an edge a timed wake asks for waits one delta, as the timed wake does",
          "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    std::vector<std::string> log;
    AlarmAgent a(clk);
    a.log = &log;
    a.plan = {{0, {4, 5}}, {5, {0, 0}}};  // an alarm for edge 4 and a wake_at() for edge 5
    AlarmMover mover("mover", clk, a.id);
    mover.moves = {{edge_time(2), 5}};  // the alarm joins the wake at edge 5
    FirstDeltaChain chain("chain", log, edge_time(5));
    sc_start(kPeriod * 10);
    // The edge settles one delta (the kernel runs methods before threads in a delta): before the chain's thread.
    CHECK(log == std::vector<std::string>{"A0", "first", "A5", "second"});
}

TEST_CASE(
    "wake_at asked again for the edge an agent waits for, or a later one, changes nothing, and a first ask counts",
    "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    AlarmAgent a(clk), b(clk);
    a.plan = {{0, {9, 0}}, {6, {0, 0}}};  // A: an alarm for edge 9
    b.plan = {{0, {0, 4}}, {4, {0, 0}}};  // B: a timed wake for edge 4, the clock's next edge
    AlarmMover asker("asker", clk, a.id);
    asker.timed_wake = true;
    // A's first ask (edge 6) is later than the clock's next edge and the earliest timed wake (B's), and yet it
    // counts; the same edge again and a later one change nothing.
    asker.moves = {{edge_time(1), 6}, {edge_time(1), 6}, {edge_time(2), 7}, {edge_time(2), 6}};
    sc_start(kPeriod * 20);
    CHECK(a.edges == std::vector<uint64_t>{0, 6});
    CHECK(b.edges == std::vector<uint64_t>{0, 4});
    CHECK(clk.edges() == 7);
    CHECK_FALSE(clk.running());
}

TEST_CASE("holds_wake_by: a sleeping agent's standing timed wake covers a later ask, not an earlier one",
          "[pci][clock]") {
    BusClock clk("clk", kPeriod);
    AlarmAgent a(clk);
    a.plan = {{0, {3, 8}}, {3, {0, 0}}};  // at edge 0: an alarm for edge 3 and a timed wake for edge 8
    sc_start(edge_time(1) + sc_time(1, SC_NS));
    // The NIC leaves out a wake_at() this answers true for: such a call would change nothing.
    CHECK(clk.holds_wake_by(a.id, edge_time(8)));
    CHECK(clk.holds_wake_by(a.id, edge_time(12)));
    CHECK(clk.holds_wake_by(a.id, edge_time(8) - sc_time(1, SC_NS)));  // rounds up to edge 8
    CHECK_FALSE(clk.holds_wake_by(a.id, edge_time(7)));
    // The alarm wakes it at edge 3: the wake for edge 8 went with it.
    sc_start(kPeriod * 4);
    CHECK(a.edges == std::vector<uint64_t>{0, 3});
    CHECK_FALSE(clk.holds_wake_by(a.id, edge_time(12)));
}
