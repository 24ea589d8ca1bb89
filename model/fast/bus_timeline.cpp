#include "model/fast/bus_timeline.h"

#include <algorithm>

namespace nicsim::fast {

using sc_core::sc_time;

// The bridge's address phase for a cycle whose REQ# clock is `req`, after the transaction the bus is free after.
uint64_t BusTimeline::bridge_address(uint64_t req) const {
    if (!m_device_last) return std::max(req, m_free);                   // GNT# parked on the bridge
    if (req + 2 <= m_free) return std::max(handover(req) + 1, m_free);  // hidden arbitration during the burst
    return std::max(req, m_free + 2);  // GNT# leaves the device when the bus is free, then parks on the bridge
}

// The device's address phase for a burst whose REQ# clock is `req`.
uint64_t BusTimeline::device_address(uint64_t req) const {
    if (m_device_last) return req <= m_free ? m_free + 2 : req + 3;     // nobody, then the bridge, holds GNT#
    if (req + 2 <= m_free) return std::max(handover(req) + 1, m_free);  // hidden arbitration during the cycle
    return req + 3;  // the arbiter takes GNT# from the parked bridge, grants, the device samples it
}

// A CPU cycle goes before the device's burst (returns its address phase, 0 if it does not) when the bridge's REQ#
// clock comes no later than the arbiter's decision for the device: on a bus parked on the bridge the bridge still
// samples GNT# on the clock the arbiter sees the device's REQ#; with GNT# nobody's after the device's own burst, the
// arbiter's round robin grants the bridge, the master after the device, when both ask for the same clock.
uint64_t BusTimeline::overtaking_address(uint64_t req) const {
    if (!m_owner || !m_first_piece || !m_bridge_first || req > m_bridge_last_req) return 0;
    const uint64_t addr = std::max(req, m_bridge_from);
    return addr <= m_addr ? addr : 0;  // on the same clock the round robin's choice
}

// The last data phase of the device's burst when the bridge's REQ# clock is `req`: the device sees GNT# removed on
// the clock after the hand-over, and its latency timer expire `latency_timer` clocks after FRAME#.
uint64_t BusTimeline::cut_phase(uint64_t req) const {
    return std::max({m_first_data + 1, handover(req) + 1, m_addr + m_shape.latency_timer});
}

void BusTimeline::place_device(uint64_t addr, uint64_t phases) {
    m_addr = addr;
    m_first_data = addr + m_shape.setup;
    m_free = m_first_data + phases + 1;
    m_device_last = true;
}

void BusTimeline::moved() {
    if (m_owner) m_owner->burst_moved(at(m_free + (m_shape.write ? 1 : 0)));
}

sc_time BusTimeline::occupy(const sc_time& earliest, uint64_t bus_clocks, uint64_t done_clocks) {
    const uint64_t req = req_edge(earliest);
    m_busy_clocks += bus_clocks;
    if (const uint64_t first = overtaking_address(req)) {  // the burst by hidden arbitration right after the cycle
        place_device(std::max(m_addr, first + bus_clocks), m_free - m_first_data - 1);
        m_bridge_first = false;
        moved();
        return at(first + done_clocks);
    }
    if (m_owner && m_device_last && req + 2 <= m_free) {
        const uint64_t last = cut_phase(req);
        if (last + 2 < m_free) {  // the burst ends early; the cycle after the idle clock; the rest after the cycle
            const uint64_t addr = last + 2;
            const uint64_t rest = m_free - 2 - last;
            m_busy_clocks += m_shape.setup + 1;
            ++m_cuts;
            place_device(addr + bus_clocks, rest);
            m_first_piece = false;
            moved();
            return at(addr + done_clocks);
        }
    }
    const uint64_t addr = bridge_address(req);
    m_addr = addr;
    m_free = addr + bus_clocks;
    m_device_last = false;
    m_owner = nullptr;
    return at(addr + done_clocks);
}

sc_time BusTimeline::occupy_burst(const sc_time& earliest, const BurstShape& shape, BurstOwner* owner) {
    const uint64_t req = req_edge(earliest);
    const uint64_t addr = device_address(req);
    // Whether, and until which REQ# clock, a CPU cycle would still get the bus before this burst (see
    // overtaking_address), and its earliest address phase then.
    m_bridge_first = m_device_last || req + 2 > m_free;
    m_bridge_last_req = m_device_last && req <= m_free ? m_free : req + 1;
    m_bridge_from = m_device_last ? m_free + 2 : m_free;
    m_shape = shape;
    m_owner = owner;
    m_first_piece = true;
    m_busy_clocks += shape.setup + shape.phases + 1;
    place_device(addr, shape.phases);
    return at(m_free + (shape.write ? 1 : 0));
}

}  // namespace nicsim::fast
