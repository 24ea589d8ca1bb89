// When receive overruns (MPC) are the configuration's and not a fault: the NIC's DMA and the host's register cycles
// together need about as many bus clocks as the bus has. Both bus models obey the same burst arithmetic
// (model/pci/burst_timing.h: the pin-level bus runs it, the fast mode charges it) and the same clocks per CPU cycle
// (fast::FastBridgeParams), so one rule serves both.
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
/// Share of the run's `bus_clocks` the CPU's `cpu_cycles` register cycles (MMIO and configuration) took: each the
/// clocks the fast mode charges a CPU write (fast::FastBridgeParams) and the resumption of the NIC burst it cut
/// (arbitration, address phase and turnaround again: model/pci/burst_timing.h).
double cpu_bus_share(uint64_t cpu_cycles, uint64_t bus_clocks);
/// The share of the bus's clocks, the offered frames' DMA and the host's register cycles together, from which receive
/// overruns are accepted: what neither counts (a read's extra clocks, the memory's wait states of a resumed read)
/// takes the rest (see overrun_rule.cpp).
constexpr double kOverrunShare = 0.95;
/// Receive overruns are the configuration's: the DMA of the offered frames and the CPU's measured share
/// (cpu_bus_share; 0 for the DMA alone) take at least kOverrunShare of the bus.
bool overrun_inevitable(const RunConfig& cfg, double cpu_share = 0);

}  // namespace nicsim::tb
