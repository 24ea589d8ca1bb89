// The protocol side of binding to an adapter, as TCP/IP does it on NDIS 5.x: it asks the miniport for the frame
// size and link speed it needs, and for the task offloads it may use (OID_TCP_TASK_OFFLOAD); it sets back what it
// will use and uses checksum offload and large send only when the miniport claimed them and accepted the set.
#pragma once

#include <string>

#include "hostdrv/ndis/ndis_host.h"

namespace nicsim::tb {

struct ProtocolBinding {
    ULONG maximum_frame_size = 0;   ///< OID_GEN_MAXIMUM_FRAME_SIZE: bytes after the 14-byte header
    ULONG link_speed = 0;           ///< OID_GEN_LINK_SPEED, in units of 100 bit/s
    bool offload_answered = false;  ///< OID_TCP_TASK_OFFLOAD succeeded (NOT_SUPPORTED: no offload at all)
    bool lso = false;               ///< TcpLargeSendNdisTask offered for IEEE 802.3
    ULONG lso_max_size = 0;         ///< its MaxOffLoadSize
    ULONG lso_min_segments = 0;     ///< its MinSegmentCount
    bool tcp_checksum_v4 = false;   ///< TcpIpChecksumNdisTask offers IPv4 TCP transmit checksums
    /// The set of OID_TCP_TASK_OFFLOAD that enables what was offered (SUCCESS when none was needed); any other
    /// status leaves every offload off.
    NDIS_STATUS offload_set_status = NDIS_STATUS_SUCCESS;
};

/// Queries what TCP/IP asks at bind time. Returns false, with `failure` set to one line, when an OID TCP/IP cannot
/// bind without fails; an unsupported OID_TCP_TASK_OFFLOAD only means no offload.
bool bind_protocol(ndis::NdisHost& host, ProtocolBinding& binding, std::string& failure);

/// Parses an OID_TCP_TASK_OFFLOAD answer (an NDIS_TASK_OFFLOAD_HEADER and its chain of NDIS_TASK_OFFLOAD) into
/// `binding`; false when the chain points outside the bytes written.
bool parse_task_offload(const std::vector<uint8_t>& answer, ULONG written, ProtocolBinding& binding);

}  // namespace nicsim::tb
