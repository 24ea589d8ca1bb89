// A traced clock that batches (pci::BusClock::set_batching): the edges a batch evaluates ahead of their time must
// reach nicsim's VCD at their own times, with the values they had at the end of their own time steps. The oracle is
// the same design clock by clock, once through nicsim's writer and once through SystemC's own (which keeps the clock
// from batching: BusClock::trace gives it a real signal), and the times worked out by hand. Each design runs in a
// child process of its own (SystemC elaborates one design per process).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include <systemc>

#include "model/pci/bus_clock.h"
#include "model/trace/tracer.h"
#include "testbench/support/child_process.h"
#include "testbench/support/vcd_text.h"
#include "vcd_reader.h"

using namespace sc_core;
using nicsim::pci::BusClock;
using nicsim::test::first_difference;
using nicsim::test::run_in_child;
using nicsim::test::slurp;
using nicsim::test::without_date;

namespace {

const sc_time kPeriod(15, SC_NS);
constexpr uint64_t kUnitsPerPeriod = 150;  // the VCD's time unit is 100 ps
constexpr uint32_t kSleepAt = 200, kWakeAt = 230;

/// A line an agent drives and an update phase resolves, as PciBus's wires do; inside a batch settle() resolves it.
class Wire : public sc_prim_channel, public nicsim::pci::BatchLines {
  public:
    Wire() : sc_prim_channel("wire") {}
    void drive(uint32_t v) {
        m_next = v;
        if (!m_pending) {
            m_pending = true;
            request_update();
        }
    }
    bool batchable() const override { return true; }
    void settle() override {
        if (!m_pending) return;
        m_pending = false;
        level = m_next;
    }
    uint32_t level = 0;

  private:
    void update() override { settle(); }
    uint32_t m_next = 0;
    bool m_pending = false;
};

/// Counts its edges (a traced member) and drives three times the count onto the wire. Every 50th edge is not
/// steady, and edge kSleepAt sleeps until edge kWakeAt: batches also end on the agent's say and on a timed wake.
struct Counter : nicsim::pci::ClockedAgent {
    BusClock& clk;
    Wire& wire;
    BusClock::AgentId id;
    uint32_t edges = 0;
    Counter(BusClock& c, Wire& w) : clk(c), wire(w), id(c.attach(*this, "counter")) {}
    void clock_edge() override {
        ++edges;
        wire.drive(3 * edges);
        if (edges == kSleepAt) {
            clk.sleep(id, false);
            clk.wake_at(id, kPeriod * kWakeAt);
        }
    }
    bool steady_edge() const override { return (edges + 1) % 50 != 0 && edges + 1 != kSleepAt; }
};

/// A value that changes between clock edges: kernel activity that ends batches off the clock's grid.
SC_MODULE(OffGrid) {
    unsigned n = 0;
    SC_CTOR(OffGrid) {
        SC_THREAD(run);
    }
    void run() {
        for (;;) {
            wait(337, SC_NS);
            ++n;
        }
    }
};

/// Exit status 3: the clock batched nothing though it should have; 4: it batched though it must not have.
void design(const std::string& base, const sc_time& end, nicsim::Tracer::Writer writer, bool batching) {
    BusClock clk("clk", kPeriod);
    Wire wire;
    Counter counter(clk, wire);
    OffGrid g("g");
    clk.set_batching(&wire, batching);
    clk.set_batch_horizon(end);
    nicsim::Tracer t(base, writer);
    clk.trace(t.file(), "top.CLK");
    sc_trace(t.file(), counter.edges, "top.edges");
    sc_trace(t.file(), wire.level, "top.wire");
    sc_trace(t.file(), g.n, "top.n");
    sc_start(end);
    const bool batches = batching && writer == nicsim::Tracer::Writer::Fast;
    if (batches && clk.batched_edges() == 0) _exit(3);
    if (!batches && clk.batched_edges() != 0) _exit(4);
}

void compare(const std::string& name, const sc_time& end) {
    const std::string batched = name + "_batched", by_clock = name + "_by_clock", systemc = name + "_systemc";
    REQUIRE(run_in_child([&] { design(batched, end, nicsim::Tracer::Writer::Fast, true); }));
    REQUIRE(run_in_child([&] { design(by_clock, end, nicsim::Tracer::Writer::Fast, false); }));
    REQUIRE(run_in_child([&] { design(systemc, end, nicsim::Tracer::Writer::SystemC, true); }));

    INFO("the batched run's counter and wire change on every edge, at that edge's time");
    nicsim::test::VcdReader vcd(batched + ".vcd");
    REQUIRE(vcd.ok());
    const auto& edges = vcd.changes("SystemC.top.edges");
    const auto& wire = vcd.changes("SystemC.top.wire");
    REQUIRE(edges.size() == wire.size());
    REQUIRE(edges.size() > kWakeAt);
    for (size_t j = 0; j < edges.size(); ++j) {  // change 0: the initial value, after edge 0
        // Edge k (at k periods) counts to j + 1: k = j, but for the edges the agent slept through.
        const uint64_t k = j < kSleepAt ? j : j + (kWakeAt - kSleepAt);
        INFO("change " << j);
        CHECK(edges[j].time == k * kUnitsPerPeriod);
        CHECK(edges[j].value == j + 1);
        CHECK(wire[j].time == k * kUnitsPerPeriod);
        CHECK(wire[j].value == 3 * (j + 1));
    }

    const std::string b = without_date(slurp(batched + ".vcd"));
    for (const std::string& f : {by_clock, systemc}) {
        const std::string v = without_date(slurp(f + ".vcd"));
        INFO(first_difference(v, f, b, "batched"));
        CHECK(v == b);
    }
    for (const std::string& f : {batched, by_clock, systemc}) std::remove((f + ".vcd").c_str());
}

}  // namespace

TEST_CASE("Edges a batch evaluates ahead of time are traced at their own times (end on an edge)",
          "[traces][vcd][batching]") {
    compare("batch_trace_on_edge", kPeriod * 400);
}

TEST_CASE("Edges a batch evaluates ahead of time are traced at their own times (end between edges)",
          "[traces][vcd][batching]") {
    compare("batch_trace_off_edge", kPeriod * 400 + sc_time(11, SC_NS));
}
