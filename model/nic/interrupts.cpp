#include "model/nic/interrupts.h"

#include <algorithm>

namespace nicsim::nic {

using namespace nicsim::e1000;

void Interrupts::reset() {
    *this = Interrupts{};
}

uint32_t Interrupts::read_icr() {
    const uint32_t v = m_icr;
    m_icr = 0;
    return v;
}

void Interrupts::fire_tx() {
    m_tx_pkt = m_tx_abs = kNever;
    ++m_tx_fires;
    raise(icr::TXDW);
}

void Interrupts::fire_rx() {
    m_rx_pkt = m_rx_abs = kNever;
    ++m_rx_fires;
    raise(icr::RXT0);
}

void Interrupts::write_tidv(uint32_t v, uint64_t now_ns) {
    m_tidv = delay::VALUE::get(v);
    if (delay::FPD::get(v) && (m_tx_pkt != kNever || m_tx_abs != kNever)) fire_tx();
}

void Interrupts::write_rdtr(uint32_t v, uint64_t now_ns) {
    m_rdtr = delay::VALUE::get(v);
    if (delay::FPD::get(v) && (m_rx_pkt != kNever || m_rx_abs != kNever)) fire_rx();
}

void Interrupts::tx_done(bool immediate, uint64_t now_ns) {
    if (immediate || m_tidv == 0) {
        fire_tx();
        return;
    }
    m_tx_pkt = now_ns + uint64_t{m_tidv} * delay::kUnitNs;  // restarted by every packet
    if (m_tadv != 0 && m_tx_abs == kNever) m_tx_abs = now_ns + uint64_t{m_tadv} * delay::kUnitNs;
}

void Interrupts::rx_done(bool immediate, uint64_t now_ns) {
    if (immediate || m_rdtr == 0) {
        fire_rx();
        return;
    }
    m_rx_pkt = now_ns + uint64_t{m_rdtr} * delay::kUnitNs;
    if (m_radv != 0 && m_rx_abs == kNever) m_rx_abs = now_ns + uint64_t{m_radv} * delay::kUnitNs;
}

uint64_t Interrupts::settled_until(uint64_t now_ns) const {
    const uint64_t timers = std::min({m_tx_pkt, m_tx_abs, m_rx_pkt, m_rx_abs});
    const bool pending = (m_icr & m_ims) != 0;
    if (pending == m_line) return timers;
    if (!pending || !m_ever_asserted || m_itr == 0) return 0;                 // the line would drop, or rise now
    return std::min(timers, m_last_assert + uint64_t{m_itr} * itr::kUnitNs);  // rises when the throttle ends
}

}  // namespace nicsim::nic
