// Helpers shared by the host tests: a TLM initiator that runs a scripted body in its own SC_THREAD.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "model/host/pci_tlm.h"

namespace nicsim::test {

/// A TLM initiator: `body` runs in an SC_THREAD from time 0 and uses read()/write() on `socket`.
struct TlmProbe : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<TlmProbe> socket;
    std::function<void(TlmProbe&)> body;
    std::vector<std::pair<uint64_t, uint64_t>> invalidations;  // DMI invalidations received
    bool finished = false;

    SC_HAS_PROCESS(TlmProbe);
    explicit TlmProbe(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
        socket.register_invalidate_direct_mem_ptr(this, &TlmProbe::invalidate);
        SC_THREAD(run);
    }

    /// `gp` set up for a plain access of `len` bytes at `addr` (no streaming, no byte enables).
    static void plain(tlm::tlm_generic_payload& gp, tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t len) {
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(static_cast<uint8_t*>(data));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
    }
    tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len,
                                       const uint8_t* be = nullptr, uint32_t be_len = 0) {
        tlm::tlm_generic_payload gp;
        plain(gp, cmd, addr, data, len);
        gp.set_byte_enable_ptr(const_cast<uint8_t*>(be));
        gp.set_byte_enable_length(be_len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        socket->b_transport(gp, delay);
        return gp.get_response_status();
    }
    tlm::tlm_response_status write(uint64_t addr, const void* data, uint32_t len, const uint8_t* be = nullptr,
                                   uint32_t be_len = 0) {
        return transport(tlm::TLM_WRITE_COMMAND, addr, static_cast<uint8_t*>(const_cast<void*>(data)), len, be, be_len);
    }
    tlm::tlm_response_status read(uint64_t addr, void* data, uint32_t len) {
        return transport(tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(data), len);
    }
    bool dmi(uint64_t addr, tlm::tlm_dmi& out) {
        tlm::tlm_generic_payload gp;
        gp.set_address(addr);
        gp.set_command(tlm::TLM_READ_COMMAND);
        return socket->get_direct_mem_ptr(gp, out);
    }

  private:
    void run() {
        if (body) body(*this);
        finished = true;
    }
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) { invalidations.emplace_back(start, end); }
};

/// A memory target without a DirectAccess: answers every payload Ok and records the last one's master, command,
/// address and length (what a DirectAccess initiator's payload fallback must carry).
struct PayloadTarget : sc_core::sc_module {
    tlm_utils::simple_target_socket<PayloadTarget> socket{"socket"};
    unsigned master = 0;
    tlm::tlm_command cmd = tlm::TLM_IGNORE_COMMAND;
    uint64_t addr = 0;
    unsigned len = 0;
    explicit PayloadTarget(sc_core::sc_module_name n) : sc_module(n) {
        socket.register_b_transport(this, &PayloadTarget::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
        master = nicsim::host::pci_master_of(gp);
        cmd = gp.get_command();
        addr = gp.get_address();
        len = gp.get_data_length();
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

}  // namespace nicsim::test
