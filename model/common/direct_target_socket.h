// A TLM-2.0 target socket whose forward calls go straight to its owner: an initiator's b_transport is one virtual
// call into the owner's b_transport. tlm_utils::simple_target_socket reaches the owner through a member function
// pointer in a forwarding object that also carries its blocking/non-blocking conversion, which costs more than a
// short access itself on the fast mode's DMA path (two such sockets per access: verifier, then memory).
//
// The owner provides b_transport, transport_dbg and get_direct_mem_ptr (private ones: befriend the socket).
// nb_transport_fw is answered at once through b_transport (TLM_COMPLETED at BEGIN_REQ, as the base protocol allows);
// it is for blocking targets. The backward path is the plain tlm_target_socket's: socket->invalidate_direct_mem_ptr.
#pragma once

#include <systemc>
#include <tlm>

namespace nicsim {

template <class Owner>
class DirectTargetSocket : public tlm::tlm_target_socket<32> {
  public:
    DirectTargetSocket(const char* name, Owner& owner) : tlm::tlm_target_socket<32>(name), m_fw(owner) { bind(m_fw); }

  private:
    class Forward : public tlm::tlm_fw_transport_if<> {
      public:
        explicit Forward(Owner& owner) : m_owner(owner) {}
        void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) override {
            m_owner.b_transport(gp, delay);
        }
        unsigned transport_dbg(tlm::tlm_generic_payload& gp) override { return m_owner.transport_dbg(gp); }
        bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) override {
            return m_owner.get_direct_mem_ptr(gp, dmi);
        }
        tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) override {
            if (phase != tlm::BEGIN_REQ) {
                SC_REPORT_ERROR("nicsim/tlm/direct-socket", "nb_transport_fw: only BEGIN_REQ is expected");
                return tlm::TLM_COMPLETED;
            }
            m_owner.b_transport(gp, delay);
            phase = tlm::BEGIN_RESP;
            return tlm::TLM_COMPLETED;
        }

      private:
        Owner& m_owner;
    };

    Forward m_fw;
};

}  // namespace nicsim
