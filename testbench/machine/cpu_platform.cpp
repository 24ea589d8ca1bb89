#include "testbench/machine/cpu_platform.h"

#include <utility>

namespace nicsim::tb {

static_assert(hostdrv::PhysicalMemory::kPageSize == host::HostMemory::kPageSize,
              "the host software and host memory agree on the page size map_pages works in");

CpuPlatform::CpuPlatform(host::HostCpu& cpu, host::HostMemory& memory, host::DmaVerifier* verifier)
    : m_cpu(cpu), m_memory(memory), m_verifier(verifier) {}

void CpuPlatform::set_program(Program program) {
    m_cpu.set_program([this, program = std::move(program)] { program(*this); });
}

uint32_t CpuPlatform::config_read(unsigned device, unsigned offset, unsigned size) {
    return m_cpu.config_read(device, offset, size);
}

void CpuPlatform::config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) {
    m_cpu.config_write(device, offset, size, value);
}

uint32_t CpuPlatform::mmio_read(uint64_t phys, unsigned size) {
    return m_cpu.mmio_read(phys, size);
}

void CpuPlatform::mmio_write(uint64_t phys, unsigned size, uint32_t value) {
    m_cpu.mmio_write(phys, size, value);
}

uint32_t CpuPlatform::io_read(uint32_t port, unsigned size) {
    return m_cpu.io_read(port, size);
}

void CpuPlatform::io_write(uint32_t port, unsigned size, uint32_t value) {
    m_cpu.io_write(port, size, value);
}

void CpuPlatform::stall_ns(uint64_t ns) {
    m_cpu.stall_ns(ns);
}

void CpuPlatform::wait_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) {
    m_cpu.stall_ns(ns, woken, ctx);
}

uint64_t CpuPlatform::now_ns() const {
    return m_cpu.now_ns();
}

void CpuPlatform::connect_interrupt(unsigned device, void (*isr)(void* ctx), void* ctx) {
    host::HostCpu::Isr call;
    if (isr) call = [isr, ctx] { isr(ctx); };
    m_cpu.connect_interrupt(device, std::move(call));
}

void CpuPlatform::dma_allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) {
    if (m_verifier) m_verifier->allow(phys, len, device_may_write, what);
}

void CpuPlatform::dma_revoke(uint64_t phys, uint64_t len) {
    if (m_verifier) m_verifier->revoke(phys, len);
}

}  // namespace nicsim::tb
