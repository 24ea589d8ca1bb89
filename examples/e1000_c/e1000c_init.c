/* e1000c: DriverEntry, MiniportInitialize (resources, DMA, shared memory, device, interrupt), MiniportHalt,
 * MiniportReset and MiniportCheckForHang. */
#include "e1000c.h"

static NDIS_STATUS E1000cFindResources(IN PE1000C_ADAPTER Adapter) {
    NDIS_STATUS Status;
    PNDIS_RESOURCE_LIST List = NULL;
    UINT Size = 0;
    BOOLEAN HaveMemory = FALSE, HaveInterrupt = FALSE;
    ULONG i;

    /* First call: how large the list is. */
    NdisMQueryAdapterResources(&Status, Adapter->WrapperContext, NULL, &Size);
    if (Status != NDIS_STATUS_RESOURCES || Size == 0) return NDIS_STATUS_ADAPTER_NOT_FOUND;
    if (NdisAllocateMemoryWithTag((PVOID*)&List, Size, E1000C_TAG) != NDIS_STATUS_SUCCESS) return NDIS_STATUS_RESOURCES;
    NdisMQueryAdapterResources(&Status, Adapter->WrapperContext, List, &Size);
    if (Status == NDIS_STATUS_SUCCESS) {
        for (i = 0; i < List->Count; i++) {
            PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor = &List->PartialDescriptors[i];
            if (Descriptor->Type == CmResourceTypeMemory && !HaveMemory &&
                Descriptor->u.Memory.Length >= E1000C_CSR_SIZE) {
                Adapter->CsrPhysical = Descriptor->u.Memory.Start;
                Adapter->CsrLength = Descriptor->u.Memory.Length;
                HaveMemory = TRUE;
            } else if (Descriptor->Type == CmResourceTypeInterrupt) {
                Adapter->InterruptLevel = Descriptor->u.Interrupt.Level;
                Adapter->InterruptVector = Descriptor->u.Interrupt.Vector;
                HaveInterrupt = TRUE;
            }
        }
    }
    NdisFreeMemory(List, Size, 0);
    if (Status != NDIS_STATUS_SUCCESS) return Status;
    return HaveMemory && HaveInterrupt ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCE_CONFLICT;
}

/* An integer keyword of the adapter's registry key, or Default when it is absent or not an integer. The name is
 * converted with NdisInitializeString: NDIS_STRING_CONST needs UTF-16 literals, which C99 does not have. */
static ULONG E1000cReadKeyword(IN NDIS_HANDLE Configuration, IN const char* Name, IN ULONG Default) {
    NDIS_STATUS Status;
    NDIS_STRING Keyword;
    PNDIS_CONFIGURATION_PARAMETER Value = NULL;
    ULONG Result = Default;

    NdisInitializeString(&Keyword, (PUCHAR)Name);
    if (Keyword.Buffer == NULL) return Default;
    NdisReadConfiguration(&Status, &Value, Configuration, &Keyword, NdisParameterInteger);
    if (Status == NDIS_STATUS_SUCCESS && Value != NULL && Value->ParameterType == NdisParameterInteger)
        Result = Value->ParameterData.IntegerData;
    NdisFreeString(Keyword);
    return Result;
}

/* DmaAddressBits (32 or 64) says how far the NIC's DMA reaches, as the INF sets it for the slot the card sits in;
 * MaximumPhysicalMapping bounds one scatter-gather list (never below a frame: a send is mapped whole);
 * WaitAutoNegComplete (0 or 1) makes initialization wait for the link. */
static NDIS_STATUS E1000cReadConfiguration(IN PE1000C_ADAPTER Adapter) {
    NDIS_STATUS Status;
    NDIS_HANDLE Configuration = NULL;
    ULONG Bits, Mapping;

    NdisOpenConfiguration(&Status, &Configuration, Adapter->WrapperContext);
    if (Status != NDIS_STATUS_SUCCESS) return Status;
    Bits = E1000cReadKeyword(Configuration, "DmaAddressBits", 64);
    Mapping = E1000cReadKeyword(Configuration, "MaximumPhysicalMapping", E1000C_MAX_FRAME);
    Adapter->WaitAutoNegComplete = (BOOLEAN)(E1000cReadKeyword(Configuration, "WaitAutoNegComplete", 0) != 0);
    NdisCloseConfiguration(Configuration);
    if (Bits != 32 && Bits != 64) {
        DbgPrint("e1000c: DmaAddressBits %u is neither 32 nor 64\n", (unsigned)Bits);
        return NDIS_STATUS_INVALID_DATA;
    }
    Adapter->Dma64 = (BOOLEAN)(Bits == 64);
    Adapter->MaximumPhysicalMapping = Mapping < E1000C_MAX_FRAME     ? E1000C_MAX_FRAME
                                      : Mapping > E1000C_MAX_MAPPING ? E1000C_MAX_MAPPING
                                                                     : Mapping;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS E1000cAllocateShared(IN PE1000C_ADAPTER Adapter) {
    NdisMAllocateSharedMemory(Adapter->MiniportHandle, E1000C_TX_DESCRIPTORS * sizeof(E1000C_TX_DESC), FALSE,
                              (PVOID*)&Adapter->TxRing, &Adapter->TxRingPhysical);
    NdisMAllocateSharedMemory(Adapter->MiniportHandle, E1000C_RX_DESCRIPTORS * sizeof(E1000C_RX_DESC), FALSE,
                              (PVOID*)&Adapter->RxRing, &Adapter->RxRingPhysical);
    NdisMAllocateSharedMemory(Adapter->MiniportHandle, E1000C_RX_DESCRIPTORS * E1000C_RX_BUFFER_SIZE, FALSE,
                              (PVOID*)&Adapter->RxBuffers, &Adapter->RxBuffersPhysical);
    if (Adapter->TxRing == NULL || Adapter->RxRing == NULL || Adapter->RxBuffers == NULL) return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter->TxRing, E1000C_TX_DESCRIPTORS * sizeof(E1000C_TX_DESC));
    return NDIS_STATUS_SUCCESS;
}

/* Gives back everything Initialize obtained, whichever step it reached. */
static VOID E1000cRelease(IN PE1000C_ADAPTER Adapter) {
    if (Adapter->InterruptRegistered) NdisMDeregisterInterrupt(&Adapter->Interrupt);
    if (Adapter->RxBuffers != NULL)
        NdisMFreeSharedMemory(Adapter->MiniportHandle, E1000C_RX_DESCRIPTORS * E1000C_RX_BUFFER_SIZE, FALSE,
                              Adapter->RxBuffers, Adapter->RxBuffersPhysical);
    if (Adapter->RxRing != NULL)
        NdisMFreeSharedMemory(Adapter->MiniportHandle, E1000C_RX_DESCRIPTORS * sizeof(E1000C_RX_DESC), FALSE,
                              Adapter->RxRing, Adapter->RxRingPhysical);
    if (Adapter->TxRing != NULL)
        NdisMFreeSharedMemory(Adapter->MiniportHandle, E1000C_TX_DESCRIPTORS * sizeof(E1000C_TX_DESC), FALSE,
                              Adapter->TxRing, Adapter->TxRingPhysical);
    if (Adapter->CsrBase != NULL) NdisMUnmapIoSpace(Adapter->MiniportHandle, Adapter->CsrBase, Adapter->CsrLength);
    NdisFreeMemory(Adapter, sizeof(E1000C_ADAPTER), 0);
}

static NDIS_STATUS E1000cCheckIdentity(IN NDIS_HANDLE MiniportHandle) {
    PCI_COMMON_CONFIG Config;
    ULONG Read = NdisReadPciSlotInformation(MiniportHandle, 0, 0, &Config, PCI_COMMON_HDR_LENGTH);
    if (Read != PCI_COMMON_HDR_LENGTH || Config.VendorID != E1000C_VENDOR_INTEL ||
        (Config.DeviceID != E1000C_DEVICE_82540EM && Config.DeviceID != E1000C_DEVICE_82545EM)) {
        DbgPrint("e1000c: no 82540EM in this slot\n");
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    }
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS NTAPI E1000cInitialize(OUT PNDIS_STATUS OpenErrorStatus, OUT PUINT SelectedMediumIndex,
                                          IN PNDIS_MEDIUM MediumArray, IN UINT MediumArraySize,
                                          IN NDIS_HANDLE MiniportAdapterHandle,
                                          IN NDIS_HANDLE WrapperConfigurationContext) {
    PE1000C_ADAPTER Adapter = NULL;
    NDIS_STATUS Status;
    UINT i;

    ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
    *OpenErrorStatus = NDIS_STATUS_SUCCESS;
    for (i = 0; i < MediumArraySize && MediumArray[i] != NdisMedium802_3; i++) continue;
    if (i == MediumArraySize) return NDIS_STATUS_UNSUPPORTED_MEDIA;
    *SelectedMediumIndex = i;

    Status = E1000cCheckIdentity(MiniportAdapterHandle);
    if (Status != NDIS_STATUS_SUCCESS) return Status;
    if (NdisAllocateMemoryWithTag((PVOID*)&Adapter, sizeof(E1000C_ADAPTER), E1000C_TAG) != NDIS_STATUS_SUCCESS)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(E1000C_ADAPTER));
    Adapter->MiniportHandle = MiniportAdapterHandle;
    Adapter->WrapperContext = WrapperConfigurationContext;
    Adapter->Lookahead = E1000C_MAX_LOOKAHEAD;

    /* Serialized (no NDIS_ATTRIBUTE_DESERIALIZE): NDIS queues sends and never calls two handlers at once. */
    NdisMSetAttributesEx(MiniportAdapterHandle, Adapter, 0, NDIS_ATTRIBUTE_BUS_MASTER, NdisInterfacePci);

    Status = E1000cReadConfiguration(Adapter);
    if (Status == NDIS_STATUS_SUCCESS) Status = E1000cFindResources(Adapter);
    if (Status == NDIS_STATUS_SUCCESS)
        Status =
            NdisMMapIoSpace((PVOID*)&Adapter->CsrBase, MiniportAdapterHandle, Adapter->CsrPhysical, Adapter->CsrLength);
    /* A send is at most one frame: NDIS never builds a scatter-gather list for more than MaximumPhysicalMapping
     * bytes. Without 64-bit addresses the HAL keeps every list (bouncing if it must) and NDIS keeps the shared
     * memory below 4 GiB. */
    if (Status == NDIS_STATUS_SUCCESS)
        Status =
            NdisMInitializeScatterGatherDma(MiniportAdapterHandle, Adapter->Dma64, Adapter->MaximumPhysicalMapping);
    if (Status == NDIS_STATUS_SUCCESS) Status = E1000cAllocateShared(Adapter);
    if (Status == NDIS_STATUS_SUCCESS && !E1000cReset(Adapter)) Status = NDIS_STATUS_DEVICE_FAILED;
    if (Status == NDIS_STATUS_SUCCESS) Status = E1000cReadPermanentAddress(Adapter);
    if (Status == NDIS_STATUS_SUCCESS) {
        NdisMoveMemory(Adapter->CurrentAddress, Adapter->PermanentAddress, ETH_LENGTH_OF_ADDRESS);
        Status = NdisMRegisterInterrupt(&Adapter->Interrupt, MiniportAdapterHandle, Adapter->InterruptVector,
                                        Adapter->InterruptLevel, TRUE, TRUE, NdisInterruptLevelSensitive);
        Adapter->InterruptRegistered = (BOOLEAN)(Status == NDIS_STATUS_SUCCESS);
    }
    if (Status != NDIS_STATUS_SUCCESS) {
        DbgPrint("e1000c: initialization failed, status 0x%08x\n", (unsigned)Status);
        E1000cRelease(Adapter);
        return Status;
    }
    if (Adapter->WaitAutoNegComplete) E1000cWaitForLink(Adapter);
    E1000cStart(Adapter);
    DbgPrint("e1000c: %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", Adapter->CurrentAddress[0], Adapter->CurrentAddress[1],
             Adapter->CurrentAddress[2], Adapter->CurrentAddress[3], Adapter->CurrentAddress[4],
             Adapter->CurrentAddress[5], Adapter->MediaState == NdisMediaStateConnected ? "up" : "down");
    return NDIS_STATUS_SUCCESS;
}

static VOID NTAPI E1000cHalt(IN NDIS_HANDLE MiniportAdapterContext) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;

    ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
    E1000cStop(Adapter);
    E1000cRelease(Adapter);
}

/* A reset drops what the rings held: sends in flight complete as failed, the device starts again from scratch. */
static NDIS_STATUS NTAPI E1000cResetHandler(OUT PBOOLEAN AddressingReset, IN NDIS_HANDLE MiniportAdapterContext) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    PNDIS_PACKET Dropped[E1000C_TX_DESCRIPTORS];
    ULONG Count = 0, i;

    E1000cStop(Adapter);
    for (i = 0; i < E1000C_TX_DESCRIPTORS; i++) {
        if (Adapter->TxPacket[i] != NULL) Dropped[Count++] = Adapter->TxPacket[i];
        Adapter->TxPacket[i] = NULL;
    }
    NdisZeroMemory(Adapter->TxRing, E1000C_TX_DESCRIPTORS * sizeof(E1000C_TX_DESC));
    E1000cStart(Adapter);
    for (i = 0; i < Count; i++) NdisMSendComplete(Adapter->MiniportHandle, Dropped[i], NDIS_STATUS_REQUEST_ABORTED);
    *AddressingReset = TRUE; /* filters and addresses are reprogrammed from the adapter's copy, NDIS may resend */
    return NDIS_STATUS_SUCCESS;
}

/* Hung: descriptors were waiting on the NIC at the previous check and none of them has completed since. */
static BOOLEAN NTAPI E1000cCheckForHang(IN NDIS_HANDLE MiniportAdapterContext) {
    PE1000C_ADAPTER Adapter = (PE1000C_ADAPTER)MiniportAdapterContext;
    BOOLEAN Busy = (BOOLEAN)(Adapter->TxFree < E1000C_TX_DESCRIPTORS);
    BOOLEAN Hung = (BOOLEAN)(Busy && Adapter->HangCheckBusy && Adapter->HangCheckHead == Adapter->TxHead);

    Adapter->HangCheckBusy = Busy;
    Adapter->HangCheckHead = Adapter->TxHead;
    return Hung;
}

NTSTATUS NTAPI DriverEntry(IN PDRIVER_OBJECT DriverObject, IN PUNICODE_STRING RegistryPath) {
    NDIS_HANDLE Wrapper = NULL;
    NDIS_MINIPORT_CHARACTERISTICS Characteristics;
    NDIS_STATUS Status;

    NdisMInitializeWrapper(&Wrapper, DriverObject, RegistryPath, NULL);
    if (Wrapper == NULL) return NDIS_STATUS_FAILURE;

    NdisZeroMemory(&Characteristics, sizeof(Characteristics));
    Characteristics.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    Characteristics.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    Characteristics.InitializeHandler = E1000cInitialize;
    Characteristics.HaltHandler = E1000cHalt;
    Characteristics.ResetHandler = E1000cResetHandler;
    Characteristics.CheckForHangHandler = E1000cCheckForHang;
    Characteristics.QueryInformationHandler = E1000cQueryInformation;
    Characteristics.SetInformationHandler = E1000cSetInformation;
    Characteristics.SendHandler = E1000cSend;
    Characteristics.TransferDataHandler = E1000cTransferData;
    Characteristics.ISRHandler = E1000cIsr;
    Characteristics.HandleInterruptHandler = E1000cHandleInterrupt;
    Characteristics.EnableInterruptHandler = E1000cEnableInterrupt;
    Characteristics.DisableInterruptHandler = E1000cDisableInterrupt;

    Status = NdisMRegisterMiniport(Wrapper, &Characteristics, sizeof(Characteristics));
    if (Status != NDIS_STATUS_SUCCESS) {
        DbgPrint("e1000c: NdisMRegisterMiniport failed, status 0x%08x\n", (unsigned)Status);
        NdisTerminateWrapper(Wrapper, NULL);
    }
    return Status;
}
