// The TLM-2.0 fast mode against the pin-level machine, both from build_machine as nicsim builds them: the same driver
// stack and NIC, the same seeded traffic, the same wire output and indications, and, with interrupts unmoderated, the
// same host memory (descriptor rings and packet buffers) at the end.
#include <catch2/catch.hpp>

#include <vector>

#include "hostdrv/miniport/e1000_miniport.h"
#include "model/nic/e1000_regs.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/traffic_harness.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim;
using namespace sc_core;

namespace {

constexpr uint8_t kPeer[6] = {0x02, 0, 0, 0, 0, 0x02};  // the harness's far end

tb::MachineConfig machine_config(tb::BusModel model) {
    tb::MachineConfig c;
    c.bus_model = model;
    c.bus.width_bits = 64;
    c.bus.clock_mhz = 66;
    return c;
}

/// The pin-level and the fast machine of one configuration.
struct Pair {
    std::unique_ptr<tb::MachineBase> pin_machine = tb::build_machine("pin", machine_config(tb::BusModel::Pin));
    std::unique_ptr<tb::MachineBase> fast_machine = tb::build_machine("fast", machine_config(tb::BusModel::Tlm));
    tb::Machine& pin = *pin_machine->pin();
    fast::FastMachine& fst = fast_machine->tlm()->fast;
};

std::vector<uint8_t> read_mem(host::HostMemory& m, uint64_t addr, size_t len) {
    std::vector<uint8_t> v(len);
    m.read(addr, v.data(), len);
    return v;
}

uint64_t le64(const std::vector<uint8_t>& b, size_t at) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
    return v;
}

uint64_t ring_base(const nic::Nic82540em& n, uint32_t bal) {
    return n.reg(bal) | (static_cast<uint64_t>(n.reg(bal + 4)) << 32);
}

/// Run until both harnesses are done (or `limit` of simulated time), then a short tail for the last write-backs.
void run_both(tb::TrafficHarness& a, tb::TrafficHarness& b, const sc_time& limit) {
    while ((!a.done() || !b.done()) && sc_time_stamp() < limit) sc_start(sc_time(50, SC_US));
    sc_start(sc_time(50, SC_US));
}

tb::HarnessConfig harness_config() {
    tb::HarnessConfig hc;
    hc.seed = 7;
    hc.tx_packets = 40;
    hc.rx_packets = 40;
    hc.frame_size = 700;
    hc.window = 16;
    return hc;
}

/// Both machines carried the traffic their own way, and the frames on the wire and those indicated are the same.
void check_same_traffic(Pair& m, tb::TrafficHarness& hp, tb::TrafficHarness& hf, const tb::HarnessConfig& hc) {
    tb::Machine& pin = m.pin;
    fast::FastMachine& fst = m.fst;
    INFO("both programs finished without a driver failure");
    REQUIRE(hp.done());
    REQUIRE(hf.done());
    CHECK(hp.failure().empty());
    CHECK(hf.failure().empty());

    INFO(
        "the fast machine really bypassed the bus: its bridge and DMA port carried the traffic, its master engine "
        "ran no transaction, while the pin-level machine's monitor saw bus cycles and no violation");
    CHECK(fst.bridge.stats().mem_cycles > 0);
    CHECK(fst.dma.stats().requests > 0);
    CHECK(fst.nic.master().stats().transactions == 0);
    CHECK(pin.nic.master().stats().transactions > 0);
    CHECK(pin.monitor.violations() == 0);
    CHECK(fst.verifier.violations() == 0);
    CHECK(pin.host.verifier.violations() == 0);

    INFO("every sent frame left the wire, in the same order with the same bytes in both modes");
    REQUIRE(hp.transmitted().size() == hc.tx_packets);
    REQUIRE(hf.transmitted().size() == hc.tx_packets);
    for (size_t i = 0; i < hc.tx_packets; ++i) {
        INFO("TX frame " << i);
        CHECK(hp.transmitted()[i] == hf.transmitted()[i]);
        CHECK(hf.transmitted()[i] ==
              tb::TrafficHarness::make_frame(hc.seed, 1, i, hc.frame_size, kPeer, fst.nic.params().mac));
    }

    INFO("every injected frame was indicated to the protocol, in the same order with the same bytes");
    REQUIRE(hp.received() == hc.rx_packets);
    REQUIRE(hf.received() == hc.rx_packets);
    for (size_t i = 0; i < hc.rx_packets; ++i) {
        INFO("RX frame " << i);
        CHECK(hp.ndis()->received()[i].bytes == hf.ndis()->received()[i].bytes);
    }
}

}  // namespace

TEST_CASE("fast mode and pin-level bus give the same wire output and host memory", "[fast][equivalence]") {
    Pair m;
    tb::Machine& pin = m.pin;
    fast::FastMachine& fst = m.fst;
    // One interrupt per frame: the driver then frees each send's pages at the same point of the traffic in both
    // modes, and its page allocator hands out the same addresses. Moderated, the modes' interrupts gather
    // different sets of completions (the fast mode's timing is close, not equal) and the addresses may differ.
    tb::HarnessConfig hc = harness_config();
    hc.registry = {{miniport::kKeyItr, 0}};
    tb::TrafficHarness hp("pin_harness", hc, *m.pin_machine);
    tb::TrafficHarness hf("fast_harness", hc, *m.fast_machine);
    run_both(hp, hf, sc_time(100, SC_MS));
    check_same_traffic(m, hp, hf, hc);

    INFO("the rings sit at the same addresses and hold the same descriptors");
    using namespace nicsim::e1000;
    for (uint32_t off : {TDBAL, TDBAL + 4, TDLEN, RDBAL, RDBAL + 4, RDLEN}) {
        INFO("register offset " << off);
        CHECK(pin.nic.reg(off) == fst.nic.reg(off));
    }
    const uint64_t tdba = ring_base(pin.nic, TDBAL), rdba = ring_base(pin.nic, RDBAL);
    const uint32_t tdlen = pin.nic.reg(TDLEN), rdlen = pin.nic.reg(RDLEN);
    REQUIRE(tdlen >= 128);
    REQUIRE(rdlen >= 128);
    const auto tx_ring = read_mem(pin.host.memory, tdba, tdlen);
    const auto rx_ring = read_mem(pin.host.memory, rdba, rdlen);
    CHECK(tx_ring == read_mem(fst.memory, tdba, tdlen));
    CHECK(rx_ring == read_mem(fst.memory, rdba, rdlen));

    INFO("every packet buffer a descriptor points at holds the same bytes");
    size_t buffers = 0;
    for (const auto* ring : {&tx_ring, &rx_ring}) {
        const bool rx = ring == &rx_ring;
        for (size_t d = 0; d + 16 <= ring->size(); d += 16) {
            const uint64_t addr = le64(*ring, d);
            const size_t len = rx ? 2048 : ((*ring)[d + 8] | ((*ring)[d + 9] << 8));
            if (addr == 0 || len == 0) continue;
            INFO((rx ? "RX" : "TX") << " descriptor " << d / 16 << " buffer at " << addr);
            CHECK(read_mem(pin.host.memory, addr, len) == read_mem(fst.memory, addr, len));
            ++buffers;
        }
    }
    CHECK(buffers > 0);
}

TEST_CASE("with the driver's default interrupt moderation the modes give the same wire output and indications",
          "[fast][equivalence]") {
    Pair m;
    const tb::HarnessConfig hc = harness_config();
    tb::TrafficHarness hp("pin_harness", hc, *m.pin_machine);
    tb::TrafficHarness hf("fast_harness", hc, *m.fast_machine);
    run_both(hp, hf, sc_time(100, SC_MS));
    check_same_traffic(m, hp, hf, hc);
    INFO("both drivers moderated: ITR 200, and fewer interrupts than half the frames moved");
    CHECK(m.pin.nic.reg(nicsim::e1000::ITR) == 200u);
    CHECK(m.fst.nic.reg(nicsim::e1000::ITR) == 200u);
    const uint64_t frames = hc.tx_packets + hc.rx_packets;
    CHECK(m.pin_machine->host_cpu().stats().interrupts < frames / 2);
    CHECK(m.fast_machine->host_cpu().stats().interrupts < frames / 2);
}

TEST_CASE("fast mode runs the traffic with fewer kernel evaluations of the NIC than the pin-level bus",
          "[fast][speed]") {
    // The fast mode's point: the same frames with no bus phases to evaluate. The NIC's clocked method is evaluated
    // on fewer clocks because a DMA request does not wait for arbitration and data phases clock by clock.
    Pair m;
    tb::Machine& pin = m.pin;
    fast::FastMachine& fst = m.fst;
    tb::HarnessConfig hc;
    hc.seed = 3;
    hc.tx_packets = 20;
    hc.rx_packets = 20;
    hc.frame_size = 1514;
    tb::TrafficHarness hp("pin_harness", hc, *m.pin_machine);
    tb::TrafficHarness hf("fast_harness", hc, *m.fast_machine);
    run_both(hp, hf, sc_time(100, SC_MS));
    REQUIRE(hp.done());
    REQUIRE(hf.done());
    INFO("same frames through both NICs");
    CHECK(pin.nic.data_path().stats().tx_frames == fst.nic.data_path().stats().tx_frames);
    CHECK(pin.nic.data_path().stats().rx_frames == fst.nic.data_path().stats().rx_frames);
    INFO("pin-level NIC awake clocks " << pin.nic.stats().awake_clocks << ", fast NIC "
                                       << fst.nic.stats().awake_clocks);
    CHECK(fst.nic.stats().awake_clocks < pin.nic.stats().awake_clocks);
}

TEST_CASE(
    "fast bridge answers an empty configuration slot with all ones and an unclaimed MMIO read is a master "
    "abort",
    "[fast][bridge]") {
    nicsim::test::expect_reports("nicsim/fast/master-abort", 1);
    const auto machine = tb::build_machine("fast", machine_config(tb::BusModel::Tlm));
    fast::FastMachine& fst = machine->tlm()->fast;
    uint32_t empty_cfg = 0, vendor = 0, unclaimed = 0;
    uint64_t errors = 0;
    tb::install_program(*machine, [&](hostdrv::HostPlatform& hp) {
        empty_cfg = hp.config_read(fst.nic.device_number() + 1, 0, 4);
        vendor = hp.config_read(fst.nic.device_number(), 0, 2);
        unclaimed = hp.mmio_read(0xF000'0000u, 4);  // BAR0 is not assigned yet: nobody claims it
        errors = fst.cpu.stats().bus_errors;
    });
    fst.cpu.set_stop_when_done(true);
    sc_start(sc_time(1, SC_MS));
    INFO("an empty slot reads all ones without an error response, as on the pin-level bridge");
    CHECK(empty_cfg == 0xFFFFFFFFu);
    INFO("the NIC's vendor ID comes straight from its configuration space");
    CHECK(vendor == 0x8086u);
    INFO("an MMIO read nobody claims is a master abort: all ones and an error response");
    CHECK(unclaimed == 0xFFFFFFFFu);
    CHECK(errors == 1);
    CHECK(fst.bridge.stats().master_aborts == 2);
    CHECK(nicsim::test::reports_seen("nicsim/fast/master-abort") == 1);
}

TEST_CASE("fast mode DMA outside every verifier window ends in a target abort the NIC reports", "[fast][dma]") {
    // A TX ring the driver never handed to the device: the verifier refuses the descriptor fetch, the fast DMA port
    // completes it as a target abort, and the NIC latches Received Target Abort and diagnoses the bus error.
    nicsim::test::expect_reports("nicsim/host/verifier", 1);
    nicsim::test::expect_reports("nicsim/nic/", 1);
    const auto machine = tb::build_machine("fast", machine_config(tb::BusModel::Tlm));
    fast::FastMachine& fst = machine->tlm()->fast;
    constexpr uint32_t kBar0 = 0xF000'0000u;
    uint32_t status = 0;
    tb::install_program(*machine, [&](hostdrv::HostPlatform& hp) {
        using namespace nicsim::e1000;
        const unsigned dev = fst.nic.device_number();
        hp.config_write(dev, pci::cfg::kBar0, 4, kBar0);
        hp.config_write(dev, pci::cfg::kCommand, 2, pci::cfg::kCmdMemSpace | pci::cfg::kCmdBusMaster);
        hp.mmio_write(kBar0 + TDBAL, 4, 0x0010'0000u);  // never allowed: outside every verifier window
        hp.mmio_write(kBar0 + TDBAL + 4, 4, 0);
        hp.mmio_write(kBar0 + TDLEN, 4, 128);
        hp.mmio_write(kBar0 + TCTL, 4, tctl::EN::make(1));
        hp.mmio_write(kBar0 + TDBAL + 0x18, 4, 1);  // TDT: one descriptor for the device
        hp.stall_ns(20'000);
        status = hp.config_read(dev, pci::cfg::kStatus, 2);
    });
    fst.cpu.set_stop_when_done(true);
    sc_start(sc_time(1, SC_MS));
    INFO("the verifier refused the fetch and the port answered it with an error");
    CHECK(fst.verifier.violations() >= 1);
    CHECK(fst.dma.stats().errors >= 1);
    INFO("the NIC saw a target abort: status bit and a DMA diagnostic");
    CHECK((status & pci::cfg::kStsReceivedTargetAbort) != 0);
    CHECK(nicsim::test::reports_seen("nicsim/nic/dma-bus-error") >= 1);
    INFO("no frame left the NIC");
    CHECK(fst.nic.data_path().stats().tx_frames == 0);
}

TEST_CASE("fast bridge puts a CPU access's bytes on their byte lanes: dwords, words and bytes agree",
          "[fast][bridge]") {
    const auto machine = tb::build_machine("fast", machine_config(tb::BusModel::Tlm));
    fast::FastMachine& fst = machine->tlm()->fast;
    uint32_t id = 0, device = 0, vendor_high = 0, dword_0c = 0, latency = 0, bar0 = 0;
    tb::install_program(*machine, [&](hostdrv::HostPlatform& hp) {
        const unsigned dev = fst.nic.device_number();
        hp.config_write(dev, pci::cfg::kBar0, 4, 0xF000'0000u);  // a dword write
        bar0 = hp.config_read(dev, pci::cfg::kBar0, 4);
        id = hp.config_read(dev, 0, 4);
        device = hp.config_read(dev, 2, 2);
        vendor_high = hp.config_read(dev, 1, 1);
        hp.config_write(dev, 0x0D, 1, 0x5A);  // the latency timer, one byte
        dword_0c = hp.config_read(dev, 0x0C, 4);
        latency = hp.config_read(dev, 0x0D, 1);
    });
    fst.cpu.set_stop_when_done(true);
    sc_start(sc_time(1, SC_MS));
    CHECK(bar0 == 0xF000'0000u);             // a 32-bit, non-prefetchable memory BAR
    CHECK(id == (0x100Eu << 16 | 0x8086u));  // 82540EM
    CHECK(device == 0x100Eu);
    CHECK(vendor_high == 0x80u);
    CHECK(((dword_0c >> 8) & 0xFFu) == 0x5Au);
    CHECK(latency == 0x5Au);
}
