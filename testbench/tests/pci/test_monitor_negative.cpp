// Bus monitor, negative side: one deliberately broken scripted agent per rule of pci-bus.md (several for rules
// with several clauses). Each must be caught under exactly its rule, and reported with the rule's message type.
#include <catch2/catch.hpp>

#include <string>

#include "model/pci/bus_monitor.h"
#include "testbench/support/scripted_agent.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using nicsim::test::ScriptedAgent;
using nicsim::test::ScriptedBench;
using namespace sc_core;

namespace {

std::string type_of(Rule r) {
    return std::string("nicsim/pci/monitor/") + rule_name(r);
}

/// Declare the expected reports (must come before sc_start): `count` of them under `r`'s message type.
void expect(Rule r, unsigned count) {
    nicsim::test::expect_reports(type_of(r), count);
}

/// The monitor caught `r`, only `r`, and reported it under its message type.
void require_only(const BusMonitor& m, Rule r) {
    INFO("the broken agent must be caught under " << rule_name(r) << " and nothing else\n" << m.summary());
    CHECK(m.violations(r) >= 1);
    CHECK(m.violations() == m.violations(r));
    CHECK(nicsim::test::reports_seen(type_of(r)) == m.violations(r));
}

/// DAC single-dword read: address phases on 9 and 10, data on 12.
void dac_read(ScriptedBench& b, uint32_t high) {
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");
    m.line(kIrdy, 9, "HHLLH-");
    m.ad(9, {0x23456780, high});
    m.cbe(9, {0xD, 0x6, 0x0, 0x0});
    b.target.line(kDevsel, 12, "LH-");
    b.target.line(kTrdy, 12, "LH-");
    b.target.ad(12, {0x11223344});
}

/// Memory read burst answered with Retry on 11 (STOP# held until FRAME# goes on 12).
void retry_read(ScriptedBench& b) {
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LLLH-");
    b.master.line(kIrdy, 9, "HLLLH-");
    b.master.ad(9, {0x4000});
    b.master.cbe(9, {0xC, 0x0, 0x0, 0x0});
    b.target.line(kDevsel, 11, "LLH-");
    b.target.line(kStop, 11, "LLH-");
    b.target.line(kTrdy, 11, "HHH-");
}

/// A 64-bit memory write of two qwords to `addr` (above 4 GiB) by a DAC with REQ64#: address phases on 9 and 10,
/// data phases on 11 and 12. `a1`/`a2` are the full 64 AD bits of the two address phases, `cbe1`/`cbe2` C/BE#[7:0].
void dac64_write(ScriptedBench& b, uint64_t a1, uint64_t a2, uint8_t cbe1 = 0x7D, uint8_t cbe2 = 0x77) {
    ScriptedAgent& m = b.master;
    b.monitor.set_dac_capable(m.master(), true);
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLLH-");
    m.line(kReq64, 9, "LLLH-");
    m.line(kIrdy, 9, "HHLLH-");
    m.ad(9, {a1, a2, 0x8877665544332211ull, 0xFFEEDDCCBBAA9988ull}, true);
    m.cbe(9, {cbe1, cbe2, 0x00, 0x00}, true);
    b.target.line(kDevsel, 11, "LLH-");
    b.target.line(kAck64, 11, "LLH-");
    b.target.line(kTrdy, 11, "LLH-");
}

/// The monitor caught `a` and `b` (a broken waveform that breaks two rules at once), nothing else.
void require_two(const BusMonitor& m, Rule a, Rule b) {
    INFO(m.summary());
    CHECK(m.violations(a) >= 1);
    CHECK(m.violations(b) >= 1);
    CHECK(m.violations() == m.violations(a) + m.violations(b));
    CHECK(nicsim::test::reports_seen(type_of(a)) == m.violations(a));
    CHECK(nicsim::test::reports_seen(type_of(b)) == m.violations(b));
}

}  // namespace

// ---- rule 1: start on an idle bus by the granted master; one GNT#; no GNT# in reset

TEST_CASE("monitor catches a master starting without GNT#", "[pci][monitor][rule1]") {
    expect(Rule::StartOnIdleWithGnt, 1);
    ScriptedBench b;
    b.arbiter.gnt(6, {~0u});  // nobody granted
    b.write(9, 0x1000, 1);
    b.run(30);
    require_only(b.monitor, Rule::StartOnIdleWithGnt);
}

TEST_CASE("monitor catches two GNT# asserted at once and reports it once", "[pci][monitor][rule1][arbiter]") {
    expect(Rule::StartOnIdleWithGnt, 1);
    ScriptedBench b;
    ScriptedAgent other("other_master", b.bus, ScriptedAgent::kMaster);
    b.arbiter.gnt(6, {~0x3u});  // both masters granted for the rest of the run
    b.run(40);
    require_only(b.monitor, Rule::StartOnIdleWithGnt);
    INFO("a continuing violation is reported once, not every clock");
    CHECK(b.monitor.violations() == 1);
}

TEST_CASE("monitor catches GNT# asserted during reset", "[pci][monitor][rule1][arbiter]") {
    expect(Rule::StartOnIdleWithGnt, 1);
    ScriptedBench b;
    b.arbiter.gnt(1, {~1u});  // RST# is asserted until clock 4
    b.run(20);
    require_only(b.monitor, Rule::StartOnIdleWithGnt);
}

TEST_CASE("monitor catches a transaction started on the turnaround clock", "[pci][monitor][rule1]") {
    expect(Rule::StartOnIdleWithGnt, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);   // last data phase on 10
    b.write(11, 0x2000, 1);  // FRAME# again on 11, while IRDY# was asserted on 10
    b.run(30);
    require_only(b.monitor, Rule::StartOnIdleWithGnt);
}

TEST_CASE("monitor catches a master starting on another master's GNT#", "[pci][monitor][rule1][arbiter]") {
    expect(Rule::StartOnIdleWithGnt, 1);
    ScriptedBench b;
    ScriptedAgent other("other_master", b.bus, ScriptedAgent::kMaster);
    other.auto_parity(true);
    other.line(kFrame, 9, "LH-");  // GNT# is parked on `master`, not on `other_master`
    other.line(kIrdy, 9, "HLH-");
    other.ad(9, {0x1000, 0xD0});
    other.cbe(9, {0x7, 0x0});
    b.target.line(kDevsel, 10, "LH-");
    b.target.line(kTrdy, 10, "LH-");
    b.run(30);
    require_only(b.monitor, Rule::StartOnIdleWithGnt);
}

// ---- rule 2: DAC

TEST_CASE("monitor catches a DAC from a master that is not 64-bit address capable", "[pci][monitor][rule2][dac]") {
    expect(Rule::AddressPhase, 1);
    ScriptedBench b;  // set_dac_capable not called
    dac_read(b, 0x1);
    b.run(30);
    require_only(b.monitor, Rule::AddressPhase);
}

TEST_CASE("monitor catches a DAC whose high address dword is zero", "[pci][monitor][rule2][dac]") {
    expect(Rule::AddressPhase, 1);
    ScriptedBench b;
    b.monitor.set_dac_capable(b.master.master(), true);
    dac_read(b, 0x0);
    b.run(30);
    require_only(b.monitor, Rule::AddressPhase);
}

// ---- rule 3: C/BE# stable through a data phase

TEST_CASE("monitor catches byte enables changing within a data phase", "[pci][monitor][rule3]") {
    expect(Rule::DataPhase, 1);
    ScriptedBench b;
    b.write(9, 0x3000, 4, true);  // first data phase spans the wait state on 10 and completes on 11
    b.master.cbe(10, {0x3});      // different byte enables on the wait clock
    b.run(30);
    require_only(b.monitor, Rule::DataPhase);
}

// ---- rule 4: FRAME#/IRDY#

TEST_CASE("monitor catches FRAME# deasserted while IRDY# is deasserted", "[pci][monitor][rule4]") {
    expect(Rule::MasterSignals, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.line(kIrdy, 9, "HHLH-");  // IRDY# only on 11, FRAME# already gone on 10
    b.master.ad(10, {0xD0, 0xD0});
    b.master.cbe(10, {0x0, 0x0});
    b.target.line(kDevsel, 10, "LLH-");
    b.target.line(kTrdy, 10, "LLH-");
    b.run(30);
    require_only(b.monitor, Rule::MasterSignals);
}

TEST_CASE("monitor catches IRDY# withdrawn before the data phase completed", "[pci][monitor][rule4]") {
    expect(Rule::MasterSignals, 1);
    ScriptedBench b;
    b.write(9, 0x3000, 2, true);        // wait state on 10
    b.master.line(kIrdy, 9, "HLHLH-");  // IRDY# withdrawn on 11
    b.target.line(kTrdy, 10, "HLLH-");  // the target holds TRDY# until the phase completes on 12
    b.run(30);
    require_only(b.monitor, Rule::MasterSignals);
}

TEST_CASE("monitor catches IRDY# held past the last data phase", "[pci][monitor][rule4]") {
    expect(Rule::MasterSignals, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.line(kIrdy, 9, "HLLH-");  // still asserted on the turnaround clock 11
    b.run(30);
    require_only(b.monitor, Rule::MasterSignals);
}

TEST_CASE("monitor catches FRAME# kept asserted after a retry", "[pci][monitor][rule4]") {
    expect(Rule::MasterSignals, 1);
    ScriptedBench b;
    retry_read(b);
    b.master.line(kFrame, 9, "LLLLH-");  // still asserted on 12, the clock after STOP#
    b.master.line(kIrdy, 9, "HLLLLH-");
    b.master.cbe(13, {0x0});
    b.target.line(kDevsel, 11, "LLLH-");  // the target holds STOP# until FRAME# goes
    b.target.line(kStop, 11, "LLLH-");
    b.target.line(kTrdy, 11, "HHHH-");
    b.run(30);
    require_only(b.monitor, Rule::MasterSignals);
}

TEST_CASE("monitor catches IRDY# asserted in the address phase", "[pci][monitor][rule4]") {
    expect(Rule::MasterSignals, 2);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.line(kIrdy, 9, "LLH-");
    b.run(30);
    require_only(b.monitor, Rule::MasterSignals);
}

// ---- rule 5: TRDY#/STOP#/DEVSEL#

TEST_CASE("monitor catches TRDY# without DEVSEL#", "[pci][monitor][rule5]") {
    expect(Rule::TargetSignals, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.target.line(kDevsel, 10, "---");
    b.run(30);
    require_only(b.monitor, Rule::TargetSignals);
}

TEST_CASE("monitor catches STOP# deasserted while FRAME# is still asserted", "[pci][monitor][rule5]") {
    expect(Rule::TargetSignals, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LLLH-");
    b.master.line(kIrdy, 9, "HLLLLH-");
    b.master.ad(9, {0x4000});
    b.master.cbe(9, {0xC, 0x0, 0x0, 0x0, 0x0});
    b.target.line(kDevsel, 11, "LLLH-");
    b.target.line(kStop, 11, "LHLH-");  // dropped on 12 although FRAME# was asserted on 11
    b.target.line(kTrdy, 11, "HHHH-");
    b.run(30);
    require_only(b.monitor, Rule::TargetSignals);
}

TEST_CASE("monitor catches TRDY# withdrawn before the data phase completed", "[pci][monitor][rule5]") {
    expect(Rule::TargetSignals, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LLH-");
    b.master.line(kIrdy, 9, "HHLLH-");  // master ready from 11
    b.master.ad(9, {0x1000, 0xD0, 0xD0, 0xD0});
    b.master.cbe(9, {0x7, 0x0, 0x0, 0x0});
    b.target.line(kDevsel, 10, "LLLH-");
    b.target.line(kTrdy, 10, "LHLH-");  // ready on 10, withdrawn on 11, back on 12
    b.run(30);
    require_only(b.monitor, Rule::TargetSignals);
}

TEST_CASE("monitor catches DEVSEL# dropped in the middle of a burst", "[pci][monitor][rule5]") {
    expect(Rule::TargetSignals, 2);
    ScriptedBench b;
    b.write(9, 0x3000, 2, true);          // wait on 10, data on 11 and 12
    b.target.line(kDevsel, 10, "LHLH-");  // DEVSEL# gone on 11 with no STOP#
    b.run(30);
    require_only(b.monitor, Rule::TargetSignals);
}

TEST_CASE("monitor catches DEVSEL# dropped after zero-wait data phases of a burst", "[pci][monitor][rule5]") {
    // Phases complete on 10, 11 and 12 with nothing but AD moving (the monitor's steady-burst clocks); DEVSEL# goes
    // on 13 under TRDY#: TRDY# without DEVSEL#, and DEVSEL# dropped without STOP#.
    expect(Rule::TargetSignals, 2);
    ScriptedBench b;
    b.write(9, 0x3000, 5);
    b.target.line(kDevsel, 10, "LLLHLH-");
    b.run(30);
    require_only(b.monitor, Rule::TargetSignals);
    CHECK(b.monitor.violations(Rule::TargetSignals) == 2);
}

// ---- rule 6: DEVSEL# timing and master abort

TEST_CASE("monitor catches DEVSEL# asserted in the address phase", "[pci][monitor][rule6]") {
    expect(Rule::DevselTiming, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.target.line(kDevsel, 9, "LLH-");
    b.run(30);
    require_only(b.monitor, Rule::DevselTiming);
}

TEST_CASE("monitor catches DEVSEL# later than clock 5", "[pci][monitor][rule6]") {
    expect(Rule::DevselTiming, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LH-");
    b.master.line(kIrdy, 9, "HLLLLLH-");
    b.master.ad(9, {0x1000, 0xD0, 0xD0, 0xD0, 0xD0, 0xD0});
    b.master.cbe(9, {0x7, 0x0, 0x0, 0x0, 0x0, 0x0});
    b.target.line(kDevsel, 14, "LH-");  // clock 6 of the transaction
    b.target.line(kTrdy, 14, "LH-");
    b.run(30);
    require_only(b.monitor, Rule::DevselTiming);
}

TEST_CASE("monitor catches a master that does not master-abort", "[pci][monitor][rule6]") {
    expect(Rule::DevselTiming, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LLLLLLH-");  // FRAME# still asserted on clock 6 (14) with no DEVSEL#
    b.master.line(kIrdy, 9, "HLLLLLLH-");
    b.master.ad(9, {0x1000, 0xD0, 0xD0, 0xD0, 0xD0, 0xD0, 0xD0});
    b.master.cbe(9, {0x7, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0});
    b.run(30);
    require_only(b.monitor, Rule::DevselTiming);
}

// ---- rule 7: latency

TEST_CASE("monitor catches a target slower than 16 clocks on the first data phase", "[pci][monitor][rule7]") {
    expect(Rule::Latency, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LH-");
    b.master.line(kIrdy, 9, "H" + std::string(18, 'L') + "H-");  // 10..27
    b.master.ad(9, {0x1000});
    b.master.ad(10, std::vector<uint64_t>(18, 0xD0));
    b.master.cbe(9, {0x7});
    b.master.cbe(10, std::vector<uint8_t>(18, 0x0));
    b.target.line(kDevsel, 10, std::string(18, 'L') + "H-");
    b.target.line(kTrdy, 27, "LH-");  // 18 clocks after FRAME#
    b.run(40);
    require_only(b.monitor, Rule::Latency);
}

TEST_CASE("monitor catches a master slower than 8 clocks to assert IRDY#", "[pci][monitor][rule7]") {
    expect(Rule::Latency, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, std::string(10, 'L') + "H-");  // 9..18, H on 19
    b.master.line(kIrdy, 9, std::string(10, 'H') + "LH-");  // IRDY# only on 19
    b.master.ad(9, {0x1000});
    b.master.ad(10, std::vector<uint64_t>(10, 0xD0));
    b.master.cbe(9, {0x7});
    b.master.cbe(10, std::vector<uint8_t>(10, 0x0));
    b.target.line(kDevsel, 10, std::string(10, 'L') + "H-");
    b.target.line(kTrdy, 10, std::string(10, 'L') + "H-");
    b.run(40);
    require_only(b.monitor, Rule::Latency);
}

TEST_CASE("monitor catches a target slower than 8 clocks on a later data phase", "[pci][monitor][rule7]") {
    expect(Rule::Latency, 1);
    ScriptedBench b;
    b.master.req(7, "LLH");
    b.master.line(kFrame, 9, "LLH-");                            // two data phases: 10 and the last one
    b.master.line(kIrdy, 9, "H" + std::string(11, 'L') + "H-");  // 10..20
    b.master.ad(9, {0x1000});
    b.master.ad(10, std::vector<uint64_t>(11, 0xD0));
    b.master.cbe(9, {0x7});
    b.master.cbe(10, std::vector<uint8_t>(11, 0x0));
    b.target.line(kDevsel, 10, std::string(11, 'L') + "H-");
    b.target.line(kTrdy, 10, "L" + std::string(9, 'H') + "LH-");  // second TRDY# 10 clocks after the first
    b.run(40);
    require_only(b.monitor, Rule::Latency);
}

// ---- rule 8: latency timer

TEST_CASE("monitor catches a burst continued after the latency timer expired without GNT#", "[pci][monitor][rule8]") {
    expect(Rule::LatencyTimer, 1);
    ScriptedBench b;
    b.monitor.set_latency_timer(b.master.master(), 4);
    b.arbiter.gnt(11, {~0u});  // GNT# removed on 11; the timer expires on 13
    b.write(9, 0x1000, 8);     // data on 10..17: the master should have stopped by 14
    b.run(40);
    require_only(b.monitor, Rule::LatencyTimer);
}

// ---- rule 9: parity

TEST_CASE("monitor catches bad address parity", "[pci][monitor][rule9]") {
    expect(Rule::Parity, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.corrupt_parity(10);  // PAR for the address phase on 9
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

TEST_CASE("monitor catches bad read data parity from the target", "[pci][monitor][rule9]") {
    expect(Rule::Parity, 1);
    ScriptedBench b;
    b.read(9, 0x2000, 0x12345678);
    b.target.corrupt_parity(12);  // PAR for the read data on 11
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

TEST_CASE("monitor catches PAR not driven after a write data phase", "[pci][monitor][rule9]") {
    expect(Rule::Parity, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.master.auto_parity(false);
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

TEST_CASE("monitor catches PERR# without a parity error", "[pci][monitor][rule9]") {
    expect(Rule::Parity, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.target.line(kPerr, 12, "LH-");
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

TEST_CASE("monitor catches bad PAR64 on a 64-bit data phase", "[pci][monitor][rule9][bus64]") {
    expect(Rule::Parity, 1);
    ScriptedBench b(64);
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");
    m.line(kReq64, 9, "LLH-");
    m.line(kIrdy, 9, "HLLH-");
    m.ad(9, {0x8000, 0x1111111100000000ull, 0x3333333322222222ull}, true);
    m.cbe(9, {0xF7, 0x00, 0x00}, true);
    m.corrupt_parity(11, true);  // PAR64 for the data phase on 10
    b.target.line(kDevsel, 10, "LLH-");
    b.target.line(kAck64, 10, "LLH-");
    b.target.line(kTrdy, 10, "LLH-");
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

// ---- rule 10: read turnaround

TEST_CASE("monitor catches a read target driving AD and TRDY# on the turnaround clock", "[pci][monitor][rule10]") {
    expect(Rule::ReadTurnaround, 2);
    ScriptedBench b;
    b.read(9, 0x2000, 0);
    b.master.line(kIrdy, 9, "HLH-");
    b.target.line(kDevsel, 10, "LH-");
    b.target.line(kTrdy, 10, "LH-");
    b.target.ad(10, {0x12345678});
    b.target.at(11).release(kAdLo);
    b.target.at(12) = Drive{};
    b.run(30);
    require_only(b.monitor, Rule::ReadTurnaround);
}

// ---- rule 11: REQ64#/ACK64#

TEST_CASE("monitor catches ACK64# without REQ64#", "[pci][monitor][rule11][bus64]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    b.write(9, 0x1000, 1);
    b.target.line(kAck64, 10, "LH-");
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
}

TEST_CASE("monitor catches REQ64# released before FRAME#", "[pci][monitor][rule11][bus64]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    ScriptedAgent& m = b.master;
    m.req(7, "LLH");
    m.line(kFrame, 9, "LLH-");
    m.line(kReq64, 9, "LHH-");  // gone on 10 while FRAME# is still asserted
    m.line(kIrdy, 9, "HLLH-");
    m.ad(9, {0x8000, 0x1111111100000000ull, 0x3333333322222222ull}, true);
    m.cbe(9, {0xF7, 0x00, 0x00}, true);
    b.target.line(kDevsel, 10, "LLH-");
    b.target.line(kAck64, 10, "LLH-");
    b.target.line(kTrdy, 10, "LLH-");
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
}

TEST_CASE("monitor catches a DAC with REQ64# that leaves AD[63:32] and C/BE#[7:4] undriven",
          "[pci][monitor][rule11][bus64][dac]") {
    // A low-half DAC under REQ64# (a 64-bit master that drives only AD[31:0] in the address phases), so no PAR64
    // either: a mistake a master engine can make when it shares the 32-bit DAC path.
    expect(Rule::Bus64, 1);
    expect(Rule::Parity, 1);
    ScriptedBench b(64);
    dac64_write(b, 0, 0);
    b.master.at(9).release(kAdHi | kCbeHi);
    b.master.at(10).release(kAdHi | kCbeHi);
    b.master.at(9).ad = 0x45670000u;
    b.master.at(10).ad = 0x2u;
    b.master.at(9).cbe_n = 0xFD;
    b.master.at(10).cbe_n = 0xF7;
    b.run(30);
    require_two(b.monitor, Rule::Bus64, Rule::Parity);
}

TEST_CASE("monitor catches a DAC with REQ64# whose upper half is not the high dword and the command",
          "[pci][monitor][rule11][bus64][dac]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    dac64_write(b, 0x0000000045670000ull, 0x0000000200000002ull, 0x7D, 0x77);  // AD[63:32] 0 in the first phase
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
}

TEST_CASE("monitor catches a DAC with REQ64# that puts DAC instead of the command on C/BE#[7:4]",
          "[pci][monitor][rule11][bus64][dac]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    dac64_write(b, 0x0000000245670000ull, 0x0000000200000002ull, 0xDD, 0x77);
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
}

TEST_CASE("monitor catches bad PAR64 for an address phase of a DAC with REQ64#", "[pci][monitor][rule9][bus64][dac]") {
    expect(Rule::Parity, 1);
    ScriptedBench b(64);
    dac64_write(b, 0x0000000245670000ull, 0x0000000200000002ull);
    b.master.corrupt_parity(10, true);  // PAR64 of the first address phase
    b.run(30);
    require_only(b.monitor, Rule::Parity);
}

TEST_CASE("monitor catches AD[63:32] left undriven in a 64-bit write data phase", "[pci][monitor][rule11][bus64]") {
    expect(Rule::Bus64, 1);
    expect(Rule::Parity, 1);
    ScriptedBench b(64);
    dac64_write(b, 0x0000000245670000ull, 0x0000000200000002ull);
    b.master.at(12).release(kAdHi);  // the second data phase moves only the low dword (and no PAR64 follows)
    b.run(30);
    require_two(b.monitor, Rule::Bus64, Rule::Parity);
}

TEST_CASE("monitor catches REQ64# from a master with a 32-bit data path", "[pci][monitor][rule11][bus64]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    b.monitor.set_data_path_64(b.master.master(), false);  // an 82540EM: never REQ64#
    dac64_write(b, 0x0000000245670000ull, 0x0000000200000002ull);
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
    CHECK(b.monitor.violations(Rule::Bus64) == 1);
}

TEST_CASE("monitor catches ACK64# held after DEVSEL# is released", "[pci][monitor][rule11][bus64]") {
    expect(Rule::Bus64, 1);
    ScriptedBench b(64);
    dac64_write(b, 0x0000000245670000ull, 0x0000000200000002ull);
    b.target.line(kAck64, 11, "LLLH-");
    b.run(30);
    require_only(b.monitor, Rule::Bus64);
}

// ---- rule 12: burst order and MWI

TEST_CASE("monitor catches a memory burst with reserved order AD[1:0]=01", "[pci][monitor][rule12]") {
    expect(Rule::BurstOrder, 1);
    ScriptedBench b;
    b.write(9, 0x1001, 2);
    b.run(30);
    require_only(b.monitor, Rule::BurstOrder);
}

TEST_CASE("monitor catches MWI without all byte enables", "[pci][monitor][rule12][mwi]") {
    expect(Rule::BurstOrder, 1);
    ScriptedBench b;
    b.write(9, 0x4000, 2, false, 0xF);
    b.master.cbe(11, {0x1});  // byte 0 disabled in the second data phase
    b.run(30);
    require_only(b.monitor, Rule::BurstOrder);
}

TEST_CASE("monitor catches MWI ended by the master in the middle of a cache line", "[pci][monitor][rule12][mwi]") {
    expect(Rule::BurstOrder, 1);
    ScriptedBench b;
    b.monitor.set_cache_line(8);
    b.write(9, 0x4000, 4, false, 0xF);
    b.run(30);
    require_only(b.monitor, Rule::BurstOrder);
}

TEST_CASE("monitor catches MWI not aligned to the cache line", "[pci][monitor][rule12][mwi]") {
    expect(Rule::BurstOrder, 1);
    ScriptedBench b;
    b.monitor.set_cache_line(4);
    b.write(9, 0x4010 + 4, 4, false, 0xF);  // dword aligned, not line aligned
    b.run(30);
    require_only(b.monitor, Rule::BurstOrder);
}

// ---- rule 13: contention and sustained tri-state

TEST_CASE("monitor catches two targets driving DEVSEL# together", "[pci][monitor][rule13]") {
    expect(Rule::Contention, 1);
    ScriptedBench b;
    ScriptedAgent second("second_target", b.bus);
    b.write(9, 0x1000, 1);
    second.line(kDevsel, 10, "LH-");
    b.run(30);
    require_only(b.monitor, Rule::Contention);
}

TEST_CASE("monitor catches TRDY# released without being driven high first", "[pci][monitor][rule13]") {
    expect(Rule::Contention, 1);
    ScriptedBench b;
    b.write(9, 0x1000, 1);
    b.target.line(kTrdy, 10, "L--");
    b.run(30);
    require_only(b.monitor, Rule::Contention);
}
