#include "testbench/machine/miniport_loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>

namespace nicsim::machine {

namespace {

// Shared objects open in this process, by real path (a second open of one gets a private copy).
std::map<std::string, unsigned>& open_files() {
    static std::map<std::string, unsigned> files;
    return files;
}

struct StatusName {
    NDIS_STATUS status;
    const char* name;
};

constexpr StatusName kStatusNames[] = {
    {NDIS_STATUS_SUCCESS, "NDIS_STATUS_SUCCESS"},
    {NDIS_STATUS_PENDING, "NDIS_STATUS_PENDING"},
    {NDIS_STATUS_NOT_RECOGNIZED, "NDIS_STATUS_NOT_RECOGNIZED"},
    {NDIS_STATUS_NOT_COPIED, "NDIS_STATUS_NOT_COPIED"},
    {NDIS_STATUS_NOT_ACCEPTED, "NDIS_STATUS_NOT_ACCEPTED"},
    {NDIS_STATUS_BUFFER_OVERFLOW, "NDIS_STATUS_BUFFER_OVERFLOW"},
    {NDIS_STATUS_FAILURE, "NDIS_STATUS_FAILURE"},
    {NDIS_STATUS_RESOURCES, "NDIS_STATUS_RESOURCES"},
    {NDIS_STATUS_NOT_SUPPORTED, "NDIS_STATUS_NOT_SUPPORTED"},
    {NDIS_STATUS_CLOSING, "NDIS_STATUS_CLOSING"},
    {NDIS_STATUS_BAD_VERSION, "NDIS_STATUS_BAD_VERSION"},
    {NDIS_STATUS_BAD_CHARACTERISTICS, "NDIS_STATUS_BAD_CHARACTERISTICS"},
    {NDIS_STATUS_ADAPTER_NOT_FOUND, "NDIS_STATUS_ADAPTER_NOT_FOUND"},
    {NDIS_STATUS_OPEN_FAILED, "NDIS_STATUS_OPEN_FAILED"},
    {NDIS_STATUS_DEVICE_FAILED, "NDIS_STATUS_DEVICE_FAILED"},
    {NDIS_STATUS_MULTICAST_FULL, "NDIS_STATUS_MULTICAST_FULL"},
    {NDIS_STATUS_REQUEST_ABORTED, "NDIS_STATUS_REQUEST_ABORTED"},
    {NDIS_STATUS_RESET_IN_PROGRESS, "NDIS_STATUS_RESET_IN_PROGRESS"},
    {NDIS_STATUS_INVALID_PACKET, "NDIS_STATUS_INVALID_PACKET"},
    {NDIS_STATUS_ADAPTER_NOT_READY, "NDIS_STATUS_ADAPTER_NOT_READY"},
    {NDIS_STATUS_INVALID_LENGTH, "NDIS_STATUS_INVALID_LENGTH"},
    {NDIS_STATUS_INVALID_DATA, "NDIS_STATUS_INVALID_DATA"},
    {NDIS_STATUS_BUFFER_TOO_SHORT, "NDIS_STATUS_BUFFER_TOO_SHORT"},
    {NDIS_STATUS_INVALID_OID, "NDIS_STATUS_INVALID_OID"},
    {NDIS_STATUS_ADAPTER_REMOVED, "NDIS_STATUS_ADAPTER_REMOVED"},
    {NDIS_STATUS_UNSUPPORTED_MEDIA, "NDIS_STATUS_UNSUPPORTED_MEDIA"},
    {NDIS_STATUS_FILE_NOT_FOUND, "NDIS_STATUS_FILE_NOT_FOUND"},
    {NDIS_STATUS_RESOURCE_CONFLICT, "NDIS_STATUS_RESOURCE_CONFLICT"},
};

std::string stem(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    const size_t dot = base.find('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

/// A private copy of `path` in the temporary directory (the caller unlinks it once it is open); "" on failure.
std::string private_copy(const std::string& path) {
    const char* dir = std::getenv("TMPDIR");
    std::string name = std::string(dir && *dir ? dir : "/tmp") + "/nicsim-miniport-XXXXXX";
    const int out = mkstemp(name.data());
    if (out < 0) return "";
    FILE* in = std::fopen(path.c_str(), "rb");
    bool ok = in != nullptr;
    char buf[65536];
    for (size_t n; ok && (n = std::fread(buf, 1, sizeof buf, in)) > 0;)
        ok = write(out, buf, n) == static_cast<ssize_t>(n);
    if (in) std::fclose(in);
    close(out);
    if (!ok) {
        unlink(name.c_str());
        return "";
    }
    return name;
}

/// dlerror's text without the file name it repeats; an unresolved name gets its own wording.
std::string describe_dlerror(const std::string& path) {
    const char* e = dlerror();
    std::string text = e ? e : "unknown error";
    const std::string undefined = "undefined symbol: ";
    const size_t u = text.find(undefined);
    if (u != std::string::npos) return "needs " + text.substr(u + undefined.size()) + ", which nicsim does not provide";
    const size_t colon = text.find(": ");
    if (colon != std::string::npos && text.compare(0, colon, path) == 0) text = text.substr(colon + 2);
    return "not a loadable shared object (" + text + ")";
}

}  // namespace

std::string ndis_status_text(NDIS_STATUS status) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(status));
    for (const StatusName& s : kStatusNames)
        if (s.status == status) return std::string(s.name) + " (" + hex + ")";
    return hex;
}

std::unique_ptr<MiniportLibrary> MiniportLibrary::open(const std::string& path, std::string& error) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        error = path + ": no such file";
        return nullptr;
    }
    if (!S_ISREG(st.st_mode)) {
        error = path + ": not a regular file";
        return nullptr;
    }
    char* real = realpath(path.c_str(), nullptr);
    std::unique_ptr<MiniportLibrary> lib(new MiniportLibrary());
    lib->m_path = path;
    lib->m_real_path = real ? real : path;
    lib->m_name = stem(path);
    std::free(real);
    std::string load_from = path;
    const bool copy = open_files().count(lib->m_real_path) != 0;
    if (copy && (load_from = private_copy(path)).empty()) {
        error = path + ": cannot make a private copy for a second machine";
        return nullptr;
    }
    // RTLD_NOW: a name the driver needs and nicsim lacks fails here, before anything runs. RTLD_LOCAL: two drivers
    // may both define the same names (DriverEntry) without one binding to the other's.
    lib->m_handle = dlopen(load_from.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (copy) unlink(load_from.c_str());
    if (!lib->m_handle) {
        error = path + ": " + describe_dlerror(load_from);
        return nullptr;
    }
    lib->m_entry = reinterpret_cast<ndis::DdkDriverEntryFn>(dlsym(lib->m_handle, "DriverEntry"));
    if (!lib->m_entry) {
        error =
            path + ": exports no DriverEntry (NTSTATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) with C linkage)";
        return nullptr;
    }
    ++open_files()[lib->m_real_path];
    return lib;
}

MiniportLibrary::~MiniportLibrary() {
    if (!m_handle) return;
    dlclose(m_handle);
    auto it = open_files().find(m_real_path);
    if (it != open_files().end() && m_entry && --it->second == 0) open_files().erase(it);
}

std::string load_miniport(ndis::NdisHost& host, const MiniportLibrary& library) {
    const NDIS_STATUS st = host.load_driver(library.driver_entry());
    if (st != NDIS_STATUS_SUCCESS) return library.path() + ": DriverEntry failed with " + ndis_status_text(st);
    if (!host.miniport_registered())
        return library.path() + ": DriverEntry returned success without registering a miniport (NdisMRegisterMiniport)";
    return "";
}

}  // namespace nicsim::machine
