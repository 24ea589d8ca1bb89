// Burst batching (pci::BusClock::set_batching) against clock-by-clock evaluation: the same run, once with each, must
// give the same statistics and the same reports at the same simulated times and clocks. The runs are whole machines
// with the driver's traffic, so the bursts are broken in the middle by what breaks them in use: the CPU's register
// cycles (the bridge takes GNT# from the NIC, whose latency timer then ends its burst), frames arriving from the wire,
// descriptor and interrupt timers. A bad-parity read phase injected in the middle of a burst must be reported by the
// bus monitor on the same clock either way, and a traced run must write the same VCD, showing the bad PAR at its
// clock.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "testbench/checkers/collect_stats.h"
#include "testbench/machine/system_top.h"
#include "testbench/nicsim/scenario_file.h"
#include "testbench/support/child_process.h"
#include "testbench/support/vcd_text.h"
#include "testbench/tests/traces/vcd_reader.h"

using namespace nicsim;
using namespace nicsim::tb;
using namespace sc_core;

namespace {

const sc_time kVcdUnit(100, SC_PS);  // nicsim's trace time unit

std::string g_reports;    // the child's warnings, each with its simulated time
sc_time g_parity_report;  // when the monitor first reported a parity error (rule 9)
bool g_parity_reported = false;

void keep_report(const sc_report& rep, const sc_actions&) {
    if (rep.get_severity() == SC_INFO) return;
    g_reports += std::string(rep.get_msg_type()) + ": " + rep.get_msg() + " @ " + rep.get_time().to_string() + "\n";
    if (!g_parity_reported && std::string(rep.get_msg_type()).find("rule9") != std::string::npos) {
        g_parity_reported = true;
        g_parity_report = rep.get_time();
    }
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
    std::string record;         // statistics, reports and the end time
    uint64_t batched = 0;       // edges evaluated inside batches
    double parity_report = -1;  // when the monitor first reported a parity error, in the VCD's units (100 ps)
    bool ran = false;
};

/// Runs `cfg` for `limit` in a child process, with or without batching, and returns what it recorded; with `vcd`,
/// traced into that file as nicsim traces.
Outcome run(RunConfig cfg, bool batching, const sc_time& limit, const sc_time& fault_at = SC_ZERO_TIME,
            const std::string& vcd = {}) {
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
        std::FILE* trace = vcd.empty() ? nullptr : std::fopen(vcd.c_str(), "w");
        if (trace) top.attach_outputs(trace, nullptr);
        top.dut().bus.CLK.set_batch_horizon(limit);
        sc_start(limit);
        top.close_outputs();
        if (trace) std::fclose(trace);
        RunOutcome out;
        out.time_limit = !top.finished();
        std::ofstream f(path);
        f << top.dut().bus.CLK.batched_edges() << " " << (g_parity_reported ? g_parity_report / kVcdUnit : -1.0) << "\n"
          << collect_stats(top, out).json() << g_reports << "ended at " << sc_time_stamp() << "\n";
    });
    Outcome o;
    std::ifstream f(path);
    f >> o.batched >> o.parity_report;
    std::stringstream rest;
    rest << f.rdbuf();
    o.record = rest.str();
    std::remove(path);
    o.ran = ok && !o.record.empty();
    return o;
}

/// The values of a few signals of a VCD at successive times (each the last change at or before the time).
class VcdCursor {
  public:
    explicit VcdCursor(const std::vector<test::VcdChange>& changes) : m_changes(changes) {}
    const test::VcdChange& at(uint64_t t) {
        while (m_next < m_changes.size() && m_changes[m_next].time <= t) m_now = &m_changes[m_next++];
        return m_now ? *m_now : m_none;
    }

  private:
    const std::vector<test::VcdChange>& m_changes;
    size_t m_next = 0;
    const test::VcdChange* m_now = nullptr;
    test::VcdChange m_none{0, 0, true, ~uint64_t(0)};
};

/// The clock times in [from, to) (the VCD's units) at which PAR does not cover AD[31:0] and C/BE#[3:0] as shown one
/// clock earlier, all of them driven (PCI Local Bus Specification 2.3, section 3.7.1: even parity over the 36 bits,
/// one clock after them).
std::vector<uint64_t> bad_par_clocks(const test::VcdReader& vcd, uint64_t from, uint64_t to, uint64_t period) {
    VcdCursor ad(vcd.changes("SystemC.pci.AD")), cbe(vcd.changes("SystemC.pci.CBE_n")),
        par(vcd.changes("SystemC.pci.PAR"));
    std::vector<uint64_t> bad;
    for (uint64_t t = from - from % period; t + period < to; t += period) {
        const test::VcdChange a = ad.at(t), c = cbe.at(t);
        const test::VcdChange& p = par.at(t + period);
        if ((a.xz & 0xFFFFFFFFu) || (c.xz & 0xFu) || p.xz) continue;  // AD[63:32] may be released
        const uint64_t bits = (a.value & 0xFFFFFFFFu) | ((c.value & 0xFu) << 32);
        if ((__builtin_popcountll(bits) & 1u) != p.value) bad.push_back(t + period);
    }
    return bad;
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

TEST_CASE("burst batching: a traced run writes the VCD of clock by clock, a parity error mid-burst at its clock",
          "[e2e][batching][equivalence][parity][traces]") {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    cfg.packets = 60;
    const sc_time limit(400, SC_US), fault_at(250'010, SC_NS);
    const std::string on_vcd = "/tmp/nicsim-batching-on-" + std::to_string(getpid()) + ".vcd";
    const std::string off_vcd = "/tmp/nicsim-batching-off-" + std::to_string(getpid()) + ".vcd";
    const Outcome on = run(cfg, true, limit, fault_at, on_vcd);
    const Outcome off = run(cfg, false, limit, fault_at, off_vcd);
    REQUIRE(on.ran);
    REQUIRE(off.ran);
    INFO("the traced run batched " << on.batched << " edges");
    CHECK(on.batched > 0);
    CHECK(on.record == off.record);
    const std::string a = test::slurp(on_vcd), b = test::slurp(off_vcd);
    REQUIRE(a.size() > 100000);
    CHECK(a == b);

    INFO("the batched run's VCD shows one bad PAR after the injection, the clock before the monitor reports it");
    test::VcdReader vcd(on_vcd);
    REQUIRE(vcd.ok());
    const uint64_t period = static_cast<uint64_t>(cfg.bus_clock_mhz == 66 ? 150 : 300);
    const std::vector<uint64_t> bad = bad_par_clocks(vcd, static_cast<uint64_t>(fault_at / kVcdUnit),
                                                     static_cast<uint64_t>(limit / kVcdUnit), period);
    REQUIRE(bad.size() == 1);
    CHECK(on.parity_report == static_cast<double>(bad[0] + period));
    CHECK(bad_par_clocks(vcd, period, static_cast<uint64_t>(fault_at / kVcdUnit), period).empty());
    std::remove(on_vcd.c_str());
    std::remove(off_vcd.c_str());
}
