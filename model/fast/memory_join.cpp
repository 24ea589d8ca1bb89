#include "model/fast/memory_join.h"

#include "model/host/pci_tlm.h"

namespace nicsim::fast {

MemoryJoin::MemoryJoin(sc_core::sc_module_name name) : sc_module(name), pin("pin"), fast("fast", *this), mem("mem") {
    pin.register_b_transport(this, &MemoryJoin::b_transport);
    pin.register_transport_dbg(this, &MemoryJoin::transport_dbg);
    pin.register_get_direct_mem_ptr(this, &MemoryJoin::get_direct_mem_ptr);
    mem.register_invalidate_direct_mem_ptr(this, &MemoryJoin::invalidate_direct_mem_ptr);
}

tlm::tlm_response_status MemoryJoin::direct_first(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                  unsigned master) {
    if (!m_down_known) {  // the binding is complete by the first access
        m_down = direct_access_of(mem);
        m_down_known = true;
        if (m_down) return m_down->direct_access(write, addr, data, len, master);
    }
    return host::plain_b_transport(mem, write, addr, data, len, master);
}

void MemoryJoin::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    if (pin.get_base_port().size() > 0) pin->invalidate_direct_mem_ptr(start, end);
    if (fast.get_base_port().size() > 0) fast->invalidate_direct_mem_ptr(start, end);
}

}  // namespace nicsim::fast
