/* Small miniport shared objects for the loader's and the runtime's tests, one per FIXTURE_* definition: each is
 * a driver written wrong in exactly one way (or, FIXTURE_FAULTS, one whose MiniportInitialize commits the faults
 * the runtime must report). Built like a driver: C99, <ndis.h> from the DDK directory only. */
#include <ndis.h>

#if defined(FIXTURE_NEEDS_MISSING)
/* A name no NDIS provides: loading must fail and name it. */
VOID NdisNicsimNoSuchFunction(VOID);
#endif

#if defined(FIXTURE_SLOW_INIT)
/* Sleeps through a bring-up longer than nicsim's stall limit for a running driver (as real drivers do around a
 * reset or while autonegotiation completes), then fails: the run must report the failed initialisation, not a
 * stall. */
static NDIS_STATUS NTAPI FixtureInitialize(OUT PNDIS_STATUS OpenErrorStatus, OUT PUINT SelectedMediumIndex,
                                           IN PNDIS_MEDIUM MediumArray, IN UINT MediumArraySize,
                                           IN NDIS_HANDLE MiniportAdapterHandle,
                                           IN NDIS_HANDLE WrapperConfigurationContext) {
    ULONG Slept;

    UNREFERENCED_PARAMETER(MediumArray);
    UNREFERENCED_PARAMETER(MediumArraySize);
    UNREFERENCED_PARAMETER(MiniportAdapterHandle);
    UNREFERENCED_PARAMETER(WrapperConfigurationContext);
    *OpenErrorStatus = NDIS_STATUS_SUCCESS;
    *SelectedMediumIndex = 0;
    for (Slept = 0; Slept < 30; Slept++) NdisMSleep(1000);
    DbgPrint("fixture: slept %lu ms\n", Slept);
    return NDIS_STATUS_ADAPTER_NOT_FOUND;
}
#else
static NDIS_STATUS NTAPI FixtureInitialize(OUT PNDIS_STATUS OpenErrorStatus, OUT PUINT SelectedMediumIndex,
                                           IN PNDIS_MEDIUM MediumArray, IN UINT MediumArraySize,
                                           IN NDIS_HANDLE MiniportAdapterHandle,
                                           IN NDIS_HANDLE WrapperConfigurationContext) {
    NDIS_SPIN_LOCK Lock;

    UNREFERENCED_PARAMETER(MediumArray);
    UNREFERENCED_PARAMETER(MediumArraySize);
    UNREFERENCED_PARAMETER(MiniportAdapterHandle);
    UNREFERENCED_PARAMETER(WrapperConfigurationContext);
    *OpenErrorStatus = NDIS_STATUS_SUCCESS;
    *SelectedMediumIndex = 0;
    DbgPrint("fixture: initialize at IRQL %u", (unsigned)KeGetCurrentIrql());
    DbgPrint(" (one line from two calls)\n");
    KdPrint(("fixture: KdPrint %d\n", 7));
    {
        static const WCHAR Wide[] = {'w', 'i', 'd', 'e', 0};
        UNICODE_STRING U;
        ANSI_STRING A;
        RtlInitUnicodeString(&U, Wide);
        RtlInitAnsiString(&A, "ansi");
        /* Windows format rules: %lu is 32 bits (LLP64), I64/I prefixes, UTF-16 strings, counted strings. */
        DbgPrint("fixture: %lu %I64x %ws %wZ %Z %Iu [%-4d] %%\n", (ULONG)4000000000u, (ULONG64)0x123456789abcull, Wide,
                 &U, &A, (SIZE_T)7, 42);
    }
    ASSERT(MediumArraySize == 1000);
    DbgBreakPoint();
    NdisAllocateSpinLock(&Lock);
    NdisAcquireSpinLock(&Lock);
    DbgPrint("fixture: under the lock at IRQL %u\n", (unsigned)KeGetCurrentIrql());
    NdisMSleep(10); /* PASSIVE_LEVEL only */
    NdisReleaseSpinLock(&Lock);
    NdisFreeSpinLock(&Lock);
    return NDIS_STATUS_FAILURE;
}
#endif

static VOID NTAPI FixtureHalt(IN NDIS_HANDLE MiniportAdapterContext) {
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
}

static NDIS_STATUS NTAPI FixtureQuery(IN NDIS_HANDLE Context, IN NDIS_OID Oid, IN PVOID Buffer, IN ULONG Length,
                                      OUT PULONG Written, OUT PULONG Needed) {
    *Written = *Needed = 0;
    return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS NTAPI FixtureSet(IN NDIS_HANDLE Context, IN NDIS_OID Oid, IN PVOID Buffer, IN ULONG Length,
                                    OUT PULONG Read, OUT PULONG Needed) {
    *Read = *Needed = 0;
    return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS NTAPI FixtureReset(OUT PBOOLEAN AddressingReset, IN NDIS_HANDLE Context) {
    *AddressingReset = FALSE;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS NTAPI FixtureSend(IN NDIS_HANDLE Context, IN PNDIS_PACKET Packet, IN UINT Flags) {
    return NDIS_STATUS_FAILURE;
}

#if !defined(FIXTURE_NO_ENTRY)
NTSTATUS NTAPI DriverEntry(IN PDRIVER_OBJECT DriverObject, IN PUNICODE_STRING RegistryPath) {
    NDIS_HANDLE Wrapper = NULL;
    NDIS_MINIPORT_CHARACTERISTICS Chars;
    USHORT i;

#if defined(FIXTURE_NEEDS_MISSING)
    NdisNicsimNoSuchFunction();
#endif
#if defined(FIXTURE_ENTRY_FAILS)
    return NDIS_STATUS_FAILURE;
#endif
    /* What the I/O manager passed, for the test to compare. */
    DbgPrint("fixture: driver object type %d size %d, registry path ", DriverObject->Type, DriverObject->Size);
    for (i = 0; i < RegistryPath->Length / sizeof(WCHAR); i++) DbgPrint("%c", (char)RegistryPath->Buffer[i]);
    DbgPrint("\n");
    NdisMInitializeWrapper(&Wrapper, DriverObject, RegistryPath, NULL);
#if defined(FIXTURE_NEVER_REGISTERS)
    return NDIS_STATUS_SUCCESS;
#endif
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    Chars.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    Chars.InitializeHandler = FixtureInitialize;
    Chars.HaltHandler = FixtureHalt;
    Chars.QueryInformationHandler = FixtureQuery;
    Chars.SetInformationHandler = FixtureSet;
    Chars.ResetHandler = FixtureReset;
    Chars.SendHandler = FixtureSend;
    return NdisMRegisterMiniport(Wrapper, &Chars, sizeof(Chars));
}
#endif
