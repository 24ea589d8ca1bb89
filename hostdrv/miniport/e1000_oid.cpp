// MiniportQueryInformation and MiniportSetInformation: the general, 802.3 and task-offload OIDs.
#include "hostdrv/miniport/e1000_adapter.h"

using namespace nicsim::miniport::hw;

namespace nicsim::miniport {
namespace {

constexpr ULONG kDriverVersion = (NDIS_MAJOR_VERSION << 8) | NDIS_MINOR_VERSION;  // OID_GEN_DRIVER_VERSION
constexpr ULONG kVendorDriverVersion = 0x00010000;                                // OID_GEN_VENDOR_DRIVER_VERSION: 1.0
constexpr ULONG kSupportedFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                    NDIS_PACKET_TYPE_ALL_MULTICAST | NDIS_PACKET_TYPE_BROADCAST |
                                    NDIS_PACKET_TYPE_PROMISCUOUS;  // what RCTL/MTA can do
constexpr char kDescription[] = "nicsim 82540EM-compatible Gigabit Ethernet";

constexpr NDIS_OID kSupported[] = {
    OID_GEN_SUPPORTED_LIST,
    OID_GEN_HARDWARE_STATUS,
    OID_GEN_MEDIA_SUPPORTED,
    OID_GEN_MEDIA_IN_USE,
    OID_GEN_MAXIMUM_LOOKAHEAD,
    OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_LINK_SPEED,
    OID_GEN_TRANSMIT_BUFFER_SPACE,
    OID_GEN_RECEIVE_BUFFER_SPACE,
    OID_GEN_TRANSMIT_BLOCK_SIZE,
    OID_GEN_RECEIVE_BLOCK_SIZE,
    OID_GEN_VENDOR_ID,
    OID_GEN_VENDOR_DESCRIPTION,
    OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_CURRENT_LOOKAHEAD,
    OID_GEN_DRIVER_VERSION,
    OID_GEN_MAXIMUM_TOTAL_SIZE,
    OID_GEN_PROTOCOL_OPTIONS,
    OID_GEN_MAC_OPTIONS,
    OID_GEN_MEDIA_CONNECT_STATUS,
    OID_GEN_MAXIMUM_SEND_PACKETS,
    OID_GEN_VENDOR_DRIVER_VERSION,
    OID_GEN_XMIT_OK,
    OID_GEN_RCV_OK,
    OID_GEN_XMIT_ERROR,
    OID_GEN_RCV_ERROR,
    OID_GEN_RCV_NO_BUFFER,
    OID_GEN_RCV_CRC_ERROR,
    OID_GEN_TRANSMIT_QUEUE_LENGTH,
    OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS,
    OID_802_3_MULTICAST_LIST,
    OID_802_3_MAXIMUM_LIST_SIZE,
    OID_802_3_MAC_OPTIONS,
    OID_802_3_RCV_ERROR_ALIGNMENT,
    OID_802_3_XMIT_ONE_COLLISION,
    OID_802_3_XMIT_MORE_COLLISIONS,
    OID_TCP_TASK_OFFLOAD,
};

/// Adds the device's read-clear miss counters to the driver's totals.
void collect_no_buffer(Adapter* a) {
    if (a->halting || a->resetting) return;
    a->rcv_no_buffer += rd32(a, RNBC);
    a->rcv_no_buffer += rd32(a, MPC);
}

/// OID_TCP_TASK_OFFLOAD query: header + one large-send task when LSO is configured.
NDIS_STATUS query_offload(Adapter* a, PVOID buf, ULONG len, PULONG written, PULONG needed) {
    if (len < sizeof(NDIS_TASK_OFFLOAD_HEADER)) {
        *needed = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    auto* hdr = static_cast<PNDIS_TASK_OFFLOAD_HEADER>(buf);
    if (hdr->Version != NDIS_TASK_OFFLOAD_VERSION || hdr->Size != sizeof(NDIS_TASK_OFFLOAD_HEADER) ||
        hdr->EncapsulationFormat.Encapsulation != IEEE_802_3_Encapsulation)
        return NDIS_STATUS_NOT_SUPPORTED;
    if (a->lso_max_size == 0) {
        hdr->OffsetFirstTask = 0;  // no task offered
        *written = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_SUCCESS;
    }
    const ULONG task_size =
        static_cast<ULONG>(offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) + sizeof(NDIS_TASK_TCP_LARGE_SEND));
    const ULONG total = sizeof(NDIS_TASK_OFFLOAD_HEADER) + task_size;
    if (len < total) {
        *needed = total;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    hdr->OffsetFirstTask = sizeof(NDIS_TASK_OFFLOAD_HEADER);
    auto* task = reinterpret_cast<PNDIS_TASK_OFFLOAD>(static_cast<PUCHAR>(buf) + hdr->OffsetFirstTask);
    task->Version = NDIS_TASK_OFFLOAD_VERSION;
    task->Size = sizeof(NDIS_TASK_OFFLOAD);
    task->Task = TcpLargeSendNdisTask;
    task->OffsetNextTask = 0;
    task->TaskBufferLength = sizeof(NDIS_TASK_TCP_LARGE_SEND);
    NDIS_TASK_TCP_LARGE_SEND lso;
    NdisZeroMemory(&lso, sizeof(lso));
    lso.Version = NDIS_TASK_TCP_LARGE_SEND_V0;
    lso.MaxOffLoadSize = a->lso_max_size;
    lso.MinSegmentCount = kLsoMinSegments;
    lso.TcpOptions = TRUE;
    lso.IpOptions = TRUE;
    NdisMoveMemory(task->TaskBuffer, &lso, sizeof(lso));
    *written = total;
    return NDIS_STATUS_SUCCESS;
}

/// OID_TCP_TASK_OFFLOAD set: the protocol enables the tasks it will use (large send only).
NDIS_STATUS set_offload(Adapter* a, PVOID buf, ULONG len, PULONG read, PULONG needed) {
    if (len < sizeof(NDIS_TASK_OFFLOAD_HEADER)) {
        *needed = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_INVALID_LENGTH;
    }
    auto* hdr = static_cast<PNDIS_TASK_OFFLOAD_HEADER>(buf);
    if (hdr->Version != NDIS_TASK_OFFLOAD_VERSION) return NDIS_STATUS_NOT_SUPPORTED;
    bool lso = false;
    ULONG off = hdr->OffsetFirstTask;
    while (off != 0) {
        if (off + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) > len) return NDIS_STATUS_INVALID_LENGTH;
        auto* task = reinterpret_cast<PNDIS_TASK_OFFLOAD>(static_cast<PUCHAR>(buf) + off);
        if (off + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) + task->TaskBufferLength > len)
            return NDIS_STATUS_INVALID_LENGTH;
        if (task->Task != TcpLargeSendNdisTask || a->lso_max_size == 0) return NDIS_STATUS_NOT_SUPPORTED;
        if (task->TaskBufferLength >= sizeof(NDIS_TASK_TCP_LARGE_SEND)) {
            NDIS_TASK_TCP_LARGE_SEND l;
            NdisMoveMemory(&l, task->TaskBuffer, sizeof(l));
            if (l.MaxOffLoadSize > a->lso_max_size || l.MinSegmentCount < kLsoMinSegments)
                return NDIS_STATUS_NOT_SUPPORTED;
        }
        lso = true;
        if (task->OffsetNextTask == 0) break;
        off += task->OffsetNextTask;
    }
    a->lso_enabled = lso;
    *read = len;
    return NDIS_STATUS_SUCCESS;
}

}  // namespace

NDIS_STATUS MiniportQueryInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG written,
                                     PULONG needed) {
    auto* a = static_cast<Adapter*>(ctx);
    *written = 0;
    *needed = 0;
    ULONG u = 0;
    ULONGLONG u64 = 0;
    const void* src = &u;
    ULONG size = sizeof(ULONG);
    bool counter = false;  // 64-bit counters may be read into a 32-bit buffer
    switch (oid) {
        case OID_GEN_SUPPORTED_LIST:
            src = kSupported;
            size = sizeof(kSupported);
            break;
        case OID_GEN_HARDWARE_STATUS:
            u = a->hw_status;
            break;
        case OID_GEN_MEDIA_SUPPORTED:
        case OID_GEN_MEDIA_IN_USE:
            u = NdisMedium802_3;
            break;
        case OID_GEN_MAXIMUM_LOOKAHEAD:
            u = kFrameSize - 14;
            break;
        case OID_GEN_CURRENT_LOOKAHEAD:
            u = a->lookahead;
            break;
        case OID_GEN_MAXIMUM_FRAME_SIZE:
            u = a->jumbo_packet - 14;
            break;
        case OID_GEN_MAXIMUM_TOTAL_SIZE:
        case OID_GEN_TRANSMIT_BLOCK_SIZE:
            u = a->jumbo_packet;
            break;
        case OID_GEN_RECEIVE_BLOCK_SIZE:
            u = a->rx_buffer_size;
            break;
        case OID_GEN_LINK_SPEED:
            u = a->link_mbps * 10000u;
            break;  // units of 100 bit/s
        case OID_GEN_TRANSMIT_BUFFER_SPACE:
            u = (a->tx_ring_size - 1) * kMaxTxDescBytes;
            break;
        case OID_GEN_RECEIVE_BUFFER_SPACE:
            u = a->rx_buffers * a->rx_buffer_size;
            break;
        case OID_GEN_VENDOR_ID:
            u = (static_cast<ULONG>(a->perm_addr[0]) << 0) | (a->perm_addr[1] << 8) |
                (static_cast<ULONG>(a->perm_addr[2]) << 16);
            break;
        case OID_GEN_VENDOR_DESCRIPTION:
            src = kDescription;
            size = sizeof(kDescription);
            break;
        case OID_GEN_CURRENT_PACKET_FILTER:
            u = a->packet_filter;
            break;
        case OID_GEN_DRIVER_VERSION: {
            static const USHORT v = static_cast<USHORT>(kDriverVersion);
            src = &v;
            size = sizeof(v);
            break;
        }
        case OID_GEN_VENDOR_DRIVER_VERSION:
            u = kVendorDriverVersion;
            break;
        case OID_GEN_MAC_OPTIONS:
            u = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND | NDIS_MAC_OPTION_NO_LOOPBACK |
                NDIS_MAC_OPTION_FULL_DUPLEX;
            break;
        case OID_GEN_MEDIA_CONNECT_STATUS:
            u = a->link_up ? NdisMediaStateConnected : NdisMediaStateDisconnected;
            break;
        case OID_GEN_MAXIMUM_SEND_PACKETS:
            u = a->tx_ring_size / 2;
            break;
        case OID_GEN_TRANSMIT_QUEUE_LENGTH:
            u = a->q_len;
            break;
        case OID_GEN_XMIT_OK:
            u64 = a->xmit_ok;
            counter = true;
            break;
        case OID_GEN_RCV_OK:
            u64 = a->rcv_ok;
            counter = true;
            break;
        case OID_GEN_XMIT_ERROR:
            u64 = a->xmit_error;
            counter = true;
            break;
        case OID_GEN_RCV_ERROR:
            u64 = a->rcv_error;
            counter = true;
            break;
        case OID_GEN_RCV_CRC_ERROR:
            u64 = a->rcv_crc_error;
            counter = true;
            break;
        case OID_GEN_RCV_NO_BUFFER:
            collect_no_buffer(a);
            u64 = a->rcv_no_buffer;
            counter = true;
            break;
        case OID_802_3_PERMANENT_ADDRESS:
            src = a->perm_addr;
            size = 6;
            break;
        case OID_802_3_CURRENT_ADDRESS:
            src = a->cur_addr;
            size = 6;
            break;
        case OID_802_3_MULTICAST_LIST:
            src = a->mc_list;
            size = a->mc_count * 6;
            break;
        case OID_802_3_MAXIMUM_LIST_SIZE:
            u = kMulticastListMax;
            break;
        case OID_802_3_MAC_OPTIONS:
            u = 0;
            break;
        case OID_802_3_RCV_ERROR_ALIGNMENT:
        case OID_802_3_XMIT_ONE_COLLISION:
        case OID_802_3_XMIT_MORE_COLLISIONS:
            u = 0;
            break;  // full duplex: none
        case OID_TCP_TASK_OFFLOAD:
            return query_offload(a, buf, len, written, needed);
        default:
            return NDIS_STATUS_NOT_SUPPORTED;
    }
    if (counter) {
        if (len >= sizeof(ULONGLONG)) {
            src = &u64;
            size = sizeof(ULONGLONG);
        } else {
            u = static_cast<ULONG>(u64);
            size = sizeof(ULONG);
        }
    }
    if (len < size) {
        *needed = size;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    if (size) NdisMoveMemory(buf, src, size);
    *written = size;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS MiniportSetInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG read, PULONG needed) {
    auto* a = static_cast<Adapter*>(ctx);
    *read = 0;
    *needed = 0;
    switch (oid) {
        case OID_GEN_CURRENT_PACKET_FILTER: {
            if (len != sizeof(ULONG)) {
                *needed = sizeof(ULONG);
                return NDIS_STATUS_INVALID_LENGTH;
            }
            ULONG f;
            NdisMoveMemory(&f, buf, sizeof(f));
            if (f & ~kSupportedFilters) return NDIS_STATUS_NOT_SUPPORTED;
            a->packet_filter = f;
            if (!a->resetting && !a->halting) hw_set_receive_filter(a);
            *read = sizeof(ULONG);
            return NDIS_STATUS_SUCCESS;
        }
        case OID_GEN_CURRENT_LOOKAHEAD: {
            if (len != sizeof(ULONG)) {
                *needed = sizeof(ULONG);
                return NDIS_STATUS_INVALID_LENGTH;
            }
            ULONG l;
            NdisMoveMemory(&l, buf, sizeof(l));
            if (l > kFrameSize - 14) return NDIS_STATUS_INVALID_DATA;
            a->lookahead = l;
            *read = sizeof(ULONG);
            return NDIS_STATUS_SUCCESS;
        }
        case OID_GEN_PROTOCOL_OPTIONS:
            if (len != sizeof(ULONG)) {
                *needed = sizeof(ULONG);
                return NDIS_STATUS_INVALID_LENGTH;
            }
            *read = sizeof(ULONG);
            return NDIS_STATUS_SUCCESS;
        case OID_802_3_MULTICAST_LIST: {
            if (len % 6 != 0) {
                *needed = (len / 6 + 1) * 6;
                return NDIS_STATUS_INVALID_LENGTH;
            }
            if (len / 6 > kMulticastListMax) return NDIS_STATUS_MULTICAST_FULL;
            const auto* p = static_cast<const UCHAR*>(buf);
            for (ULONG i = 0; i < len / 6; ++i)
                if (!(p[6 * i] & 1)) return NDIS_STATUS_INVALID_DATA;  // not a multicast address
            NdisMoveMemory(a->mc_list, buf, len);
            a->mc_count = len / 6;
            if (!a->resetting && !a->halting) hw_set_receive_filter(a);
            *read = len;
            return NDIS_STATUS_SUCCESS;
        }
        case OID_TCP_TASK_OFFLOAD:
            return set_offload(a, buf, len, read, needed);
        default:
            return NDIS_STATUS_NOT_SUPPORTED;
    }
}

}  // namespace nicsim::miniport
