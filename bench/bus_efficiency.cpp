// Bus efficiency: clocks per transaction for back-to-back bursts of one master against a zero-wait, fast-DEVSEL
// target (hidden arbitration: the bus stays parked on the master), compared with the arithmetic of pci-bus.md
// (N data phases cost N+2 clocks for a write, N+3 for a read). Prints a Markdown table.
//
//   bus_efficiency [--width 32|64] [--mhz 33|66]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/pci_bus.h"
#include "testbench/support/pci_agents.h"

using namespace nicsim;
using namespace nicsim::pci;
using namespace sc_core;

namespace {

// Reads --width/--mhz into cfg; false (after one line on stderr) when the arguments are not usable.
bool parse_args(int argc, char* argv[], BusConfig& cfg) {
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--width") == 0)
            cfg.width_bits = static_cast<unsigned>(std::stoul(argv[i + 1]));
        else if (std::strcmp(argv[i], "--mhz") == 0)
            cfg.clock_mhz = static_cast<unsigned>(std::stoul(argv[i + 1]));
        else {
            std::fprintf(stderr, "usage: bus_efficiency [--width 32|64] [--mhz 33|66]\n");
            return false;
        }
    }
    try {
        cfg.validate();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bus_efficiency: %s\n", e.what());
        return false;
    }
    return true;
}

constexpr unsigned kBatch = 8;  // back-to-back transactions per measurement

// Runs kBatch back-to-back transactions of n dwords and returns the clocks between successive address phases, or a
// negative value (after one line on stderr) when the master did not finish them all.
double measure(test::TestMaster& master, const test::BusProbe& probe, unsigned n, bool write) {
    const size_t first = probe.addresses().size();
    for (unsigned k = 0; k < kBatch; ++k) {
        const uint64_t addr = 0x100000 + k * n * 4;
        if (write)
            master.write(addr, std::vector<uint8_t>(n * 4, static_cast<uint8_t>(k)));
        else
            master.read(addr, n * 4);
    }
    if (!test::run_until_idle({&master})) {
        std::fprintf(stderr, "bus_efficiency: the master did not finish\n");
        return -1;
    }
    const auto& a = probe.addresses();
    const size_t got = a.size() - first;
    if (got != kBatch) {
        std::fprintf(stderr, "bus_efficiency: %zu transactions instead of %u\n", got, kBatch);
        return -1;
    }
    return static_cast<double>(a.back().clock - a[first].clock) / (kBatch - 1);
}

// Prints the table; true when every measurement equals the arithmetic.
bool print_table(test::TestMaster& master, const test::BusProbe& probe, const BusConfig& cfg, bool& failed) {
    std::printf("Back-to-back bursts, one master, zero-wait fast-DEVSEL target, %u-bit %u MHz bus.\n\n", cfg.width_bits,
                cfg.clock_mhz);
    std::printf(
        "| N dwords | direction | measured clocks | efficiency | arithmetic clocks | arithmetic efficiency "
        "| difference |\n");
    std::printf("|---:|---|---:|---:|---:|---:|---:|\n");
    bool exact = true;
    for (unsigned n : {4u, 8u, 16u, 32u}) {
        for (const bool write : {true, false}) {
            const double measured = measure(master, probe, n, write);
            if (measured < 0) {
                failed = true;
                return false;
            }
            const unsigned arith = n + (write ? 2 : 3);
            exact = exact && measured == arith;
            std::printf("| %u | %s | %.2f | %.1f%% | %u | %.1f%% | %+.2f |\n", n, write ? "write" : "read", measured,
                        100.0 * n / measured, arith, 100.0 * n / arith, measured - arith);
        }
    }
    return exact;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    BusConfig cfg;
    if (!parse_args(argc, argv, cfg)) return 2;
    // Quiet SystemC's informational chatter: the table is the output.
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);

    // The design: bus, arbiter, one master, one zero-wait fast-DEVSEL target, a probe and the protocol monitor.
    PciBus bus("pci", cfg);
    Arbiter arbiter("arbiter", bus);
    test::TestMaster master("master", bus);
    master.config().latency_timer = 255;
    master.config().use_req64 = false;  // dwords: N data phases for N dwords on either bus width
    TargetTiming timing;
    timing.devsel = DevselSpeed::Fast;
    test::TestTarget target("target", bus, 0x100000, 64 * 1024, timing);
    test::BusProbe probe("probe", bus);
    BusMonitor monitor("monitor", bus);
    monitor.set_latency_timer(master.index(), 255);

    bool failed = false;
    const bool exact = print_table(master, probe, cfg, failed);
    if (failed) return 1;
    const uint64_t v = monitor.violations();
    std::printf("\nMonitor violations: %llu%s\n", static_cast<unsigned long long>(v), v ? "" : " (none)");
    if (v) std::printf("%s\n", monitor.summary().c_str());
    return (exact && v == 0) ? 0 : 1;
}
