// The bring-up sequence real drivers use for the 82540EM, against the whole device front through its registers,
// written from the 8254x SDM: software reset, EEPROM read of all 64 words by bit-banging EECD and by EERD with the
// same result and a valid checksum, MAC address from the EEPROM, PHY identification through MDIC, PHY reset,
// autonegotiation start and completion within the configured time, link up with LSC, MDAC on request, and the link
// following the cable. Time passes in an SC_THREAD; register accesses are the host's direct ones.
#include <catch2/catch.hpp>
#include <functional>

#include <systemc>

#include "model/nic/e1000_regs.h"
#include "model/nic/mdio_controller.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/pci_bus.h"
#include "testbench/support/sim_reports.h"

using namespace nicsim;
using namespace nicsim::e1000;
using namespace sc_core;

namespace {

constexpr uint64_t kAutonegNs = 200'000;  // the test's autonegotiation time

struct Program : sc_module {
    std::function<void()> body;
    bool done = false;
    SC_HAS_PROCESS(Program);
    explicit Program(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        wait(sc_time(2, SC_US));  // past the power-on RST# pulse
        body();
        done = true;
        sc_stop();
    }
};

struct Rig {
    pci::PciBus bus{"pci", pci::BusConfig{}};
    nic::Nic82540em nic;
    Program prog{"prog"};
    explicit Rig(const nic::NicParams& p) : nic("nic", bus, p) {}
    uint32_t rd(uint32_t off) { return nic.read_register(off); }
    void wr(uint32_t off, uint32_t v) { nic.write_register(off, v); }
    static void wait_ns(uint64_t ns) { wait(sc_time(static_cast<double>(ns), SC_NS)); }
    static uint64_t now() { return sc_time_stamp().value() / sc_time(1, SC_NS).value(); }
    void run(std::function<void()> body) {
        prog.body = std::move(body);
        sc_start(sc_time(5, SC_SEC));
        REQUIRE(prog.done);
    }

    // ---- the test's own EECD bit-bang routine (8254x SDM section 5.3 and 13.4.3) ----
    void eecd_set(uint32_t& v, uint32_t bit, bool on) {
        v = on ? (v | bit) : (v & ~bit);
        wr(EECD, v);
    }
    uint16_t eeprom_bitbang(unsigned addr) {
        uint32_t v = rd(EECD) | eecd::EE_REQ::mask;
        wr(EECD, v);
        for (int i = 0; i < 100 && !(rd(EECD) & eecd::EE_GNT::mask); ++i) wait_ns(1000);
        REQUIRE((rd(EECD) & eecd::EE_GNT::mask) != 0);
        eecd_set(v, eecd::CS::mask, true);
        const uint32_t frame = (0x6u << 6) | addr;  // 110b then six address bits
        for (int i = 8; i >= 0; --i) {
            eecd_set(v, eecd::DI::mask, (frame >> i) & 1u);
            eecd_set(v, eecd::SK::mask, true);
            eecd_set(v, eecd::SK::mask, false);
        }
        eecd_set(v, eecd::DI::mask, false);
        uint16_t w = 0;
        for (int i = 0; i < 16; ++i) {
            eecd_set(v, eecd::SK::mask, true);
            w = static_cast<uint16_t>((w << 1) | ((rd(EECD) & eecd::DO::mask) ? 1 : 0));
            eecd_set(v, eecd::SK::mask, false);
        }
        eecd_set(v, eecd::CS::mask, false);
        wr(EECD, v & ~eecd::EE_REQ::mask);
        return w;
    }
    uint16_t eeprom_eerd(unsigned addr) {
        wr(EERD, eerd::START::mask | eerd::ADDR::make(addr));
        for (int i = 0; i < 100; ++i) {
            wait_ns(100);
            const uint32_t v = rd(EERD);
            if (v & eerd::DONE::mask) return static_cast<uint16_t>(eerd::DATA::get(v));
        }
        FAIL("EERD never DONE");
        return 0;
    }
    /// MDIC access, polled for Ready as drivers do (every 10 us, at most 64 times).
    uint32_t mdic(unsigned op, unsigned phy_addr, unsigned reg, uint16_t data = 0, bool irq = false) {
        wr(MDIC, mdic::OP::make(op) | mdic::PHYADD::make(phy_addr) | mdic::REGADD::make(reg) | mdic::DATA::make(data) |
                     (irq ? mdic::I::mask : 0));
        for (int i = 0; i < 64; ++i) {
            wait_ns(10'000);
            const uint32_t v = rd(MDIC);
            if (v & mdic::R::mask) return v;
        }
        FAIL("MDIC never Ready");
        return 0;
    }
};

nic::NicParams params() {
    nic::NicParams p;
    p.autoneg_ns = kAutonegNs;
    p.mac[0] = 0x00;
    p.mac[1] = 0x1B;
    p.mac[5] = 0x77;
    return p;
}

}  // namespace

TEST_CASE("driver bring-up: EEPROM by EECD and EERD, PHY identification and reset, autonegotiation, link up",
          "[nic][phy][eeprom][init]") {
    Rig r(params());
    uint16_t bb[64] = {}, rd_words[64] = {};
    uint32_t status_before_slu = 0, status_up = 0, icr_slu = 0, id1 = 0, id2 = 0, icr_mdac = 0;
    uint32_t status_after_reset = 0, icr_after_reset = 0, bmcr_after = 0, status_autoneg = 0, icr_autoneg = 0;
    uint64_t reset_done_ns = 0, link_up_ns = 0;
    r.run([&] {
        r.wr(CTRL, ctrl::RST::mask);
        r.wait_ns(1000);
        for (unsigned a = 0; a < 64; ++a) bb[a] = r.eeprom_bitbang(a);
        for (unsigned a = 0; a < 64; ++a) rd_words[a] = r.eeprom_eerd(a);
        status_before_slu = r.rd(STATUS);
        r.wr(CTRL, ctrl::SLU::mask | ctrl::ASDE::mask);
        r.wait_ns(100);
        status_up = r.rd(STATUS);
        icr_slu = r.rd(ICR);
        id1 = mdic::DATA::get(r.mdic(mdic::kOpRead, kPhyAddress, phy::ID1));
        id2 = mdic::DATA::get(r.mdic(mdic::kOpRead, kPhyAddress, phy::ID2, 0, true));
        icr_mdac = r.rd(ICR);
        // PHY reset with autonegotiation enabled (BMCR 0x9140), as the drivers' copper link setup does.
        r.mdic(mdic::kOpWrite, kPhyAddress, phy::BMCR,
               phy::bmcr::RESET | phy::bmcr::AN_ENABLE | phy::bmcr::DUPLEX | phy::bmcr::SPEED_MSB);
        reset_done_ns = r.now();
        status_after_reset = r.rd(STATUS);
        icr_after_reset = r.rd(ICR);
        bmcr_after = mdic::DATA::get(r.mdic(mdic::kOpRead, kPhyAddress, phy::BMCR));
        while (!(r.rd(STATUS) & status::LU::mask) && r.now() < reset_done_ns + 10 * kAutonegNs) r.wait_ns(1000);
        link_up_ns = r.now();
        status_autoneg = r.rd(STATUS);
        icr_autoneg = r.rd(ICR);
    });
    INFO("bit-banged and EERD words agree; the checksum computed here is 0xBABA");
    uint16_t sum = 0;
    for (unsigned a = 0; a < 64; ++a) {
        CHECK(bb[a] == rd_words[a]);
        sum = static_cast<uint16_t>(sum + bb[a]);
    }
    CHECK(sum == 0xBABA);
    INFO("MAC address from words 0..2 is the one the device was built with, and in RAL0/RAH0");
    const nic::NicParams p = params();
    for (unsigned i = 0; i < 3; ++i) CHECK(bb[i] == (p.mac[2 * i] | (p.mac[2 * i + 1] << 8)));
    INFO("link down until CTRL.SLU, then up at once (the power-on autonegotiation finished) with LSC");
    CHECK((status_before_slu & status::LU::mask) == 0);
    CHECK((status_up & status::LU::mask) != 0);
    CHECK(status::SPEED::get(status_up) == status::kSpeed1000);
    CHECK((status_up & status::FD::mask) != 0);
    CHECK((icr_slu & icr::LSC) != 0);
    INFO("PHY identification: 88E1011 (0x0141, 0x0C2x); MDAC raised only for the access that asked");
    CHECK(id1 == 0x0141u);
    CHECK((id2 & 0xFFF0u) == 0x0C20u);
    CHECK((icr_mdac & icr::MDAC) != 0);
    INFO("PHY reset: link down with LSC, BMCR.RESET self-cleared");
    CHECK((status_after_reset & status::LU::mask) == 0);
    CHECK((icr_after_reset & icr::LSC) != 0);
    CHECK((bmcr_after & phy::bmcr::RESET) == 0);
    INFO("autonegotiation completes within the configured time (polled every 1 us), link up with LSC");
    CHECK((status_autoneg & status::LU::mask) != 0);
    CHECK((icr_autoneg & icr::LSC) != 0);
    CHECK(link_up_ns >= reset_done_ns + kAutonegNs - nic::MdioController::kFrameNs - 10'000);
    CHECK(link_up_ns <= reset_done_ns + kAutonegNs + 2'000);
}

TEST_CASE("MDIO to another PHY address fails with Error, and the cable drives the link through the PHY",
          "[nic][phy][robustness]") {
    Rig r(params());
    uint32_t other = 0, lu_pulled = 1, lu_early = 1, lu_back = 0, status_forced = 0, icr_pulled = 0, eecd = 0;
    r.run([&] {
        r.wr(CTRL, ctrl::SLU::mask);
        (void)r.rd(ICR);
        r.wr(EECD, eecd::CS::mask | eecd::SK::mask);  // no EE_REQ: not granted
        eecd = r.rd(EECD);
        other = r.mdic(mdic::kOpRead, 2, phy::ID1);
        r.nic.set_link(false);
        lu_pulled = r.rd(STATUS) & status::LU::mask;
        icr_pulled = r.rd(ICR);
        r.nic.set_link(true);
        r.wait_ns(kAutonegNs / 2);
        lu_early = r.rd(STATUS) & status::LU::mask;
        r.wait_ns(kAutonegNs / 2 + 1000);
        lu_back = r.rd(STATUS) & status::LU::mask;
        // Forced speed and duplex: the MAC takes CTRL.SPEED and CTRL.FD instead of the PHY's resolution.
        r.wr(CTRL, ctrl::SLU::mask | ctrl::FRCSPD::mask | ctrl::FRCDPLX::mask | ctrl::SPEED::make(1));
        status_forced = r.rd(STATUS);
    });
    INFO("a read of PHY address 2: Ready and Error, and a note (SC_INFO, not a warning)");
    CHECK((other & (mdic::R::mask | mdic::E::mask)) == (mdic::R::mask | mdic::E::mask));
    CHECK(sc_report_handler::get_count("nicsim/nic/note/mdio") == 1);
    INFO("EECD pins written without the grant: not taken, one note");
    CHECK((eecd & (eecd::CS::mask | eecd::SK::mask | eecd::EE_GNT::mask)) == 0);
    CHECK(sc_report_handler::get_count("nicsim/nic/note/eecd-no-grant") == 1);
    CHECK(r.nic.stats().diagnostics == 0u);
    INFO("cable out: link down at once with LSC; back in: up only after autonegotiation");
    CHECK(lu_pulled == 0u);
    CHECK((icr_pulled & icr::LSC) != 0);
    CHECK(lu_early == 0u);
    CHECK(lu_back != 0u);
    INFO("FRCSPD/FRCDPLX: STATUS shows 100 Mb/s half duplex as forced");
    CHECK(status::SPEED::get(status_forced) == status::kSpeed100);
    CHECK((status_forced & status::FD::mask) == 0);
}

TEST_CASE("a link that never comes up: no cable at power-on", "[nic][phy][robustness]") {
    nic::NicParams p = params();
    p.link_up = false;
    Rig r(p);
    uint32_t lu = 1, bmsr = 0;
    r.run([&] {
        r.wr(CTRL, ctrl::SLU::mask);
        r.mdic(mdic::kOpWrite, kPhyAddress, phy::BMCR, phy::bmcr::AN_ENABLE | phy::bmcr::RESTART_AN);
        r.wait_ns(3 * kAutonegNs);
        lu = r.rd(STATUS) & status::LU::mask;
        bmsr = mdic::DATA::get(r.mdic(mdic::kOpRead, kPhyAddress, phy::BMSR));
    });
    CHECK(lu == 0u);
    CHECK((bmsr & (phy::bmsr::LINK | phy::bmsr::AN_COMPLETE)) == 0u);
}

TEST_CASE("with the default autonegotiation time the link returns about 2 s after a PHY reset", "[nic][phy]") {
    nic::NicParams p;  // autoneg_ns as shipped
    Rig r(p);
    uint32_t lu_before = 1, lu_after = 0;
    uint64_t reset_at = 0;
    r.run([&] {
        r.wr(CTRL, ctrl::SLU::mask);
        r.mdic(mdic::kOpWrite, kPhyAddress, phy::BMCR, phy::bmcr::RESET | phy::bmcr::AN_ENABLE);
        reset_at = r.now();
        r.wait_ns(1'900'000'000);
        lu_before = r.rd(STATUS) & status::LU::mask;
        r.wait_ns(200'000'000);
        lu_after = r.rd(STATUS) & status::LU::mask;
    });
    INFO("NicParams::autoneg_ns is 2 s: down at reset + 1.9 s, up at reset + 2.1 s");
    CHECK(p.autoneg_ns == 2'000'000'000u);
    CHECK(lu_before == 0u);
    CHECK(lu_after != 0u);
    CHECK(reset_at < 1'000'000u);
}
