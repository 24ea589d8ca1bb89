#include "host_memory.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string>

#include "model/common/hex.h"

namespace nicsim::host {

using namespace sc_core;

namespace {
constexpr uint64_t kPage = HostMemory::kPageSize;

}  // namespace

HostMemory::HostMemory(sc_module_name name) : sc_module(name), socket("socket", *this) {
    m_lookup_pn.fill(kNoPage);
}

HostMemory::~HostMemory() {
    for (const Page& p : m_pages.slots())
        if (p.own) delete[] p.data;
}

HostMemory::Page& HostMemory::PageTable::entry(uint64_t pn, bool& made) {
    made = false;
    size_t i = home(pn);
    for (; m_slots[i].pn != kNoPage; i = (i + 1) & mask())
        if (m_slots[i].pn == pn) return m_slots[i];
    made = true;
    if (2 * (m_size + 1) > m_slots.size()) {
        grow();
        return entry(pn, made);
    }
    ++m_size;
    m_slots[i].pn = pn;
    return m_slots[i];
}

void HostMemory::PageTable::erase(Page& page) {
    size_t hole = static_cast<size_t>(&page - m_slots.data());
    m_slots[hole] = Page{};
    --m_size;
    // Entries after the hole in its run whose home is not between the hole and them move into it.
    for (size_t i = (hole + 1) & mask(); m_slots[i].pn != kNoPage; i = (i + 1) & mask()) {
        const size_t h = home(m_slots[i].pn);
        const bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
        if (stays) continue;
        m_slots[hole] = m_slots[i];
        m_slots[i] = Page{};
        hole = i;
    }
}

void HostMemory::PageTable::grow() {
    std::vector<Page> old(m_slots.size() * 2);
    old.swap(m_slots);
    --m_shift;
    m_size = 0;
    bool made = false;
    for (const Page& p : old)
        if (p.pn != kNoPage) entry(p.pn, made) = p;
}

const uint8_t* HostMemory::page_for_read(uint64_t pn) const {
    if (m_lookup_pn[lookup_slot(pn)] == pn) return m_lookup_data[lookup_slot(pn)];
    return find_for_read(pn);
}

const uint8_t* HostMemory::find_for_read(uint64_t pn) const {
    const Page* p = m_pages.find(pn);
    if (!p) return nullptr;
    remember(pn, p->data);
    return p->data;
}

uint8_t* HostMemory::page_for_write(uint64_t pn) {
    if (m_lookup_pn[lookup_slot(pn)] == pn) return m_lookup_data[lookup_slot(pn)];
    return find_for_write(pn);
}

uint8_t* HostMemory::find_for_write(uint64_t pn) {
    bool made = false;
    Page& p = m_pages.entry(pn, made);
    if (made) {
        p.data = new uint8_t[kPage]();
        p.own = true;
        ++m_owned_pages;
    }
    remember(pn, p.data);
    return p.data;
}

void HostMemory::drop(Page& page) {
    forget(page.pn);
    if (page.own) {
        delete[] page.data;
        --m_owned_pages;
    }
    m_pages.erase(page);
}

bool HostMemory::is_mapped(uint64_t phys) const {
    const Page* p = m_pages.find(phys / kPage);
    return p && !p->own;
}

void HostMemory::invalidate_dmi(uint64_t start, uint64_t end) {
    if (!m_dmi_out || socket.get_base_port().size() == 0) return;  // nobody holds DMI
    ++m_stats.dmi_invalidations;
    socket->invalidate_direct_mem_ptr(start, end);
}

void HostMemory::map_pages(uint64_t phys, uint8_t* host, size_t len) {
    if (len == 0) return;
    if (phys % kPage != 0 || reinterpret_cast<uintptr_t>(host) % kPage != 0 || len % kPage != 0 || host == nullptr ||
        !range_ok(phys, len)) {
        SC_REPORT_WARNING("nicsim/host/memory-map", ("map_pages(" + hex(phys) + ", len " + std::to_string(len) +
                                                     ") not page-aligned or out of range: nothing mapped")
                                                        .c_str());
        return;
    }
    for (uint64_t off = 0; off < len; off += kPage) {
        const uint64_t pn = (phys + off) / kPage;
        bool made = false;
        Page& p = m_pages.entry(pn, made);
        if (p.own) {
            delete[] p.data;
            --m_owned_pages;
        }
        p.own = false;
        p.data = host + off;
        remember(pn, p.data);
    }
    invalidate_dmi(phys, phys + (len - 1));
}

void HostMemory::unmap_pages(uint64_t phys, size_t len) {
    if (len == 0) return;
    if (phys % kPage != 0 || len % kPage != 0 || !range_ok(phys, len)) {
        SC_REPORT_WARNING("nicsim/host/memory-map", ("unmap_pages(" + hex(phys) + ", len " + std::to_string(len) +
                                                     ") not page-aligned or out of range: nothing unmapped")
                                                        .c_str());
        return;
    }
    const uint64_t first = phys / kPage, last = (phys + (len - 1)) / kPage;
    if (last - first < m_pages.size()) {  // few pages: look each up
        for (uint64_t pn = first;; ++pn) {
            if (Page* p = m_pages.find(pn)) drop(*p);
            if (pn == last) break;
        }
    } else {  // a range wider than the map: walk the map once for its pages (erasing moves entries: then drop)
        std::vector<uint64_t> gone;
        for (const Page& p : m_pages.slots())
            if (p.pn != kNoPage && p.pn >= first && p.pn <= last) gone.push_back(p.pn);
        for (const uint64_t pn : gone) drop(*m_pages.find(pn));
    }
    invalidate_dmi(phys, phys + (len - 1));
}

void HostMemory::read(uint64_t phys, void* dst, size_t len) {
    if (!range_ok(phys, len)) {
        SC_REPORT_WARNING("nicsim/host/memory-range",
                          ("CPU read at " + hex(phys) + " wraps the address space").c_str());
        std::memset(dst, 0, len);
        return;
    }
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t done = 0; done < len;) {
        const uint64_t a = phys + done;
        const size_t n = std::min<uint64_t>(len - done, kPage - a % kPage);
        const uint8_t* page = page_for_read(a / kPage);
        if (page)
            std::memcpy(out + done, page + a % kPage, n);
        else
            std::memset(out + done, 0, n);
        done += n;
    }
    m_stats.cpu_bytes_read += len;
}

void HostMemory::write(uint64_t phys, const void* src, size_t len) {
    if (!range_ok(phys, len)) {
        SC_REPORT_WARNING("nicsim/host/memory-range",
                          ("CPU write at " + hex(phys) + " wraps the address space").c_str());
        return;
    }
    const auto* in = static_cast<const uint8_t*>(src);
    for (size_t done = 0; done < len;) {
        const uint64_t a = phys + done;
        const size_t n = std::min<uint64_t>(len - done, kPage - a % kPage);
        std::memcpy(page_for_write(a / kPage) + a % kPage, in + done, n);
        done += n;
    }
    m_stats.cpu_bytes_written += len;
}

void HostMemory::access(tlm::tlm_generic_payload& gp) {
    const bool wr = gp.is_write();
    uint8_t* data = gp.get_data_ptr();
    const uint32_t len = gp.get_data_length();
    const uint32_t sw = gp.get_streaming_width() == 0 ? len : std::min(gp.get_streaming_width(), len);
    const uint8_t* be = gp.get_byte_enable_ptr();
    const uint32_t be_len = gp.get_byte_enable_length();
    const uint64_t base = gp.get_address();
    uint64_t moved = 0;
    for (uint32_t off = 0; off < len;) {
        const uint32_t in_beat = off % sw;
        const uint64_t a = base + in_beat;
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>({sw - in_beat, len - off, kPage - a % kPage}));
        if (wr) {
            uint8_t* page = page_for_write(a / kPage) + a % kPage;
            if (!be) {
                std::memcpy(page, data + off, n);
                moved += n;
            } else {
                for (uint32_t i = 0; i < n; ++i)
                    if (be[(off + i) % be_len] == TLM_BYTE_ENABLED) page[i] = data[off + i], ++moved;
            }
        } else {
            const uint8_t* page = page_for_read(a / kPage);
            if (!be) {
                if (page)
                    std::memcpy(data + off, page + a % kPage, n);
                else
                    std::memset(data + off, 0, n);
                moved += n;
                off += n;
                continue;
            }
            for (uint32_t i = 0; i < n; ++i) {
                if (be && be[(off + i) % be_len] != TLM_BYTE_ENABLED) continue;
                data[off + i] = page ? page[a % kPage + i] : 0;
                ++moved;
            }
        }
        off += n;
    }
    (wr ? m_stats.bytes_written : m_stats.bytes_read) += moved;
}

void HostMemory::copy_in_page(bool wr, uint64_t a, uint8_t* data, uint32_t len) {
    if (wr) {
        std::memcpy(page_for_write(a / kPage) + a % kPage, data, len);
        m_stats.bytes_written += len;
        return;
    }
    if (const uint8_t* page = page_for_read(a / kPage))
        std::memcpy(data, page + a % kPage, len);
    else
        std::memset(data, 0, len);
    m_stats.bytes_read += len;
}

void HostMemory::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    ++m_stats.transactions;
    const uint32_t len = gp.get_data_length();
    const uint32_t sw = gp.get_streaming_width() == 0 ? len : std::min(gp.get_streaming_width(), len);
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (len == 0 || gp.get_data_ptr() == nullptr) {
        ++m_stats.errors;
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    if (!range_ok(gp.get_address(), sw)) {
        ++m_stats.errors;
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (gp.get_byte_enable_ptr() && gp.get_byte_enable_length() == 0) {
        ++m_stats.errors;
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (!gp.get_byte_enable_ptr() && sw == len && gp.get_address() % kPage + len <= kPage)
        copy_in_page(gp.is_write(), gp.get_address(), gp.get_data_ptr(), len);  // the common case, short
    else
        access(gp);
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

tlm::tlm_response_status HostMemory::direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                   unsigned /*master*/) {
    ++m_stats.transactions;
    if (addr % kPage + len <= kPage) {
        copy_in_page(write, addr, data, len);  // the common case, short
        return tlm::TLM_OK_RESPONSE;
    }
    return copy_pages(write, addr, data, len);
}

tlm::tlm_response_status HostMemory::copy_pages(bool write, uint64_t addr, uint8_t* data, uint32_t len) {
    if (!range_ok(addr, len)) {
        ++m_stats.errors;
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    // access()'s loop for an access without byte enables: one copy per page.
    for (uint32_t done = 0; done < len;) {
        const uint64_t a = addr + done;
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(len - done, kPage - a % kPage));
        copy_in_page(write, a, data + done, n);
        done += n;
    }
    return tlm::TLM_OK_RESPONSE;
}

unsigned HostMemory::transport_dbg(tlm::tlm_generic_payload& gp) {
    const uint32_t len = gp.get_data_length();
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND || len == 0 || !gp.get_data_ptr() ||
        !range_ok(gp.get_address(), len))
        return 0;
    const HostMemoryStats keep = m_stats;  // debug accesses are invisible to the statistics
    tlm::tlm_generic_payload copy;
    copy.set_command(gp.get_command());
    copy.set_address(gp.get_address());
    copy.set_data_ptr(gp.get_data_ptr());
    copy.set_data_length(len);
    copy.set_streaming_width(len);
    if (gp.is_write()) {
        access(copy);
    } else {
        for (uint32_t off = 0; off < len;) {  // debug reads never allocate
            const uint64_t a = gp.get_address() + off;
            const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(len - off, kPage - a % kPage));
            const uint8_t* page = page_for_read(a / kPage);
            if (page)
                std::memcpy(gp.get_data_ptr() + off, page + a % kPage, n);
            else
                std::memset(gp.get_data_ptr() + off, 0, n);
            off += n;
        }
    }
    m_stats = keep;
    return len;
}

bool HostMemory::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
    const uint64_t pn = gp.get_address() / kPage;
    dmi.set_dmi_ptr(page_for_write(pn));
    dmi.set_start_address(pn * kPage);
    dmi.set_end_address(pn * kPage + (kPage - 1));
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    dmi.set_read_latency(SC_ZERO_TIME);
    dmi.set_write_latency(SC_ZERO_TIME);
    ++m_stats.dmi_grants;
    m_dmi_out = true;
    return true;
}

}  // namespace nicsim::host
