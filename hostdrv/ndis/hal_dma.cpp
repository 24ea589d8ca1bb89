#include "hostdrv/ndis/hal_dma.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "hostdrv/ndis/block_recycler.h"

namespace nicsim::ndis {

namespace {
constexpr uint64_t kPage = PageAllocator::kPage;

uint8_t* alloc_host_pages(size_t n) {
    void* p = std::aligned_alloc(kPage, n * kPage);
    if (p) std::memset(p, 0, n * kPage);
    return static_cast<uint8_t*>(p);
}

/// Appends [phys, phys+len) to the list, extending the last element when it ends there and the two are on the same
/// side of a 4 GiB line.
void append_element(PSCATTER_GATHER_LIST list, uint64_t phys, ULONG len) {
    const ULONG n = list->NumberOfElements;
    SCATTER_GATHER_ELEMENT* last = n ? &list->Elements[n - 1] : nullptr;
    if (last && static_cast<uint64_t>(last->Address.QuadPart) + last->Length == phys && phys % HalDma::k4G != 0) {
        last->Length += len;
        return;
    }
    list->Elements[n].Address.QuadPart = static_cast<LONGLONG>(phys);
    list->Elements[n].Length = len;
    list->NumberOfElements = n + 1;
}
}  // namespace

HalDma::HalDma(hostdrv::HostPlatform& platform, PageAllocator& pages, ViolationSink report)
    : m_platform(platform), m_pages(pages), m_report(std::move(report)) {}

HalDma::~HalDma() {
    for (const Bounce& b : m_bounce_all) {
        m_platform.memory().unmap_pages(b.phys, kPage);
        m_pages.free_page(b.phys);
        std::free(b.host);
    }
    for (InFlight& f : m_in_flight) free_block(f.list);
    for (Shared& s : m_shared) {
        m_platform.dma_revoke(s.phys, s.length);
        unregister_pages(s.va, s.pages);
        m_pages.free_run(s.phys, s.pages);
        std::free(s.va);
    }
}

void HalDma::enable_sg(bool dma64, uint32_t max_mapping, uint32_t map_registers) {
    m_sg = true;
    m_dma64 = dma64;
    m_max_mapping = max_mapping;
    m_map_registers = map_registers;
    m_limit = dma64 ? PageAllocator::kNoLimit : k4G;
}

void HalDma::disable_sg() {
    m_sg = false;
    m_map_registers = 0;
}

uint32_t HalDma::map_registers_needed(PNDIS_PACKET packet) {
    uint32_t n = 0;
    for (PNDIS_BUFFER b = packet->Private.Head; b; b = b->Next)
        if (b->ByteCount) n += ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(b), b->ByteCount);
    return n;
}

size_t HalDma::bounce_pages_in_use() const {
    return m_bounce_all.size() - m_bounce_free.size();
}

bool HalDma::take_bounce(Bounce& b) {
    if (!m_bounce_free.empty()) {
        b = m_bounce_free.back();
        m_bounce_free.pop_back();
        return true;
    }
    std::vector<uint64_t> phys;
    if (!m_pages.alloc_pages(1, Placement::Low, k4G, phys)) return false;
    uint8_t* host = alloc_host_pages(1);
    if (!host) {
        m_pages.free_page(phys[0]);
        return false;
    }
    m_platform.memory().map_pages(phys[0], host, kPage);
    b = Bounce{phys[0], host};
    m_bounce_all.push_back(b);
    return true;
}

NDIS_STATUS HalDma::check_fits(PNDIS_PACKET packet, uint32_t& map_registers) {
    UINT total = 0;
    for (PNDIS_BUFFER b = packet->Private.Head; b; b = b->Next) total += b->ByteCount;
    if (total > m_max_mapping) {
        m_report("sg-too-long", "packet of " + std::to_string(total) + " bytes exceeds MaximumPhysicalMapping " +
                                    std::to_string(m_max_mapping));
        return NDIS_STATUS_INVALID_LENGTH;
    }
    map_registers = map_registers_needed(packet);
    if (map_registers > m_map_registers) {
        m_report("sg-map-registers", "packet needs " + std::to_string(map_registers) + " map registers, " +
                                         std::to_string(m_map_registers) + " reserved");
        return NDIS_STATUS_RESOURCES;
    }
    return NDIS_STATUS_SUCCESS;
}

bool HalDma::bounce(uint64_t& phys, ULONG len, InFlight& f) {
    Bounce b{};
    if (!take_bounce(b)) {
        m_report("bounce-exhausted", "no map-register buffer below 4 GiB left for a bounce");
        return false;
    }
    f.bounces.push_back(b);
    m_stats.bounce_bytes += len;
    const uint64_t offset = phys % kPage;
    m_platform.memory().read(phys, b.host + offset, len);
    phys = b.phys + offset;
    return true;
}

NDIS_STATUS HalDma::map_buffer(PNDIS_BUFFER b, InFlight& f) {
    const PPFN_NUMBER pfns = MmGetMdlPfnArray(b);
    ULONG remaining = b->ByteCount;
    ULONG offset = b->ByteOffset;
    for (ULONG i = 0; remaining; ++i) {
        const ULONG len = std::min<ULONG>(remaining, static_cast<ULONG>(kPage) - offset);
        if (pfns[i] == NICSIM_PFN_UNKNOWN) {
            const auto va = reinterpret_cast<uintptr_t>(static_cast<uint8_t*>(b->StartVa) + i * kPage);
            m_report("sg-unknown-page", "buffer page at VA " + std::to_string(va) +
                                            " has no physical address (not NDIS-allocated memory)");
            return NDIS_STATUS_INVALID_PACKET;
        }
        uint64_t phys = static_cast<uint64_t>(pfns[i]) * kPage + offset;
        // A device that cannot reach this page gets it double-buffered through a map-register buffer.
        if (phys + len > m_limit && !bounce(phys, len, f)) return NDIS_STATUS_RESOURCES;
        append_element(f.list, phys, len);
        remaining -= len;
        offset = 0;
    }
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS HalDma::get_sg_list(PNDIS_PACKET packet) {
    uint32_t needed = 0;
    NDIS_STATUS st = check_fits(packet, needed);
    if (st != NDIS_STATUS_SUCCESS) {
        ++m_stats.refused;
        return st;
    }
    // At most one element per page spanned.
    const size_t cap = std::max<uint32_t>(needed, 1);
    auto* list = static_cast<PSCATTER_GATHER_LIST>(
        zalloc_block(sizeof(SCATTER_GATHER_LIST) + cap * sizeof(SCATTER_GATHER_ELEMENT)));
    if (!list) return NDIS_STATUS_RESOURCES;
    InFlight f{packet, list, {}};
    for (PNDIS_BUFFER b = packet->Private.Head; b && st == NDIS_STATUS_SUCCESS; b = b->Next) st = map_buffer(b, f);
    if (st != NDIS_STATUS_SUCCESS) {
        ++m_stats.refused;
        for (const Bounce& b : f.bounces) m_bounce_free.push_back(b);
        free_block(list);
        return st;
    }
    for (ULONG i = 0; i < list->NumberOfElements; ++i)
        m_platform.dma_allow(static_cast<uint64_t>(list->Elements[i].Address.QuadPart), list->Elements[i].Length, false,
                             "ndis: send scatter-gather element");
    ++m_stats.sg_lists;
    m_stats.sg_elements += list->NumberOfElements;
    if (!f.bounces.empty()) ++m_stats.bounced_lists;
    m_in_flight.push_back(std::move(f));
    NDIS_PER_PACKET_INFO_FROM_PACKET(packet, ScatterGatherListPacketInfo) = list;
    return NDIS_STATUS_SUCCESS;
}

void HalDma::put_sg_list(PNDIS_PACKET packet) {
    // Lists are mostly put back in the order they were built: the oldest first, before a search of the deque.
    auto it = !m_in_flight.empty() && m_in_flight.front().packet == packet
                  ? m_in_flight.begin()
                  : std::find_if(m_in_flight.begin(), m_in_flight.end(),
                                 [&](const InFlight& f) { return f.packet == packet; });
    if (it == m_in_flight.end()) return;
    PSCATTER_GATHER_LIST list = it->list;
    for (ULONG i = 0; i < list->NumberOfElements; ++i)
        m_platform.dma_revoke(static_cast<uint64_t>(list->Elements[i].Address.QuadPart), list->Elements[i].Length);
    for (const Bounce& b : it->bounces) {
        std::memset(b.host, 0, kPage);
        m_bounce_free.push_back(b);
    }
    free_block(list);
    NDIS_PER_PACKET_INFO_FROM_PACKET(packet, ScatterGatherListPacketInfo) = nullptr;
    if (it == m_in_flight.begin())
        m_in_flight.pop_front();  // the usual case; a deque's general erase costs several times more
    else
        m_in_flight.erase(it);
}

bool HalDma::alloc_shared(uint32_t length, Placement placement, void*& va, uint64_t& phys) {
    va = nullptr;
    phys = 0;
    if (length == 0) return false;
    const size_t n = (length + kPage - 1) / kPage;
    if (!m_pages.alloc_contiguous(n, placement, m_limit, phys)) return false;
    uint8_t* host = alloc_host_pages(n);
    if (!host) {
        m_pages.free_run(phys, n);
        return false;
    }
    std::vector<uint64_t> pages;
    for (size_t i = 0; i < n; ++i) pages.push_back(phys + i * kPage);
    register_pages(host, pages);
    m_platform.dma_allow(phys, length, true, "ndis: shared memory");
    m_shared.push_back(Shared{host, phys, length, n});
    va = host;
    return true;
}

bool HalDma::free_shared(void* va, uint32_t length, uint64_t phys) {
    auto it = std::find_if(m_shared.begin(), m_shared.end(), [&](const Shared& s) { return s.va == va; });
    if (it == m_shared.end() || it->length != length || it->phys != phys) return false;
    m_platform.dma_revoke(it->phys, it->length);
    unregister_pages(it->va, it->pages);
    m_pages.free_run(it->phys, it->pages);
    std::free(it->va);
    m_shared.erase(it);
    return true;
}

void HalDma::register_pages(uint8_t* va, const std::vector<uint64_t>& phys_pages) {
    register_pages(va, phys_pages.data(), phys_pages.size());
}

void HalDma::register_pages(uint8_t* va, const uint64_t* phys_pages, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        m_platform.memory().map_pages(phys_pages[i], va + i * kPage, kPage);
        m_page_table[reinterpret_cast<uintptr_t>(va) / kPage + i] = phys_pages[i] / kPage;
    }
    if (n) {
        m_last_va_page = reinterpret_cast<uintptr_t>(va) / kPage;
        m_last_pfn = phys_pages[0] / kPage;
    }
}

void HalDma::unregister_pages(uint8_t* va, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        auto pos = m_page_table.find(reinterpret_cast<uintptr_t>(va) / kPage + i);
        if (pos == m_page_table.end()) continue;
        if (pos->second != NICSIM_PFN_UNKNOWN) m_platform.memory().unmap_pages(pos->second * kPage, kPage);
        if (pos->first == m_last_va_page) m_last_va_page = ~uintptr_t{0};
        m_page_table.erase(pos);
    }
}

void HalDma::park_pages(uint8_t* va, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        auto pos = m_page_table.find(reinterpret_cast<uintptr_t>(va) / kPage + i);
        if (pos == m_page_table.end() || pos->second == NICSIM_PFN_UNKNOWN) continue;
        m_platform.memory().unmap_pages(pos->second * kPage, kPage);
        pos->second = NICSIM_PFN_UNKNOWN;
        if (pos->first == m_last_va_page) m_last_pfn = NICSIM_PFN_UNKNOWN;
    }
}

uint64_t HalDma::page_of(const void* va) const {
    if (reinterpret_cast<uintptr_t>(va) / kPage == m_last_va_page) return m_last_pfn;
    auto pos = m_page_table.find(reinterpret_cast<uintptr_t>(va) / kPage);
    return pos == m_page_table.end() ? NICSIM_PFN_UNKNOWN : pos->second;
}

}  // namespace nicsim::ndis
