// MDIC: the MAC's MDIO management frame generator toward the PHY (8254x SDM section 13.4.7). Software writes an
// opcode, PHY address, register and data; the frame takes kFrameNs on the MDIO wires; then Ready is set, Error when
// the opcode is not read/write or no PHY answered a read, and the register's data is in DATA for a read. Only the
// internal PHY (address 1) is on this MDIO bus.
#pragma once

#include <cstdint>
#include <string>

#include "model/nic/phy_88e1011.h"

namespace nicsim::nic {

class MdioController {
  public:
    /// A clause-22 frame is 32 preamble bits and 32 frame bits; MDC at 2.5 MHz (IEEE 802.3 clause 22.2.2.13, the
    /// fastest MDC allowed: 400 ns period) makes 64 x 400 ns.
    static constexpr uint64_t kFrameNs = 64 * 400;
    static constexpr uint64_t kNever = Phy88E1011::kNever;

    /// What a completed access has for the device front.
    struct Done {
        bool interrupt = false;  ///< MDIC.I was set: raise ICR.MDAC
        std::string note;        ///< non-empty: an access the PHY ignored or no PHY answered (a note, not an error)
    };

    /// MDIC write: start a frame (a write while one is in progress replaces it: `replaced` tells the caller).
    void write(uint32_t value, uint64_t now_ns, bool& replaced);
    /// MDIC as software reads it.
    uint32_t value() const { return m_value; }
    bool busy() const { return m_done_at != kNever; }
    uint64_t deadline() const { return m_done_at; }
    /// Finish the frame in progress if its time has come: the PHY register access happens now.
    bool complete(Phy88E1011& phy, uint64_t now_ns, Done& done);
    void reset();

  private:
    uint32_t m_value = 0;
    uint64_t m_done_at = kNever;
};

}  // namespace nicsim::nic
