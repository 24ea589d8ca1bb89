// The bus clock in a VCD: pci::BusClock has no falling-edge time step and stops while every agent sleeps, yet the
// trace must show CLK exactly as SystemC's writer shows an sc_clock (rising at 0, 15, 30 ns ..., falling half a
// period later) through to the end of the simulation. Each design runs in a child process of its own (SystemC
// elaborates one design per process); the files must be the same bytes apart from the $date block.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <systemc>

#include "model/pci/bus_clock.h"
#include "model/trace/tracer.h"
#include "testbench/support/child_process.h"
#include "testbench/support/vcd_text.h"

using namespace sc_core;
using nicsim::test::first_difference;
using nicsim::test::run_in_child;
using nicsim::test::slurp;
using nicsim::test::without_date;

namespace {

const sc_time kPeriod(15, SC_NS);

/// A value that changes between clock edges (every 37 ns): time steps off the clock's grid.
SC_MODULE(OffGrid) {
    unsigned n = 0;
    SC_CTOR(OffGrid) {
        SC_THREAD(run);
    }
    void run() {
        for (;;) {
            wait(37, SC_NS);
            ++n;
        }
    }
};

/// Awake for edges 0-10, asleep (clock stopped) until edge 60, awake until edge 70, then asleep for good.
struct Sleeper : nicsim::pci::ClockedAgent {
    nicsim::pci::BusClock& clk;
    nicsim::pci::BusClock::AgentId id;
    explicit Sleeper(nicsim::pci::BusClock& c) : clk(c), id(c.attach(*this, "sleeper")) {}
    void clock_edge() override {
        const uint64_t k = sc_time_stamp().value() / kPeriod.value();
        if (k == 10) {
            clk.sleep(id, false);
            clk.wake_at(id, kPeriod * 60);
        } else if (k == 70) {
            clk.sleep(id, false);
        }
    }
};

void reference(const std::string& base, const sc_time& end) {
    sc_clock clk("clk", kPeriod, 0.5, SC_ZERO_TIME, true);
    OffGrid g("g");
    nicsim::Tracer t(base, nicsim::Tracer::Writer::SystemC);
    sc_trace(t.file(), static_cast<const sc_signal_in_if<bool>&>(clk), "top.CLK");
    sc_trace(t.file(), g.n, "top.n");
    sc_start(end);
}

void bus_clock(const std::string& base, const sc_time& end, nicsim::Tracer::Writer writer) {
    nicsim::pci::BusClock clk("clk", kPeriod);
    Sleeper s(clk);
    OffGrid g("g");
    nicsim::Tracer t(base, writer);
    clk.trace(t.file(), "top.CLK");
    sc_trace(t.file(), g.n, "top.n");
    sc_start(end);
    if (writer == nicsim::Tracer::Writer::Fast && clk.running()) _exit(3);  // the stopped clock is what is tested
}

void compare(const std::string& name, const sc_time& end) {
    const std::string ref = name + "_sc_clock", fast = name + "_fast", sig = name + "_signal";
    REQUIRE(run_in_child([&] { reference(ref, end); }));
    REQUIRE(run_in_child([&] { bus_clock(fast, end, nicsim::Tracer::Writer::Fast); }));
    REQUIRE(run_in_child([&] { bus_clock(sig, end, nicsim::Tracer::Writer::SystemC); }));
    const std::string r = without_date(slurp(ref + ".vcd"));
    REQUIRE(r.size() > 1000);
    for (const std::string& f : {fast, sig}) {
        const std::string v = without_date(slurp(f + ".vcd"));
        INFO(first_difference(v, f, r, "sc_clock"));
        CHECK(v == r);
    }
    for (const std::string& f : {ref, fast, sig}) std::remove((f + ".vcd").c_str());
}

}  // namespace

TEST_CASE("A traced BusClock shows CLK as an sc_clock does up to an end on a rising edge", "[traces][vcd][clock]") {
    compare("clock_trace_on_edge", kPeriod * 100);
}

TEST_CASE("A traced BusClock shows CLK as an sc_clock does up to an end between edges", "[traces][vcd][clock]") {
    compare("clock_trace_off_edge", kPeriod * 100 + sc_time(11, SC_NS));
}

TEST_CASE("A traced BusClock shows CLK as an sc_clock does up to an end on a falling edge", "[traces][vcd][clock]") {
    compare("clock_trace_falling", kPeriod * 100.5);
}
