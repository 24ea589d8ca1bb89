// Loading a miniport driver from a shared object: the file is dlopened with every undefined name bound at once
// (the NDIS and kernel names resolve against the program, which exports them: hostdrv/ndis/ddk_exports.list), its
// DriverEntry is found, and DriverEntry is run on an NdisHost with a driver object and a registry path. Each way
// this can go wrong ends in one line naming the file and the cause.
#pragma once

#include <memory>
#include <string>

#include "hostdrv/ndis/ndis_host.h"

namespace nicsim::machine {

/// "NDIS_STATUS_FAILURE (0xc0000001)", or the hexadecimal value alone for a status the DDK does not name.
std::string ndis_status_text(NDIS_STATUS status);

class MiniportLibrary {
  public:
    /// Opens `path` and finds DriverEntry. On failure returns nullptr and sets `error` to one line: file missing,
    /// not a loadable shared object, a name the driver needs that nicsim does not provide, no DriverEntry. A file
    /// that is already open (a back-to-back peer running the same driver) is opened from a private copy, so that
    /// each machine's driver has its own global variables, as two machines would.
    static std::unique_ptr<MiniportLibrary> open(const std::string& path, std::string& error);
    ~MiniportLibrary();
    MiniportLibrary(const MiniportLibrary&) = delete;
    MiniportLibrary& operator=(const MiniportLibrary&) = delete;

    ndis::DdkDriverEntryFn driver_entry() const { return m_entry; }
    const std::string& path() const { return m_path; }
    /// The file name without directory and extension: how statistics name the driver.
    const std::string& name() const { return m_name; }

  private:
    MiniportLibrary() = default;
    void* m_handle = nullptr;
    ndis::DdkDriverEntryFn m_entry = nullptr;
    std::string m_path;
    std::string m_real_path;
    std::string m_name;
};

/// Runs the library's DriverEntry on `host`. Returns an empty string when DriverEntry succeeded and registered a
/// miniport, else one line: DriverEntry's failure status, or success without NdisMRegisterMiniport.
std::string load_miniport(ndis::NdisHost& host, const MiniportLibrary& library);

}  // namespace nicsim::machine
