// NIC data path on the real PCI bus: the PciMasterEngine is the DMA engine's port, an arbiter grants the bus, a memory
// target answers with the fake host's bytes, and the bus monitor checks every clock. Frames move TX and RX with
// max_transfer splitting; the bytes match and the monitor reports no violation.
#include "testbench/tests/nic/test_datapath_bus_fixture.h"

#include "model/nic/mac.h"

using namespace nicsim::test::dp;
using namespace nicsim::pci;

namespace {

const uint8_t kDst[6] = {0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC};

/// A memory target in front of the fake host's pages: claims memory commands to allocated regions.
struct MemTarget : sc_core::sc_module, TargetClient {
    PciBus& bus;
    FakeHost& mem;
    PciTargetEngine engine;
    SC_HAS_PROCESS(MemTarget);
    MemTarget(sc_core::sc_module_name n, PciBus& b, FakeHost& m)
        : sc_module(n), bus(b), mem(m), engine(b, name(), *this) {
        SC_METHOD(on_clock);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void on_clock() { engine.tick(); }
    bool target_claim(const TargetAccess& a) override { return cmd_is_memory(a.cmd) && mem.allocated(a.addr, 4); }
    TargetReply target_read(const TargetAccess& a, uint64_t& data) override {
        const unsigned n = a.wide ? 8 : 4;
        data = 0;
        for (unsigned i = 0; i < n; ++i) data |= static_cast<uint64_t>(mem.byte(a.addr + i)) << (8 * i);
        return TargetReply::Data;
    }
    TargetReply target_write(const TargetAccess& a, uint64_t data, uint8_t be) override {
        const unsigned n = a.wide ? 8 : 4;
        for (unsigned i = 0; i < n; ++i)
            if (be & (1u << i)) mem.byte(a.addr + i) = static_cast<uint8_t>(data >> (8 * i));
        return TargetReply::Data;
    }
};

/// The fake host's pages, made before the target that answers from them.
struct HostPages {
    FakeHost host;  // only its memory: requests go over the bus
};

/// The bus bench with a memory target in front of the fake host's pages.
struct BusBench : HostPages, BusBenchOf<MemTarget> {
    BusBench(sc_core::sc_module_name n, const NicParams& p, const BusConfig& bc) : BusBenchOf(n, p, bc, host) {}
};

void run_traffic(const BusConfig& bc) {
    NicParams p;
    p.max_transfer = 256;
    BusBench b("bench", p, bc);
    // TX: a three-buffer frame and a single-buffer frame.
    const uint64_t tx_ring = 0x10000, rx_ring = 0x11000, rx_bufs = 0x40000;
    b.host.alloc(tx_ring, 8 * 16);
    b.host.alloc(0x20000, 0x4000);
    const auto f0 = eth_frame(kDst, 1200, 1), f1 = eth_frame(kDst, 333, 2);
    b.host.write(0x20000, f0.data(), 100);
    b.host.write(0x21002, f0.data() + 100, 601);  // unaligned start and length
    b.host.write(0x22000, f0.data() + 701, 499);
    b.host.write(0x23000, f1.data(), f1.size());
    auto put = [&](uint32_t i, uint64_t buf, uint16_t len, uint8_t cmd) {
        e::TxDesc d;
        d.set_addr(buf);
        d.set_length(len);
        d.set_cmd(cmd);
        b.host.write(tx_ring + i * 16, d.b, 16);
    };
    const uint8_t ifcs = e::TxDesc::kCmdIfcs, eop = e::TxDesc::kCmdEop, rs = e::TxDesc::kCmdRs;
    put(0, 0x20000, 100, ifcs);
    put(1, 0x21002, 601, ifcs);
    put(2, 0x22000, 499, ifcs | eop | rs);
    put(3, 0x23000, static_cast<uint16_t>(f1.size()), ifcs | eop | rs);
    b.w(e::TDBAL, static_cast<uint32_t>(tx_ring));
    b.w(e::TDLEN, 128);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.w(e::TDT, 4);
    // RX: two frames into 2048-byte buffers.
    b.host.alloc(rx_ring, 8 * 16);
    b.host.alloc(rx_bufs, 8 * 2048);
    for (uint32_t i = 0; i < 8; ++i) {
        e::RxDesc d;
        d.set_addr(rx_bufs + i * 2048);
        b.host.write(rx_ring + i * 16, d.b, 16);
    }
    b.w(e::RAL0, static_cast<uint32_t>(kMac[0] | kMac[1] << 8 | kMac[2] << 16 | static_cast<uint32_t>(kMac[3]) << 24));
    b.w(e::RAH0, static_cast<uint32_t>(kMac[4] | kMac[5] << 8) | e::rahf::AV::mask);
    b.w(e::RDBAL, static_cast<uint32_t>(rx_ring));
    b.w(e::RDLEN, 128);
    b.w(e::RCTL, e::rctl::EN::mask | e::rctl::SECRC::mask);
    b.w(e::RDT, 7);
    const auto r0 = eth_frame(kMac, 900, 3), r1 = eth_frame(kMac, 61, 4);
    for (const auto* rf : {&r0, &r1}) {
        Frame f;
        f.bytes = *rf;
        append_fcs(f.bytes);
        f.fcs_included = true;
        b.dp->receive(f);
    }
    sc_core::sc_start(sc_core::sc_time(200, sc_core::SC_US));

    INFO("TX: the frames on the wire are the host buffers, gathered over the bus");
    REQUIRE(b.wire.frames.size() == 2);
    CHECK(std::vector<uint8_t>(b.wire.frames[0].bytes.begin(), b.wire.frames[0].bytes.end() - 4) == f0);
    CHECK(std::vector<uint8_t>(b.wire.frames[1].bytes.begin(), b.wire.frames[1].bytes.end() - 4) == f1);
    CHECK(b.r(e::TDH) == 4);
    CHECK((b.host.read(tx_ring + 2 * 16 + 12, 1)[0] & e::TxDesc::kStaDd) != 0);
    INFO("RX: the frames are in the host buffers, descriptors written back over the bus");
    CHECK(b.host.read(rx_bufs, r0.size()) == r0);
    CHECK(b.host.read(rx_bufs + 2048, r1.size()) == r1);
    const auto d1 = e::desc_from<e::RxDesc>(b.host.read(rx_ring + 16, 16).data());
    CHECK(d1.length() == r1.size());
    CHECK((d1.status() & e::RxDesc::kStaEop) != 0);
    CHECK(b.r(e::RDH) == 2);
    INFO("the bus carried it all legally; no request exceeded max_transfer");
    CHECK(b.monitor.violations() == 0);
    CHECK(b.master->stats().transactions >= 8);
    CHECK(b.master->stats().master_aborts == 0);
    CHECK(b.dp->dma().stats().max_request_bytes <= 256);
    CHECK(b.dp->stats().dma_errors == 0);
    CHECK_FALSE(b.dp->busy());
}

}  // namespace

TEST_CASE("bus data path moves TX and RX frames over a 32-bit PCI bus with no monitor violation", "[nic][dma][bus]") {
    run_traffic(BusConfig{});
}

TEST_CASE("bus data path moves TX and RX frames over a 64-bit 66 MHz PCI bus with no monitor violation",
          "[nic][dma][bus]") {
    BusConfig bc;
    bc.width_bits = 64;
    bc.clock_mhz = 66;
    run_traffic(bc);
}

TEST_CASE("bus data path master abort on a buffer read is diagnosed and the frame dropped",
          "[nic][dma][bus][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-bus-error", 1);
    NicParams p;
    BusBench b("bench", p, BusConfig{});
    const uint64_t tx_ring = 0x10000;
    b.host.alloc(tx_ring, 8 * 16);
    b.host.alloc(0x20000, 0x1000);
    const auto good = eth_frame(kDst, 200, 5);
    b.host.write(0x20000, good.data(), good.size());
    e::TxDesc d0, d1;
    d0.set_addr(0x90000);  // nobody decodes it: master abort
    d0.set_length(100);
    d0.set_cmd(e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    d1.set_addr(0x20000);
    d1.set_length(static_cast<uint16_t>(good.size()));
    d1.set_cmd(e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.host.write(tx_ring, d0.b, 16);
    b.host.write(tx_ring + 16, d1.b, 16);
    b.w(e::TDBAL, static_cast<uint32_t>(tx_ring));
    b.w(e::TDLEN, 128);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.w(e::TDT, 2);
    sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_US));
    CHECK(b.ctx.diag_count("dma-bus-error") == 1);
    CHECK(b.master->stats().master_aborts == 1);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(std::vector<uint8_t>(b.wire.frames[0].bytes.begin(), b.wire.frames[0].bytes.end() - 4) == good);
    CHECK(b.r(e::TDH) == 2);
    CHECK(b.dp->stats().tx_dropped == 1);
    INFO("a master abort is legal bus behaviour: the monitor stays quiet");
    CHECK(b.monitor.violations() == 0);
}

TEST_CASE("bus data path on a 32-bit device never drives a DAC for a buffer above 4 GiB",
          "[nic][dma][bus][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-32bit", 1);
    NicParams p;
    p.dma_address_bits = 32;
    BusConfig bc;
    bc.width_bits = 64;
    BusBench b("bench", p, bc);
    const uint64_t tx_ring = 0x10000, high = 0x1'0000'2000ull;
    b.host.alloc(tx_ring, 8 * 16);
    b.host.alloc(high, 0x1000);
    b.host.alloc(0x20000, 0x1000);
    const auto good = eth_frame(kDst, 300, 8);
    b.host.write(0x20000, good.data(), good.size());
    e::TxDesc d0, d1;
    d0.set_addr(high);
    d0.set_length(200);
    d0.set_cmd(e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    d1.set_addr(0x20000);
    d1.set_length(static_cast<uint16_t>(good.size()));
    d1.set_cmd(e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
    b.host.write(tx_ring, d0.b, 16);
    b.host.write(tx_ring + 16, d1.b, 16);
    b.w(e::TDBAL, static_cast<uint32_t>(tx_ring));
    b.w(e::TDLEN, 128);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.w(e::TDT, 2);
    sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_US));
    CHECK(b.ctx.diag_count("dma-address-32bit") == 1);
    INFO("no Dual Address Cycle on the bus (the monitor knows this master as 32-bit only) and no abort");
    CHECK(b.master->stats().dac_cycles == 0);
    CHECK(b.master->stats().master_aborts == 0);
    CHECK(b.monitor.violations() == 0);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(std::vector<uint8_t>(b.wire.frames[0].bytes.begin(), b.wire.frames[0].bytes.end() - 4) == good);
    CHECK(b.r(e::TDH) == 2);
}
