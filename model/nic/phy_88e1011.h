// The 82540EM's internal copper PHY, register-compatible with the Marvell 88E1011 at MDIO address 1 (8254x SDM
// section 13.5; IEEE 802.3 clause 22 for registers 0..15, clause 28 and 40 for autonegotiation and 1000BASE-T).
// The link partner is a peer at the far end of the cable that autonegotiates and offers 10/100 Mb/s half and full
// duplex and, when it is a gigabit peer, 1000 Mb/s full duplex. Autonegotiation (or a forced link) takes
// PhyParams::autoneg_ns from the PHY's reset, a restart, or the cable being plugged in; then the link is up at the
// best common ability. BMCR's speed, duplex and autonegotiation-enable bits take effect at a reset or restart, as
// on the 88E1011. Time is given by the caller in nanoseconds.
#pragma once

#include <cstdint>
#include <limits>

namespace nicsim::nic {

struct PhyParams {
    uint64_t autoneg_ns = 2'000'000'000;  ///< reset/restart/plug-in to link up (1000BASE-T is about 2 s)
    unsigned partner_mbps = 1000;         ///< the peer's best speed: 10, 100 or 1000
    bool partner_present = true;          ///< cable plugged in and the peer powered
};

class Phy88E1011 {
  public:
    static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

    explicit Phy88E1011(const PhyParams& params);

    /// Power-on (and PCI RST#): registers to their defaults with the power-on autonegotiation already finished:
    /// time zero of a simulation stands for the moment the driver starts, long after the board was powered.
    void power_on();
    /// MDIO read; reading BMSR clears its latched-low link bit. `known` is false for a register the PHY lacks
    /// (reads 0).
    uint16_t read(unsigned reg, bool& known);
    /// MDIO write; returns false for a register the PHY lacks or a read-only one (ignored).
    bool write(unsigned reg, uint16_t value, uint64_t now_ns);
    /// CTRL.PHY_RST: the PHY is held in reset while asserted; on release it starts from its defaults.
    void set_reset(bool asserted, uint64_t now_ns);
    /// The cable / the peer: gone takes the link down at once, back starts a link attempt.
    void set_partner_present(bool present, uint64_t now_ns);
    /// Bring the link up if its time has come.
    void advance(uint64_t now_ns);
    /// When advance() has something to do next (kNever: nothing pending).
    uint64_t next_event_ns() const { return m_link_at; }

    /// The link on the cable (BMSR's link status).
    bool link() const { return m_link; }
    /// BMCR.LOOPBACK (IEEE 802.3 clause 22.2.4.1.2): the PHY returns the MAC's transmit data to the MAC's receive
    /// path and neither transmits onto the cable nor receives from it.
    bool loopback() const { return (m_bmcr & kLoopbackBit) != 0 && !m_in_reset && (m_bmcr & kPowerDownBit) == 0; }
    /// The link the PHY presents to the MAC: the cable's, or in loopback the PHY's own path, up at the speed and
    /// duplex BMCR selects (bits 6 and 13, bit 8).
    bool mac_link() const { return m_link || loopback(); }
    unsigned speed_mbps() const { return loopback() ? forced_mbps() : m_speed; }
    bool full_duplex() const { return loopback() ? (m_bmcr & kDuplexBit) != 0 : m_full_duplex; }
    bool in_reset() const { return m_in_reset; }
    const PhyParams& params() const { return m_params; }

    /// BMCR bits the inline accessors test (the full set is e1000::phy::bmcr).
    static constexpr uint16_t kLoopbackBit = 1u << 14, kPowerDownBit = 1u << 11, kDuplexBit = 1u << 8;

  private:
    unsigned forced_mbps() const;
    void defaults();
    void start_link(uint64_t now_ns);
    void link_down();
    /// The speed/duplex the link would come up with now; false when there is no common mode.
    bool resolve(unsigned& mbps, bool& full) const;
    uint16_t partner_page() const;
    uint16_t bmsr();
    uint16_t gsr() const;
    uint16_t pssr() const;

    PhyParams m_params;
    uint16_t m_bmcr = 0;
    uint16_t m_anar = 0;
    uint16_t m_gcr = 0;
    uint16_t m_pscr = 0;
    uint16_t m_pier = 0;
    uint16_t m_epscr = 0;
    uint16_t m_nptx = 0;
    bool m_in_reset = false;
    bool m_link = false;
    bool m_an_complete = false;
    bool m_latched_low = false;  // BMSR.LINK reads 0 until read once after a link loss
    bool m_full_duplex = true;
    unsigned m_speed = 1000;
    uint64_t m_link_at = kNever;
};

}  // namespace nicsim::nic
