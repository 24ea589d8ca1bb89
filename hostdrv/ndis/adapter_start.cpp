// What NDIS asks the miniport between a successful MiniportInitialize and binding protocols (Windows 2000 DDK,
// Network Drivers, part 2, section 3.3 "Query Information Handler"): the MAC options and current address, the
// lookahead sizes, how many packets MiniportSendPackets may take at once and the multicast list size (the NDIS
// library builds the adapter's filter database from them), then the media state and the power-management
// capabilities (NDIS 5.1 reference, OID_PNP_CAPABILITIES: NOT_SUPPORTED marks a miniport that is not PM-aware).
#include <algorithm>
#include <cstdio>

#include "hostdrv/ndis/ndis_host.h"

namespace nicsim::ndis {

namespace {

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
    return buf;
}

ULONG ulong_of(const std::vector<uint8_t>& b) {
    ULONG v = 0;
    for (size_t i = 0; i < 4 && i < b.size(); ++i) v |= static_cast<ULONG>(b[i]) << (8 * i);
    return v;
}

}  // namespace

bool NdisHost::start_query(NDIS_OID oid, const char* name, ULONG length, bool needed, std::vector<uint8_t>& answer) {
    m_info.oids.push_back(oid);
    const OidResult r = query_oid(oid, length);
    if (r.status == NDIS_STATUS_SUCCESS && r.bytes_done >= length) {
        answer = r.data;
        return true;
    }
    if (!needed) return false;
    const std::string what = std::string(name) + " (" + hex(oid) + ")";
    if (r.status != NDIS_STATUS_SUCCESS)
        violation("start-query", what + " answered " + hex(r.status) + ": NDIS needs it to start the adapter");
    else
        violation("start-query", what + " wrote " + std::to_string(r.bytes_done) + " bytes, NDIS needs " +
                                     std::to_string(length) + " to start the adapter");
    return false;
}

NDIS_STATUS NdisHost::start_queries() {
    m_info = AdapterInfo{};
    if (!m_running) return NDIS_STATUS_ADAPTER_NOT_READY;
    std::vector<uint8_t> a;
    bool ok = start_query(OID_GEN_MAC_OPTIONS, "OID_GEN_MAC_OPTIONS", 4, true, a);
    if (ok) m_info.mac_options = ulong_of(a);
    ok = ok && start_query(OID_802_3_CURRENT_ADDRESS, "OID_802_3_CURRENT_ADDRESS", 6, true, a);
    if (ok) m_info.current_address.assign(a.begin(), a.begin() + 6);
    ok = ok && start_query(OID_GEN_MAXIMUM_LOOKAHEAD, "OID_GEN_MAXIMUM_LOOKAHEAD", 4, true, a);
    if (ok) m_info.maximum_lookahead = ulong_of(a);
    ok = ok && start_query(OID_GEN_CURRENT_LOOKAHEAD, "OID_GEN_CURRENT_LOOKAHEAD", 4, true, a);
    if (ok) m_info.current_lookahead = ulong_of(a);
    // Asked only of a miniport with MiniportSendPackets; one that cannot answer gets one packet per call.
    const bool send_packets = m_chars.MajorNdisVersion >= 4 && m_chars.SendPacketsHandler;
    if (ok && send_packets && start_query(OID_GEN_MAXIMUM_SEND_PACKETS, "OID_GEN_MAXIMUM_SEND_PACKETS", 4, false, a))
        m_info.maximum_send_packets = std::max<ULONG>(ulong_of(a), 1);
    ok = ok && start_query(OID_802_3_MAXIMUM_LIST_SIZE, "OID_802_3_MAXIMUM_LIST_SIZE", 4, true, a);
    if (ok) m_info.maximum_list_size = ulong_of(a);
    if (ok && start_query(OID_GEN_MEDIA_CONNECT_STATUS, "OID_GEN_MEDIA_CONNECT_STATUS", 4, false, a))
        m_info.media_connected = ulong_of(a) == NdisMediaStateConnected;
    if (ok)
        m_info.pm_aware =
            start_query(OID_PNP_CAPABILITIES, "OID_PNP_CAPABILITIES", sizeof(NDIS_PNP_CAPABILITIES), false, a);
    if (!ok) {
        halt();  // the start failed: NDIS halts the miniport it initialized
        return NDIS_STATUS_FAILURE;
    }
    m_info.queried = true;
    return NDIS_STATUS_SUCCESS;
}

}  // namespace nicsim::ndis
