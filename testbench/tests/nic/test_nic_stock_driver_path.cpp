// The EEPROM, the PHY and the descriptor rings as the stock drivers of the 82540EM (Linux e1000 with its ethtool
// self-test, FreeBSD em/lem, iPXE's intel driver, NDIS miniports) use them, checked from outside over the real bus.
// Every expected value is worked out by hand from the 8254x Family Software Developer's Manual (section named at each
// check) and the 88E1011 PHY's IEEE 802.3 clause 22 registers: nothing is taken from the model's own tables, field
// helpers or constants, so a misreading of the manual in the model cannot hide in the test's oracle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>

#include <systemc>

#include "testbench/support/sim_reports.h"
#include "testbench/tests/nic/stock_driver.h"

using namespace nicsim;
using namespace nicsim::test::stock;
using namespace sc_core;

TEST_CASE("the EEPROM by EERD and by Microwire on EECD: same words, checksum 0xBABA, identity as config space",
          "[nic][eeprom]") {
    test::NicMachineBench b(params());
    uint32_t eerd_words[64] = {};
    uint16_t mw[4] = {};
    uint32_t eecd_idle = 0, eecd_granted = 0, id = 0, subsys = 0, eerd_done = 0, eerd_seen = 0;
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp);
        eecd_idle = d.rd(EECD);
        for (unsigned a = 0; a < 64; ++a) eerd_words[a] = d.eerd(a);
        eerd_done = d.rd(EERD);
        eerd_seen = d.eerd_seen;
        const unsigned picks[4] = {0, 1, 2, 0x3F};
        for (unsigned i = 0; i < 4; ++i) mw[i] = d.microwire_read(picks[i]);
        d.wr(EECD, d.rd(EECD) | (1u << 6));
        hp.stall_ns(1000);
        eecd_granted = d.rd(EECD);
        d.wr(EECD, d.rd(EECD) & ~(1u << 6));
        id = hp.config_read(b.dev, 0x00, 4);
        subsys = hp.config_read(b.dev, 0x2C, 4);
    };
    b.run(program, sc_time(50, SC_MS));
    REQUIRE(b.pin.host.cpu.program_done());
    INFO("EECD (13.4.3): EE_PRES (8) set, EE_SIZE (9) clear for the 64-word part, FWE (5:4) 01b, no grant unrequested");
    CHECK((eecd_idle & 0x3B0u) == 0x110u);
    CHECK((eecd_granted & 0xC0u) == 0xC0u);
    INFO("EERD: every read completes with DONE (4) and START (0) self-cleared, its address in 15:8");
    uint16_t sum = 0;
    for (unsigned a = 0; a < 64; ++a) {
        INFO("word " << a << " EERD 0x" << std::hex << eerd_words[a]);
        CHECK((eerd_words[a] & 0xFFFFu) == ((a << 8) | 0x10u));
        sum = static_cast<uint16_t>(sum + (eerd_words[a] >> 16));
    }
    CHECK((eerd_done & 0x11u) == 0x10u);
    INFO("bits 3:1 stay 0 throughout: iPXE tells this EERD layout from later parts' by which DONE bit (1 or 4) rises");
    CHECK((eerd_seen & 0xEu) == 0u);
    INFO("section 5.6: words 0..3Fh sum to BABAh; word 0Ah's signature 15:14 is 01b");
    CHECK(sum == 0xBABA);
    CHECK((eerd_words[0x0A] >> 30) == 1u);
    INFO("words 0Bh-0Eh (subsystem ID, subsystem vendor, device, vendor) are what configuration space shows");
    CHECK((eerd_words[0x0B] >> 16) == (subsys >> 16));
    CHECK((eerd_words[0x0C] >> 16) == (subsys & 0xFFFFu));
    CHECK((eerd_words[0x0D] >> 16) == 0x100Eu);
    CHECK((eerd_words[0x0E] >> 16) == 0x8086u);
    CHECK(id == 0x100E8086u);
    INFO("the Microwire READ returns the same words as EERD");
    CHECK(mw[0] == (eerd_words[0] >> 16));
    CHECK(mw[1] == (eerd_words[1] >> 16));
    CHECK(mw[2] == (eerd_words[2] >> 16));
    CHECK(mw[3] == (eerd_words[0x3F] >> 16));
    CHECK(b.nic.stats().diagnostics == 0);
    b.check_clean();
}

TEST_CASE("MDIC reaches the 88E1011 at PHY address 1 and BMCR, BMSR and STATUS report the link as the manual says",
          "[nic][phy]") {
    test::NicMachineBench b(params());
    uint32_t mdic_busy = 1, mdic_id1 = 0, mdic_other = 0, status_no_slu = 0, status_up = 0, status_forced = 0;
    uint16_t id2 = 0, bmcr = 0, bmsr = 0, anar = 0, gcr = 0, extsr = 0, pssr = 0, bmsr_down = 0, bmsr_after = 0;
    uint32_t icr_down = 0, icr_up = 0, icr_mdac = 0;
    bool mdac_line = false;
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp);
        d.wr(IMC, 0xFFFFFFFFu);
        // MDIC right after a write: the frame is still on MDIO, R (28) clear.
        d.wr(MDIC, (2u << 26) | (1u << 21) | (2u << 16));
        mdic_busy = d.rd(MDIC);
        hp.stall_ns(100'000);
        mdic_id1 = d.mdic(2, 1, 2, 0);
        id2 = d.phy_read(3);
        mdic_other = d.mdic(2, 2, 2, 0);
        bmcr = d.phy_read(0);
        d.phy_read(1);  // BMSR's link bit latches low: the second read is current
        bmsr = d.phy_read(1);
        anar = d.phy_read(4);
        gcr = d.phy_read(9);
        extsr = d.phy_read(15);
        pssr = d.phy_read(17);
        status_no_slu = d.rd(STATUS);
        d.wr(CTRL, kCtrlSlu);
        status_up = d.rd(STATUS);
        d.wr(CTRL, kCtrlSlu | kCtrlFrcSpd | kCtrlFrcDplx | kCtrlSpeed100);
        status_forced = d.rd(STATUS);
        d.wr(CTRL, kCtrlSlu);
        d.rd(ICR);
        d.phy_write(0, 0x1940);  // BMCR power down (bit 11): the link drops
        bmsr_down = d.phy_read(1);
        icr_down = d.rd(ICR);
        d.phy_write(0, 0x1340);  // power up, restart autonegotiation (bit 9)
        hp.stall_ns(3 * kAutonegNs);
        d.phy_read(1);
        bmsr_after = d.phy_read(1);
        icr_up = d.rd(ICR);
        // MDIC.I (bit 29) asks for MDAC (ICR bit 9) when the access completes.
        d.wr(IMS, 1u << 9);
        d.wr(MDIC, (1u << 29) | (2u << 26) | (1u << 21) | (1u << 16));
        hp.stall_ns(100'000);
        mdac_line = inta(b);
        icr_mdac = d.rd(ICR);
    };
    b.run(program, sc_time(50, SC_MS));
    REQUIRE(b.pin.host.cpu.program_done());
    INFO("MDIC (13.4.6): R clear while busy; a read of PHY 1 completes with R, without E; PHY 2 answers nothing: E");
    CHECK((mdic_busy & (1u << 28)) == 0u);
    CHECK((mdic_id1 & 0x50000000u) == 0x10000000u);
    CHECK((mdic_id1 & 0x0FFF0000u) == ((2u << 26) | (1u << 21) | (2u << 16)));
    CHECK((mdic_other & 0x50000000u) == 0x50000000u);
    INFO("PHY identifier (registers 2, 3): 0141h, 0C2xh: the 88E1011 the 82540EM's drivers match (revision masked)");
    CHECK((mdic_id1 & 0xFFFFu) == 0x0141u);
    CHECK((id2 & 0xFFF0u) == 0x0C20u);
    INFO("BMCR at reset: autonegotiation enable (12), full duplex (8), speed 1000 (6, 13 clear): 1140h");
    CHECK(bmcr == 0x1140u);
    INFO(
        "BMSR with link up and autonegotiation complete: 100BASE-X/10BASE-T FD and HD, extended status, preamble "
        "suppression, AN complete, AN ability, link, extended capability: 796Dh");
    CHECK(bmsr == 0x796Du);
    CHECK((anar & 0x01FFu) == 0x01E1u);  // selector 00001b, 10/100 half and full
    CHECK((gcr & 0x0300u) == 0x0300u);   // 1000BASE-T full and half advertised
    CHECK((extsr & 0x3000u) == 0x3000u);
    INFO("PHY specific status (17): 1000 Mb/s (15:14 = 10b), full duplex (13), resolved (11), link (10)");
    CHECK((pssr & 0xEC00u) == 0xAC00u);
    INFO("STATUS (13.4.2): no link without CTRL.SLU; with it LU (1), FD (0), SPEED 10b (7:6); forced 100 half");
    CHECK((status_no_slu & 0x2u) == 0u);
    CHECK((status_up & 0xC3u) == 0x83u);
    CHECK((status_forced & 0xC3u) == 0x42u);
    INFO("a PHY powered down drops the link: BMSR link (2) and AN complete (5) clear, LSC (ICR bit 2); back after AN");
    CHECK((bmsr_down & 0x24u) == 0u);
    CHECK((icr_down & 0x4u) != 0u);
    CHECK(bmsr_after == 0x796Du);
    CHECK((icr_up & 0x4u) != 0u);
    INFO("an MDIC access with I set raises MDAC and, enabled in IMS, INTA#");
    CHECK(mdac_line);
    CHECK(icr_mdac == 0x200u);
    b.check_clean();
}

TEST_CASE("the NIC owns the descriptors from head up to but not including tail, in both rings", "[nic][regs]") {
    // Sections 3.2.6 and 3.4: hardware processes descriptors from xDH up to xDT - 1 and advances xDH past each one it
    // has finished; head == tail leaves it none. Frames in MAC loopback (RCTL.LBM 01b) with two receive descriptors
    // given (RDT 2): two frames fill them, a third arrives with RDH == RDT and waits until RDT moves; RNBC (13.7.25)
    // counts a frame received while head and tail are equal. Legacy descriptors as in the statistics test; RDTR 0
    // raises RXT0 at once.
    test::NicMachineBench b(params());
    uint8_t tx_sta[4] = {}, rx_sta_held[3] = {}, rx_sta_after[3] = {};
    uint32_t tdh = 0, rdh_full = 0, rdh_held = 0, rdh_after = 0, rnbc = 0, icr = 0;
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp, pci::cfg::kCmdMemSpace | pci::cfg::kCmdIoSpace | pci::cfg::kCmdBusMaster);
        d.wr(CTRL, kCtrlSlu);
        d.wr(IMC, 0xFFFFFFFFu);
        uint8_t frame[64] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};  // broadcast: BAM takes it
        hp.memory().write(kTxBuf, frame, sizeof frame);
        legacy_rings(hp, d, 8, sizeof frame, 0x0B);              // CMD: EOP, IFCS, RS
        d.wr(TCTL, 0x2u | 0x8u);                                 // EN, PSP
        d.wr(RCTL, 0x2u | (1u << 6) | (1u << 15) | (1u << 26));  // EN, LBM 01b, BAM, SECRC
        d.wr(0x2818, 2);                                         // RDT: descriptors 0 and 1
        d.wr(0x3818, 2);                                         // TDT: descriptors 0 and 1
        hp.stall_ns(50'000);
        rdh_full = d.rd(0x2810);
        d.wr(0x3818, 3);  // descriptor 2: its frame arrives with RDH == RDT
        hp.stall_ns(50'000);
        tdh = d.rd(0x3810);
        rdh_held = d.rd(0x2810);
        for (unsigned n = 0; n < 4; ++n) {
            uint8_t desc[16];
            hp.memory().read(kTxRing + 16 * n, desc, sizeof desc);
            tx_sta[n] = desc[12];
        }
        for (unsigned n = 0; n < 3; ++n) {
            uint8_t desc[16];
            hp.memory().read(kRxRing + 16 * n, desc, sizeof desc);
            rx_sta_held[n] = desc[12];
        }
        rnbc = d.rd(0x40A0);
        d.wr(0x2818, 5);
        hp.stall_ns(50'000);
        rdh_after = d.rd(0x2810);
        for (unsigned n = 0; n < 3; ++n) {
            uint8_t desc[16];
            hp.memory().read(kRxRing + 16 * n, desc, sizeof desc);
            rx_sta_after[n] = desc[12];
        }
        icr = d.rd(ICR);
    };
    b.run(program);
    REQUIRE(b.pin.host.cpu.program_done());
    INFO("TX: descriptors 0-2 done (DD, STA bit 0), TDH at the tail, descriptor 3 untouched");
    CHECK(tdh == 3u);
    CHECK((tx_sta[0] & tx_sta[1] & tx_sta[2] & 1u) == 1u);
    CHECK(tx_sta[3] == 0u);
    INFO("RX: two descriptors filled (DD and EOP), RDH stops at RDT, the third frame waits and is counted in RNBC");
    CHECK(rdh_full == 2u);
    CHECK(rdh_held == 2u);
    CHECK((rx_sta_held[0] & 0x3u) == 0x3u);
    CHECK((rx_sta_held[1] & 0x3u) == 0x3u);
    CHECK(rx_sta_held[2] == 0u);
    CHECK(rnbc == 1u);
    INFO("RDT moved on: the waiting frame lands in descriptor 2");
    CHECK(rdh_after == 3u);
    CHECK((rx_sta_after[2] & 0x3u) == 0x3u);
    INFO("ICR: TXDW (0) and RXT0 (7)");
    CHECK((icr & 0x81u) == 0x81u);
    b.check_clean();
}

TEST_CASE("the PHY loopback of Linux e1000's self-test returns frames with their CRC and keeps them off the wire",
          "[nic][phy]") {
    // The integrated-PHY loopback setup of the Linux driver's offline self-test, from a reading of its sequence: PHY
    // specific control (register 16) 0808h, BMCR 9140h (reset), 8140h (autonegotiation off, 1000 Mb/s full duplex),
    // 4140h (loopback); CTRL forced to 1000 full duplex (FRCSPD 11, FRCDPLX 12, SPEED 10b in 9:8, FD 0) with ILOS
    // (7); PHY registers 29 and 30 (Marvell's page/debug pair, not modelled) written to turn the line receiver off.
    // Then 1024-byte broadcast frames: without RCTL.SECRC the buffer keeps the CRC (length 1028).
    test::NicMachineBench b(params());
    constexpr unsigned kFrames = 4, kLen = 1024;
    uint32_t status = 0, mdic_e = 0, lengths[kFrames] = {};
    uint8_t rx_sta[kFrames] = {}, marks[kFrames][3] = {};
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp, pci::cfg::kCmdMemSpace | pci::cfg::kCmdIoSpace | pci::cfg::kCmdBusMaster);
        d.wr(CTRL, kCtrlSlu);
        d.phy_write(16, 0x0808);
        d.phy_write(0, 0x9140);
        d.phy_write(0, 0x8140);
        d.phy_write(0, 0x4140);
        d.wr(CTRL, (d.rd(CTRL) & ~0x300u) | kCtrlFrcSpd | kCtrlFrcDplx | (2u << 8) | 0x1u | 0x80u);
        for (auto [reg, v] : {std::pair{29u, 0x001Fu}, {30u, 0x8FFCu}, {29u, 0x001Au}, {30u, 0x8FF0u}})
            mdic_e |= d.mdic(1, 1, reg, static_cast<uint16_t>(v)) & (1u << 30);
        hp.stall_ns(500'000);
        status = d.rd(STATUS);
        uint8_t frame[kLen];
        std::fill(frame, frame + kLen, 0xFF);
        std::fill(frame + kLen / 2, frame + kLen - 1, 0xAA);
        frame[kLen / 2 + 10] = 0xBE;
        frame[kLen / 2 + 12] = 0xAF;
        hp.memory().write(kTxBuf, frame, kLen);
        legacy_rings(hp, d, 8, kLen, 0x13);                      // CMD: EOP, IFCS, RPS
        d.wr(TCTL, 0x2u | 0x8u | (0x0Fu << 4) | (0x40u << 12));  // EN, PSP, CT, COLD
        d.wr(RCTL, 0x2u | (1u << 15));                           // EN, BAM, LBM 00b, 2048-byte buffers
        d.wr(0x2818, 7);                                         // RDT
        d.wr(0x3818, kFrames);                                   // TDT
        hp.stall_ns(200'000);
        for (unsigned n = 0; n < kFrames; ++n) {
            uint8_t desc[16];
            hp.memory().read(kRxRing + 16 * n, desc, sizeof desc);
            rx_sta[n] = desc[12];
            lengths[n] = desc[8] | (desc[9] << 8);
            uint8_t buf[kLen];
            hp.memory().read(kRxBuf + 2048 * n, buf, kLen);
            marks[n][0] = buf[3];
            marks[n][1] = buf[kLen / 2 + 10];
            marks[n][2] = buf[kLen / 2 + 12];
        }
    };
    const uint64_t to_wire = b.nic.stats().frames_to_wire;
    b.run(program);
    REQUIRE(b.pin.host.cpu.program_done());
    INFO("PHY writes, including the absent registers 29 and 30, complete without MDIC.E");
    CHECK(mdic_e == 0u);
    INFO("STATUS: link up through the loopback, 1000 Mb/s, full duplex");
    CHECK((status & 0xC3u) == 0x83u);
    for (unsigned n = 0; n < kFrames; ++n) {
        INFO("frame " << n);
        CHECK((rx_sta[n] & 0x3u) == 0x3u);
        CHECK(lengths[n] == kLen + 4);
        CHECK(marks[n][0] == 0xFF);
        CHECK(marks[n][1] == 0xBE);
        CHECK(marks[n][2] == 0xAF);
    }
    CHECK(b.nic.stats().frames_to_wire == to_wire);
    b.check_clean();
}
