// The 82540EM's interrupt logic: ICR (read clears), ICS, IMS/IMC, ITR throttling (minimum interval between INTA#
// assertions, 256 ns units) and the moderation timers TIDV/TADV (TX, raising TXDW) and RDTR/RADV (RX, raising RXT0)
// in 1.024 us units. Plain C++ driven with the simulation time in ns; the device maps the result onto INTA#.
#pragma once

#include <algorithm>
#include <cstdint>

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

class Interrupts {
  public:
    static constexpr uint64_t kNever = ~0ull;  ///< no deadline

    void reset();

    uint32_t icr() const { return m_icr; }             ///< without the read side effect
    const uint32_t& icr_ref() const { return m_icr; }  ///< for tracing
    const uint32_t& ims_ref() const { return m_ims; }  ///< for tracing
    uint32_t ims() const { return m_ims; }
    uint32_t itr() const { return m_itr; }
    uint32_t tidv() const { return m_tidv; }
    uint32_t tadv() const { return m_tadv; }
    uint32_t rdtr() const { return m_rdtr; }
    uint32_t radv() const { return m_radv; }

    /// Software reads ICR: every cause is returned and cleared.
    uint32_t read_icr();
    void write_icr(uint32_t v) { m_icr &= ~v; }  ///< write 1 to clear
    void write_ics(uint32_t v) { raise(v); }
    void write_ims(uint32_t v) { m_ims |= v & e1000::icr::kValid; }
    void write_imc(uint32_t v) { m_ims &= ~v; }
    void write_itr(uint32_t v) { m_itr = e1000::itr::INTERVAL::get(v); }
    /// TIDV/RDTR writes with FPD set flush a pending timer at once.
    void write_tidv(uint32_t v, uint64_t now_ns);
    void write_tadv(uint32_t v) { m_tadv = e1000::delay::VALUE::get(v); }
    void write_rdtr(uint32_t v, uint64_t now_ns);
    void write_radv(uint32_t v) { m_radv = e1000::delay::VALUE::get(v); }
    /// Set the whole register state (NicContext::set_reg on these offsets; no side effects).
    void set_icr(uint32_t v) { m_icr = v & e1000::icr::kValid; }
    void set_ims(uint32_t v) { m_ims = v & e1000::icr::kValid; }

    /// Causes from the data path, the link or ICS.
    void raise(uint32_t causes) { m_icr |= causes & e1000::icr::kValid; }
    /// A TX descriptor was written back: TXDW now (`immediate`, or TIDV = 0), else after TIDV/TADV.
    void tx_done(bool immediate, uint64_t now_ns);
    /// A received packet was written back: RXT0 now (`immediate`, or RDTR = 0), else after RDTR/RADV.
    void rx_done(bool immediate, uint64_t now_ns);

    /// Fire the timers due at `now_ns` and decide INTA#: asserted while ICR & IMS != 0 and the ITR interval since the
    /// previous assertion has passed. Returns the line (true = asserted).
    bool evaluate(uint64_t now_ns);
    bool asserted() const { return m_line; }
    /// Until when (exclusive) evaluate() would change nothing from `now_ns` on: no timer due, and the line already
    /// what ICR & IMS and the throttle interval make it. At or before `now_ns`: evaluate(now_ns) has work.
    uint64_t settled_until(uint64_t now_ns) const;
    /// The earliest time evaluate() has something to do (a timer or the end of a throttle interval), or kNever.
    /// Inline and pairwise: the sleeping NIC asks this several times per frame.
    uint64_t next_deadline() const {
        return std::min(std::min(std::min(m_tx_pkt, m_tx_abs), std::min(m_rx_pkt, m_rx_abs)), m_throttle_until);
    }
    /// How many times INTA# was asserted (statistics, tests).
    uint64_t assertions() const { return m_assertions; }
    /// How many moderation timer expiries raised TXDW / RXT0 (statistics, tests).
    uint64_t tx_timer_fires() const { return m_tx_fires; }
    uint64_t rx_timer_fires() const { return m_rx_fires; }

  private:
    void fire_tx();
    void fire_rx();

    uint32_t m_icr = 0;
    uint32_t m_ims = 0;
    uint32_t m_itr = 0;
    uint32_t m_tidv = 0;
    uint32_t m_tadv = 0;
    uint32_t m_rdtr = 0;
    uint32_t m_radv = 0;
    uint64_t m_tx_pkt = kNever;  // TIDV deadline
    uint64_t m_tx_abs = kNever;  // TADV deadline
    uint64_t m_rx_pkt = kNever;  // RDTR deadline
    uint64_t m_rx_abs = kNever;  // RADV deadline
    uint64_t m_throttle_until = kNever;
    uint64_t m_last_assert = 0;
    bool m_ever_asserted = false;
    bool m_line = false;
    uint64_t m_assertions = 0;
    uint64_t m_tx_fires = 0;
    uint64_t m_rx_fires = 0;
};

// Inline: the NIC's update_irq() asks it several times per frame.
inline bool Interrupts::evaluate(uint64_t now_ns) {
    if (std::min(m_tx_pkt, m_tx_abs) <= now_ns) fire_tx();
    if (std::min(m_rx_pkt, m_rx_abs) <= now_ns) fire_rx();
    m_throttle_until = kNever;
    const bool pending = (m_icr & m_ims) != 0;
    if (!pending) {
        m_line = false;
    } else if (!m_line) {
        const uint64_t earliest = m_last_assert + uint64_t{m_itr} * e1000::itr::kUnitNs;
        if (m_ever_asserted && m_itr != 0 && now_ns < earliest) {
            m_throttle_until = earliest;
        } else {
            m_line = true;
            m_ever_asserted = true;
            m_last_assert = now_ns;
            ++m_assertions;
        }
    }
    return m_line;
}

}  // namespace nicsim::nic
