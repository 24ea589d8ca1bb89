// The miniport's per-adapter state and the helpers its source files share (not part of the driver's interface).
#pragma once

#include <cstdint>

#include "hostdrv/miniport/e1000_hw.h"
#include "hostdrv/miniport/e1000_miniport.h"
#include "hostdrv/ndis/ndis.h"

namespace nicsim::miniport {

/// One RX buffer: a slice (RxBufferSize bytes) of the shared RX buffer block with the packet that describes it.
struct RxBuffer {
    PUCHAR va = nullptr;
    uint64_t pa = 0;
    PNDIS_PACKET packet = nullptr;
    PNDIS_BUFFER buffer = nullptr;
    bool with_stack = false;  // indicated up and not yet returned
    RxBuffer* next_free = nullptr;
};

/// Per TX descriptor: the packet whose first descriptor this is and how many descriptors it uses.
struct TxSlot {
    PNDIS_PACKET packet = nullptr;
    uint32_t count = 0;        // descriptors of the packet (context + data), 0 = not a packet start
    uint32_t last = 0;         // index of its EOP descriptor
    uint32_t lso_payload = 0;  // TCP payload bytes of a TSO packet (reported back at completion)
};

// PCI configuration Status register (offset 0x06): the error bits a bus master latches (write 1 to clear).
constexpr ULONG kPciStatusOffset = 0x06;                 // Status register in configuration space
constexpr USHORT kPciStsReceivedTargetAbort = 1u << 12;  // a DMA of the device was target-aborted
constexpr USHORT kPciStsReceivedMasterAbort = 1u << 13;  // a DMA of the device was not claimed
constexpr USHORT kPciStsDmaFailed = kPciStsReceivedTargetAbort | kPciStsReceivedMasterAbort;

struct Adapter {
    NDIS_HANDLE handle = nullptr;       // MiniportAdapterHandle
    NDIS_HANDLE wrapper_cfg = nullptr;  // WrapperConfigurationContext
    DriverStats stats;

    // Configuration: each field named after the registry keyword it holds (e1000_miniport.h)
    uint32_t dma_address_bits = 32;                  // DmaAddressBits: 64 asks NDIS for Dma64BitAddresses
    uint32_t lso_max_size = 0;                       // LsoMaxSize: 0 = no large send
    uint32_t maximum_physical_mapping = kFrameSize;  // MaximumPhysicalMapping
    uint32_t tx_ring_size = 256;                     // TxRingSize
    uint32_t rx_ring_size = 256;                     // RxRingSize
    uint32_t rx_buffers = 512;                       // RX buffers (more than ring slots: some may be with the stack)
    uint32_t interrupt_delay = 0;                    // InterruptDelay
    uint32_t itr = kDefaultItr;                      // ITR
    uint32_t desc_prefetch_threshold = 0;            // DescPrefetchThreshold: TXDCTL/RXDCTL.PTHRESH (0: left at reset)
    uint32_t jumbo_packet = kFrameSize;       // *JumboPacket: largest frame without FCS; above 1514 RCTL.LPE is set
    uint32_t rx_buffer_size = kRxBufferSize;  // RxBufferSize: bytes per RX buffer (RCTL.BSIZE/BSEX)

    // Resources, each with the flag that says it must be undone
    uint64_t bar0_pa = 0;
    uint32_t bar0_len = 0;
    PUCHAR regs = nullptr;
    uint32_t io_port = 0;
    uint32_t io_len = 0;
    uint32_t irq_level = 0;
    uint32_t irq_vector = 0;
    uint16_t pci_command_saved = 0;
    bool sg_dma = false;
    bool interrupt_registered = false;
    bool lock_allocated = false;
    NDIS_MINIPORT_INTERRUPT interrupt{};
    NDIS_MINIPORT_TIMER reset_timer{};
    NDIS_SPIN_LOCK lock{};

    // Shared memory
    PUCHAR tx_ring = nullptr;
    NDIS_PHYSICAL_ADDRESS tx_ring_pa{};
    uint32_t tx_ring_bytes = 0;
    PUCHAR rx_ring = nullptr;
    NDIS_PHYSICAL_ADDRESS rx_ring_pa{};
    uint32_t rx_ring_bytes = 0;
    PUCHAR rx_block = nullptr;
    NDIS_PHYSICAL_ADDRESS rx_block_pa{};
    uint32_t rx_block_bytes = 0;

    // Driver memory
    TxSlot* tx_slots = nullptr;
    RxBuffer* rx_bufs = nullptr;
    RxBuffer** rx_slot_buf = nullptr;  // buffer posted in each RX descriptor (nullptr: none)
    NDIS_HANDLE packet_pool = nullptr;
    NDIS_HANDLE buffer_pool = nullptr;
    RxBuffer* rx_free = nullptr;
    uint32_t rx_free_count = 0;
    // A frame spanning several RX buffers is copied here and indicated with NDIS_STATUS_RESOURCES (the protocol
    // copies it before NdisMIndicateReceivePacket returns, so the one assembly packet is free again at once).
    // Only allocated when a frame can be longer than one buffer.
    uint32_t rx_max_len = kFrameSize + 4;  // longest frame indicated: jumbo_packet + an 802.1Q tag the MAC keeps
    PUCHAR rx_asm = nullptr;               // rx_max_len bytes, or none
    uint32_t rx_asm_bytes = 0;
    PNDIS_PACKET rx_asm_packet = nullptr;
    PNDIS_BUFFER rx_asm_buffer = nullptr;

    // Rings
    uint32_t tx_tail = 0;   // next descriptor to fill (TDT)
    uint32_t tx_clean = 0;  // oldest descriptor in use
    uint32_t tx_in_use = 0;
    uint32_t rx_tail = 0;   // next descriptor to post (RDT)
    uint32_t rx_clean = 0;  // next descriptor to check for DD
    uint32_t rx_posted = 0;
    uint32_t rx_asm_len = 0;        // bytes of a multi-buffer frame gathered so far (its EOP not seen yet)
    bool rx_discarding = false;     // dropping the rest of a frame (an error or too long) until its EOP descriptor
    PNDIS_PACKET q_head = nullptr;  // packets waiting for descriptors, linked through MiniportReservedEx
    PNDIS_PACKET q_tail = nullptr;
    uint32_t q_len = 0;

    // Addresses and filters
    UCHAR perm_addr[6] = {};
    UCHAR cur_addr[6] = {};
    bool addr_override = false;  // NetworkAddress from the registry replaces the EEPROM's
    UCHAR mc_list[kMulticastListMax][6] = {};
    uint32_t mc_count = 0;
    ULONG packet_filter = 0;
    ULONG lookahead = kFrameSize - 14;
    bool lso_enabled = false;  // set through OID_TCP_TASK_OFFLOAD

    // State
    bool link_up = false;
    uint32_t link_mbps = 0;
    ULONG pending_icr = 0;          // causes the ISR read from ICR, not yet taken by the DPC
    ULONG dpc_icr = 0;              // causes the running DPC works on
    uint32_t hang_clean = ~0u;      // tx_clean at the previous MiniportCheckForHang with sends on the ring
    uint64_t tx_progress_time = 0;  // when a check last saw transmit move or idle (100 ns units)
    uint32_t tx_hang_tdh = 0;       // TDH at the previous MiniportCheckForHang (0: as programmed)
    uint32_t rx_hang_clean = ~0u;   // rx_clean at the previous MiniportCheckForHang that saw receive stalled
    uint32_t rx_hang_rdh = 0;       // RDH at the previous MiniportCheckForHang (0: as programmed)
    USHORT pci_errors = 0;          // PCI Status error bits a hang check saw; the reset clears them (write 1)
    bool resetting = false;
    bool halting = false;
    NDIS_HARDWARE_STATUS hw_status = NdisHardwareStatusInitializing;

    // Statistics (OIDs)
    uint64_t xmit_ok = 0;
    uint64_t rcv_ok = 0;
    uint64_t xmit_error = 0;
    uint64_t rcv_error = 0;
    uint64_t rcv_no_buffer = 0;
    uint64_t rcv_crc_error = 0;
};

// Register access through the mapped BAR0: each call is one bus cycle.
inline ULONG rd32(Adapter* a, uint32_t off) {
    ULONG v;
    NdisReadRegisterUlong(reinterpret_cast<PULONG>(a->regs + off), &v);
    return v;
}
inline void wr32(Adapter* a, uint32_t off, ULONG v) {
    NdisWriteRegisterUlong(reinterpret_cast<PULONG>(a->regs + off), v);
}

// e1000_init.cpp
void hw_program(Adapter* a);             // everything after the MAC is known: rings, filters, TX/RX, IMS
void hw_set_receive_filter(Adapter* a);  // RCTL UPE/MPE/BAM from the packet filter, MTA from the list
bool hw_quiesce(Adapter* a);             // stop TX/RX, wait for the DMA to go quiet, software reset
void rings_reset(Adapter* a);            // software ring state after a device reset
void rx_post(Adapter* a);                // refill RX descriptors from free buffers and bump RDT (lock held)

// e1000_datapath.cpp
VOID MiniportSendPackets(NDIS_HANDLE ctx, PPNDIS_PACKET packets, UINT count);
VOID MiniportIsr(PBOOLEAN recognized, PBOOLEAN queue_dpc, NDIS_HANDLE ctx);
VOID MiniportHandleInterrupt(NDIS_HANDLE ctx);
VOID MiniportReturnPacket(NDIS_HANDLE ctx, PNDIS_PACKET packet);
VOID MiniportCancelSendPackets(NDIS_HANDLE ctx, PVOID cancel_id);
VOID MiniportEnableInterrupt(NDIS_HANDLE ctx);
VOID MiniportDisableInterrupt(NDIS_HANDLE ctx);
void tx_complete(Adapter* a);                        // reclaim done descriptors, NdisMSendComplete
void tx_abort_all(Adapter* a, NDIS_STATUS status);   // complete everything on the ring (after a device reset)
void tx_fail_queue(Adapter* a, NDIS_STATUS status);  // complete everything waiting in the driver's queue
void tx_drain_queue(Adapter* a);                     // move queued packets onto the ring while they fit
void link_update(Adapter* a, bool indicate);

// e1000_oid.cpp
NDIS_STATUS MiniportQueryInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG written,
                                     PULONG needed);
NDIS_STATUS MiniportSetInformation(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG read, PULONG needed);

}  // namespace nicsim::miniport
