// The NDIS library functions of ndis.h. Handle-carrying calls go to the NdisHost the handle names (the adapter and
// wrapper handles are the NdisHost itself); the others use NdisHost::current().
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "hostdrv/ndis/block_recycler.h"
#include "hostdrv/ndis/ndis.h"
#include "hostdrv/ndis/ndis_host.h"

using nicsim::ndis::free_block;
using nicsim::ndis::NdisHost;
using nicsim::ndis::zalloc_block;

struct _NDIS_PACKET_POOL {
    UINT capacity;
    UINT in_use;
    UINT packet_size;
    USHORT oob_offset;
};

namespace {

constexpr size_t kPage = nicsim::ndis::PageAllocator::kPage;
constexpr ULONG kMaxMdlPages = (0x7FFF - sizeof(MDL)) / sizeof(PFN_NUMBER);  // 16 MiB of buffer

struct BufferPool {
    UINT capacity;
    UINT in_use;
};

/// The host a handle names: the handle itself when it is a live NdisHost, else the current host.
NdisHost* host_of(NDIS_HANDLE h) {
    return NdisHost::from_handle(h);
}

NdisHost* host_or_complain(const char* fn) {
    NdisHost* h = NdisHost::current();
    if (!h) std::fprintf(stderr, "Warning: nicsim/ndis/no-host: %s called with no NdisHost\n", fn);
    return h;
}

void report(const char* what, const std::string& msg) {
    if (NdisHost* h = NdisHost::current())
        h->violation(what, msg);
    else
        std::fprintf(stderr, "Warning: nicsim/ndis/%s: %s\n", what, msg.c_str());
}

// A buffer pool handle remembers its counters; each MDL remembers its pool in Process (unused otherwise).
BufferPool* pool_of(PNDIS_BUFFER b) {
    return static_cast<BufferPool*>(b->Process);
}

// Driver Verifier's IRQL rules of the NDIS functions (NDIS 5.1 DDK reference, each function's IRQL requirement):
// a call outside them is a violation "irql"; the call still goes ahead.
void passive_only(NdisHost* h, const char* fn) {
    if (h) h->check_irql(fn, PASSIVE_LEVEL);
}
void up_to_dispatch(NdisHost* h, const char* fn) {
    if (h) h->check_irql(fn, DISPATCH_LEVEL);
}
void dispatch_only(NdisHost* h, const char* fn) {
    if (h) h->check_irql(fn, DISPATCH_LEVEL, DISPATCH_LEVEL);
}

void acquire(PNDIS_SPIN_LOCK SpinLock) {
    if (!SpinLock) return;
    if (SpinLock->SpinLock) {
        report("spinlock-recursion", "spin lock acquired while already held (deadlock on a real system)");
        return;
    }
    SpinLock->SpinLock = 1;
    SpinLock->OldIrql = 0;  // PASSIVE_LEVEL
    if (NdisHost* h = NdisHost::current()) h->api_lock_acquired();
}

// Configuration parameters handed out by NdisReadConfiguration live until NdisCloseConfiguration.
std::vector<std::unique_ptr<NDIS_CONFIGURATION_PARAMETER>> g_config_params;

std::string narrow(const NDIS_STRING* s) {
    std::string out;
    if (!s || !s->Buffer) return out;
    for (USHORT i = 0; i < s->Length / 2; ++i) out += static_cast<char>(s->Buffer[i] & 0x7F);
    return out;
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------- setup

VOID NdisMInitializeWrapper(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1, PVOID SystemSpecific2,
                            PVOID SystemSpecific3) {
    NdisHost* h = host_of(SystemSpecific1);
    if (NdisWrapperHandle) *NdisWrapperHandle = h;
    if (h) h->api_initialize_wrapper();
}

NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE NdisWrapperHandle, PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                  UINT CharacteristicsLength) {
    passive_only(NdisHost::from_handle(NdisWrapperHandle), "NdisMRegisterMiniport");
    NdisHost* h = host_of(NdisWrapperHandle);
    if (!h) return NDIS_STATUS_FAILURE;
    return h->api_register_miniport(MiniportCharacteristics, CharacteristicsLength);
}

VOID NdisTerminateWrapper(NDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific) {
    if (NdisHost* h = host_of(NdisWrapperHandle)) h->api_terminate_wrapper();
}

VOID NdisMSetAttributes(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext, BOOLEAN BusMaster,
                        NDIS_INTERFACE_TYPE AdapterType) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMSetAttributes");
    if (NdisHost* h = host_of(MiniportAdapterHandle))
        h->api_set_attributes(MiniportAdapterContext, BusMaster ? NDIS_ATTRIBUTE_BUS_MASTER : 0, 0);
}

VOID NdisMSetAttributesEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          UINT CheckForHangTimeInSeconds, ULONG AttributeFlags, NDIS_INTERFACE_TYPE AdapterType) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMSetAttributesEx");
    if (NdisHost* h = host_of(MiniportAdapterHandle))
        h->api_set_attributes(MiniportAdapterContext, AttributeFlags, CheckForHangTimeInSeconds);
}

VOID NdisMRegisterAdapterShutdownHandler(NDIS_HANDLE MiniportHandle, PVOID ShutdownContext,
                                         ADAPTER_SHUTDOWN_HANDLER ShutdownHandler) {
    passive_only(NdisHost::from_handle(MiniportHandle), "NdisMRegisterAdapterShutdownHandler");
    if (NdisHost* h = host_of(MiniportHandle)) h->api_set_shutdown_handler(ShutdownContext, ShutdownHandler);
}

VOID NdisMDeregisterAdapterShutdownHandler(NDIS_HANDLE MiniportHandle) {
    passive_only(NdisHost::from_handle(MiniportHandle), "NdisMDeregisterAdapterShutdownHandler");
    if (NdisHost* h = host_of(MiniportHandle)) h->api_set_shutdown_handler(nullptr, nullptr);
}

VOID NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode, ULONG NumberOfErrorValues, ...) {
    up_to_dispatch(NdisHost::from_handle(NdisAdapterHandle), "NdisWriteErrorLogEntry");
    std::string msg = "error log entry " + std::to_string(ErrorCode);
    va_list ap;
    va_start(ap, NumberOfErrorValues);
    for (ULONG i = 0; i < NumberOfErrorValues && i < 16; ++i) msg += " " + std::to_string(va_arg(ap, ULONG));
    va_end(ap);
    report("error-log", msg);
}

// ---------------------------------------------------------------- configuration

VOID NdisInitializeString(PNDIS_STRING Destination, PUCHAR Source) {
    if (!Destination) return;
    const size_t n = Source ? std::strlen(reinterpret_cast<const char*>(Source)) : 0;
    Destination->Buffer = static_cast<PWSTR>(std::calloc(n + 1, sizeof(WCHAR)));
    for (size_t i = 0; i < n && Destination->Buffer; ++i) Destination->Buffer[i] = Source[i];
    Destination->Length = static_cast<USHORT>(Destination->Buffer ? n * 2 : 0);
    Destination->MaximumLength = static_cast<USHORT>(Destination->Buffer ? n * 2 + 2 : 0);
}

VOID NdisFreeString(NDIS_STRING String) {
    std::free(String.Buffer);
}

VOID NdisOpenConfiguration(PNDIS_STATUS Status, PNDIS_HANDLE ConfigurationHandle,
                           NDIS_HANDLE WrapperConfigurationContext) {
    passive_only(NdisHost::from_handle(WrapperConfigurationContext), "NdisOpenConfiguration");
    NdisHost* h = host_of(WrapperConfigurationContext);
    if (ConfigurationHandle) *ConfigurationHandle = h;
    if (Status) *Status = h ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER* ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword, NDIS_PARAMETER_TYPE ParameterType) {
    passive_only(NdisHost::from_handle(ConfigurationHandle), "NdisReadConfiguration");
    NdisHost* h = host_of(ConfigurationHandle);
    ULONG v = 0;
    if (!Status || !ParameterValue) return;
    *ParameterValue = nullptr;
    if (!h || !h->api_read_config(narrow(Keyword), v) ||
        (ParameterType != NdisParameterInteger && ParameterType != NdisParameterHexInteger)) {
        *Status = NDIS_STATUS_FAILURE;
        return;
    }
    auto p = std::make_unique<NDIS_CONFIGURATION_PARAMETER>();
    p->ParameterType = ParameterType;
    p->ParameterData.IntegerData = v;
    *ParameterValue = p.get();
    g_config_params.push_back(std::move(p));
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID* NetworkAddress, PUINT NetworkAddressLength,
                            NDIS_HANDLE ConfigurationHandle) {
    passive_only(NdisHost::from_handle(ConfigurationHandle), "NdisReadNetworkAddress");
    NdisHost* h = host_of(ConfigurationHandle);
    if (!Status || !NetworkAddress || !NetworkAddressLength) return;
    if (!h || h->api_network_address().empty()) {
        *Status = NDIS_STATUS_FAILURE;
        *NetworkAddress = nullptr;
        *NetworkAddressLength = 0;
        return;
    }
    *NetworkAddress = const_cast<uint8_t*>(h->api_network_address().data());
    *NetworkAddressLength = static_cast<UINT>(h->api_network_address().size());
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle) {
    g_config_params.clear();
}

// ---------------------------------------------------------------- PCI and resources

ULONG NdisReadPciSlotInformation(NDIS_HANDLE NdisAdapterHandle, ULONG SlotNumber, ULONG Offset, PVOID Buffer,
                                 ULONG Length) {
    NdisHost* h = host_of(NdisAdapterHandle);
    return h && Buffer ? h->api_pci_read(Offset, Buffer, Length) : 0;
}

ULONG NdisWritePciSlotInformation(NDIS_HANDLE NdisAdapterHandle, ULONG SlotNumber, ULONG Offset, PVOID Buffer,
                                  ULONG Length) {
    NdisHost* h = host_of(NdisAdapterHandle);
    return h && Buffer ? h->api_pci_write(Offset, Buffer, Length) : 0;
}

VOID NdisMQueryAdapterResources(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext,
                                PNDIS_RESOURCE_LIST ResourceList, PUINT BufferSize) {
    passive_only(NdisHost::from_handle(WrapperConfigurationContext), "NdisMQueryAdapterResources");
    NdisHost* h = host_of(WrapperConfigurationContext);
    const NDIS_STATUS st = h ? h->api_query_resources(ResourceList, BufferSize) : NDIS_STATUS_FAILURE;
    if (Status) *Status = st;
}

// ---------------------------------------------------------------- registers and ports

NDIS_STATUS NdisMMapIoSpace(PVOID* VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                            NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMMapIoSpace");
    NdisHost* h = host_of(MiniportAdapterHandle);
    if (!h) return NDIS_STATUS_FAILURE;
    return h->api_map_io(VirtualAddress, static_cast<uint64_t>(PhysicalAddress.QuadPart), Length);
}

VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMUnmapIoSpace");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_unmap_io(VirtualAddress, Length);
}

NDIS_STATUS NdisMRegisterIoPortRange(PVOID* PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                     UINT NumberOfPorts) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMRegisterIoPortRange");
    NdisHost* h = host_of(MiniportAdapterHandle);
    return h ? h->api_register_ports(PortOffset, InitialPort, NumberOfPorts) : NDIS_STATUS_FAILURE;
}

VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                PVOID PortOffset) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMDeregisterIoPortRange");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_deregister_ports(InitialPort, NumberOfPorts);
}

UCHAR NicsimReadRegister8(const volatile void* Register) {
    NdisHost* h = host_or_complain("NdisReadRegisterUchar");
    return h ? static_cast<UCHAR>(h->api_register_read(Register, 1)) : 0xFF;
}
USHORT NicsimReadRegister16(const volatile void* Register) {
    NdisHost* h = host_or_complain("NdisReadRegisterUshort");
    return h ? static_cast<USHORT>(h->api_register_read(Register, 2)) : 0xFFFF;
}
ULONG NicsimReadRegister32(const volatile void* Register) {
    NdisHost* h = host_or_complain("NdisReadRegisterUlong");
    return h ? h->api_register_read(Register, 4) : 0xFFFFFFFFu;
}
VOID NicsimWriteRegister8(volatile void* Register, UCHAR Data) {
    if (NdisHost* h = host_or_complain("NdisWriteRegisterUchar")) h->api_register_write(Register, 1, Data);
}
VOID NicsimWriteRegister16(volatile void* Register, USHORT Data) {
    if (NdisHost* h = host_or_complain("NdisWriteRegisterUshort")) h->api_register_write(Register, 2, Data);
}
VOID NicsimWriteRegister32(volatile void* Register, ULONG Data) {
    if (NdisHost* h = host_or_complain("NdisWriteRegisterUlong")) h->api_register_write(Register, 4, Data);
}
ULONG NicsimReadPort(ULONG_PTR Port, UINT Size) {
    NdisHost* h = host_or_complain("NdisRawReadPort");
    return h ? h->api_port_read(Port, Size) : 0xFFFFFFFFu;
}
VOID NicsimWritePort(ULONG_PTR Port, UINT Size, ULONG Data) {
    if (NdisHost* h = host_or_complain("NdisRawWritePort")) h->api_port_write(Port, Size, Data);
}

// ---------------------------------------------------------------- DMA

NDIS_STATUS NdisMInitializeScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle, BOOLEAN Dma64BitAddresses,
                                            ULONG MaximumPhysicalMapping) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMInitializeScatterGatherDma");
    NdisHost* h = host_of(MiniportAdapterHandle);
    return h ? h->api_sg_dma(Dma64BitAddresses, MaximumPhysicalMapping) : NDIS_STATUS_FAILURE;
}

NDIS_STATUS NdisMAllocateMapRegisters(NDIS_HANDLE MiniportAdapterHandle, UINT DmaChannel, UCHAR DmaSize,
                                      ULONG BaseMapRegistersNeeded, ULONG MaximumPhysicalMapping) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMAllocateMapRegisters");
    NdisHost* h = host_of(MiniportAdapterHandle);
    return h ? h->api_allocate_map_registers(DmaSize, BaseMapRegistersNeeded) : NDIS_STATUS_FAILURE;
}

VOID NdisMFreeMapRegisters(NDIS_HANDLE MiniportAdapterHandle) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMFreeMapRegisters");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_free_map_registers();
}

VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID* VirtualAddress,
                               PNDIS_PHYSICAL_ADDRESS PhysicalAddress) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMAllocateSharedMemory");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_alloc_shared(Length, VirtualAddress, PhysicalAddress);
}

VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID VirtualAddress,
                           NDIS_PHYSICAL_ADDRESS PhysicalAddress) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMFreeSharedMemory");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_free_shared(Length, VirtualAddress, PhysicalAddress);
}

ULONG NdisMGetDmaAlignment(NDIS_HANDLE MiniportAdapterHandle) {
    return 64; /* x86 cache line */
}

// ---------------------------------------------------------------- interrupts, timers, time

NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt, NDIS_HANDLE MiniportAdapterHandle,
                                   UINT InterruptVector, UINT InterruptLevel, BOOLEAN RequestIsr,
                                   BOOLEAN SharedInterrupt, NDIS_INTERRUPT_MODE InterruptMode) {
    passive_only(NdisHost::from_handle(MiniportAdapterHandle), "NdisMRegisterInterrupt");
    NdisHost* h = host_of(MiniportAdapterHandle);
    return h ? h->api_register_interrupt(Interrupt, RequestIsr, SharedInterrupt) : NDIS_STATUS_FAILURE;
}

VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt) {
    passive_only(NdisHost::current(), "NdisMDeregisterInterrupt");
    if (NdisHost* h = host_or_complain("NdisMDeregisterInterrupt")) h->api_deregister_interrupt(Interrupt);
}

BOOLEAN NdisMSynchronizeWithInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt, PVOID SynchronizeFunction,
                                      PVOID SynchronizeContext) {
    up_to_dispatch(NdisHost::current(), "NdisMSynchronizeWithInterrupt");
    NdisHost* h = host_or_complain("NdisMSynchronizeWithInterrupt");
    return h ? h->api_synchronize(Interrupt, SynchronizeFunction, SynchronizeContext) : FALSE;
}

VOID NdisMInitializeTimer(PNDIS_MINIPORT_TIMER Timer, NDIS_HANDLE MiniportAdapterHandle,
                          PNDIS_TIMER_FUNCTION TimerFunction, PVOID FunctionContext) {
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_init_timer(Timer, TimerFunction, FunctionContext);
}

VOID NdisMSetTimer(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondsToDelay) {
    up_to_dispatch(NdisHost::current(), "NdisMSetTimer");
    if (NdisHost* h = host_or_complain("NdisMSetTimer")) h->api_set_timer(Timer, MillisecondsToDelay, false);
}

VOID NdisMSetPeriodicTimer(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondPeriod) {
    up_to_dispatch(NdisHost::current(), "NdisMSetPeriodicTimer");
    if (NdisHost* h = host_or_complain("NdisMSetPeriodicTimer")) h->api_set_timer(Timer, MillisecondPeriod, true);
}

VOID NdisMCancelTimer(PNDIS_MINIPORT_TIMER Timer, PBOOLEAN TimerCancelled) {
    up_to_dispatch(NdisHost::current(), "NdisMCancelTimer");
    NdisHost* h = host_or_complain("NdisMCancelTimer");
    const BOOLEAN c = h ? h->api_cancel_timer(Timer) : FALSE;
    if (TimerCancelled) *TimerCancelled = c;
}

VOID NdisStallExecution(UINT MicrosecondsToStall) {
    if (NdisHost* h = host_or_complain("NdisStallExecution"))
        h->platform().stall_ns(uint64_t{MicrosecondsToStall} * 1000);
}

VOID NdisMSleep(ULONG MicrosecondsToSleep) {
    passive_only(NdisHost::current(), "NdisMSleep");
    if (NdisHost* h = host_or_complain("NdisMSleep")) h->platform().stall_ns(uint64_t{MicrosecondsToSleep} * 1000);
}

VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime) {
    NdisHost* h = host_or_complain("NdisGetCurrentSystemTime");
    if (pSystemTime) pSystemTime->QuadPart = h ? static_cast<LONGLONG>(h->platform().now_ns() / 100) : 0;  // 100 ns
}

// ---------------------------------------------------------------- indications and completions

VOID NdisMSendComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_PACKET Packet, NDIS_STATUS Status) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMSendComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_send_complete(Packet, Status);
}

VOID NdisMSendResourcesAvailable(NDIS_HANDLE MiniportAdapterHandle) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMSendResourcesAvailable");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_send_resources_available();
}

VOID NdisMIndicateReceivePacket(NDIS_HANDLE MiniportAdapterHandle, PPNDIS_PACKET ReceivePackets, UINT NumberOfPackets) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMIndicateReceivePacket");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_indicate_packets(ReceivePackets, NumberOfPackets);
}

VOID NdisMEthIndicateReceive(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportReceiveContext, PVOID HeaderBuffer,
                             UINT HeaderBufferSize, PVOID LookaheadBuffer, UINT LookaheadBufferSize, UINT PacketSize) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMEthIndicateReceive");
    if (NdisHost* h = host_of(MiniportAdapterHandle))
        h->api_eth_indicate(MiniportReceiveContext, HeaderBuffer, HeaderBufferSize, LookaheadBuffer,
                            LookaheadBufferSize, PacketSize);
}

VOID NdisMTransferDataComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_PACKET Packet, NDIS_STATUS Status,
                               UINT BytesTransferred) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMTransferDataComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_transfer_data_complete(Packet, Status, BytesTransferred);
}

VOID NdisMEthIndicateReceiveComplete(NDIS_HANDLE MiniportAdapterHandle) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMEthIndicateReceiveComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_eth_indicate_complete();
}

VOID NdisMIndicateStatus(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS GeneralStatus, PVOID StatusBuffer,
                         UINT StatusBufferSize) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMIndicateStatus");
    if (NdisHost* h = host_of(MiniportAdapterHandle))
        h->api_indicate_status(GeneralStatus, StatusBuffer, StatusBufferSize);
}

VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportAdapterHandle) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMIndicateStatusComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_indicate_status_complete();
}

VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMResetComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_reset_complete(Status, AddressingReset);
}

VOID NdisMQueryInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMQueryInformationComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_request_complete(Status);
}

VOID NdisMSetInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status) {
    up_to_dispatch(NdisHost::from_handle(MiniportAdapterHandle), "NdisMSetInformationComplete");
    if (NdisHost* h = host_of(MiniportAdapterHandle)) h->api_request_complete(Status);
}

// ---------------------------------------------------------------- memory

NDIS_STATUS NdisAllocateMemory(PVOID* VirtualAddress, UINT Length, UINT MemoryFlags,
                               NDIS_PHYSICAL_ADDRESS HighestAcceptableAddress) {
    up_to_dispatch(NdisHost::current(), "NdisAllocateMemory");
    NdisHost* h = host_or_complain("NdisAllocateMemory");
    if (!h) return NDIS_STATUS_FAILURE;
    return h->api_allocate_memory(VirtualAddress, Length, MemoryFlags,
                                  static_cast<uint64_t>(HighestAcceptableAddress.QuadPart));
}

NDIS_STATUS NdisAllocateMemoryWithTag(PVOID* VirtualAddress, UINT Length, ULONG Tag) {
    up_to_dispatch(NdisHost::current(), "NdisAllocateMemoryWithTag");
    NdisHost* h = host_or_complain("NdisAllocateMemoryWithTag");
    if (!h) return NDIS_STATUS_FAILURE;
    return h->api_allocate_memory(VirtualAddress, Length, 0, ~0ull);
}

VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags) {
    up_to_dispatch(NdisHost::current(), "NdisFreeMemory");
    if (NdisHost* h = host_or_complain("NdisFreeMemory")) h->api_free_memory(VirtualAddress, Length);
}

// ---------------------------------------------------------------- spin locks, interlocked

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    if (SpinLock) {
        SpinLock->SpinLock = 0;
        SpinLock->OldIrql = 0;
    }
}

VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    if (SpinLock && SpinLock->SpinLock) report("spinlock-free-held", "NdisFreeSpinLock of a lock that is held");
}

VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    up_to_dispatch(NdisHost::current(), "NdisAcquireSpinLock");
    acquire(SpinLock);
}

VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    if (!SpinLock) return;
    if (!SpinLock->SpinLock) {
        report("spinlock-not-held", "spin lock released while not held");
        return;
    }
    SpinLock->SpinLock = 0;
    if (NdisHost* h = NdisHost::current()) h->api_lock_released();
}

VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    dispatch_only(NdisHost::current(), "NdisDprAcquireSpinLock");
    acquire(SpinLock);
}
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
    NdisReleaseSpinLock(SpinLock);
}

LONG NdisInterlockedIncrement(PLONG Addend) {
    return Addend ? ++*Addend : 0;
}
LONG NdisInterlockedDecrement(PLONG Addend) {
    return Addend ? --*Addend : 0;
}
LONG NdisInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock) {
    if (!Addend) return 0;
    const ULONG old = *Addend;
    *Addend = old + Increment;
    return static_cast<LONG>(old);
}

// ---------------------------------------------------------------- packets and buffers

VOID NdisAllocatePacketPool(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle, UINT NumberOfDescriptors,
                            UINT ProtocolReservedLength) {
    if (!Status || !PoolHandle) return;
    auto* pool = static_cast<_NDIS_PACKET_POOL*>(std::calloc(1, sizeof(_NDIS_PACKET_POOL)));
    if (!pool || ProtocolReservedLength > 4096) {
        std::free(pool);
        *PoolHandle = nullptr;
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    // Packet, ProtocolReserved, then the OOB block and the per-packet info (DDK layout), pointer-aligned.
    size_t off = offsetof(NDIS_PACKET, ProtocolReserved) + std::max<UINT>(ProtocolReservedLength, 1);
    off = (off + 7) & ~size_t{7};
    pool->capacity = NumberOfDescriptors;
    pool->oob_offset = static_cast<USHORT>(off);
    pool->packet_size = static_cast<UINT>(off + sizeof(NDIS_PACKET_OOB_DATA) + sizeof(NDIS_PACKET_EXTENSION));
    *PoolHandle = pool;
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisFreePacketPool(NDIS_HANDLE PoolHandle) {
    auto* pool = static_cast<_NDIS_PACKET_POOL*>(PoolHandle);
    if (!pool) return;
    if (pool->in_use)
        report("packet-pool-in-use", std::to_string(pool->in_use) + " packets still allocated from a freed pool");
    std::free(pool);
}

VOID NdisAllocatePacket(PNDIS_STATUS Status, PNDIS_PACKET* Packet, NDIS_HANDLE PoolHandle) {
    auto* pool = static_cast<_NDIS_PACKET_POOL*>(PoolHandle);
    if (!Status || !Packet) return;
    *Packet = nullptr;
    if (!pool || pool->in_use >= pool->capacity) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    auto* p = static_cast<PNDIS_PACKET>(zalloc_block(pool->packet_size));
    if (!p) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    p->Private.Pool = pool;
    p->Private.NdisPacketOobOffset = pool->oob_offset;
    p->Private.ValidCounts = TRUE;
    ++pool->in_use;
    *Packet = p;
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisFreePacket(PNDIS_PACKET Packet) {
    if (!Packet) return;
    if (Packet->Private.Pool) --Packet->Private.Pool->in_use;
    free_block(Packet);
}

VOID NdisReinitializePacket(PNDIS_PACKET Packet) {
    if (!Packet) return;
    Packet->Private.Head = Packet->Private.Tail = nullptr;
    Packet->Private.Count = Packet->Private.PhysicalCount = Packet->Private.TotalLength = 0;
    Packet->Private.ValidCounts = TRUE;
}

VOID NdisAllocateBufferPool(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle, UINT NumberOfDescriptors) {
    if (!Status || !PoolHandle) return;
    auto* pool = new (std::nothrow) BufferPool{NumberOfDescriptors, 0};
    *PoolHandle = pool;
    *Status = pool ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

VOID NdisFreeBufferPool(NDIS_HANDLE PoolHandle) {
    auto* pool = static_cast<BufferPool*>(PoolHandle);
    if (!pool) return;
    if (pool->in_use)
        report("buffer-pool-in-use", std::to_string(pool->in_use) + " buffers still allocated from a freed pool");
    delete pool;
}

VOID NdisAllocateBuffer(PNDIS_STATUS Status, PNDIS_BUFFER* Buffer, NDIS_HANDLE PoolHandle, PVOID VirtualAddress,
                        UINT Length) {
    if (!Status || !Buffer) return;
    *Buffer = nullptr;
    auto* pool = static_cast<BufferPool*>(PoolHandle);
    if (!pool || pool->in_use >= pool->capacity) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    const auto va = reinterpret_cast<uintptr_t>(VirtualAddress);
    const ULONG pages = Length ? ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, Length) : 1;
    if (pages > kMaxMdlPages) {  // the MDL's Size (a CSHORT) could not describe it
        report("buffer-too-large", "NdisAllocateBuffer of " + std::to_string(Length) + " bytes");
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    auto* mdl = static_cast<PMDL>(zalloc_block(sizeof(MDL) + pages * sizeof(PFN_NUMBER)));
    if (!mdl) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    mdl->Size = static_cast<CSHORT>(sizeof(MDL) + pages * sizeof(PFN_NUMBER));
    mdl->Process = pool;
    mdl->StartVa = reinterpret_cast<PVOID>(va & ~uintptr_t{kPage - 1});
    mdl->MappedSystemVa = VirtualAddress;
    mdl->ByteOffset = BYTE_OFFSET(va);
    mdl->ByteCount = Length;
    // The physical pages behind the buffer, as MmBuildMdlForNonPagedPool would find them.
    NdisHost* h = NdisHost::current();
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    for (ULONG i = 0; i < pages; ++i) {
        const auto* page_va = reinterpret_cast<const uint8_t*>(mdl->StartVa) + i * kPage;
        pfn[i] = h ? static_cast<PFN_NUMBER>(h->hal().page_of(page_va)) : NICSIM_PFN_UNKNOWN;
    }
    ++pool->in_use;
    *Buffer = mdl;
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisFreeBuffer(PNDIS_BUFFER Buffer) {
    if (!Buffer) return;
    if (BufferPool* pool = pool_of(Buffer)) --pool->in_use;
    free_block(Buffer);
}

VOID NdisAdjustBufferLength(PNDIS_BUFFER Buffer, UINT Length) {
    if (!Buffer) return;
    const ULONG pages = (static_cast<ULONG>(Buffer->Size) - sizeof(MDL)) / sizeof(PFN_NUMBER);
    const ULONG need = Length ? ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Buffer), Length) : 1;
    if (need > pages) {
        report("buffer-adjust", "NdisAdjustBufferLength beyond the buffer's original pages");
        return;
    }
    Buffer->ByteCount = Length;
}

static void recount(PNDIS_PACKET p) {
    UINT count = 0, phys = 0, total = 0;
    for (PNDIS_BUFFER b = p->Private.Head; b; b = b->Next) {
        ++count;
        phys += NDIS_BUFFER_TO_SPAN_PAGES(b);
        total += b->ByteCount;
    }
    p->Private.Count = count;
    p->Private.PhysicalCount = phys;
    p->Private.TotalLength = total;
    p->Private.ValidCounts = TRUE;
}

VOID NdisChainBufferAtBack(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer) {
    if (!Packet || !Buffer) return;
    PNDIS_BUFFER last = Buffer;
    while (last->Next) last = last->Next;
    if (Packet->Private.Tail)
        Packet->Private.Tail->Next = Buffer;
    else
        Packet->Private.Head = Buffer;
    Packet->Private.Tail = last;
    recount(Packet);
}

VOID NdisChainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer) {
    if (!Packet || !Buffer) return;
    PNDIS_BUFFER last = Buffer;
    while (last->Next) last = last->Next;
    last->Next = Packet->Private.Head;
    if (!Packet->Private.Tail) Packet->Private.Tail = last;
    Packet->Private.Head = Buffer;
    recount(Packet);
}

VOID NdisUnchainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER* Buffer) {
    if (!Packet || !Buffer) return;
    *Buffer = Packet->Private.Head;
    if (!*Buffer) return;
    Packet->Private.Head = (*Buffer)->Next;
    if (!Packet->Private.Head) Packet->Private.Tail = nullptr;
    (*Buffer)->Next = nullptr;
    recount(Packet);
}

VOID NdisQueryPacket(PNDIS_PACKET Packet, PUINT PhysicalBufferCount, PUINT BufferCount, PNDIS_BUFFER* FirstBuffer,
                     PUINT TotalPacketLength) {
    if (!Packet) return;
    if (!Packet->Private.ValidCounts) recount(Packet);
    if (PhysicalBufferCount) *PhysicalBufferCount = Packet->Private.PhysicalCount;
    if (BufferCount) *BufferCount = Packet->Private.Count;
    if (FirstBuffer) *FirstBuffer = Packet->Private.Head;
    if (TotalPacketLength) *TotalPacketLength = Packet->Private.TotalLength;
}

VOID NdisQueryBuffer(PNDIS_BUFFER Buffer, PVOID* VirtualAddress, PUINT Length) {
    if (!Buffer) return;
    if (VirtualAddress) *VirtualAddress = MmGetMdlVirtualAddress(Buffer);
    if (Length) *Length = Buffer->ByteCount;
}

VOID NdisQueryBufferSafe(PNDIS_BUFFER Buffer, PVOID* VirtualAddress, PUINT Length, MM_PAGE_PRIORITY Priority) {
    NdisQueryBuffer(Buffer, VirtualAddress, Length);
}

VOID NdisGetFirstBufferFromPacket(PNDIS_PACKET Packet, PNDIS_BUFFER* FirstBuffer, PVOID* FirstBufferVA,
                                  PUINT FirstBufferLength, PUINT TotalBufferLength) {
    if (!Packet) return;
    PNDIS_BUFFER b = Packet->Private.Head;
    if (FirstBuffer) *FirstBuffer = b;
    if (FirstBufferVA) *FirstBufferVA = b ? MmGetMdlVirtualAddress(b) : nullptr;
    if (FirstBufferLength) *FirstBufferLength = b ? b->ByteCount : 0;
    if (TotalBufferLength) {
        UINT t = 0;
        for (; b; b = b->Next) t += b->ByteCount;
        *TotalBufferLength = t;
    }
}

VOID NdisGetFirstBufferFromPacketSafe(PNDIS_PACKET Packet, PNDIS_BUFFER* FirstBuffer, PVOID* FirstBufferVA,
                                      PUINT FirstBufferLength, PUINT TotalBufferLength, MM_PAGE_PRIORITY Priority) {
    NdisGetFirstBufferFromPacket(Packet, FirstBuffer, FirstBufferVA, FirstBufferLength, TotalBufferLength);
}

VOID NdisAllocatePacketPoolEx(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle, UINT NumberOfDescriptors,
                              UINT NumberOfOverflowDescriptors, UINT ProtocolReservedLength) {
    NdisAllocatePacketPool(Status, PoolHandle, NumberOfDescriptors + NumberOfOverflowDescriptors,
                           ProtocolReservedLength);
}

VOID NdisCopyFromPacketToPacket(PNDIS_PACKET Destination, UINT DestinationOffset, UINT BytesToCopy, PNDIS_PACKET Source,
                                UINT SourceOffset, PUINT BytesCopied) {
    // Walks both buffer chains from their offsets, copying until either ends or BytesToCopy is reached.
    UINT copied = 0;
    PNDIS_BUFFER d = Destination ? Destination->Private.Head : nullptr;
    PNDIS_BUFFER s = Source ? Source->Private.Head : nullptr;
    UINT doff = DestinationOffset, soff = SourceOffset;
    while (d && doff >= d->ByteCount) doff -= d->ByteCount, d = d->Next;
    while (s && soff >= s->ByteCount) soff -= s->ByteCount, s = s->Next;
    while (d && s && copied < BytesToCopy) {
        const UINT n = std::min({d->ByteCount - doff, s->ByteCount - soff, BytesToCopy - copied});
        std::memmove(static_cast<PUCHAR>(MmGetMdlVirtualAddress(d)) + doff,
                     static_cast<PUCHAR>(MmGetMdlVirtualAddress(s)) + soff, n);
        copied += n;
        if ((doff += n) == d->ByteCount) d = d->Next, doff = 0;
        if ((soff += n) == s->ByteCount) s = s->Next, soff = 0;
    }
    if (BytesCopied) *BytesCopied = copied;
}

VOID NdisCopyFromPacketToPacketSafe(PNDIS_PACKET Destination, UINT DestinationOffset, UINT BytesToCopy,
                                    PNDIS_PACKET Source, UINT SourceOffset, PUINT BytesCopied,
                                    MM_PAGE_PRIORITY Priority) {
    NdisCopyFromPacketToPacket(Destination, DestinationOffset, BytesToCopy, Source, SourceOffset, BytesCopied);
}

// ---------------------------------------------------------------- lists, events, system

PLIST_ENTRY NdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock) {
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? nullptr : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    NdisReleaseSpinLock(SpinLock);
    return first;  // the entry that was first before, NULL for an empty list
}

PLIST_ENTRY NdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock) {
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? nullptr : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    NdisReleaseSpinLock(SpinLock);
    return last;  // the entry that was last before, NULL for an empty list
}

PLIST_ENTRY NdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock) {
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? nullptr : RemoveHeadList(ListHead);
    NdisReleaseSpinLock(SpinLock);
    return e;
}

VOID NdisInitializeEvent(PNDIS_EVENT Event) {
    if (Event) Event->Signaled = 0;
}
VOID NdisSetEvent(PNDIS_EVENT Event) {
    if (Event) Event->Signaled = 1;
}
VOID NdisResetEvent(PNDIS_EVENT Event) {
    if (Event) Event->Signaled = 0;
}

BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait) {
    NdisHost* h = NdisHost::current();
    passive_only(h, "NdisWaitEvent");
    if (!Event) return FALSE;
    // 0 means no limit on Windows; here the host's request timeout bounds it so a lost wake-up cannot hang the run.
    const uint64_t limit = MsToWait ? uint64_t{MsToWait} * 1'000'000 : (h ? h->config().request_timeout_ns : 0);
    for (uint64_t waited = 0; !Event->Signaled && h && waited < limit; waited += 1000) h->platform().stall_ns(1000);
    return Event->Signaled ? TRUE : FALSE;
}

VOID NdisGetSystemUpTime(PULONG pSystemUpTime) {
    NdisHost* h = NdisHost::current();
    if (pSystemUpTime) *pSystemUpTime = h ? static_cast<ULONG>(h->platform().now_ns() / 1'000'000) : 0;  // ms
}

CCHAR NdisSystemProcessorCount(VOID) {
    return 1;  // the simulated host has one CPU
}

}  // extern "C"
