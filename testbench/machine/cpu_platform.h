// The host software's lower edge (hostdrv::HostPlatform) implemented over the hardware model: configuration, MMIO
// and I/O cycles, time and interrupts go to the host CPU (real bus cycles, on the pin-level machine through the host
// bridge, on the fast machine through FastBridge), physical memory to host memory (zero-time CPU access), DMA windows
// to the DMA verifier. The driver stack's program runs in the CPU's thread with this platform (set_program).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "hostdrv/platform/host_platform.h"
#include "model/host/dma_verifier.h"
#include "model/host/host_cpu.h"
#include "model/host/host_memory.h"

namespace nicsim::tb {

class CpuPlatform : public hostdrv::HostPlatform {
  public:
    using Program = std::function<void(hostdrv::HostPlatform&)>;

    /// `verifier` (optional) receives dma_allow/dma_revoke; without one they do nothing.
    CpuPlatform(host::HostCpu& cpu, host::HostMemory& memory, host::DmaVerifier* verifier = nullptr);
    CpuPlatform(const CpuPlatform&) = delete;  // the CPU's program refers to this object
    CpuPlatform& operator=(const CpuPlatform&) = delete;

    /// `program` becomes the CPU's program (set before sc_start): it runs in the CPU's thread on this platform.
    void set_program(Program program);
    host::HostCpu& cpu() { return m_cpu; }

    uint32_t config_read(unsigned device, unsigned offset, unsigned size) override;
    void config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) override;
    uint32_t mmio_read(uint64_t phys, unsigned size) override;
    void mmio_write(uint64_t phys, unsigned size, uint32_t value) override;
    uint32_t io_read(uint32_t port, unsigned size) override;
    void io_write(uint32_t port, unsigned size, uint32_t value) override;
    hostdrv::PhysicalMemory& memory() override { return m_memory; }
    void stall_ns(uint64_t ns) override;
    void wait_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) override;
    uint64_t now_ns() const override;
    void connect_interrupt(unsigned device, void (*isr)(void* ctx), void* ctx) override;
    void dma_allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) override;
    void dma_revoke(uint64_t phys, uint64_t len) override;

  private:
    /// hostdrv::PhysicalMemory over host memory.
    class Memory : public hostdrv::PhysicalMemory {
      public:
        explicit Memory(host::HostMemory& memory) : m_memory(memory) {}
        void map_pages(uint64_t phys, uint8_t* host, size_t len) override { m_memory.map_pages(phys, host, len); }
        void unmap_pages(uint64_t phys, size_t len) override { m_memory.unmap_pages(phys, len); }
        void read(uint64_t phys, void* dst, size_t len) override { m_memory.read(phys, dst, len); }
        void write(uint64_t phys, const void* src, size_t len) override { m_memory.write(phys, src, len); }

      private:
        host::HostMemory& m_memory;
    };

    host::HostCpu& m_cpu;
    Memory m_memory;
    host::DmaVerifier* m_verifier;
};

}  // namespace nicsim::tb
