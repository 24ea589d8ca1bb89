/* e1000c: MiniportSend and transmit completion. Each element of the packet's scatter-gather list (built by NDIS,
 * at most one frame long: MaximumPhysicalMapping) becomes one legacy transmit descriptor; the last carries EOP and
 * RS so that the NIC reports the packet done (manual 3.3.3). */
#include "e1000c.h"

NDIS_STATUS NTAPI E1000cSend(IN NDIS_HANDLE MiniportAdapterContext, IN PNDIS_PACKET Packet, IN UINT Flags) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    PSCATTER_GATHER_LIST List =
        (PSCATTER_GATHER_LIST)NDIS_PER_PACKET_INFO_FROM_PACKET(Packet, ScatterGatherListPacketInfo);
    UINT Length = 0;
    ULONG i, Slot = 0;

    UNREFERENCED_PARAMETER(Flags);
    ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
    if (List == NULL || List->NumberOfElements == 0) return NDIS_STATUS_INVALID_PACKET;
    NdisQueryPacket(Packet, NULL, NULL, NULL, &Length);
    if (Length > E1000C_MAX_FRAME) return NDIS_STATUS_INVALID_LENGTH;
    /* Serialized: NDIS keeps the packet and hands it over again after a send completes. */
    if (List->NumberOfElements > Adapter->TxFree) return NDIS_STATUS_RESOURCES;

    for (i = 0; i < List->NumberOfElements; i++) {
        PE1000C_TX_DESC Descriptor;
        Slot = Adapter->TxTail;
        Descriptor = &Adapter->TxRing[Slot];
        Descriptor->BufferAddress = (UINT64)List->Elements[i].Address.QuadPart;
        Descriptor->Length = (USHORT)List->Elements[i].Length;
        Descriptor->Cso = 0;
        Descriptor->Css = 0;
        Descriptor->Special = 0;
        Descriptor->Status = 0;
        Descriptor->Command = E1000C_TXD_CMD_IFCS;
        Adapter->TxPacket[Slot] = NULL;
        Adapter->TxTail = (Adapter->TxTail + 1) % E1000C_TX_DESCRIPTORS;
    }
    Adapter->TxRing[Slot].Command |= E1000C_TXD_CMD_EOP | E1000C_TXD_CMD_RS;
    Adapter->TxPacket[Slot] = Packet;
    Adapter->TxFree -= List->NumberOfElements;
    E1000cWrite(Adapter, E1000C_TDT, Adapter->TxTail);
    return NDIS_STATUS_PENDING;
}

/* Frees descriptors up to the last one the NIC reported done, then completes their packets. The ring is consistent
 * before NdisMSendComplete: NDIS may call MiniportSend again once the completion returns. */
VOID E1000cTxComplete(IN PE1000C_ADAPTER Adapter) {
    PNDIS_PACKET Done[E1000C_TX_DESCRIPTORS];
    ULONG Count = 0, Scan = Adapter->TxHead, Pending = E1000C_TX_DESCRIPTORS - Adapter->TxFree, i;

    /* Only EOP descriptors carry RS, so DD is looked for on a packet's last descriptor. */
    for (i = 0; i < Pending; i++) {
        ULONG Slot = (Scan + i) % E1000C_TX_DESCRIPTORS;
        if (Adapter->TxPacket[Slot] == NULL) continue;
        if ((Adapter->TxRing[Slot].Status & E1000C_TXD_STAT_DD) == 0) break;
        Done[Count++] = Adapter->TxPacket[Slot];
        Adapter->TxPacket[Slot] = NULL;
        Adapter->TxFree += (Slot + E1000C_TX_DESCRIPTORS - Adapter->TxHead) % E1000C_TX_DESCRIPTORS + 1;
        Adapter->TxHead = (Slot + 1) % E1000C_TX_DESCRIPTORS;
    }
    Adapter->FramesSent += Count;
    for (i = 0; i < Count; i++) NdisMSendComplete(Adapter->MiniportHandle, Done[i], NDIS_STATUS_SUCCESS);
}
