// When receive overruns (MPC) are the configuration's and not a fault: the traffic needs about as many bus clocks as
// the bus has. Both bus models obey the same burst arithmetic (model/pci/burst_timing.h: the pin-level bus runs it,
// the fast mode charges it), so one rule serves both.
#pragma once

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

/// Bits the NIC's DMA moves per data phase: 64 only for the 64-bit variant on a 64-bit bus, else 32.
unsigned dma_data_bits(const RunConfig& cfg);
/// Bus clocks the NIC's DMA takes to move one frame of `bytes` in one direction (`write`: receive, the NIC writes
/// host memory): the buffer's bursts, its descriptor written back in a burst of its own and its share of a
/// descriptor fetch (the data phases only: a fetch takes many descriptors).
double frame_bus_clocks(uint32_t bytes, bool write, const RunConfig& cfg);
/// Share of the bus's clocks the offered frames' DMA takes at link rate (1.0: every clock).
double dma_bus_share(const RunConfig& cfg);
/// The share of the bus's clocks from which receive overruns are accepted: the host's register cycles take the
/// rest (see overrun_rule.cpp).
constexpr double kOverrunShare = 0.95;
/// Receive overruns are the configuration's: the DMA of the offered frames takes at least kOverrunShare of the bus.
bool overrun_inevitable(const RunConfig& cfg);

}  // namespace nicsim::tb
