/* e1000c: MiniportQueryInformation and MiniportSetInformation for the OIDs an 802.3 miniport answers. */
#include "e1000c.h"

static const NDIS_OID E1000cSupportedOids[] = {
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
    OID_GEN_MAC_OPTIONS,
    OID_GEN_MEDIA_CONNECT_STATUS,
    OID_GEN_MAXIMUM_SEND_PACKETS,
    OID_GEN_VENDOR_DRIVER_VERSION,
    OID_GEN_XMIT_OK,
    OID_GEN_RCV_OK,
    OID_GEN_XMIT_ERROR,
    OID_GEN_RCV_ERROR,
    OID_GEN_RCV_NO_BUFFER,
    OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS,
    OID_802_3_MULTICAST_LIST,
    OID_802_3_MAXIMUM_LIST_SIZE,
    OID_802_3_RCV_ERROR_ALIGNMENT,
    OID_802_3_XMIT_ONE_COLLISION,
    OID_802_3_XMIT_MORE_COLLISIONS,
};

static const char E1000cVendorDescription[] = "nicsim e1000c example miniport (82540EM)";

#define E1000C_FILTERS_SUPPORTED                                                               \
    (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST | \
     NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS | NDIS_PACKET_TYPE_MAC_FRAME)

/* A query's answer: Source and Size, which start out as the ULONG Value; 64-bit counters point Source at Value64. */
typedef struct _E1000C_ANSWER {
    ULONG Value;
    ULONG64 Value64;
    const VOID* Source;
    ULONG Size;
} E1000C_ANSWER, *PE1000C_ANSWER;

/* General characteristics that say what the driver and its device are. FALSE: not one of them. */
static BOOLEAN E1000cQueryIdentity(IN PE1000C_ADAPTER Adapter, IN NDIS_OID Oid, OUT PE1000C_ANSWER Answer) {
    switch (Oid) {
        case OID_GEN_SUPPORTED_LIST:
            Answer->Source = E1000cSupportedOids;
            Answer->Size = sizeof(E1000cSupportedOids);
            return TRUE;
        case OID_GEN_HARDWARE_STATUS:
            Answer->Value = NdisHardwareStatusReady;
            return TRUE;
        case OID_GEN_MEDIA_SUPPORTED:
        case OID_GEN_MEDIA_IN_USE:
            Answer->Value = NdisMedium802_3;
            return TRUE;
        case OID_GEN_MEDIA_CONNECT_STATUS:
            E1000cUpdateLink(Adapter);
            Answer->Value = Adapter->MediaState;
            return TRUE;
        case OID_GEN_VENDOR_ID: /* the IEEE OUI: the first three bytes of the permanent address */
            Answer->Value = Adapter->PermanentAddress[0] | (Adapter->PermanentAddress[1] << 8) |
                            (Adapter->PermanentAddress[2] << 16);
            return TRUE;
        case OID_GEN_VENDOR_DESCRIPTION:
            Answer->Source = E1000cVendorDescription;
            Answer->Size = sizeof(E1000cVendorDescription);
            return TRUE;
        case OID_GEN_DRIVER_VERSION:
            Answer->Value = (NDIS_MINIPORT_MAJOR_VERSION << 8) | NDIS_MINIPORT_MINOR_VERSION;
            Answer->Size = sizeof(USHORT);
            return TRUE;
        case OID_GEN_VENDOR_DRIVER_VERSION:
            Answer->Value = 0x00010000;
            return TRUE;
        case OID_GEN_MAC_OPTIONS:
            Answer->Value = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                            NDIS_MAC_OPTION_NO_LOOPBACK | NDIS_MAC_OPTION_FULL_DUPLEX;
            return TRUE;
        case OID_GEN_CURRENT_PACKET_FILTER:
            Answer->Value = Adapter->PacketFilter;
            return TRUE;
        default:
            return FALSE;
    }
}

/* General characteristics that are sizes and speeds. FALSE: not one of them. */
static BOOLEAN E1000cQuerySizes(IN PE1000C_ADAPTER Adapter, IN NDIS_OID Oid, OUT PE1000C_ANSWER Answer) {
    switch (Oid) {
        case OID_GEN_MAXIMUM_LOOKAHEAD:
        case OID_GEN_MAXIMUM_FRAME_SIZE:
            Answer->Value = E1000C_MAX_LOOKAHEAD;
            return TRUE;
        case OID_GEN_CURRENT_LOOKAHEAD:
            Answer->Value = Adapter->Lookahead;
            return TRUE;
        case OID_GEN_LINK_SPEED:
            Answer->Value = E1000C_LINK_SPEED_100BPS;
            return TRUE;
        case OID_GEN_TRANSMIT_BUFFER_SPACE:
            Answer->Value = E1000C_TX_DESCRIPTORS * E1000C_MAX_FRAME;
            return TRUE;
        case OID_GEN_RECEIVE_BUFFER_SPACE:
            Answer->Value = E1000C_RX_DESCRIPTORS * E1000C_RX_BUFFER_SIZE;
            return TRUE;
        case OID_GEN_TRANSMIT_BLOCK_SIZE:
        case OID_GEN_MAXIMUM_TOTAL_SIZE:
            Answer->Value = E1000C_MAX_FRAME;
            return TRUE;
        case OID_GEN_RECEIVE_BLOCK_SIZE:
            Answer->Value = E1000C_RX_BUFFER_SIZE;
            return TRUE;
        case OID_GEN_MAXIMUM_SEND_PACKETS:
            Answer->Value = 1;
            return TRUE;
        default:
            return FALSE;
    }
}

/* General and 802.3 statistics. The driver counts frames sent and received; a full-duplex link has no
 * collisions or alignment errors. FALSE: not one of them. */
static BOOLEAN E1000cQueryStatistics(IN PE1000C_ADAPTER Adapter, IN NDIS_OID Oid, OUT PE1000C_ANSWER Answer) {
    switch (Oid) {
        case OID_GEN_XMIT_OK:
            Answer->Value64 = Adapter->FramesSent;
            Answer->Source = &Answer->Value64;
            Answer->Size = sizeof(ULONG64);
            return TRUE;
        case OID_GEN_RCV_OK:
            Answer->Value64 = Adapter->FramesReceived;
            Answer->Source = &Answer->Value64;
            Answer->Size = sizeof(ULONG64);
            return TRUE;
        case OID_GEN_RCV_NO_BUFFER:
            Answer->Value = (ULONG)Adapter->ReceiveOverruns;
            return TRUE;
        case OID_GEN_XMIT_ERROR:
        case OID_GEN_RCV_ERROR:
        case OID_802_3_RCV_ERROR_ALIGNMENT:
        case OID_802_3_XMIT_ONE_COLLISION:
        case OID_802_3_XMIT_MORE_COLLISIONS:
            Answer->Value = 0;
            return TRUE;
        default:
            return FALSE;
    }
}

/* The 802.3 addresses: permanent, current and the multicast list. FALSE: not one of them. */
static BOOLEAN E1000cQueryAddresses(IN PE1000C_ADAPTER Adapter, IN NDIS_OID Oid, OUT PE1000C_ANSWER Answer) {
    switch (Oid) {
        case OID_802_3_PERMANENT_ADDRESS:
            Answer->Source = Adapter->PermanentAddress;
            Answer->Size = ETH_LENGTH_OF_ADDRESS;
            return TRUE;
        case OID_802_3_CURRENT_ADDRESS:
            Answer->Source = Adapter->CurrentAddress;
            Answer->Size = ETH_LENGTH_OF_ADDRESS;
            return TRUE;
        case OID_802_3_MULTICAST_LIST:
            Answer->Source = Adapter->Multicast;
            Answer->Size = Adapter->MulticastCount * ETH_LENGTH_OF_ADDRESS;
            return TRUE;
        case OID_802_3_MAXIMUM_LIST_SIZE:
            Answer->Value = E1000C_MAX_MULTICAST;
            return TRUE;
        default:
            return FALSE;
    }
}

NDIS_STATUS NTAPI E1000cQueryInformation(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                         IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                         OUT PULONG BytesWritten, OUT PULONG BytesNeeded) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    E1000C_ANSWER Answer;

    ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL); /* NDIS 5.1 DDK, MiniportQueryInformation: DISPATCH_LEVEL */

    *BytesWritten = 0;
    *BytesNeeded = 0;
    Answer.Value = 0;
    Answer.Value64 = 0;
    Answer.Source = &Answer.Value;
    Answer.Size = sizeof(ULONG);
    if (!E1000cQueryIdentity(Adapter, Oid, &Answer) && !E1000cQuerySizes(Adapter, Oid, &Answer) &&
        !E1000cQueryStatistics(Adapter, Oid, &Answer) && !E1000cQueryAddresses(Adapter, Oid, &Answer))
        return NDIS_STATUS_NOT_SUPPORTED;
    /* 64-bit counters may be read into 32 bits (NDIS statistics rule). */
    if (Answer.Source == &Answer.Value64 && InformationBufferLength == sizeof(ULONG)) {
        Answer.Value = (ULONG)Answer.Value64;
        Answer.Source = &Answer.Value;
        Answer.Size = sizeof(ULONG);
    }
    if (InformationBufferLength < Answer.Size) {
        *BytesNeeded = Answer.Size;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    NdisMoveMemory(InformationBuffer, Answer.Source, Answer.Size);
    *BytesWritten = Answer.Size;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NTAPI E1000cSetInformation(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                       IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                       OUT PULONG BytesRead, OUT PULONG BytesNeeded) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    ULONG Value;

    ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL); /* NDIS 5.1 DDK, MiniportSetInformation: DISPATCH_LEVEL */
    *BytesRead = 0;
    *BytesNeeded = 0;
    switch (Oid) {
        case OID_GEN_CURRENT_PACKET_FILTER:
        case OID_GEN_CURRENT_LOOKAHEAD:
            if (InformationBufferLength != sizeof(ULONG)) {
                *BytesNeeded = sizeof(ULONG);
                return NDIS_STATUS_INVALID_LENGTH;
            }
            NdisMoveMemory(&Value, InformationBuffer, sizeof(ULONG));
            *BytesRead = sizeof(ULONG);
            if (Oid == OID_GEN_CURRENT_LOOKAHEAD) {
                if (Value > E1000C_MAX_LOOKAHEAD) return NDIS_STATUS_INVALID_DATA;
                Adapter->Lookahead = Value;
                return NDIS_STATUS_SUCCESS;
            }
            if (Value & ~E1000C_FILTERS_SUPPORTED) return NDIS_STATUS_NOT_SUPPORTED;
            Adapter->PacketFilter = Value;
            E1000cApplyFilter(Adapter);
            return NDIS_STATUS_SUCCESS;
        case OID_802_3_MULTICAST_LIST:
            if (InformationBufferLength % ETH_LENGTH_OF_ADDRESS != 0) {
                *BytesNeeded = ETH_LENGTH_OF_ADDRESS;
                return NDIS_STATUS_INVALID_LENGTH;
            }
            if (InformationBufferLength / ETH_LENGTH_OF_ADDRESS > E1000C_MAX_MULTICAST)
                return NDIS_STATUS_MULTICAST_FULL;
            NdisMoveMemory(Adapter->Multicast, InformationBuffer, InformationBufferLength);
            Adapter->MulticastCount = InformationBufferLength / ETH_LENGTH_OF_ADDRESS;
            *BytesRead = InformationBufferLength;
            E1000cApplyFilter(Adapter);
            return NDIS_STATUS_SUCCESS;
        default:
            return NDIS_STATUS_NOT_SUPPORTED;
    }
}
