// Termination and error paths between the engines: retry, disconnect with and without data, target abort, master
// abort, address and data parity errors. Faults come from the TestTarget's script and the engines' fault hooks.
#include <catch2/catch.hpp>

#include "testbench/support/pci_agents.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

#define CHECK_MONITOR_CLEAN(rig)                                  \
    do {                                                          \
        INFO("bus monitor summary: " << (rig).monitor.summary()); \
        CHECK((rig).monitor.violations() == 0);                   \
    } while (0)

TEST_CASE("a target that retries N times gets the data on attempt N+1", "[pci][master][target][retry]") {
    Rig r;
    r.target.script().retry_first = 3;
    const auto w = pattern(32, 1);
    r.master.write(0x10000, w);
    REQUIRE(run_until_idle({&r.master}));
    INFO("three retried address phases, then the burst");
    CHECK(r.probe.addresses().size() == 4);
    CHECK(r.master.result(0).status == MasterStatus::Ok);
    CHECK(r.master.result(0).bytes == 32);
    CHECK(r.mem_at(0x10000, 32) == w);
    CHECK(r.master.engine().stats().retries == 3);
    CHECK(r.target.engine().stats().retries == 3);
    INFO("retried attempts moved no data");
    for (size_t i = 0; i < 3; ++i) CHECK(r.probe.addresses()[i].data_phases == 0);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a read retried twice returns the right bytes", "[pci][master][target][retry]") {
    Rig r;
    r.target.script().retry_first = 2;
    const auto src = pattern(16, 2);
    r.fill(0x10040, src);
    const size_t rd = r.master.read(0x10040, 16);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(rd).status == MasterStatus::Ok);
    CHECK(r.master.result(rd).data == src);
    CHECK(r.master.engine().stats().retries == 2);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("more consecutive retries than max_retries end with RetryLimit", "[pci][master][retry]") {
    Rig r;
    r.target.script().retry_first = 100;
    r.master.config().max_retries = 5;
    r.master.write(0x10000, pattern(8, 3));
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(0).status == MasterStatus::RetryLimit);
    CHECK(r.master.result(0).bytes == 0);
    INFO("the first attempt plus five retries");
    CHECK(r.probe.addresses().size() == 6);
    CHECK(r.master.engine().stats().retries == 6);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("disconnect with data resumes at the next address in a new transaction",
          "[pci][master][target][disconnect]") {
    Rig r;
    r.target.script().disconnect_after = 4;
    const auto w = pattern(64, 4);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 64);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    INFO("16 dwords in transactions of 4 each way");
    REQUIRE(p.size() == 8);
    for (size_t i = 0; i < 8; ++i) {
        CHECK(p[i].data_phases == 4);
        CHECK(p[i].addr == 0x10000 + (i % 4) * 16);
    }
    CHECK(r.mem_at(0x10000, 64) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK(r.master.result(0).status == MasterStatus::Ok);
    CHECK(r.master.engine().stats().disconnects >= 6);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("disconnect without data resumes at the first address not transferred", "[pci][master][target][disconnect]") {
    Rig r;
    r.target.script().disconnect_nodata_at = 3;
    const auto w = pattern(40, 5);
    r.master.write(0x10100, w);
    const size_t rd = r.master.read(0x10100, 40);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    INFO("10 dwords in 3 + 3 + 3 + 1 data phases each way");
    REQUIRE(p.size() == 8);
    CHECK(p[0].data_phases == 3);
    CHECK(p[1].addr == 0x1010C);
    CHECK(p[3].data_phases == 1);
    CHECK(r.mem_at(0x10100, 40) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK(r.master.engine().stats().disconnects == 6);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("target abort ends the request with the bytes moved before it", "[pci][master][target][abort]") {
    Rig r;
    r.target.script().abort_addr = 0x10008;  // third dword
    const auto w = pattern(32, 6);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 32);
    REQUIRE(run_until_idle({&r.master}));
    INFO("write: two dwords landed, then target abort");
    CHECK(r.master.result(0).status == MasterStatus::TargetAbort);
    CHECK(r.master.result(0).bytes == 8);
    CHECK(r.mem_at(0x10000, 8) == std::vector<uint8_t>(w.begin(), w.begin() + 8));
    CHECK(r.mem_at(0x10008, 4) == std::vector<uint8_t>(4, 0));
    INFO("read: the same");
    CHECK(r.master.result(rd).status == MasterStatus::TargetAbort);
    CHECK(r.master.result(rd).bytes == 8);
    CHECK(r.master.engine().stats().target_aborts == 2);
    CHECK(r.target.engine().stats().aborts == 2);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("target abort on the first data phase", "[pci][master][target][abort]") {
    Rig r;
    r.target.script().abort_addr = 0x10000;
    r.master.write(0x10000, pattern(4, 7));
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(0).status == MasterStatus::TargetAbort);
    CHECK(r.master.result(0).bytes == 0);
    CHECK(r.mem_at(0x10000, 4) == std::vector<uint8_t>(4, 0));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("master abort when nobody claims the address", "[pci][master][abort]") {
    Rig r;
    const size_t w = r.master.write(0x50000, pattern(16, 8));
    const size_t rd = r.master.read(0x50000, 4);
    const size_t ok = r.master.write(0x10000, pattern(4, 9));  // the master goes on afterwards
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(w).status == MasterStatus::MasterAbort);
    CHECK(r.master.result(w).bytes == 0);
    CHECK(r.master.result(rd).status == MasterStatus::MasterAbort);
    CHECK(r.master.result(rd).data == std::vector<uint8_t>(4, 0xEE));
    CHECK(r.master.result(ok).status == MasterStatus::Ok);
    CHECK(r.master.engine().stats().master_aborts == 2);
    INFO("no DEVSEL#: FRAME# goes at clock 5 and IRDY# one clock later, so the master-aborted write lasts 6 clocks");
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 3);
    CHECK(p[1].clock - p[0].clock == 7);  // + one idle clock
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("address parity error: the target asserts SERR# and reports it", "[pci][target][parity]") {
    expect_reports("nicsim/pci/monitor/rule9", 1);
    Rig r;
    r.master.engine().faults().bad_address_parity = true;
    const auto w = pattern(8, 10);
    r.master.write(0x10000, w);
    r.master.write(0x10010, w);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.target.address_parity_errors() == 1);
    CHECK(r.target.engine().stats().parity_errors == 1);
    INFO("SERR# low for exactly one clock");
    CHECK(r.probe.serr_clocks() == 1);
    CHECK(r.probe.perr_clocks() == 0);
    INFO("the fault is one shot: the second write is clean");
    CHECK(r.mem_at(0x10010, 8) == w);
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations(Rule::Parity) >= 1);
    CHECK(r.monitor.violations() == r.monitor.violations(Rule::Parity));
}

TEST_CASE("write data parity error: the target asserts PERR# and the master reports ParityError",
          "[pci][master][target][parity]") {
    expect_reports("nicsim/pci/monitor/rule9", 1);
    Rig r;
    r.master.engine().faults().bad_data_parity = true;
    const auto w = pattern(16, 11);
    r.master.write(0x10000, w);
    r.master.write(0x10020, w);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.target.data_parity_errors() == 1);
    CHECK(r.probe.perr_clocks() == 1);
    CHECK(r.master.result(0).status == MasterStatus::ParityError);
    CHECK(r.master.result(0).bytes == 16);
    CHECK(r.master.engine().stats().parity_errors == 1);
    CHECK(r.master.result(1).status == MasterStatus::Ok);
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations(Rule::Parity) >= 1);
    CHECK(r.monitor.violations() == r.monitor.violations(Rule::Parity));
}

TEST_CASE("read data parity error: the master asserts PERR# and reports ParityError", "[pci][master][target][parity]") {
    expect_reports("nicsim/pci/monitor/rule9", 1);
    Rig r;
    r.target.engine().faults().bad_read_parity = true;
    const auto src = pattern(16, 12);
    r.fill(0x10000, src);
    const size_t rd = r.master.read(0x10000, 16);
    const size_t rd2 = r.master.read(0x10000, 16);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(rd).status == MasterStatus::ParityError);
    CHECK(r.master.result(rd).data == src);
    CHECK(r.probe.perr_clocks() == 1);
    CHECK(r.master.engine().stats().parity_errors == 1);
    CHECK(r.master.result(rd2).status == MasterStatus::Ok);
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations(Rule::Parity) >= 1);
    CHECK(r.monitor.violations() == r.monitor.violations(Rule::Parity));
}

TEST_CASE("with parity checking off the master neither asserts PERR# nor reports", "[pci][master][parity]") {
    expect_reports("nicsim/pci/monitor/rule9", 1);
    Rig r;
    r.master.config().check_parity = false;
    r.target.engine().faults().bad_read_parity = true;
    const size_t rd = r.master.read(0x10000, 8);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(rd).status == MasterStatus::Ok);
    CHECK(r.probe.perr_clocks() == 0);
    INFO("the error is still counted");
    CHECK(r.master.engine().stats().parity_errors == 1);
}

TEST_CASE("RST# in the middle of a burst ends it with MasterAbort and releases every line", "[pci][master][reset]") {
    Rig r;
    r.master.write(0x10000, pattern(128, 14));
    sc_start(12 * r.bus.period() + r.bus.period() / 3);  // reset ended at clock 4: the burst is under way
    REQUIRE_FALSE(r.bus.lines().idle());
    r.bus.assert_reset(3);  // between two edges, as RST# is asynchronous
    sc_start(2 * r.bus.period());
    INFO("in reset: nobody drives a bused line and no GNT# is asserted");
    CHECK(r.bus.lines().driven == 0);
    CHECK(r.bus.lines().gnt_n == ~0u);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(0).status == MasterStatus::MasterAbort);
    CHECK(r.master.result(0).bytes > 0);
    CHECK(r.master.result(0).bytes < 128);
    INFO("after reset the engines work again");
    const auto w = pattern(16, 15);
    r.master.write(0x10400, w);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(1).status == MasterStatus::Ok);
    CHECK(r.mem_at(0x10400, 16) == w);
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations() == 0);
}
