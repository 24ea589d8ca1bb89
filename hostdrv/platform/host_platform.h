// The host software's lower edge: what the NDIS layer and its HAL need from the machine they run on, declared here
// by the host software itself, as a HAL declares its platform interface: configuration, memory-mapped and I/O cycles
// on the PCI bus, DMA-able physical memory, time, the interrupt line and the DMA verifier's windows. Nothing here
// knows how a machine is built: the testbench implements it over the hardware model (testbench/machine, where each
// call is a real bus cycle and advances simulated time); unit tests may implement it with a fake.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nicsim::hostdrv {

/// Physical memory as the CPU sees it: 4 KiB pages, each backed by process memory the caller can point at.
class PhysicalMemory {
  public:
    static constexpr uint64_t kPageSize = 4096;
    virtual ~PhysicalMemory() = default;
    /// Back the pages of [phys, phys+len) with the caller's memory at `host` (both page-aligned): from then on
    /// device DMA to those physical addresses reads and writes exactly those bytes.
    virtual void map_pages(uint64_t phys, uint8_t* host, size_t len) = 0;
    /// Drop a mapping made by map_pages; later accesses there see fresh zeroed pages.
    virtual void unmap_pages(uint64_t phys, size_t len) = 0;
    /// CPU-side (zero-time) copies.
    virtual void read(uint64_t phys, void* dst, size_t len) = 0;
    virtual void write(uint64_t phys, const void* src, size_t len) = 0;
};

class HostPlatform {
  public:
    virtual ~HostPlatform() = default;
    /// Type 0 configuration cycle to `device` (its IDSEL line), `size` = 1, 2 or 4 bytes at `offset`.
    virtual uint32_t config_read(unsigned device, unsigned offset, unsigned size) = 0;
    virtual void config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) = 0;
    /// Memory cycle (MMIO) of `size` = 1, 2 or 4 bytes.
    virtual uint32_t mmio_read(uint64_t phys, unsigned size) = 0;
    virtual void mmio_write(uint64_t phys, unsigned size, uint32_t value) = 0;
    /// I/O cycle of `size` = 1, 2 or 4 bytes.
    virtual uint32_t io_read(uint32_t port, unsigned size) = 0;
    virtual void io_write(uint32_t port, unsigned size, uint32_t value) = 0;
    virtual PhysicalMemory& memory() = 0;
    /// Let simulated time pass (NdisStallExecution, NdisMSleep, waiting for the device).
    virtual void stall_ns(uint64_t ns) = 0;
    /// A thread's wait with a timeout (KeWaitForSingleObject on an event its completion handlers signal): as
    /// stall_ns(ns), but returns as soon as an interrupt serviced meanwhile left `woken(ctx)` true.
    virtual void wait_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) = 0;
    virtual uint64_t now_ns() const = 0;
    /// The CPU calls `isr(ctx)` whenever INTA# of `device` is asserted and the CPU is not already inside it
    /// (between driver calls or inside stall_ns). nullptr disconnects.
    virtual void connect_interrupt(unsigned device, void (*isr)(void* ctx), void* ctx) = 0;
    /// DMA verifier: the driver stack hands the device [phys, phys+len) (SG lists of packets in flight, shared
    /// memory, receive buffers); any device access outside what is handed out is a named violation.
    virtual void dma_allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) = 0;
    virtual void dma_revoke(uint64_t phys, uint64_t len) = 0;
};

}  // namespace nicsim::hostdrv
