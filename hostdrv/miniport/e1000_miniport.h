// nicsim's NDIS 5.1 miniport driver for the 82540EM-style NIC. It uses only the functions of hostdrv/ndis/ndis.h,
// as a DDK-built miniport would: deserialized, bus master with NDIS scatter-gather DMA, legacy TX/RX descriptor
// rings in shared memory, TCP large send (TSO) when configured. Register offsets and descriptor layouts are the
// driver's own (e1000_hw.h), as a real driver carries them.
#pragma once

#include <cstdint>

#include "hostdrv/ndis/ndis.h"

/// The driver's DriverEntry: NdisMInitializeWrapper + NdisMRegisterMiniport with the NDIS 5.1 characteristics.
NDIS_EXTERN_C NDIS_STATUS NicsimE1000DriverEntry(PVOID DriverObject, PVOID RegistryPath);

namespace nicsim::miniport {

/// Registry keywords the driver reads with NdisReadConfiguration (integers); absent keywords take the default.
constexpr const char* kKeyDmaAddressBits = "DmaAddressBits";  // 32 or 64: the NIC's DMA address capability (32)
constexpr const char* kKeyLsoMaxSize = "LsoMaxSize";          // 0 = no large send, else the largest LSO packet
// MaximumPhysicalMapping for NdisMInitializeScatterGatherDma, kFrameSize..kLsoMaxSize; never below LsoMaxSize
// (a large send is mapped whole). Absent: LsoMaxSize with large send, else kFrameSize.
constexpr const char* kKeyMaximumPhysicalMapping = "MaximumPhysicalMapping";
constexpr const char* kKeyTxRingSize = "TxRingSize";          // TX descriptors, multiple of 8, 8..4096 (256)
constexpr const char* kKeyRxRingSize = "RxRingSize";          // RX descriptors, multiple of 8, 8..4096 (256)
constexpr const char* kKeyInterruptDelay = "InterruptDelay";  // TIDV and RDTR, 1.024 us units (0)
/// Interrupt moderation: the ITR register's least time between interrupts in 256 ns units, 0 (off) to 65535; the
/// same value and meaning as the "ITR" keyword of Intel's PRO/1000 drivers. Default kDefaultItr.
constexpr const char* kKeyItr = "ITR";
/// PTHRESH of TXDCTL and RXDCTL, 1..63: the NIC prefetches descriptors while fewer than this many are cached.
/// Absent (or 0): the registers keep their reset value and the NIC fetches only when its cache is empty.
constexpr const char* kKeyDescPrefetchThreshold = "DescPrefetchThreshold";
/// Largest frame received and sent, Ethernet header included, FCS excluded (the standardized keyword's meaning):
/// 1514 (default) keeps RCTL.LPE clear; up to kJumboMax enables long packets (RCTL.LPE).
constexpr const char* kKeyJumboPacket = "*JumboPacket";
/// Bytes per RX buffer (RCTL.BSIZE/BSEX): 256, 512, 1024, 2048 (default), 4096, 8192 or 16384. A frame longer
/// than one buffer spans several descriptors and is reassembled by the driver.
constexpr const char* kKeyRxBufferSize = "RxBufferSize";

constexpr uint32_t kVendorIntel = 0x8086;    // PCI vendor ID the driver binds to
constexpr uint32_t kDevice82540em = 0x100E;  // PCI device IDs the driver binds to: the 82540EM
constexpr uint32_t kDevice82545em = 0x100F;  // ... and the 82545EM (same programming model, 64-bit PCI)
constexpr uint32_t kFrameSize = 1514;        // largest frame without FCS: MaximumPhysicalMapping without LSO
constexpr uint32_t kRxBufferSize = 2048;     // default RX buffer (RCTL.BSIZE = 2048)
/// Default ITR: 200 x 256 ns = 51.2 us, at most about 19 500 interrupts per second, the lightest moderation level
/// Intel's drivers offer ("Minimal"). An interrupt after a quiet spell still comes at once; under load one
/// interrupt serves the frames of 51.2 us (about 8 full-size frames per direction at 1 Gb/s).
constexpr uint32_t kDefaultItr = 200;
constexpr uint32_t kVlanTagBytes = 4;       // an 802.1Q tag the MAC leaves in a received frame
constexpr uint32_t kJumboMax = 16110;       // largest *JumboPacket: 16 KiB the 8254x accepts with LPE, less FCS and tag
constexpr uint32_t kMaxTxDescBytes = 4096;  // most bytes one TX data descriptor carries
constexpr uint32_t kMulticastListMax = 32;  // OID_802_3_MAXIMUM_LIST_SIZE
constexpr uint32_t kLsoMaxSize = 65536;     // largest LSO packet accepted from the registry (IPv4 length)
constexpr uint32_t kLsoMinSegments = 2;     // NDIS_TASK_TCP_LARGE_SEND.MinSegmentCount

/// What the driver counted, for tests (NdisQueryInformation-independent).
struct DriverStats {
    uint64_t isr_calls = 0;            ///< MiniportISR calls
    uint64_t isr_claimed = 0;          ///< ... that found a cause in ICR
    uint64_t dpc_calls = 0;            ///< MiniportHandleInterrupt calls
    uint64_t tx_packets_queued = 0;    ///< packets that waited in the driver's queue (ring full or reset)
    uint64_t tx_ring_full = 0;         ///< times a packet did not fit in the TX ring
    uint64_t tx_cancelled = 0;         ///< queued packets completed by MiniportCancelSendPackets
    uint64_t tx_descriptors = 0;       ///< TX descriptors written (data and context)
    uint64_t tx_tso_packets = 0;       ///< packets sent with a TSO context descriptor
    uint64_t tx_completed = 0;         ///< NdisMSendComplete calls
    uint64_t rx_indicated = 0;         ///< packets indicated up
    uint64_t rx_low_resources = 0;     ///< ... with NDIS_STATUS_RESOURCES (copied at once)
    uint64_t rx_reassembled = 0;       ///< frames that spanned several RX buffers, indicated whole
    uint64_t rx_returned = 0;          ///< MiniportReturnPacket calls
    uint64_t link_changes = 0;         ///< media connect/disconnect indications
    uint64_t resets = 0;               ///< MiniportReset calls
    uint64_t hangs = 0;                ///< MiniportCheckForHang answers TRUE (TX or RX stalled between checks)
    uint64_t rx_hangs = 0;             ///< ... of them for a stalled receive (write-back lost or fetch halted)
    uint64_t pci_aborts_survived = 0;  ///< PCI Status aborts a hang check cleared because receive went on
    uint64_t halt_quiesce_polls = 0;   ///< head-pointer polls while waiting for the DMA to stop in halt/reset
    bool dma_quiet_at_halt = false;    ///< TDH/RDH stopped moving before shared memory was freed
};

/// The driver's counters of the adapter whose MiniportAdapterContext is `adapter` (nullptr: none).
const DriverStats* driver_stats(NDIS_HANDLE adapter);
/// The adapter context of the most recently initialized adapter that was not halted (nullptr: none).
NDIS_HANDLE current_adapter();
/// The counters of the most recently halted adapter, as they were when MiniportHalt freed it.
const DriverStats& last_halted_stats();

}  // namespace nicsim::miniport
