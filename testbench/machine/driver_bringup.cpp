#include "testbench/machine/driver_bringup.h"

#include "testbench/machine/machine.h"

#include <cstdio>

#include <systemc>

namespace nicsim::tb {

void report_as_systemc_warning(const std::string& type, const std::string& message) {
    SC_REPORT_WARNING(type.c_str(), message.c_str());
}

NDIS_STATUS bring_up_driver(hostdrv::HostPlatform& hp, const DriverSettings& settings,
                            std::unique_ptr<ndis::NdisHost>& ndis) {
    ndis = std::make_unique<ndis::NdisHost>(hp, settings.host);
    if (settings.reports) ndis->set_report_sink(settings.reports);
    for (const auto& [key, value] : settings.registry) ndis->set_config(key, value);
    const NDIS_STATUS st = ndis->load_driver(settings.driver_entry);
    if (st != NDIS_STATUS_SUCCESS || !settings.initialize) return st;
    return ndis->initialize();
}

std::string driver_failure(NDIS_STATUS status) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "driver initialisation failed with NDIS status 0x%08X", unsigned(status));
    return buf;
}

void install_program(MachineBase& machine, std::function<void(hostdrv::HostPlatform&)> program) {
    machine.platform().set_program(std::move(program));
}

}  // namespace nicsim::tb
