/* e1000c: the interrupt path. The ISR (at DIRQL) only reads ICR, which clears the causes and releases INTA#
 * (manual 13.4.17), and leaves the work to MiniportHandleInterrupt (at DISPATCH_LEVEL): receives, transmit
 * completions and link changes. */
#include "e1000c.h"

VOID NTAPI E1000cIsr(OUT PBOOLEAN InterruptRecognized, OUT PBOOLEAN QueueMiniportHandleInterrupt,
                     IN NDIS_HANDLE MiniportAdapterContext) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    ULONG Causes = E1000cRead(Adapter, E1000C_ICR);

    *InterruptRecognized = (BOOLEAN)(Causes != 0); /* the line may be shared: nothing set, not ours */
    *QueueMiniportHandleInterrupt = (BOOLEAN)(Causes != 0);
    InterlockedOr(&Adapter->PendingCauses, (LONG)Causes);
}

VOID NTAPI E1000cEnableInterrupt(IN NDIS_HANDLE MiniportAdapterContext) {
    E1000cWrite((PE1000C_ADAPTER)MiniportAdapterContext, E1000C_IMS, E1000C_INTERRUPTS);
}

VOID NTAPI E1000cDisableInterrupt(IN NDIS_HANDLE MiniportAdapterContext) {
    E1000cWrite((PE1000C_ADAPTER)MiniportAdapterContext, E1000C_IMC, 0xFFFFFFFF);
}

/* Every frame the NIC completed is indicated by copy: header and the rest of the frame as lookahead, the frame
 * length without FCS (RCTL.SECRC strips it). The descriptor then goes back to the NIC. */
static VOID E1000cReceive(IN PE1000C_ADAPTER Adapter) {
    BOOLEAN Indicated = FALSE;

    for (;;) {
        PE1000C_RX_DESC Descriptor = &Adapter->RxRing[Adapter->RxNext];
        PUCHAR Frame = Adapter->RxBuffers + (SIZE_T)Adapter->RxNext * E1000C_RX_BUFFER_SIZE;
        ULONG Length;

        if ((Descriptor->Status & E1000C_RXD_STAT_DD) == 0) break;
        Length = Descriptor->Length;
        if ((Descriptor->Status & E1000C_RXD_STAT_EOP) && Descriptor->Errors == 0 && Length >= E1000C_HEADER_SIZE &&
            Length <= E1000C_MAX_FRAME && Adapter->PacketFilter != 0) {
            Adapter->RxFrame = Frame;
            Adapter->RxFrameLength = Length;
            NdisMEthIndicateReceive(Adapter->MiniportHandle, (NDIS_HANDLE)Adapter, Frame, E1000C_HEADER_SIZE,
                                    Frame + E1000C_HEADER_SIZE, Length - E1000C_HEADER_SIZE,
                                    Length - E1000C_HEADER_SIZE);
            Adapter->RxFrame = NULL;
            Adapter->FramesReceived++;
            Indicated = TRUE;
        }
        Descriptor->Status = 0;
        E1000cWrite(Adapter, E1000C_RDT, Adapter->RxNext);
        Adapter->RxNext = (Adapter->RxNext + 1) % E1000C_RX_DESCRIPTORS;
    }
    if (Indicated) NdisMEthIndicateReceiveComplete(Adapter->MiniportHandle);
}

VOID NTAPI E1000cHandleInterrupt(IN NDIS_HANDLE MiniportAdapterContext) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    LONG Causes = InterlockedExchange(&Adapter->PendingCauses, 0);

    ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
    if (Causes & E1000C_ICR_RXO) Adapter->ReceiveOverruns++;
    if (Causes & (E1000C_ICR_RXT0 | E1000C_ICR_RXDMT0 | E1000C_ICR_RXO)) E1000cReceive(Adapter);
    if (Causes & (E1000C_ICR_TXDW | E1000C_ICR_TXQE)) E1000cTxComplete(Adapter);
    if (Causes & E1000C_ICR_LSC) {
        NDIS_MEDIA_STATE Before = Adapter->MediaState;
        E1000cUpdateLink(Adapter);
        if (Adapter->MediaState != Before) {
            NdisMIndicateStatus(Adapter->MiniportHandle,
                                Adapter->MediaState == NdisMediaStateConnected ? NDIS_STATUS_MEDIA_CONNECT
                                                                               : NDIS_STATUS_MEDIA_DISCONNECT,
                                NULL, 0);
            NdisMIndicateStatusComplete(Adapter->MiniportHandle);
        }
    }
}

/* Copies the part of the frame being indicated that the lookahead did not cover into the protocol's packet. */
NDIS_STATUS NTAPI E1000cTransferData(OUT PNDIS_PACKET Packet, OUT PUINT BytesTransferred,
                                     IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_HANDLE MiniportReceiveContext,
                                     IN UINT ByteOffset, IN UINT BytesToTransfer) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportReceiveContext;
    PNDIS_BUFFER Buffer;
    PUCHAR Source;
    UINT Left, Copied = 0;

    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    *BytesTransferred = 0;
    if (Adapter == NULL || Adapter->RxFrame == NULL) return NDIS_STATUS_FAILURE;
    if (ByteOffset >= Adapter->RxFrameLength - E1000C_HEADER_SIZE) return NDIS_STATUS_SUCCESS;
    Source = Adapter->RxFrame + E1000C_HEADER_SIZE + ByteOffset;
    Left = BytesToTransfer;
    if (Left > Adapter->RxFrameLength - E1000C_HEADER_SIZE - ByteOffset)
        Left = Adapter->RxFrameLength - E1000C_HEADER_SIZE - ByteOffset;
    NdisQueryPacket(Packet, NULL, NULL, &Buffer, NULL);
    while (Buffer != NULL && Left > 0) {
        PVOID Va;
        UINT Size;
        NdisQueryBufferSafe(Buffer, &Va, &Size, NormalPagePriority);
        if (Size > Left) Size = Left;
        NdisMoveMemory(Va, Source + Copied, Size);
        Copied += Size;
        Left -= Size;
        NdisGetNextBuffer(Buffer, &Buffer);
    }
    *BytesTransferred = Copied;
    return NDIS_STATUS_SUCCESS;
}
