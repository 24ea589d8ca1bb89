// The arbiter with real masters: fairness, hidden arbitration, the idle clock between grants, bus parking, reset,
// and the masters' latency timers ending bursts when GNT# goes away.
#include <catch2/catch.hpp>

#include "testbench/support/pci_agents.h"
#include "testbench/support/scripted_agent.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

#define CHECK_MONITOR_CLEAN(rig)                                  \
    do {                                                          \
        INFO("bus monitor summary: " << (rig).monitor.summary()); \
        CHECK((rig).monitor.violations() == 0);                   \
    } while (0)

namespace {

/// GNT# and bus idle on every clock after reset.
struct GntRecorder : sc_module {
    PciBus& bus;
    std::vector<uint32_t> gnt_n;
    std::vector<bool> idle;
    std::vector<bool> rst;
    SC_HAS_PROCESS(GntRecorder);
    GntRecorder(sc_module_name n, PciBus& b) : sc_module(n), bus(b) {
        gnt_n.reserve(100000);
        SC_METHOD(clock);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void clock() {
        if (gnt_n.size() == gnt_n.capacity()) return;
        gnt_n.push_back(bus.lines().gnt_n);
        idle.push_back(bus.lines().idle());
        rst.push_back(!bus.lines().rst_n);
    }
    /// Checks: at most one GNT#, none in reset, and a direct hand-over only decided while the bus was busy.
    unsigned violations() const {
        unsigned bad = 0;
        for (size_t t = 0; t < gnt_n.size(); ++t) {
            const uint32_t g = ~gnt_n[t] & 0xFFFFu;
            if (__builtin_popcount(g) > 1) ++bad;
            if (rst[t] && g) ++bad;
            if (t > 0) {
                const uint32_t p = ~gnt_n[t - 1] & 0xFFFFu;
                if (p && g && p != g && idle[t - 1]) ++bad;
            }
        }
        return bad;
    }
};

struct TwoMasters {
    PciBus bus;
    Arbiter arbiter;
    TestMaster a;
    TestMaster b;
    TestTarget target;
    BusProbe probe;
    BusMonitor monitor;
    GntRecorder gnt;
    explicit TwoMasters(const ArbiterConfig& cfg = {}, uint8_t lt_a = 64, uint8_t lt_b = 64)
        : bus("pci", bus_config()),
          arbiter("arbiter", bus, cfg),
          a("a", bus),
          b("b", bus),
          target("target", bus, 0x10000, 8192),
          probe("probe", bus),
          monitor("monitor", bus),
          gnt("gnt", bus) {
        a.config().latency_timer = lt_a;
        b.config().latency_timer = lt_b;
        monitor.set_latency_timer(a.index(), lt_a);
        monitor.set_latency_timer(b.index(), lt_b);
    }
    std::vector<uint8_t> mem_at(uint64_t addr, size_t len) const {
        const auto off = static_cast<long>(addr - target.mem_base);
        return std::vector<uint8_t>(target.mem.begin() + off, target.mem.begin() + off + static_cast<long>(len));
    }
};

}  // namespace

TEST_CASE("two masters both get the bus and the grants alternate", "[pci][arbiter]") {
    TwoMasters s;
    for (unsigned i = 0; i < 6; ++i) {
        s.a.write(0x10000 + i * 16, pattern(16, i));
        s.b.write(0x11000 + i * 16, pattern(16, 100 + i));
    }
    REQUIRE(run_until_idle({&s.a, &s.b}));
    const auto& p = s.probe.addresses();
    REQUIRE(p.size() == 12);
    unsigned by_a = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        INFO("transaction " << i);
        by_a += p[i].master == static_cast<int>(s.a.index());
        if (i > 0) CHECK(p[i].master != p[i - 1].master);
    }
    INFO("six each, strictly alternating");
    CHECK(by_a == 6);
    for (unsigned i = 0; i < 6; ++i) {
        CHECK(s.mem_at(0x10000 + i * 16, 16) == pattern(16, i));
        CHECK(s.mem_at(0x11000 + i * 16, 16) == pattern(16, 100 + i));
    }
    INFO("the hand-overs happened while the other master's transaction ran (hidden arbitration)");
    CHECK(s.arbiter.stats().hidden_grants >= 10);
    INFO("GNT# rules on every clock");
    CHECK(s.gnt.violations() == 0);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("hidden arbitration leaves no idle clock beyond the turnaround", "[pci][arbiter]") {
    TwoMasters s;
    s.a.write(0x10000, pattern(32, 1));
    s.b.write(0x11000, pattern(32, 2));
    REQUIRE(run_until_idle({&s.a, &s.b}));
    const auto& p = s.probe.addresses();
    REQUIRE(p.size() == 2);
    INFO("8-dword write, one turnaround clock, then the other master's address phase: N+2 = 10 clocks");
    CHECK(p[1].clock - p[0].clock == 10);
    CHECK(p[0].master != p[1].master);
    CHECK(s.gnt.violations() == 0);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("the latency timer ends a burst when GNT# is taken away", "[pci][arbiter][latency-timer]") {
    TwoMasters s({}, 8, 64);
    const auto big = pattern(128, 3), small = pattern(16, 4);
    s.a.write(0x10000, big);  // 32 dwords
    s.b.write(0x11000, small);
    REQUIRE(run_until_idle({&s.a, &s.b}));
    const auto& p = s.probe.addresses();
    REQUIRE(p.size() >= 3);
    INFO("a's first burst stopped early, b ran, a resumed where it stopped");
    CHECK(p[0].master == static_cast<int>(s.a.index()));
    CHECK(p[0].data_phases < 32);
    CHECK(p[0].data_phases >= 6);
    CHECK(p[1].master == static_cast<int>(s.b.index()));
    CHECK(p[2].addr == 0x10000 + p[0].data_phases * 4);
    CHECK(s.a.engine().stats().latency_expiries >= 1);
    CHECK(s.mem_at(0x10000, 128) == big);
    CHECK(s.mem_at(0x11000, 16) == small);
    CHECK(s.a.result(0).status == MasterStatus::Ok);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("an expired latency timer ends an MWI burst at a cache line end", "[pci][arbiter][latency-timer]") {
    TwoMasters s({}, 4, 64);
    s.a.config().cache_line_dwords = 8;
    s.a.config().mwi_enable = true;
    s.monitor.set_cache_line(8);
    const auto big = pattern(256, 5);
    s.a.write(0x10000, big);
    s.b.write(0x11000, pattern(8, 6));
    REQUIRE(run_until_idle({&s.a, &s.b}));
    const auto& p = s.probe.addresses();
    REQUIRE(p.size() >= 3);
    CHECK(p[0].cmd == Cmd::MemWriteInvalidate);
    INFO("whole lines only: " << p[0].data_phases << " data phases");
    CHECK(p[0].data_phases % 8 == 0);
    CHECK(p[0].data_phases < 64);
    CHECK(s.mem_at(0x10000, 256) == big);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("without competition an expired latency timer does not cut a burst", "[pci][arbiter][latency-timer]") {
    Rig r;
    r.master_setup(false, 4);
    const auto w = pattern(128, 7);
    r.master.write(0x10000, w);
    REQUIRE(run_until_idle({&r.master}));
    REQUIRE(r.probe.addresses().size() == 1);
    INFO("GNT# stayed: all 32 data phases in one burst");
    CHECK(r.probe.addresses()[0].data_phases == 32);
    CHECK(r.master.engine().stats().latency_expiries == 0);
    CHECK(r.mem_at(0x10000, 128) == w);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("the bus parks on the last master which drives AD C/BE# and PAR", "[pci][arbiter][parking]") {
    Rig r;
    r.master.write(0x10000, pattern(8, 8));
    REQUIRE(run_until_idle({&r.master}));
    sc_start(10 * r.bus.period());
    INFO("GNT# stays with the master that used the bus last");
    CHECK(r.arbiter.granted() == static_cast<int>(r.master.index()));
    CHECK(r.master.engine().parked());
    const Lines& l = r.bus.lines();
    CHECK(l.idle());
    CHECK(l.is_driven(kAdLo));
    CHECK(l.is_driven(kCbeLo));
    CHECK(l.is_driven(kPar));
    INFO("the parked values have even parity");
    CHECK(l.high(kPar) == parity_of(static_cast<uint32_t>(l.ad), l.cbe_n & 0xF));
    CHECK(l.contention == 0);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a default park master gets GNT# when nobody requests and the other master lets go",
          "[pci][arbiter][parking]") {
    ArbiterConfig cfg;
    cfg.park_master = 1;
    TwoMasters s(cfg);
    s.a.write(0x10000, pattern(16, 9));
    REQUIRE(run_until_idle({&s.a, &s.b}));
    sc_start(10 * s.bus.period());
    CHECK(s.arbiter.granted() == static_cast<int>(s.b.index()));
    CHECK(s.b.engine().parked());
    CHECK_FALSE(s.a.engine().parked());
    INFO("only the parked master drives AD: no contention");
    CHECK(s.bus.lines().is_driven(kAdLo));
    CHECK(s.bus.driven_by(s.a.engine().driver()).oe == 0);
    CHECK(s.bus.lines().contention == 0);
    CHECK(s.mem_at(0x10000, 16) == pattern(16, 9));
    CHECK(s.gnt.violations() == 0);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("no GNT# while RST# is asserted", "[pci][arbiter][reset]") {
    TwoMasters s;
    s.a.write(0x10000, pattern(4, 10));
    s.b.write(0x11000, pattern(4, 11));
    sc_start(2 * s.bus.period() + sc_time(1, SC_NS));
    INFO("clock 2: still in reset, both masters have work");
    CHECK_FALSE(s.bus.lines().rst_n);
    CHECK(s.bus.lines().gnt_n == ~0u);
    REQUIRE(run_until_idle({&s.a, &s.b}));
    CHECK(s.a.result(0).status == MasterStatus::Ok);
    CHECK(s.b.result(0).status == MasterStatus::Ok);
    CHECK(s.gnt.violations() == 0);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("a master that is retried lets the other master in", "[pci][arbiter][retry]") {
    TwoMasters s;
    s.target.script().retry_first = 2;
    s.a.write(0x10000, pattern(8, 12));
    s.b.write(0x11000, pattern(8, 13));
    REQUIRE(run_until_idle({&s.a, &s.b}));
    CHECK(s.mem_at(0x10000, 8) == pattern(8, 12));
    CHECK(s.mem_at(0x11000, 8) == pattern(8, 13));
    INFO("both were retried once, in turn");
    CHECK(s.a.engine().stats().retries == 1);
    CHECK(s.b.engine().stats().retries == 1);
    CHECK(s.gnt.violations() == 0);
    CHECK_MONITOR_CLEAN(s);
}

TEST_CASE("three masters are served in round-robin order", "[pci][arbiter]") {
    PciBus bus("pci", bus_config());
    Arbiter arbiter("arbiter", bus);
    TestMaster m0("m0", bus), m1("m1", bus), m2("m2", bus);
    TestTarget target("target", bus, 0x10000, 8192);
    BusProbe probe("probe", bus);
    BusMonitor monitor("monitor", bus);
    TestMaster* all[] = {&m0, &m1, &m2};
    for (unsigned k = 0; k < 3; ++k) {
        all[k]->config().latency_timer = 64;
        monitor.set_latency_timer(all[k]->index(), 64);
        for (unsigned i = 0; i < 4; ++i) all[k]->write(0x10000 + k * 0x400 + i * 32, pattern(32, k * 10 + i));
    }
    REQUIRE(run_until_idle({&m0, &m1, &m2}));
    const auto& p = probe.addresses();
    REQUIRE(p.size() == 12);
    INFO("grant order 0 1 2 0 1 2 ...");
    for (size_t i = 0; i < p.size(); ++i) {
        INFO("transaction " << i);
        CHECK(p[i].master == static_cast<int>(i % 3));
    }
    for (unsigned k = 0; k < 3; ++k)
        for (unsigned i = 0; i < 4; ++i) {
            const size_t off = k * 0x400 + i * 32;
            CHECK(std::vector<uint8_t>(target.mem.begin() + static_cast<long>(off),
                                       target.mem.begin() + static_cast<long>(off + 32)) == pattern(32, k * 10 + i));
        }
    CHECK(arbiter.stats().grants_by_master[0] >= 4);
    CHECK(arbiter.stats().grants_by_master[1] >= 4);
    CHECK(arbiter.stats().grants_by_master[2] >= 4);
    INFO("bus monitor summary: " << monitor.summary());
    CHECK(monitor.violations() == 0);
}

TEST_CASE("the master counts busy and waiting clocks", "[pci][master][stats]") {
    Rig r;
    r.master.write(0x10000, pattern(32, 20));  // 8 dwords: address + 8 data clocks
    r.master.read(0x10000, 32);                // address + turnaround + 8 data clocks
    REQUIRE(run_until_idle({&r.master}));
    const MasterStats& s = r.master.engine().stats();
    INFO("busy clocks: FRAME# asserted to the end of each transaction");
    CHECK(s.busy_clocks == (1 + 8) + (1 + 1 + 8));
    INFO("one clock of REQ# before the first GNT# arrived (then the bus stayed parked on the master)");
    CHECK(s.wait_clocks >= 1);
    CHECK(s.wait_clocks <= 3);
    CHECK(s.by_cmd[static_cast<int>(Cmd::MemWrite)] == 1);
    CHECK(s.by_cmd[static_cast<int>(Cmd::MemRead)] == 1);
    CHECK(s.bytes == 64);
    CHECK(s.data_phases == 16);
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("a granted master that never starts loses GNT# to a waiting one", "[pci][arbiter]") {
    PciBus bus("pci", bus_config());
    Arbiter arbiter("arbiter", bus);
    ScriptedAgent lazy("lazy", bus, ScriptedAgent::kMaster);  // master 0: requests forever, never starts
    lazy.req(5, "L");
    TestMaster m("m", bus);
    TestTarget target("target", bus, 0x10000, 4096);
    BusMonitor monitor("monitor", bus);
    m.config().latency_timer = 64;
    monitor.set_latency_timer(m.index(), 64);
    sc_start(7 * bus.period());
    INFO("the lazy master asked first and got GNT#");
    CHECK(arbiter.granted() == static_cast<int>(lazy.master()));
    const auto w = pattern(16, 30);
    m.write(0x10000, w);
    REQUIRE(run_until_idle({&m}, 200));
    INFO("after start_timeout idle clocks the other master got the bus");
    CHECK(m.result(0).status == MasterStatus::Ok);
    CHECK(std::vector<uint8_t>(target.mem.begin(), target.mem.begin() + 16) == w);
    CHECK(m.result(0).done_clock > 7 + arbiter.config().start_timeout);
    INFO("bus monitor summary: " << monitor.summary());
    CHECK(monitor.violations() == 0);
}
