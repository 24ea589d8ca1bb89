// Clock counts of back-to-back bursts (one master, zero-wait fast-DEVSEL target, bus parked on the master) against
// the arithmetic of pci-bus.md: N+2 clocks per write, N+3 per read, one more with a DAC. Clock counts are
// deterministic, so these are exact comparisons, not timing measurements.
#include <catch2/catch.hpp>

#include "model/pci/burst_timing.h"
#include "testbench/support/pci_agents.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

namespace {

/// Runs `batch` back-to-back transactions of `dwords` data phases and returns the address-phase spacing of each.
std::vector<uint64_t> spacings(Rig& r, uint64_t base, unsigned dwords, bool write, unsigned batch, unsigned per) {
    const size_t first = r.probe.addresses().size();
    for (unsigned k = 0; k < batch; ++k) {
        const uint64_t addr = base + k * dwords * per;
        if (write)
            r.master.write(addr, pattern(dwords * per, k));
        else
            r.master.read(addr, dwords * per);
    }
    std::vector<uint64_t> out;
    if (!run_until_idle({&r.master})) return out;
    const auto& a = r.probe.addresses();
    for (size_t i = first + 1; i < a.size(); ++i) out.push_back(a[i].clock - a[i - 1].clock);
    return out;
}

}  // namespace

TEST_CASE("back-to-back bursts cost exactly N+2 clocks per write and N+3 per read", "[pci][efficiency]") {
    Rig r;
    r.master_setup(false, 255);
    for (unsigned n : {4u, 8u, 16u, 32u}) {
        for (bool write : {true, false}) {
            const auto s = spacings(r, 0x10000, n, write, 6, 4);
            INFO(n << " dwords, " << (write ? "write" : "read"));
            REQUIRE(s.size() == 5);
            for (uint64_t c : s) {
                CHECK(c == n + (write ? 2u : 3u));
                INFO("the fast mode's arithmetic (burst_timing.h) charges what the pin-level bus takes");
                CHECK(burst_clocks(write, burst_data_phases(0x10000, n * 4, 4)) == c);
            }
        }
    }
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("a dual address cycle adds one clock per transaction", "[pci][efficiency][dac]") {
    Rig r(bus_config(), {}, 0x200000000ull, 4096);
    r.master_setup(true, 255);
    for (bool write : {true, false}) {
        const auto s = spacings(r, 0x200000000ull, 8, write, 5, 4);
        INFO((write ? "write" : "read"));
        REQUIRE(s.size() == 4);
        for (uint64_t c : s) {
            CHECK(c == 8u + (write ? 3u : 4u));
            CHECK(burst_clocks(write, 8, true) == c);
        }
    }
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("on a 64-bit bus N qword data phases cost the same N+2 and N+3 clocks", "[pci][efficiency][bus64]") {
    Rig r(bus_config(64, 66));
    r.master_setup(false, 255);
    for (bool write : {true, false}) {
        const auto s = spacings(r, 0x10000, 8, write, 5, 8);  // 8 qwords = 16 dwords
        INFO((write ? "write" : "read"));
        REQUIRE(s.size() == 4);
        for (uint64_t c : s) {
            CHECK(c == 8u + (write ? 2u : 3u));
            CHECK(burst_clocks(write, burst_data_phases(0x10000, 64, 8)) == c);
        }
    }
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations() == 0);
}
