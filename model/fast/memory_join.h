// Two DMA initiators in front of one memory target (a socket takes one binding): the pin-level host bridge and
// FastDmaPort both reach the DMA verifier through here in a machine that has both bus models. Forward calls pass
// through unchanged (b_transport, debug transport, DMI requests); a DMI invalidation from the memory side goes to
// both initiators.
//
// Hardware interface: target sockets `pin` and `fast`; initiator socket `mem`.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

namespace nicsim::fast {

class MemoryJoin : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<MemoryJoin> pin;
    tlm_utils::simple_target_socket<MemoryJoin> fast;
    tlm_utils::simple_initiator_socket<MemoryJoin> mem;

    explicit MemoryJoin(sc_core::sc_module_name name);

  private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { mem->b_transport(gp, delay); }
    unsigned transport_dbg(tlm::tlm_generic_payload& gp) { return mem->transport_dbg(gp); }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
        return mem->get_direct_mem_ptr(gp, dmi);
    }
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
};

}  // namespace nicsim::fast
