// A scriptable NDIS 5.x miniport for the NDIS layer's contract tests: what it calls during MiniportInitialize (and
// in which order) is set by a script; what NDIS handed it (SG lists, packets, interrupts) is recorded.
#pragma once

#include <cstdint>
#include <vector>

#include "hostdrv/ndis/ndis.h"

namespace nicsim::test {

enum class SgWhen { AfterAttributes, BeforeAttributes, AfterSharedMemory, Never };

struct MiniportScript {
    UCHAR major = 5;
    UCHAR minor = 1;
    ULONG attr_flags = NDIS_ATTRIBUTE_BUS_MASTER | NDIS_ATTRIBUTE_DESERIALIZE;
    bool use_set_attributes_ex = true;  ///< else NdisMSetAttributes(BusMaster = flags & BUS_MASTER)
    SgWhen sg_when = SgWhen::AfterAttributes;
    BOOLEAN dma64 = FALSE;
    ULONG max_mapping = 1514;
    ULONG shared_bytes = 4096;                            ///< NdisMAllocateSharedMemory in MiniportInitialize (0: none)
    bool map_registers_too = false;                       ///< also call NdisMAllocateMapRegisters after the SG setup
    UCHAR map_dma_size = NDIS_DMA_32BITS;                 ///< DmaSize of that call
    bool map_io = true;                                   ///< map BAR0 and register the interrupt
    bool complete_in_send = false;                        ///< NdisMSendComplete from inside MiniportSendPackets
    NDIS_STATUS serialized_status = NDIS_STATUS_SUCCESS;  ///< status a serialized miniport sets per packet
    NDIS_STATUS query_status = NDIS_STATUS_SUCCESS;       ///< PENDING: complete later
    NDIS_STATUS reset_status = NDIS_STATUS_SUCCESS;       ///< PENDING: complete later
    bool queue_dpc = true;                                ///< MiniportISR asks for MiniportHandleInterrupt
    void (*dpc_hook)() = nullptr;                         ///< runs inside MiniportHandleInterrupt
    bool fail_init = false;           ///< MiniportInitialize fails at its end (after freeing what it took)
    UINT stall_in_send_us = 0;        ///< NdisStallExecution inside MiniportSendPackets
    bool use_send_handler = false;    ///< register MiniportSend instead of MiniportSendPackets
    size_t send_capacity = 0;         ///< serialized: sends held at once before NDIS_STATUS_RESOURCES (0: no limit)
    bool hung = false;                ///< what MiniportCheckForHang answers
    UINT hang_seconds = 0;            ///< CheckForHangTimeInSeconds for NdisMSetAttributesEx
    void (*timer_hook)() = nullptr;   ///< a timer function (NdisMInitializeTimer in MiniportInitialize)
    bool answer_start_oids = false;   ///< answer what NDIS queries at start (the values below), recording the order
    NDIS_OID refuse_oid = 0;          ///< answered NDIS_STATUS_INVALID_OID even when answer_start_oids
    ULONG max_send_packets = 3;       ///< OID_GEN_MAXIMUM_SEND_PACKETS
    bool assert_one_element = false;  ///< a send ASSERTs (RtlAssert, send.c:63) that its SG list has one element
    W_TRANSFER_DATA_HANDLER transfer_data = nullptr;  ///< MiniportTransferData (none when null)
};

struct SgSeen {
    bool present;
    std::vector<SCATTER_GATHER_ELEMENT> elements;
    uintptr_t lso_mss;
};

struct MiniportState {
    NDIS_STATUS init_status = NDIS_STATUS_FAILURE;
    NDIS_STATUS sg_status = -1;
    NDIS_STATUS map_status = -1;
    PVOID shared_va = nullptr;
    NDIS_PHYSICAL_ADDRESS shared_pa{};
    PVOID regs = nullptr;
    UINT regs_len = 0;
    NDIS_PHYSICAL_ADDRESS regs_pa{};
    NDIS_MINIPORT_INTERRUPT intr{};
    NDIS_RESOURCE_LIST* resources = nullptr;
    std::vector<uint8_t> resource_buf;
    std::vector<PNDIS_PACKET> held;  ///< sends not completed yet
    std::vector<SgSeen> seen;        ///< what each send carried in ScatterGatherListPacketInfo
    unsigned isr_calls = 0;
    unsigned dpc_calls = 0;
    uint32_t last_icr = 0;
    unsigned halts = 0;
    unsigned returns = 0;
    unsigned resets = 0;
    unsigned dpc_calls_seen_in_send = 0;  ///< dpc_calls when MiniportSendPackets returned
    unsigned send_calls = 0;              ///< MiniportSend / MiniportSendPackets calls
    unsigned send_calls_reentered = 0;    ///< of those, made while another handler of the miniport was running
    unsigned handlers_running = 0;        ///< handlers of the miniport on the stack now
    NDIS_MINIPORT_TIMER timer{};
    std::vector<NDIS_OID> queried;       ///< OIDs MiniportQueryInformation was asked, in order
    std::vector<KIRQL> query_irql;       ///< KeGetCurrentIrql inside each of those calls
    std::vector<UINT> packets_per_call;  ///< packets in each MiniportSendPackets call
};

extern MiniportScript g_script;
extern MiniportState g_state;

/// DriverEntry of the fake miniport.
NDIS_STATUS fake_driver_entry(PVOID DriverObject, PVOID RegistryPath);
/// NdisMSendComplete for every held send.
void fake_complete_all(NDIS_STATUS status);
/// The adapter handle MiniportInitialize received.
NDIS_HANDLE fake_adapter_handle();

}  // namespace nicsim::test
