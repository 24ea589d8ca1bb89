#include "model/nic/phy_88e1011.h"

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

using namespace nicsim::e1000;
using namespace nicsim::e1000::phy;

namespace {
// Register defaults (88E1011 as the 8254x SDM's PHY register section describes it).
constexpr uint16_t kBmcrDefault = bmcr::AN_ENABLE | bmcr::DUPLEX | bmcr::SPEED_MSB;
constexpr uint16_t kAnarDefault = anar::SELECTOR_8023 | anar::A10HD | anar::A10FD | anar::A100HD | anar::A100FD;
constexpr uint16_t kGcrDefault = gcr::A1000HD | gcr::A1000FD;
constexpr uint16_t kPscrDefault = 0x0060;   // MDI crossover mode 11b (6:5): automatic
constexpr uint16_t kEpscrDefault = 0x0C60;  // master downshift 11b (11:10), TX_CLK 2.5 MHz (6:4 = 110b)
constexpr uint16_t kExtStatus = 0x3000;     // 1000BASE-T full and half duplex capable
constexpr uint16_t kAnerNextPageAble = 0x0004;
constexpr uint16_t kAnerPartnerAnAble = 0x0001;
constexpr uint16_t kAnerPageReceived = 0x0002;
constexpr uint16_t kPssrPageReceived = 1u << 12;
constexpr uint16_t kBmcrSelfClearing = bmcr::RESET | bmcr::RESTART_AN;
}  // namespace

Phy88E1011::Phy88E1011(const PhyParams& params) : m_params(params) {
    power_on();
}

void Phy88E1011::defaults() {
    m_bmcr = kBmcrDefault;
    m_anar = kAnarDefault;
    m_gcr = kGcrDefault;
    m_pscr = kPscrDefault;
    m_pier = 0;
    m_epscr = kEpscrDefault;
    m_nptx = 0;
}

void Phy88E1011::power_on() {
    defaults();
    m_in_reset = false;
    m_latched_low = false;
    m_link_at = kNever;
    unsigned mbps = 0;
    bool full = false;
    m_link = m_params.partner_present && resolve(mbps, full);
    m_an_complete = m_link;
    if (m_link) {
        m_speed = mbps;
        m_full_duplex = full;
    }
}

static_assert(Phy88E1011::kLoopbackBit == bmcr::LOOPBACK && Phy88E1011::kPowerDownBit == bmcr::POWER_DOWN &&
              Phy88E1011::kDuplexBit == bmcr::DUPLEX);

unsigned Phy88E1011::forced_mbps() const {
    return (m_bmcr & bmcr::SPEED_MSB) ? 1000 : (m_bmcr & bmcr::SPEED_LSB) ? 100 : 10;
}

bool Phy88E1011::resolve(unsigned& mbps, bool& full) const {
    if (!m_params.partner_present || m_in_reset || (m_bmcr & bmcr::POWER_DOWN)) return false;
    const unsigned peer = m_params.partner_mbps;
    if (!(m_bmcr & bmcr::AN_ENABLE)) {
        // Forced: 1000BASE-T cannot come up without autonegotiation; 10/100 need a peer able to run that speed.
        mbps = forced_mbps();
        full = (m_bmcr & bmcr::DUPLEX) != 0;
        return mbps != 1000 && mbps <= peer;
    }
    const uint16_t common = m_anar & partner_page();
    struct Mode {
        bool ok;
        unsigned mbps;
        bool full;
    };
    const Mode modes[] = {{(m_gcr & gcr::A1000FD) && peer >= 1000, 1000, true},
                          {(common & anar::A100FD) != 0, 100, true},
                          {(common & anar::A100HD) != 0, 100, false},
                          {(common & anar::A10FD) != 0, 10, true},
                          {(common & anar::A10HD) != 0, 10, false}};
    for (const Mode& m : modes) {
        if (!m.ok) continue;
        mbps = m.mbps;
        full = m.full;
        return true;
    }
    return false;
}

uint16_t Phy88E1011::partner_page() const {
    uint16_t p = anar::SELECTOR_8023 | anar::A10HD | anar::A10FD | anar::PAUSE;
    if (m_params.partner_mbps >= 100) p |= anar::A100HD | anar::A100FD;
    if (m_params.partner_mbps >= 1000) p |= anar::NEXT_PAGE;  // the 1000BASE-T abilities travel in next pages
    return p;
}

void Phy88E1011::link_down() {
    if (m_link) m_latched_low = true;
    m_link = false;
    m_an_complete = false;
    m_link_at = kNever;
}

void Phy88E1011::start_link(uint64_t now_ns) {
    link_down();
    unsigned mbps = 0;
    bool full = false;
    if (resolve(mbps, full)) m_link_at = now_ns + m_params.autoneg_ns;
}

void Phy88E1011::advance(uint64_t now_ns) {
    if (m_link_at == kNever || now_ns < m_link_at) return;
    m_link_at = kNever;
    unsigned mbps = 0;
    bool full = false;
    if (!resolve(mbps, full)) return;
    m_link = true;
    m_an_complete = (m_bmcr & bmcr::AN_ENABLE) != 0;
    m_speed = mbps;
    m_full_duplex = full;
}

void Phy88E1011::set_reset(bool asserted, uint64_t now_ns) {
    if (asserted == m_in_reset) return;
    m_in_reset = asserted;
    defaults();
    if (asserted)
        link_down();
    else
        start_link(now_ns);
}

void Phy88E1011::set_partner_present(bool present, uint64_t now_ns) {
    if (present == m_params.partner_present) return;
    m_params.partner_present = present;
    if (present)
        start_link(now_ns);
    else
        link_down();
}

uint16_t Phy88E1011::bmsr() {
    uint16_t v = bmsr::ABILITIES | bmsr::EXT_STATUS | bmsr::PREAMBLE_SUPP | bmsr::AN_ABILITY | bmsr::EXT_CAP;
    if (m_an_complete) v |= bmsr::AN_COMPLETE;
    if (m_link && !m_latched_low) v |= bmsr::LINK;
    m_latched_low = false;
    return v;
}

uint16_t Phy88E1011::gsr() const {
    if (!m_an_complete) return 0;
    uint16_t v = m_params.partner_mbps >= 1000 ? gsr::LP1000FD : 0;
    if (m_link && m_speed == 1000) v |= gsr::LOCAL_RX_OK | gsr::REMOTE_RX_OK;  // resolved as slave (MASTER 0)
    return v;
}

uint16_t Phy88E1011::pssr() const {
    if (!m_link) return 0;
    const uint16_t speed = m_speed == 1000 ? 2 : m_speed == 100 ? 1 : 0;
    return static_cast<uint16_t>(pssr::SPEED::make(speed) | (m_full_duplex ? pssr::DUPLEX : 0) | pssr::RESOLVED |
                                 pssr::LINK | (m_an_complete ? kPssrPageReceived : 0));
}

uint16_t Phy88E1011::read(unsigned reg, bool& known) {
    known = true;
    switch (reg) {
        case BMCR:
            return m_bmcr;
        case BMSR:
            return bmsr();
        case ID1:
            return kId1;
        case ID2:
            return kId2;
        case ANAR:
            return m_anar;
        case ANLPAR:
            return m_an_complete ? static_cast<uint16_t>(partner_page() | anar::ACK) : 0;
        case ANER:
            return static_cast<uint16_t>(kAnerNextPageAble |
                                         (m_an_complete ? kAnerPartnerAnAble | kAnerPageReceived : 0));
        case NPTX:
            return m_nptx;
        case LPNP:
        case PISR:
        case RXERR:
            return 0;  // no next page kept; PHY interrupts and receive errors never happen in the model
        case phy::GCR:
            return m_gcr;
        case GSR:
            return gsr();
        case EXTSR:
            return kExtStatus;
        case PSCR:
            return m_pscr;
        case PSSR:
            return pssr();
        case PIER:
            return m_pier;
        case EPSCR:
            return m_epscr;
        default:
            known = false;
            return 0;
    }
}

bool Phy88E1011::write(unsigned reg, uint16_t value, uint64_t now_ns) {
    if (m_in_reset) return true;  // held in reset: the write is lost, as on the part
    switch (reg) {
        case BMCR: {
            const bool power_change = ((value ^ m_bmcr) & bmcr::POWER_DOWN) != 0;
            m_bmcr = value & ~kBmcrSelfClearing;
            const bool restart = (value & bmcr::RESET) || ((value & bmcr::RESTART_AN) && (value & bmcr::AN_ENABLE));
            if (restart || power_change) start_link(now_ns);
            return true;
        }
        case ANAR:
            m_anar = value;
            return true;
        case NPTX:
            m_nptx = value;
            return true;
        case phy::GCR:
            m_gcr = value;
            return true;
        case PSCR:
            m_pscr = value;
            return true;
        case PIER:
            m_pier = value;
            return true;
        case EPSCR:
            m_epscr = value;
            return true;
        default:
            return false;  // read-only or absent
    }
}

}  // namespace nicsim::nic
