// The NIC's PCI data path on a 64-bit bus, through the whole system: the 82540EM is a 32-bit PCI device (Device ID
// 0x100E) and never asserts REQ64#, so it moves at most 4 bytes per data phase whatever the bus; the 82545EM
// variant (Device ID 0x100F) asserts REQ64# and moves 8 when the target answers ACK64#. The bus monitor is told
// each device's width, so a 32-bit device that asserted REQ64# would fail the run under rule 11.
#include <catch2/catch.hpp>

#include <string>

#include "testbench/checkers/collect_stats.h"
#include "testbench/checkers/verdict.h"
#include "testbench/machine/system_top.h"

using namespace nicsim;
using namespace nicsim::tb;
using namespace sc_core;

namespace {

struct DataPathRun {
    uint32_t device_id = 0;
    uint64_t data_phases = 0, bytes = 0, dac_cycles = 0, monitor_violations = 0;
};

DataPathRun run_on_64bit_bus(unsigned nic_data_bits) {
    RunConfig cfg;
    cfg.bus_width = 64;
    cfg.bus_clock_mhz = 66;
    cfg.dma_address_bits = 64;
    cfg.nic_data_path = nic_data_bits;
    cfg.placement = ndis::Placement::High;
    cfg.packets = 24;
    cfg.max_time_ns = 50'000'000;
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.quiet = true;
    cfg.progress = false;
    SystemTop top("top", cfg);
    sc_start(sc_time(static_cast<double>(cfg.max_time_ns), SC_NS));
    RunOutcome out;
    out.time_limit = !top.finished();
    const RunStats stats = collect_stats(top, out);
    const Verdict verdict = judge(stats, cfg, out);
    std::string failures;
    for (const std::string& f : verdict.reasons) failures += f + "\n";
    INFO("run statistics:\n" << stats.table() << "failed checks:\n" << failures);
    CHECK(top.finished());
    CHECK(verdict.pass());
    Machine* m = top.machine().pin();
    REQUIRE(m);
    DataPathRun r;
    r.device_id = m->nic.config_space().read(0) >> 16;
    const pci::MasterStats& s = m->nic.master().stats();
    r.data_phases = s.data_phases;
    r.bytes = s.bytes;
    r.dac_cycles = s.dac_cycles;
    r.monitor_violations = m->monitor.violations();
    return r;
}

}  // namespace

TEST_CASE("the 82540EM on a 64-bit bus never asserts REQ64# and moves at most 4 bytes per data phase",
          "[e2e][system][bus64]") {
    const DataPathRun r = run_on_64bit_bus(32);
    CHECK(r.device_id == 0x100E);
    CHECK(r.monitor_violations == 0);
    REQUIRE(r.data_phases > 0);
    INFO(r.bytes << " bytes in " << r.data_phases << " data phases");
    CHECK(r.bytes <= 4 * r.data_phases);
    INFO("high memory: 64-bit addresses still go out as dual address cycles");
    CHECK(r.dac_cycles > 0);
}

TEST_CASE("the 82545EM variant on a 64-bit bus moves 8 bytes per data phase with REQ64#", "[e2e][system][bus64]") {
    const DataPathRun r = run_on_64bit_bus(64);
    CHECK(r.device_id == 0x100F);
    CHECK(r.monitor_violations == 0);
    REQUIRE(r.data_phases > 0);
    INFO(r.bytes << " bytes in " << r.data_phases << " data phases");
    CHECK(r.bytes > 6 * r.data_phases);
    CHECK(r.dac_cycles > 0);
}
