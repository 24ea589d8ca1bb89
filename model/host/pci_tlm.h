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

}  // namespace nicsim::host
