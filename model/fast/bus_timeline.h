// The fast mode's one shared resource: the PCI bus as a timeline. Every transaction the fast machine stands for (a
// CPU cycle through FastBridge, a NIC burst through FastDmaPort) takes the bus for its clocks from the first clock
// edge at or after both its own start and the end of the transaction before it, so the CPU's register cycles and the
// NIC's DMA delay each other as they do on the pin-level bus, without arbitration being evaluated clock by clock.
// Transactions are served in the order they ask (the CPU asks with its temporally decoupled local time).
#pragma once

#include <cstdint>

#include <systemc>

namespace nicsim::fast {

class BusTimeline {
  public:
    explicit BusTimeline(const sc_core::sc_time& clock) : m_clock_ticks(clock.value()) {}

    /// Take the bus for `clocks` clocks, starting no earlier than `earliest` (absolute time); returns the end.
    sc_core::sc_time occupy(const sc_core::sc_time& earliest, uint64_t clocks) {
        uint64_t start = earliest.value() > m_free ? earliest.value() : m_free;
        start = (start + m_clock_ticks - 1) / m_clock_ticks * m_clock_ticks;  // on a clock edge
        m_free = start + clocks * m_clock_ticks;
        m_busy_clocks += clocks;
        return sc_core::sc_time::from_value(m_free);
    }
    /// Clocks the bus was taken, for statistics.
    uint64_t busy_clocks() const { return m_busy_clocks; }

  private:
    uint64_t m_clock_ticks;
    uint64_t m_free = 0;  // the bus is free from this time (time resolution units)
    uint64_t m_busy_clocks = 0;
};

}  // namespace nicsim::fast
