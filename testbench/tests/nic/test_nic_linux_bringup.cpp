// The NIC brought up in the order the Linux e1000 driver uses for an 82540EM, as this test's own program on the
// host CPU over the real bus (written from a reading of that driver's sequence and the 8254x Family Software
// Developer's Manual; none of its code): reset through the I/O window, the EEPROM checksum and MAC address by
// bit-banging EECD, the receive address and filter tables, the copper link (SLU, PHY reset, identification,
// autonegotiation by MDIC, link in STATUS), statistics cleared by reading, the rings, then one frame sent and
// received in MAC loopback as the driver's self-test does.
#include <catch2/catch.hpp>

#include <systemc>

#include "model/nic/e1000_regs.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/nic/nic_machine_bench.h"

using namespace nicsim;
using namespace nicsim::e1000;
using namespace sc_core;
namespace cfg = nicsim::pci::cfg;

namespace {

constexpr uint32_t kBar0 = test::NicMachineBench::kBar0;
constexpr uint32_t kBar2 = test::NicMachineBench::kBar2;
constexpr uint64_t kTxRing = 0x100000, kRxRing = 0x101000, kTxBuf = 0x200000, kRxBufs = 0x300000;
constexpr uint32_t kRingEntries = 8;
constexpr uint64_t kAutonegNs = 200'000;

/// The register accesses of the driver's bring-up, through the host CPU.
struct Driver {
    hostdrv::HostPlatform& hp;
    unsigned dev;
    uint32_t rd(uint32_t off) { return hp.mmio_read(kBar0 + off, 4); }
    void wr(uint32_t off, uint32_t v) { hp.mmio_write(kBar0 + off, 4, v); }
    void wr_io(uint32_t off, uint32_t v) {  // IOADDR, then IODATA
        hp.io_write(kBar2 + IOADDR, 4, off);
        hp.io_write(kBar2 + IODATA, 4, v);
    }
    void eecd(uint32_t& v, uint32_t bit, bool on) {
        v = on ? (v | bit) : (v & ~bit);
        wr(EECD, v);
        hp.stall_ns(50);
    }
    /// One Microwire READ (opcode 110b, six address bits, sixteen data bits) under the request/grant handshake.
    uint16_t eeprom_word(unsigned addr) {
        uint32_t v = rd(EECD) | eecd::EE_REQ::mask;
        wr(EECD, v);
        for (int i = 0; i < 1000 && !(rd(EECD) & eecd::EE_GNT::mask); ++i) hp.stall_ns(5);
        REQUIRE((rd(EECD) & eecd::EE_GNT::mask) != 0);
        eecd(v, eecd::CS::mask, true);
        const uint32_t frame = (0x6u << 6) | addr;
        for (int i = 8; i >= 0; --i) {
            eecd(v, eecd::DI::mask, (frame >> i) & 1u);
            eecd(v, eecd::SK::mask, true);
            eecd(v, eecd::SK::mask, false);
        }
        eecd(v, eecd::DI::mask, false);
        uint16_t w = 0;
        for (int i = 0; i < 16; ++i) {
            eecd(v, eecd::SK::mask, true);
            w = static_cast<uint16_t>((w << 1) | ((rd(EECD) & eecd::DO::mask) ? 1 : 0));
            eecd(v, eecd::SK::mask, false);
        }
        eecd(v, eecd::CS::mask, false);
        wr(EECD, v & ~eecd::EE_REQ::mask);
        return w;
    }
    /// MDIC, polled for Ready every 10 us at most 64 times; false on Error or timeout.
    bool mdic(unsigned op, unsigned reg, uint16_t data, uint16_t* out) {
        wr(MDIC,
           mdic::OP::make(op) | mdic::PHYADD::make(kPhyAddress) | mdic::REGADD::make(reg) | mdic::DATA::make(data));
        for (int i = 0; i < 64; ++i) {
            hp.stall_ns(10'000);
            const uint32_t v = rd(MDIC);
            if (!(v & mdic::R::mask)) continue;
            if (out) *out = static_cast<uint16_t>(mdic::DATA::get(v));
            return (v & mdic::E::mask) == 0;
        }
        return false;
    }
};

nic::NicParams params() {
    nic::NicParams p;
    p.autoneg_ns = kAutonegNs;
    return p;
}

}  // namespace

TEST_CASE("bring-up in the Linux e1000 order for an 82540EM: reset, EEPROM, PHY, link, rings, a looped-back frame",
          "[nic][init]") {
    test::NicMachineBench b(params());
    tb::Machine& pin = b.pin;
    const unsigned dev = b.dev;
    uint16_t words[64] = {};
    uint16_t id1 = 0, id2 = 0, bmsr = 0;
    uint32_t status = 0, ral0 = 0, rah0 = 0, gprc_after_clear = 1, rx_status = 0, rx_len = 0;
    std::vector<uint8_t> received;
    const std::vector<uint8_t> frame = [] {
        std::vector<uint8_t> f(128);
        for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(0x30 + i);
        const uint8_t dst[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};  // the EEPROM's address: passes the filter
        std::copy(dst, dst + 6, f.begin());
        return f;
    }();
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp, dev};
        // PCI: BARs, memory, I/O and bus mastering.
        b.enable(hp, cfg::kCmdMemSpace | cfg::kCmdIoSpace | cfg::kCmdBusMaster);
        // Reset: interrupts masked, receiver and transmitter stopped, then CTRL.RST through the I/O window.
        d.wr(IMC, 0xFFFFFFFFu);
        d.wr(RCTL, 0);
        d.wr(TCTL, tctl::PSP::mask);
        d.rd(STATUS);
        hp.stall_ns(10'000);
        d.wr_io(CTRL, d.rd(CTRL) | ctrl::RST::mask);
        hp.stall_ns(5'000);
        d.wr(MANC, d.rd(MANC) & ~(1u << 13));  // ARP_EN off
        d.wr(IMC, 0xFFFFFFFFu);
        d.rd(ICR);
        // EEPROM: the checksum over all 64 words, then the MAC address (words 0..2).
        for (unsigned a = 0; a < 64; ++a) words[a] = d.eeprom_word(a);
        // Receive addresses and filter tables.
        d.wr(PBA, 0x30);
        d.wr(WUC, 0);
        d.wr(VET, 0);
        for (unsigned i = 0; i < 128; ++i) d.wr(VFTA + 4 * i, 0);
        d.wr(RAL0, static_cast<uint32_t>(words[0] | words[1] << 16));
        d.wr(RAH0, words[2] | rahf::AV::mask);
        for (unsigned i = 1; i < 16; ++i) {
            d.wr(ral_n(i), 0);
            d.wr(rah_n(i), 0);
        }
        for (unsigned i = 0; i < 128; ++i) d.wr(mta_n(i), 0);
        ral0 = d.rd(RAL0);
        rah0 = d.rd(RAH0);
        // Copper link: SLU, PHY reset through CTRL.PHY_RST, identification, autonegotiation.
        d.wr(CTRL, (d.rd(CTRL) | ctrl::SLU::mask) & ~(ctrl::FRCSPD::mask | ctrl::FRCDPLX::mask));
        d.wr(CTRL, d.rd(CTRL) | ctrl::PHY_RST::mask);
        hp.stall_ns(10'000);
        d.wr(CTRL, d.rd(CTRL) & ~ctrl::PHY_RST::mask);
        hp.stall_ns(5'000);
        REQUIRE(d.mdic(mdic::kOpRead, phy::ID1, 0, &id1));
        REQUIRE(d.mdic(mdic::kOpRead, phy::ID2, 0, &id2));
        REQUIRE(d.mdic(mdic::kOpWrite, phy::PSCR, 0x0060, nullptr));  // automatic MDI/MDI-X
        REQUIRE(d.mdic(mdic::kOpWrite, phy::ANAR, 0x01E1, nullptr));  // 10/100 half and full, IEEE 802.3
        REQUIRE(d.mdic(mdic::kOpWrite, phy::GCR, 0x0200, nullptr));   // 1000BASE-T full duplex
        REQUIRE(d.mdic(mdic::kOpWrite, phy::BMCR, phy::bmcr::AN_ENABLE | phy::bmcr::RESTART_AN, nullptr));
        const uint64_t t0 = hp.now_ns();
        do {  // BMSR twice: its link bit latches low
            d.mdic(mdic::kOpRead, phy::BMSR, 0, &bmsr);
            d.mdic(mdic::kOpRead, phy::BMSR, 0, &bmsr);
        } while (!(bmsr & phy::bmsr::AN_COMPLETE) && hp.now_ns() < t0 + 20 * kAutonegNs);
        status = d.rd(STATUS);
        d.wr(TXDCTL, dctl::WTHRESH::make(1) | dctl::GRAN::mask);
        // Statistics cleared by reading each counter of section 13.7 (0x4024, 0x402C, 0x4044, 0x4084, 0x4098 and
        // 0x409C hold none).
        for (uint32_t off = kStatsFirst; off <= kStatsLast; off += 4)
            if (off != 0x4024 && off != 0x402C && off != 0x4044 && off != 0x4084 && off != 0x4098 && off != 0x409C)
                d.rd(off);
        gprc_after_clear = d.rd(GPRC);
        // Rings.
        for (uint32_t i = 0; i < kRingEntries; ++i) {
            RxDesc r;
            r.set_addr(kRxBufs + 2048ull * i);
            hp.memory().write(kRxRing + 16 * i, r.b, 16);
        }
        d.wr(TDBAL, static_cast<uint32_t>(kTxRing));
        d.wr(TDBAH, 0);
        d.wr(TDLEN, kRingEntries * 16);
        d.wr(TDH, 0);
        d.wr(TDT, 0);
        d.wr(TIPG, 8 | (8 << 10) | (6 << 20));
        d.wr(TCTL, tctl::EN::mask | tctl::PSP::mask | tctl::CT::make(0x0F) | tctl::COLD::make(0x40));
        d.wr(RDTR, 0);
        d.wr(RDBAL, static_cast<uint32_t>(kRxRing));
        d.wr(RDBAH, 0);
        d.wr(RDLEN, kRingEntries * 16);
        d.wr(RDH, 0);
        d.wr(RDT, 0);
        // MAC loopback, as the driver's loopback self-test: the frame must not reach the wire.
        d.wr(RCTL, rctl::EN::mask | rctl::BAM::mask | rctl::SECRC::mask | rctl::LBM::make(1));
        d.wr(RDT, kRingEntries - 1);
        d.wr(IMS, icr::TXDW | icr::RXT0 | icr::LSC | icr::RXO | icr::RXDMT0);
        hp.memory().write(kTxBuf, frame.data(), frame.size());
        TxDesc t;
        t.set_addr(kTxBuf);
        t.set_length(static_cast<uint16_t>(frame.size()));
        t.set_cmd(TxDesc::kCmdEop | TxDesc::kCmdIfcs | TxDesc::kCmdRs);
        hp.memory().write(kTxRing, t.b, 16);
        d.wr(TDT, 1);
        const uint64_t t1 = hp.now_ns();
        RxDesc r0;
        do {
            hp.stall_ns(1000);
            hp.memory().read(kRxRing, r0.b, 16);
        } while (!(r0.status() & RxDesc::kStaDd) && hp.now_ns() < t1 + 200'000);
        rx_status = r0.status();
        rx_len = r0.length();
        received.resize(frame.size());
        hp.memory().read(kRxBufs, received.data(), received.size());
    };
    const uint64_t frames_before = pin.nic.stats().frames_to_wire;
    b.run(program, sc_time(50, SC_MS));
    REQUIRE(pin.host.cpu.program_done());
    INFO("EEPROM: checksum 0xBABA over the 64 words, MAC address in RAL0/RAH0");
    uint16_t sum = 0;
    for (uint16_t w : words) sum = static_cast<uint16_t>(sum + w);
    CHECK(sum == 0xBABA);
    const nic::NicParams p = params();
    CHECK(ral0 == (p.mac[0] | p.mac[1] << 8 | p.mac[2] << 16 | uint32_t{p.mac[3]} << 24));
    CHECK(rah0 == (p.mac[4] | p.mac[5] << 8 | rahf::AV::mask));
    INFO("PHY: the 88E1011 the 82540EM's drivers expect; autonegotiation complete; link up in STATUS");
    CHECK(id1 == phy::kId1);
    CHECK((id2 & 0xFFF0u) == phy::kId2);
    CHECK((bmsr & phy::bmsr::AN_COMPLETE) != 0);
    CHECK((status & status::LU::mask) != 0);
    CHECK(gprc_after_clear == 0u);
    INFO("the frame came back in the receive ring, byte for byte, and never reached the wire");
    CHECK((rx_status & (RxDesc::kStaDd | RxDesc::kStaEop)) == (RxDesc::kStaDd | RxDesc::kStaEop));
    CHECK(rx_len == frame.size());
    CHECK(received == frame);
    CHECK(pin.nic.stats().frames_to_wire == frames_before);
    CHECK(pin.nic.stats().unknown_accesses == 0);
    CHECK(pin.nic.stats().diagnostics == 0);
    b.check_clean();
}
