// FstFile (model/trace/fst_file.h) against FastVcdFile: both trace the same values in one simulation; GTKWave's own
// fst2vcd turns the FST back into a VCD, and compare_vcd.py (testbench/tests/cli_run) finds the same signals, scopes,
// widths and value changes at the same times in it as in the VCD, for a whole run and for a window of it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <systemc>

#include "model/trace/fast_vcd_file.h"
#include "model/trace/fst_file.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"
#include "testbench/tests/traces/trace_stimulus.h"

using namespace sc_core;
using nicsim::test::Stimulus;
using nicsim::test::trace_all;

namespace {

/// Opens the writers' window at `from` and closes it at `to`.
SC_MODULE(Window) {
    nicsim::PolledTraceFile* a = nullptr;
    nicsim::PolledTraceFile* b = nullptr;
    sc_time from, to;
    SC_CTOR(Window) {
        SC_THREAD(run);
    }
    void run() {
        wait(from);
        a->open_window();
        b->open_window();
        wait(to - from);
        a->close_window();
        b->close_window();
    }
};

/// The FST read back by fst2vcd records what the VCD records: compare_vcd.py's verdict, or why it could not run.
std::string fst_differs(const std::string& fst, const std::string& vcd) {
    const std::string back = fst + ".vcd";
    if (std::system(("fst2vcd " + fst + " > " + back + " 2>/dev/null").c_str()) != 0) return "fst2vcd cannot read it";
    const std::string cmp = std::string("python3 ") + NICSIM_SOURCE_DIR + "/testbench/tests/cli_run/compare_vcd.py " +
                            vcd + " " + back + " > " + fst + ".cmp 2>&1";
    const int rc = std::system(cmp.c_str());
    const std::string why = nicsim::test::slurp(fst + ".cmp");
    std::remove(back.c_str());
    std::remove((fst + ".cmp").c_str());
    return rc == 0 ? std::string() : why;
}

}  // namespace

TEST_CASE("FstFile records what FastVcdFile records, for a whole run and for a window", "[traces][fst]") {
    const sc_time bus_period(15, SC_NS);
    {
        sc_clock clk("clk", sc_time(10, SC_NS));
        Stimulus s("stim");
        s.clk(clk);
        nicsim::FastVcdFile vcd("fst_whole.vcd");
        nicsim::FstFile fst("fst_whole.fst");
        nicsim::FastVcdFile wvcd("fst_window.vcd");
        nicsim::FstFile wfst("fst_window.fst", nicsim::FstFile::Packing::Lz4);
        REQUIRE(fst.ok());
        REQUIRE(wfst.ok());
        Window w("window");
        w.a = &wvcd;
        w.b = &wfst;
        w.from = sc_time(1005, SC_NS);  // between two edges of the traced clock
        w.to = sc_time(2210, SC_NS);
        for (nicsim::PolledTraceFile* f :
             {static_cast<nicsim::PolledTraceFile*>(&vcd), static_cast<nicsim::PolledTraceFile*>(&fst),
              static_cast<nicsim::PolledTraceFile*>(&wvcd), static_cast<nicsim::PolledTraceFile*>(&wfst)}) {
            f->set_time_unit(100, SC_PS);
            trace_all(f, s, clk);
            f->trace_clock("top.pci.CLK", bus_period);  // edges from the time alone, none at a time step of its own
        }
        wvcd.hold_until_window();
        wfst.hold_until_window();
        sc_start(3000, SC_NS);
    }
    const std::string whole = nicsim::test::slurp("fst_whole.vcd");
    REQUIRE(whole.size() > 1000);
    {
        INFO("the whole run");
        CHECK(fst_differs("fst_whole.fst", "fst_whole.vcd") == "");
    }
    {
        INFO("the window from 1005 ns to 2210 ns (LZ4 packing)");
        const std::string window = nicsim::test::slurp("fst_window.vcd");
        REQUIRE(window.find("#10050\n$dumpvars") != std::string::npos);
        CHECK(fst_differs("fst_window.fst", "fst_window.vcd") == "");
    }
    for (const char* f : {"fst_whole.vcd", "fst_whole.fst", "fst_window.vcd", "fst_window.fst"}) std::remove(f);
}

TEST_CASE("FstFile reports a file it cannot create and traces nothing", "[traces][fst]") {
    nicsim::test::expect_reports("nicsim/trace/open", 1);
    nicsim::FstFile f("/nonexistent-dir/x/y.fst");
    CHECK_FALSE(f.ok());
    CHECK(nicsim::test::reports_seen("nicsim/trace/open") == 1);
}
