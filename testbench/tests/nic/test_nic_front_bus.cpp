// The NIC front over the real bus: the host CPU's configuration, memory and I/O cycles through the host bridge reach
// Nic82540em's target; INTA# is observed on the wires. Every test runs the bus monitor and expects no violation.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <vector>

#include <systemc>

#include "model/nic/e1000_regs.h"
#include "model/trace/tracer.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"

using namespace nicsim;
using namespace nicsim::e1000;
using namespace sc_core;
namespace cfg = nicsim::pci::cfg;

namespace {

constexpr uint32_t kBar0 = 0xE0000000u;  // inside the bridge's MMIO window
constexpr uint32_t kBar2 = 0x0000C000u;  // I/O ports

/// Records every INTA# edge of one device with its time.
struct IntaProbe : sc_module {
    pci::PciBus& bus;
    unsigned device;
    std::vector<std::pair<uint64_t, bool>> edges;  // (ns, asserted)
    bool level = false;
    SC_HAS_PROCESS(IntaProbe);
    IntaProbe(sc_module_name n, pci::PciBus& b, unsigned dev) : sc_module(n), bus(b), device(dev) {
        SC_METHOD(sample);
        sensitive << bus.inta_event();
        dont_initialize();
    }
    void sample() {
        const bool now = ((bus.lines().inta >> device) & 1u) != 0;
        if (now != level) edges.emplace_back(sc_time_stamp().value() / 1000, now);
        level = now;
    }
    unsigned assertions() const {
        unsigned n = 0;
        for (const auto& e : edges) n += e.second ? 1 : 0;
        return n;
    }
};

/// The pin-level machine with the test's CPU program and no DMA checking (the NIC is not given DMA work here).
struct Bench {
    std::unique_ptr<tb::MachineBase> machine;
    tb::Machine& pin;
    pci::PciBus& bus;
    pci::BusMonitor& monitor;
    host::HostBridge& bridge;
    host::HostCpu& cpu;
    nic::Nic82540em& nic;
    IntaProbe inta;
    unsigned dev;

    static tb::MachineConfig machine_config(const nic::NicParams& p, const pci::BusConfig& bc) {
        tb::MachineConfig c;
        c.bus = bc;
        c.nic = p;
        c.verify_dma = false;
        return c;
    }

    explicit Bench(const nic::NicParams& p = nic::NicParams{}, const pci::BusConfig& bc = pci::BusConfig{})
        : machine(tb::build_machine("dut", machine_config(p, bc))),
          pin(*machine->pin()),
          bus(pin.bus),
          monitor(pin.monitor),
          bridge(pin.host.bridge),
          cpu(pin.host.cpu),
          nic(pin.nic),
          inta("inta", bus, nic.device_number()),
          dev(nic.device_number()) {}

    /// Run `program` on the host CPU until it returns (bounded by `limit`).
    void run(std::function<void(hostdrv::HostPlatform&)> program, sc_time limit = sc_time(20, SC_MS)) {
        tb::install_program(*machine, std::move(program));
        cpu.set_stop_when_done(true);
        sc_start(limit);
    }

    /// BAR0/BAR2 programmed, memory and I/O decode on (plus `extra` Command bits).
    void enable(hostdrv::HostPlatform& hp, uint16_t extra = 0) {
        hp.config_write(dev, cfg::kBar0, 4, kBar0);
        hp.config_write(dev, nic::ConfigSpace::kBar2, 4, kBar2);
        hp.config_write(dev, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdIoSpace | extra);
    }
    static uint32_t rd(hostdrv::HostPlatform& hp, uint32_t off) { return hp.mmio_read(kBar0 + off, 4); }
    static void wr(hostdrv::HostPlatform& hp, uint32_t off, uint32_t v) { hp.mmio_write(kBar0 + off, 4, v); }
    bool inta_now() const { return ((bus.lines().inta >> dev) & 1u) != 0; }

    void check_clean() {
        INFO("the bus monitor saw no protocol violation: " << monitor.summary());
        CHECK(monitor.violations() == 0);
        INFO("the program ran to its end");
        CHECK(cpu.program_done());
    }
};

}  // namespace

TEST_CASE("config probing and BAR sizing by writing all ones over the bus", "[nic][config]") {
    nic::NicParams p;
    Bench b(p);
    uint32_t id = 0, cls = 0, bar0_size = 0, bar2_size = 0, bar0 = 0, bar2 = 0, pin = 0, line = 0, clt = 0;
    uint32_t sts = 0, bar1 = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        id = hp.config_read(b.dev, cfg::kVendorId, 4);
        cls = hp.config_read(b.dev, cfg::kRevisionId, 4);
        hp.config_write(b.dev, cfg::kBar0, 4, 0xFFFFFFFFu);
        bar0_size = hp.config_read(b.dev, cfg::kBar0, 4);
        hp.config_write(b.dev, nic::ConfigSpace::kBar2, 4, 0xFFFFFFFFu);
        bar2_size = hp.config_read(b.dev, nic::ConfigSpace::kBar2, 4);
        hp.config_write(b.dev, 0x14, 4, 0xFFFFFFFFu);
        bar1 = hp.config_read(b.dev, 0x14, 4);
        hp.config_write(b.dev, cfg::kBar0, 4, kBar0);
        hp.config_write(b.dev, nic::ConfigSpace::kBar2, 4, kBar2);
        bar0 = hp.config_read(b.dev, cfg::kBar0, 4);
        bar2 = hp.config_read(b.dev, nic::ConfigSpace::kBar2, 4);
        pin = hp.config_read(b.dev, cfg::kInterruptPin, 1);
        hp.config_write(b.dev, cfg::kInterruptLine, 1, 11);
        line = hp.config_read(b.dev, cfg::kInterruptLine, 1);
        hp.config_write(b.dev, cfg::kCacheLineSize, 2, 0x4010);  // 16 dwords, latency timer 64
        clt = hp.config_read(b.dev, cfg::kCacheLineSize, 2);
        hp.config_write(b.dev, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdBusMaster | cfg::kCmdMwiEnable);
        sts = hp.config_read(b.dev, cfg::kCommand, 4);
    });
    INFO("identity: vendor 0x8086, device 0x100E, class 0x020000");
    CHECK(id == 0x100E8086u);
    CHECK((cls >> 8) == 0x020000u);
    INFO("BAR0 sizes as 128 KiB 32-bit non-prefetchable memory, BAR2 as 8 bytes of I/O, BAR1 absent");
    CHECK(bar0_size == 0xFFFE0000u);
    CHECK(bar2_size == 0xFFFFFFF9u);
    CHECK(bar1 == 0u);
    CHECK(bar0 == kBar0);
    CHECK(bar2 == (kBar2 | 1u));
    INFO("interrupt pin INTA#, interrupt line R/W");
    CHECK(pin == 1u);
    CHECK(line == 11u);
    CHECK(clt == 0x4010u);
    INFO("Command register as written; the master engine follows cache line, latency timer and MWI");
    CHECK((sts & 0xFFFF) == (cfg::kCmdMemSpace | cfg::kCmdBusMaster | cfg::kCmdMwiEnable));
    CHECK(b.nic.bus_master_enabled());
    CHECK(b.nic.master().config().cache_line_dwords == 16);
    CHECK(b.nic.master().config().latency_timer == 0x40);
    CHECK(b.nic.master().config().mwi_enable);
    INFO("64-bit DMA addressing makes the master DAC capable");
    CHECK(b.nic.master().config().dac_capable);
    b.check_clean();
}

TEST_CASE("a 32-bit NIC never becomes DAC capable", "[nic][config]") {
    nic::NicParams p;
    p.dma_address_bits = 32;
    Bench b(p);
    uint32_t id = 0;
    b.run([&](hostdrv::HostPlatform& hp) { id = hp.config_read(b.dev, cfg::kVendorId, 4); });
    CHECK(id == 0x100E8086u);
    INFO("dma_address_bits 32 -> MasterConfig::dac_capable false");
    CHECK_FALSE(b.nic.master().config().dac_capable);
    b.check_clean();
}

TEST_CASE("no memory or I/O decode while the Command register disables it", "[nic][config]") {
    Bench b;
    test::expect_reports("nicsim/host/bridge-master-abort", 3);
    uint32_t before = 0, io_before = 0, after = 0, io_after = 0, after_off = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        hp.config_write(b.dev, cfg::kBar0, 4, kBar0);
        hp.config_write(b.dev, nic::ConfigSpace::kBar2, 4, kBar2);
        before = hp.mmio_read(kBar0 + STATUS, 4);
        io_before = hp.io_read(kBar2 + IOADDR, 4);
        hp.config_write(b.dev, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdIoSpace);
        after = hp.mmio_read(kBar0 + STATUS, 4);
        hp.io_write(kBar2 + IOADDR, 4, STATUS);
        io_after = hp.io_read(kBar2 + IODATA, 4);
        hp.config_write(b.dev, cfg::kCommand, 2, 0);
        after_off = hp.mmio_read(kBar0 + STATUS, 4);
    });
    INFO("master abort while Memory/IO Space are clear: the CPU reads all ones");
    CHECK(before == 0xFFFFFFFFu);
    CHECK(io_before == 0xFFFFFFFFu);
    CHECK(after_off == 0xFFFFFFFFu);
    CHECK(b.bridge.stats().cpu_master_aborts == 3);
    CHECK(test::reports_seen("nicsim/host/bridge-master-abort") == 3);
    INFO("decoded once enabled: STATUS = FD | 1000 Mb/s (link not set up: LU clear)");
    CHECK(after == (status::FD::mask | status::SPEED::make(status::kSpeed1000)));
    CHECK(io_after == after);
    b.check_clean();
}

TEST_CASE("register reset values and access kinds over BAR0", "[nic][regs]") {
    nic::NicParams p;
    Bench b(p);
    test::expect_reports("nicsim/nic/unknown-register", 2);
    struct Probe {
        uint32_t off, expect;
    };
    const uint32_t ral0 = p.mac[0] | (p.mac[1] << 8) | (p.mac[2] << 16) | (uint32_t{p.mac[3]} << 24);
    const uint32_t rah0 = p.mac[4] | (p.mac[5] << 8) | rahf::AV::mask;
    const std::vector<Probe> resets = {{CTRL, kCtrlReset},
                                       {STATUS, 0x81u},
                                       {EECD, eecd::EE_PRES::mask | eecd::FWE::make(eecd::kFweDisabled)},
                                       {EERD, 0},
                                       {ICR, 0},
                                       {ITR, 0},
                                       {IMS, 0},
                                       {RCTL, kRctlReset},
                                       {TCTL, kTctlReset},
                                       {TDBAL, 0},
                                       {TDBAH, 0},
                                       {TDLEN, 0},
                                       {TDH, 0},
                                       {TDT, 0},
                                       {RDBAL, 0},
                                       {RDBAH, 0},
                                       {RDLEN, 0},
                                       {RDH, 0},
                                       {RDT, 0},
                                       {TIDV, 0},
                                       {TADV, 0},
                                       {RDTR, 0},
                                       {RADV, 0},
                                       {TXDCTL, kTxdctlReset},
                                       {RXDCTL, kRxdctlReset},
                                       {RAL0, ral0},
                                       {RAH0, rah0},
                                       {ral_n(1), 0},
                                       {rah_n(1), 0},
                                       {mta_n(0), 0},
                                       {mta_n(127), 0},
                                       {GPRC, 0},
                                       {GPTC, 0},
                                       {GORCL, 0},
                                       {GOTCH, 0},
                                       {MPC, 0},
                                       {TPR, 0},
                                       {TPT, 0},
                                       {PBA, 0x00100030u}};  // 8254x manual 13.4.16: RXA 48 KB, TXA 16 KB
    std::vector<uint32_t> got;
    uint32_t tdbal = 0, itr = 0, rah1 = 0, mta5 = 0, status_w = 0, ics = 0, imc = 0, icr1 = 0, icr2 = 0, ims1 = 0,
             ims2 = 0, unknown = 0, gprc1 = 0, gprc2 = 0, gorcl = 0, gorch = 0, gorcl2 = 0, ctrl_after = 0,
             tdbal_after = 0, ral_after = 0, ims_after = 0, itr_lo = 0, rdlen = 0, eecd = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        for (const auto& r : resets) got.push_back(Bench::rd(hp, r.off));
        // R/W with write masks
        Bench::wr(hp, TDBAL, 0x12345678u);
        tdbal = Bench::rd(hp, TDBAL);
        Bench::wr(hp, ITR, 0xFFFF0123u);
        itr = Bench::rd(hp, ITR);
        hp.mmio_write(kBar0 + ITR, 2, 0x0042);  // 16-bit write: low half only
        itr_lo = Bench::rd(hp, ITR);
        Bench::wr(hp, RDLEN, 0x1000);
        rdlen = Bench::rd(hp, RDLEN);
        Bench::wr(hp, rah_n(1), 0xFFFFFFFFu);
        rah1 = Bench::rd(hp, rah_n(1));
        Bench::wr(hp, mta_n(5), 0xA5A5A5A5u);
        mta5 = Bench::rd(hp, mta_n(5));
        // read-only and write-only
        Bench::wr(hp, STATUS, 0);
        status_w = Bench::rd(hp, STATUS);
        Bench::wr(hp, EECD, 0);
        eecd = Bench::rd(hp, EECD);
        ics = Bench::rd(hp, ICS);
        imc = Bench::rd(hp, IMC);
        // ICR read clears; IMS sets, IMC clears
        Bench::wr(hp, ICS, icr::RXSEQ | icr::TXQE);
        icr1 = Bench::rd(hp, ICR);
        icr2 = Bench::rd(hp, ICR);
        Bench::wr(hp, IMS, icr::RXT0 | icr::LSC);
        ims1 = Bench::rd(hp, IMS);
        Bench::wr(hp, IMC, icr::LSC);
        ims2 = Bench::rd(hp, IMS);
        // unknown offsets
        Bench::wr(hp, 0x0F00, 0xDEADBEEFu);
        unknown = Bench::rd(hp, 0x0F00);
        // statistics read-clear (the data path counts through NicContext::add_stat)
        b.nic.add_stat(GPRC, 3);
        gprc1 = Bench::rd(hp, GPRC);
        gprc2 = Bench::rd(hp, GPRC);
        b.nic.add_stat(GORCL, 0x100000005ull);
        gorcl = Bench::rd(hp, GORCL);
        gorch = Bench::rd(hp, GORCH);
        gorcl2 = Bench::rd(hp, GORCL);
        // CTRL.RST: self-clearing, registers back to reset values, RAL0 reloaded from the EEPROM
        Bench::wr(hp, RAL0, 0x11111111u);
        Bench::wr(hp, CTRL, ctrl::RST::mask | ctrl::SLU::mask);
        ctrl_after = Bench::rd(hp, CTRL);
        tdbal_after = Bench::rd(hp, TDBAL);
        ral_after = Bench::rd(hp, RAL0);
        ims_after = Bench::rd(hp, IMS);
    });
    REQUIRE(got.size() == resets.size());
    for (size_t i = 0; i < resets.size(); ++i) {
        INFO("reset value of register 0x" << std::hex << resets[i].off);
        CHECK(got[i] == resets[i].expect);
    }
    INFO("R/W registers keep the implemented bits only");
    CHECK(tdbal == 0x12345670u);
    CHECK(itr == 0x0123u);
    CHECK(itr_lo == 0x0042u);
    CHECK(rdlen == 0x1000u);
    CHECK(rah1 == 0x8003FFFFu);
    CHECK(mta5 == 0xA5A5A5A5u);
    INFO("STATUS ignores writes; EECD keeps EE_PRES when software clears its own bits; ICS and IMC read 0");
    CHECK(status_w == 0x81u);
    CHECK(eecd == eecd::EE_PRES::mask);
    CHECK(ics == 0u);
    CHECK(imc == 0u);
    INFO("ICR returns the causes once, then reads 0");
    CHECK(icr1 == (icr::RXSEQ | icr::TXQE));
    CHECK(icr2 == 0u);
    CHECK(ims1 == (icr::RXT0 | icr::LSC));
    CHECK(ims2 == icr::RXT0);
    INFO("an unimplemented offset reads 0 and each access is diagnosed");
    CHECK(unknown == 0u);
    CHECK(test::reports_seen("nicsim/nic/unknown-register") == 2);
    INFO("statistics clear on read; octet counters carry into the high dword");
    CHECK(gprc1 == 3u);
    CHECK(gprc2 == 0u);
    CHECK(gorcl == 5u);
    CHECK(gorch == 1u);
    CHECK(gorcl2 == 0u);
    INFO("CTRL.RST self-clears and resets the register file");
    CHECK(ctrl_after == kCtrlReset);
    CHECK(tdbal_after == 0u);
    CHECK(ral_after == ral0);
    CHECK(ims_after == 0u);
    CHECK(b.nic.stats().software_resets == 1);
    b.check_clean();
}

TEST_CASE("IOADDR and IODATA reach the same registers as BAR0", "[nic][regs]") {
    Bench b;
    uint32_t via_mem = 0, via_io = 0, ioaddr = 0, status_io = 0, status_mem = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        hp.io_write(kBar2 + IOADDR, 4, TDBAH);
        hp.io_write(kBar2 + IODATA, 4, 0xCAFE0001u);
        via_mem = Bench::rd(hp, TDBAH);
        Bench::wr(hp, mta_n(3), 0x5A5A0F0Fu);
        hp.io_write(kBar2 + IOADDR, 4, mta_n(3));
        ioaddr = hp.io_read(kBar2 + IOADDR, 4);
        via_io = hp.io_read(kBar2 + IODATA, 4);
        hp.io_write(kBar2 + IOADDR, 4, STATUS);
        status_io = hp.io_read(kBar2 + IODATA, 4);
        status_mem = Bench::rd(hp, STATUS);
    });
    INFO("a write through IODATA lands in the register IOADDR selects");
    CHECK(via_mem == 0xCAFE0001u);
    INFO("IOADDR reads back; IODATA reads the register");
    CHECK(ioaddr == mta_n(3));
    CHECK(via_io == 0x5A5A0F0Fu);
    CHECK(status_io == status_mem);
    b.check_clean();
}

TEST_CASE("EERD reads the MAC and a checksum of 0xBABA over the bus", "[nic][eeprom]") {
    nic::NicParams p;
    const uint8_t mac[6] = {0x00, 0x1B, 0x21, 0x0A, 0x0B, 0x0C};
    std::copy(mac, mac + 6, p.mac);
    Bench b(p);
    std::vector<uint16_t> words;
    unsigned polls = 0, max_polls = 0;
    bool all_done = true;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        for (unsigned w = 0; w < kEepromWords; ++w) {
            Bench::wr(hp, EERD, eerd::START::mask | eerd::ADDR::make(w));
            uint32_t v = 0;
            unsigned n = 0;
            do {
                v = Bench::rd(hp, EERD);
                ++n;
            } while (!eerd::DONE::get(v) && n < 100);
            all_done = all_done && eerd::DONE::get(v) && eerd::ADDR::get(v) == w;
            polls += n;
            max_polls = std::max(max_polls, n);
            words.push_back(static_cast<uint16_t>(eerd::DATA::get(v)));
        }
    });
    REQUIRE(words.size() == kEepromWords);
    INFO("every read completed with DONE and its own address");
    CHECK(all_done);
    CHECK(max_polls < 100);
    INFO("words 0..2 are the MAC address");
    CHECK(words[0] == 0x1B00);
    CHECK(words[1] == 0x0A21);
    CHECK(words[2] == 0x0C0B);
    uint16_t sum = 0;
    for (uint16_t w : words) sum = static_cast<uint16_t>(sum + w);
    INFO("the sum of words 0..0x3F is 0xBABA");
    CHECK(sum == 0xBABA);
    b.check_clean();
}

TEST_CASE("INTA# follows ICR and IMS and ICR read deasserts it", "[nic][irq]") {
    Bench b;
    bool masked = true, unmasked = false, after_read = true, disabled = false, reenabled = false, cleared = true;
    uint32_t command = 0;
    uint32_t icr = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, ICS, icr::TXDW);
        hp.stall_ns(500);
        masked = b.inta_now();
        Bench::wr(hp, IMS, icr::TXDW);
        hp.stall_ns(500);
        unmasked = b.inta_now();
        icr = Bench::rd(hp, ICR);
        hp.stall_ns(500);
        after_read = b.inta_now();
        // Bit 10 (Interrupt Disable since PCI 2.3) is reserved on the 82540EM, a PCI 2.2 device: no effect.
        hp.config_write(b.dev, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdIoSpace | cfg::kCmdIntxDisable);
        command = hp.config_read(b.dev, cfg::kCommand, 2);
        Bench::wr(hp, ICS, icr::TXDW);
        hp.stall_ns(500);
        disabled = b.inta_now();
        hp.config_write(b.dev, cfg::kCommand, 2, cfg::kCmdMemSpace | cfg::kCmdIoSpace);
        hp.stall_ns(500);
        reenabled = b.inta_now();
        Bench::wr(hp, IMC, icr::TXDW);
        hp.stall_ns(500);
        cleared = b.inta_now();
    });
    INFO("a masked cause does not assert INTA#");
    CHECK_FALSE(masked);
    INFO("IMS unmasks it: INTA# asserted, level-sensitive");
    CHECK(unmasked);
    CHECK(icr == icr::TXDW);
    INFO("reading ICR clears the cause and deasserts INTA#");
    CHECK_FALSE(after_read);
    INFO(
        "PCI Local Bus Specification 2.2, section 6.2.2: Command bits 15:10 are reserved (Interrupt Disable came with "
        "2.3); bit 10 reads 0 and INTA# stays asserted");
    CHECK(command == (cfg::kCmdMemSpace | cfg::kCmdIoSpace));
    CHECK(disabled);
    CHECK(reenabled);
    INFO("IMC masks the pending cause again");
    CHECK_FALSE(cleared);
    CHECK(b.inta.assertions() == 2);
    b.check_clean();
}

TEST_CASE("ITR spaces interrupts by its interval on INTA#", "[nic][irq]") {
    Bench b;
    constexpr uint32_t kItr = 200;  // 51.2 us
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, ITR, kItr);
        Bench::wr(hp, IMS, icr::RXT0);
        Bench::wr(hp, ICS, icr::RXT0);
        hp.stall_ns(1000);
        Bench::rd(hp, ICR);
        Bench::wr(hp, ICS, icr::RXT0);  // pending again at once
        hp.stall_ns(100000);
        Bench::rd(hp, ICR);
    });
    REQUIRE(b.inta.edges.size() >= 4);
    const uint64_t first = b.inta.edges[0].first, second = b.inta.edges[2].first;
    INFO("first assertion at " << first << " ns, second at " << second << " ns");
    CHECK(b.inta.edges[0].second);
    CHECK(b.inta.edges[2].second);
    INFO("the second interrupt waits ITR x 256 ns from the first (within one bus clock)");
    CHECK(second >= first + kItr * 256);
    CHECK(second <= first + kItr * 256 + 2 * 30);
    CHECK(b.nic.interrupts().assertions() == 2);
    b.check_clean();
}

TEST_CASE("TIDV and RADV moderation timers delay TXDW and RXT0 on INTA#", "[nic][irq]") {
    Bench b;
    uint64_t t_tx = 0, t_rx = 0;
    uint32_t icr_tx = 0, icr_rx = 0;
    uint64_t awake_idle_before = 0, awake_idle_after = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, IMS, icr::TXDW | icr::RXT0);
        Bench::wr(hp, TIDV, 100);  // 102.4 us
        Bench::wr(hp, RDTR, 50);   // 51.2 us, restarted by every packet
        Bench::wr(hp, RADV, 80);   // 81.92 us absolute
        hp.stall_ns(1000);
        awake_idle_before = b.nic.stats().awake_clocks;
        t_tx = hp.now_ns();
        b.nic.tx_done_event(false);  // as the data path does when a descriptor with IDE is written back
        while (!b.inta_now() && hp.now_ns() < t_tx + 200000) hp.stall_ns(100);
        icr_tx = Bench::rd(hp, ICR);
        hp.stall_ns(1000);
        t_rx = hp.now_ns();
        b.nic.rx_done_event(false);
        hp.stall_ns(40000);
        b.nic.rx_done_event(false);  // RDTR restarts; RADV keeps its deadline
        hp.stall_ns(30000);
        b.nic.rx_done_event(false);
        while (!b.inta_now() && hp.now_ns() < t_rx + 200000) hp.stall_ns(100);
        icr_rx = Bench::rd(hp, ICR);
        awake_idle_after = b.nic.stats().awake_clocks;
    });
    REQUIRE(b.inta.edges.size() >= 4);
    const uint64_t tx_irq = b.inta.edges[0].first, rx_irq = b.inta.edges[2].first;
    INFO("TXDW after TIDV = 102.4 us: at " << tx_irq - t_tx << " ns");
    CHECK(icr_tx == icr::TXDW);
    CHECK(tx_irq >= t_tx + 102400);
    CHECK(tx_irq <= t_tx + 102400 + 2 * 30);
    INFO("RXT0 at RADV = 81.92 us although packets kept restarting RDTR: at " << rx_irq - t_rx << " ns");
    CHECK(icr_rx == icr::RXT0);
    CHECK(rx_irq >= t_rx + 81920);
    CHECK(rx_irq <= t_rx + 81920 + 2 * 30);
    INFO("the NIC sleeps through the delays: far fewer awake clocks than bus clocks ("
         << awake_idle_after - awake_idle_before << ")");
    CHECK(awake_idle_after - awake_idle_before < 2000);
    b.check_clean();
}

TEST_CASE("link changes raise LSC and STATUS follows CTRL.SLU and the link", "[nic][irq]") {
    nic::NicParams p;
    p.link_mbps = 100;
    Bench b(p);
    uint32_t st_down = 0, st_up = 0, st_lost = 0, icr_up = 0, icr_lost = 0;
    bool inta_lost = false;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        st_down = Bench::rd(hp, STATUS);
        Bench::wr(hp, CTRL, ctrl::SLU::mask);
        st_up = Bench::rd(hp, STATUS);
        icr_up = Bench::rd(hp, ICR);
        Bench::wr(hp, IMS, icr::LSC);
        b.nic.set_link(false);
        hp.stall_ns(500);
        inta_lost = b.inta_now();
        st_lost = Bench::rd(hp, STATUS);
        icr_lost = Bench::rd(hp, ICR);
    });
    const uint32_t speed100 = status::SPEED::make(status::kSpeed100);
    INFO("link up needs CTRL.SLU; speed bits say 100 Mb/s");
    CHECK(st_down == (status::FD::mask | speed100));
    CHECK(st_up == (status::FD::mask | status::LU::mask | speed100));
    CHECK(icr_up == icr::LSC);
    INFO("losing the link clears LU, raises LSC and (unmasked) INTA#");
    CHECK(inta_lost);
    CHECK(st_lost == (status::FD::mask | speed100));
    CHECK(icr_lost == icr::LSC);
    b.check_clean();
}

TEST_CASE("an idle NIC is not evaluated", "[nic][regs]") {
    Bench b;
    uint64_t before = 0, after = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::rd(hp, STATUS);
        hp.stall_ns(1000);
        before = b.nic.stats().awake_clocks;
        hp.stall_ns(1000000);  // 1 ms of idle bus: ~33000 clocks
        after = b.nic.stats().awake_clocks;
    });
    INFO("awake clocks during 1 ms of idle bus: " << after - before);
    CHECK(after - before <= 2);
    b.check_clean();
}

namespace {
/// Collects what the NIC transmits.
struct WireCatcher : net::WireSink {
    std::vector<net::Frame> frames;
    void transmit(const net::Frame& f) override { frames.push_back(f); }
};
}  // namespace

TEST_CASE("a frame queued on the TX ring leaves on the wire with DD and TXDW", "[nic][irq]") {
    Bench b;
    WireCatcher wire;
    b.nic.set_wire(&wire);
    constexpr uint64_t kRing = 0x100000, kBuf = 0x200000;
    std::vector<uint8_t> frame(60);
    for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i < 6 ? 0xFF : i);
    TxDesc d0;
    bool inta = false;
    uint32_t icr = 0, tdh = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp, cfg::kCmdBusMaster);
        hp.memory().write(kBuf, frame.data(), frame.size());
        TxDesc d;
        d.set_addr(kBuf);
        d.set_length(static_cast<uint16_t>(frame.size()));
        d.set_cmd(TxDesc::kCmdEop | TxDesc::kCmdIfcs | TxDesc::kCmdRs);
        hp.memory().write(kRing, d.b, sizeof d.b);
        Bench::wr(hp, CTRL, ctrl::SLU::mask);
        Bench::rd(hp, ICR);
        Bench::wr(hp, IMS, icr::TXDW);
        Bench::wr(hp, TDBAL, static_cast<uint32_t>(kRing));
        Bench::wr(hp, TDBAH, 0);
        Bench::wr(hp, TDLEN, kRingAlignBytes);
        Bench::wr(hp, TDH, 0);
        Bench::wr(hp, TDT, 0);
        Bench::wr(hp, TCTL, tctl::EN::mask | tctl::PSP::mask);
        Bench::wr(hp, TDT, 1);
        const uint64_t t0 = hp.now_ns();
        while (!b.inta_now() && hp.now_ns() < t0 + 100000) hp.stall_ns(200);
        inta = b.inta_now();
        hp.memory().read(kRing, d0.b, sizeof d0.b);
        tdh = Bench::rd(hp, TDH);
        icr = Bench::rd(hp, ICR);
    });
    INFO("the data path fetched the descriptor and the buffer by DMA through the NIC's master engine");
    REQUIRE(wire.frames.size() == 1);
    CHECK(wire.frames[0].bytes.size() >= frame.size());
    CHECK(std::equal(frame.begin(), frame.end(), wire.frames[0].bytes.begin()));
    INFO("DD written back, TDH advanced, TXDW raised on INTA#");
    CHECK((d0.sta() & TxDesc::kStaDd) != 0);
    CHECK(tdh == 1u);
    CHECK(inta);
    CHECK((icr & icr::TXDW) != 0);
    CHECK(b.nic.master().stats().transactions > 0);
    b.check_clean();
}

TEST_CASE("a DMA nobody claims latches Received Master Abort in the Status register", "[nic][config]") {
    Bench b;
    test::expect_reports("nicsim/nic/dma-bus-error", 1);
    uint32_t sts = 0, sts_cleared = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp, cfg::kCmdBusMaster);
        // The TX ring inside the bridge's MMIO window, where no device answers: the descriptor fetch master-aborts.
        Bench::wr(hp, TDBAL, 0xF0000000u);
        Bench::wr(hp, TDLEN, kRingAlignBytes);
        Bench::wr(hp, TCTL, tctl::EN::mask);
        Bench::wr(hp, TDT, 1);
        hp.stall_ns(20000);
        sts = hp.config_read(b.dev, cfg::kStatus, 2);
        hp.config_write(b.dev, cfg::kStatus, 2, cfg::kStsReceivedMasterAbort);
        sts_cleared = hp.config_read(b.dev, cfg::kStatus, 2);
    });
    INFO("Status = " << std::hex << sts);
    CHECK((sts & cfg::kStsReceivedMasterAbort) != 0);
    CHECK(b.nic.master().stats().master_aborts >= 1);
    CHECK(test::reports_seen("nicsim/nic/dma-bus-error") >= 1);
    INFO("the bit clears on writing 1");
    CHECK((sts_cleared & cfg::kStsReceivedMasterAbort) == 0);
    b.check_clean();
}

TEST_CASE("a received frame lands in the RX ring and raises RXT0 after RDTR", "[nic][irq]") {
    nic::NicParams p;
    Bench b(p);
    constexpr uint64_t kRing = 0x300000, kBuf = 0x400000;
    constexpr uint32_t kRdtr = 20;  // 20.48 us
    net::Frame f;
    f.bytes.assign(64, 0);
    std::copy(p.mac, p.mac + 6, f.bytes.begin());  // to our own address (RAL0/RAH0 from the EEPROM)
    for (size_t i = 6; i < f.bytes.size(); ++i) f.bytes[i] = static_cast<uint8_t>(i * 3);
    RxDesc r0;
    uint64_t t0 = 0;
    uint32_t icr = 0, rdh = 0, gprc = 0;
    std::vector<uint8_t> got(64);
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp, cfg::kCmdBusMaster);
        for (unsigned i = 0; i < 8; ++i) {
            RxDesc d;
            d.set_addr(kBuf + 2048 * i);
            hp.memory().write(kRing + 16 * i, d.b, sizeof d.b);
        }
        Bench::wr(hp, CTRL, ctrl::SLU::mask);
        Bench::rd(hp, ICR);
        Bench::wr(hp, IMS, icr::RXT0);
        Bench::wr(hp, RDTR, kRdtr);
        Bench::wr(hp, RDBAL, static_cast<uint32_t>(kRing));
        Bench::wr(hp, RDLEN, kRingAlignBytes);
        Bench::wr(hp, RDH, 0);
        Bench::wr(hp, RCTL, rctl::EN::mask | rctl::BAM::mask);
        Bench::wr(hp, RDT, 7);
        hp.stall_ns(2000);
        t0 = hp.now_ns();
        b.nic.receive(f);
        while (!b.inta_now() && hp.now_ns() < t0 + 200000) hp.stall_ns(100);
        hp.memory().read(kRing, r0.b, sizeof r0.b);
        hp.memory().read(kBuf, got.data(), got.size());
        rdh = Bench::rd(hp, RDH);
        icr = Bench::rd(hp, ICR);
        gprc = Bench::rd(hp, GPRC);
    });
    INFO("the frame is in the first buffer, the descriptor has DD and EOP, RDH advanced, GPRC counted it");
    CHECK((r0.status() & RxDesc::kStaDd) != 0);
    CHECK((r0.status() & RxDesc::kStaEop) != 0);
    CHECK(r0.length() >= 60);
    CHECK(std::equal(f.bytes.begin(), f.bytes.begin() + 60, got.begin()));
    CHECK(rdh == 1u);
    CHECK(gprc == 1u);
    INFO("RXT0 arrives RDTR = 20.48 us after the write-back, not at once");
    REQUIRE(!b.inta.edges.empty());
    CHECK((icr & icr::RXT0) != 0);
    CHECK(b.inta.edges[0].first >= t0 + kRdtr * 1024);
    CHECK(b.nic.interrupts().rx_timer_fires() == 1);
    b.check_clean();
}

TEST_CASE("a write with bad data parity sets Detected Parity Error in the NIC", "[nic][config]") {
    Bench b;
    test::expect_reports("nicsim/nic/parity", 1);
    test::expect_reports("nicsim/pci/monitor/rule9", 1);
    test::expect_reports("nicsim/host/", 1);
    uint32_t sts = 0, sts_before = 0, tipg = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp, cfg::kCmdParityResponse);
        sts_before = hp.config_read(b.dev, cfg::kStatus, 2);
        b.bridge.master().faults().bad_data_parity = true;
        Bench::wr(hp, TIPG, 0x00602008u);
        hp.stall_ns(1000);
        sts = hp.config_read(b.dev, cfg::kStatus, 2);
        tipg = Bench::rd(hp, TIPG);
    });
    INFO("Status before " << std::hex << sts_before << ", after " << sts);
    CHECK((sts_before & cfg::kStsDetectedParity) == 0);
    CHECK((sts & cfg::kStsDetectedParity) != 0);
    CHECK(b.nic.target().stats().parity_errors == 1);
    CHECK(test::reports_seen("nicsim/nic/parity") == 1);
    INFO("the monitor saw the bad PAR and nothing else");
    CHECK(b.monitor.violations() == b.monitor.violations(pci::Rule::Parity));
    (void)tipg;
}

TEST_CASE("bad device parameters are diagnosed and replaced by safe values", "[nic][regs]") {
    test::expect_reports("nicsim/nic/params", 2);
    nic::NicParams p;
    p.link_mbps = 55;
    p.dma_address_bits = 40;
    Bench b(p);
    uint32_t st = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        st = Bench::rd(hp, STATUS);
    });
    INFO("two diagnostics, then 1000 Mb/s and 32-bit DMA (no DAC)");
    CHECK(test::reports_seen("nicsim/nic/params") == 2);
    CHECK(status::SPEED::get(st) == status::kSpeed1000);
    CHECK(b.nic.params().dma_address_bits == 32);
    CHECK_FALSE(b.nic.master().config().dac_capable);
    b.check_clean();
}

TEST_CASE("the VCD shows the NIC's interrupt state and ring registers", "[nic][irq][traces]") {
    const std::string path = "nic_front_trace_test";
    {
        Bench b;
        nicsim::Tracer tracer(path);
        b.bus.trace(tracer.file());
        b.nic.trace(tracer.file());
        b.run([&](hostdrv::HostPlatform& hp) {
            b.enable(hp);
            Bench::wr(hp, IMS, icr::TXDW);
            Bench::wr(hp, ICS, icr::TXDW);
            Bench::wr(hp, CTRL, ctrl::SLU::mask);
            hp.stall_ns(500);
            Bench::rd(hp, ICR);
        });
        b.check_clean();
    }
    REQUIRE(std::ifstream(path + ".vcd").good());
    const std::string vcd = nicsim::test::slurp(path + ".vcd");
    INFO("every NIC signal is declared under scope nic");
    CHECK(vcd.find("$scope module nic $end") != std::string::npos);
    for (const char* sig : {"INTA", "awake", "ICR", "IMS", "CTRL", "RCTL", "TCTL", "TDH", "TDT", "RDH", "RDT"}) {
        INFO(sig);
        CHECK(vcd.find(std::string(" ") + sig + " ") != std::string::npos);
    }
    INFO("CTRL changed to SLU and ICR to TXDW at some point");
    CHECK(vcd.find("b1000000 ") != std::string::npos);
    CHECK(vcd.find("b1 ") != std::string::npos);
    std::remove((path + ".vcd").c_str());
}

TEST_CASE("every plain R/W register holds what is written and every statistics counter clears on read", "[nic][regs]") {
    Bench b;
    // Registers the data path acts on (rings, enables, thresholds) are covered by their own tests.
    const std::vector<uint32_t> skip = {RCTL,  TCTL,  TDBAL, TDBAH, TDLEN,  TDH,    TDT,  RDBAL,
                                        RDBAH, RDLEN, RDH,   RDT,   TXDCTL, RXDCTL, RAL0, RAH0};
    std::vector<uint32_t> rw, stats;
    for (uint32_t off = 0; off < PBM; off += 4) {  // the 64 KB of packet buffer memory has a test of its own
        if (std::find(skip.begin(), skip.end(), off) != skip.end()) continue;
        const nic::RegisterSpec* s = b.nic.registers().spec(off);
        if (!s || s->hooks != nic::kNoHook) continue;  // registers with side effects have their own tests
        if (s->access == nic::Access::RW) rw.push_back(off);
        if (s->access == nic::Access::ReadClear) stats.push_back(off);
    }
    std::vector<uint32_t> ones, zeros, first, second;
    b.run(
        [&](hostdrv::HostPlatform& hp) {
            b.enable(hp);
            for (uint32_t off : rw) {
                Bench::wr(hp, off, 0xFFFFFFFFu);
                ones.push_back(Bench::rd(hp, off));
                Bench::wr(hp, off, 0);
                zeros.push_back(Bench::rd(hp, off));
            }
            for (uint32_t off : stats) {
                b.nic.add_stat(off, 7);
                first.push_back(Bench::rd(hp, off));
                second.push_back(Bench::rd(hp, off));
            }
        },
        sc_time(200, SC_MS));
    INFO(rw.size() << " R/W registers, " << stats.size() << " statistics counters");
    CHECK(rw.size() >= 14 + 2 * 128 + 2 * 15);  // control registers, MTA, VFTA, RAL/RAH 1..15
    CHECK(stats.size() >= 50);
    REQUIRE(ones.size() == rw.size());
    REQUIRE(first.size() == stats.size());
    for (size_t i = 0; i < rw.size(); ++i) {
        INFO("register 0x" << std::hex << rw[i]);
        // The manual's writable bits: RAH 31, 17:0 (section 13.5.3), AIT 15:0 (section 13.4.35), VET 15:0 (the VLAN
        // Ether Type, bits 31:16 reserved, section 13.4), RSRPD 11:0 (SIZE, section 3.2.7.2); all bits elsewhere.
        uint32_t expect = 0xFFFFFFFFu;
        if (rw[i] >= RAL0 && rw[i] < RAL0 + 8 * kRaEntries && (rw[i] & 4))
            expect = rahf::RAH::mask | rahf::ASEL::mask | rahf::AV::mask;
        if (rw[i] == AIT || rw[i] == VET) expect = 0x0000FFFFu;
        if (rw[i] == RSRPD) expect = 0x00000FFFu;
        CHECK(ones[i] == expect);
        CHECK(zeros[i] == 0u);
    }
    // 8254x manual, section 13.7: a 64-bit counter clears when its high dword is read, not its low one.
    const std::vector<uint32_t> low_halves = {GORCL, GOTCL, TORL, TOTL};
    for (size_t i = 0; i < stats.size(); ++i) {
        INFO("statistics register 0x" << std::hex << stats[i]);
        const bool low_half = std::find(low_halves.begin(), low_halves.end(), stats[i]) != low_halves.end();
        CHECK(first[i] == 7u);
        CHECK(second[i] == (low_half ? 7u : 0u));
    }
    b.check_clean();
}

TEST_CASE("IOADDR beyond the register space and EERD beyond the EEPROM are diagnosed", "[nic][regs][eeprom]") {
    Bench b;
    test::expect_reports("nicsim/nic/register-offset", 2);
    test::expect_reports("nicsim/nic/eeprom-address", 1);
    uint32_t io_val = 1, eerd = 0, status_after = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        hp.io_write(kBar2 + IOADDR, 4, kBar0Size + 0x40);
        io_val = hp.io_read(kBar2 + IODATA, 4);
        hp.io_write(kBar2 + IODATA, 4, 0x12345678u);
        Bench::wr(hp, EERD, eerd::START::mask | eerd::ADDR::make(0x40));
        hp.stall_ns(1000);
        eerd = Bench::rd(hp, EERD);
        status_after = Bench::rd(hp, STATUS);
    });
    INFO("IODATA outside the 128 KiB space reads 0; the read and the write are each diagnosed");
    CHECK(io_val == 0u);
    CHECK(test::reports_seen("nicsim/nic/register-offset") == 2);
    INFO("an EERD word beyond 0x3F is diagnosed and reads as all ones");
    CHECK(test::reports_seen("nicsim/nic/eeprom-address") == 1);
    CHECK(eerd::DONE::get(eerd) == 1u);
    CHECK(eerd::DATA::get(eerd) == 0xFFFFu);
    INFO("the device keeps working");
    CHECK(status_after == 0x81u);
    b.check_clean();
}

TEST_CASE("STATUS reports a 64-bit 66 MHz bus and 10 Mb/s links", "[nic][regs]") {
    nic::NicParams p;
    p.link_mbps = 10;
    pci::BusConfig bc;
    bc.width_bits = 64;
    bc.clock_mhz = 66;
    Bench b(p, bc);
    uint32_t st = 0, sts66 = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, CTRL, ctrl::SLU::mask);
        st = Bench::rd(hp, STATUS);
        sts66 = hp.config_read(b.dev, cfg::kStatus, 2);
    });
    INFO("STATUS = 0x" << std::hex << st);
    CHECK(status::BUS64::get(st) == 1u);
    CHECK(status::PCI66::get(st) == 1u);
    CHECK(status::SPEED::get(st) == status::kSpeed10);
    CHECK(status::LU::get(st) == 1u);
    INFO("the config Status register says 66 MHz capable");
    CHECK((sts66 & cfg::kSts66MHz) != 0);
    b.check_clean();
}

namespace {

/// One register of the 8254x Family Software Developer's Manual's register summary (section 13, Table 13-2) with the
/// initial value of its bit description: `mask` selects the bits the manual gives a value for (0: the manual says X,
/// undefined, or takes the value from the EEPROM, or the register's table was not available to check against, so
/// only the register's presence is checked).
struct ManualReset {
    const char* name;
    uint32_t offset;
    uint32_t value;
    uint32_t mask;
};

// Written from the manual, independently of model/nic/register_table.h. Arrays list their first and last entry.
const ManualReset kManualResets[] = {
    {"CTRL", 0x0000, 0, 0},  // section 13.4.1: its table was not available to check against
    {"STATUS", 0x0008, 0, 0},
    {"EECD", 0x0010, 0x00000100u, 0x00000100u},  // EE_PRES: an EEPROM is attached
    {"EERD", 0x0014, 0, 0x00000011u},            // START, DONE
    {"CTRL_EXT", 0x0018, 0, 0},
    {"MDIC", 0x0020, 0, 0},
    {"FCAL", 0x0028, 0, 0},
    {"FCAH", 0x002C, 0, 0},
    {"FCT", 0x0030, 0, 0},
    // Table 13-56: VET 15:0 X ("should be programmed with 8100h"), reserved 31:16 0b.
    {"VET", 0x0038, 0, 0xFFFF0000u},
    {"ICR", 0x00C0, 0, 0xFFFFFFFFu},
    {"ITR", 0x00C4, 0, 0x0000FFFFu},
    {"IMS", 0x00D0, 0, 0xFFFFFFFFu},
    {"RCTL", 0x0100, 0, 0xFFFFFFFFu},
    {"FCTTV", 0x0170, 0, 0xFFFF0000u},  // Table 13-57: TTV 15:0 X, reserved 31:16 0b
    {"TXCW", 0x0178, 0, 0},
    {"RXCW", 0x0180, 0, 0x1FFF0000u},  // Table 13-59: RxConfigWord X; 25:16, NoCarrier, Invalid, Change 0b
    {"TCTL", 0x0400, 0, 0xFFFFFFFFu},  // section 13.4.33: every field 0b
    {"TIPG", 0x0410, 0, 0},            // section 13.4.34: IPGT, IPGR1, IPGR2 X
    {"AIT", 0x0458, 0, 0xFFFFFFFFu},   // section 13.4.35: AIFS 0b
    // Table 13-60: LED0_MODE 0010b (LINK_UP), LED1_MODE 0011b (FILTER_ACTIVITY) with LED1_BLINK 1b, LED2_MODE
    // 0110b (LINK_100), LED3_MODE 0111b (LINK_1000), every inversion and other blink bit 0b.
    {"LEDCTL", 0x0E00, (0x7u << 24) | (0x6u << 16) | (1u << 15) | (0x3u << 8) | 0x2u, 0xFFFFFFFFu},
    {"PBA", 0x1000, 0x00100030u, 0xFFFFFFFFu},  // section 13.4.16: RXA 0030h, TXA 0010h
    {"FCRTL", 0x2160, 0, 0},
    {"FCRTH", 0x2168, 0, 0},
    {"RDFH", 0x2410, 0, 0},
    {"RDFT", 0x2418, 0, 0},
    {"RDFHS", 0x2420, 0, 0},
    {"RDFTS", 0x2428, 0, 0},
    {"RDFPC", 0x2430, 0, 0},
    {"RDBAL", 0x2800, 0, 0},
    {"RDBAH", 0x2804, 0, 0},
    {"RDLEN", 0x2808, 0, 0xFFFFFFFFu},  // section 13.4.27: 0b
    {"RDH", 0x2810, 0, 0xFFFFFFFFu},    // section 13.4.28: 0b
    {"RDT", 0x2818, 0, 0xFFFFFFFFu},
    {"RDTR", 0x2820, 0, 0xFFFFFFFFu},
    // Section 13.4.46, Table 13-87: PTHRESH 5:0, reserved 7:6 and HTHRESH 13:8 0b. The rows for 31:14 (WTHRESH,
    // GRAN) were not available to check against.
    {"RXDCTL", 0x2828, 0, 0x00003FFFu},
    {"RADV", 0x282C, 0, 0xFFFFFFFFu},
    {"RSRPD", 0x2C00, 0, 0},
    {"TXDMAC", 0x3000, 0, 0},
    {"TDFH", 0x3410, 0, 0},
    {"TDFT", 0x3418, 0, 0},
    {"TDFHS", 0x3420, 0, 0},
    {"TDFTS", 0x3428, 0, 0},
    {"TDFPC", 0x3430, 0, 0},
    {"TDBAL", 0x3800, 0, 0},  // section 13.4.36: X
    {"TDBAH", 0x3804, 0, 0},  // section 13.4.37: X
    {"TDLEN", 0x3808, 0, 0xFFFFFFFFu},
    {"TDH", 0x3810, 0, 0xFFFFFFFFu},
    {"TDT", 0x3818, 0, 0xFFFFFFFFu},
    {"TIDV", 0x3820, 0, 0xFFFFFFFFu},
    {"TXDCTL", 0x3828, 0, 0xFFFFFFFFu},  // Table 13-86: PTHRESH, HTHRESH, WTHRESH, GRAN, LWTHRESH, reserved 0b
    {"TADV", 0x382C, 0, 0xFFFFFFFFu},
    {"TSPMT", 0x3830, 0, 0},             // section 13.4.45: its table was not available to check against
    {"RXCSUM", 0x5000, 0, 0xFFFFFFFFu},  // section 13.5.1: PCSS, IPOFLD, TUOFLD 0b
    {"MTA[0]", 0x5200, 0, 0},
    {"MTA[127]", 0x53FC, 0, 0},
    {"RAL[1]", 0x5408, 0, 0},  // RAL0/RAH0 hold the EEPROM's address: checked below
    {"RAH[15]", 0x547C, 0, 0},
    {"VFTA[0]", 0x5600, 0, 0},
    {"VFTA[127]", 0x57FC, 0, 0},
    {"WUC", 0x5800, 0, 0},
    {"WUFC", 0x5808, 0, 0},
    {"WUS", 0x5810, 0, 0},
    {"MANC", 0x5820, 0, 0},  // its table was not available to check against
    {"IPAV", 0x5838, 0, 0},
    {"IP4AT[0]", 0x5840, 0, 0},
    {"IP4AT[3]", 0x5858, 0, 0},
    {"IP6AT[0]", 0x5880, 0, 0},
    {"IP6AT[3]", 0x588C, 0, 0},
    {"WUPL", 0x5900, 0, 0},
    {"WUPM[0]", 0x5A00, 0, 0},
    {"WUPM[31]", 0x5A7C, 0, 0},
    {"FFLT[0]", 0x5F00, 0, 0},
    {"FFLT[3]", 0x5F18, 0, 0},
    {"FFMT[0]", 0x9000, 0, 0},
    {"FFMT[127]", 0x93F8, 0, 0},
    {"FFVT[0]", 0x9800, 0, 0},
    {"FFVT[127]", 0x9BF8, 0, 0},
    {"PBM[0]", 0x10000, 0, 0},
    {"PBM[16383]", 0x1FFFC, 0, 0},
};

// Section 13.7: the statistics block. Each counter's table gives 0b as its initial value (for example RJC, Table
// 13-129; MGTPRC, section 13.7.38; TSCTC and TSCTFC, sections 13.7.53 and 13.7.54).
const uint32_t kManualStatistics[] = {0x4000, 0x4004, 0x4008, 0x400C, 0x4010, 0x4014, 0x4018, 0x401C, 0x4020, 0x4028,
                                      0x4030, 0x4034, 0x4038, 0x403C, 0x4040, 0x4048, 0x404C, 0x4050, 0x4054, 0x4058,
                                      0x405C, 0x4060, 0x4064, 0x4068, 0x406C, 0x4070, 0x4074, 0x4078, 0x407C, 0x4080,
                                      0x4088, 0x408C, 0x4090, 0x4094, 0x40A0, 0x40A4, 0x40A8, 0x40AC, 0x40B0, 0x40B4,
                                      0x40B8, 0x40BC, 0x40C0, 0x40C4, 0x40C8, 0x40CC, 0x40D0, 0x40D4, 0x40D8, 0x40DC,
                                      0x40E0, 0x40E4, 0x40E8, 0x40EC, 0x40F0, 0x40F4, 0x40F8, 0x40FC};

}  // namespace

TEST_CASE("every register of the manual's register summary is present with its reset value", "[nic][regs]") {
    nic::NicParams p;
    Bench b(p);
    std::vector<uint32_t> got, stats;
    uint32_t ral0 = 0, rah0 = 0;
    b.run(
        [&](hostdrv::HostPlatform& hp) {
            b.enable(hp);
            for (const auto& r : kManualResets) got.push_back(Bench::rd(hp, r.offset));
            for (uint32_t off : kManualStatistics) stats.push_back(Bench::rd(hp, off));
            ral0 = Bench::rd(hp, 0x5400);
            rah0 = Bench::rd(hp, 0x5404);
        },
        sc_time(50, SC_MS));
    REQUIRE(got.size() == std::size(kManualResets));
    for (size_t i = 0; i < got.size(); ++i) {
        const ManualReset& r = kManualResets[i];
        INFO(r.name << " at 0x" << std::hex << r.offset << " reads 0x" << got[i]);
        CHECK((got[i] & r.mask) == (r.value & r.mask));
    }
    INFO("statistics are present and read 0b");
    for (uint32_t v : stats) CHECK(v == 0u);
    INFO("RAL0/RAH0: the MAC address from the EEPROM, Address Valid set (section 13.5.3)");
    CHECK(ral0 == (p.mac[0] | (p.mac[1] << 8) | (p.mac[2] << 16) | (uint32_t{p.mac[3]} << 24)));
    CHECK(rah0 == (p.mac[4] | (p.mac[5] << 8) | 0x80000000u));
    INFO("every access hit a register: no unknown-register report, no note");
    CHECK(b.nic.stats().unknown_accesses == 0);
    CHECK(b.nic.stats().notes == 0);
    b.check_clean();
}

TEST_CASE("TXDCTL and RXDCTL keep their fields, read 0 in reserved bits and reset to the manual's values",
          "[nic][regs]") {
    // 8254x manual, Tables 13-86 and 13-87: PTHRESH 5:0, HTHRESH 13:8, WTHRESH 21:16, GRAN 24, and in TXDCTL
    // LWTHRESH 31:25; bits 7:6, 15:14, 23:22 (and RXDCTL's 31:25) are reserved and read as 0b.
    const uint32_t tx_fields = 0x3Fu | (0x3Fu << 8) | (0x3Fu << 16) | (1u << 24) | (0x7Fu << 25);
    const uint32_t rx_fields = 0x3Fu | (0x3Fu << 8) | (0x3Fu << 16) | (1u << 24);
    Bench b;
    uint32_t tx_ones = 0, rx_ones = 0, tx_reset = 0, rx_reset = 0, rx_power_up = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        rx_power_up = Bench::rd(hp, RXDCTL);
        Bench::wr(hp, TXDCTL, 0xFFFFFFFFu);
        Bench::wr(hp, RXDCTL, 0xFFFFFFFFu);
        tx_ones = Bench::rd(hp, TXDCTL);
        rx_ones = Bench::rd(hp, RXDCTL);
        Bench::wr(hp, CTRL, ctrl::RST::mask);
        tx_reset = Bench::rd(hp, TXDCTL);
        rx_reset = Bench::rd(hp, RXDCTL);
    });
    CHECK(tx_ones == tx_fields);
    CHECK(rx_ones == rx_fields);
    INFO(
        "CTRL.RST: TXDCTL all 0b (Table 13-86); RXDCTL PTHRESH, HTHRESH and the bits between 0b (Table 13-87), the "
        "rest as at power-up");
    CHECK(tx_reset == 0u);
    CHECK((rx_reset & 0x3FFFu) == 0u);
    CHECK(rx_reset == rx_power_up);
    b.check_clean();
}

TEST_CASE("writes to read-only registers and accesses to other parts' registers are notes, not warnings",
          "[nic][regs]") {
    Bench b;
    const unsigned ro_before = test::notes_seen("nicsim/nic/note/ro-write");
    const unsigned absent_before = test::notes_seen("nicsim/nic/note/absent-register");
    uint32_t status = 0, crc = 1, iac = 1, rlpic = 1, wus = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, 0x0008, 0xFFFFFFFFu);  // STATUS
        Bench::wr(hp, 0x4000, 0x12345678u);  // CRCERRS
        status = Bench::rd(hp, 0x0008);
        crc = Bench::rd(hp, 0x4000);
        iac = Bench::rd(hp, 0x4100);    // IAC of the 8257x
        rlpic = Bench::rd(hp, 0x414C);  // RLPIC of later parts
        Bench::wr(hp, 0x4100, 1);
        Bench::wr(hp, 0x5810, 0xFFFFFFFFu);  // WUS: write 1 to clear, legal
        wus = Bench::rd(hp, 0x5810);
    });
    INFO("the writes changed nothing");
    CHECK(status == 0x81u);
    CHECK(crc == 0u);
    CHECK(wus == 0u);
    INFO("registers this part lacks read 0");
    CHECK(iac == 0u);
    CHECK(rlpic == 0u);
    CHECK(test::notes_seen("nicsim/nic/note/ro-write") - ro_before == 2);
    CHECK(test::notes_seen("nicsim/nic/note/absent-register") - absent_before == 3);
    CHECK(b.nic.stats().notes == 5);
    CHECK(b.nic.stats().unknown_accesses == 0);
    CHECK(b.nic.stats().diagnostics == 0);
    b.check_clean();
}

TEST_CASE("PBA's TXA follows RXA and EECD keeps EE_PRES under software writes", "[nic][regs]") {
    Bench b;
    uint32_t pba = 0, eecd = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, 0x1000, 0xFFFF0028u);  // RXA 40 KB; TXA is read-only
        pba = Bench::rd(hp, 0x1000);
        Bench::wr(hp, 0x0010, 0xFFFFFFFFu);
        eecd = Bench::rd(hp, 0x0010);
    });
    INFO("section 13.4.16: TXA = 64 - RXA");
    CHECK(pba == ((24u << 16) | 40u));
    INFO(
        "section 13.4.3: SK, CS, DI, FWE, EE_REQ written; EE_REQ is granted (EE_GNT, bit 7); EE_PRES stays; DO "
        "(bit 3) is the EEPROM's output, not checked here");
    CHECK((eecd & ~0x08u) == (0x77u | 0x80u | 0x100u));
    b.check_clean();
}

TEST_CASE("a byte write to ICR clears only the causes in the enabled byte", "[nic][irq][regs]") {
    Bench b;
    uint32_t icr = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, ICS, icr::TXDW | icr::LSC | icr::TXD_LOW | icr::SRPD);  // causes in bytes 0, 1 and 2
        hp.mmio_write(kBar0 + ICR, 1, 0xFF);                                  // byte 0: clear TXDW and LSC
        icr = Bench::rd(hp, ICR);
    });
    INFO("ICR = 0x" << std::hex << icr << ": a write of 1 clears a cause, bytes not enabled write nothing");
    CHECK(icr == (icr::TXD_LOW | icr::SRPD));
    b.check_clean();
}

TEST_CASE("TDLEN and RDLEN ignore their low seven bits", "[nic][regs]") {
    Bench b;
    uint32_t tdlen = 0, rdlen = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        Bench::wr(hp, TDLEN, 0x0000107Fu);
        Bench::wr(hp, RDLEN, 0xFFFFFFFFu);
        tdlen = Bench::rd(hp, TDLEN);
        rdlen = Bench::rd(hp, RDLEN);
    });
    INFO("8254x manual, sections 13.4.27 and 13.4.38: LEN is bits 19:7, bits 6:0 read 0, bits 31:20 are reserved");
    CHECK(tdlen == 0x00001000u);
    CHECK(rdlen == 0x000FFF80u);
    b.check_clean();
}
