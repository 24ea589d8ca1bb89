#include "testbench/machine/driver_bringup.h"

#include "testbench/machine/machine.h"

#include <cstdio>

#include <systemc>

namespace nicsim::tb {

void report_as_systemc_warning(const std::string& type, const std::string& message) {
    SC_REPORT_WARNING(type.c_str(), message.c_str());
}

NDIS_STATUS bring_up_driver(hostdrv::HostPlatform& hp, const DriverSettings& settings,
                            std::unique_ptr<ndis::NdisHost>& ndis, std::string* failure) {
    ndis = std::make_unique<ndis::NdisHost>(hp, settings.host);
    if (settings.reports) ndis->set_report_sink(settings.reports);
    for (const auto& [key, value] : settings.registry) ndis->set_config(key, value);
    std::string why;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    if (settings.library) {
        why = machine::load_miniport(*ndis, *settings.library);
        if (!why.empty()) st = NDIS_STATUS_FAILURE;
    } else {
        st = ndis->load_driver(settings.driver_entry);
        if (st != NDIS_STATUS_SUCCESS) why = "DriverEntry failed with " + machine::ndis_status_text(st);
    }
    if (st == NDIS_STATUS_SUCCESS && settings.initialize) {
        st = ndis->initialize();
        if (st != NDIS_STATUS_SUCCESS) why = "MiniportInitialize failed with " + machine::ndis_status_text(st);
    }
    if (st == NDIS_STATUS_SUCCESS && settings.initialize) {
        st = ndis->start_queries();
        if (st != NDIS_STATUS_SUCCESS)
            why = "NDIS could not start the adapter: " +
                  (ndis->violations().empty() ? machine::ndis_status_text(st) : ndis->violations().back().message);
    }
    ProtocolBinding binding;
    if (st == NDIS_STATUS_SUCCESS && settings.initialize && settings.packet_filter &&
        !bind_protocol(*ndis, binding, why))
        st = NDIS_STATUS_FAILURE;
    if (settings.binding) *settings.binding = binding;
    if (st == NDIS_STATUS_SUCCESS && settings.initialize && settings.packet_filter) {
        const ULONG f = settings.packet_filter;
        const std::vector<uint8_t> bytes = {static_cast<uint8_t>(f), static_cast<uint8_t>(f >> 8),
                                            static_cast<uint8_t>(f >> 16), static_cast<uint8_t>(f >> 24)};
        st = ndis->set_oid(OID_GEN_CURRENT_PACKET_FILTER, bytes).status;
        if (st != NDIS_STATUS_SUCCESS)
            why = "the driver refused OID_GEN_CURRENT_PACKET_FILTER with " + machine::ndis_status_text(st);
    }
    if (failure) *failure = why;
    return st;
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
