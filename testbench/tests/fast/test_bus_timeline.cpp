// fast::BusTimeline's clock arithmetic against clock counts worked out here from the PCI rules (PCI Local Bus
// Specification 2.3: section 3.4 for arbitration, parking and hidden arbitration, 3.5.4 for the latency timer,
// 3.7.4.1 for PERR# two clocks after a data phase, 3.8.1.1 for PAR one clock after it), with the bus parked on the host
// bridge as nicsim's arbiter parks it. Clocks are 15 ns edges numbered from 0; "address N" is the edge the master
// drives FRAME# on, "data N" a data phase driven on N. The masters' own delays: the bridge's master sees a CPU request
// on the first edge after it; the NIC's master drives REQ# on the edge after its DMA engine asks; the arbiter acts on
// the edge after it sees REQ#, and a master samples GNT# on the edge after the arbiter drives it.
#include <catch2/catch.hpp>

#include <vector>

#include "model/fast/bus_timeline.h"

using namespace nicsim;
using namespace sc_core;

namespace {

constexpr double kClockNs = 15;

sc_time edge(uint64_t n) {
    return sc_time(kClockNs * static_cast<double>(n), SC_NS);
}

/// A NIC burst's owner that records where the timeline moved it.
struct Owner : fast::BurstOwner {
    std::vector<sc_time> moves;
    void burst_moved(const sc_time& end) override { moves.push_back(end); }
};

// The bridge's cycles, from the address phase: a write holds the bus for address, data and idle clock (3) and
// completes on the edge its master samples PERR# (data phase driven on A+1, PERR# on A+3, sampled on A+4); a read holds
// it for address, turnaround, data and idle clock (4) and completes when its master has checked PAR (data on A+2,
// sampled on A+3, PAR driven on A+3, checked on A+4).
constexpr uint64_t kWriteBus = 3, kWriteDone = 4, kReadBus = 4, kReadDone = 4;

fast::BurstShape write_burst(uint64_t phases) {
    fast::BurstShape b;
    b.setup = 1;  // the address phase
    b.phases = phases;
    b.write = true;
    return b;
}

fast::BurstShape read_burst(uint64_t phases, uint64_t latency_timer = 0) {
    fast::BurstShape b;
    b.setup = 5;  // address phase, turnaround, three wait states (memory data ready four clocks after the address)
    b.phases = phases;
    b.latency_timer = latency_timer;
    return b;
}

fast::BusTimeline timeline() {
    return fast::BusTimeline(sc_time(kClockNs, SC_NS));
}

}  // namespace

TEST_CASE("bus timeline: a CPU cycle on the parked bus starts on the first edge after the request", "[fast][timing]") {
    fast::BusTimeline t = timeline();
    // Asked on edge 0: address 1, data 2, idle 3; PERR# sampled on 5.
    CHECK(t.occupy(edge(0), kWriteBus, kWriteDone) == edge(5));
    // Asked at 100 ns, between edges 6 and 7: address 7, turnaround 8, data 9, idle 10; answer on 11.
    CHECK(t.occupy(sc_time(100, SC_NS), kReadBus, kReadDone) == edge(11));
    CHECK(t.busy_clocks() == 7);
}

TEST_CASE("bus timeline: a NIC burst on the idle bus takes GNT# from the parked bridge", "[fast][parking]") {
    fast::BusTimeline t = timeline();
    Owner o;
    // Asked on edge 10: REQ# 11, the arbiter takes GNT# from the bridge on 12 and grants the NIC on 13, address 14,
    // data 15-18, idle 19, PERR# for the last data phase sampled on 21.
    CHECK(t.occupy_burst(edge(10), write_burst(4), &o) == edge(21));
    // The NIC's next request, asked on 21: GNT# left the NIC on 20 (the bus free, nobody asking) and was parked on
    // the bridge on 21; REQ# 22, GNT# off 23, granted 24, address 25, turnaround 26, waits 27-29, data 30-31, idle 32,
    // PAR checked and done on 33.
    CHECK(t.occupy_burst(edge(21), read_burst(2), &o) == edge(33));
    CHECK(o.moves.empty());
    CHECK(t.busy_clocks() == 6 + 8);
}

TEST_CASE("bus timeline: a NIC burst asking during a CPU cycle gets GNT# by hidden arbitration", "[fast][timing]") {
    fast::BusTimeline t = timeline();
    Owner o;
    // A CPU read asked on 0: address 1, idle 4, the bus free on 5.
    CHECK(t.occupy(edge(0), kReadBus, kReadDone) == edge(5));
    // The NIC asks on 1: REQ# 2, the arbiter sees it on 3 with the bridge's cycle running and moves GNT# to the NIC,
    // which samples it on 4 and drives FRAME# when the bus is free: address 5, data 6-7, idle 8, PERR# sampled on 10.
    CHECK(t.occupy_burst(edge(1), write_burst(2), &o) == edge(10));
    CHECK(o.moves.empty());
}

TEST_CASE("bus timeline: a CPU cycle after a NIC burst waits for GNT# to come back to the bridge", "[fast][timing]") {
    fast::BusTimeline t = timeline();
    Owner o;
    // NIC write asked on 0: address 4, data 5-8, idle 9, bus free on 10, done on 11.
    CHECK(t.occupy_burst(edge(0), write_burst(4), &o) == edge(11));
    // A CPU write asked at 150 ns (edge 10), reaching the bridge on 11: the arbiter takes GNT# from the NIC on 10 and
    // parks it on the bridge on 11, which samples it on 12: address 12, PERR# sampled on 16.
    CHECK(t.occupy(edge(10), kWriteBus, kWriteDone) == edge(16));
    // The next one, asked on 16, has GNT# parked: address 17, done on 21.
    CHECK(t.occupy(edge(16), kWriteBus, kWriteDone) == edge(21));
}

TEST_CASE("bus timeline: a CPU cycle on the clock the NIC asks goes first on the parked bus", "[fast][parking]") {
    // The NIC asks on 0 (REQ# 1); the CPU's read reaches the bridge on 1, which still samples its parked GNT# there
    // (the arbiter drives it away on 2, after seeing REQ#) and starts: address 1, idle 4, answer on 5. The arbiter
    // sees the bridge's cycle running on 2 and grants the NIC, which samples GNT# on 3 and starts when the bus is free:
    // address 5, data 6-7, idle 8, done on 10 instead of the 9 it had alone (address 4).
    fast::BusTimeline t = timeline();
    Owner o;
    CHECK(t.occupy_burst(edge(0), write_burst(2), &o) == edge(9));
    CHECK(t.occupy(edge(0), kReadBus, kReadDone) == edge(5));
    REQUIRE(o.moves.size() == 1);
    CHECK(o.moves[0] == edge(10));
    SECTION("a CPU cycle reaching the bridge after the arbiter took GNT# away cuts the burst instead") {
        fast::BusTimeline u = timeline();
        Owner p;
        // The NIC asks on 10: REQ# 11, GNT# taken from the bridge on 12, address 14, data 15-22, idle 23, done 25.
        CHECK(u.occupy_burst(edge(10), write_burst(8), &p) == edge(25));
        // A CPU write asked on 12 reaches the bridge on 13, without GNT#: REQ# 13, hand-over on 15 (the clock after
        // the NIC's address phase), the NIC sees GNT# removed on 16 and drives its last data phase there (2 of 8
        // moved): idle 17, the write's address 18, idle 20, done on 22; the NIC resumes on 21, its other 6 data
        // phases 22-27, idle 28, done on 30.
        CHECK(u.occupy(edge(12), kWriteBus, kWriteDone) == edge(22));
        CHECK(u.cuts() == 1);
        REQUIRE(p.moves.size() == 1);
        CHECK(p.moves[0] == edge(30));
    }
}

TEST_CASE("bus timeline: CPU and NIC asking on one clock after the NIC's burst: the round robin picks the bridge",
          "[fast][timing]") {
    // After the NIC's write (free on 10) nobody holds GNT# on 10; both REQ#s are seen on 11 and the arbiter grants the
    // master after the one granted last, the bridge: address 12, idle 14, done 16. The NIC gets GNT# by hidden
    // arbitration on 13, samples it on 14, starts when the bus is free: address 15, data 16-17, idle 18, done on 20.
    // Whichever asks first on the timeline, the arbiter's order is the same.
    for (bool nic_first : {true, false}) {
        INFO((nic_first ? "the NIC" : "the CPU") << " asks first on the timeline");
        fast::BusTimeline t = timeline();
        Owner o;
        CHECK(t.occupy_burst(edge(0), write_burst(4), &o) == edge(11));
        sc_time nic_done, cpu_done;
        if (nic_first) {
            nic_done = t.occupy_burst(edge(9), write_burst(2), &o);
            cpu_done = t.occupy(edge(9), kWriteBus, kWriteDone);
        } else {
            cpu_done = t.occupy(edge(9), kWriteBus, kWriteDone);
            nic_done = t.occupy_burst(edge(9), write_burst(2), &o);
        }
        CHECK(cpu_done == edge(16));
        CHECK((o.moves.empty() ? nic_done : o.moves.back()) == edge(20));
    }
}

TEST_CASE("bus timeline: a CPU cycle cuts a NIC burst once the latency timer has expired", "[fast][latency-timer]") {
    fast::BusTimeline t = timeline();
    Owner o;
    // A 16-phase read asked on 0: REQ# 1, address 4, turnaround 5, waits 6-8, data 9-24, idle 25, done on 26.
    CHECK(t.occupy_burst(edge(0), read_burst(16), &o) == edge(26));
    SECTION("latency timer 0: the NIC ends with the phase after the one it saw GNT# go in") {
        // CPU write asked on 10: REQ# 11, the arbiter moves GNT# on 12, the NIC samples it removed on 13 and drives
        // that data phase as its last (5 of 16 moved), idle 14, the write: address 15, data 16, idle 17, done on 19.
        CHECK(t.occupy(edge(10), kWriteBus, kWriteDone) == edge(19));
        // The NIC asks again on its idle clock 14, gets GNT# by hidden arbitration on 16 and starts when the bus is
        // free: address 18, turnaround 19, waits 20-22, the other 11 phases 23-33, idle 34, done on 35.
        REQUIRE(o.moves.size() == 1);
        CHECK(o.moves[0] == edge(35));
        CHECK(t.cuts() == 1);
        CHECK(t.busy_clocks() == 11 + 3 + 17);  // 4-14, 15-17, 18-34
    }
    SECTION("a first data phase in wait states cannot be the last") {
        // CPU write asked on 4: REQ# 5, GNT# moved on 6, seen on 7, but FRAME# holds through the wait states: the
        // NIC's first data phase 9 completes, its second, 10, is the last; idle 11, write address 12, done on 16.
        CHECK(t.occupy(edge(4), kWriteBus, kWriteDone) == edge(16));
        REQUIRE(o.moves.size() == 1);
        CHECK(o.moves[0] == edge(15 + 5 + 14 + 1));  // address 15, data from 20, 14 phases, idle 34, done on 35
    }
    SECTION("no cut when the burst's own last phase comes first") {
        // CPU write asked on 22: REQ# 23, GNT# moved on 24, seen on 25: the burst's last phase was 24. The bridge
        // starts when the bus is free: address 26, done on 30; the burst keeps its end.
        CHECK(t.occupy(edge(22), kWriteBus, kWriteDone) == edge(30));
        CHECK(o.moves.empty());
        CHECK(t.cuts() == 0);
    }
}

TEST_CASE("bus timeline: with a latency timer the NIC keeps the bus until it expires", "[fast][latency-timer]") {
    fast::BusTimeline t = timeline();
    Owner o;
    // The same 16-phase read with a latency timer of 12: FRAME# on 4, expired on 16, which is the last data phase;
    // idle 17, the write: address 18, done on 22; the NIC resumes on 21 (address), data 26-33, idle 34, done on 35.
    CHECK(t.occupy_burst(edge(0), read_burst(16, 12), &o) == edge(26));
    CHECK(t.occupy(edge(10), kWriteBus, kWriteDone) == edge(22));
    REQUIRE(o.moves.size() == 1);
    CHECK(o.moves[0] == edge(35));
}

// The timeline (and the bus clock) build their times with time_from_value() instead of the library's call.
TEST_CASE("time_from_value builds the sc_time that sc_time::from_value builds", "[fast][timing]") {
    for (const uint64_t v :
         {uint64_t(0), uint64_t(1), uint64_t(15000), (uint64_t(1) << 40) + 3, (uint64_t(1) << 63) + 5, ~uint64_t(0)}) {
        CHECK(time_from_value(v) == sc_time::from_value(v));
        CHECK(time_from_value(v).value() == v);
    }
}

// The NIC's timed wakes and the CPU's stalls build whole nanoseconds with time_from_ns() instead of
// sc_time(double(ns), SC_NS); at and beyond the edge of the integer path (2^52 resolution units) too.
TEST_CASE("time_from_ns builds the sc_time that sc_time(double(ns), SC_NS) builds", "[fast][timing]") {
    const uint64_t edge = (uint64_t(1) << 52) / sc_time(1, SC_NS).value();
    for (const uint64_t ns : {uint64_t(0), uint64_t(1), uint64_t(15), uint64_t(12'304), uint64_t(2'000'000'000),
                              edge - 1, edge, edge + 1, edge * 3 + 7}) {
        INFO("ns = " << ns);
        CHECK(time_from_ns(ns) == sc_time(static_cast<double>(ns), SC_NS));
    }
}
