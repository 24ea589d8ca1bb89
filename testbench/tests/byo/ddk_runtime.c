/* NDIS helpers a driver calls that are more than a name: lists under a spin lock, events, copying between
 * packets, packet pools with overflow, unaligned stores, uptime and processor count. Each check is one bit of the
 * result; test_ddk_runtime.cpp runs it with an NDIS host current and expects every bit. */
#include <ndis.h>

typedef struct _ENTRY {
    LIST_ENTRY Link;
    ULONG Value;
} ENTRY;

static ULONG check_lists(VOID) {
    LIST_ENTRY Head;
    NDIS_SPIN_LOCK Lock;
    ENTRY A = {{NULL, NULL}, 1}, B = {{NULL, NULL}, 2}, C = {{NULL, NULL}, 3};
    ULONG r = 0;
    NdisAllocateSpinLock(&Lock);
    NdisInitializeListHead(&Head);
    r |= (NdisInterlockedInsertTailList(&Head, &A.Link, &Lock) == NULL);
    r |= (NdisInterlockedInsertTailList(&Head, &B.Link, &Lock) == &A.Link) << 1;
    r |= (NdisInterlockedInsertHeadList(&Head, &C.Link, &Lock) == &A.Link) << 2;
    r |= (CONTAINING_RECORD(NdisInterlockedRemoveHeadList(&Head, &Lock), ENTRY, Link)->Value == 3) << 3;
    r |= (CONTAINING_RECORD(NdisInterlockedRemoveHeadList(&Head, &Lock), ENTRY, Link)->Value == 1) << 4;
    r |= (CONTAINING_RECORD(NdisInterlockedRemoveHeadList(&Head, &Lock), ENTRY, Link)->Value == 2) << 5;
    r |= (NdisInterlockedRemoveHeadList(&Head, &Lock) == NULL) << 6;
    NdisFreeSpinLock(&Lock);
    return r;
}

static ULONG check_events(VOID) {
    NDIS_EVENT Event;
    LARGE_INTEGER Before, After;
    ULONG r = 0;
    NdisInitializeEvent(&Event);
    NdisSetEvent(&Event);
    r |= (NdisWaitEvent(&Event, 5) == TRUE);
    NdisResetEvent(&Event);
    KeQuerySystemTime(&Before);
    r |= (NdisWaitEvent(&Event, 2) == FALSE) << 1;
    KeQuerySystemTime(&After);
    r |= (After.QuadPart - Before.QuadPart >= 20000) << 2; /* 2 ms in 100 ns units went by */
    return r;
}

static ULONG check_packets(VOID) {
    NDIS_STATUS Status;
    NDIS_HANDLE PacketPool, BufferPool;
    PNDIS_PACKET Src = NULL, Dst = NULL, Extra = NULL;
    PNDIS_BUFFER B1, B2, D1;
    static UCHAR S1[10], S2[20], Out[32];
    UINT Copied = 0, Length = 0, i;
    ULONG Stored = 0, r = 0;
    UCHAR Unaligned[7];

    for (i = 0; i < sizeof(S1); i++) S1[i] = (UCHAR)i;
    for (i = 0; i < sizeof(S2); i++) S2[i] = (UCHAR)(100 + i);
    NdisAllocatePacketPoolEx(&Status, &PacketPool, 2, 1, 16);
    NdisAllocateBufferPool(&Status, &BufferPool, 4);
    NdisAllocatePacket(&Status, &Src, PacketPool);
    NdisAllocatePacket(&Status, &Dst, PacketPool);
    NdisDprAllocatePacket(&Status, &Extra, PacketPool);
    r |= (Status == NDIS_STATUS_SUCCESS && Extra != NULL); /* 2 + 1 overflow */
    NdisFreePacket(Extra);
    NdisAllocateBuffer(&Status, &B1, BufferPool, S1, sizeof(S1));
    NdisAllocateBuffer(&Status, &B2, BufferPool, S2, sizeof(S2));
    NdisAllocateBuffer(&Status, &D1, BufferPool, Out, sizeof(Out));
    NdisChainBufferAtBack(Src, B1);
    NdisChainBufferAtBack(Src, B2);
    NdisChainBufferAtBack(Dst, D1);
    NdisQueryPacketLength(Src, &Length);
    r |= (Length == 30) << 1;
    /* 12 bytes from offset 6 of the source (spanning both buffers) to offset 3 of the destination */
    NdisCopyFromPacketToPacket(Dst, 3, 12, Src, 6, &Copied);
    r |= (Copied == 12 && Out[3] == 6 && Out[6] == 9 && Out[7] == 100 && Out[14] == 107 && Out[15] == 0) << 2;
    NdisCopyFromPacketToPacketSafe(Dst, 30, 10, Src, 0, &Copied, NormalPagePriority);
    r |= (Copied == 2) << 3; /* the destination ends first */
    NdisStoreUlong(&Unaligned[1], 0x11223344);
    NdisRetrieveUlong(&Stored, &Unaligned[1]);
    r |= (Stored == 0x11223344) << 4;
    r |= (NdisSystemProcessorCount() == 1) << 5;
    NdisUnchainBufferAtFront(Src, &B1);
    NdisUnchainBufferAtFront(Src, &B2);
    NdisUnchainBufferAtFront(Dst, &D1);
    NdisFreeBuffer(B1);
    NdisFreeBuffer(B2);
    NdisFreeBuffer(D1);
    NdisFreePacket(Src);
    NdisDprFreePacket(Dst);
    NdisFreeBufferPool(BufferPool);
    NdisFreePacketPool(PacketPool);
    return r;
}

ULONG nicsim_ddk_runtime_lists(VOID) {
    return check_lists();
}
ULONG nicsim_ddk_runtime_events(VOID) {
    return check_events();
}
ULONG nicsim_ddk_runtime_packets(VOID) {
    return check_packets();
}
