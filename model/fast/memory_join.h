// Two DMA initiators in front of one memory target (a socket takes one binding): the pin-level host bridge and
// FastDmaPort both reach the DMA verifier through here in a machine that has both bus models. Forward calls pass
// through unchanged (b_transport, debug transport, DMI requests, and the fast side's plain accesses, DirectAccess:
// so the fast mode's DMA costs the same in a machine that can switch to the pin level as in one that cannot); a DMI
// invalidation from the memory side goes to both initiators.
//
// Hardware interface: target sockets `pin` and `fast`; initiator socket `mem`.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "model/common/direct_target_socket.h"

namespace nicsim::fast {

class MemoryJoin : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<MemoryJoin> pin;
    DirectTargetSocket<MemoryJoin> fast;
    tlm_utils::simple_initiator_socket<MemoryJoin> mem;

    explicit MemoryJoin(sc_core::sc_module_name name);

  private:
    friend class DirectTargetSocket<MemoryJoin>;

    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { mem->b_transport(gp, delay); }
    unsigned transport_dbg(tlm::tlm_generic_payload& gp) { return mem->transport_dbg(gp); }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
        return mem->get_direct_mem_ptr(gp, dmi);
    }
    tlm::tlm_response_status direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len, unsigned master) {
        if (m_down) return m_down->direct_access(write, addr, data, len, master);
        return direct_first(write, addr, data, len, master);
    }
    // Looks the memory side's DirectAccess up at the first access; without one, a payload of its own.
    tlm::tlm_response_status direct_first(bool write, uint64_t addr, uint8_t* data, uint32_t len, unsigned master);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    bool m_down_known = false;       // m_down was looked up
    DirectAccess* m_down = nullptr;  // the memory side's DirectAccess, when `mem` reaches one
};

}  // namespace nicsim::fast
