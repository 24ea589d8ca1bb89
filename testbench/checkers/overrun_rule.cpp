#include "testbench/checkers/overrun_rule.h"

#include <algorithm>

#include "model/fast/fast_bridge.h"
#include "model/pci/burst_timing.h"

namespace nicsim::tb {
namespace {

constexpr uint32_t kDescBytes = 16;       // one legacy descriptor (8254x SDM 3.2.3, 3.3.3)
constexpr uint32_t kWireExtraBytes = 24;  // FCS 4, preamble and SFD 8, inter-frame gap 12 (IEEE 802.3)
// REQ# to FRAME# per burst, an average: the arbiter grants a master waiting behind another one without a clock of
// its own (hidden arbitration) and takes 4 from a request on a bus parked on the host bridge (PCI Local Bus
// Specification 2.3, section 3.4).
constexpr uint64_t kArbitrationClocks = 2;

/// Averages `f(size)` over the configured frame size distribution.
template <typename F>
double average(const SizeDist& d, F f) {
    switch (d.kind) {
        case SizeDist::Fixed:
            return f(d.min);
        case SizeDist::Uniform: {
            double sum = 0;
            for (uint32_t s = d.min; s <= d.max; ++s) sum += f(s);
            return sum / (d.max - d.min + 1);
        }
        case SizeDist::Imix:  // 7:4:1 of 60, 590 and 1514 bytes (TrafficGen)
            return (7 * f(60) + 4 * f(590) + f(1514)) / 12.0;
    }
    return f(d.min);
}

/// One burst of `bytes` at an aligned address, arbitration included.
uint64_t burst(uint32_t bytes, bool write, const RunConfig& cfg) {
    const uint64_t phases = pci::burst_data_phases(0, bytes, dma_data_bits(cfg) / 8);
    // Host memory has read data ready mem_latency clocks after the address phase; the read's turnaround clock
    // overlaps the first of them.
    const uint64_t waits = write || cfg.mem_latency == 0 ? 0 : cfg.mem_latency - 1;
    return kArbitrationClocks + pci::burst_clocks(write, phases, false, waits);
}

}  // namespace

unsigned dma_data_bits(const RunConfig& cfg) {
    // A 64-bit data phase needs REQ64# from the master and a 64-bit bus (PCI Local Bus Specification 2.3, section
    // 3.8): the 82540EM is a 32-bit device and moves 4 bytes per data phase on either bus.
    return cfg.bus_width == 64 && cfg.nic_data_path == 64 ? 64 : 32;
}

double frame_bus_clocks(uint32_t bytes, bool write, const RunConfig& cfg) {
    // The buffer moves in requests of at most max_transfer bytes, each a burst of its own. The NIC writes a finished
    // descriptor back when WTHRESH descriptors are done or its engine goes idle (8254x Family Software Developer's
    // Manual, section 13.4, RXDCTL and TXDCTL): at the reset value 1, which nicsim's driver keeps, each frame's
    // descriptor goes back alone. Fetches take up to the descriptor cache's worth of descriptors per burst, so only
    // their data phases are counted.
    double clocks = 0;
    for (uint32_t left = bytes; left != 0;) {
        const uint32_t len = std::min(left, cfg.max_transfer);
        clocks += burst(len, write, cfg);
        left -= len;
    }
    return clocks + burst(kDescBytes, true, cfg) + pci::burst_data_phases(0, kDescBytes, dma_data_bits(cfg) / 8);
}

double dma_bus_share(const RunConfig& cfg) {
    const double wire_ns =
        average(cfg.size, [&](uint32_t s) { return (s + kWireExtraBytes) * 8000.0 / cfg.link_mbps; });
    double clocks = 0;
    if (cfg.direction != Direction::Tx)
        clocks += average(cfg.size, [&](uint32_t s) { return frame_bus_clocks(s, true, cfg); });
    if (cfg.direction != Direction::Rx)
        clocks += average(cfg.size, [&](uint32_t s) { return frame_bus_clocks(s, false, cfg); });
    // The frames of one wire slot per direction against the clocks the bus has in that time.
    return clocks / (wire_ns * cfg.bus_clock_mhz / 1000.0);
}

double cpu_bus_share(uint64_t cpu_cycles, uint64_t bus_clocks) {
    // The statistics count the CPU's cycles, not its reads and writes apart: each is charged as the cheaper write.
    // At saturation the NIC has a burst under way or requested whenever the CPU's cycle gets the bus, so the cycle
    // costs that burst a new arbitration, address phase and turnaround (PCI Local Bus Specification 2.3, sections
    // 3.4.1 and 3.5.4). The run's clocks include the driver's initialisation, when few cycles run, so the share is
    // the host's average over the run, below its share during the traffic.
    if (bus_clocks == 0) return 0;
    const uint64_t per_cycle = fast::FastBridgeParams{}.write_clocks + kArbitrationClocks + pci::burst_clocks(true, 0);
    return static_cast<double>(cpu_cycles * per_cycle) / static_cast<double>(bus_clocks);
}

bool overrun_inevitable(const RunConfig& cfg, double cpu_share) {
    // The host's register cycles (nicsim's driver makes about two per frame in each direction at saturation, an
    // interrupt cause read and tail writes) are measured, not derived from the configuration: how many the driver
    // makes per frame depends on its interrupt moderation and on how many frames each interrupt finds. What the
    // shares leave out (a read's clocks above a write's, the wait states a resumed read waits for the memory again)
    // is a few percent of the bus: from 95 % on, whether the receive FIFO overruns depends on where the driver's
    // cycles fall, not on the NIC.
    return cfg.direction != Direction::Tx && dma_bus_share(cfg) + cpu_share >= kOverrunShare;
}

}  // namespace nicsim::tb
