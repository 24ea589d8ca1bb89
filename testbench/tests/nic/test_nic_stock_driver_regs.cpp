// The register behaviour the stock drivers of the 82540EM (Linux e1000 with its ethtool self-test, FreeBSD em/lem,
// iPXE's intel driver, NDIS miniports) rely on, checked from outside over the real bus: read/write fields, interrupt
// causes, software reset and statistics. Every expected value is a number worked out by hand from the 8254x Family
// Software Developer's Manual (section named at each check): nothing is taken from the model's own tables, field
// helpers or constants, so a misreading of the manual in the model cannot hide in the test's oracle.
#include <catch2/catch.hpp>

#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include <systemc>

#include "testbench/support/sim_reports.h"
#include "testbench/tests/nic/stock_driver.h"

using namespace nicsim;
using namespace nicsim::test::stock;
using namespace sc_core;

namespace {

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

}  // namespace

TEST_CASE("register patterns of a driver's register self-test read back in the manual's R/W fields", "[nic][regs]") {
    test::NicMachineBench b(params());
    // Setting RCTL to 06DFB3FEh enables the receiver over the ring the patterns left (RDLEN FFF80h, RDH and RDT
    // FFFFh, one past the last of 65 528 descriptors): legal, since head equals tail and the NIC owns nothing.
    const unsigned idle_before = test::notes_seen("nicsim/nic/note/head-tail-idle");
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
    INFO("the receiver enabled with RDH = RDT = FFFFh: one note, no warning (check_clean)");
    CHECK(test::notes_seen("nicsim/nic/note/head-tail-idle") - idle_before == 1);
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
