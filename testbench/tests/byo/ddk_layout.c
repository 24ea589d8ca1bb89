/* What a C99 driver source sees through <ndis.h> alone: sizes, offsets and values, reported by name to
 * test_ddk_layout.cpp, which holds the values the DDK documents. Built with the DDK directory as its only include
 * path, as a driver is. */
#include <ndis.h>

struct ddk_fact {
    const char* name;
    unsigned long long value;
};

#include <pshpack1.h>
struct packed1 {
    UCHAR a;
    ULONG b;
};
#include <poppack.h>
#include <pshpack2.h>
struct packed2 {
    UCHAR a;
    ULONG b;
};
#include <pshpack4.h>
struct packed4 {
    UCHAR a;
    ULONG64 b;
};
#include <poppack.h>
struct packed2_again { /* pshpack4's pop restored pshpack2 */
    UCHAR a;
    ULONG b;
};
#include <poppack.h>
struct natural {
    UCHAR a;
    ULONG64 b;
};

typedef struct _ITEM {
    ULONG Value;
    LIST_ENTRY Link;
} ITEM;

C_ASSERT(sizeof(ULONG) == 4);
C_ASSERT(sizeof(ULONG_PTR) == sizeof(void*));

static unsigned long long interlocked_results(void) {
    LONG v = 5;
    unsigned long long r = 0;
    r |= (unsigned long long)(InterlockedIncrement(&v) == 6);
    r |= (unsigned long long)(InterlockedCompareExchange(&v, 9, 6) == 6 && v == 9) << 1;
    r |= (unsigned long long)(InterlockedCompareExchange(&v, 1, 6) == 9 && v == 9) << 2;
    r |= (unsigned long long)(InterlockedOr(&v, 0x10) == 9 && v == 0x19) << 3;
    r |= (unsigned long long)(InterlockedExchange(&v, 3) == 0x19 && v == 3) << 4;
    r |= (unsigned long long)(InterlockedExchangeAdd(&v, 4) == 3 && v == 7) << 5;
    r |= (unsigned long long)(InterlockedDecrement(&v) == 6) << 6;
    r |= (unsigned long long)(_InterlockedOr(&v, 0x20) == 6 && _InterlockedExchange(&v, 2) == 0x26 && v == 2) << 7;
    return r;
}

static unsigned long long list_results(void) {
    LIST_ENTRY Head;
    ITEM A = {1, {NULL, NULL}}, B = {2, {NULL, NULL}};
    unsigned long long r = 0;
    InitializeListHead(&Head);
    r |= (unsigned long long)IsListEmpty(&Head);
    InsertTailList(&Head, &A.Link);
    InsertHeadList(&Head, &B.Link);
    r |= (unsigned long long)(CONTAINING_RECORD(Head.Flink, ITEM, Link)->Value == 2) << 1;
    r |= (unsigned long long)(CONTAINING_RECORD(RemoveTailList(&Head), ITEM, Link)->Value == 1) << 2;
    r |= (unsigned long long)(CONTAINING_RECORD(RemoveHeadList(&Head), ITEM, Link)->Value == 2) << 3;
    r |= (unsigned long long)IsListEmpty(&Head) << 4;
    return r;
}

static unsigned long long rtl_results(void) {
    static const WCHAR Text[] = {'a', 'b', 'c', 0};
    UNICODE_STRING U;
    UCHAR X[4] = {1, 2, 3, 4}, Y[4] = {1, 2, 9, 4};
    unsigned long long r = 0;
    RtlInitUnicodeString(&U, Text);
    r |= (unsigned long long)(U.Length == 6 && U.MaximumLength == 8 && U.Buffer == Text);
    r |= (unsigned long long)(RtlCompareMemory(X, Y, 4) == 2) << 1;
    r |= (unsigned long long)(RtlEqualMemory(X, X, 4)) << 2;
    RtlZeroMemory(Y, sizeof(Y));
    r |= (unsigned long long)(Y[2] == 0) << 3;
    r |= (unsigned long long)(RtlUlongByteSwap(0x11223344) == 0x44332211) << 4;
    return r;
}

#define FACT(x) \
    { #x, (unsigned long long)(x) }

static const USHORT Seven[7];

const struct ddk_fact* nicsim_ddk_facts(unsigned* count) {
    static struct ddk_fact out[128];
    unsigned i;
    const struct ddk_fact facts[] = {
        FACT(sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR)),
        FACT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u)),
        FACT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Affinity)),
        FACT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory.Length)),
        FACT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_LIST, PartialDescriptors)),
        FACT(sizeof(NDIS_PNP_CAPABILITIES)),
        FACT(FIELD_OFFSET(NDIS_PNP_CAPABILITIES, WakeUpCapabilities)),
        FACT(sizeof(NDIS_PM_WAKE_UP_CAPABILITIES)),
        FACT(sizeof(NDIS30_MINIPORT_CHARACTERISTICS)),
        FACT(sizeof(NDIS40_MINIPORT_CHARACTERISTICS)),
        FACT(sizeof(NDIS50_MINIPORT_CHARACTERISTICS)),
        FACT(sizeof(NDIS51_MINIPORT_CHARACTERISTICS)),
        FACT(sizeof(NDIS_MINIPORT_CHARACTERISTICS)),
        FACT(NDIS_MINIPORT_MAJOR_VERSION),
        FACT(NDIS_MINIPORT_MINOR_VERSION),
        FACT(FIELD_OFFSET(NDIS51_MINIPORT_CHARACTERISTICS, SendHandler)),
        FACT(FIELD_OFFSET(NDIS51_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler)),
        FACT(sizeof(UNICODE_STRING)),
        FACT(FIELD_OFFSET(UNICODE_STRING, Buffer)),
        FACT(sizeof(LIST_ENTRY)),
        FACT(sizeof(LARGE_INTEGER)),
        FACT(sizeof(DRIVER_OBJECT)),
        FACT(FIELD_OFFSET(DRIVER_OBJECT, DriverExtension)),
        FACT(FIELD_OFFSET(DRIVER_OBJECT, DriverName)),
        FACT(FIELD_OFFSET(DRIVER_OBJECT, MajorFunction)),
        FACT(sizeof(struct packed1)),
        FACT(sizeof(struct packed2)),
        FACT(sizeof(struct packed4)),
        FACT(sizeof(struct packed2_again)),
        FACT(sizeof(struct natural)),
        FACT(sizeof(UINT64)),
        FACT(sizeof(ULONG64)),
        FACT(sizeof(SIZE_T)),
        FACT(sizeof(NTSTATUS)),
        FACT(sizeof(KIRQL)),
        FACT(PASSIVE_LEVEL),
        FACT(APC_LEVEL),
        FACT(DISPATCH_LEVEL),
        FACT(HIGH_LEVEL),
        FACT(NDIS_PACKET_TYPE_DIRECTED),
        FACT(NDIS_PACKET_TYPE_MULTICAST),
        FACT(NDIS_PACKET_TYPE_ALL_MULTICAST),
        FACT(NDIS_PACKET_TYPE_BROADCAST),
        FACT(NDIS_PACKET_TYPE_SOURCE_ROUTING),
        FACT(NDIS_PACKET_TYPE_PROMISCUOUS),
        FACT(NDIS_PACKET_TYPE_SMT),
        FACT(NDIS_PACKET_TYPE_ALL_LOCAL),
        FACT(NDIS_PACKET_TYPE_GROUP),
        FACT(NDIS_PACKET_TYPE_ALL_FUNCTIONAL),
        FACT(NDIS_PACKET_TYPE_FUNCTIONAL),
        FACT(NDIS_PACKET_TYPE_MAC_FRAME),
        FACT(OID_GEN_SUPPORTED_LIST),
        FACT(OID_GEN_TRANSPORT_HEADER_OFFSET),
        FACT(OID_GEN_MACHINE_NAME),
        FACT(OID_GEN_VLAN_ID),
        FACT(OID_GEN_MEDIA_CAPABILITIES),
        FACT(OID_GEN_PHYSICAL_MEDIUM),
        FACT(OID_GEN_RCV_NO_BUFFER),
        FACT(OID_GEN_RESET_VERIFY_PARAMETERS),
        FACT(OID_GEN_CO_MINIMUM_LINK_SPEED),
        FACT(OID_802_3_XMIT_LATE_COLLISIONS),
        FACT(OID_802_11_BSSID),
        FACT(OID_802_11_INFRASTRUCTURE_MODE),
        FACT(OID_802_11_BSSID_LIST),
        FACT(OID_802_11_STATISTICS),
        FACT(OID_802_11_ENCRYPTION_STATUS),
        FACT(OID_PNP_CAPABILITIES),
        FACT(OID_PNP_ENABLE_WAKE_UP),
        FACT(OID_PNP_WAKE_UP_ERROR),
        FACT(OID_TCP_TASK_OFFLOAD),
        FACT(OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA),
        FACT(NDIS_MINIPORT_BUS_MASTER),
        FACT(NDIS_MINIPORT_DESERIALIZE),
        FACT(NDIS_MINIPORT_64BITS_DMA),
        FACT(NdisDeviceStateD3),
        FACT((ULONG)STATUS_INSUFFICIENT_RESOURCES),
        FACT(NT_SUCCESS(STATUS_INSUFFICIENT_RESOURCES)),
        FACT(NT_ERROR(STATUS_INSUFFICIENT_RESOURCES)),
        FACT(NT_SUCCESS(STATUS_PENDING)),
        FACT(ARRAYSIZE(Seven)),
        FACT(RTL_NUMBER_OF(Seven)),
        FACT(interlocked_results()),
        FACT(list_results()),
        FACT(rtl_results()),
    };
    C_ASSERT(ARRAYSIZE(facts) <= ARRAYSIZE(out));
    for (i = 0; i < ARRAYSIZE(facts); i++) out[i] = facts[i];
    *count = (unsigned)ARRAYSIZE(facts);
    return out;
}
