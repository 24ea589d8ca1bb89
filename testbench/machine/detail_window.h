// The detailed window of a run (nicsim --detail-from WHEN [--detail-for DURATION]): at its start (a simulated time, or
// the moment the DUT's NIC put its Nth frame on the wire) the DUT's DetailMachine moves to the pin-level bus at its
// next quiescent point and the trace opens; after --detail-for it moves back to the fast mode and the trace closes.
// The record says when each switch was asked for, when it happened and how long it waited for the quiescent point;
// each switch is also an SC_INFO note "nicsim/machine/note/detail-switch".
#pragma once

#include <cstdint>

#include <systemc>

#include "model/net/ethernet.h"
#include "model/trace/tracer.h"
#include "testbench/machine/detail_machine.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

struct DetailRecord {
    bool started = false;        ///< the machine moved to the pin-level bus
    uint64_t start_ns = 0;       ///< when it did
    uint64_t start_wait_ns = 0;  ///< how long it waited for a quiescent point
    uint64_t start_clock = 0;    ///< the bus clock count then
    bool ended = false;          ///< it moved back to the fast mode (--detail-for)
    uint64_t end_ns = 0;
    uint64_t end_wait_ns = 0;
    uint64_t end_clock = 0;
};

class DetailWindow : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(DetailWindow);
    /// `wire`: where the DUT's NIC transmits; the NIC transmits into nic_sink() instead.
    DetailWindow(sc_core::sc_module_name name, const RunConfig& cfg, DetailMachine& machine, net::WireSink& wire);

    /// Forwards every frame to the wire, counting them for packet:N.
    net::WireSink& nic_sink() { return m_counter; }
    /// The run's trace (null: none): held until the window opens. Call before the simulation starts.
    void set_tracer(Tracer* tracer);
    const DetailRecord& record() const { return m_record; }

  private:
    struct Counter : net::WireSink {
        net::WireSink* wire = nullptr;
        uint64_t frames = 0;
        uint64_t at = 0;  // notify `reached` at this frame (0: never)
        sc_core::sc_event reached;
        void transmit(const net::Frame& frame) override;
        void transmit_swap(net::Frame& frame) override;
        void count();
    };
    void run();
    void wait_for_start();
    uint64_t switch_to(bool pin);  // returns the wait in ns

    const RunConfig& m_cfg;
    DetailMachine& m_machine;
    Counter m_counter;
    Tracer* m_tracer = nullptr;
    DetailRecord m_record;
};

}  // namespace nicsim::tb
