// A fake HostPlatform for the NDIS layer's tests: sparse in-memory physical memory honouring map_pages, and an
// 82540EM-shaped device behind configuration, memory and I/O cycles (BAR0 128 KiB registers, BAR2 8-byte I/O
// window, INTA#). Every cycle and every DMA window is recorded so tests can check what the layer did.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hostdrv/platform/host_platform.h"

namespace nicsim::test {

class FakeMemory : public hostdrv::PhysicalMemory {
  public:
    void map_pages(uint64_t phys, uint8_t* host, size_t len) override {
        for (size_t off = 0; off < len; off += kPageSize) m_mapped[(phys + off) / kPageSize] = host + off;
    }
    void unmap_pages(uint64_t phys, size_t len) override {
        for (size_t off = 0; off < len; off += kPageSize) {
            m_mapped.erase((phys + off) / kPageSize);
            m_own.erase((phys + off) / kPageSize);
        }
    }
    void read(uint64_t phys, void* dst, size_t len) override {
        auto* d = static_cast<uint8_t*>(dst);
        while (len) {
            const size_t off = phys % kPageSize, n = std::min<size_t>(len, kPageSize - off);
            std::memcpy(d, page(phys / kPageSize) + off, n);
            d += n;
            phys += n;
            len -= n;
        }
    }
    void write(uint64_t phys, const void* src, size_t len) override {
        const auto* s = static_cast<const uint8_t*>(src);
        while (len) {
            const size_t off = phys % kPageSize, n = std::min<size_t>(len, kPageSize - off);
            std::memcpy(page(phys / kPageSize) + off, s, n);
            s += n;
            phys += n;
            len -= n;
        }
    }
    std::vector<uint8_t> bytes(uint64_t phys, size_t len) {
        std::vector<uint8_t> v(len);
        read(phys, v.data(), len);
        return v;
    }
    bool mapped(uint64_t phys) const { return m_mapped.count(phys / kPageSize) != 0; }
    size_t mapped_pages() const { return m_mapped.size(); }

  private:
    uint8_t* page(uint64_t pn) {
        auto it = m_mapped.find(pn);
        if (it != m_mapped.end()) return it->second;
        auto& own = m_own[pn];
        if (!own) own = std::make_unique<std::array<uint8_t, kPageSize>>();  // zeroed
        return own->data();
    }
    std::map<uint64_t, uint8_t*> m_mapped;
    std::map<uint64_t, std::unique_ptr<std::array<uint8_t, kPageSize>>> m_own;
};

struct Cycle {
    char kind;  // 'c' config read, 'C' config write, 'm'/'M' memory, 'i'/'I' I/O
    uint64_t addr;
    unsigned size;
    uint32_t value;
};

struct DmaWindow {
    uint64_t phys;
    uint64_t len;
    bool write;
    std::string what;
};

class FakePlatform : public hostdrv::HostPlatform {
  public:
    static constexpr uint32_t kBar0Size = 128 * 1024;  // register BAR
    static constexpr uint32_t kBar2Size = 8;           // I/O window BAR
    static constexpr unsigned kDevice = 3;             // IDSEL of the fake NIC
    static constexpr uint32_t kIcr = 0x00C0;           // interrupt cause (read clears)

    FakePlatform() {
        put32(0x00, 0x100E8086);  // device 0x100E, vendor 0x8086
        put32(0x08, 0x02000000);  // class: Ethernet controller
        put32(0x10, 0x00000000);  // BAR0: 32-bit memory, unassigned
        put32(0x18, 0x00000001);  // BAR2: I/O, unassigned
        m_cfg[0x3D] = 1;          // interrupt pin INTA#
    }

    uint32_t config_read(unsigned device, unsigned offset, unsigned size) override {
        uint32_t v = 0xFFFFFFFFu;
        if (device == kDevice && offset + size <= 256) {
            v = 0;
            for (unsigned i = 0; i < size; ++i) v |= uint32_t{m_cfg[offset + i]} << (8 * i);
        } else if (size < 4) {
            v &= (1u << (8 * size)) - 1;
        }
        cycles.push_back(Cycle{'c', offset, size, v});
        return v;
    }
    void config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) override {
        cycles.push_back(Cycle{'C', offset, size, value});
        if (device != kDevice || offset + size > 256) return;
        if (offset == 0x10 && size == 4) {
            put32(0x10, value & ~(kBar0Size - 1));  // memory BAR, 128 KiB aligned
            return;
        }
        if (offset == 0x18 && size == 4) {
            put32(0x18, (value & ~(kBar2Size - 1) & 0xFFFFu) | 1);  // I/O BAR
            return;
        }
        if (offset >= 0x10 && offset < 0x28) return;  // other BARs unimplemented: read 0
        if (offset < 0x04 || offset == 0x08) return;  // read-only identity
        for (unsigned i = 0; i < size; ++i) m_cfg[offset + i] = static_cast<uint8_t>(value >> (8 * i));
    }
    uint32_t mmio_read(uint64_t phys, unsigned size) override {
        uint32_t v = 0xFFFFFFFFu;
        if (in_bar0(phys)) {
            const uint32_t off = static_cast<uint32_t>(phys - bar0());
            v = regs[off & ~3u] >> (8 * (off & 3));
            if (size < 4) v &= (1u << (8 * size)) - 1;
            if (off == kIcr) regs[kIcr] = 0;
        }
        cycles.push_back(Cycle{'m', phys, size, v});
        return v;
    }
    void mmio_write(uint64_t phys, unsigned size, uint32_t value) override {
        cycles.push_back(Cycle{'M', phys, size, value});
        if (!in_bar0(phys)) return;
        const uint32_t off = static_cast<uint32_t>(phys - bar0());
        if (size == 4)
            regs[off] = value;
        else {
            const uint32_t shift = 8 * (off & 3), mask = ((1u << (8 * size)) - 1) << shift;
            regs[off & ~3u] = (regs[off & ~3u] & ~mask) | ((value << shift) & mask);
        }
    }
    uint32_t io_read(uint32_t port, unsigned size) override {
        uint32_t v = 0xFFFFFFFFu;
        if (in_bar2(port)) v = port - bar2() == 0 ? ioaddr : regs[ioaddr & ~3u];
        cycles.push_back(Cycle{'i', port, size, v});
        return v;
    }
    void io_write(uint32_t port, unsigned size, uint32_t value) override {
        cycles.push_back(Cycle{'I', port, size, value});
        if (!in_bar2(port)) return;
        if (port - bar2() == 0)
            ioaddr = value;
        else
            regs[ioaddr & ~3u] = value;
    }
    hostdrv::PhysicalMemory& memory() override { return mem; }
    void stall_ns(uint64_t ns) override { advance(now + ns, nullptr, nullptr); }
    void wait_ns(uint64_t ns, bool (*woken)(void*), void* ctx) override {
        deliver();
        if (!woken(ctx)) advance(now + ns, woken, ctx);
    }
    uint64_t now_ns() const override { return now; }
    void connect_interrupt(unsigned device, void (*fn)(void*), void* ctx) override {
        isr = fn;
        isr_ctx = ctx;
        isr_device = device;
    }
    void dma_allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) override {
        windows.push_back(DmaWindow{phys, len, device_may_write, what});
    }
    void dma_revoke(uint64_t phys, uint64_t len) override {
        auto it = std::find_if(windows.begin(), windows.end(),
                               [&](const DmaWindow& w) { return w.phys == phys && w.len == len; });
        if (it != windows.end()) windows.erase(it);
        ++revokes;
    }

    /// The device raises `cause` at simulated time `at_ns` (later than now), while the host stalls or waits.
    void raise_at(uint64_t at_ns, uint32_t cause) { later.emplace(at_ns, cause); }
    /// The device raises interrupt causes: ICR |= cause and INTA# asserted until ICR is read.
    void raise(uint32_t cause) {
        regs[kIcr] |= cause;
        deliver();
    }
    bool inta() const { return regs.count(kIcr) && regs.at(kIcr) != 0; }
    uint64_t bar0() const { return get32(0x10) & ~0xFull; }
    uint32_t bar2() const { return get32(0x18) & ~0x3u; }
    uint16_t command() const { return static_cast<uint16_t>(get32(0x04)); }
    size_t count(char kind) const {
        return static_cast<size_t>(
            std::count_if(cycles.begin(), cycles.end(), [&](const Cycle& c) { return c.kind == kind; }));
    }
    const DmaWindow* window_at(uint64_t phys) const {
        for (const DmaWindow& w : windows)
            if (phys >= w.phys && phys < w.phys + w.len) return &w;
        return nullptr;
    }
    void put32(unsigned off, uint32_t v) {
        for (unsigned i = 0; i < 4; ++i) m_cfg[off + i] = static_cast<uint8_t>(v >> (8 * i));
    }
    uint32_t get32(unsigned off) const {
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i) v |= uint32_t{m_cfg[off + i]} << (8 * i);
        return v;
    }

    FakeMemory mem;
    std::vector<Cycle> cycles;
    std::vector<DmaWindow> windows;
    unsigned revokes = 0;
    std::map<uint32_t, uint32_t> regs;
    uint32_t ioaddr = 0;
    uint64_t now = 0;
    std::multimap<uint64_t, uint32_t> later;  ///< interrupts raised at a later time (raise_at)
    void (*isr)(void*) = nullptr;
    void* isr_ctx = nullptr;
    unsigned isr_device = ~0u;
    unsigned isr_deliveries = 0;

  private:
    bool in_bar0(uint64_t phys) const {
        return (command() & 0x2) && bar0() && phys >= bar0() && phys < bar0() + kBar0Size;
    }
    bool in_bar2(uint32_t port) const {
        return (command() & 0x1) && bar2() && port >= bar2() && port < bar2() + kBar2Size;
    }
    /// Time passes until `until`, each interrupt of `later` raised at its time; a wait ends after the ISR whose
    /// work left `woken` true.
    void advance(uint64_t until, bool (*woken)(void*), void* ctx) {
        while (!later.empty() && later.begin()->first <= until) {
            now = std::max(now, later.begin()->first);
            const uint32_t cause = later.begin()->second;
            later.erase(later.begin());
            raise(cause);
            if (woken && woken(ctx)) return;
        }
        now = until;
        deliver();
    }
    void deliver() {
        if (m_in_isr || !isr || !inta()) return;
        m_in_isr = true;
        ++isr_deliveries;
        isr(isr_ctx);
        m_in_isr = false;
    }
    std::array<uint8_t, 256> m_cfg{};
    bool m_in_isr = false;
};

}  // namespace nicsim::test
