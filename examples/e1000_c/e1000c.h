/*
 * e1000c: an NDIS 5.0 serialized miniport for the Intel 82540EM, in plain C99 and DDK style.
 *
 * Shape: MiniportSend (one packet per call, no MiniportSendPackets), no NDIS_ATTRIBUTE_DESERIALIZE (NDIS queues
 * and serializes), scatter-gather DMA with MaximumPhysicalMapping of one Ethernet frame unless the registry asks
 * for more, 64- or 32-bit DMA addresses as the registry's DmaAddressBits says (like an INF's keywords), one
 * transmit descriptor per scatter-gather element, and receive buffers in shared memory indicated by copy
 * (NdisMEthIndicateReceive) with the whole frame as lookahead.
 *
 * Register and descriptor layouts: 8254x Family of Gigabit Ethernet Controllers Software Developer's Manual
 * (sections named next to each definition). NDIS contract: NDIS 5.1 DDK documentation.
 */
#ifndef E1000C_H
#define E1000C_H

#define NDIS50_MINIPORT 1
#include <ndis.h>

/* ---- Device identity (manual 4.1, PCI configuration space) ---- */
#define E1000C_VENDOR_INTEL 0x8086
#define E1000C_DEVICE_82540EM 0x100E
#define E1000C_DEVICE_82545EM 0x100F /* the same programming model with a 64-bit PCI data path */
#define E1000C_CSR_SIZE (128 * 1024) /* BAR0: memory-mapped registers */

/* ---- Registers (manual 13.3, register summary) ---- */
#define E1000C_CTRL 0x0000
#define E1000C_STATUS 0x0008
#define E1000C_EERD 0x0014
#define E1000C_MDIC 0x0020
#define E1000C_ICR 0x00C0
#define E1000C_IMS 0x00D0
#define E1000C_IMC 0x00D8
#define E1000C_RCTL 0x0100
#define E1000C_TCTL 0x0400
#define E1000C_TIPG 0x0410
#define E1000C_RDBAL 0x2800
#define E1000C_RDBAH 0x2804
#define E1000C_RDLEN 0x2808
#define E1000C_RDH 0x2810
#define E1000C_RDT 0x2818
#define E1000C_RDTR 0x2820
#define E1000C_TDBAL 0x3800
#define E1000C_TDBAH 0x3804
#define E1000C_TDLEN 0x3808
#define E1000C_TDH 0x3810
#define E1000C_TDT 0x3818
#define E1000C_MTA(n) (0x5200 + 4 * (n))
#define E1000C_RAL(n) (0x5400 + 8 * (n))
#define E1000C_RAH(n) (0x5404 + 8 * (n))
#define E1000C_MTA_ENTRIES 128
#define E1000C_RA_ENTRIES 16

/* CTRL (13.4.1) */
#define E1000C_CTRL_SLU 0x00000040
#define E1000C_CTRL_ASDE 0x00000020
#define E1000C_CTRL_RST 0x04000000
/* STATUS (13.4.2) */
#define E1000C_STATUS_LU 0x00000002
#define E1000C_STATUS_SPEED_MASK 0x000000C0
#define E1000C_STATUS_SPEED_SHIFT 6
/* MDIC (13.4.7): one MII management frame to the PHY at address 1; BMCR is PHY register 0 (IEEE 802.3 clause 22) */
#define E1000C_MDIC_WRITE(Reg, Data) (0x04000000 | (1u << 21) | ((ULONG)(Reg) << 16) | ((Data)&0xFFFF))
#define E1000C_MDIC_READY 0x10000000
#define E1000C_MDIC_ERROR 0x40000000
#define E1000C_PHY_BMCR 0
#define E1000C_BMCR_ANENABLE 0x1000
#define E1000C_BMCR_ANRESTART 0x0200
/* EERD (13.4.4) */
#define E1000C_EERD_START 0x00000001
#define E1000C_EERD_DONE 0x00000010
#define E1000C_EERD_ADDR_SHIFT 8
#define E1000C_EERD_DATA_SHIFT 16
#define E1000C_EEPROM_WORDS 0x40 /* words 0..0x3F are checksummed */
#define E1000C_EEPROM_SUM 0xBABA /* manual 5.6.x: the sum every valid image has */
/* Interrupt causes (13.4.17) */
#define E1000C_ICR_TXDW 0x00000001
#define E1000C_ICR_TXQE 0x00000002
#define E1000C_ICR_LSC 0x00000004
#define E1000C_ICR_RXDMT0 0x00000010
#define E1000C_ICR_RXO 0x00000040
#define E1000C_ICR_RXT0 0x00000080
#define E1000C_INTERRUPTS (E1000C_ICR_TXDW | E1000C_ICR_LSC | E1000C_ICR_RXDMT0 | E1000C_ICR_RXO | E1000C_ICR_RXT0)
/* RCTL (13.4.22) */
#define E1000C_RCTL_EN 0x00000002
#define E1000C_RCTL_UPE 0x00000008
#define E1000C_RCTL_MPE 0x00000010
#define E1000C_RCTL_BAM 0x00008000
#define E1000C_RCTL_PMCF 0x00800000
#define E1000C_RCTL_SECRC 0x04000000 /* BSIZE 00 (2048-byte buffers), BSEX 0 */
/* TCTL (13.4.33) and TIPG (13.4.34): IEEE 802.3 values for full duplex */
#define E1000C_TCTL_EN 0x00000002
#define E1000C_TCTL_PSP 0x00000008
#define E1000C_TCTL_CT_SHIFT 4
#define E1000C_TCTL_COLD_SHIFT 12
#define E1000C_TIPG_DEFAULT (10 | (8 << 10) | (6 << 20))
/* RAH (13.5.3) */
#define E1000C_RAH_AV 0x80000000

/* ---- Descriptors (3.2.3 receive, 3.3.3 legacy transmit), 16 bytes each ---- */
#include <pshpack1.h>
typedef struct _E1000C_RX_DESC {
    UINT64 BufferAddress;
    USHORT Length;
    USHORT Checksum;
    UCHAR Status;
    UCHAR Errors;
    USHORT Special;
} E1000C_RX_DESC, *PE1000C_RX_DESC;

typedef struct _E1000C_TX_DESC {
    UINT64 BufferAddress;
    USHORT Length;
    UCHAR Cso;
    UCHAR Command;
    UCHAR Status;
    UCHAR Css;
    USHORT Special;
} E1000C_TX_DESC, *PE1000C_TX_DESC;
#include <poppack.h>
C_ASSERT(sizeof(E1000C_RX_DESC) == 16);
C_ASSERT(sizeof(E1000C_TX_DESC) == 16);
C_ASSERT(FIELD_OFFSET(E1000C_TX_DESC, Command) == 11);

#define E1000C_RXD_STAT_DD 0x01
#define E1000C_RXD_STAT_EOP 0x02
#define E1000C_TXD_CMD_EOP 0x01
#define E1000C_TXD_CMD_IFCS 0x02
#define E1000C_TXD_CMD_RS 0x08
#define E1000C_TXD_STAT_DD 0x01

/* ---- Driver sizing ---- */
#define E1000C_TX_DESCRIPTORS 64 /* ring lengths are multiples of 8 descriptors (128 bytes) */
#define E1000C_RX_DESCRIPTORS 64
#define E1000C_RX_BUFFER_SIZE 2048
#define E1000C_HEADER_SIZE 14
#define E1000C_MAX_FRAME 1514    /* without FCS: the largest send, and MaximumPhysicalMapping unless configured */
#define E1000C_MAX_MAPPING 65536 /* the largest MaximumPhysicalMapping the registry may ask for */
#define E1000C_MAX_LOOKAHEAD (E1000C_MAX_FRAME - E1000C_HEADER_SIZE)
#define E1000C_MAX_MULTICAST 16
#define E1000C_LINK_SPEED_100BPS 10000000 /* OID_GEN_LINK_SPEED unit is 100 bit/s: 1 Gbit/s */
#define E1000C_TAG 0x63303165             /* pool tag "e10c" (bytes in memory order) */
#define E1000C_EEPROM_POLLS 1000
#define E1000C_RESET_POLLS 1000

typedef struct _E1000C_ADAPTER {
    NDIS_HANDLE MiniportHandle;
    NDIS_HANDLE WrapperContext;
    PUCHAR CsrBase; /* NdisMMapIoSpace of BAR0 */
    NDIS_PHYSICAL_ADDRESS CsrPhysical;
    ULONG CsrLength;
    ULONG InterruptLevel;
    ULONG InterruptVector;
    BOOLEAN InterruptRegistered;
    BOOLEAN Dma64;                /* registry DmaAddressBits: 64 (default) or 32, the NIC's DMA address reach */
    ULONG MaximumPhysicalMapping; /* registry MaximumPhysicalMapping, at least one frame */
    BOOLEAN WaitAutoNegComplete;  /* registry WaitAutoNegComplete: initialization waits for the link */
    NDIS_MINIPORT_INTERRUPT Interrupt;
    LONG PendingCauses; /* ICR bits the ISR read and the DPC has not handled */

    /* Shared memory: the descriptor rings and the receive buffers. */
    PE1000C_TX_DESC TxRing;
    NDIS_PHYSICAL_ADDRESS TxRingPhysical;
    PE1000C_RX_DESC RxRing;
    NDIS_PHYSICAL_ADDRESS RxRingPhysical;
    PUCHAR RxBuffers;
    NDIS_PHYSICAL_ADDRESS RxBuffersPhysical;

    /* Transmit ring state: descriptors [TxHead, TxTail) belong to the NIC. */
    ULONG TxTail;
    ULONG TxHead;
    ULONG TxFree;
    PNDIS_PACKET TxPacket[E1000C_TX_DESCRIPTORS]; /* the packet whose last (EOP) descriptor this is */
    ULONG HangCheckHead;                          /* TxHead at the previous MiniportCheckForHang */
    BOOLEAN HangCheckBusy;                        /* descriptors were on the NIC then */

    /* Receive ring state: the next descriptor the NIC completes, and the frame being indicated. */
    ULONG RxNext;
    PUCHAR RxFrame;
    ULONG RxFrameLength;

    UCHAR PermanentAddress[ETH_LENGTH_OF_ADDRESS];
    UCHAR CurrentAddress[ETH_LENGTH_OF_ADDRESS];
    UCHAR Multicast[E1000C_MAX_MULTICAST][ETH_LENGTH_OF_ADDRESS];
    ULONG MulticastCount;
    ULONG PacketFilter;
    ULONG Lookahead;
    NDIS_MEDIA_STATE MediaState;

    ULONG64 FramesSent;
    ULONG64 FramesReceived;
    ULONG64 ReceiveOverruns;
} E1000C_ADAPTER, *PE1000C_ADAPTER;

/* e1000c_hw.c */
ULONG E1000cRead(IN PE1000C_ADAPTER Adapter, IN ULONG Register);
VOID E1000cWrite(IN PE1000C_ADAPTER Adapter, IN ULONG Register, IN ULONG Value);
BOOLEAN E1000cReset(IN PE1000C_ADAPTER Adapter);
NDIS_STATUS E1000cReadPermanentAddress(IN PE1000C_ADAPTER Adapter);
VOID E1000cStart(IN PE1000C_ADAPTER Adapter);
VOID E1000cStop(IN PE1000C_ADAPTER Adapter);
VOID E1000cApplyFilter(IN PE1000C_ADAPTER Adapter);
VOID E1000cUpdateLink(IN PE1000C_ADAPTER Adapter);
/* Sets link up and waits (at PASSIVE_LEVEL) until autonegotiation brings the link or the limit passes. */
VOID E1000cWaitForLink(IN PE1000C_ADAPTER Adapter);

/* e1000c_send.c */
NDIS_STATUS NTAPI E1000cSend(IN NDIS_HANDLE MiniportAdapterContext, IN PNDIS_PACKET Packet, IN UINT Flags);
VOID E1000cTxComplete(IN PE1000C_ADAPTER Adapter);

/* e1000c_isr.c */
VOID NTAPI E1000cIsr(OUT PBOOLEAN InterruptRecognized, OUT PBOOLEAN QueueMiniportHandleInterrupt,
                     IN NDIS_HANDLE MiniportAdapterContext);
VOID NTAPI E1000cHandleInterrupt(IN NDIS_HANDLE MiniportAdapterContext);
VOID NTAPI E1000cEnableInterrupt(IN NDIS_HANDLE MiniportAdapterContext);
VOID NTAPI E1000cDisableInterrupt(IN NDIS_HANDLE MiniportAdapterContext);
NDIS_STATUS NTAPI E1000cTransferData(OUT PNDIS_PACKET Packet, OUT PUINT BytesTransferred,
                                     IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_HANDLE MiniportReceiveContext,
                                     IN UINT ByteOffset, IN UINT BytesToTransfer);

/* e1000c_oid.c */
NDIS_STATUS NTAPI E1000cQueryInformation(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                         IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                         OUT PULONG BytesWritten, OUT PULONG BytesNeeded);
NDIS_STATUS NTAPI E1000cSetInformation(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                       IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                       OUT PULONG BytesRead, OUT PULONG BytesNeeded);

#endif /* E1000C_H */
