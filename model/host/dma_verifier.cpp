#include <algorithm>

#include "dma_verifier.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "model/common/hex.h"
#include "model/host/pci_tlm.h"
#include "model/pci/pci_bus.h"

namespace nicsim::host {

using namespace sc_core;

DmaVerifier::DmaVerifier(sc_module_name name, const pci::PciBus* bus)
    : sc_module(name), target("target", *this), initiator("initiator"), m_bus(bus) {
    initiator.register_invalidate_direct_mem_ptr(this, &DmaVerifier::invalidate_direct_mem_ptr);
    m_recent.reserve(kKeptViolations);
}

void DmaVerifier::enable(bool on) {
    const bool was = m_enabled;
    m_enabled = on;
    if (on && !was && target.get_base_port().size() > 0) {
        target->invalidate_direct_mem_ptr(0, ~0ull);
        m_dmi_out = false;
    }
}

void DmaVerifier::allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) {
    if (len == 0) return;
    if (phys + (len - 1) < phys) {
        SC_REPORT_WARNING(
            "nicsim/host/verifier-window",
            ("allow(" + hex(phys) + ", len " + std::to_string(len) + ") wraps the address space").c_str());
        return;
    }
    const Window w{phys + len, device_may_write, what ? what : ""};
    Windows::iterator it;
    if (m_spare_nodes.empty()) {
        it = m_windows.emplace(phys, w);
    } else {
        Windows::node_type node = std::move(m_spare_nodes.back());
        m_spare_nodes.pop_back();
        node.key() = phys;
        node.mapped() = w;
        it = m_windows.insert(std::move(node));  // after the windows of the same start, as emplace puts it
    }
    m_hit_valid = false;
    unclean_allowed(it);
    // A send's buffer is accessed once, right after it is allowed: kept clean now, that access needs no search.
    note_if_clean(it, phys);
    if (len > m_max_len) m_max_len = len;
    ++m_stats.allows;
}

void DmaVerifier::revoke(uint64_t phys, uint64_t len) {
    const uint64_t end = phys + len < phys ? ~0ull : phys + len;  // saturate at the top of the address space
    unsigned removed = 0;
    m_hit_valid = false;
    unclean_revoked(phys, end);
    for (auto it = m_windows.lower_bound(phys); it != m_windows.end() && it->first < end;) {
        if (it->second.end <= end) {
            const auto next = std::next(it);
            if (m_spare_nodes.size() < kSpareNodes)
                m_spare_nodes.push_back(m_windows.extract(it));
            else
                m_windows.erase(it);
            it = next;
            ++removed;
        } else {
            ++it;
        }
    }
    m_stats.revokes += removed;
    // DMI handed out over a window that went must go with it (PCI master DMA there is judged again).
    if (removed != 0 && m_dmi_out && target.get_base_port().size() > 0)
        target->invalidate_direct_mem_ptr(phys, end - 1);
    if (removed == 0 && len != 0)
        SC_REPORT_WARNING(
            "nicsim/host/verifier-revoke",
            ("revoke(" + hex(phys) + ", len " + std::to_string(len) + ") matches no allowed window").c_str());
}

bool DmaVerifier::covered(uint64_t start, uint64_t end, bool need_write) const {
    uint64_t pos = start;
    while (pos < end) {
        uint64_t best = pos;
        for (auto it = m_windows.upper_bound(pos); it != m_windows.begin();) {
            --it;
            if (pos - it->first >= m_max_len) break;  // no earlier window is long enough to reach pos
            if (need_write && !it->second.may_write) continue;
            if (it->second.end > best) best = it->second.end;
        }
        if (best == pos) return false;
        pos = best;
    }
    return true;
}

bool DmaVerifier::overlaps_any(uint64_t start, uint64_t end) const {
    for (auto it = m_windows.lower_bound(end); it != m_windows.begin();) {
        --it;
        if (it->first <= start && start - it->first >= m_max_len) break;
        if (it->second.end > start) return true;
    }
    return false;
}

bool DmaVerifier::permits(uint64_t phys, uint64_t len, bool write) const {
    if (len == 0) return true;
    if (write) return covered(phys, phys + len, true);
    // Reads are judged per bus data phase: a target supplies a whole dword (qword on a 64-bit phase) whatever the
    // byte enables, so a phase that touches one handed-out byte is the device reading what it was given.
    if (covered(phys, phys + len, false)) return true;  // every phase touches a handed-out byte: no per-phase walk
    const uint64_t unit = (len == 8 && (phys & 7) == 0) ? 8 : 4;
    for (uint64_t d = phys & ~(unit - 1); d < phys + len; d += unit)
        if (!overlaps_any(d, d + unit)) return false;
    return true;
}

DmaVerifier::Windows::const_iterator DmaVerifier::find_holding(uint64_t start, uint64_t end, bool write) const {
    for (auto it = m_windows.upper_bound(start); it != m_windows.begin();) {
        --it;
        if (start - it->first >= m_max_len) break;
        if (it->second.end >= end && (!write || it->second.may_write)) return it;
    }
    return m_windows.end();
}

bool DmaVerifier::remember_window(uint64_t start, uint64_t end, bool write) {
    const auto it = find_holding(start, end, write);
    if (it == m_windows.end()) return false;
    m_hit_start = it->first;
    m_hit_end = it->second.end;
    m_hit_write = it->second.may_write;
    m_hit_valid = true;
    note_if_clean(it, start);
    return true;
}

bool DmaVerifier::remember_clean(uint64_t start, uint64_t end, bool write) {
    const Clean& c = m_clean[clean_slot(start)];
    if (start < c.start || end > c.end || (write && !c.may_write)) return false;
#ifdef NICSIM_CHECK_DMA_CACHES
    const auto it = find_holding(start, end, write);
    if (it == m_windows.end() || it->first != c.start || it->second.end != c.end || it->second.may_write != c.may_write)
        clean_stale(start, static_cast<uint32_t>(end - start));
#endif
    m_hit_start = c.start;
    m_hit_end = c.end;
    m_hit_write = c.may_write;
    m_hit_valid = true;
    return true;
}

// A kept window the search contradicts is an allow() or revoke() that forgot to forget it: a model bug that could
// pass or refuse accesses silently, so the checking builds stop at once.
void DmaVerifier::clean_stale(uint64_t a, uint32_t len) {
    std::fprintf(stderr, "nicsim: internal error: the DMA verifier's clean window for %s, len %u is stale\n",
                 hex(a).c_str(), len);
    std::abort();
}

void DmaVerifier::note_if_clean(Windows::const_iterator it, uint64_t at) {
    const auto next = std::next(it);
    if (next != m_windows.end() && next->first < it->second.end) return;  // another starts inside (or at its start)
    if (it != m_windows.begin() && std::prev(it)->first == it->first) return;
    m_clean[clean_slot(at)] = Clean{it->first, it->second.end, it->second.may_write};
}

// The one clean window that can hold the new window's start is the window just before it (any other one would
// have that window start inside it).
void DmaVerifier::unclean_allowed(Windows::const_iterator it) {
    if (it == m_windows.begin()) return;
    const auto prev = std::prev(it);
    if (prev->second.end > it->first) forget_clean(prev->first, prev->second.end);
}

void DmaVerifier::unclean_revoked(uint64_t start, uint64_t end) {
    forget_clean(start, end);
}

void DmaVerifier::forget_clean(uint64_t start, uint64_t end) {
    if (end <= start) return;
    auto forget = [&](Clean& c) {
        if (c.start >= start && c.end <= end) c = Clean{};
    };
    const uint64_t first = start >> 12, last = (end - 1) >> 12;
    if (last - first >= kCleanSlots) {
        for (Clean& c : m_clean) forget(c);
        return;
    }
    for (uint64_t page = first;; ++page) {
        forget(m_clean[clean_slot(page << 12)]);
        if (page == last) break;
    }
}

int DmaVerifier::check(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len) {
    return quick_pass(a, len, write) ? 0 : check_rest(a, len, write, be, be_len);
}

bool DmaVerifier::quick_pass(uint64_t a, uint32_t len, bool write) {
    if (len == 0 || a + (len - 1) < a) return false;
    // A device moves a buffer in many short accesses: one inside the window the last one passed needs no search.
    if (m_hit_valid && a >= m_hit_start && a + len <= m_hit_end && (!write || m_hit_write)) return true;
    return remember_clean(a, a + len, write);
}

int DmaVerifier::check_rest(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len) {
    if (len == 0 || a + (len - 1) < a) return 1;
    // In the fast mode each request is a whole descriptor or buffer, each in a window of its own: the one window
    // holding it is what the full check would find, so that one search decides and remembers it.
    if (remember_window(a, a + len, write)) return 0;
    return check_windows(a, len, write, be, be_len);
}

int DmaVerifier::check_windows(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len) const {
    if (!write) return permits(a, len, false) ? 0 : 1;
    if (!be || be_len == 0) return covered(a, a + len, true) ? 0 : covered(a, a + len, false) ? 2 : 1;  // every byte
    auto enabled = [&](uint32_t i) { return be[i % be_len] == TLM_BYTE_ENABLED; };
    for (uint32_t i = 0; i < len;) {
        if (!enabled(i)) {
            ++i;
            continue;
        }
        uint32_t j = i;
        while (j < len && enabled(j)) ++j;
        if (!covered(a + i, a + j, true)) return covered(a + i, a + j, false) ? 2 : 1;
        i = j;
    }
    return 0;
}

void DmaVerifier::report(uint64_t addr, uint32_t len, unsigned master, bool write, int why) {
    DmaViolation v;
    v.addr = addr;
    v.len = len;
    v.master = master;
    v.write = write;
    v.read_only = why == 2;
    ++m_stats.violations;
    if (m_recent.size() < kKeptViolations) m_recent.push_back(v);
    std::string who = "master ?";
    if (v.master != PciMasterExtension::kUnknownMaster) {
        who = "master " + std::to_string(v.master);
        if (m_bus && v.master < m_bus->master_count()) who += " (" + m_bus->master_name(v.master) + ")";
    }
    const std::string msg = std::string("device ") + (v.write ? "write" : "read") + " of " + std::to_string(v.len) +
                            " bytes at " + hex(v.addr) + " by " + who +
                            (v.read_only ? " into a read-only window" : " outside every allowed window");
    SC_REPORT_WARNING("nicsim/host/verifier", msg.c_str());
}

void DmaVerifier::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (!m_enabled) {
        ++m_stats.passed;
        initiator->b_transport(gp, delay);
        return;
    }
    ++m_stats.checked;
    if (const int why = check(gp.get_address(), gp.get_data_length(), gp.is_write(), gp.get_byte_enable_ptr(),
                              gp.get_byte_enable_length())) {
        report(gp.get_address(), gp.get_data_length(), pci_master_of(gp), gp.is_write(), why);
        if (gp.is_read() && gp.get_data_ptr()) std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    initiator->b_transport(gp, delay);
    // DMI is offered only inside the one allowed window this access fell in (see get_direct_mem_ptr).
    gp.set_dmi_allowed(gp.is_dmi_allowed() && hit_holds(gp.get_address(), gp.get_data_length(), gp.is_write()));
}

tlm::tlm_response_status DmaVerifier::direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                    unsigned master) {
    if (!m_enabled)
        ++m_stats.passed;
    else if (quick_pass(addr, len, write))
        ++m_stats.checked;
    else
        return direct_checked(write, addr, data, len, master);
    return pass_on(write, addr, data, len, master);
}

tlm::tlm_response_status DmaVerifier::direct_checked(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                     unsigned master) {
    ++m_stats.checked;
    if (const int why = check_rest(addr, len, write, nullptr, 0)) {
        report(addr, len, master, write, why);
        if (!write) std::memset(data, 0, len);
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    return pass_on(write, addr, data, len, master);
}

tlm::tlm_response_status DmaVerifier::pass_on_first(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                    unsigned master) {
    if (!m_down_known) {  // the binding is complete by the first access
        m_down = direct_access_of(initiator);
        m_down_known = true;
        if (m_down) return m_down->direct_access(write, addr, data, len, master);
    }
    return plain_b_transport(initiator, write, addr, data, len, master);
}

bool DmaVerifier::hit_holds(uint64_t a, uint64_t len, bool write) const {
    return m_hit_valid && a >= m_hit_start && a + len <= m_hit_end && (!write || m_hit_write);
}

unsigned DmaVerifier::transport_dbg(tlm::tlm_generic_payload& gp) {
    return initiator->transport_dbg(gp);
}

bool DmaVerifier::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
    if (!m_enabled) {
        const bool granted = initiator->get_direct_mem_ptr(gp, dmi);
        m_dmi_out = m_dmi_out || granted;
        return granted;
    }
    // While checking, DMI covers at most the window the last passed access fell in: every byte of it would pass
    // (writes only where the window is writable), and revoke() takes the pointer back with the window.
    if (!hit_holds(gp.get_address(), 1, false) || !initiator->get_direct_mem_ptr(gp, dmi)) {
        dmi.set_start_address(0);
        dmi.set_end_address(~0ull);
        dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
        return false;
    }
    const uint64_t start = std::max<uint64_t>(dmi.get_start_address(), m_hit_start);
    const uint64_t end = std::min<uint64_t>(dmi.get_end_address(), m_hit_end - 1);
    dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (start - dmi.get_start_address()));
    dmi.set_start_address(start);
    dmi.set_end_address(end);
    if (!m_hit_write)
        dmi.set_granted_access(dmi.is_read_allowed() ? tlm::tlm_dmi::DMI_ACCESS_READ : tlm::tlm_dmi::DMI_ACCESS_NONE);
    ++m_stats.dmi_grants;
    m_dmi_out = true;
    return dmi.is_read_allowed();
}

void DmaVerifier::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    if (m_dmi_out && target.get_base_port().size() > 0) target->invalidate_direct_mem_ptr(start, end);
}

}  // namespace nicsim::host
