// The host bridge on a real bus: CPU cycles to a PCI target, device DMA to host memory (bursts, delayed reads,
// posted writes, 64-bit, DAC), aborts, the DMA verifier in the path, and the CPU's interrupt dispatch. Every test
// runs the bus monitor and requires zero protocol violations.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>

#include "model/host/dma_verifier.h"
#include "model/host/host_bridge.h"
#include "model/host/host_cpu.h"
#include "model/host/host_memory.h"
#include "model/host/host_system.h"
#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "testbench/support/pci_agents.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/host/bridge_agents.h"

using namespace nicsim::host;
using namespace nicsim::pci;
using namespace nicsim::test;
using namespace sc_core;

namespace {

constexpr uint64_t kBar = 0xE000'0000ull;  // the test target's memory BAR, inside the MMIO window
constexpr uint32_t kIo = 0x1000;

/// Bus, monitor, host memory, bridge (master 0, parked), optional DMA verifier, CPU and arbiter.
struct HostRig {
    PciBus bus;
    BusMonitor monitor;
    HostMemory mem{"mem"};
    std::unique_ptr<DmaVerifier> verifier;
    HostBridge bridge;
    HostCpu cpu;
    Arbiter arb;

    explicit HostRig(BusConfig cfg = {}, HostBridgeParams p = {}, bool with_verifier = false)
        : bus("pci", cfg),
          monitor("monitor", bus),
          verifier(with_verifier ? std::make_unique<DmaVerifier>("verifier", &bus) : nullptr),
          bridge("bridge", bus, p),
          cpu("cpu", bus),
          arb("arbiter", bus, ArbiterConfig{0, 16}) {
        if (verifier) {
            bridge.mem.bind(verifier->target);
            verifier->initiator.bind(mem.socket);
        } else {
            bridge.mem.bind(mem.socket);
        }
        cpu.cpu_mem.bind(bridge.cpu_mem);
        cpu.cpu_io.bind(bridge.cpu_io);
        cpu.cpu_cfg.bind(bridge.cpu_cfg);
        monitor.set_dac_capable(bridge.master_index(), true);
    }
    /// The monitor saw the traffic (`min_transactions` address phases) and no rule broken.
    void no_violations(uint64_t min_transactions = 1) {
        INFO("bus monitor: " << monitor.summary());
        CHECK(monitor.usage().transactions >= min_transactions);
        CHECK(monitor.violations() == 0);
    }
};

std::vector<uint8_t> host_pattern(size_t n, unsigned seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 13 + (i >> 8));
    return v;
}

}  // namespace

TEST_CASE("the bridge is master 0 and parks the bus while nobody requests it", "[host][bridge]") {
    HostRig r;
    sc_start(20 * r.bus.period());
    INFO("the arbiter parks on the bridge, whose master drives AD and C/BE# on the idle bus");
    CHECK(r.bridge.master_index() == 0u);
    CHECK(r.bridge.master().parked());
    CHECK(r.bus.lines().is_driven(kAdLo));
    INFO("an idle bridge is not evaluated on every clock");
    CHECK(r.bridge.stats().active_clocks < 10);
    r.no_violations(0);
}

TEST_CASE("a config read of an empty slot master-aborts and returns all ones", "[host][bridge][config]") {
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    uint32_t empty = 0, present = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        empty = r.cpu.config_read(5, 0x00, 4);  // no device 5 on this bus
        present = r.cpu.config_read(t.device, 0x00, 4);
    });
    sc_start(100, SC_US);
    REQUIRE(r.cpu.program_done());
    INFO("nobody claims the cycle: all ones, as a PC returns, and no error to the CPU");
    CHECK(empty == 0xFFFFFFFFu);
    CHECK(present == 0x100E8086u);
    CHECK(r.bridge.stats().cpu_master_aborts == 1);
    CHECK(r.cpu.stats().bus_errors == 0);
    r.no_violations();
}

TEST_CASE("CPU config memory and I/O cycles reach a PCI target through the bridge", "[host][bridge][cpu]") {
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    uint32_t cmd = 0, mmio = 0, mmio16 = 0, io = 0, io8 = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        r.cpu.config_write(t.device, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdIoSpace | cfg::kCmdBusMaster);
        cmd = r.cpu.config_read(t.device, cfg::kCommand, 2);
        r.cpu.mmio_write(kBar + 0x100, 4, 0xDEADBEEF);
        mmio = r.cpu.mmio_read(kBar + 0x100, 4);
        mmio16 = r.cpu.mmio_read(kBar + 0x102, 2);
        r.cpu.io_write(kIo + 4, 4, 0x12345678);
        io = r.cpu.io_read(kIo + 4, 4);
        io8 = r.cpu.io_read(kIo + 7, 1);
    });
    sc_start(200, SC_US);
    REQUIRE(r.cpu.program_done());
    INFO("each call is a bus cycle the target answers");
    CHECK(cmd == 0x7u);
    CHECK(t.cfg[cfg::kCommand] == 0x7);
    CHECK(mmio == 0xDEADBEEFu);
    CHECK(mmio16 == 0xDEADu);
    CHECK(io == 0x12345678u);
    CHECK(io8 == 0x12u);
    CHECK(r.bridge.stats().cpu_cfg_cycles == 2);
    CHECK(r.bridge.stats().cpu_mem_cycles == 3);
    CHECK(r.bridge.stats().cpu_io_cycles == 3);
    CHECK(r.bridge.master().stats().by_cmd[static_cast<unsigned>(Cmd::ConfigWrite)] == 1);
    CHECK(r.bridge.master().stats().by_cmd[static_cast<unsigned>(Cmd::IoRead)] == 2);
    INFO("bus cycles take simulated time");
    CHECK(r.cpu.now_ns() > 8 * 30);
    r.no_violations();
}

TEST_CASE("CPU cycles a target retries or disconnects are repeated until they complete", "[host][bridge][cpu]") {
    HostRig r;
    TestTarget t("nic0", r.bus, kBar, 0x1000);  // the engines' shared test target, with scripted faults
    t.script().retry_first = 3;
    t.set_io_window(kIo, 16);
    const unsigned dev = t.enable_config();
    uint32_t id = 0, v = 0, io = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        id = r.cpu.config_read(dev, 0, 4);  // the first three attempts of whatever comes first are retried
        r.cpu.mmio_write(kBar + 8, 4, 0xCAFEF00D);
        v = r.cpu.mmio_read(kBar + 8, 4);
        r.cpu.io_write(kIo, 2, 0xBEEF);
        io = r.cpu.io_read(kIo, 2);
    });
    t.cfg[0] = 0x86, t.cfg[1] = 0x80, t.cfg[2] = 0x0E, t.cfg[3] = 0x10;
    sc_start(200, SC_US);
    REQUIRE(r.cpu.program_done());
    INFO("the bridge's master repeats retried cycles: the CPU only sees the result");
    CHECK(id == 0x100E8086u);
    CHECK(v == 0xCAFEF00Du);
    CHECK(io == 0xBEEFu);
    CHECK(r.bridge.master().stats().retries == 3);
    CHECK(r.cpu.stats().bus_errors == 0);
    r.no_violations();
}

TEST_CASE("MMIO to nothing and a target abort are named errors and read as all ones", "[host][bridge][cpu]") {
    expect_reports("nicsim/host/bridge-master-abort", 1);
    expect_reports("nicsim/host/bridge-received-target-abort", 2);
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    t.abort_at = kBar + 0x20;
    uint32_t nothing = 0, aborted = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        nothing = r.cpu.mmio_read(0xF000'0000ull, 4);
        aborted = r.cpu.mmio_read(kBar + 0x20, 4);
        r.cpu.mmio_write(kBar + 0x20, 4, 1);
    });
    sc_start(100, SC_US);
    REQUIRE(r.cpu.program_done());
    CHECK(nothing == 0xFFFFFFFFu);
    CHECK(aborted == 0xFFFFFFFFu);
    CHECK(r.bridge.stats().cpu_master_aborts == 1);
    CHECK(r.bridge.stats().cpu_target_aborts == 2);
    CHECK(r.cpu.stats().bus_errors == 3);
    CHECK(reports_seen("nicsim/host/bridge-master-abort") == 1);
    CHECK(reports_seen("nicsim/host/bridge-received-target-abort") == 2);
    r.no_violations();
}

TEST_CASE("device burst writes and reads move host memory byte for byte", "[host][bridge][dma]") {
    HostRig r;
    DmaMaster m("nic0", r.bus);
    const auto data = host_pattern(256, 7);
    m.add(Cmd::MemWrite, 0x10003, data);  // unaligned start and end: partial byte enables
    auto& rd = m.add(Cmd::MemRead, 0x10003, std::vector<uint8_t>(256, 0));
    sc_start(100, SC_US);
    REQUIRE(m.all_done());
    CHECK(m.jobs[0].status == MasterStatus::Ok);
    CHECK(rd.status == MasterStatus::Ok);
    std::vector<uint8_t> host(258, 0xEE);
    r.mem.read(0x10002, host.data(), host.size());
    INFO("host memory holds exactly the written bytes, and nothing around them");
    CHECK(host[0] == 0);
    CHECK(host[257] == 0);
    CHECK(std::vector<uint8_t>(host.begin() + 1, host.end() - 1) == data);
    INFO("the read burst returns them");
    CHECK(rd.buf == data);
    CHECK(r.bridge.stats().dma_write_bytes == 256);
    CHECK(r.bridge.stats().dma_reads >= 1);
    CHECK(r.bridge.stats().target_aborts == 0);
    INFO("after the first access to a page the bridge moves data through DMI");
    CHECK(r.bridge.stats().dmi_accesses > 0);
    INFO("bursts: fewer transactions than dwords");
    CHECK(m.eng.stats().transactions < 20);
    r.no_violations();
}

TEST_CASE("a read slower than the retry threshold is retried and completes as a delayed transaction",
          "[host][bridge][delayed]") {
    HostBridgeParams p;
    p.read_latency = 40;
    HostRig r(BusConfig{}, p);
    DmaMaster m("nic0", r.bus);
    const auto data = host_pattern(64, 3);
    r.mem.write(0x20000, data.data(), data.size());
    auto& rd = m.add(Cmd::MemRead, 0x20000, std::vector<uint8_t>(64, 0));
    sc_start(100, SC_US);
    REQUIRE(rd.done);
    CHECK(rd.status == MasterStatus::Ok);
    CHECK(rd.buf == data);
    INFO("Retry until the fetch is done, then completion to the same master");
    CHECK(r.bridge.stats().delayed_latched >= 1);
    CHECK(r.bridge.stats().delayed_completed == r.bridge.stats().delayed_latched);
    CHECK(r.bridge.stats().retries >= 1);
    CHECK(m.eng.stats().retries >= 1);
    CHECK_FALSE(r.bridge.delayed_pending());
    INFO("no data phase took longer than rule 7 allows");
    r.no_violations();
}

TEST_CASE("while one delayed read is latched another master is retried and both complete in turn",
          "[host][bridge][delayed]") {
    HostBridgeParams p;
    p.read_latency = 30;
    HostRig r(BusConfig{}, p);
    DmaMaster a("nic0", r.bus), b("nic1", r.bus);
    const auto da = host_pattern(32, 21), db = host_pattern(32, 42);
    r.mem.write(0x80000, da.data(), da.size());
    r.mem.write(0x90000, db.data(), db.size());
    auto& ra = a.add(Cmd::MemRead, 0x80000, std::vector<uint8_t>(32, 0));
    auto& rb = b.add(Cmd::MemRead, 0x90000, std::vector<uint8_t>(32, 0));
    sc_start(200, SC_US);
    REQUIRE(ra.done);
    REQUIRE(rb.done);
    INFO("each master gets its own data: the bridge completes a delayed read only to the master that asked");
    CHECK(ra.status == MasterStatus::Ok);
    CHECK(rb.status == MasterStatus::Ok);
    CHECK(ra.buf == da);
    CHECK(rb.buf == db);
    CHECK(r.bridge.stats().delayed_completed == r.bridge.stats().delayed_latched);
    CHECK(r.bridge.stats().delayed_latched >= 2);
    CHECK(r.bridge.stats().delayed_discarded == 0);
    r.no_violations();
}

TEST_CASE("a read latency just under the threshold is served with wait states and no Retry",
          "[host][bridge][delayed]") {
    HostBridgeParams p;
    p.read_latency = p.retry_threshold - 2;  // the slowest read still served in place
    HostRig r(BusConfig{}, p);
    DmaMaster m("nic0", r.bus);
    const auto data = host_pattern(16, 9);
    r.mem.write(0x30000, data.data(), data.size());
    auto& rd = m.add(Cmd::MemRead, 0x30000, std::vector<uint8_t>(16, 0));
    sc_start(50, SC_US);
    REQUIRE(rd.done);
    CHECK(rd.buf == data);
    CHECK(r.bridge.stats().retries == 0);
    CHECK(r.bridge.stats().delayed_latched == 0);
    CHECK(r.bridge.target().stats().wait_states >= 1);
    r.no_violations();
}

TEST_CASE("writes are posted: no wait states even when reads are slow", "[host][bridge][posted]") {
    HostBridgeParams p;
    p.read_latency = 40;
    HostRig r(BusConfig{}, p);
    DmaMaster m("nic0", r.bus);
    const auto data = host_pattern(128, 1);
    auto& wr = m.add(Cmd::MemWrite, 0x40000, data);
    sc_start(50, SC_US);
    REQUIRE(wr.done);
    CHECK(wr.status == MasterStatus::Ok);
    INFO("the bridge accepts every write data phase at once");
    CHECK(r.bridge.target().stats().wait_states == 0);
    CHECK(r.bridge.target().stats().retries == 0);
    std::vector<uint8_t> host(128);
    r.mem.read(0x40000, host.data(), host.size());
    CHECK(host == data);
    r.no_violations();
}

TEST_CASE("on a 64-bit bus device bursts use 64-bit data phases", "[host][bridge][bus64]") {
    BusConfig cfg;
    cfg.width_bits = 64;
    HostRig r(cfg);
    DmaMaster m("nic0", r.bus);
    const auto data = host_pattern(512, 5);
    auto& wr = m.add(Cmd::MemWrite, 0x50000, data);
    auto& rd = m.add(Cmd::MemRead, 0x50000, std::vector<uint8_t>(512, 0));
    sc_start(100, SC_US);
    REQUIRE(m.all_done());
    CHECK(wr.status == MasterStatus::Ok);
    CHECK(rd.buf == data);
    std::vector<uint8_t> host(512);
    r.mem.read(0x50000, host.data(), host.size());
    CHECK(host == data);
    INFO("8 bytes per data phase: about 64 phases each way, not 128");
    CHECK(m.eng.stats().data_phases <= 140);
    r.no_violations();
}

TEST_CASE("a DAC-capable device reaches host memory above 4 GiB", "[host][bridge][dac]") {
    HostRig r;
    DmaMaster m("nic0", r.bus);
    m.eng.config().dac_capable = true;
    r.monitor.set_dac_capable(m.eng.master_index(), true);
    const uint64_t high = 0x3'2100'0000ull;
    const auto data = host_pattern(64, 11);
    auto& wr = m.add(Cmd::MemWrite, high, data);
    auto& rd = m.add(Cmd::MemRead, high, std::vector<uint8_t>(64, 0));
    sc_start(50, SC_US);
    REQUIRE(m.all_done());
    CHECK(wr.status == MasterStatus::Ok);
    CHECK(rd.buf == data);
    std::vector<uint8_t> host(64);
    r.mem.read(high, host.data(), host.size());
    CHECK(host == data);
    uint8_t low = 0xEE;
    r.mem.read(high & 0xFFFFFFFFull, &low, 1);
    INFO("the write went above 4 GiB, not to its low dword");
    CHECK(low == 0);
    CHECK(m.eng.stats().dac_cycles >= 2);
    r.no_violations();
}

TEST_CASE("a TLM error from memory becomes a target abort with a named warning", "[host][bridge][verifier]") {
    expect_reports("nicsim/host/verifier", 1);
    expect_reports("nicsim/host/bridge-signaled-target-abort", 1);
    HostRig r(BusConfig{}, HostBridgeParams{}, true);
    r.verifier->enable(true);
    DmaMaster m("nic0", r.bus);
    auto& rd = m.add(Cmd::MemRead, 0x60000, std::vector<uint8_t>(16, 0));
    sc_start(50, SC_US);
    REQUIRE(rd.done);
    INFO("nothing was handed to the device: the verifier refuses, the bridge target-aborts");
    CHECK(rd.status == MasterStatus::TargetAbort);
    CHECK(r.bridge.stats().target_aborts >= 1);
    CHECK(r.verifier->violations() >= 1);
    CHECK(reports_seen("nicsim/host/bridge-signaled-target-abort") >= 1);
    CHECK(r.verifier->recent_violations()[0].master == m.eng.master_index());
    r.no_violations();
}

TEST_CASE("DMA the driver allowed passes the verifier and a stray write is refused", "[host][bridge][verifier]") {
    expect_reports("nicsim/host/verifier", 1);
    expect_reports("nicsim/host/bridge-signaled-target-abort", 1);
    HostRig r(BusConfig{}, HostBridgeParams{}, true);
    r.verifier->enable(true);
    DmaMaster m("nic0", r.bus);
    m.start_clock = 10;
    r.cpu.set_program([&] {
        r.verifier->allow(0x70000, 64, true, "rx buffer");
        r.verifier->allow(0x71000, 64, false, "tx buffer");
    });
    const auto data = host_pattern(64, 2);
    r.mem.write(0x71000, data.data(), data.size());
    auto& ok_wr = m.add(Cmd::MemWrite, 0x70000, data);
    auto& ok_rd = m.add(Cmd::MemRead, 0x71000, std::vector<uint8_t>(64, 0));
    auto& bad_wr = m.add(Cmd::MemWrite, 0x71000, std::vector<uint8_t>(64, 0xAB));
    sc_start(50, SC_US);
    REQUIRE(m.all_done());
    CHECK(ok_wr.status == MasterStatus::Ok);
    CHECK(ok_rd.status == MasterStatus::Ok);
    CHECK(ok_rd.buf == data);
    INFO("a write into the read-only TX buffer is refused: memory keeps its bytes");
    CHECK(bad_wr.status == MasterStatus::TargetAbort);
    std::vector<uint8_t> host(64);
    r.mem.read(0x71000, host.data(), host.size());
    CHECK(host == data);
    CHECK(r.verifier->violations() >= 1);
    CHECK(r.verifier->recent_violations()[0].write);
    INFO(
        "the verifier grants DMI inside the allowed windows only, read-only for the TX buffer: the refused write "
        "above did not bypass it");
    CHECK(r.verifier->stats().dmi_grants >= 2);
    CHECK(r.bridge.stats().dmi_accesses > 0);
    r.no_violations();
}

TEST_CASE("DMI the verifier granted for a window goes when the window is revoked", "[host][bridge][verifier][dmi]") {
    expect_reports("nicsim/host/verifier", 1);
    expect_reports("nicsim/host/bridge-signaled-target-abort", 1);
    HostRig r(BusConfig{}, HostBridgeParams{}, true);
    r.verifier->enable(true);
    r.verifier->allow(0x70000, 256, true, "rx buffer");
    DmaMaster m("nic0", r.bus);
    m.start_clock = 10;
    const auto first = host_pattern(128, 3), second = host_pattern(64, 4);
    auto& wr1 = m.add(Cmd::MemWrite, 0x70000, first);
    auto& wr2 = m.add(Cmd::MemWrite, 0x70080, first);
    sc_start(20, SC_US);
    REQUIRE(m.all_done());
    CHECK(wr1.status == MasterStatus::Ok);
    CHECK(wr2.status == MasterStatus::Ok);
    REQUIRE(r.bridge.stats().dmi_accesses > 0);  // the window's writes went through DMI
    std::vector<uint8_t> host(128);
    r.mem.read(0x70080, host.data(), host.size());
    CHECK(host == first);

    r.verifier->revoke(0x70000, 256);
    auto& late = m.add(Cmd::MemWrite, 0x70080, second);
    sc_start(20, SC_US);
    REQUIRE(late.done);
    INFO("after the revoke the write is judged again: refused, memory keeps the first pattern");
    CHECK(late.status == MasterStatus::TargetAbort);
    r.mem.read(0x70080, host.data(), host.size());
    CHECK(host == first);
    CHECK(r.verifier->violations() == 1);
    r.no_violations();
}

namespace {
struct IsrProbe {
    HostCpu* cpu = nullptr;
    unsigned calls = 0;
    unsigned depth = 0, max_depth = 0;
    uint64_t first_ns = 0;
};
void test_isr(IsrProbe& p) {
    ++p.calls;
    p.max_depth = std::max(p.max_depth, ++p.depth);
    if (p.calls == 1) p.first_ns = p.cpu->now_ns();
    p.cpu->stall_ns(100);                                  // interrupts stay masked inside the ISR
    p.cpu->mmio_write(kBar + IrqTarget::kIrqClear, 4, 1);  // a bus cycle that deasserts INTA#
    --p.depth;
}
}  // namespace

TEST_CASE("the CPU calls the ISR for an asserted INTA# while stalling and never re-entrantly", "[host][cpu][irq]") {
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    IsrProbe probe;
    probe.cpu = &r.cpu;
    uint64_t raised_ns = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        r.cpu.connect_interrupt(t.device, [&] { test_isr(probe); });
        r.cpu.stall_ns(1000);
        INFO("no interrupt yet, no call");
        CHECK(probe.calls == 0);
        raised_ns = r.cpu.now_ns();
        t.raise_irq();
        r.cpu.stall_ns(20000);
    });
    sc_start(100, SC_US);
    REQUIRE(r.cpu.program_done());
    INFO("one call per assertion, soon after it, never nested");
    CHECK(probe.calls == 1);
    CHECK(probe.max_depth == 1);
    CHECK(probe.first_ns >= raised_ns);
    CHECK(probe.first_ns - raised_ns < 200);
    CHECK(r.bus.lines().inta == 0);
    CHECK(r.cpu.stats().interrupts == 1);
    r.no_violations();
}

namespace {
struct WakeProbe {
    unsigned isr_calls = 0;
    static bool woken(void* ctx) { return static_cast<WakeProbe*>(ctx)->isr_calls != 0; }
};
}  // namespace

TEST_CASE("a CPU wait with a wake condition ends after the ISR that meets it, else at its timeout",
          "[host][cpu][irq]") {
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    WakeProbe probe;
    sc_spawn([&] {  // INTA# rises at these times (simulated), from outside the program
        for (const double at_us : {3.0, 25.0, 40.0}) {
            sc_core::wait(sc_time(at_us, SC_US) - sc_time_stamp());
            t.raise_irq();
        }
    });
    std::vector<uint64_t> returned;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        r.cpu.connect_interrupt(t.device, [&] {
            ++probe.isr_calls;
            r.cpu.mmio_write(kBar + IrqTarget::kIrqClear, 4, 1);
        });
        // Each wait until an absolute deadline; the CPU keeps one timeout pending between waits, so a deadline
        // earlier than the pending one (30 us after 50 us) must still end its wait on time.
        for (const uint64_t deadline_ns : {10'000, 20'000, 50'000, 30'000, 50'000, 60'000}) {
            probe.isr_calls = 0;
            r.cpu.stall_ns(deadline_ns - r.cpu.now_ns(), &WakeProbe::woken, &probe);
            returned.push_back(r.cpu.now_ns());
        }
    });
    sc_start(100, SC_US);
    REQUIRE(r.cpu.program_done());
    REQUIRE(returned.size() == 6);
    INFO("woken right after each ISR (its MMIO write takes a few clocks), else at the deadline");
    CHECK(returned[0] >= 3'000);
    CHECK(returned[0] < 3'500);
    CHECK(returned[1] == 20'000);
    CHECK(returned[2] >= 25'000);
    CHECK(returned[2] < 25'500);
    CHECK(returned[3] == 30'000);
    CHECK(returned[4] >= 40'000);
    CHECK(returned[4] < 40'500);
    CHECK(returned[5] == 60'000);
    CHECK(r.cpu.stats().interrupts == 3);
    INFO("the time waited counts, not the timeouts asked for: the program waited from 0 to its last return");
    CHECK(r.cpu.stats().stall_ns == returned[5]);
    r.no_violations();
}

TEST_CASE("bad CPU access sizes are refused with a named warning", "[host][cpu]") {
    expect_reports("nicsim/host/cpu-access", 3);
    HostRig r;
    uint32_t v = 0;
    r.cpu.set_stop_when_done(true);
    r.cpu.set_program([&] {
        v = r.cpu.mmio_read(kBar + 2, 4);  // misaligned
        r.cpu.io_write(kIo, 3, 0);         // size 3
        r.cpu.config_read(0, 0x100, 4);    // beyond the 256-byte header
    });
    sc_start(10, SC_US);
    REQUIRE(r.cpu.program_done());
    CHECK(v == 0xFFFFFFFFu);
    CHECK(r.cpu.stats().bad_calls == 3);
    CHECK(r.cpu.stats().mmio_cycles == 0);
    CHECK(reports_seen("nicsim/host/cpu-access") == 3);
}

TEST_CASE("device DMA after map_pages lands in the caller's buffer even where the bridge held DMI",
          "[host][bridge][dmi]") {
    HostRig r;
    DmaMaster m("nic0", r.bus);
    const uint64_t phys = 0xA0000;
    uint8_t* buf = static_cast<uint8_t*>(std::aligned_alloc(4096, 4096));
    std::memset(buf, 0, 4096);
    const auto first = host_pattern(32, 1), second = host_pattern(32, 99);
    m.add(Cmd::MemWrite, phys, first);       // the bridge gets DMI on the model's own page
    m.add(Cmd::MemWrite, phys + 64, first);  // and uses it
    sc_start(20, SC_US);
    REQUIRE(m.all_done());
    CHECK(r.bridge.stats().dmi_accesses > 0);
    r.mem.map_pages(phys, buf, 4096);  // the driver's buffer now backs the page: DMI must be dropped
    auto& wr = m.add(Cmd::MemWrite, phys + 128, second);
    sc_start(20, SC_US);
    REQUIRE(wr.done);
    INFO("the write after the mapping is in the caller's memory, not in the dropped page");
    CHECK(std::memcmp(buf + 128, second.data(), second.size()) == 0);
    CHECK(buf[0] == 0);
    r.mem.unmap_pages(phys, 4096);
    std::free(buf);
    r.no_violations();
}

namespace {
struct IdleIsr {
    HostCpu* cpu;
    unsigned calls = 0;
};
void idle_isr(IdleIsr& p) {
    ++p.calls;
    p.cpu->mmio_write(kBar + IrqTarget::kIrqClear, 4, 1);
}
/// Raises the target's INTA# at the given times.
struct IrqRaiser : sc_module {
    IrqTarget& t;
    std::vector<sc_time> at;
    SC_HAS_PROCESS(IrqRaiser);
    IrqRaiser(sc_module_name n, IrqTarget& tt, std::vector<sc_time> times) : sc_module(n), t(tt), at(times) {
        SC_THREAD(run);
    }
    void run() {
        for (const sc_time& x : at) {
            wait(x - sc_time_stamp());
            t.raise_irq();
        }
    }
};
}  // namespace

TEST_CASE("after the program returns the CPU keeps taking interrupts", "[host][cpu][irq]") {
    HostRig r;
    IrqTarget t("nic0", r.bus, kBar, 0x1000, kIo);
    IdleIsr isr{&r.cpu};
    IrqRaiser raiser("raiser", t, {sc_time(5, SC_US), sc_time(9, SC_US), sc_time(30, SC_US)});
    r.cpu.set_program([&] { r.cpu.connect_interrupt(t.device, [&] { idle_isr(isr); }); });
    sc_start(50, SC_US);
    CHECK(r.cpu.program_done());
    INFO("three assertions, three ISR calls, each one clearing INTA#");
    CHECK(isr.calls == 3);
    CHECK(r.bus.lines().inta == 0);
    r.no_violations();
}

TEST_CASE("a delayed read its master never repeats is discarded and the next one is served",
          "[host][bridge][delayed]") {
    HostBridgeParams p;
    p.read_latency = 40;
    p.discard_timeout = 100;
    HostRig r(BusConfig{}, p);
    DmaMaster quitter("nic0", r.bus), patient("nic1", r.bus);
    quitter.eng.config().max_retries = 1;  // gives up after the first Retry and never comes back
    patient.start_clock = 30;
    const auto data = host_pattern(16, 77);
    r.mem.write(0xB0000, data.data(), data.size());
    auto& gave_up = quitter.add(Cmd::MemRead, 0xB1000, std::vector<uint8_t>(16, 0));
    auto& served = patient.add(Cmd::MemRead, 0xB0000, std::vector<uint8_t>(16, 0));
    sc_start(200, SC_US);
    REQUIRE(gave_up.done);
    REQUIRE(served.done);
    CHECK(gave_up.status == MasterStatus::RetryLimit);
    INFO("the other master is retried while the abandoned read holds the buffer, then served after the discard");
    CHECK(served.status == MasterStatus::Ok);
    CHECK(served.buf == data);
    CHECK(r.bridge.stats().delayed_discarded == 1);
    CHECK(r.bridge.stats().delayed_completed == 1);
    CHECK(served.done_clock > gave_up.done_clock + p.discard_timeout);
    r.no_violations();
}

TEST_CASE("a data parity error on a device write is reported with PERR# and a named warning",
          "[host][bridge][parity]") {
    expect_reports("nicsim/host/bridge-parity", 1);
    expect_reports("nicsim/pci/monitor/rule9", 1);
    HostRig r;
    DmaMaster m("nic0", r.bus);
    m.eng.faults().bad_data_parity = true;
    auto& wr = m.add(Cmd::MemWrite, 0xC0000, host_pattern(8, 1));
    sc_start(20, SC_US);
    REQUIRE(wr.done);
    INFO("the bridge's target saw the bad PAR and asserted PERR#; the master reports it");
    CHECK(r.bridge.stats().parity_errors == 1);
    CHECK(wr.status == MasterStatus::ParityError);
    CHECK(reports_seen("nicsim/host/bridge-parity") == 1);
    INFO("the monitor flags the deliberately bad parity and nothing else");
    CHECK(r.monitor.violations(Rule::Parity) >= 1);
    CHECK(r.monitor.violations() == r.monitor.violations(Rule::Parity));
}

TEST_CASE("HostSystem wires memory verifier bridge and CPU so a driver program and device DMA share memory",
          "[host][system]") {
    expect_reports("nicsim/host/verifier", 1);
    expect_reports("nicsim/host/bridge-signaled-target-abort", 1);
    PciBus bus("pci", BusConfig{});
    BusMonitor monitor("monitor", bus);
    HostSystemParams hp;
    hp.verify_dma = true;
    HostSystem host("host", bus, hp);
    IrqTarget t("nic0", bus, kBar, 0x1000, kIo);
    DmaMaster m("nic0m", bus);
    Arbiter arb("arbiter", bus, ArbiterConfig{0, 16});
    m.start_clock = 200;  // after the driver has handed out the buffer
    uint32_t vendor = 0;
    host.cpu.set_program([&] {
        vendor = host.cpu.config_read(t.device, 0, 2);
        const uint32_t v = 0x600DF00D;
        host.memory.write(0xD0000, &v, 4);
        host.verifier.allow(0xD0000, 16, false, "descriptor");
    });
    auto& ok = m.add(Cmd::MemRead, 0xD0000, std::vector<uint8_t>(4, 0));
    auto& stray = m.add(Cmd::MemRead, 0xD1000, std::vector<uint8_t>(4, 0));
    sc_start(50, SC_US);
    REQUIRE(host.cpu.program_done());
    REQUIRE(m.all_done());
    CHECK(host.bridge.master_index() == 0u);
    CHECK(vendor == 0x8086u);
    INFO("what the CPU wrote, the device reads; what was not handed out, it cannot");
    CHECK(ok.status == MasterStatus::Ok);
    CHECK(ok.buf == std::vector<uint8_t>{0x0D, 0xF0, 0x0D, 0x60});
    CHECK(stray.status == MasterStatus::TargetAbort);
    CHECK(host.verifier.violations() == 1);
    CHECK(monitor.violations() == 0);
}
