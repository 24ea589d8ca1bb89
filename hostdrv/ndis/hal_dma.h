// The HAL's DMA underneath NDIS: scatter-gather lists built page by page from a packet's buffer chain, map
// registers, bounce buffers for a 32-bit device, and common (shared) memory below the device's address limit.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hostdrv/ndis/block_recycler.h"
#include "hostdrv/ndis/ndis.h"
#include "hostdrv/ndis/page_allocator.h"
#include "hostdrv/platform/host_platform.h"

namespace nicsim::ndis {

/// Reports a named violation (message type "nicsim/ndis/<what>") and records it.
using ViolationSink = std::function<void(const char* what, const std::string& message)>;

class HalDma {
  public:
    static constexpr uint64_t k4G = 0x1'0000'0000ull;

    HalDma(hostdrv::HostPlatform& platform, PageAllocator& pages, ViolationSink report);
    ~HalDma();
    HalDma(const HalDma&) = delete;
    HalDma& operator=(const HalDma&) = delete;

    /// Scatter-gather DMA set up for the adapter (NdisMInitializeScatterGatherDma succeeded).
    void enable_sg(bool dma64, uint32_t max_mapping, uint32_t map_registers);
    void disable_sg();
    bool sg_enabled() const { return m_sg; }
    bool dma64() const { return m_dma64; }
    uint32_t max_mapping() const { return m_max_mapping; }
    uint32_t map_registers() const { return m_map_registers; }
    /// Exclusive end of what the device can address: 4 GiB for 32-bit, no limit for 64-bit (or `override`).
    uint64_t device_limit() const { return m_limit; }
    void set_device_limit(uint64_t limit) { m_limit = limit; }

    /// GetScatterGatherList: builds the packet's list (bouncing pages a 32-bit device cannot reach), stores it in
    /// ScatterGatherListPacketInfo and hands every element to the device read-only. Returns SUCCESS, or
    /// INVALID_LENGTH (longer than MaximumPhysicalMapping), RESOURCES (more map registers than reserved, or no
    /// bounce page), INVALID_PACKET (a buffer page with no known physical address); then nothing is kept.
    NDIS_STATUS get_sg_list(PNDIS_PACKET packet);
    /// PutScatterGatherList: revokes the elements, frees bounce pages and the list, clears the packet's slot.
    void put_sg_list(PNDIS_PACKET packet);
    size_t lists_in_flight() const { return m_in_flight.size(); }
    /// Counters for the statistics: scatter-gather lists built and what was double-buffered.
    struct Stats {
        uint64_t sg_lists = 0;       ///< lists built (sends that reached the miniport)
        uint64_t sg_elements = 0;    ///< elements in them
        uint64_t bounced_lists = 0;  ///< lists with at least one bounced element
        uint64_t bounce_bytes = 0;   ///< bytes copied into map-register buffers below 4 GiB
        uint64_t refused = 0;        ///< lists refused (too long, too many map registers, no bounce buffer)
    };
    const Stats& stats() const { return m_stats; }
    size_t bounce_pages_in_use() const;
    /// Number of map registers (pages spanned) a packet's buffer chain needs.
    static uint32_t map_registers_needed(PNDIS_PACKET packet);

    /// Common buffer: physically contiguous, below the device limit, never crossing 4 GiB, device read-write.
    bool alloc_shared(uint32_t length, Placement placement, void*& va, uint64_t& phys);
    /// False (and nothing freed) when (va, length, phys) does not name a live allocation.
    bool free_shared(void* va, uint32_t length, uint64_t phys);
    size_t shared_allocations() const { return m_shared.size(); }

    /// Physical address of a CPU address the host knows (page-table lookup), NICSIM_PFN_UNKNOWN page otherwise.
    uint64_t page_of(const void* va) const;
    /// Process memory backed by physical pages: mapped with map_pages, registered for page lookups.
    void register_pages(uint8_t* va, const std::vector<uint64_t>& phys_pages);
    void register_pages(uint8_t* va, const uint64_t* phys_pages, size_t n);
    void unregister_pages(uint8_t* va, size_t n);
    /// As unregister_pages for memory that will be registered again (NDIS's spare send pages): page_of() no longer
    /// knows the pages, but their page-table entries stay, so registering them again allocates nothing.
    void park_pages(uint8_t* va, size_t n);

  private:
    Stats m_stats;
    struct Bounce {
        uint64_t phys;
        uint8_t* host;
    };
    struct InFlight {
        PNDIS_PACKET packet;
        PSCATTER_GATHER_LIST list;
        std::vector<Bounce> bounces;
    };
    struct Shared {
        uint8_t* va;
        uint64_t phys;
        uint32_t length;
        size_t pages;
    };
    bool take_bounce(Bounce& b);
    /// Whether the packet fits MaximumPhysicalMapping and the map registers reserved (a violation names what
    /// does not); `map_registers` is how many it needs.
    NDIS_STATUS check_fits(PNDIS_PACKET packet, uint32_t& map_registers);
    /// Appends one buffer's pages to f.list (bounced where the device cannot reach them).
    NDIS_STATUS map_buffer(PNDIS_BUFFER b, InFlight& f);
    /// Copies [phys, phys+len) into a map-register buffer below 4 GiB at the same page offset; `phys` becomes the
    /// copy's address. False (a violation) when none is left.
    bool bounce(uint64_t& phys, ULONG len, InFlight& f);

    hostdrv::HostPlatform& m_platform;
    PageAllocator& m_pages;
    ViolationSink m_report;
    bool m_sg = false;
    bool m_dma64 = false;
    uint32_t m_max_mapping = 0;
    uint32_t m_map_registers = 0;
    uint64_t m_limit = k4G;
    // Completed mostly in the order built: the front leaves cheaply.
    std::deque<InFlight, BlockAllocator<InFlight>> m_in_flight;
    std::vector<Bounce> m_bounce_free;  // map-register buffers below 4 GiB, reused
    std::vector<Bounce> m_bounce_all;   // every map-register buffer ever made (freed at destruction)
    std::vector<Shared> m_shared;
    // VA page -> phys page, changed on every send; a parked page maps to NICSIM_PFN_UNKNOWN.
    std::unordered_map<uintptr_t, uint64_t> m_page_table;
    // The first entry register_pages() wrote last (VA page, phys page): a send's buffer asks page_of() for it next.
    uintptr_t m_last_va_page = ~uintptr_t{0};
    uint64_t m_last_pfn = 0;
};

}  // namespace nicsim::ndis
