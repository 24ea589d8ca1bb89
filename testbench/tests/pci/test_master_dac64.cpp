// The master engine's Dual Address Cycles on a 64-bit bus, clock by clock against PCI Local Bus Specification 2.3,
// sections 3.8 (64-bit bus extension) and 3.9 (64-bit addressing): with REQ64# asserted, the first address phase
// carries the low dword on AD[31:0], the high dword on AD[63:32], DAC on C/BE#[3:0] and the real command on
// C/BE#[7:4]; the second carries the high dword and the command on both halves; PAR64 follows each phase one clock
// later. Without REQ64# (a 32-bit data path) the upper half stays released. Expected values are the spec's, with
// the parity computed here.
#include <catch2/catch.hpp>

#include <vector>

#include "testbench/support/pci_agents.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

namespace {

/// Every clock's bus lines, as agents sample them on the rising edge.
class LineRecorder : public sc_module {
  public:
    std::vector<Lines> clocks;
    LineRecorder(sc_module_name name, PciBus& bus) : sc_module(name), m_bus(bus) {
        SC_HAS_PROCESS(LineRecorder);
        SC_METHOD(sample);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }

  private:
    void sample() {
        if (m_bus.CLK.posedge()) clocks.push_back(m_bus.lines());
    }
    PciBus& m_bus;
};

/// Even parity bit over 32 AD bits and 4 C/BE# bits, counted bit by bit.
bool even_parity(uint32_t ad, unsigned cbe4) {
    unsigned ones = 0;
    for (unsigned i = 0; i < 32; ++i) ones += (ad >> i) & 1u;
    for (unsigned i = 0; i < 4; ++i) ones += (cbe4 >> i) & 1u;
    return (ones & 1u) != 0;
}

/// Index of the first clock at which FRAME# is asserted at or after `from` (clocks.size() if none).
size_t next_frame(const std::vector<Lines>& c, size_t from) {
    for (size_t i = from; i < c.size(); ++i)
        if (c[i].asserted(kFrame) && (i == 0 || !c[i - 1].asserted(kFrame))) return i;
    return c.size();
}

void check_dac64_address(const std::vector<Lines>& c, size_t n, uint64_t addr, unsigned cmd) {
    REQUIRE(n + 2 < c.size());
    const uint32_t lo = static_cast<uint32_t>(addr), hi = static_cast<uint32_t>(addr >> 32);
    const Lines& a1 = c[n];
    const Lines& a2 = c[n + 1];
    INFO("first address phase");
    CHECK(a1.asserted(kReq64));
    CHECK(a1.is_driven(kAdHi));
    CHECK(a1.is_driven(kCbeHi));
    CHECK(static_cast<uint32_t>(a1.ad) == lo);
    CHECK(static_cast<uint32_t>(a1.ad >> 32) == hi);
    CHECK((a1.cbe_n & 0xFu) == 0xDu);
    CHECK((a1.cbe_n >> 4) == cmd);
    INFO("second address phase");
    CHECK(a2.asserted(kReq64));
    CHECK(a2.is_driven(kAdHi));
    CHECK(a2.is_driven(kCbeHi));
    CHECK(static_cast<uint32_t>(a2.ad) == hi);
    CHECK(static_cast<uint32_t>(a2.ad >> 32) == hi);
    CHECK((a2.cbe_n & 0xFu) == cmd);
    CHECK((a2.cbe_n >> 4) == cmd);
    INFO("PAR and PAR64 one clock after each address phase");
    for (size_t k = 0; k < 2; ++k) {
        const Lines& ph = c[n + k];
        const Lines& next = c[n + k + 1];
        REQUIRE(next.is_driven(kPar));
        REQUIRE(next.is_driven(kPar64));
        CHECK(next.high(kPar) == even_parity(static_cast<uint32_t>(ph.ad), ph.cbe_n & 0xFu));
        CHECK(next.high(kPar64) == even_parity(static_cast<uint32_t>(ph.ad >> 32), ph.cbe_n >> 4));
    }
}

}  // namespace

TEST_CASE("a DAC with REQ64# drives the whole address on both halves and PAR64 covers it",
          "[pci][master][bus64][dac]") {
    const uint64_t base = 0x3'0000'0000ull;
    Rig r(bus_config(64, 66), {}, base, 4096);
    LineRecorder rec("rec", r.bus);
    r.master_setup(true, 64);
    const auto w = pattern(64, 3);
    r.master.write(base + 0x40, w);
    const size_t rd = r.master.read(base + 0x80, 32);
    REQUIRE(run_until_idle({&r.master}));
    const size_t wr_at = next_frame(rec.clocks, 0);
    const size_t rd_at = next_frame(rec.clocks, wr_at + 1);
    INFO("memory write, command 0x7");
    check_dac64_address(rec.clocks, wr_at, base + 0x40, 0x7);
    INFO("memory read, the engine's read command for 32 bytes without a cache line size: MR 0x6");
    check_dac64_address(rec.clocks, rd_at, base + 0x80, 0x6);
    CHECK(r.mem_at(base + 0x40, 64) == w);
    CHECK(r.master.result(rd).data == r.mem_at(base + 0x80, 32));
    INFO("bus monitor: " << r.monitor.summary());
    CHECK(r.monitor.violations() == 0);
}

TEST_CASE("a master with a 32-bit data path issues its DAC on the low half only", "[pci][master][bus64][dac]") {
    const uint64_t base = 0x3'0000'0000ull;
    Rig r(bus_config(64, 66), {}, base, 4096);
    LineRecorder rec("rec", r.bus);
    r.master_setup(true, 64);
    r.master.config().use_req64 = false;
    r.monitor.set_data_path_64(r.master.index(), false);
    const auto w = pattern(64, 5);
    r.master.write(base + 0x100, w);
    REQUIRE(run_until_idle({&r.master}));
    const size_t n = next_frame(rec.clocks, 0);
    REQUIRE(n + 2 < rec.clocks.size());
    unsigned data_phases = 0;
    for (size_t i = n; i < rec.clocks.size(); ++i) {
        const Lines& l = rec.clocks[i];
        INFO("clock " << i - n << " of the transaction");
        CHECK_FALSE(l.asserted(kReq64));
        CHECK_FALSE(l.is_driven(kAdHi));
        CHECK_FALSE(l.is_driven(kCbeHi));
        data_phases += l.asserted(kIrdy) && l.asserted(kTrdy);
    }
    CHECK(static_cast<uint32_t>(rec.clocks[n].ad) == 0x100u);
    CHECK(static_cast<uint32_t>(rec.clocks[n + 1].ad) == 0x3u);
    INFO("64 bytes in 4-byte data phases");
    CHECK(data_phases == 16);
    CHECK(r.mem_at(base + 0x100, 64) == w);
    CHECK(r.monitor.violations() == 0);
}
