// The master and target engines against each other: every command, burst lengths, byte enables, DAC, 64-bit
// transfers, with the bus monitor watching every clock.
#include <catch2/catch.hpp>

#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "testbench/support/pci_agents.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

// Every test ends by asserting the protocol monitor saw a clean bus.
#define CHECK_MONITOR_CLEAN(rig)                                 \
    do {                                                         \
        INFO("bus monitor summary: " << (rig).monitor.summary()); \
        CHECK((rig).monitor.violations() == 0);                  \
    } while (0)

TEST_CASE("single dword memory write then read moves the bytes", "[pci][master][target]") {
    Rig r;
    const auto w = pattern(4, 1);
    r.master.write(0x10010, w);
    const size_t rd = r.master.read(0x10010, 4);
    REQUIRE(run_until_idle({&r.master}));
    INFO("write completes Ok and the target memory holds the bytes");
    CHECK(r.master.result(0).status == MasterStatus::Ok);
    CHECK(r.master.result(0).bytes == 4);
    CHECK(r.mem_at(0x10010, 4) == w);
    INFO("the read returns them byte for byte");
    CHECK(r.master.result(rd).status == MasterStatus::Ok);
    CHECK(r.master.result(rd).data == w);
    INFO("a single dword read is MR, the write MW");
    REQUIRE(r.probe.addresses().size() == 2);
    CHECK(r.probe.addresses()[0].cmd == Cmd::MemWrite);
    CHECK(r.probe.addresses()[1].cmd == Cmd::MemRead);
    CHECK_MONITOR_CLEAN(r);
}
