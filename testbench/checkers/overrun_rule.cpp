#include "testbench/checkers/overrun_rule.h"

#include <algorithm>

#include "model/fast/fast_dma_port.h"

namespace nicsim::tb {
namespace {

constexpr uint32_t kDescBytes = 16;       // one legacy descriptor, fetched and written back (8254x SDM 3.2.3, 3.3.3)
constexpr uint32_t kWireExtraBytes = 24;  // FCS 4, preamble and SFD 8, inter-frame gap 12 (IEEE 802.3)

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

}  // namespace

unsigned dma_data_bits(const RunConfig& cfg) {
    // A 64-bit data phase needs REQ64# from the master and a 64-bit bus (PCI Local Bus Specification 2.3, section
    // 3.8): the 82540EM is a 32-bit device and moves 4 bytes per data phase on either bus.
    return cfg.bus_width == 64 && cfg.nic_data_path == 64 ? 64 : 32;
}

bool pin_overrun_inevitable(const RunConfig& cfg) {
    // Offered receive-and-transmit load against the peak of the NIC's DMA: a 32-bit/33 MHz PCI bus peaks at
    // 133 MB/s, two directions of 1 GbE offer 250 MB/s. Below 90 % of the peak the machine keeps up (descriptor
    // traffic and arbitration take the rest), above it the receive FIFO overruns however the driver behaves.
    const double dirs = cfg.direction == Direction::Both ? 2 : 1;
    const double offered = dirs * cfg.link_mbps * 1e6 / 8;
    const double peak = dma_data_bits(cfg) / 8.0 * cfg.bus_clock_mhz * 1e6;
    return cfg.direction != Direction::Tx && offered > 0.9 * peak;
}

double tlm_frame_clocks(uint32_t bytes, bool write, const RunConfig& cfg) {
    // FastDmaPort charges a request arbitration + 1 address clock + one clock per bytes_per_clock (the fast machine
    // gives it the width of the NIC's data phases) + 1 clock after a write or 2 + the memory latency after a read. A
    // frame moves in requests of at most max_transfer bytes. Its descriptor is fetched and written back in bursts
    // shared with other descriptors: only their data clocks are counted, so the result is a lower bound.
    const fast::FastDmaParams p{};
    const uint32_t per_clock = dma_data_bits(cfg) / 8;
    const double tail = write ? 1.0 : 2.0 + cfg.mem_latency;
    double clocks = 0;
    for (uint32_t left = bytes; left != 0;) {
        const uint32_t len = std::min(left, cfg.max_transfer);
        clocks += p.arbitration_clocks + 1 + (len + per_clock - 1) / per_clock + tail;
        left -= len;
    }
    return clocks + 2.0 * ((kDescBytes + per_clock - 1) / per_clock);
}

bool tlm_overrun_inevitable(const RunConfig& cfg) {
    if (cfg.direction == Direction::Tx) return false;
    const double wire_ns =
        average(cfg.size, [&](uint32_t s) { return (s + kWireExtraBytes) * 8000.0 / cfg.link_mbps; });
    double clocks = average(cfg.size, [&](uint32_t s) { return tlm_frame_clocks(s, true, cfg); });
    if (cfg.direction == Direction::Both)
        clocks += average(cfg.size, [&](uint32_t s) { return tlm_frame_clocks(s, false, cfg); });
    // The frames of one wire time per direction against the clocks the bus has in that time.
    return clocks > wire_ns * cfg.bus_clock_mhz / 1000.0;
}

}  // namespace nicsim::tb
