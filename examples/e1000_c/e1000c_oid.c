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

NDIS_STATUS NTAPI E1000cQueryInformation(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                         IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                         OUT PULONG BytesWritten, OUT PULONG BytesNeeded) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    ULONG Value = 0;
    ULONG64 Value64 = 0;
    const VOID* Source = &Value;
    ULONG Size = sizeof(ULONG);

    ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL); /* NDIS 5.1 DDK, MiniportQueryInformation: DISPATCH_LEVEL */

    *BytesWritten = 0;
    *BytesNeeded = 0;
    switch (Oid) {
        case OID_GEN_SUPPORTED_LIST:
            Source = E1000cSupportedOids;
            Size = sizeof(E1000cSupportedOids);
            break;
        case OID_GEN_HARDWARE_STATUS:
            Value = NdisHardwareStatusReady;
            break;
        case OID_GEN_MEDIA_SUPPORTED:
        case OID_GEN_MEDIA_IN_USE:
            Value = NdisMedium802_3;
            break;
        case OID_GEN_MAXIMUM_LOOKAHEAD:
        case OID_GEN_MAXIMUM_FRAME_SIZE:
            Value = E1000C_MAX_LOOKAHEAD;
            break;
        case OID_GEN_CURRENT_LOOKAHEAD:
            Value = Adapter->Lookahead;
            break;
        case OID_GEN_LINK_SPEED:
            Value = E1000C_LINK_SPEED_100BPS;
            break;
        case OID_GEN_TRANSMIT_BUFFER_SPACE:
            Value = E1000C_TX_DESCRIPTORS * E1000C_MAX_FRAME;
            break;
        case OID_GEN_RECEIVE_BUFFER_SPACE:
            Value = E1000C_RX_DESCRIPTORS * E1000C_RX_BUFFER_SIZE;
            break;
        case OID_GEN_TRANSMIT_BLOCK_SIZE:
        case OID_GEN_MAXIMUM_TOTAL_SIZE:
            Value = E1000C_MAX_FRAME;
            break;
        case OID_GEN_RECEIVE_BLOCK_SIZE:
            Value = E1000C_RX_BUFFER_SIZE;
            break;
        case OID_GEN_VENDOR_ID:
            Value = Adapter->PermanentAddress[0] | (Adapter->PermanentAddress[1] << 8) |
                    (Adapter->PermanentAddress[2] << 16);
            break;
        case OID_GEN_VENDOR_DESCRIPTION:
            Source = E1000cVendorDescription;
            Size = sizeof(E1000cVendorDescription);
            break;
        case OID_GEN_CURRENT_PACKET_FILTER:
            Value = Adapter->PacketFilter;
            break;
        case OID_GEN_DRIVER_VERSION:
            Value = (NDIS_MINIPORT_MAJOR_VERSION << 8) | NDIS_MINIPORT_MINOR_VERSION;
            Size = sizeof(USHORT);
            break;
        case OID_GEN_VENDOR_DRIVER_VERSION:
            Value = 0x00010000;
            break;
        case OID_GEN_MAC_OPTIONS:
            Value = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                    NDIS_MAC_OPTION_NO_LOOPBACK | NDIS_MAC_OPTION_FULL_DUPLEX;
            break;
        case OID_GEN_MEDIA_CONNECT_STATUS:
            E1000cUpdateLink(Adapter);
            Value = Adapter->MediaState;
            break;
        case OID_GEN_MAXIMUM_SEND_PACKETS:
            Value = 1;
            break;
        case OID_GEN_XMIT_OK:
            Value64 = Adapter->FramesSent;
            Source = &Value64;
            Size = sizeof(Value64);
            break;
        case OID_GEN_RCV_OK:
            Value64 = Adapter->FramesReceived;
            Source = &Value64;
            Size = sizeof(Value64);
            break;
        case OID_GEN_RCV_NO_BUFFER:
            Value = (ULONG)Adapter->ReceiveOverruns;
            break;
        case OID_GEN_XMIT_ERROR:
        case OID_GEN_RCV_ERROR:
        case OID_802_3_RCV_ERROR_ALIGNMENT:
        case OID_802_3_XMIT_ONE_COLLISION:
        case OID_802_3_XMIT_MORE_COLLISIONS:
            Value = 0;
            break;
        case OID_802_3_PERMANENT_ADDRESS:
            Source = Adapter->PermanentAddress;
            Size = ETH_LENGTH_OF_ADDRESS;
            break;
        case OID_802_3_CURRENT_ADDRESS:
            Source = Adapter->CurrentAddress;
            Size = ETH_LENGTH_OF_ADDRESS;
            break;
        case OID_802_3_MULTICAST_LIST:
            Source = Adapter->Multicast;
            Size = Adapter->MulticastCount * ETH_LENGTH_OF_ADDRESS;
            break;
        case OID_802_3_MAXIMUM_LIST_SIZE:
            Value = E1000C_MAX_MULTICAST;
            break;
        default:
            return NDIS_STATUS_NOT_SUPPORTED;
    }
    /* 64-bit counters may be read into 32 bits (NDIS statistics rule). */
    if (Source == &Value64 && InformationBufferLength == sizeof(ULONG)) {
        Value = (ULONG)Value64;
        Source = &Value;
        Size = sizeof(ULONG);
    }
    if (InformationBufferLength < Size) {
        *BytesNeeded = Size;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    NdisMoveMemory(InformationBuffer, Source, Size);
    *BytesWritten = Size;
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
