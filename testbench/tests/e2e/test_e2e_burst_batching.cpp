// Burst batching (pci::BusClock::set_batching) against clock-by-clock evaluation: the same run, once with each, must
// give the same statistics and the same reports at the same simulated times and clocks. The runs are whole machines
// with the driver's traffic, so the bursts are broken in the middle by what breaks them in use: the CPU's register
// cycles (the bridge takes GNT# from the NIC, whose latency timer then ends its burst), frames arriving from the wire,
// descriptor and interrupt timers. A bad-parity read phase injected in the middle of a burst must be reported by the
// bus monitor on the same clock either way.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "testbench/checkers/collect_stats.h"
#include "testbench/machine/system_top.h"
#include "testbench/nicsim/scenario_file.h"
#include "testbench/support/child_process.h"

using namespace nicsim;
using namespace nicsim::tb;
using namespace sc_core;

namespace {

std::string g_reports;  // the child's warnings, each with its simulated time

void keep_report(const sc_report& rep, const sc_actions&) {
    if (rep.get_severity() == SC_INFO) return;
    g_reports += std::string(rep.get_msg_type()) + ": " + rep.get_msg() + " @ " + rep.get_time().to_string() + "\n";
}

/// In the child: sets the host bridge's one-shot bad read parity at `fault_at` (zero: never).
struct ParityAt : sc_module {
    host::HostBridge& bridge;
    sc_time at;
    SC_HAS_PROCESS(ParityAt);
    ParityAt(sc_module_name n, host::HostBridge& b, const sc_time& t) : sc_module(n), bridge(b), at(t) {
        SC_THREAD(run);
    }
    void run() {
        if (at == SC_ZERO_TIME) return;
        wait(at);
        bridge.target().faults().bad_read_parity = true;
    }
};

struct Outcome {
    std::string record;    // statistics, reports and the end time
    uint64_t batched = 0;  // edges evaluated inside batches
    bool ran = false;
};

/// Runs `cfg` for `limit` in a child process, with or without batching, and returns what it recorded.
Outcome run(RunConfig cfg, bool batching, const sc_time& limit, const sc_time& fault_at = SC_ZERO_TIME) {
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.quiet = true;
    cfg.progress = false;
    cfg.burst_batching = batching;
    char path[] = "/tmp/nicsim-batching-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    const bool ok = test::run_in_child([&] {
        sc_report_handler::set_handler(keep_report);
        SystemTop top("top", cfg);
        ParityAt parity("parity", top.dut().host.bridge, fault_at);
        top.dut().bus.CLK.set_batch_horizon(limit);
        sc_start(limit);
        RunOutcome out;
        out.time_limit = !top.finished();
        std::ofstream f(path);
        f << top.dut().bus.CLK.batched_edges() << "\n"
          << collect_stats(top, out).json() << g_reports << "ended at " << sc_time_stamp() << "\n";
    });
    Outcome o;
    std::ifstream f(path);
    f >> o.batched;
    std::stringstream rest;
    rest << f.rdbuf();
    o.record = rest.str();
    std::remove(path);
    o.ran = ok && !o.record.empty();
    return o;
}

void check_same(const RunConfig& cfg, const sc_time& limit, const sc_time& fault_at = SC_ZERO_TIME) {
    const Outcome on = run(cfg, true, limit, fault_at);
    const Outcome off = run(cfg, false, limit, fault_at);
    REQUIRE(on.ran);
    REQUIRE(off.ran);
    INFO("batching on: " << on.batched << " edges in batches; clock by clock: " << off.batched);
    CHECK(on.batched > 0);
    CHECK(off.batched == 0);
    INFO("the statistics, the reports with their times and clocks, and the end time are the same");
    CHECK(on.record == off.record);
}

}  // namespace

TEST_CASE("burst batching: a saturated run's statistics match clock by clock", "[e2e][batching][equivalence]") {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    cfg.packets = 60;
    check_same(cfg, sc_time(400, SC_US));
}

TEST_CASE("burst batching: the 64-bit data path on a 64-bit bus matches clock by clock",
          "[e2e][batching][equivalence][bus64]") {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    cfg.nic_data_path = 64;
    cfg.packets = 60;
    check_same(cfg, sc_time(400, SC_US));
}

TEST_CASE("burst batching: a 32-bit/33 MHz bus with every buffer above 4 GiB matches clock by clock",
          "[e2e][batching][equivalence]") {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    cfg.bus_width = 32;
    cfg.bus_clock_mhz = 33;
    cfg.placement = ndis::Placement::High;  // DACs, and DMI grants of the bridge above 4 GiB
    cfg.packets = 30;
    check_same(cfg, sc_time(400, SC_US));
}

TEST_CASE("burst batching: a parity error injected mid-burst is reported on the same clock",
          "[e2e][batching][equivalence][parity][monitor]") {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    cfg.packets = 60;
    const Outcome on = run(cfg, true, sc_time(400, SC_US), sc_time(250'010, SC_NS));
    INFO(on.record);
    INFO("the monitor flagged the bad PAR (rule 9) and the NIC's master saw it");
    CHECK(on.record.find("nicsim/pci/monitor/rule9") != std::string::npos);
    check_same(cfg, sc_time(400, SC_US), sc_time(250'010, SC_NS));
}
