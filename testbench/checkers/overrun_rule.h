// When receive overruns (MPC) are the configuration's and not a fault: the traffic needs more of the bus than it
// has. The pin-level bus and the TLM fast mode move data at different costs, so each has its own rule.
#pragma once

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

/// Bits the NIC's DMA moves per data phase: 64 only for the 64-bit variant on a 64-bit bus, else 32.
unsigned dma_data_bits(const RunConfig& cfg);
/// Pin-level bus: the offered load of both directions at link rate above 90 % of the DMA's peak (data phase width x
/// clock).
bool pin_overrun_inevitable(const RunConfig& cfg);
/// TLM fast mode: the bus clocks its DMA port must charge per second for the offered frames exceed the clock rate.
bool tlm_overrun_inevitable(const RunConfig& cfg);
/// Bus clocks the fast mode's DMA port charges, at least, to move one frame of `bytes` (and its descriptor) in one
/// direction: `write` for receive (the NIC writes host memory), else transmit.
double tlm_frame_clocks(uint32_t bytes, bool write, const RunConfig& cfg);

}  // namespace nicsim::tb
