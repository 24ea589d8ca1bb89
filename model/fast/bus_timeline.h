// The fast mode's one shared resource: the PCI bus as a timeline. Every transaction the fast machine stands for (a
// CPU cycle through FastBridge, a NIC burst through FastDmaPort) takes the bus for its clocks from the first clock
// edge at or after both its own start and the end of the transaction before it, so the CPU's register cycles and the
// NIC's DMA delay each other as they do on the pin-level bus, without arbitration being evaluated clock by clock.
// Transactions are served in the order they ask (the CPU asks with its temporally decoupled local time).
//
// A CPU cycle asking while a device burst holds the bus cuts that burst, as the central arbiter and the device's
// latency timer do on the pin-level bus (PCI Local Bus Specification 2.3, sections 3.4.1 and 3.5.4): the arbiter
// takes GNT# from the device for the host bridge; once the device's latency timer (configuration offset 0x0D,
// counted from its FRAME#) has expired it ends the burst with one more data phase, the bridge runs its cycle after
// the idle clock, and the device asks again and resumes the rest of its burst as a new transaction (arbitration,
// address phase, the memory's initial wait states again). The burst ends that much later; its owner hears the new
// end. The driver programs no latency timer, so on the pin-level bus every CPU cycle cuts a running NIC burst after
// at most one data phase; without this the fast mode's DMA bursts kept the bus to their end and their latencies were
// about half the pin level's whenever the CPU was busy with registers during long descriptor fetches.
#pragma once

#include <algorithm>
#include <cstdint>

#include <systemc>

namespace nicsim::fast {

/// The device side of a burst that a CPU cycle can cut.
class BurstOwner {
  public:
    virtual ~BurstOwner() = default;
    /// The burst was cut and now ends at `end` (absolute time).
    virtual void burst_moved(const sc_core::sc_time& end) = 0;
};

class BusTimeline {
  public:
    explicit BusTimeline(const sc_core::sc_time& clock) : m_clock_ticks(clock.value()) {}

    /// A CPU cycle: take the bus for `clocks` clocks, starting no earlier than `earliest` (absolute time), cutting
    /// a device burst that holds the bus then; returns the end.
    sc_core::sc_time occupy(const sc_core::sc_time& earliest, uint64_t clocks) {
        if (m_owner && earliest.value() < m_free) {
            // The burst may be cut once its latency timer has expired, and moves at least one data phase after it
            // (re)started; it ends with one more phase, then the idle clock.
            const uint64_t lt_expired = m_resume + std::max<uint64_t>(m_latency_timer, 1) * m_clock_ticks;
            const uint64_t cut = on_edge(std::max<uint64_t>(earliest.value(), lt_expired)) + 2 * m_clock_ticks;
            if (cut + m_clock_ticks < m_free) {
                const uint64_t end = cut + clocks * m_clock_ticks;
                m_resume = end + m_restart * m_clock_ticks;
                m_free += end - cut + m_restart * m_clock_ticks;
                m_busy_clocks += clocks + m_restart;
                ++m_cuts;
                m_owner->burst_moved(sc_core::sc_time::from_value(m_free));
                return sc_core::sc_time::from_value(end);
            }
        }
        m_owner = nullptr;
        return take(earliest, clocks);
    }
    /// A device burst of `clocks` clocks (arbitration included) that a CPU cycle can cut: `latency_timer` is the
    /// device's latency timer in clocks, `restart_clocks` what resuming after a cut costs (arbitration, address
    /// phase, initial wait states). Returns the end as it stands now.
    sc_core::sc_time occupy_burst(const sc_core::sc_time& earliest, uint64_t clocks, BurstOwner* owner,
                                  uint64_t latency_timer, uint64_t restart_clocks) {
        const sc_core::sc_time end = take(earliest, clocks);
        m_owner = owner;
        m_resume = m_free - clocks * m_clock_ticks + restart_clocks * m_clock_ticks;  // its first data phase
        m_latency_timer = latency_timer;
        m_restart = restart_clocks;
        return end;
    }
    /// Clocks the bus was taken, for statistics.
    uint64_t busy_clocks() const { return m_busy_clocks; }
    /// Device bursts a CPU cycle cut.
    uint64_t cuts() const { return m_cuts; }

  private:
    uint64_t on_edge(uint64_t t) const { return (t + m_clock_ticks - 1) / m_clock_ticks * m_clock_ticks; }
    sc_core::sc_time take(const sc_core::sc_time& earliest, uint64_t clocks) {
        const uint64_t start = on_edge(std::max<uint64_t>(earliest.value(), m_free));
        m_free = start + clocks * m_clock_ticks;
        m_busy_clocks += clocks;
        return sc_core::sc_time::from_value(m_free);
    }

    uint64_t m_clock_ticks;
    uint64_t m_free = 0;  // the bus is free from this time (time resolution units)
    uint64_t m_busy_clocks = 0;
    uint64_t m_cuts = 0;
    BurstOwner* m_owner = nullptr;  // the device whose burst holds the bus until m_free, if one does
    uint64_t m_resume = 0;          // when that burst's data phases (re)started
    uint64_t m_latency_timer = 0;   // its latency timer, clocks
    uint64_t m_restart = 0;         // clocks it loses resuming after a cut
};

}  // namespace nicsim::fast
