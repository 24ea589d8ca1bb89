// Driver bring-up, the one way every machine's CPU loads a miniport (the project's, NicsimE1000DriverEntry, unless a
// test brings its own): the NDIS host with its configuration, where its contract violations are reported, the
// registry keys the miniport reads, DriverEntry and MiniportInitialize.
// And install_program(), the one place a program is handed to a machine's CPU.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hostdrv/miniport/e1000_miniport.h"
#include "hostdrv/ndis/ndis_host.h"
#include "testbench/machine/miniport_loader.h"
#include "testbench/machine/protocol_bind.h"

namespace nicsim::tb {

class MachineBase;

/// Contract violations as SystemC warnings ("nicsim/ndis/...").
void report_as_systemc_warning(const std::string& type, const std::string& message);

struct DriverSettings {
    ndis::NdisHostConfig host;  ///< the NDIS host (pci_device: the NIC's device number)
    /// Registry keys (miniport::kKey...) set before DriverEntry; keys left out take the miniport's defaults.
    std::vector<std::pair<std::string, ULONG>> registry;
    /// Where contract violations go besides NdisHost::violations() (empty: a line on stderr).
    ndis::ReportSink reports = report_as_systemc_warning;
    ndis::DriverEntryFn driver_entry = NicsimE1000DriverEntry;
    /// A miniport from a shared object (nicsim --miniport) instead of driver_entry, or null.
    const machine::MiniportLibrary* library = nullptr;
    bool initialize = true;  ///< run MiniportInitialize after DriverEntry
    /// After MiniportInitialize, the packet filter a bound protocol sets (OID_GEN_CURRENT_PACKET_FILTER), as TCP/IP
    /// does when it binds: a driver receives nothing before it. 0: no protocol binds.
    ULONG packet_filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST;
    /// Where the bound protocol's bind-time answers (frame size, link speed, offloads) go; null: not kept.
    ProtocolBinding* binding = nullptr;
};

/// In a CPU program: makes the NDIS host into `ndis` (before loading, so a failed load can be inspected) and brings
/// the driver up as `settings` say: DriverEntry, MiniportInitialize, NDIS's start queries (NdisHost::start_queries)
/// and, when a protocol binds, its bind queries (bind_protocol) and packet filter. Returns the first status that was
/// not NDIS_STATUS_SUCCESS, or success; `failure` (when given) gets the one line that says which step failed and how.
NDIS_STATUS bring_up_driver(hostdrv::HostPlatform& hp, const DriverSettings& settings,
                            std::unique_ptr<ndis::NdisHost>& ndis, std::string* failure = nullptr);

/// The failure text of a bring-up that returned `status`.
std::string driver_failure(NDIS_STATUS status);

/// Hands `program` to `machine`'s CPU: it runs in the CPU's thread from the end of reset, on the machine's
/// platform (the host software's lower edge over the model, CpuPlatform).
void install_program(MachineBase& machine, std::function<void(hostdrv::HostPlatform&)> program);

}  // namespace nicsim::tb
