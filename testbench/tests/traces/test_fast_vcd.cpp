// FastVcdFile (model/trace/fast_vcd_file.h) against SystemC 2.3.4's own VCD writer: both trace the same values in one
// simulation, and the files must be the same bytes apart from the $date line (SystemC's is the wall clock).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <systemc>

#include "model/pci/pci_bus.h"
#include "model/trace/fast_vcd_file.h"
#include "model/trace/tracer.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"
#include "testbench/tests/traces/trace_stimulus.h"

using namespace sc_core;
using nicsim::test::slurp;
using nicsim::test::without_date;

using nicsim::test::Stimulus;
using nicsim::test::trace_all;

namespace {
/// Traces one stimulus with the fast writer into `<fast>.vcd` and with SystemC's into `<ref>.vcd`; `run(a, b)`
/// advances the simulation with both files open.
template <typename Run>
void trace_with_both_writers(const std::string& fast, const std::string& ref, Run run) {
    sc_clock clk("clk", sc_time(15, SC_NS));
    Stimulus s("stim");
    s.clk(clk);
    nicsim::Tracer a(fast, nicsim::Tracer::Writer::Fast);
    nicsim::Tracer b(ref, nicsim::Tracer::Writer::SystemC);
    trace_all(a.file(), s, clk);
    trace_all(b.file(), s, clk);
    run(*a.file(), *b.file());
}
}  // namespace

TEST_CASE("FastVcdFile writes the same VCD as SystemC's writer apart from the date", "[traces][vcd]") {
    const std::string fast = "fast_vcd_compare_fast";
    const std::string ref = "fast_vcd_compare_systemc";
    trace_with_both_writers(fast, ref, [](sc_trace_file&, sc_trace_file&) { sc_start(3000, SC_NS); });
    const std::string f = slurp(fast + ".vcd");
    const std::string r = slurp(ref + ".vcd");
    INFO("both files were written");
    REQUIRE(f.size() > 1000);
    REQUIRE(r.size() > 1000);
    {
        INFO("the fast writer's date is fixed, so one seed gives one file");
        CHECK(f.find("$date\n     no date (reproducible)     \n$end\n") == 0);
    }
    const std::string fd = without_date(f);
    const std::string rd = without_date(r);
    size_t first_diff = 0;
    while (first_diff < fd.size() && first_diff < rd.size() && fd[first_diff] == rd[first_diff]) ++first_diff;
    INFO("first difference at byte " << first_diff
                                     << ":\nfast:    " << fd.substr(first_diff > 80 ? first_diff - 80 : 0, 200)
                                     << "\nSystemC: " << rd.substr(first_diff > 80 ? first_diff - 80 : 0, 200));
    CHECK(fd == rd);
    std::remove((fast + ".vcd").c_str());
    std::remove((ref + ".vcd").c_str());
}

TEST_CASE("FastVcdFile's writer thread writes a long run as SystemC does, with a comment in the middle",
          "[traces][vcd]") {
    // 16 000 time steps: the writer thread's ring of records goes round several times, and the comment stops the
    // writer between two runs (it must come after every value before it) and the next time step starts it again.
    const std::string fast = "fast_vcd_long_fast";
    const std::string ref = "fast_vcd_long_systemc";
    trace_with_both_writers(fast, ref, [](sc_trace_file& a, sc_trace_file& b) {
        sc_start(60, SC_US);
        a.write_comment("half way");
        b.write_comment("half way");
        sc_start(60, SC_US);
    });
    const std::string f = without_date(slurp(fast + ".vcd"));
    const std::string r = without_date(slurp(ref + ".vcd"));
    REQUIRE(r.size() > 500'000);
    INFO("the comment is in the file, after the values of the last edge before 60 us and before those at 60 us");
    const size_t comment = f.find("$comment\nhalf way\n$end\n");
    REQUIRE(comment != std::string::npos);
    CHECK(f.find("#599925\n") < comment);
    CHECK(f.find("#600000\n") > comment);
    CHECK(f.size() == r.size());
    CHECK(f == r);
    std::remove((fast + ".vcd").c_str());
    std::remove((ref + ".vcd").c_str());
}

TEST_CASE("FastVcdFile on a caller's stream writes the same bytes as on its own file", "[traces][vcd]") {
    const std::string own = "fast_vcd_own";
    const std::string borrowed = "fast_vcd_borrowed.vcd";
    std::FILE* f = std::fopen(borrowed.c_str(), "wb");
    REQUIRE(f);
    {
        sc_clock clk("clk", sc_time(15, SC_NS));
        Stimulus s("stim");
        s.clk(clk);
        nicsim::Tracer a(own, nicsim::Tracer::Writer::Fast);
        nicsim::Tracer b(f, borrowed);
        CHECK(b.path() == borrowed);
        trace_all(a.file(), s, clk);
        trace_all(b.file(), s, clk);
        sc_start(3000, SC_NS);
    }
    INFO("the stream is still open after the tracer is gone: the caller closes it");
    CHECK(std::fputc('\n', f) == '\n');
    REQUIRE(std::fclose(f) == 0);
    std::string got = slurp(borrowed);
    const std::string want = slurp(own + ".vcd");
    REQUIRE(want.size() > 1000);
    REQUIRE_FALSE(got.empty());
    got.pop_back();
    CHECK(got == want);
    std::remove((own + ".vcd").c_str());
    std::remove(borrowed.c_str());
}

TEST_CASE("FastVcdFile writes a traced 64-bit PCI bus under SystemC.pci", "[traces][vcd][pci]") {
    const std::string fast = "fast_vcd_bus_fast";
    {
        nicsim::pci::BusConfig cfg;
        cfg.width_bits = 64;
        nicsim::pci::PciBus bus("pci", cfg);
        bus.add_master("nic0");
        bus.add_device("nic0");
        nicsim::Tracer a(fast, nicsim::Tracer::Writer::Fast);
        bus.trace(a.file());
        sc_start(10 * bus.period());
    }
    const std::string f = slurp(fast + ".vcd");
    INFO("the bus trace was written with every signal under SystemC.pci");
    CHECK(f.find("$scope module SystemC $end\n$scope module pci $end\n") != std::string::npos);
    CHECK(f.find("$var wire   64  aaaac  AD [63:0]  $end") != std::string::npos);
    CHECK(f.find("bZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ aaaac") != std::string::npos);
    std::remove((fast + ".vcd").c_str());
}

TEST_CASE("FastVcdFile reports an unopenable file and traces nothing", "[traces][vcd]") {
    nicsim::test::expect_reports("nicsim/trace/open", 1);
    nicsim::Tracer t("/nonexistent-dir/x/y");
    INFO("tracing stays off when the file cannot be created");
    CHECK_FALSE(t.on());
    CHECK(nicsim::test::reports_seen("nicsim/trace/open") == 1);
}
