// Host physical memory: a sparse 64-bit address space of 4 KiB pages allocated on first write (reads of untouched
// memory return zeros and allocate nothing), some of which may alias caller-owned process memory (map_pages), so
// that the host software's virtual buffers and device DMA see the same bytes. CPU side through map_pages, read and
// write (zero time), device side through a TLM-2.0 target socket (b_transport, transport_dbg, DMI of one page).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>

#include "model/common/direct_target_socket.h"

namespace nicsim::host {

/// Counters of host memory traffic.
struct HostMemoryStats {
    uint64_t bytes_read = 0;         ///< bytes read through b_transport (device DMA without DMI)
    uint64_t bytes_written = 0;      ///< bytes written through b_transport (byte enables honoured)
    uint64_t cpu_bytes_read = 0;     ///< bytes read through HostMemory::read
    uint64_t cpu_bytes_written = 0;  ///< bytes written through HostMemory::write
    uint64_t transactions = 0;       ///< b_transport calls
    uint64_t errors = 0;             ///< b_transport calls answered with an error response
    uint64_t dmi_grants = 0;         ///< DMI regions handed out
    uint64_t dmi_invalidations = 0;  ///< invalidate_direct_mem_ptr calls made (map/unmap)
};

class HostMemory : public sc_core::sc_module {
  public:
    DirectTargetSocket<HostMemory> socket;  ///< device-side access (from the bridge or the verifier)

    static constexpr uint64_t kPageSize = 4096;

    explicit HostMemory(sc_core::sc_module_name name);
    ~HostMemory() override;

    /// Back the pages of [phys, phys+len) with the caller's memory at `host` (all page-aligned): from then on
    /// device DMA to those physical addresses reads and writes exactly those bytes.
    void map_pages(uint64_t phys, uint8_t* host, size_t len);
    /// Drop a mapping made by map_pages; later accesses there see fresh zeroed pages.
    void unmap_pages(uint64_t phys, size_t len);
    /// CPU-side (zero-time) copies.
    void read(uint64_t phys, void* dst, size_t len);
    void write(uint64_t phys, const void* src, size_t len);

    const HostMemoryStats& stats() const { return m_stats; }
    /// Pages backed by memory this model allocated (first touch), not counting mapped pages.
    size_t pages_allocated() const { return m_owned_pages; }
    /// True when the page holding `phys` aliases caller memory (map_pages).
    bool is_mapped(uint64_t phys) const;

  private:
    friend class DirectTargetSocket<HostMemory>;

    static constexpr uint64_t kNoPage = ~0ull;  // no page has this number (addresses are 64 bits, pages 4 KiB)

    struct Page {
        uint64_t pn = kNoPage;    // page number; kNoPage: an empty slot
        uint8_t* data = nullptr;  // the 4 KiB the page reads and writes
        bool own = false;         // this model allocated `data` (new[]; delete[] when the page goes)
    };
    /// The pages by page number: open addressing with linear probing in a power-of-two table at most half full,
    /// erased by moving later entries of the run back (no tombstones). Each send maps and unmaps pages that are, in
    /// the scattered placement, new ones each time: an insert or erase here is a hash and a probe or two, where a
    /// node-based hash map also allocates or unlinks a node and divides by a prime. Entries move when others are
    /// erased or the table grows, plain copies: nothing keeps a pointer to one across those (the lookup cache keeps
    /// page data).
    /// Nothing walks it in an order that shows: each page's entry is made and dropped on its own.
    class PageTable {
      public:
        PageTable() { m_slots.resize(kInitialSlots); }
        Page* find(uint64_t pn) {
            for (size_t i = home(pn);; i = (i + 1) & mask()) {
                if (m_slots[i].pn == pn) return &m_slots[i];
                if (m_slots[i].pn == kNoPage) return nullptr;
            }
        }
        const Page* find(uint64_t pn) const { return const_cast<PageTable*>(this)->find(pn); }
        /// The entry of page `pn`, made (no data) if it has none; `made` tells which.
        Page& entry(uint64_t pn, bool& made);
        /// Drops `page` (an entry of this table).
        void erase(Page& page);
        size_t size() const { return m_size; }
        std::vector<Page>& slots() { return m_slots; }

      private:
        static constexpr size_t kInitialSlots = 2048;
        size_t mask() const { return m_slots.size() - 1; }
        size_t home(uint64_t pn) const { return static_cast<size_t>((pn * 0x9E3779B97F4A7C15ull) >> m_shift) & mask(); }
        void grow();
        std::vector<Page> m_slots;
        size_t m_size = 0;
        unsigned m_shift = 64 - 11;  // log2(kInitialSlots) bits of the product's top
    };

    const uint8_t* page_for_read(uint64_t page_number) const;  // nullptr: untouched (reads as zeros)
    uint8_t* page_for_write(uint64_t page_number);             // allocates a zeroed page on first touch
    // Their lookups in the map, for a page the lookup cache does not hold: out of line, off the copies' path.
    [[gnu::noinline]] const uint8_t* find_for_read(uint64_t page_number) const;
    [[gnu::noinline]] uint8_t* find_for_write(uint64_t page_number);
    // The lookup cache: slot pn % kLookupSlots remembers page pn's data.
    size_t lookup_slot(uint64_t pn) const { return static_cast<size_t>(pn % kLookupSlots); }
    void remember(uint64_t pn, uint8_t* data) const {
        m_lookup_pn[lookup_slot(pn)] = pn;
        m_lookup_data[lookup_slot(pn)] = data;
    }
    void forget(uint64_t pn) const {
        if (m_lookup_pn[lookup_slot(pn)] == pn) m_lookup_pn[lookup_slot(pn)] = kNoPage;
    }
    bool range_ok(uint64_t phys, uint64_t len) const { return len == 0 || phys + (len - 1) >= phys; }
    void invalidate_dmi(uint64_t start, uint64_t end);

    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    /// b_transport of a plain access (DirectAccess), without the payload.
    tlm::tlm_response_status direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len, unsigned master);
    // direct_access() of an access over a page boundary (or wrapping the address space), out of line.
    [[gnu::noinline]] tlm::tlm_response_status copy_pages(bool write, uint64_t addr, uint8_t* data, uint32_t len);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    /// Copies between memory and `data` for the payload's address, streaming width and byte enables.
    void access(tlm::tlm_generic_payload& gp);
    /// access() of `len` bytes at `a` lying in one page, no byte enables, no streaming.
    void copy_in_page(bool wr, uint64_t a, uint8_t* data, uint32_t len);

    /// Drops `page`'s entry (and frees its memory if this model allocated it).
    void drop(Page& page);

    PageTable m_pages;
    size_t m_owned_pages = 0;
    // A DMI region was handed out: until then nobody can hold a pointer map or unmap would have to take back, and
    // the invalidation (a call through every socket upstream, per page a send maps and unmaps) is skipped.
    bool m_dmi_out = false;
    HostMemoryStats m_stats;
    // Where recently used pages' entries are, by page number modulo the slot count: a device's requests alternate
    // between the descriptor rings and the buffers, pages a one-entry cache kept missing (a map search each). A page
    // unmapped is forgotten, a page mapped anew remembered with its new data.
    static constexpr size_t kLookupSlots = 1024;
    mutable std::array<uint64_t, kLookupSlots> m_lookup_pn;
    mutable std::array<uint8_t*, kLookupSlots> m_lookup_data{};
};

}  // namespace nicsim::host
