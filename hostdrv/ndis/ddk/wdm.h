/* The kernel names the DDK's wdm.h gives a driver: IRQLs, the driver object, the Rtl memory and string helpers,
 * the Interlocked operations, doubly and singly linked lists, and the debugging support (DbgPrint, ASSERT,
 * DbgBreakPoint). The Interlocked and list operations are compiler intrinsics or inline functions on Windows too;
 * the rest are functions of the nicsim NDIS runtime, which logs debug output with the simulated time and reports a
 * failed ASSERT, a DbgBreakPoint or a wrong IRQL as a driver fault. */
#ifndef NICSIM_DDK_WDM_H
#define NICSIM_DDK_WDM_H

/* clang-format off */

#include <stdarg.h>
#include <string.h>

#include "ntdef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Interrupt request levels (x64) ---- */
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

NTKERNELAPI KIRQL NTAPI KeGetCurrentIrql(VOID);
NTKERNELAPI KIRQL NTAPI KfRaiseIrql(IN KIRQL NewIrql);
NTKERNELAPI VOID NTAPI KeLowerIrql(IN KIRQL NewIrql);
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))
#define KeRaiseIrqlToDpcLevel() KfRaiseIrql(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeStallExecutionProcessor(IN ULONG MicroSeconds);
NTKERNELAPI VOID NTAPI KeQuerySystemTime(OUT PLARGE_INTEGER CurrentTime);
#define PAGED_CODE() ((void)0)
#define PAGED_CODE_LOCKED() ((void)0)

/* ---- Driver and device objects ---- */
#define IO_TYPE_DRIVER 0x00000004
#define IO_TYPE_DEVICE 0x00000003
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b
struct _DRIVER_OBJECT;
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT; /* owned by the I/O manager: opaque here */
typedef NTSTATUS DRIVER_INITIALIZE(IN struct _DRIVER_OBJECT* DriverObject, IN PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE* PDRIVER_INITIALIZE;
typedef VOID DRIVER_UNLOAD(IN struct _DRIVER_OBJECT* DriverObject);
typedef DRIVER_UNLOAD* PDRIVER_UNLOAD;
typedef NTSTATUS DRIVER_ADD_DEVICE(IN struct _DRIVER_OBJECT* DriverObject, IN PDEVICE_OBJECT PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE* PDRIVER_ADD_DEVICE;
typedef NTSTATUS DRIVER_DISPATCH(IN PDEVICE_OBJECT DeviceObject, IN OUT PVOID Irp);
typedef DRIVER_DISPATCH* PDRIVER_DISPATCH;

typedef struct _DRIVER_EXTENSION {
    struct _DRIVER_OBJECT* DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;
    UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;

typedef struct _DRIVER_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;
    ULONG Flags;
    PVOID DriverStart;
    ULONG DriverSize;
    PVOID DriverSection;
    PDRIVER_EXTENSION DriverExtension;
    UNICODE_STRING DriverName;
    PUNICODE_STRING HardwareDatabase;
    PVOID FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PVOID DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/* ---- Memory and strings ---- */
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlSecureZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
#define RtlCopyBytes RtlCopyMemory
#define RtlZeroBytes RtlZeroMemory
#define RtlFillBytes RtlFillMemory
NTSYSAPI SIZE_T NTAPI RtlCompareMemory(IN const VOID* Source1, IN const VOID* Source2, IN SIZE_T Length);
NTSYSAPI VOID NTAPI RtlInitUnicodeString(OUT PUNICODE_STRING DestinationString, IN PCWSTR SourceString OPTIONAL);
NTSYSAPI VOID NTAPI RtlInitAnsiString(OUT PANSI_STRING DestinationString, IN PCSZ SourceString OPTIONAL);
#define RtlUshortByteSwap(Source) ((USHORT)__builtin_bswap16((USHORT)(Source)))
#define RtlUlongByteSwap(Source) ((ULONG)__builtin_bswap32((ULONG)(Source)))
#define RtlUlonglongByteSwap(Source) ((ULONGLONG)__builtin_bswap64((ULONGLONG)(Source)))
#define RTL_CONSTANT_STRING(s) {sizeof(s) - sizeof((s)[0]), sizeof(s), (s)}

/* ---- Debugging support ---- */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000
#define DPFLTR_DEFAULT_ID 101
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_IHVNETWORK_ID 79

NTSYSAPI ULONG __cdecl DbgPrint(IN PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
NTSYSAPI ULONG __cdecl DbgPrintEx(IN ULONG ComponentId, IN ULONG Level, IN PCSTR Format, ...)
    __attribute__((format(printf, 3, 4)));
NTSYSAPI ULONG NTAPI vDbgPrintEx(IN ULONG ComponentId, IN ULONG Level, IN PCSTR Format, IN va_list arglist);
NTSYSAPI VOID NTAPI DbgBreakPoint(VOID);
NTSYSAPI VOID NTAPI RtlAssert(IN PVOID FailedAssertion, IN PVOID FileName, IN ULONG LineNumber,
                              IN PSTR Message OPTIONAL);
/* nicsim: DbgBreakPoint with the place it was called from, which the fault report names. */
VOID NicsimDbgBreakPoint(IN PCSTR FileName, IN ULONG LineNumber);
#define DbgBreakPoint() NicsimDbgBreakPoint(__FILE__, __LINE__)

#if DBG
#define ASSERT(exp) ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define RTL_SOFT_ASSERT(exp) ASSERT(exp)
#define RTL_SOFT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define RTL_VERIFY ASSERT
#define RTL_VERIFYMSG ASSERTMSG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define vKdPrintEx(_x_) vDbgPrintEx _x_
#define KdBreakPoint() DbgBreakPoint()
#else
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#define RTL_SOFT_ASSERT(exp) ((void)0)
#define RTL_SOFT_ASSERTMSG(msg, exp) ((void)0)
#define RTL_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define RTL_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#define KdPrint(_x_)
#define KdPrintEx(_x_)
#define vKdPrintEx(_x_)
#define KdBreakPoint()
#endif
#define NT_ASSERT(exp) ASSERT(exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define NT_ASSERTMSGW(msg, exp) ASSERT(exp)
#define NT_VERIFY(exp) ((exp) ? TRUE : (ASSERT(exp), FALSE))
#define NT_VERIFYMSG(msg, exp) ((exp) ? TRUE : (ASSERTMSG(msg, exp), FALSE))
#define NT_FRE_ASSERT(exp) ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)

/* ---- Interlocked operations (intrinsics on Windows; full barriers, return values as documented) ---- */
FORCEINLINE LONG InterlockedIncrement(IN OUT LONG volatile* Addend) { return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedDecrement(IN OUT LONG volatile* Addend) { return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedExchange(IN OUT LONG volatile* Target, IN LONG Value) { return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedExchangeAdd(IN OUT LONG volatile* Addend, IN LONG Value) { return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedAdd(IN OUT LONG volatile* Addend, IN LONG Value) { return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedOr(IN OUT LONG volatile* Destination, IN LONG Value) { return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedAnd(IN OUT LONG volatile* Destination, IN LONG Value) { return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedXor(IN OUT LONG volatile* Destination, IN LONG Value) { return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG InterlockedCompareExchange(IN OUT LONG volatile* Destination, IN LONG Exchange, IN LONG Comparand) {
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return Comparand;
}
FORCEINLINE LONG64 InterlockedIncrement64(IN OUT LONG64 volatile* Addend) { return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedDecrement64(IN OUT LONG64 volatile* Addend) { return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedExchange64(IN OUT LONG64 volatile* Target, IN LONG64 Value) { return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedExchangeAdd64(IN OUT LONG64 volatile* Addend, IN LONG64 Value) { return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedAdd64(IN OUT LONG64 volatile* Addend, IN LONG64 Value) { return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedOr64(IN OUT LONG64 volatile* Destination, IN LONG64 Value) { return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedAnd64(IN OUT LONG64 volatile* Destination, IN LONG64 Value) { return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE LONG64 InterlockedCompareExchange64(IN OUT LONG64 volatile* Destination, IN LONG64 Exchange, IN LONG64 Comparand) {
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return Comparand;
}
FORCEINLINE PVOID InterlockedExchangePointer(IN OUT PVOID volatile* Target, IN PVOID Value) { return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST); }
FORCEINLINE PVOID InterlockedCompareExchangePointer(IN OUT PVOID volatile* Destination, IN PVOID Exchange, IN PVOID Comparand) {
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return Comparand;
}
/* The compiler's intrinsics take any 32-bit (or 64-bit, pointer) integer lvalue, LONG or ULONG alike: so do these. */
#define InterlockedIncrement(a) InterlockedIncrement((LONG volatile*)(a))
#define InterlockedDecrement(a) InterlockedDecrement((LONG volatile*)(a))
#define InterlockedExchange(t, v) InterlockedExchange((LONG volatile*)(t), (LONG)(v))
#define InterlockedExchangeAdd(a, v) InterlockedExchangeAdd((LONG volatile*)(a), (LONG)(v))
#define InterlockedAdd(a, v) InterlockedAdd((LONG volatile*)(a), (LONG)(v))
#define InterlockedOr(d, v) InterlockedOr((LONG volatile*)(d), (LONG)(v))
#define InterlockedAnd(d, v) InterlockedAnd((LONG volatile*)(d), (LONG)(v))
#define InterlockedXor(d, v) InterlockedXor((LONG volatile*)(d), (LONG)(v))
#define InterlockedCompareExchange(d, e, c) InterlockedCompareExchange((LONG volatile*)(d), (LONG)(e), (LONG)(c))
#define InterlockedIncrement64(a) InterlockedIncrement64((LONG64 volatile*)(a))
#define InterlockedDecrement64(a) InterlockedDecrement64((LONG64 volatile*)(a))
#define InterlockedExchange64(t, v) InterlockedExchange64((LONG64 volatile*)(t), (LONG64)(v))
#define InterlockedExchangeAdd64(a, v) InterlockedExchangeAdd64((LONG64 volatile*)(a), (LONG64)(v))
#define InterlockedAdd64(a, v) InterlockedAdd64((LONG64 volatile*)(a), (LONG64)(v))
#define InterlockedOr64(d, v) InterlockedOr64((LONG64 volatile*)(d), (LONG64)(v))
#define InterlockedAnd64(d, v) InterlockedAnd64((LONG64 volatile*)(d), (LONG64)(v))
#define InterlockedCompareExchange64(d, e, c) \
    InterlockedCompareExchange64((LONG64 volatile*)(d), (LONG64)(e), (LONG64)(c))
#define InterlockedExchangePointer(t, v) InterlockedExchangePointer((PVOID volatile*)(t), (PVOID)(v))
#define InterlockedCompareExchangePointer(d, e, c) \
    InterlockedCompareExchangePointer((PVOID volatile*)(d), (PVOID)(e), (PVOID)(c))
/* The DDK declares the compiler intrinsics under their own names (_InterlockedOr ...) and defines the plain names
   as those; drivers call either spelling. */
#define _InterlockedIncrement InterlockedIncrement
#define _InterlockedDecrement InterlockedDecrement
#define _InterlockedExchange InterlockedExchange
#define _InterlockedExchangeAdd InterlockedExchangeAdd
#define _InterlockedOr InterlockedOr
#define _InterlockedAnd InterlockedAnd
#define _InterlockedXor InterlockedXor
#define _InterlockedCompareExchange InterlockedCompareExchange
#define _InterlockedIncrement64 InterlockedIncrement64
#define _InterlockedDecrement64 InterlockedDecrement64
#define _InterlockedExchange64 InterlockedExchange64
#define _InterlockedExchangeAdd64 InterlockedExchangeAdd64
#define _InterlockedOr64 InterlockedOr64
#define _InterlockedAnd64 InterlockedAnd64
#define _InterlockedCompareExchange64 InterlockedCompareExchange64
#define _InterlockedExchangePointer InterlockedExchangePointer
#define _InterlockedCompareExchangePointer InterlockedCompareExchangePointer
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedIncrementRelease InterlockedIncrement
#define InterlockedDecrementAcquire InterlockedDecrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedExchangeAddSizeT(a, b) ((SIZE_T)InterlockedExchangeAdd64((LONG64 volatile*)(a), (LONG64)(b)))
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile*)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile*)(a)))
#define KeMemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define KeMemoryBarrierWithoutFence() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define _ReadWriteBarrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

/* ---- Doubly and singly linked lists ---- */
FORCEINLINE VOID InitializeListHead(OUT PLIST_ENTRY ListHead) { ListHead->Flink = ListHead->Blink = ListHead; }
FORCEINLINE BOOLEAN IsListEmpty(IN const LIST_ENTRY* ListHead) { return (BOOLEAN)(ListHead->Flink == ListHead); }
FORCEINLINE BOOLEAN RemoveEntryList(IN PLIST_ENTRY Entry) {
    PLIST_ENTRY Flink = Entry->Flink, Blink = Entry->Blink;
    Blink->Flink = Flink;
    Flink->Blink = Blink;
    return (BOOLEAN)(Flink == Blink);
}
FORCEINLINE PLIST_ENTRY RemoveHeadList(IN OUT PLIST_ENTRY ListHead) {
    PLIST_ENTRY Entry = ListHead->Flink;
    RemoveEntryList(Entry);
    return Entry;
}
FORCEINLINE PLIST_ENTRY RemoveTailList(IN OUT PLIST_ENTRY ListHead) {
    PLIST_ENTRY Entry = ListHead->Blink;
    RemoveEntryList(Entry);
    return Entry;
}
FORCEINLINE VOID InsertTailList(IN OUT PLIST_ENTRY ListHead, IN OUT PLIST_ENTRY Entry) {
    PLIST_ENTRY Blink = ListHead->Blink;
    Entry->Flink = ListHead;
    Entry->Blink = Blink;
    Blink->Flink = Entry;
    ListHead->Blink = Entry;
}
FORCEINLINE VOID InsertHeadList(IN OUT PLIST_ENTRY ListHead, IN OUT PLIST_ENTRY Entry) {
    PLIST_ENTRY Flink = ListHead->Flink;
    Entry->Flink = Flink;
    Entry->Blink = ListHead;
    Flink->Blink = Entry;
    ListHead->Flink = Entry;
}
FORCEINLINE VOID AppendTailList(IN OUT PLIST_ENTRY ListHead, IN OUT PLIST_ENTRY ListToAppend) {
    PLIST_ENTRY ListEnd = ListHead->Blink;
    ListHead->Blink->Flink = ListToAppend;
    ListHead->Blink = ListToAppend->Blink;
    ListToAppend->Blink->Flink = ListHead;
    ListToAppend->Blink = ListEnd;
}
FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(IN OUT PSINGLE_LIST_ENTRY ListHead) {
    PSINGLE_LIST_ENTRY FirstEntry = ListHead->Next;
    if (FirstEntry != NULL) ListHead->Next = FirstEntry->Next;
    return FirstEntry;
}
FORCEINLINE VOID PushEntryList(IN OUT PSINGLE_LIST_ENTRY ListHead, IN OUT PSINGLE_LIST_ENTRY Entry) {
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

#ifdef __cplusplus
}
#endif

/* clang-format on */

#endif /* NICSIM_DDK_WDM_H */
