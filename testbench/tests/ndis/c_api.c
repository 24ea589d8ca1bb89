/* Compiled as C99: ndis.h must be a C header and the library's functions callable from C. */
#include "hostdrv/ndis/ndis.h"

/* Builds a packet from a caller's buffer through the C API; returns a bit per failed check (0 = all good). */
int nicsim_c_api_check(void* data, unsigned length) {
    int failed = 0;
    NDIS_STATUS status;
    NDIS_HANDLE packet_pool;
    NDIS_HANDLE buffer_pool;
    PNDIS_PACKET packet;
    PNDIS_BUFFER buffer;
    UINT phys_count = 0, buf_count = 0, total = 0;
    PNDIS_BUFFER first = NULL;
    PVOID va = NULL;
    UINT len = 0;
    LONG counter = 0;
    NDIS_PHYSICAL_ADDRESS pa;
    NDIS_SPIN_LOCK lock;

    NdisAllocatePacketPool(&status, &packet_pool, 4, 16);
    if (status != NDIS_STATUS_SUCCESS) failed |= 1;
    NdisAllocateBufferPool(&status, &buffer_pool, 4);
    if (status != NDIS_STATUS_SUCCESS) failed |= 2;
    NdisAllocatePacket(&status, &packet, packet_pool);
    if (status != NDIS_STATUS_SUCCESS) return failed | 4;
    NdisAllocateBuffer(&status, &buffer, buffer_pool, data, length);
    if (status != NDIS_STATUS_SUCCESS) return failed | 8;
    NdisChainBufferAtBack(packet, buffer);
    NdisQueryPacket(packet, &phys_count, &buf_count, &first, &total);
    if (buf_count != 1 || total != length || first != buffer) failed |= 16;
    NdisQueryBufferSafe(buffer, &va, &len, NormalPagePriority);
    if (va != data || len != length) failed |= 32;
    NDIS_PER_PACKET_INFO_FROM_PACKET(packet, ScatterGatherListPacketInfo) = NULL;
    NDIS_SET_PACKET_STATUS(packet, NDIS_STATUS_PENDING);
    if (NDIS_GET_PACKET_STATUS(packet) != NDIS_STATUS_PENDING) failed |= 64;
    if (NdisInterlockedIncrement(&counter) != 1 || NdisInterlockedDecrement(&counter) != 0) failed |= 128;
    pa.QuadPart = 0x123456789LL;
    if (NdisGetPhysicalAddressLow(pa) != 0x23456789u || NdisGetPhysicalAddressHigh(pa) != 1) failed |= 256;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    NdisFreeSpinLock(&lock);
    if (!NdisEqualMemory(data, data, length)) failed |= 512;
    NdisUnchainBufferAtFront(packet, &first);
    NdisFreeBuffer(first);
    NdisFreePacket(packet);
    NdisFreeBufferPool(buffer_pool);
    NdisFreePacketPool(packet_pool);
    return failed;
}

/* Offsets a C compiler sees, compared with C++'s in the test. */
unsigned long nicsim_c_sizeof_sg_element(void) {
    return (unsigned long)sizeof(SCATTER_GATHER_ELEMENT);
}
unsigned long nicsim_c_offsetof_sg_elements(void) {
    return (unsigned long)offsetof(SCATTER_GATHER_LIST, Elements);
}
unsigned long nicsim_c_sizeof_characteristics(void) {
    return (unsigned long)sizeof(NDIS_MINIPORT_CHARACTERISTICS);
}
