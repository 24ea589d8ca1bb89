// The master and target engines against each other: every command, burst lengths, byte enables, DAC, 64-bit
// transfers, 33 and 66 MHz, with the bus monitor watching every clock.
#include <catch2/catch.hpp>

#include "testbench/support/pci_agents.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

// Every test ends by asserting the protocol monitor saw a clean bus.
#define CHECK_MONITOR_CLEAN(rig)                                  \
    do {                                                          \
        INFO("bus monitor summary: " << (rig).monitor.summary()); \
        CHECK((rig).monitor.violations() == 0);                   \
    } while (0)

namespace {
std::vector<Cmd> probe_cmds(const BusProbe& p) {
    std::vector<Cmd> v;
    for (const auto& a : p.addresses()) v.push_back(a.cmd);
    return v;
}
}  // namespace

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
    CHECK(probe_cmds(r.probe) == std::vector<Cmd>{Cmd::MemWrite, Cmd::MemRead});
    CHECK(r.master.engine().stats().transactions == 2);
    CHECK(r.master.engine().stats().bytes == 8);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("memory read commands follow the length and the cache line size", "[pci][master][commands]") {
    Rig r;
    r.master.config().cache_line_dwords = 8;  // 32-byte lines
    r.monitor.set_cache_line(8);
    const auto src = pattern(256, 2);
    r.fill(0x10000, src);
    const size_t mr = r.master.read(0x10044, 4);    // one dword
    const size_t mrl = r.master.read(0x10040, 16);  // inside one line
    const size_t mrm = r.master.read(0x10060, 64);  // two lines
    REQUIRE(run_until_idle({&r.master}));
    INFO("MR for a single dword, MRL within a line, MRM across lines");
    CHECK(probe_cmds(r.probe) == std::vector<Cmd>{Cmd::MemRead, Cmd::MemReadLine, Cmd::MemReadMultiple});
    CHECK(r.master.result(mr).data == std::vector<uint8_t>(src.begin() + 0x44, src.begin() + 0x48));
    CHECK(r.master.result(mrl).data == std::vector<uint8_t>(src.begin() + 0x40, src.begin() + 0x50));
    CHECK(r.master.result(mrm).data == std::vector<uint8_t>(src.begin() + 0x60, src.begin() + 0xA0));
    INFO("the target saw the same commands");
    REQUIRE(r.target.claims().size() == 3);
    CHECK(r.target.claims()[1].cmd == Cmd::MemReadLine);
    CHECK(r.master.engine().stats().by_cmd[static_cast<int>(Cmd::MemReadMultiple)] == 1);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("without a cache line size every read burst is MR", "[pci][master][commands]") {
    Rig r;
    const auto src = pattern(64, 3);
    r.fill(0x10100, src);
    const size_t rd = r.master.read(0x10100, 64);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(probe_cmds(r.probe) == std::vector<Cmd>{Cmd::MemRead});
    CHECK(r.master.result(rd).data == src);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("MWI moves whole aligned cache lines and MW the rest", "[pci][master][commands]") {
    Rig r;
    r.master.config().cache_line_dwords = 8;
    r.master.config().mwi_enable = true;
    r.monitor.set_cache_line(8);
    const auto line = pattern(64, 4);
    r.master.write(0x10200, line);  // two whole lines: MWI
    const auto odd = pattern(70, 5);
    r.master.write(0x10304, odd);  // MW to the line end, MWI one line, MW the tail
    REQUIRE(run_until_idle({&r.master}));
    INFO("commands on the bus");
    CHECK(probe_cmds(r.probe) ==
          std::vector<Cmd>{Cmd::MemWriteInvalidate, Cmd::MemWrite, Cmd::MemWriteInvalidate, Cmd::MemWrite});
    INFO("an MWI burst of two lines has 16 data phases");
    CHECK(r.probe.addresses()[0].data_phases == 16);
    CHECK(r.mem_at(0x10200, 64) == line);
    CHECK(r.mem_at(0x10304, 70) == odd);
    CHECK(r.master.result(1).status == MasterStatus::Ok);
    CHECK(r.master.result(1).bytes == 70);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("I/O read and write cycles address single bytes", "[pci][master][commands][io]") {
    Rig r;
    r.target.set_io_window(0x300, 16);
    r.master.write(0x302, {0xA5, 0x5A}, Cmd::IoWrite);
    const size_t rd = r.master.read(0x303, 1, Cmd::IoRead);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(probe_cmds(r.probe) == std::vector<Cmd>{Cmd::IoWrite, Cmd::IoRead});
    INFO("I/O address phases carry the byte address");
    CHECK(r.probe.addresses()[0].addr == 0x302);
    CHECK(r.probe.addresses()[1].addr == 0x303);
    CHECK(r.target.io[2] == 0xA5);
    CHECK(r.target.io[3] == 0x5A);
    CHECK(r.target.io[1] == 0x00);
    CHECK(r.master.result(rd).data == std::vector<uint8_t>{0x5A});
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("configuration cycles use IDSEL and type 0 addresses", "[pci][master][commands][config]") {
    Rig r;
    const unsigned dev = r.target.enable_config();
    r.target.cfg[0x3D] = 0x01;
    const uint32_t idsel = 1u << dev;
    r.master.write(0x10, {0x00, 0x00, 0xFE, 0xFF}, Cmd::ConfigWrite, idsel);
    const size_t rd = r.master.read(0x10, 4, Cmd::ConfigRead, idsel);
    const size_t pin = r.master.read(0x3D, 1, Cmd::ConfigRead, idsel);
    const size_t none = r.master.read(0x00, 4, Cmd::ConfigRead, 0);  // no IDSEL: nobody answers
    REQUIRE(run_until_idle({&r.master}));
    CHECK(probe_cmds(r.probe) == std::vector<Cmd>{Cmd::ConfigWrite, Cmd::ConfigRead, Cmd::ConfigRead, Cmd::ConfigRead});
    INFO("type 0: AD[1:0] = 00 with the register number in AD[7:2]");
    CHECK(r.probe.addresses()[2].addr == 0x3C);
    CHECK(r.target.cfg[0x12] == 0xFE);
    CHECK(r.master.result(rd).data == std::vector<uint8_t>({0x00, 0x00, 0xFE, 0xFF}));
    CHECK(r.master.result(pin).data == std::vector<uint8_t>{0x01});
    INFO("a configuration cycle without IDSEL is master-aborted");
    CHECK(r.master.result(none).status == MasterStatus::MasterAbort);
    INFO("bus monitor summary: " << r.monitor.summary());
    CHECK(r.monitor.violations() == r.monitor.violations(Rule::DevselTiming));
}

TEST_CASE("bursts of 1 4 8 16 and 32 dwords write and read back byte for byte", "[pci][master][target][burst]") {
    Rig r;
    const unsigned lens[] = {1, 4, 8, 16, 32};
    uint64_t addr = 0x10000;
    std::vector<size_t> reads;
    for (unsigned n : lens) {
        r.master.write(addr, pattern(n * 4, n));
        reads.push_back(r.master.read(addr, n * 4));
        addr += 0x100;
    }
    REQUIRE(run_until_idle({&r.master}));
    REQUIRE(r.probe.addresses().size() == 10);
    addr = 0x10000;
    for (size_t i = 0; i < 5; ++i) {
        const unsigned n = lens[i];
        INFO("burst of " << n << " dwords");
        CHECK(r.mem_at(addr, n * 4) == pattern(n * 4, n));
        CHECK(r.master.result(reads[i]).data == pattern(n * 4, n));
        CHECK(r.probe.addresses()[2 * i].data_phases == n);
        CHECK(r.probe.addresses()[2 * i + 1].data_phases == n);
        addr += 0x100;
    }
    CHECK(r.master.engine().stats().data_phases == 2 * (1 + 4 + 8 + 16 + 32));
    CHECK(r.target.engine().stats().data_phases == 2 * (1 + 4 + 8 + 16 + 32));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("unaligned starts and ends use byte enables and leave neighbours alone", "[pci][master][target][be]") {
    Rig r;
    std::fill(r.target.mem.begin(), r.target.mem.end(), 0x55);
    const auto a = pattern(7, 6), b = pattern(1, 7), c = pattern(2, 8), d = pattern(13, 9);
    r.master.write(0x10003, a);  // bytes 3..9: three dwords, partial at both ends
    r.master.write(0x10021, b);
    r.master.write(0x10042, c);
    r.master.write(0x10061, d);
    const size_t ra = r.master.read(0x10003, 7);
    const size_t rd = r.master.read(0x10061, 13);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.mem_at(0x10003, 7) == a);
    CHECK(r.mem_at(0x10021, 1) == b);
    CHECK(r.mem_at(0x10042, 2) == c);
    CHECK(r.mem_at(0x10061, 13) == d);
    INFO("bytes next to the written ranges keep 0x55");
    for (uint64_t x : {0x10000ull, 0x10001ull, 0x10002ull, 0x1000Aull, 0x1000Bull, 0x10020ull, 0x10022ull, 0x10023ull,
                       0x10040ull, 0x10041ull, 0x10044ull, 0x10060ull, 0x1006Eull, 0x1006Full}) {
        INFO("address 0x" << std::hex << x);
        CHECK(r.mem_at(x, 1)[0] == 0x55);
    }
    CHECK(r.master.result(ra).data == a);
    CHECK(r.master.result(rd).data == d);
    INFO("7 bytes from offset 3 span three dwords");
    CHECK(r.probe.addresses()[0].data_phases == 3);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("addresses at or above 4 GiB use a dual address cycle only there", "[pci][master][target][dac]") {
    Rig r(bus_config(), {}, 0xFFFFF000ull, 0x2000);
    r.master_setup(true, 64);
    const auto lo = pattern(32, 10), hi = pattern(32, 11), cross = pattern(64, 12);
    r.master.write(0xFFFFF100ull, lo);
    r.master.write(0x100000100ull, hi);
    r.master.write(0xFFFFFFE0ull, cross);  // 32 bytes below 4 GiB, 32 above
    const size_t rhi = r.master.read(0x100000100ull, 32);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 5);
    INFO("below 4 GiB: single address cycle");
    CHECK_FALSE(p[0].dac);
    CHECK(p[0].addr == 0xFFFFF100ull);
    INFO("above 4 GiB: DAC carrying the real command and the full address");
    CHECK(p[1].dac);
    CHECK(p[1].cmd == Cmd::MemWrite);
    CHECK(p[1].addr == 0x100000100ull);
    INFO("a request crossing 4 GiB splits into a SAC and a DAC transaction");
    CHECK_FALSE(p[2].dac);
    CHECK(p[3].dac);
    CHECK(p[3].addr == 0x100000000ull);
    CHECK(p[4].dac);
    CHECK(p[4].cmd == Cmd::MemRead);
    CHECK(r.mem_at(0xFFFFF100ull, 32) == lo);
    CHECK(r.mem_at(0x100000100ull, 32) == hi);
    CHECK(r.mem_at(0xFFFFFFE0ull, 64) == cross);
    CHECK(r.master.result(rhi).data == hi);
    CHECK(r.master.engine().stats().dac_cycles == 3);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a 32-bit master refuses addresses above 4 GiB without touching the bus", "[pci][master][dac]") {
    expect_reports("nicsim/pci/master/no-dac", 2);
    Rig r(bus_config(), {}, 0x100000000ull, 0x1000);
    r.master_setup(false, 64);
    const size_t w = r.master.write(0x100000010ull, pattern(8, 13));
    const size_t x = r.master.write(0xFFFFFFFCull, pattern(8, 14));  // crosses into 4 GiB
    REQUIRE(run_until_idle({&r.master}));
    INFO("both complete with MasterAbort and nothing moved");
    CHECK(r.master.result(w).status == MasterStatus::MasterAbort);
    CHECK(r.master.result(w).bytes == 0);
    CHECK(r.master.result(x).status == MasterStatus::MasterAbort);
    CHECK(reports_seen("nicsim/pci/master/no-dac") == 2);
    INFO("no address phase ever appeared");
    CHECK(r.probe.addresses().empty());
    CHECK(r.master.engine().stats().transactions == 0);
    CHECK(r.mem_at(0x100000010ull, 8) == std::vector<uint8_t>(8, 0));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a 64-bit bus moves two dwords per data phase with REQ64# and ACK64#", "[pci][master][target][bus64]") {
    Rig r(bus_config(64));
    const auto w = pattern(64, 15);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 64);
    const auto u = pattern(20, 16);
    r.master.write(0x10104, u);  // starts on an odd dword
    const size_t ru = r.master.read(0x10104, 20);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 4);
    INFO("16 dwords in 8 data phases each way");
    CHECK(p[0].req64);
    CHECK(p[0].data_phases == 8);
    CHECK(p[1].data_phases == 8);
    CHECK(r.probe.ack64_clocks() > 0);
    CHECK(r.mem_at(0x10000, 64) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK(r.mem_at(0x10104, 20) == u);
    CHECK(r.master.result(ru).data == u);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("without ACK64# the master falls back to 32-bit data phases", "[pci][master][target][bus64]") {
    TargetTiming t;
    t.ack64 = false;
    Rig r(bus_config(64), t);
    const auto w = pattern(64, 17);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 64);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() >= 2);
    INFO("REQ64# asked, ACK64# never came");
    CHECK(p[0].req64);
    CHECK(r.probe.ack64_clocks() == 0);
    uint64_t phases = 0;
    for (const auto& a : p) phases += a.data_phases;
    CHECK(phases == 32);
    CHECK(r.mem_at(0x10000, 64) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a 64-bit 66 MHz bus runs the same clocks in half the time", "[pci][master][target][66mhz]") {
    Rig r(bus_config(64, 66));
    r.master.config().use_req64 = false;
    const auto w = pattern(32, 18);
    r.master.write(0x10000, w);
    r.master.write(0x10100, w);
    const size_t rd = r.master.read(0x10000, 32);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.bus.period() == sc_time(15, SC_NS));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 3);
    INFO("back-to-back 8-dword writes: N+2 clocks apart");
    CHECK(p[1].clock - p[0].clock == 10);
    CHECK(r.master.result(rd).data == w);
    CHECK(r.mem_at(0x10100, 32) == w);
    INFO("clock numbers advance every 15 ns");
    CHECK(r.bus.clock_count() == static_cast<uint64_t>(sc_time_stamp() / sc_time(15, SC_NS)));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("medium and slow DEVSEL with wait states still move every byte", "[pci][target][timing]") {
    TargetTiming t;
    t.devsel = DevselSpeed::Slow;
    t.initial_wait = 3;
    t.burst_wait = 1;
    Rig r(bus_config(), t);
    const auto w = pattern(32, 19);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 32);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.mem_at(0x10000, 32) == w);
    CHECK(r.master.result(rd).data == w);
    INFO("3 initial + 7 burst wait states per transaction");
    CHECK(r.target.engine().stats().wait_states == 2 * (3 + 7));
    INFO("8 dwords with slow DEVSEL (clock 4), 3+7 waits: the write spans address + 2 + 3 + 8 + 7 clocks");
    CHECK(r.master.engine().stats().busy_clocks > 2 * (8 + 10));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("requests that no bus cycle can carry are refused with a named warning", "[pci][master]") {
    expect_reports("nicsim/pci/master/bad-request", 2);
    Rig r;
    const size_t io = r.master.write(0x302, pattern(4, 20), Cmd::IoWrite);  // crosses a dword
    const size_t cmd = r.master.write(0x10000, pattern(4, 21), Cmd::DualAddress);
    const size_t zero = r.master.write(0x10000, {});
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(io).status == MasterStatus::MasterAbort);
    CHECK(r.master.result(cmd).status == MasterStatus::MasterAbort);
    INFO("an empty request completes at once with nothing moved");
    CHECK(r.master.result(zero).status == MasterStatus::Ok);
    CHECK(r.master.result(zero).bytes == 0);
    CHECK(reports_seen("nicsim/pci/master/bad-request") == 2);
    CHECK(r.probe.addresses().empty());
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a read target sees the byte enables of the first data phase", "[pci][target][be]") {
    Rig r;
    const auto src = pattern(16, 22);
    r.fill(0x10000, src);
    const size_t one = r.master.read(0x10002, 1);
    const size_t two = r.master.read(0x10005, 2);
    const size_t burst = r.master.read(0x10001, 10);  // three phases: 1110, 1111, 0111 (bytes 1..10)
    REQUIRE(run_until_idle({&r.master}));
    const auto& be = r.target.read_byte_enables();
    REQUIRE(be.size() == 5);
    INFO("single phases: exactly the bytes asked for");
    CHECK(be[0] == 0x4);
    CHECK(be[1] == 0x6);
    INFO("a zero-wait burst: first phase exact, later phases reported all enabled (not yet driven)");
    CHECK(be[2] == 0xE);
    CHECK(be[3] == 0xF);
    CHECK(be[4] == 0xF);
    CHECK(r.master.result(one).data == std::vector<uint8_t>{src[2]});
    CHECK(r.master.result(two).data == std::vector<uint8_t>(src.begin() + 5, src.begin() + 7));
    CHECK(r.master.result(burst).data == std::vector<uint8_t>(src.begin() + 1, src.begin() + 11));
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("64-bit fallback from an odd dword start moves every byte", "[pci][master][target][bus64]") {
    TargetTiming t;
    t.ack64 = false;
    Rig r(bus_config(64), t);
    const auto w = pattern(20, 23);
    r.master.write(0x10104, w);
    const size_t rd = r.master.read(0x10104, 20);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.mem_at(0x10104, 20) == w);
    CHECK(r.master.result(rd).data == w);
    INFO("the dword before the start is untouched");
    CHECK(r.mem_at(0x10100, 4) == std::vector<uint8_t>(4, 0));
    CHECK(r.master.result(0).bytes == 20);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("a DAC burst on a 64-bit bus with REQ64# and ACK64#", "[pci][master][target][bus64][dac]") {
    Rig r(bus_config(64, 66), {}, 0x300000000ull, 4096);
    r.master_setup(true, 64);
    const auto w = pattern(64, 24);
    r.master.write(0x300000040ull, w);
    const size_t rd = r.master.read(0x300000040ull, 64);
    REQUIRE(run_until_idle({&r.master}));
    const auto& p = r.probe.addresses();
    REQUIRE(p.size() == 2);
    CHECK(p[0].dac);
    CHECK(p[0].req64);
    CHECK(p[0].addr == 0x300000040ull);
    INFO("16 dwords in 8 qword data phases");
    CHECK(p[0].data_phases == 8);
    CHECK(p[1].data_phases == 8);
    CHECK(r.mem_at(0x300000040ull, 64) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK_MONITOR_CLEAN(r);
}

TEST_CASE("subtractive DEVSEL on clock 5 is still in time for the master", "[pci][target][timing]") {
    TargetTiming t;
    t.devsel = DevselSpeed::Subtractive;
    Rig r(bus_config(), t);
    const auto w = pattern(12, 25);
    r.master.write(0x10000, w);
    const size_t rd = r.master.read(0x10000, 12);
    REQUIRE(run_until_idle({&r.master}));
    CHECK(r.master.result(0).status == MasterStatus::Ok);
    CHECK(r.master.result(rd).status == MasterStatus::Ok);
    CHECK(r.mem_at(0x10000, 12) == w);
    CHECK(r.master.result(rd).data == w);
    CHECK(r.master.engine().stats().master_aborts == 0);
    INFO("a write with DEVSEL# on clock 5: address + 3 clocks without DEVSEL# + 3 data phases");
    CHECK(r.probe.addresses()[1].clock - r.probe.addresses()[0].clock == 1 + 3 + 3 + 1);
    CHECK_MONITOR_CLEAN(r);
}
