// Clock-by-clock waveforms of the engines for the basic cycles, against the rules of pci-bus.md: when each line is
// asserted, driven high for one clock and released (s/t/s), the read turnaround and PAR one clock after AD.
#include <catch2/catch.hpp>

#include "testbench/support/pci_agents.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

namespace {

/// The resolved lines on every clock.
struct LineRecorder : sc_module {
    PciBus& bus;
    std::vector<Lines> at;
    SC_HAS_PROCESS(LineRecorder);
    LineRecorder(sc_module_name n, PciBus& b) : sc_module(n), bus(b) {
        at.reserve(4096);
        SC_METHOD(clock);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void clock() {
        if (at.size() < at.capacity()) at.push_back(bus.lines());
    }
    /// 'L' asserted, 'H' driven high, '-' released, for clocks [from, from + n).
    std::string wave(Line line, uint64_t from, unsigned n) const {
        std::string s;
        for (uint64_t c = from; c < from + n && c < at.size(); ++c)
            s += !at[c].is_driven(line) ? '-' : (at[c].high(line) ? 'H' : 'L');
        return s;
    }
};

}  // namespace

TEST_CASE("a single dword write clock by clock", "[pci][waveform]") {
    Rig r;
    LineRecorder rec("rec", r.bus);
    r.master.write(0x10000, pattern(4, 1));
    REQUIRE(run_until_idle({&r.master}));
    REQUIRE(r.probe.addresses().size() == 1);
    const uint64_t a = r.probe.addresses()[0].clock;  // address phase
    INFO("address phase at clock " << a);
    INFO("FRAME# for the address phase only, then one clock high, then released");
    CHECK(rec.wave(kFrame, a, 4) == "LH--");
    INFO("IRDY#, TRDY#, DEVSEL# for the data phase (fast DEVSEL: clock 2), one clock high, released");
    CHECK(rec.wave(kIrdy, a, 4) == "-LH-");
    CHECK(rec.wave(kTrdy, a, 4) == "-LH-");
    CHECK(rec.wave(kDevsel, a, 4) == "-LH-");
    CHECK(rec.wave(kStop, a, 4) == "-HH-");
    INFO("PAR follows the address and the data by one clock");
    CHECK(rec.wave(kPar, a, 1) == "-");
    CHECK(rec.at[a + 1].is_driven(kPar));
    CHECK(rec.at[a + 1].high(kPar) == parity_of(static_cast<uint32_t>(rec.at[a].ad), rec.at[a].cbe_n & 0xF));
    CHECK(rec.at[a + 2].high(kPar) == parity_of(static_cast<uint32_t>(rec.at[a + 1].ad), rec.at[a + 1].cbe_n & 0xF));
    INFO("the command and the byte enables");
    CHECK((rec.at[a].cbe_n & 0xF) == static_cast<uint8_t>(Cmd::MemWrite));
    CHECK((rec.at[a + 1].cbe_n & 0xF) == 0x0);
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("a two dword read clock by clock has the turnaround", "[pci][waveform]") {
    Rig r;
    LineRecorder rec("rec", r.bus);
    r.master.read(0x10004, 8);
    REQUIRE(run_until_idle({&r.master}));
    REQUIRE(r.probe.addresses().size() == 1);
    const uint64_t a = r.probe.addresses()[0].clock;
    INFO("address phase at clock " << a);
    INFO("FRAME# deasserted with IRDY# for the last data phase");
    CHECK(rec.wave(kFrame, a, 5) == "LLLH-");
    CHECK(rec.wave(kIrdy, a, 6) == "-LLLH-");
    INFO("DEVSEL# on clock 2, TRDY# not before clock 3 (AD turnaround)");
    CHECK(rec.wave(kDevsel, a, 6) == "-LLLH-");
    CHECK(rec.wave(kTrdy, a, 6) == "-HLLH-");
    INFO("nobody drives AD on the turnaround clock, the target drives it after");
    CHECK_FALSE(rec.at[a + 1].is_driven(kAdLo));
    CHECK(rec.at[a + 2].is_driven(kAdLo));
    CHECK_FALSE(rec.at[a + 4].is_driven(kAdLo));
    INFO("the target's PAR covers its AD and the master's C/BE#");
    CHECK(rec.at[a + 3].high(kPar) == parity_of(static_cast<uint32_t>(rec.at[a + 2].ad), rec.at[a + 2].cbe_n & 0xF));
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("retry and target abort waveforms", "[pci][waveform]") {
    Rig r;
    LineRecorder rec("rec", r.bus);
    r.target.script().retry_first = 1;
    r.target.script().abort_addr = 0x10100;
    r.master.write(0x10000, pattern(8, 2));
    r.master.write(0x10100, pattern(4, 3));
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 3);
    const uint64_t a = p[0].clock;
    INFO("retry: STOP# with DEVSEL# and no TRDY#; FRAME# deasserted once STOP# is seen, IRDY# one clock later");
    CHECK(rec.wave(kStop, a, 5) == "-LLH-");
    CHECK(rec.wave(kTrdy, a, 5) == "-HHH-");
    CHECK(rec.wave(kFrame, a, 5) == "LLH--");
    CHECK(rec.wave(kIrdy, a, 5) == "-LLH-");
    const uint64_t t = p[2].clock;
    INFO("target abort: DEVSEL# first, then STOP# with DEVSEL# deasserted");
    CHECK(rec.wave(kDevsel, t, 5) == "-LHH-");
    CHECK(rec.wave(kStop, t, 5) == "-HLH-");
    CHECK(r.master.result(1).status == MasterStatus::TargetAbort);
    CHECK(r.monitor.violations() == 0);
}
