// The device front's side of the EEPROM pins (EECD), the MDIO frame generator (MDIC) and the PHY: how the MAC takes
// its link, speed and duplex from the PHY (8254x SDM section 8.6.2: CTRL.SLU, FRCSPD, FRCDPLX).
#include "model/nic/nic_82540em.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

EepromWords Nic82540em::eeprom_image(const NicParams& params) {
    if (params.eeprom.size() != kEepromWords) {
        EepromWords w = default_eeprom_image(params.mac);
        if (params.data_path_bits == 64) {  // the 82545EM's EEPROM names its own device ID
            w[kEeWordDeviceId] = ConfigSpace::kDevice82545em;
            fix_eeprom_checksum(w);
        }
        return w;
    }
    EepromWords w;
    std::copy(params.eeprom.begin(), params.eeprom.end(), w.begin());
    return w;
}

PhyParams Nic82540em::phy_params(const NicParams& params) {
    PhyParams p;
    p.autoneg_ns = params.autoneg_ns;
    p.partner_mbps = params.link_mbps == 10 || params.link_mbps == 100 ? params.link_mbps : 1000;
    p.partner_present = params.link_up;
    return p;
}

unsigned Nic82540em::mac_mbps() const {
    // Forced speed (FRCSPD) is CTRL.SPEED; otherwise the MAC takes the speed the PHY resolved.
    const uint32_t c = m_regs.word(CTRL);
    if (!ctrl::FRCSPD::get(c)) return m_phy.speed_mbps();
    const uint32_t s = ctrl::SPEED::get(c);
    return s == status::kSpeed10 ? 10 : s == status::kSpeed100 ? 100 : 1000;
}

bool Nic82540em::mac_full_duplex() const {
    const uint32_t c = m_regs.word(CTRL);
    return ctrl::FRCDPLX::get(c) ? ctrl::FD::get(c) != 0 : m_phy.full_duplex();
}

void Nic82540em::write_eecd(uint32_t value) {
    if (!m_eeprom.write_eecd(value))
        note("eecd-no-grant", "EECD pins written without EE_REQ granted (EE_GNT clear): the EEPROM does not see them");
}

void Nic82540em::write_mdic(uint32_t value) {
    bool replaced = false;
    m_mdio.write(value, now_ns(), replaced);
    if (replaced) note("mdic-busy", "MDIC written before the previous MDIO frame completed: that frame is dropped");
    service_phy();  // a bad opcode completes at once
    wake();         // the frame completes at a deadline
}

void Nic82540em::write_phy_reset(bool asserted) {
    m_phy.set_reset(asserted, now_ns());
    wake();
}

void Nic82540em::advance_phy(uint64_t now) {
    const bool was_up = link_up();
    MdioController::Done done;
    if (m_mdio.complete(m_phy, now, done)) {
        if (!done.note.empty()) note("mdio", done.note);
        if (done.interrupt) m_irq.raise(icr::MDAC);
    }
    m_phy.advance(now);
    link_changed(was_up);
    update_irq();
}

}  // namespace nicsim::nic
