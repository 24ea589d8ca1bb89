// MiniportQueryInformation and MiniportSetInformation: one table of the OIDs the driver supports (general, 802.3 and
// task offload), each with how it is queried and how it is set. OID_GEN_SUPPORTED_LIST is that table's OIDs.
#include <array>
#include <cstddef>

#include "hostdrv/miniport/e1000_adapter.h"

using namespace nicsim::miniport::hw;

namespace nicsim::miniport {
namespace {

constexpr USHORT kDriverVersion = (NDIS_MAJOR_VERSION << 8) | NDIS_MINOR_VERSION;  // OID_GEN_DRIVER_VERSION
constexpr ULONG kVendorDriverVersion = 0x00010000;                                 // OID_GEN_VENDOR_DRIVER_VERSION: 1.0
constexpr ULONG kSupportedFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                    NDIS_PACKET_TYPE_ALL_MULTICAST | NDIS_PACKET_TYPE_BROADCAST |
                                    NDIS_PACKET_TYPE_PROMISCUOUS;  // what RCTL/MTA can do
constexpr ULONG kMacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                              NDIS_MAC_OPTION_NO_LOOPBACK | NDIS_MAC_OPTION_FULL_DUPLEX;
constexpr ULONG kEthHeader = 14;
constexpr ULONG kAddressBytes = 6;
constexpr char kDescription[] = "nicsim 82540EM-compatible Gigabit Ethernet";

/// One request's information buffer: `done` is BytesWritten for a query, BytesRead for a set.
struct Request {
    PVOID buf;
    ULONG len;
    PULONG done;
    PULONG needed;

    /// A query's answer of `size` bytes; BUFFER_TOO_SHORT (with BytesNeeded) when they do not fit.
    NDIS_STATUS reply(const void* src, ULONG size) const {
        if (len < size) {
            *needed = size;
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        if (size) NdisMoveMemory(buf, src, size);
        *done = size;
        return NDIS_STATUS_SUCCESS;
    }
    NDIS_STATUS reply_ulong(ULONG value) const { return reply(&value, sizeof(value)); }
    /// A 64-bit statistics counter: a 32-bit buffer takes its low half (NDIS 5.1 DDK, general statistics OIDs).
    NDIS_STATUS reply_counter(ULONGLONG value) const {
        if (len >= sizeof(ULONGLONG)) return reply(&value, sizeof(value));
        return reply_ulong(static_cast<ULONG>(value));
    }
    /// A set's ULONG argument; INVALID_LENGTH (BytesNeeded 4) unless the buffer holds exactly one.
    NDIS_STATUS take_ulong(ULONG& value) const {
        if (len != sizeof(ULONG)) {
            *needed = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        NdisMoveMemory(&value, buf, sizeof(value));
        return NDIS_STATUS_SUCCESS;
    }
};

/// OID_GEN_RCV_NO_BUFFER: the driver's total after adding the device's read-clear miss counters.
NDIS_STATUS query_rcv_no_buffer(Adapter* a, const Request& r) {
    if (!a->halting && !a->resetting) {
        a->rcv_no_buffer += rd32(a, RNBC);
        a->rcv_no_buffer += rd32(a, MPC);
    }
    return r.reply_counter(a->rcv_no_buffer);
}

NDIS_STATUS set_packet_filter(Adapter* a, const Request& r) {
    ULONG f = 0;
    const NDIS_STATUS st = r.take_ulong(f);
    if (st != NDIS_STATUS_SUCCESS) return st;
    if (f & ~kSupportedFilters) return NDIS_STATUS_NOT_SUPPORTED;
    a->packet_filter = f;
    if (!a->resetting && !a->halting) hw_set_receive_filter(a);
    *r.done = sizeof(ULONG);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS set_lookahead(Adapter* a, const Request& r) {
    ULONG l = 0;
    const NDIS_STATUS st = r.take_ulong(l);
    if (st != NDIS_STATUS_SUCCESS) return st;
    if (l > kFrameSize - kEthHeader) return NDIS_STATUS_INVALID_DATA;
    a->lookahead = l;
    *r.done = sizeof(ULONG);
    return NDIS_STATUS_SUCCESS;
}

/// OID_GEN_PROTOCOL_OPTIONS: accepted; none of its flags changes what this driver does.
NDIS_STATUS set_protocol_options(Adapter*, const Request& r) {
    ULONG options = 0;
    const NDIS_STATUS st = r.take_ulong(options);
    if (st == NDIS_STATUS_SUCCESS) *r.done = sizeof(ULONG);
    return st;
}

NDIS_STATUS set_multicast_list(Adapter* a, const Request& r) {
    if (r.len % kAddressBytes != 0) {
        *r.needed = (r.len / kAddressBytes + 1) * kAddressBytes;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    const ULONG count = r.len / kAddressBytes;
    if (count > kMulticastListMax) return NDIS_STATUS_MULTICAST_FULL;
    const auto* p = static_cast<const UCHAR*>(r.buf);
    for (ULONG i = 0; i < count; ++i)
        if (!(p[kAddressBytes * i] & 1)) return NDIS_STATUS_INVALID_DATA;  // not a multicast address
    NdisMoveMemory(a->mc_list, r.buf, r.len);
    a->mc_count = count;
    if (!a->resetting && !a->halting) hw_set_receive_filter(a);
    *r.done = r.len;
    return NDIS_STATUS_SUCCESS;
}

/// OID_TCP_TASK_OFFLOAD query: header + one large-send task when LSO is configured.
NDIS_STATUS query_offload(Adapter* a, const Request& r) {
    if (r.len < sizeof(NDIS_TASK_OFFLOAD_HEADER)) {
        *r.needed = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    auto* hdr = static_cast<PNDIS_TASK_OFFLOAD_HEADER>(r.buf);
    if (hdr->Version != NDIS_TASK_OFFLOAD_VERSION || hdr->Size != sizeof(NDIS_TASK_OFFLOAD_HEADER) ||
        hdr->EncapsulationFormat.Encapsulation != IEEE_802_3_Encapsulation)
        return NDIS_STATUS_NOT_SUPPORTED;
    if (a->lso_max_size == 0) {
        hdr->OffsetFirstTask = 0;  // no task offered
        *r.done = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_SUCCESS;
    }
    const ULONG task_size =
        static_cast<ULONG>(offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) + sizeof(NDIS_TASK_TCP_LARGE_SEND));
    const ULONG total = sizeof(NDIS_TASK_OFFLOAD_HEADER) + task_size;
    if (r.len < total) {
        *r.needed = total;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    hdr->OffsetFirstTask = sizeof(NDIS_TASK_OFFLOAD_HEADER);
    auto* task = reinterpret_cast<PNDIS_TASK_OFFLOAD>(static_cast<PUCHAR>(r.buf) + hdr->OffsetFirstTask);
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
    *r.done = total;
    return NDIS_STATUS_SUCCESS;
}

/// OID_TCP_TASK_OFFLOAD set: the protocol enables the tasks it will use (large send only).
NDIS_STATUS set_offload(Adapter* a, const Request& r) {
    if (r.len < sizeof(NDIS_TASK_OFFLOAD_HEADER)) {
        *r.needed = sizeof(NDIS_TASK_OFFLOAD_HEADER);
        return NDIS_STATUS_INVALID_LENGTH;
    }
    auto* hdr = static_cast<PNDIS_TASK_OFFLOAD_HEADER>(r.buf);
    if (hdr->Version != NDIS_TASK_OFFLOAD_VERSION) return NDIS_STATUS_NOT_SUPPORTED;
    bool lso = false;
    ULONG off = hdr->OffsetFirstTask;
    while (off != 0) {
        if (off + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) > r.len) return NDIS_STATUS_INVALID_LENGTH;
        auto* task = reinterpret_cast<PNDIS_TASK_OFFLOAD>(static_cast<PUCHAR>(r.buf) + off);
        if (off + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) + task->TaskBufferLength > r.len)
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
    *r.done = r.len;
    return NDIS_STATUS_SUCCESS;
}

using OidHandler = NDIS_STATUS (*)(Adapter*, const Request&);

/// A supported OID: how a query answers it and how a set applies it (nullptr: that direction is not supported).
struct OidEntry {
    NDIS_OID oid;
    OidHandler query;
    OidHandler set = nullptr;
};

NDIS_STATUS query_supported_list(Adapter*, const Request& r);

using R = const Request&;
constexpr OidEntry kOids[] = {
    // General operational characteristics.
    {OID_GEN_SUPPORTED_LIST, query_supported_list},
    {OID_GEN_HARDWARE_STATUS, [](Adapter* a, R r) { return r.reply_ulong(a->hw_status); }},
    {OID_GEN_MEDIA_SUPPORTED, [](Adapter*, R r) { return r.reply_ulong(NdisMedium802_3); }},
    {OID_GEN_MEDIA_IN_USE, [](Adapter*, R r) { return r.reply_ulong(NdisMedium802_3); }},
    {OID_GEN_MAXIMUM_LOOKAHEAD, [](Adapter*, R r) { return r.reply_ulong(kFrameSize - kEthHeader); }},
    {OID_GEN_MAXIMUM_FRAME_SIZE, [](Adapter* a, R r) { return r.reply_ulong(a->jumbo_packet - kEthHeader); }},
    // Units of 100 bit/s.
    {OID_GEN_LINK_SPEED, [](Adapter* a, R r) { return r.reply_ulong(a->link_mbps * 10000u); }},
    {OID_GEN_TRANSMIT_BUFFER_SPACE,
     [](Adapter* a, R r) { return r.reply_ulong((a->tx_ring_size - 1) * kMaxTxDescBytes); }},
    {OID_GEN_RECEIVE_BUFFER_SPACE, [](Adapter* a, R r) { return r.reply_ulong(a->rx_buffers * a->rx_buffer_size); }},
    {OID_GEN_TRANSMIT_BLOCK_SIZE, [](Adapter* a, R r) { return r.reply_ulong(a->jumbo_packet); }},
    {OID_GEN_RECEIVE_BLOCK_SIZE, [](Adapter* a, R r) { return r.reply_ulong(a->rx_buffer_size); }},
    // The IEEE OUI: the first three bytes of the permanent address.
    {OID_GEN_VENDOR_ID,
     [](Adapter* a, R r) {
         const UCHAR* m = a->perm_addr;
         return r.reply_ulong(static_cast<ULONG>(m[0]) | (m[1] << 8) | (static_cast<ULONG>(m[2]) << 16));
     }},
    {OID_GEN_VENDOR_DESCRIPTION, [](Adapter*, R r) { return r.reply(kDescription, sizeof(kDescription)); }},
    {OID_GEN_CURRENT_PACKET_FILTER, [](Adapter* a, R r) { return r.reply_ulong(a->packet_filter); }, set_packet_filter},
    {OID_GEN_CURRENT_LOOKAHEAD, [](Adapter* a, R r) { return r.reply_ulong(a->lookahead); }, set_lookahead},
    {OID_GEN_DRIVER_VERSION, [](Adapter*, R r) { return r.reply(&kDriverVersion, sizeof(kDriverVersion)); }},
    {OID_GEN_MAXIMUM_TOTAL_SIZE, [](Adapter* a, R r) { return r.reply_ulong(a->jumbo_packet); }},
    {OID_GEN_PROTOCOL_OPTIONS, nullptr, set_protocol_options},
    {OID_GEN_MAC_OPTIONS, [](Adapter*, R r) { return r.reply_ulong(kMacOptions); }},
    {OID_GEN_MEDIA_CONNECT_STATUS,
     [](Adapter* a, R r) { return r.reply_ulong(a->link_up ? NdisMediaStateConnected : NdisMediaStateDisconnected); }},
    {OID_GEN_MAXIMUM_SEND_PACKETS, [](Adapter* a, R r) { return r.reply_ulong(a->tx_ring_size / 2); }},
    {OID_GEN_VENDOR_DRIVER_VERSION, [](Adapter*, R r) { return r.reply_ulong(kVendorDriverVersion); }},
    // General statistics.
    {OID_GEN_XMIT_OK, [](Adapter* a, R r) { return r.reply_counter(a->xmit_ok); }},
    {OID_GEN_RCV_OK, [](Adapter* a, R r) { return r.reply_counter(a->rcv_ok); }},
    {OID_GEN_XMIT_ERROR, [](Adapter* a, R r) { return r.reply_counter(a->xmit_error); }},
    {OID_GEN_RCV_ERROR, [](Adapter* a, R r) { return r.reply_counter(a->rcv_error); }},
    {OID_GEN_RCV_NO_BUFFER, query_rcv_no_buffer},
    {OID_GEN_RCV_CRC_ERROR, [](Adapter* a, R r) { return r.reply_counter(a->rcv_crc_error); }},
    {OID_GEN_TRANSMIT_QUEUE_LENGTH, [](Adapter* a, R r) { return r.reply_ulong(a->q_len); }},
    // 802.3 characteristics and statistics (full duplex: never a collision or an alignment error).
    {OID_802_3_PERMANENT_ADDRESS, [](Adapter* a, R r) { return r.reply(a->perm_addr, kAddressBytes); }},
    {OID_802_3_CURRENT_ADDRESS, [](Adapter* a, R r) { return r.reply(a->cur_addr, kAddressBytes); }},
    {OID_802_3_MULTICAST_LIST, [](Adapter* a, R r) { return r.reply(a->mc_list, a->mc_count * kAddressBytes); },
     set_multicast_list},
    {OID_802_3_MAXIMUM_LIST_SIZE, [](Adapter*, R r) { return r.reply_ulong(kMulticastListMax); }},
    {OID_802_3_MAC_OPTIONS, [](Adapter*, R r) { return r.reply_ulong(0); }},
    {OID_802_3_RCV_ERROR_ALIGNMENT, [](Adapter*, R r) { return r.reply_ulong(0); }},
    {OID_802_3_XMIT_ONE_COLLISION, [](Adapter*, R r) { return r.reply_ulong(0); }},
    {OID_802_3_XMIT_MORE_COLLISIONS, [](Adapter*, R r) { return r.reply_ulong(0); }},
    // Task offload (large send).
    {OID_TCP_TASK_OFFLOAD, query_offload, set_offload},
};

template <size_t N>
constexpr std::array<NDIS_OID, N> oids_of(const OidEntry (&table)[N]) {
    std::array<NDIS_OID, N> oids{};
    for (size_t i = 0; i < N; ++i) oids[i] = table[i].oid;
    return oids;
}
constexpr auto kSupported = oids_of(kOids);

NDIS_STATUS query_supported_list(Adapter*, const Request& r) {
    return r.reply(kSupported.data(), static_cast<ULONG>(sizeof(NDIS_OID) * kSupported.size()));
}

const OidEntry* find_oid(NDIS_OID oid) {
    for (const OidEntry& e : kOids)
        if (e.oid == oid) return &e;
    return nullptr;
}

}  // namespace

NDIS_STATUS MiniportQueryInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG written,
                                     PULONG needed) {
    *written = 0;
    *needed = 0;
    const OidEntry* e = find_oid(oid);
    if (!e || !e->query) return NDIS_STATUS_NOT_SUPPORTED;
    return e->query(static_cast<Adapter*>(ctx), Request{buf, len, written, needed});
}

NDIS_STATUS MiniportSetInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG read, PULONG needed) {
    *read = 0;
    *needed = 0;
    const OidEntry* e = find_oid(oid);
    if (!e || !e->set) return NDIS_STATUS_NOT_SUPPORTED;
    return e->set(static_cast<Adapter*>(ctx), Request{buf, len, read, needed});
}

}  // namespace nicsim::miniport
