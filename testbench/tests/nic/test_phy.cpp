// The PHY (88E1011 register set, 8254x SDM section 13.5; IEEE 802.3 clause 22 and 28) and the MDIC frame generator
// (section 13.4.7) on their own, with time given by the test. Expected values are the manual's and the IEEE
// standard's: PHY_ID1 0x0141 and PHY_ID2 0x0C2x (Marvell OUI, 88E1011), BMCR's reset/restart bits self-clearing,
// BMSR's link bit latching low, speed resolved as the highest common ability.
#include <catch2/catch.hpp>

#include "model/nic/e1000_regs.h"
#include "model/nic/mdio_controller.h"
#include "model/nic/phy_88e1011.h"

using namespace nicsim::nic;
using namespace nicsim::e1000;
using namespace nicsim::e1000::phy;

namespace {

constexpr uint64_t kAutoneg = 50'000;  // 50 us: the test's autonegotiation time

PhyParams params(unsigned peer = 1000, bool present = true) {
    PhyParams p;
    p.autoneg_ns = kAutoneg;
    p.partner_mbps = peer;
    p.partner_present = present;
    return p;
}

uint16_t rd(Phy88E1011& phy, unsigned reg) {
    bool known = false;
    const uint16_t v = phy.read(reg, known);
    REQUIRE(known);
    return v;
}

/// An MDIC access as a driver makes it: write, wait the frame time, read the result.
uint32_t access(MdioController& m, Phy88E1011& phy, uint32_t value, uint64_t& now, MdioController::Done& done) {
    bool replaced = true;
    m.write(value, now, replaced);
    CHECK_FALSE(replaced);
    CHECK((m.value() & mdic::R::mask) == 0);
    now += MdioController::kFrameNs;
    REQUIRE(m.complete(phy, now, done));
    return m.value();
}

uint32_t mdic_op(unsigned op, unsigned addr, unsigned reg, uint16_t data = 0) {
    return mdic::OP::make(op) | mdic::PHYADD::make(addr) | mdic::REGADD::make(reg) | mdic::DATA::make(data);
}

}  // namespace

TEST_CASE("PHY identification: Marvell OUI and the 88E1011 model", "[nic][phy]") {
    Phy88E1011 phy(params());
    CHECK(rd(phy, ID1) == 0x0141);
    INFO("drivers compare ID1:ID2 with 0x01410C20 after masking the revision (bits 3:0)");
    CHECK((rd(phy, ID2) & 0xFFF0) == 0x0C20);
}

TEST_CASE("after power-on the link is up at the best common speed and autonegotiation is complete", "[nic][phy]") {
    Phy88E1011 phy(params(1000));
    CHECK(phy.link());
    CHECK(phy.speed_mbps() == 1000);
    CHECK(phy.full_duplex());
    const uint16_t bmsr_v = rd(phy, BMSR);
    CHECK((bmsr_v & (bmsr::LINK | bmsr::AN_COMPLETE | bmsr::AN_ABILITY)) ==
          (bmsr::LINK | bmsr::AN_COMPLETE | bmsr::AN_ABILITY));
    INFO("abilities: 10/100 half and full, extended status (1000BASE-T in register 15)");
    CHECK((bmsr_v & 0x7800) == 0x7800);
    CHECK((rd(phy, EXTSR) & 0x3000) == 0x3000);
    INFO("PHY specific status: 1000 Mb/s (10b), full duplex, resolved, link");
    const uint16_t s = rd(phy, PSSR);
    CHECK((s >> 14) == 2u);
    CHECK((s & (pssr::DUPLEX | pssr::RESOLVED | pssr::LINK)) == (pssr::DUPLEX | pssr::RESOLVED | pssr::LINK));
    INFO("1000BASE-T status: partner 1000FD, receivers OK");
    CHECK((rd(phy, GSR) & (gsr::LP1000FD | gsr::LOCAL_RX_OK | gsr::REMOTE_RX_OK)) ==
          (gsr::LP1000FD | gsr::LOCAL_RX_OK | gsr::REMOTE_RX_OK));
    INFO("link partner ability: IEEE selector, acknowledged");
    CHECK((rd(phy, ANLPAR) & 0x401F) == 0x4001);
}

TEST_CASE("PHY reset and autonegotiation restart self-clear, and the link returns after the autonegotiation time",
          "[nic][phy]") {
    Phy88E1011 phy(params());
    uint64_t now = 1000;
    REQUIRE(phy.write(BMCR, bmcr::RESET | bmcr::AN_ENABLE | bmcr::DUPLEX | bmcr::SPEED_MSB, now));
    CHECK((rd(phy, BMCR) & bmcr::RESET) == 0);
    CHECK_FALSE(phy.link());
    INFO("BMSR's link bit latched low, autonegotiation not complete");
    CHECK((rd(phy, BMSR) & (bmsr::LINK | bmsr::AN_COMPLETE)) == 0);
    CHECK(phy.next_event_ns() == now + kAutoneg);
    phy.advance(now + kAutoneg - 1);
    CHECK_FALSE(phy.link());
    phy.advance(now + kAutoneg);
    CHECK(phy.link());
    CHECK((rd(phy, BMSR) & (bmsr::LINK | bmsr::AN_COMPLETE)) == (bmsr::LINK | bmsr::AN_COMPLETE));

    INFO("advertising only 100BASE-TX full duplex and no 1000BASE-T: restart resolves 100 full");
    now += kAutoneg;
    phy.write(ANAR, anar::SELECTOR_8023 | anar::A100FD, now);
    phy.write(phy::GCR, 0, now);
    phy.write(BMCR, bmcr::AN_ENABLE | bmcr::RESTART_AN, now);
    CHECK((rd(phy, BMCR) & bmcr::RESTART_AN) == 0);
    CHECK_FALSE(phy.link());
    phy.advance(now + kAutoneg);
    REQUIRE(phy.link());
    CHECK(phy.speed_mbps() == 100);
    CHECK(phy.full_duplex());
    CHECK(((rd(phy, PSSR) >> 14) & 3u) == 1u);
}

TEST_CASE("BMSR link status latches low until read (IEEE 802.3 clause 22)", "[nic][phy]") {
    Phy88E1011 phy(params());
    phy.set_partner_present(false, 10);
    phy.set_partner_present(true, 20);
    phy.advance(20 + kAutoneg);
    REQUIRE(phy.link());
    INFO("the link is up again, but the first BMSR read still reports the loss");
    CHECK((rd(phy, BMSR) & bmsr::LINK) == 0);
    CHECK((rd(phy, BMSR) & bmsr::LINK) != 0);
    INFO("the PHY specific status is real time");
    CHECK((rd(phy, PSSR) & pssr::LINK) != 0);
}

TEST_CASE("a link that never comes up: no partner, or a forced 1000 Mb/s without autonegotiation",
          "[nic][phy][robustness]") {
    SECTION("the cable is out") {
        Phy88E1011 phy(params(1000, false));
        CHECK_FALSE(phy.link());
        phy.write(BMCR, bmcr::AN_ENABLE | bmcr::RESTART_AN, 0);
        CHECK(phy.next_event_ns() == Phy88E1011::kNever);
        phy.advance(1'000'000'000);
        CHECK_FALSE(phy.link());
        CHECK((rd(phy, BMSR) & (bmsr::LINK | bmsr::AN_COMPLETE)) == 0);
    }
    SECTION("autonegotiation disabled, 1000 Mb/s forced (1000BASE-T needs autonegotiation)") {
        Phy88E1011 phy(params());
        phy.write(BMCR, bmcr::RESET | bmcr::SPEED_MSB | bmcr::DUPLEX, 0);
        phy.advance(1'000'000'000);
        CHECK_FALSE(phy.link());
    }
    SECTION("a 100 Mb/s peer and a PHY advertising only 1000BASE-T") {
        Phy88E1011 phy(params(100));
        phy.write(ANAR, anar::SELECTOR_8023, 0);
        phy.write(BMCR, bmcr::AN_ENABLE | bmcr::RESTART_AN, 0);
        phy.advance(1'000'000'000);
        CHECK_FALSE(phy.link());
    }
    SECTION("forced 100 Mb/s full duplex comes up against a 100 Mb/s peer") {
        Phy88E1011 phy(params(100));
        phy.write(BMCR, bmcr::RESET | bmcr::SPEED_LSB | bmcr::DUPLEX, 0);
        phy.advance(kAutoneg);
        CHECK(phy.link());
        CHECK(phy.speed_mbps() == 100);
        INFO("no autonegotiation took place");
        CHECK((rd(phy, BMSR) & bmsr::AN_COMPLETE) == 0);
    }
}

TEST_CASE("CTRL.PHY_RST holds the PHY in reset, and on release it autonegotiates from its defaults", "[nic][phy]") {
    Phy88E1011 phy(params());
    phy.write(ANAR, anar::SELECTOR_8023, 0);
    phy.set_reset(true, 100);
    CHECK_FALSE(phy.link());
    CHECK(rd(phy, ANAR) == 0x01E1);
    phy.set_reset(false, 200);
    phy.advance(200 + kAutoneg);
    CHECK(phy.link());
    CHECK(rd(phy, BMCR) == (bmcr::AN_ENABLE | bmcr::DUPLEX | bmcr::SPEED_MSB));
}

TEST_CASE("MDIC: Ready after the frame, data read, Error for another PHY address and bad opcodes, MDAC asked",
          "[nic][phy][mdic]") {
    Phy88E1011 phy(params());
    MdioController m;
    MdioController::Done done;
    uint64_t now = 0;
    uint32_t v = access(m, phy, mdic_op(mdic::kOpRead, 1, ID1), now, done);
    CHECK((v & (mdic::R::mask | mdic::E::mask)) == mdic::R::mask);
    CHECK(mdic::DATA::get(v) == 0x0141u);
    CHECK(done.note.empty());
    CHECK_FALSE(done.interrupt);

    INFO("not complete before the frame time");
    bool replaced = false;
    m.write(mdic_op(mdic::kOpRead, 1, ID2) | mdic::I::mask, now, replaced);
    CHECK_FALSE(m.complete(phy, now + MdioController::kFrameNs - 1, done));
    REQUIRE(m.complete(phy, now + MdioController::kFrameNs, done));
    CHECK(done.interrupt);
    now += MdioController::kFrameNs;

    INFO("a read of PHY address 2: nobody answers, Error");
    v = access(m, phy, mdic_op(mdic::kOpRead, 2, ID1), now, done);
    CHECK((v & (mdic::R::mask | mdic::E::mask)) == (mdic::R::mask | mdic::E::mask));
    CHECK_FALSE(done.note.empty());

    INFO("a write through MDIC reaches the PHY");
    v = access(m, phy, mdic_op(mdic::kOpWrite, 1, ANAR, 0x0181), now, done);
    CHECK((v & mdic::E::mask) == 0);
    CHECK(rd(phy, ANAR) == 0x0181);

    INFO("opcodes 00b and 11b: Error at once");
    for (unsigned op : {0u, 3u}) {
        m.write(mdic_op(op, 1, BMCR), now, replaced);
        REQUIRE(m.complete(phy, now, done));
        CHECK((m.value() & (mdic::R::mask | mdic::E::mask)) == (mdic::R::mask | mdic::E::mask));
    }
}

TEST_CASE("BMCR loopback gives the MAC a link at the forced speed and duplex, without a cable", "[nic][phy]") {
    Phy88E1011 phy(params(1000, false));  // no cable: no link on the line
    REQUIRE_FALSE(phy.link());
    REQUIRE_FALSE(phy.mac_link());
    INFO("IEEE 802.3 clause 22.2.4.1.2: bit 14 loops the transmit path back; bits 6/13 and 8 give speed and duplex");
    REQUIRE(phy.write(BMCR, bmcr::LOOPBACK | bmcr::SPEED_MSB | bmcr::DUPLEX, 0));
    CHECK(phy.loopback());
    CHECK(phy.mac_link());
    CHECK_FALSE(phy.link());  // the line itself stays down: BMSR does not report a link
    CHECK((rd(phy, BMSR) & bmsr::LINK) == 0);
    CHECK(phy.speed_mbps() == 1000);
    CHECK(phy.full_duplex());
    REQUIRE(phy.write(BMCR, bmcr::LOOPBACK | bmcr::SPEED_LSB, 0));  // 100 Mb/s half duplex
    CHECK(phy.speed_mbps() == 100);
    CHECK_FALSE(phy.full_duplex());
    INFO("power-down and reset end the loop");
    REQUIRE(phy.write(BMCR, bmcr::LOOPBACK | bmcr::POWER_DOWN, 0));
    CHECK_FALSE(phy.mac_link());
    REQUIRE(phy.write(BMCR, bmcr::LOOPBACK, 0));
    CHECK(phy.mac_link());
    CHECK(phy.speed_mbps() == 10);
    phy.set_reset(true, 0);
    CHECK_FALSE(phy.mac_link());
    phy.set_reset(false, 0);
    CHECK_FALSE(phy.loopback());  // the reset default has bit 14 clear
}
