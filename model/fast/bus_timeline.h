// The fast mode's one shared resource: the PCI bus as a timeline of the two masters' transactions (a CPU cycle
// through FastBridge, a NIC burst through FastDmaPort), each placed by the clock arithmetic the pin-level bus, its
// central arbiter and its masters obey, without a process evaluated per clock. Times are counted in clock edges: a
// transaction's address phase is the clock its master drives FRAME# on, and the bus is free for the next address
// phase two clocks after its last data phase (the idle turnaround clock between them). Transactions are placed in the
// order they ask (the CPU asks with its temporally decoupled local time).
//
// Arbitration (PCI Local Bus Specification 2.3, sections 3.4.1 to 3.4.3), as the pin-level arbiter does it with the
// bus parked on the host bridge:
// - a CPU cycle asked at time t reaches the bridge's master on the first clock edge after t (its REQ# clock R); with
//   GNT# parked on the bridge and the bus idle its address phase is R;
// - the NIC's DMA engine asks on a clock edge E and its master drives REQ# on E + 1 (R); on an idle bus parked on the
//   bridge the arbiter takes GNT# from the bridge on R + 1, grants the NIC on R + 2, and the NIC, sampling GNT#,
//   drives FRAME# on R + 3;
// - a master asking while the other holds the bus gets GNT# by hidden arbitration on the clock after both its REQ#
//   and the other's address phase, and starts on the clock after that, at the earliest when the bus is free;
// - after a NIC burst nobody asking gets GNT# on the clock the bus is free; one clock later the arbiter parks it on
//   the bridge again, which can use it one clock after that;
// - a CPU cycle asking while the bridge still holds its parked GNT# starts at once, before a NIC request the arbiter
//   has not yet granted: the NIC follows it by hidden arbitration.
// Completion: a read completes when the bus is free; a write one clock later, when its master has sampled PERR# two
// clocks after its data phase (section 3.7.4.1).
//
// A CPU cycle asking while a NIC burst holds the bus cuts that burst, as the arbiter and the NIC's latency timer do
// (sections 3.4.1 and 3.5.4): the arbiter moves GNT# to the bridge; once the NIC has seen GNT# removed and its latency
// timer (configuration offset 0x0D, counted from FRAME#) has expired, it drives its next data phase as the last one
// (at the earliest the second, since FRAME# does not change during the first phase's wait states); the bridge's cycle
// follows the idle clock, and the NIC, asking again at once, resumes the rest of its burst by hidden arbitration
// right after the cycle with its address phase, turnaround and the memory's wait states again. The burst ends that
// much later; its owner hears the new end. The driver programs no latency timer, so on the pin-level bus every CPU
// cycle cuts a running NIC burst.
#pragma once

#include <cstdint>

#include <systemc>

#include "model/common/sim_now.h"

namespace nicsim::fast {

/// The device side of a burst that a CPU cycle can cut or overtake.
class BurstOwner {
  public:
    virtual ~BurstOwner() = default;
    /// The burst was moved and now completes at `end` (absolute time).
    virtual void burst_moved(const sc_core::sc_time& end) = 0;
};

/// A device burst as the bus sees it.
struct BurstShape {
    uint64_t setup = 1;          ///< clocks from the address phase to the first data phase (DAC, turnaround, waits)
    uint64_t phases = 1;         ///< data phases
    bool write = false;          ///< completes one clock after the bus is free (PERR#)
    uint64_t latency_timer = 0;  ///< the device's latency timer, clocks
};

class BusTimeline {
  public:
    explicit BusTimeline(const sc_core::sc_time& clock) : m_tick(clock.value()) {}

    /// A CPU cycle asked at `earliest` (absolute time): it holds the bus `bus_clocks` clocks from its address phase
    /// (the idle clock included) and has its answer `done_clocks` clocks after it. Returns that time.
    sc_core::sc_time occupy(const sc_core::sc_time& earliest, uint64_t bus_clocks, uint64_t done_clocks);
    /// A device burst asked on the clock edge `earliest`, which a CPU cycle can cut or overtake. Returns its
    /// completion as it stands now.
    sc_core::sc_time occupy_burst(const sc_core::sc_time& earliest, const BurstShape& shape, BurstOwner* owner);
    /// Clocks the bus was taken (address phases to idle clocks), for statistics.
    uint64_t busy_clocks() const { return m_busy_clocks; }
    /// Device bursts a CPU cycle cut.
    uint64_t cuts() const { return m_cuts; }

  private:
    uint64_t req_edge(const sc_core::sc_time& t) const { return t.value() / m_tick + 1; }
    uint64_t handover(uint64_t req) const { return (req > m_addr ? req : m_addr) + 1; }
    uint64_t bridge_address(uint64_t req) const;
    uint64_t device_address(uint64_t req) const;
    uint64_t overtaking_address(uint64_t req) const;
    uint64_t cut_phase(uint64_t req) const;
    void place_device(uint64_t addr, uint64_t phases);
    void moved();
    sc_core::sc_time at(uint64_t edge) const { return time_from_value(edge * m_tick); }

    uint64_t m_tick;
    uint64_t m_free = 0;         // first edge the next address phase may take
    uint64_t m_addr = 0;         // address phase of the transaction the bus is free after
    bool m_device_last = false;  // that transaction is the device's: GNT# leaves it, then parks on the bridge
    uint64_t m_busy_clocks = 0;
    uint64_t m_cuts = 0;
    BurstOwner* m_owner = nullptr;  // the device whose burst ends at m_free, while a CPU cycle may still move it
    BurstShape m_shape;             // its shape
    uint64_t m_first_data = 0;      // its first data phase (of the piece since it last resumed)
    bool m_first_piece = false;     // not yet cut
    bool m_bridge_first = false;    // a CPU cycle asking by m_bridge_last_req goes first, from m_bridge_from
    uint64_t m_bridge_last_req = 0;
    uint64_t m_bridge_from = 0;
};

}  // namespace nicsim::fast
