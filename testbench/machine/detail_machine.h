// The machine of a run with a detailed window (nicsim --bus-model tlm --detail-from WHEN): one host and one NIC with
// both bus models around them, so the same host memory, NIC registers, rings, descriptor caches, FIFOs, frames in
// flight, driver state and timers carry on when the run changes its bus model. It is the pin-level Machine (bus,
// arbiter, monitor, host bridge) plus the fast mode's FastBridge, FastDmaPort and bus timeline; path switches in front
// of both choose which one carries the CPU's cycles (fast::CpuPathSwitch) and the NIC's DMA (fast::DmaPathSwitch),
// and a join lets both DMA paths reach the DMA verifier (fast::MemoryJoin). It starts in the fast mode; while fast,
// nothing drives the pin-level bus, so its clocked blocks sleep.
//
// switch_bus_model() changes the model only at a quiescent point: no DMA request running (the DMA engine is held
// between two requests, never inside a burst) and no CPU cycle running; leaving the pin-level bus also waits for the
// bus lines to go idle and for the host bridge to hold no delayed read. It returns how long it waited for that point.
#pragma once

#include <systemc>

#include "model/fast/bus_timeline.h"
#include "model/fast/cpu_path_switch.h"
#include "model/fast/dma_path_switch.h"
#include "model/fast/fast_bridge.h"
#include "model/fast/fast_dma_port.h"
#include "model/fast/memory_join.h"
#include "testbench/machine/machine.h"

namespace nicsim::tb {

class DetailMachine : public Machine {
  public:
    fast::BusTimeline timeline;
    fast::FastBridge fast_bridge;
    fast::FastDmaPort fast_dma;
    nic::MasterEnginePort pin_dma;
    fast::DmaPathSwitch dma_path;
    fast::CpuPathSwitch cpu_path;
    fast::MemoryJoin memory_join;

    DetailMachine(sc_core::sc_module_name name, const MachineConfig& cfg);
    ~DetailMachine() override { release_driver(); }  // the driver's last calls still find both paths

    DetailMachine* detail() override { return this; }
    /// On the pin-level bus now.
    bool detailed() const { return dma_path.pin(); }
    /// From an SC_THREAD: move to the pin-level bus (true) or to the fast mode once the machine is quiescent there;
    /// returns how long it waited for that.
    sc_core::sc_time switch_bus_model(bool pin);

  private:
    bool quiescent(bool to_pin) const;
};

}  // namespace nicsim::tb
