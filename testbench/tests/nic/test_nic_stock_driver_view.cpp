// The register behaviour the stock drivers of the 82540EM (Linux e1000 with its ethtool self-test, FreeBSD em/lem,
// iPXE's intel driver, NDIS miniports) rely on, checked from outside over the real bus. Every expected value is a
// number worked out by hand from the 8254x Family Software Developer's Manual (section named at each check) and the
// 88E1011 PHY's IEEE 802.3 clause 22 registers: nothing is taken from the model's own tables, field helpers or
// constants, so a misreading of the manual in the model cannot hide in the test's oracle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "testbench/support/sim_reports.h"
#include "testbench/tests/nic/nic_machine_bench.h"

using namespace nicsim;
using namespace sc_core;

namespace {

constexpr uint32_t kBar0 = test::NicMachineBench::kBar0;
constexpr uint64_t kAutonegNs = 200'000;

// Register offsets (section 13.3, Table 13-2).
constexpr uint32_t CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014, MDIC = 0x0020;
constexpr uint32_t ICR = 0x00C0, ITR = 0x00C4, ICS = 0x00C8, IMS = 0x00D0, IMC = 0x00D8;
constexpr uint32_t RCTL = 0x0100, TCTL = 0x0400, TDLEN = 0x3808, RDLEN = 0x2808, RAL0 = 0x5400, RAH0 = 0x5404;
constexpr uint32_t RDTR = 0x2820, RADV = 0x282C, TIDV = 0x3820, TADV = 0x382C;

// CTRL bits (section 13.4.1).
constexpr uint32_t kCtrlSlu = 1u << 6, kCtrlSpeed100 = 1u << 8, kCtrlFrcSpd = 1u << 11, kCtrlFrcDplx = 1u << 12,
                   kCtrlRst = 1u << 26, kCtrlPhyRst = 1u << 31;

/// The accesses a driver makes, with the MDIC and EERD handshakes written out from sections 13.4.4 and 13.4.6.
struct Driver {
    hostdrv::HostPlatform& hp;
    uint32_t rd(uint32_t off) { return hp.mmio_read(kBar0 + off, 4); }
    void wr(uint32_t off, uint32_t v) { hp.mmio_write(kBar0 + off, 4, v); }

    /// MDIC (13.4.6): DATA 15:0, REGADD 20:16, PHYADD 25:21, OP 27:26 (01b write, 10b read), R 28, E 30. Polled
    /// every 10 us up to 64 times, as the drivers do; returns the final MDIC value (0 on timeout).
    uint32_t mdic(unsigned op, unsigned phy, unsigned reg, uint16_t data) {
        wr(MDIC, (op << 26) | (phy << 21) | (reg << 16) | data);
        for (int i = 0; i < 64; ++i) {
            hp.stall_ns(10'000);
            const uint32_t v = rd(MDIC);
            if (v & (1u << 28)) return v;
        }
        return 0;
    }
    uint16_t phy_read(unsigned reg) { return static_cast<uint16_t>(mdic(2, 1, reg, 0) & 0xFFFF); }
    void phy_write(unsigned reg, uint16_t v) { mdic(1, 1, reg, v); }

    /// EERD on the 82540EM (13.4.4): START bit 0, DONE bit 4, ADDR 15:8, DATA 31:16, bits 3:1 reserved. Returns the
    /// final EERD value; every value read is ORed into `eerd_seen`.
    uint32_t eerd_seen = 0;
    uint32_t eerd(unsigned addr) {
        wr(EERD, (addr << 8) | 1u);
        for (int i = 0; i < 1000; ++i) {
            const uint32_t v = rd(EERD);
            eerd_seen |= v;
            if (v & (1u << 4)) return v;
            hp.stall_ns(100);
        }
        return 0;
    }

    /// A Microwire READ on EECD (13.4.3; section 5.3: start bit, opcode 10b, six address bits on the 64-word part,
    /// then sixteen data bits MSB first) under the EE_REQ (bit 6) / EE_GNT (bit 7) handshake. SK bit 0, CS bit 1,
    /// DI bit 2, DO bit 3.
    uint16_t microwire_read(unsigned addr) {
        uint32_t v = rd(EECD) | (1u << 6);
        wr(EECD, v);
        for (int i = 0; i < 100 && !(rd(EECD) & (1u << 7)); ++i) hp.stall_ns(100);
        auto pins = [&](uint32_t set, uint32_t clear) {
            v = (v | set) & ~clear;
            wr(EECD, v);
            hp.stall_ns(50);
        };
        pins(1u << 1, 0);                           // CS
        const uint32_t frame = (0x6u << 6) | addr;  // 1, 10b, A5..A0
        for (int bit = 8; bit >= 0; --bit) {
            pins((frame >> bit) & 1u ? 1u << 2 : 0, (frame >> bit) & 1u ? 0 : 1u << 2);
            pins(1u << 0, 0);
            pins(0, 1u << 0);
        }
        uint16_t w = 0;
        for (int i = 0; i < 16; ++i) {
            pins(1u << 0, 1u << 2);
            w = static_cast<uint16_t>((w << 1) | ((rd(EECD) >> 3) & 1u));
            pins(0, 1u << 0);
        }
        pins(0, (1u << 1) | (1u << 6));  // CS low, EE_REQ released
        return w;
    }
};

bool inta(test::NicMachineBench& b) {
    return ((b.pin.bus.lines().inta >> b.dev) & 1u) != 0;
}

nic::NicParams params() {
    nic::NicParams p;
    p.autoneg_ns = kAutonegNs;
    return p;
}

/// A register with the bits software may store (the manual's R/W fields) and the bits a write may carry.
struct Pattern {
    const char* name;
    uint32_t offset;
    uint32_t stored;  ///< bits that must read back as written
    uint32_t write;   ///< bits written
};

// Sections 13.4.x: the R/W fields of the registers a driver's register self-test writes patterns to.
const Pattern kPatterns[] = {
    {"FCAL", 0x0028, 0xFFFFFFFFu, 0xFFFFFFFFu},   // 13.4.10: flow control address low
    {"FCAH", 0x002C, 0x0000FFFFu, 0xFFFFFFFFu},   // 13.4.11: address 47:32
    {"FCT", 0x0030, 0x0000FFFFu, 0xFFFFFFFFu},    // 13.4.12: flow control type
    {"VET", 0x0038, 0x0000FFFFu, 0xFFFFFFFFu},    // 13.4.13: VLAN ether type
    {"RDTR", 0x2820, 0x0000FFFFu, 0xFFFFFFFFu},   // 13.4.30: delay timer 15:0
    {"RDBAH", 0x2804, 0xFFFFFFFFu, 0xFFFFFFFFu},  // 13.4.26
    {"RDLEN", 0x2808, 0x000FFF80u, 0x000FFFFFu},  // 13.4.27: LEN 19:7, bits 6:0 read 0
    {"RDH", 0x2810, 0x0000FFFFu, 0x0000FFFFu},    // 13.4.28
    {"RDT", 0x2818, 0x0000FFFFu, 0x0000FFFFu},    // 13.4.29
    {"FCRTH", 0x2168, 0x0000FFF8u, 0x0000FFF8u},  // 13.4.23: RTH 15:3
    {"FCTTV", 0x0170, 0x0000FFFFu, 0x0000FFFFu},  // 13.4.14
    {"TIPG", 0x0410, 0x3FFFFFFFu, 0x3FFFFFFFu},   // 13.4.34: IPGT 9:0, IPGR1 19:10, IPGR2 29:20
    {"TDBAH", 0x3804, 0xFFFFFFFFu, 0xFFFFFFFFu},  // 13.4.37
    {"TDLEN", 0x3808, 0x000FFF80u, 0x000FFFFFu},  // 13.4.38
    {"RDBAL", 0x2800, 0xFFFFFFF0u, 0xFFFFFFFFu},  // 13.4.25: 16-byte aligned, bits 3:0 ignored
    {"TXCW", 0x0178, 0xC000FFFFu, 0x0000FFFFu},   // 13.4.15
    {"TDBAL", 0x3800, 0xFFFFFFF0u, 0xFFFFFFFFu},  // 13.4.36
    {"TIDV", 0x3820, 0x0000FFFFu, 0x0000FFFFu},   // 13.4.40
};

constexpr uint64_t kTxRing = 0x100000, kRxRing = 0x101000, kTxBuf = 0x200000, kRxBuf = 0x300000;

/// Both rings of eight legacy descriptors (sections 3.2.3 and 3.3.3: buffer address in bytes 0-7, length in bytes 8-9,
/// the transmit CMD in byte 11), 128 bytes each: `tx_count` transmit descriptors of `len` bytes from kTxBuf with CMD
/// `cmd`, eight receive descriptors of 2 KiB buffers from kRxBuf; TDBAL/TDLEN and RDBAL/RDLEN written. The control
/// registers and the tails are the caller's.
void legacy_rings(hostdrv::HostPlatform& hp, Driver& d, unsigned tx_count, uint32_t len, uint8_t cmd) {
    for (unsigned n = 0; n < 8; ++n) {
        uint8_t tx[16] = {}, rx[16] = {};
        for (unsigned i = 0; i < 8; ++i) tx[i] = static_cast<uint8_t>(kTxBuf >> (8 * i));
        tx[8] = static_cast<uint8_t>(len);
        tx[9] = static_cast<uint8_t>(len >> 8);
        tx[11] = cmd;
        if (n < tx_count) hp.memory().write(kTxRing + 16 * n, tx, sizeof tx);
        for (unsigned i = 0; i < 8; ++i) rx[i] = static_cast<uint8_t>((kRxBuf + 2048 * n) >> (8 * i));
        hp.memory().write(kRxRing + 16 * n, rx, sizeof rx);
    }
    d.wr(0x3800, static_cast<uint32_t>(kTxRing));  // TDBAL
    d.wr(TDLEN, 128);
    d.wr(0x2800, static_cast<uint32_t>(kRxRing));  // RDBAL
    d.wr(RDLEN, 128);
}

}  // namespace

TEST_CASE("register patterns of a driver's register self-test read back in the manual's R/W fields", "[nic][regs]") {
    test::NicMachineBench b(params());
    // Setting RCTL to 06DFB3FEh enables the receiver over the ring the patterns left (RDLEN FFF80h, RDH and RDT
    // FFFFh): the model reports that head once, as it would for any driver.
    test::expect_reports("nicsim/nic/head-tail-range", 1);
    std::vector<std::string> wrong;
    uint32_t status_before = 0, status_after = 0, rctl_zero = 1, tctl_zero = 1, rctl_back = 0;
    const uint32_t patterns[] = {0x5A5A5A5Au, 0xA5A5A5A5u, 0x00000000u, 0xFFFFFFFFu};
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp);
        auto check = [&](const char* name, uint32_t off, uint32_t stored, uint32_t write) {
            for (uint32_t p : patterns) {
                d.wr(off, p & write);
                const uint32_t got = d.rd(off);
                if ((got & stored) != (p & write & stored)) {
                    char line[96];
                    std::snprintf(line, sizeof line, "%s wrote 0x%08X read 0x%08X", name, p & write, got);
                    wrong.emplace_back(line);
                }
            }
        };
        INFO("STATUS is read-only (13.4.2): a write of the toggled bits changes none of them");
        status_before = d.rd(STATUS) & 0xFFFFF833u;
        d.wr(STATUS, 0xFFFFF833u);
        status_after = d.rd(STATUS) & 0xFFFFF833u;
        for (const Pattern& p : kPatterns) check(p.name, p.offset, p.stored, p.write);
        // RCTL (13.4.22) and TCTL (13.4.33): 0 stays 0; RCTL keeps EN..SECRC as written.
        d.wr(RCTL, 0);
        rctl_zero = d.rd(RCTL);
        d.wr(RCTL, 0x06DFB3FEu);
        rctl_back = d.rd(RCTL) & 0x06DFB3FEu;
        d.wr(RCTL, 0);
        d.wr(TCTL, 0);
        tctl_zero = d.rd(TCTL);
        // RAH[0..15] (13.5.4): RAH 15:0, AS 17:16, AV 31; MTA[0..127] (13.5.1) every bit.
        for (uint32_t i = 0; i < 16; ++i) check("RAH", RAH0 + 8 * i, 0x8003FFFFu, 0xFFFFFFFFu);
        for (uint32_t i = 0; i < 128; ++i) check("MTA", 0x5200 + 4 * i, 0xFFFFFFFFu, 0xFFFFFFFFu);
        // The interrupt moderation registers (13.4.18, 13.4.40, 13.4.41, 13.4.31): 16-bit intervals, the rest reads
        // 0 (RDTR's FPD, bit 31, is write-only and self-clearing).
        for (uint32_t off : {ITR, RDTR, RADV, TIDV, TADV}) {
            d.wr(off, 0xFFFFFFFFu);
            if (d.rd(off) != 0x0000FFFFu) wrong.emplace_back("a moderation register keeps bits above 15");
            d.wr(off, 0);
        }
    };
    b.run(program, sc_time(50, SC_MS));
    REQUIRE(b.pin.host.cpu.program_done());
    CHECK(status_after == status_before);
    INFO("registers whose R/W fields did not read back: " << wrong.size());
    for (const std::string& w : wrong) INFO(w);
    CHECK(wrong.empty());
    CHECK(rctl_zero == 0u);
    CHECK(rctl_back == 0x06DFB3FEu);
    CHECK(tctl_zero == 0u);
    CHECK(b.nic.stats().unknown_accesses == 0);
    b.check_clean();
}

TEST_CASE("each of interrupt causes 0 to 9 forced through ICS posts INTA# only while enabled in IMS", "[nic][irq]") {
    // Sections 13.4.17-13.4.21: ICS sets causes in ICR as if the event happened; INTA# is asserted while ICR & IMS
    // is not 0; reading ICR returns every cause and clears it, masked or not; IMS reads back the mask, IMC clears
    // it. Linux e1000's interrupt self-test forces each of bits 0-9 (reserved bits 5 and 8 included) this way and
    // expects each to be reported, so on the part every one of them latches.
    test::NicMachineBench b(params());
    uint32_t masked_icr[10] = {}, enabled_icr[10] = {}, after_read[10] = {}, ims_read[10] = {};
    bool masked_line[10] = {}, enabled_line[10] = {}, line_after_read[10] = {};
    uint32_t w1c_left = 0, ims_after_imc = 1;
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp);
        d.wr(IMC, 0xFFFFFFFFu);
        d.rd(ICR);
        for (unsigned i = 0; i < 10; ++i) {
            const uint32_t m = 1u << i;
            d.wr(IMC, m);
            d.wr(ICS, m);
            hp.stall_ns(1000);
            masked_line[i] = inta(b);
            masked_icr[i] = d.rd(ICR);
            d.wr(IMS, m);
            ims_read[i] = d.rd(IMS);
            d.wr(ICS, m);
            hp.stall_ns(1000);
            enabled_line[i] = inta(b);
            enabled_icr[i] = d.rd(ICR);
            hp.stall_ns(1000);
            line_after_read[i] = inta(b);
            after_read[i] = d.rd(ICR);
            d.wr(IMC, m);
        }
        // Writing 1s to ICR clears those causes only (13.4.17).
        d.wr(ICS, 0x3u);
        d.wr(ICR, 0x1u);
        w1c_left = d.rd(ICR);
        d.wr(IMS, 0x9Du);
        d.wr(IMC, 0x9Du);
        ims_after_imc = d.rd(IMS);
    };
    b.run(program);
    REQUIRE(b.pin.host.cpu.program_done());
    for (unsigned i = 0; i < 10; ++i) {
        INFO("cause bit " << i);
        CHECK_FALSE(masked_line[i]);
        CHECK(masked_icr[i] == (1u << i));
        CHECK(ims_read[i] == (1u << i));
        CHECK(enabled_line[i]);
        CHECK(enabled_icr[i] == (1u << i));
        CHECK_FALSE(line_after_read[i]);
        CHECK(after_read[i] == 0u);
    }
    CHECK(w1c_left == 0x2u);
    CHECK(ims_after_imc == 0u);
    b.check_clean();
}

TEST_CASE("CTRL.RST resets the MAC's registers and reloads the address, PHY_RST holds until cleared", "[nic][regs]") {
    // Section 13.4.1: RST (bit 26) resets the device but for PCI configuration and is self-clearing; after it RAL0 and
    // RAH0 hold the EEPROM's address (words 0-2) with AV (RAH bit 31) set (13.5.4). PHY_RST (bit 31) is an ordinary
    // R/W bit holding the internal PHY in reset while 1; the PHY then reports no link.
    test::NicMachineBench b(params());
    uint32_t ctrl_after = 0, rctl = 1, tdt = 1, ims = 1, tdlen = 1, rdlen = 1, ral0 = 0, rah0 = 0, bar0 = 0;
    uint32_t eeprom_ral = 0, eeprom_rah = 0, ctrl_phy_rst = 0, status_in_reset = 0, ctrl_released = 0;
    uint32_t status_linked = 0;
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp);
        d.wr(RCTL, 0x8018u);  // UPE, MPE, BAM
        d.wr(IMS, 0x9Du);
        d.wr(TDLEN, 0x1000);
        d.wr(0x3818, 5);  // TDT
        d.wr(RDLEN, 0x1000);
        d.wr(RAL0, 0x11223344u);
        d.wr(RAH0, 0x5566u);
        d.wr(CTRL, d.rd(CTRL) | kCtrlRst);
        hp.stall_ns(20'000);
        ctrl_after = d.rd(CTRL);
        rctl = d.rd(RCTL);
        tdt = d.rd(0x3818);
        ims = d.rd(IMS);
        tdlen = d.rd(TDLEN);
        rdlen = d.rd(RDLEN);
        ral0 = d.rd(RAL0);
        rah0 = d.rd(RAH0);
        bar0 = hp.config_read(b.dev, 0x10, 4);
        eeprom_ral = (d.eerd(0) >> 16) | ((d.eerd(1) >> 16) << 16);
        eeprom_rah = d.eerd(2) >> 16;
        d.wr(CTRL, kCtrlSlu | kCtrlPhyRst);
        hp.stall_ns(10'000);
        ctrl_phy_rst = d.rd(CTRL);
        status_in_reset = d.rd(STATUS);
        d.wr(CTRL, d.rd(CTRL) & ~kCtrlPhyRst);
        ctrl_released = d.rd(CTRL);
        hp.stall_ns(3 * kAutonegNs);
        status_linked = d.rd(STATUS);
    };
    b.run(program);
    REQUIRE(b.pin.host.cpu.program_done());
    CHECK((ctrl_after & kCtrlRst) == 0u);
    CHECK(rctl == 0u);
    CHECK(tdt == 0u);
    CHECK(ims == 0u);
    CHECK(tdlen == 0u);
    CHECK(rdlen == 0u);
    CHECK(ral0 == eeprom_ral);
    CHECK(rah0 == (eeprom_rah | 0x80000000u));
    INFO("PCI configuration survives CTRL.RST: BAR0 still decodes");
    CHECK(bar0 == kBar0);
    INFO("PHY_RST reads back while asserted, the link is down, and it comes back once PHY_RST is cleared");
    CHECK((ctrl_phy_rst & kCtrlPhyRst) != 0u);
    CHECK((status_in_reset & 0x2u) == 0u);
    CHECK((ctrl_released & kCtrlPhyRst) == 0u);
    CHECK((status_linked & 0x2u) != 0u);
    b.check_clean();
}

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

TEST_CASE("statistics clear when read and the 64-bit octet counters clear on their high dword", "[nic][regs]") {
    // One 128-byte frame (132 with the FCS the MAC appends, IFCS) sent in MAC loopback (RCTL.LBM 01b, bits 7:6).
    // Section 13.7: every counter clears when read; GORC/GOTC/TOR/TOT count from the destination address through the
    // CRC and are read low dword, then high dword, which clears both; PRC255/PTC255 count frames of 128-255 bytes.
    test::NicMachineBench b(params());
    struct Counter {
        const char* name;
        uint32_t offset;
        uint32_t expected;
    };
    const Counter counters[] = {{"GPTC", 0x4080, 1},    {"TPT", 0x40D4, 1},    {"PTC255", 0x40E0, 1},
                                {"GPRC", 0x4074, 1},    {"TPR", 0x40D0, 1},    {"PRC255", 0x4064, 1},
                                {"GOTCL", 0x4090, 132}, {"GOTCH", 0x4094, 0},  {"TOTL", 0x40C8, 132},
                                {"TOTH", 0x40CC, 0},    {"TORL", 0x40C0, 132}, {"TORH", 0x40C4, 0}};
    uint32_t first[std::size(counters)] = {}, second[std::size(counters)] = {};
    uint32_t gorcl_twice[2] = {}, gorch = 1, gorcl_after_high = 1;
    uint8_t rx_desc[16] = {};
    auto program = [&](hostdrv::HostPlatform& hp) {
        Driver d{hp};
        b.enable(hp, pci::cfg::kCmdMemSpace | pci::cfg::kCmdIoSpace | pci::cfg::kCmdBusMaster);
        d.wr(CTRL, kCtrlSlu);
        uint8_t frame[128];
        const uint32_t ral = d.rd(RAL0), rah = d.rd(RAH0);
        for (unsigned i = 0; i < sizeof frame; ++i) frame[i] = static_cast<uint8_t>(i * 7);
        for (unsigned i = 0; i < 4; ++i) frame[i] = static_cast<uint8_t>(ral >> (8 * i));
        frame[4] = static_cast<uint8_t>(rah);
        frame[5] = static_cast<uint8_t>(rah >> 8);
        hp.memory().write(kTxBuf, frame, sizeof frame);
        legacy_rings(hp, d, 1, sizeof frame, 0x0B);              // CMD: EOP, IFCS, RS
        d.wr(TCTL, 0x2u | 0x8u);                                 // EN, PSP
        d.wr(RCTL, 0x2u | (1u << 6) | (1u << 15) | (1u << 26));  // EN, LBM 01b, BAM, SECRC
        d.wr(0x2818, 7);                                         // RDT
        d.wr(0x3818, 1);                                         // TDT
        for (int i = 0; i < 200 && !(rx_desc[12] & 1u); ++i) {
            hp.stall_ns(1000);
            hp.memory().read(kRxRing, rx_desc, sizeof rx_desc);
        }
        for (size_t i = 0; i < std::size(counters); ++i) first[i] = d.rd(counters[i].offset);
        for (size_t i = 0; i < std::size(counters); ++i) second[i] = d.rd(counters[i].offset);
        gorcl_twice[0] = d.rd(0x4088);
        gorcl_twice[1] = d.rd(0x4088);
        gorch = d.rd(0x408C);
        gorcl_after_high = d.rd(0x4088);
    };
    b.run(program);
    REQUIRE(b.pin.host.cpu.program_done());
    INFO("the frame came back: DD and EOP (status byte 12, bits 0 and 1), length 128 without the stripped CRC");
    REQUIRE((rx_desc[12] & 0x3u) == 0x3u);
    CHECK((rx_desc[8] | (rx_desc[9] << 8)) == 128);
    for (size_t i = 0; i < std::size(counters); ++i) {
        INFO(counters[i].name);
        CHECK(first[i] == counters[i].expected);
        CHECK(second[i] == 0u);
    }
    INFO("GORCL keeps its count until GORCH is read");
    CHECK(gorcl_twice[0] == 132u);
    CHECK(gorcl_twice[1] == 132u);
    CHECK(gorch == 0u);
    CHECK(gorcl_after_high == 0u);
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
