// A TLM-2.0 target socket whose forward calls go straight to its owner: an initiator's b_transport is one virtual
// call into the owner's b_transport. tlm_utils::simple_target_socket reaches the owner through a member function
// pointer in a forwarding object that also carries its blocking/non-blocking conversion, which costs more than a
// short access itself on the fast mode's DMA path (two such sockets per access: verifier, then memory).
//
// The owner provides b_transport, transport_dbg, get_direct_mem_ptr and direct_access (private ones: befriend the
// socket).
// nb_transport_fw is answered at once through b_transport (TLM_COMPLETED at BEGIN_REQ, as the base protocol allows);
// it is for blocking targets. The backward path is the plain tlm_target_socket's: socket->invalidate_direct_mem_ptr.
//
// The socket's forward object is also a DirectAccess: an initiator that finds it behind its socket (direct_access_of)
// can hand a plain access to the owner's direct_access without filling in a generic payload, and the owner can pass
// it on the same way. The fast mode's DMA port does, for one request through the verifier into host memory.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>

namespace nicsim {

/// A plain access: `len` bytes (at least one) at `addr` to or from `data` (not null), every byte enabled, streaming
/// width `len`, by bus master `master`. What the target does with it is what its b_transport does with the same
/// access in a generic payload (the same bytes, statistics and verdict); it returns the response status b_transport
/// would set and adds no delay.
class DirectAccess {
  public:
    virtual tlm::tlm_response_status direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                   unsigned master) = 0;

  protected:
    ~DirectAccess() = default;
};

/// The DirectAccess behind a bound initiator socket (or port), or nullptr when its target has none.
template <class Socket>
DirectAccess* direct_access_of(Socket& socket) {
    return dynamic_cast<DirectAccess*>(socket.operator->());
}

template <class Owner>
class DirectTargetSocket : public tlm::tlm_target_socket<32> {
  public:
    DirectTargetSocket(const char* name, Owner& owner) : tlm::tlm_target_socket<32>(name), m_fw(owner) { bind(m_fw); }

  private:
    class Forward : public tlm::tlm_fw_transport_if<>, public DirectAccess {
      public:
        explicit Forward(Owner& owner) : m_owner(owner) {}
        tlm::tlm_response_status direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                               unsigned master) override {
            return m_owner.direct_access(write, addr, data, len, master);
        }
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
