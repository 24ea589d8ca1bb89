// What the host bridge tells the memory side about a device access: which bus master made it and with which
// command. Carried as a TLM-2.0 ignorable extension, so memory models that do not know it work unchanged.
#pragma once

#include <cstdint>

#include <tlm>

#include "model/pci/pci_types.h"

namespace nicsim::host {

/// Bus master index and command of a PCI access forwarded to host memory (set by HostBridge, read by DmaVerifier).
struct PciMasterExtension : tlm::tlm_extension<PciMasterExtension> {
    static constexpr unsigned kUnknownMaster = ~0u;  ///< initiator could not be identified on the bus

    unsigned master = kUnknownMaster;  ///< REQ#/GNT# index of the master that ran the transaction
    pci::Cmd cmd = pci::Cmd::MemRead;  ///< bus command of that transaction (after a DAC: the real command)

    tlm::tlm_extension_base* clone() const override { return new PciMasterExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        const auto& o = static_cast<const PciMasterExtension&>(other);
        master = o.master;
        cmd = o.cmd;
    }
};

/// The master index carried by `gp`, or kUnknownMaster when it has no PciMasterExtension.
inline unsigned pci_master_of(const tlm::tlm_generic_payload& gp) {
    const PciMasterExtension* ext = gp.get_extension<PciMasterExtension>();
    return ext ? ext->master : PciMasterExtension::kUnknownMaster;
}

/// Sets `gp` up for a plain DMA access by a bus master: `len` bytes at `addr` to or from `data`, every byte enabled,
/// no streaming, no DMI asked, the response not yet given; `ext` (the payload's PciMasterExtension) gets the command.
/// What a DirectAccess call stands for (model/common/direct_target_socket.h), for a target reached without one.
inline void set_plain_access(tlm::tlm_generic_payload& gp, PciMasterExtension& ext, bool write, uint64_t addr,
                             uint8_t* data, uint32_t len) {
    ext.cmd = write ? pci::Cmd::MemWrite : pci::Cmd::MemRead;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

/// A plain access (a DirectAccess call's) through `socket`'s b_transport in a payload of its own, for a target without
/// DirectAccess; returns the response status. `master` goes in the payload's PciMasterExtension.
template <class Socket>
tlm::tlm_response_status plain_b_transport(Socket& socket, bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                           unsigned master) {
    PciMasterExtension ext;
    ext.master = master;
    tlm::tlm_generic_payload gp;
    gp.set_extension(&ext);
    set_plain_access(gp, ext, write, addr, data, len);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, delay);
    gp.clear_extension(&ext);  // on the stack: not the payload's to free
    return gp.get_response_status();
}

/// The rules of a bridge's CPU side (shared by the pin-level HostBridge and the fast mode's FastBridge): what a
/// request breaks, with its TLM response status set, or nullptr when it is fine. I/O and configuration requests,
/// and memory requests when `max_mem_bytes` is 4, move at most one dword without crossing it.
inline const char* cpu_request_problem(tlm::tlm_generic_payload& gp, bool memory, bool config, uint32_t max_mem_bytes) {
    const uint32_t len = gp.get_data_length();
    const uint64_t a = gp.get_address();
    const bool one_dword = !memory || max_mem_bytes <= 4;
    const char* why = nullptr;
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND || !gp.get_data_ptr() || len == 0) {
        why = "no command, data or length";
        status = tlm::TLM_GENERIC_ERROR_RESPONSE;
    } else if (gp.get_byte_enable_ptr()) {
        why = "byte enables are not supported on the CPU side";
        status = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    } else if (gp.get_streaming_width() != len) {
        why = "streaming is not supported on the CPU side";
        status = tlm::TLM_BURST_ERROR_RESPONSE;
    } else if (one_dword && (len > 4 || (a & 3) + len > 4)) {
        why = memory ? "requests are at most one dword" : "I/O and configuration requests are at most one dword";
        status = tlm::TLM_BURST_ERROR_RESPONSE;
    } else if (memory && len > max_mem_bytes) {
        why = "memory request longer than the bridge runs";
        status = tlm::TLM_BURST_ERROR_RESPONSE;
    } else if (config && (a >> 16) != 0) {
        why = "configuration address above device 31";
        status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    if (why) gp.set_response_status(status);
    return why;
}

}  // namespace nicsim::host
