// Bus monitor, positive side: hand-scripted legal waveforms must pass with zero violations, and the utilisation
// counters must be exact (also across the clocks the monitor sleeps through).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "model/pci/bus_monitor.h"
#include "model/trace/tracer.h"
#include "testbench/support/scripted_agent.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"

using namespace nicsim::pci;
using nicsim::test::ScriptedAgent;
using nicsim::test::ScriptedBench;
using namespace sc_core;

namespace {

constexpr auto kMR = static_cast<unsigned>(Cmd::MemRead);
constexpr auto kMW = static_cast<unsigned>(Cmd::MemWrite);

void require_clean(const BusMonitor& m) {
    INFO("a legal waveform: the monitor must count no violation\n" << m.summary());
    CHECK(m.violations() == 0);
}

}  // namespace

TEST_CASE("monitor passes a single-dword memory write", "[pci][monitor]") {
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.run(30);
    require_clean(b.monitor);
    const BusUsage& u = b.monitor.usage();
    INFO("one address phase, one data phase of four bytes, FRAME#/IRDY# busy on clocks 9 and 10");
    CHECK(u.transactions == 1);
    CHECK(u.by_cmd[kMW] == 1);
    CHECK(u.data_clocks == 1);
    CHECK(u.bytes == 4);
    CHECK(u.busy_clocks == 2);
    CHECK(b.master.done());
}

TEST_CASE("monitor passes a memory read with its turnaround clock", "[pci][monitor]") {
    ScriptedBench b;
    b.read(9, 0x2000, 0xCAFEF00D);
    b.run(30);
    require_clean(b.monitor);
    const BusUsage& u = b.monitor.usage();
    INFO("address on 9, turnaround on 10, data on 11: three busy clocks");
    CHECK(u.transactions == 1);
    CHECK(u.by_cmd[kMR] == 1);
    CHECK(u.data_clocks == 1);
    CHECK(u.bytes == 4);
    CHECK(u.busy_clocks == 3);
    INFO("all three busy clocks and the data clock belong to MR");
    CHECK(u.busy_by_cmd[kMR] == 3);
    CHECK(u.data_by_cmd[kMR] == 1);
}

TEST_CASE("monitor passes a 4-dword burst write with a target wait state", "[pci][monitor]") {
    ScriptedBench b;
    b.write(9, 0x3000, 4, true);
    b.run(30);
    require_clean(b.monitor);
    const BusUsage& u = b.monitor.usage();
    INFO("four data phases of four bytes; the wait state is busy but moves no data");
    CHECK(u.data_clocks == 4);
    CHECK(u.bytes == 16);
    CHECK(u.busy_clocks == 6);
}

TEST_CASE("monitor passes a DAC read above 4 GiB from a DAC-capable master", "[pci][monitor][dac]") {
    ScriptedBench b;
    b.monitor.set_dac_capable(b.master.master(), true);
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");  // two address phases, then the single data phase
    m.line(kIrdy, 9, "HHLLH-");
    m.ad(9, {0x23456780, 0x1});  // low dword, then high dword: 0x1_2345_6780
    m.cbe(9, {0xD, 0x6, 0x0, 0x0});
    t.line(kDevsel, 12, "LH-");
    t.line(kTrdy, 12, "LH-");
    t.ad(12, {0x11223344});
    b.run(30);
    require_clean(b.monitor);
    INFO("a DAC counts once, under the command it carries");
    CHECK(b.monitor.usage().transactions == 1);
    CHECK(b.monitor.usage().by_cmd[kMR] == 1);
    CHECK(b.monitor.usage().by_cmd[static_cast<unsigned>(Cmd::DualAddress)] == 0);
    CHECK(b.monitor.usage().data_clocks == 1);
    INFO("both address phases, the turnaround and the data clock count as MR busy clocks");
    CHECK(b.monitor.usage().busy_by_cmd[kMR] == b.monitor.usage().busy_clocks);
    CHECK(b.monitor.usage().busy_by_cmd[static_cast<unsigned>(Cmd::DualAddress)] == 0);
    CHECK(b.monitor.usage().data_by_cmd[kMR] == 1);
}

TEST_CASE("monitor passes a target retry", "[pci][monitor]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLH-");  // burst intent; FRAME# goes the clock after STOP#
    m.line(kIrdy, 9, "HLLLH-");
    m.ad(9, {0x4000});
    m.cbe(9, {0xC, 0x0, 0x0, 0x0});
    t.line(kDevsel, 11, "LLH-");
    t.line(kStop, 11, "LLH-");  // STOP# held until FRAME# is deasserted
    t.line(kTrdy, 11, "HHH-");
    b.run(30);
    require_clean(b.monitor);
    INFO("retry: no data moved");
    CHECK(b.monitor.usage().data_clocks == 0);
    CHECK(b.monitor.usage().by_cmd[static_cast<unsigned>(Cmd::MemReadMultiple)] == 1);
}

TEST_CASE("monitor passes a disconnect with data", "[pci][monitor]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLH-");
    m.line(kIrdy, 9, "HLLLH-");
    m.ad(9, {0x5000, 0xD0, 0xD1, 0xD2});
    m.cbe(9, {0x7, 0x0, 0x0, 0x0});
    t.line(kDevsel, 10, "LLLH-");
    t.line(kTrdy, 10, "LLH-");  // data on 10 and 11
    t.line(kStop, 11, "LLH-");  // disconnect on 11 with the data, held while FRAME# is asserted
    b.run(30);
    require_clean(b.monitor);
    INFO("two dwords moved before the disconnect, none in the final STOP# phase");
    CHECK(b.monitor.usage().data_clocks == 2);
    CHECK(b.monitor.usage().bytes == 8);
}

TEST_CASE("monitor passes a target abort", "[pci][monitor]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLH-");
    m.line(kIrdy, 9, "HLLLH-");
    m.ad(9, {0x6000, 0xD0, 0xD0, 0xD0});
    m.cbe(9, {0x7, 0x0, 0x0, 0x0});
    t.line(kDevsel, 10, "LHH-");  // claimed on 10, DEVSEL# deasserted with STOP# on 11: target abort
    t.line(kTrdy, 10, "HHH-");
    t.line(kStop, 11, "LLH-");
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().data_clocks == 0);
    CHECK(b.monitor.usage().transactions == 1);
}

TEST_CASE("monitor passes a master abort", "[pci][monitor]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LH-");
    m.line(kIrdy, 9, "HLLLLH-");  // no DEVSEL# by clock 5 (13): IRDY# released on 14
    m.ad(9, {0x7000, 0xD0, 0xD0, 0xD0, 0xD0});
    m.cbe(9, {0x7, 0x0, 0x0, 0x0, 0x0});
    b.run(30);
    require_clean(b.monitor);
    INFO("master abort: busy from the address phase to the last IRDY# clock, no data");
    CHECK(b.monitor.usage().busy_clocks == 5);
    CHECK(b.monitor.usage().data_clocks == 0);
}

TEST_CASE("monitor passes a master abort of a burst", "[pci][monitor]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLLLH-");  // FRAME# deasserted on 14 (clock 6), IRDY# on 15
    m.line(kIrdy, 9, "HLLLLLH-");
    m.ad(9, {0x7000, 0xD0, 0xD0, 0xD0, 0xD0, 0xD0});
    m.cbe(9, {0x7, 0x0, 0x0, 0x0, 0x0, 0x0});
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().busy_clocks == 6);
}

TEST_CASE("monitor passes a configuration write with IDSEL", "[pci][monitor][config]") {
    ScriptedBench b;
    const unsigned dev = b.bus.add_device("nic");
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.idsel(9, {1u << dev, 0});  // the bridge drives IDSEL in the address phase only
    m.line(kFrame, 9, "LH-");
    m.line(kIrdy, 9, "HLLH-");
    m.ad(9, {config_address(dev, 0, cfg::kBar0), 0xFFFFFFFF, 0xFFFFFFFF});
    m.cbe(9, {0xB, 0x0, 0x0});
    t.line(kDevsel, 11, "LH-");  // medium decode
    t.line(kTrdy, 11, "LH-");
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().by_cmd[static_cast<unsigned>(Cmd::ConfigWrite)] == 1);
    CHECK(b.monitor.usage().data_clocks == 1);
}

TEST_CASE("monitor passes a 64-bit burst with REQ64# and ACK64#", "[pci][monitor][bus64]") {
    ScriptedBench b(64);
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");
    m.line(kReq64, 9, "LLH-");  // REQ64# with FRAME#'s timing
    m.line(kIrdy, 9, "HLLH-");
    m.ad(9, {0x8000, 0x1111111100000000ull, 0x3333333322222222ull}, true);
    m.cbe(9, {0xF7, 0x00, 0x00}, true);
    t.line(kDevsel, 10, "LLH-");
    t.line(kAck64, 10, "LLH-");  // ACK64# with DEVSEL#'s timing
    t.line(kTrdy, 10, "LLH-");
    b.run(30);
    require_clean(b.monitor);
    INFO("two 64-bit data phases: 16 bytes");
    CHECK(b.monitor.usage().data_clocks == 2);
    CHECK(b.monitor.usage().bytes == 16);
}

TEST_CASE("monitor passes a DAC with REQ64# carrying the address on both halves", "[pci][monitor][bus64][dac]") {
    ScriptedBench b(64);
    ScriptedAgent& m = b.master;
    ScriptedAgent& t = b.target;
    b.monitor.set_dac_capable(m.master(), true);
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLH-");
    m.line(kReq64, 9, "LLLH-");  // REQ64# with FRAME# through both address phases
    m.line(kIrdy, 9, "HHLLH-");
    // 0x2_4567_0000: low dword | high dword, then the high dword on both halves; DAC | MW, then MW on both halves.
    m.ad(9, {0x0000000245670000ull, 0x0000000200000002ull, 0x8877665544332211ull, 0xFFEEDDCCBBAA9988ull}, true);
    m.cbe(9, {0x7D, 0x77, 0x00, 0x00}, true);
    t.line(kDevsel, 11, "LLH-");
    t.line(kAck64, 11, "LLH-");
    t.line(kTrdy, 11, "LLH-");
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().transactions == 1);
    CHECK(b.monitor.usage().by_cmd[static_cast<unsigned>(Cmd::MemWrite)] == 1);
    CHECK(b.monitor.usage().bytes == 16);
}

TEST_CASE("monitor passes a 64-bit request answered by a 32-bit target", "[pci][monitor][bus64]") {
    ScriptedBench b(64);
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");
    m.line(kReq64, 9, "LLH-");
    m.line(kIrdy, 9, "HLLH-");
    m.ad(9, {0x8000, 0x1111111100000000ull, 0x0000000011111111ull}, true);
    m.cbe(9, {0xF7, 0x00, 0xF0}, true);  // no ACK64#: the master moves the upper dword down, upper C/BE# off
    b.target.line(kDevsel, 10, "LLH-");  // DEVSEL# without ACK64#
    b.target.line(kTrdy, 10, "LLH-");
    b.run(30);
    require_clean(b.monitor);
    INFO("two 32-bit data phases: the upper byte enables do not count without ACK64#");
    CHECK(b.monitor.usage().bytes == 8);
}

TEST_CASE("monitor passes bus parking and a transaction from the parked master", "[pci][monitor][arbiter]") {
    ScriptedBench b;
    ScriptedAgent& m = b.master;
    // Parked: no REQ#, GNT# asserted, the master keeps AD, C/BE# and PAR from floating.
    m.ad(7, std::vector<uint64_t>(8, 0));
    m.cbe(7, std::vector<uint8_t>(8, 0x0));
    m.line(kPar, 7, "LLLLLLLL");  // even parity of zeros
    // From the park it starts without asserting REQ# (address on 15, reusing the write block's waveform).
    m.line(kFrame, 15, "LH-");
    m.line(kIrdy, 15, "HLH-");
    m.ad(15, {0x9000, 0xD0});
    m.cbe(15, {0x7, 0x0});
    b.target.line(kDevsel, 16, "LH-");
    b.target.line(kTrdy, 16, "LH-");
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().transactions == 1);
}

TEST_CASE("monitor usage counters stay exact across the idle clocks it sleeps through", "[pci][monitor][stats]") {
    ScriptedBench b;
    b.write(9, 0x1000, 2);
    b.write(60, 0x1100, 1);
    b.run(100);  // edges 0..99; RST# is sampled deasserted from edge 4
    require_clean(b.monitor);
    const BusUsage& u = b.monitor.usage();
    INFO("clocks counts every edge out of reset (4..99), including the ones the monitor slept through");
    CHECK(u.clocks == 96);
    CHECK(u.transactions == 2);
    CHECK(u.busy_clocks == 3 + 2);
    CHECK(u.data_clocks == 3);
    CHECK(u.bytes == 12);
}

TEST_CASE("monitor sleeps through an idle bus and still counts every clock", "[pci][monitor][stats]") {
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.run(1000);
    require_clean(b.monitor);
    INFO("usage counts all 996 clocks out of reset; the monitor evaluates only the few around the transaction");
    CHECK(b.monitor.usage().clocks == 996);
    CHECK(b.monitor.evaluated_clocks() < 40);
    CHECK(b.monitor.usage().transactions == 1);
}

TEST_CASE("monitor passes a master that honours its latency timer", "[pci][monitor][rule8]") {
    ScriptedBench b;
    b.monitor.set_latency_timer(b.master.master(), 4);
    b.arbiter.gnt(11, {~0u});  // GNT# removed on 11; the timer expires on 13
    b.write(9, 0x1000, 5);     // data on 10..14: FRAME# deasserted for the phase on 14
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().data_clocks == 5);
}

TEST_CASE("monitor passes a memory write and invalidate of one whole cache line", "[pci][monitor][mwi]") {
    ScriptedBench b;
    b.monitor.set_cache_line(4);
    b.write(9, 0x4000, 4, false, static_cast<uint8_t>(Cmd::MemWriteInvalidate));
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().by_cmd[static_cast<unsigned>(Cmd::MemWriteInvalidate)] == 1);
    CHECK(b.monitor.usage().bytes == 16);
}

TEST_CASE("monitor passes back-to-back transactions of two masters", "[pci][monitor][arbiter]") {
    ScriptedBench b;
    ScriptedAgent other("other_master", b.bus, ScriptedAgent::kMaster);
    other.auto_parity(true);
    b.write(9, 0x1000, 1);  // master: address 9, data 10, turnaround 11
    // The arbiter moves GNT# to the other master while the first transaction runs; it starts on 12.
    b.arbiter.gnt(10, {~(1u << other.master())});
    other.req(8, "LLLLH");
    other.line(kFrame, 12, "LH-");
    other.line(kIrdy, 12, "HLH-");
    other.ad(12, {0x2000, 0xE0});
    other.cbe(12, {0x7, 0x0});
    b.target.line(kDevsel, 13, "LH-");
    b.target.line(kTrdy, 13, "LH-");
    b.run(30);
    require_clean(b.monitor);
    CHECK(b.monitor.usage().transactions == 2);
}

TEST_CASE("monitor drops a transaction cut by RST# and checks the next one afresh", "[pci][monitor][reset]") {
    ScriptedBench b;
    b.write(9, 0x1000, 8);  // data phases 10..17, cut by the reset below
    for (uint64_t k = 13; k < 20; ++k) b.master.at(k) = b.target.at(k) = Drive{};  // agents float in reset
    b.arbiter.gnt(12, {~0u});                                                      // no GNT# in reset
    b.arbiter.gnt(20, {~(1u << b.master.master())});
    b.write(25, 0x2000, 1);
    b.run(12);              // edges 0..11
    b.bus.assert_reset(3);  // RST# sampled asserted on 12..14
    b.run(30);
    require_clean(b.monitor);
    INFO("both address phases counted; the half burst left no state behind");
    CHECK(b.monitor.usage().transactions == 2);
    CHECK(b.monitor.usage().data_clocks == 2 + 1);
}

TEST_CASE("monitor counts a bad data parity once and accepts the PERR# that reports it", "[pci][monitor][parity]") {
    nicsim::test::expect_reports("nicsim/pci/monitor/rule9-parity", 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.corrupt_parity(11);      // PAR for the data phase on 10
    b.target.line(kPerr, 12, "LH-");  // PERR# two clocks after the bad data phase
    b.run(30);
    INFO(b.monitor.summary());
    CHECK(b.monitor.violations(Rule::Parity) == 1);
    CHECK(b.monitor.violations() == 1);
    CHECK(nicsim::test::reports_seen("nicsim/pci/monitor/rule9-parity") == 1);
}

namespace {

/// Three transactions (burst write with a wait state, read, configuration read) traced to `<path>.vcd`.
/// NICSIM_KEEP_TRACES=1 keeps the file (used to check traces/pci_bus.gtkw in GTKWave).
void trace_waveforms(const std::string& path, unsigned width_bits) {
    {
        ScriptedBench b(width_bits);
        b.bus.add_device("nic");
        nicsim::Tracer tracer(path);
        b.bus.trace(tracer.file());
        b.write(9, 0x1000, 4, true);
        b.read(20, 0x2000, 0x12345678);
        b.master.idsel(30, {1, 0});
        b.master.req(28, "LLH");
        b.master.line(kFrame, 30, "LH-");
        b.master.line(kIrdy, 30, "HLLH-");
        b.master.ad(30, {config_address(0, 0, 0)});
        b.master.cbe(30, {0xA, 0x0, 0x0});
        b.target.line(kDevsel, 32, "LH-");
        b.target.line(kTrdy, 32, "LH-");
        b.target.ad(32, {0x100E8086});
        b.run(45);
        require_clean(b.monitor);
        CHECK(b.monitor.usage().transactions == 3);
    }
    REQUIRE(std::ifstream(path + ".vcd").good());
    const std::string vcd = nicsim::test::slurp(path + ".vcd");
    for (const char* sig : {"FRAME_n", "IRDY_n", "TRDY_n", "DEVSEL_n", "AD", "CBE_n", "GNT_n_master", "REQ_n_master"}) {
        INFO(sig);
        CHECK(vcd.find(std::string(" ") + sig + " ") != std::string::npos);
    }
    INFO("the 64-bit extension is traced only on a 64-bit bus");
    CHECK((vcd.find(" REQ64_n ") != std::string::npos) == (width_bits == 64));
    if (!std::getenv("NICSIM_KEEP_TRACES")) std::remove((path + ".vcd").c_str());
}

}  // namespace

TEST_CASE("the monitor waveforms trace to a VCD on a 32-bit bus", "[pci][monitor][traces]") {
    trace_waveforms("monitor_waveforms32", 32);
}

TEST_CASE("the monitor waveforms trace to a VCD on a 64-bit bus", "[pci][monitor][traces]") {
    trace_waveforms("monitor_waveforms64", 64);
}
