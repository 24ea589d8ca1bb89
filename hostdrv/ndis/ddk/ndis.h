/* NDIS 5.1 miniport interface as nicsim provides it: the DDK's names, types, values and signatures, C99- and
 * C++17-compatible. Types follow the Windows LLP64 model (ULONG is 32 bits, ULONG_PTR pointer-sized). Register and
 * port access go through functions (not pointer dereferences): the "virtual" addresses NdisMMapIoSpace returns are
 * reserved, inaccessible process addresses that the NDIS layer turns into MMIO cycles on the simulated PCI bus.
 * Anything this header declares and the DDK documents behaves as documented (see docs in hostdrv/ndis/README.md). */
#ifndef NICSIM_NDIS_H
#define NICSIM_NDIS_H

/* DDK layout and naming, kept as the DDK writes it. */
/* clang-format off */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ntddk.h"
#include "ntddndis.h"

#ifdef __cplusplus
#define NDIS_EXTERN_C extern "C"
#define NDIS_EXTERN_C_BEGIN extern "C" {
#define NDIS_EXTERN_C_END }
#else
#define NDIS_EXTERN_C
#define NDIS_EXTERN_C_BEGIN
#define NDIS_EXTERN_C_END
#endif

/* The DDK uses anonymous structs/unions and flexible array members (MSVC extensions); GCC/Clang accept them. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif

#define NDIS_API
#define EXPORT

/* The NDIS version of the library (5.1). A miniport picks the characteristics it registers by defining
 * NDIS50_MINIPORT or NDIS51_MINIPORT before including this header (none: 5.1); NDIS_MINIPORT_MAJOR_VERSION and
 * NDIS_MINIPORT_MINOR_VERSION then name that version and NDIS_MINIPORT_CHARACTERISTICS is its structure. */
#define NDIS_MAJOR_VERSION 5
#define NDIS_MINOR_VERSION 1
#if defined(NDIS50_MINIPORT) && defined(NDIS51_MINIPORT)
#error "define one of NDIS50_MINIPORT and NDIS51_MINIPORT"
#endif
#if defined(NDIS50_MINIPORT)
#define NDIS_MINIPORT_MAJOR_VERSION 5
#define NDIS_MINIPORT_MINOR_VERSION 0
#else
#define NDIS_MINIPORT_MAJOR_VERSION 5
#define NDIS_MINIPORT_MINOR_VERSION 1
#endif

/* ---- NDIS base types ---- */
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef LONG NDIS_STATUS, *PNDIS_STATUS;
typedef int NDIS_ERROR_CODE, *PNDIS_ERROR_CODE;
typedef PHYSICAL_ADDRESS NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;
typedef PVOID NDIS_SPIN_LOCK_HANDLE;
typedef ULONG_PTR NDIS_PROC;

#define NdisGetPhysicalAddressLow(_Pa) ((_Pa).LowPart)
#define NdisGetPhysicalAddressHigh(_Pa) ((_Pa).HighPart)
#define NdisSetPhysicalAddressLow(_Pa, _Val) ((_Pa).LowPart = (_Val))
#define NdisSetPhysicalAddressHigh(_Pa, _Val) ((_Pa).HighPart = (_Val))


/* ---- Status codes ---- */
#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)0x00000000L)
#define NDIS_STATUS_PENDING ((NDIS_STATUS)0x00000103L)
#define NDIS_STATUS_NOT_RECOGNIZED ((NDIS_STATUS)0x00010001L)
#define NDIS_STATUS_NOT_COPIED ((NDIS_STATUS)0x00010002L)
#define NDIS_STATUS_NOT_ACCEPTED ((NDIS_STATUS)0x00010003L)
#define NDIS_STATUS_CALL_ACTIVE ((NDIS_STATUS)0x00010007L)
#define NDIS_STATUS_ONLINE ((NDIS_STATUS)0x40010003L)
#define NDIS_STATUS_RESET_START ((NDIS_STATUS)0x40010004L)
#define NDIS_STATUS_RESET_END ((NDIS_STATUS)0x40010005L)
#define NDIS_STATUS_RING_STATUS ((NDIS_STATUS)0x40010006L)
#define NDIS_STATUS_CLOSED ((NDIS_STATUS)0x40010007L)
#define NDIS_STATUS_MEDIA_CONNECT ((NDIS_STATUS)0x4001000BL)
#define NDIS_STATUS_MEDIA_DISCONNECT ((NDIS_STATUS)0x4001000CL)
#define NDIS_STATUS_MEDIA_SPECIFIC_INDICATION ((NDIS_STATUS)0x40010012L)
#define NDIS_STATUS_LINK_SPEED_CHANGE ((NDIS_STATUS)0x40010013L)
#define NDIS_STATUS_NOT_RESETTABLE ((NDIS_STATUS)0x80010001L)
#define NDIS_STATUS_SOFT_ERRORS ((NDIS_STATUS)0x80010003L)
#define NDIS_STATUS_HARD_ERRORS ((NDIS_STATUS)0x80010004L)
#define NDIS_STATUS_BUFFER_OVERFLOW ((NDIS_STATUS)0x80000005L)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)0xC0000001L)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)0xC000009AL)
#define NDIS_STATUS_NOT_SUPPORTED ((NDIS_STATUS)0xC00000BBL)
#define NDIS_STATUS_CLOSING ((NDIS_STATUS)0xC0010002L)
#define NDIS_STATUS_BAD_VERSION ((NDIS_STATUS)0xC0010004L)
#define NDIS_STATUS_BAD_CHARACTERISTICS ((NDIS_STATUS)0xC0010005L)
#define NDIS_STATUS_ADAPTER_NOT_FOUND ((NDIS_STATUS)0xC0010006L)
#define NDIS_STATUS_OPEN_FAILED ((NDIS_STATUS)0xC0010007L)
#define NDIS_STATUS_DEVICE_FAILED ((NDIS_STATUS)0xC0010008L)
#define NDIS_STATUS_MULTICAST_FULL ((NDIS_STATUS)0xC0010009L)
#define NDIS_STATUS_MULTICAST_EXISTS ((NDIS_STATUS)0xC001000AL)
#define NDIS_STATUS_MULTICAST_NOT_FOUND ((NDIS_STATUS)0xC001000BL)
#define NDIS_STATUS_REQUEST_ABORTED ((NDIS_STATUS)0xC001000CL)
#define NDIS_STATUS_RESET_IN_PROGRESS ((NDIS_STATUS)0xC001000DL)
#define NDIS_STATUS_INVALID_PACKET ((NDIS_STATUS)0xC001000FL)
#define NDIS_STATUS_ADAPTER_NOT_READY ((NDIS_STATUS)0xC0010011L)
#define NDIS_STATUS_INVALID_LENGTH ((NDIS_STATUS)0xC0010014L)
#define NDIS_STATUS_INVALID_DATA ((NDIS_STATUS)0xC0010015L)
#define NDIS_STATUS_BUFFER_TOO_SHORT ((NDIS_STATUS)0xC0010016L)
#define NDIS_STATUS_INVALID_OID ((NDIS_STATUS)0xC0010017L)
#define NDIS_STATUS_ADAPTER_REMOVED ((NDIS_STATUS)0xC0010018L)
#define NDIS_STATUS_UNSUPPORTED_MEDIA ((NDIS_STATUS)0xC0010019L)
#define NDIS_STATUS_FILE_NOT_FOUND ((NDIS_STATUS)0xC001001BL)
#define NDIS_STATUS_RESOURCE_CONFLICT ((NDIS_STATUS)0xC001001EL)

/* ---- Enumerations ---- */
typedef enum _NDIS_INTERFACE_TYPE {
    NdisInterfaceInternal = 0,
    NdisInterfaceIsa = 1,
    NdisInterfaceEisa = 2,
    NdisInterfaceMca = 3,
    NdisInterfaceTurboChannel = 4,
    NdisInterfacePci = 5,
    NdisInterfacePcMcia = 8,
    NdisInterfaceCBus = 9,
    NdisInterfaceMPIBus = 10,
    NdisInterfaceMPSABus = 11,
    NdisInterfaceProcessorInternal = 12,
    NdisInterfaceInternalPowerBus = 13,
    NdisInterfacePNPISABus = 14,
    NdisInterfacePNPBus = 15
} NDIS_INTERFACE_TYPE, *PNDIS_INTERFACE_TYPE;

typedef enum _NDIS_INTERRUPT_MODE { NdisInterruptLevelSensitive, NdisInterruptLatched } NDIS_INTERRUPT_MODE;

typedef enum _NDIS_DEVICE_PNP_EVENT {
    NdisDevicePnPEventQueryRemoved,
    NdisDevicePnPEventRemoved,
    NdisDevicePnPEventSurpriseRemoved,
    NdisDevicePnPEventQueryStopped,
    NdisDevicePnPEventStopped,
    NdisDevicePnPEventPowerProfileChanged,
    NdisDevicePnPEventMaximum
} NDIS_DEVICE_PNP_EVENT, *PNDIS_DEVICE_PNP_EVENT;

typedef enum _MM_PAGE_PRIORITY {
    LowPagePriority = 0,
    NormalPagePriority = 16,
    HighPagePriority = 32
} MM_PAGE_PRIORITY;

typedef enum _NDIS_PARAMETER_TYPE {
    NdisParameterInteger,
    NdisParameterHexInteger,
    NdisParameterString,
    NdisParameterMultiString,
    NdisParameterBinary
} NDIS_PARAMETER_TYPE, *PNDIS_PARAMETER_TYPE;

typedef enum _NDIS_PER_PACKET_INFO {
    TcpIpChecksumPacketInfo,
    IpSecPacketInfo,
    TcpLargeSendPacketInfo,
    ClassificationHandlePacketInfo,
    NdisReserved,
    ScatterGatherListPacketInfo, /* = 5 */
    Ieee8021QInfo,
    OriginalPacketInfo,
    PacketCancelId,
    MaxPerPacketInfo
} NDIS_PER_PACKET_INFO, *PNDIS_PER_PACKET_INFO;

/* ---- Attribute flags (NdisMSetAttributesEx) ---- */
#define NDIS_ATTRIBUTE_IGNORE_PACKET_TIMEOUT 0x00000001  /* no send-packet timeout checks */
#define NDIS_ATTRIBUTE_IGNORE_REQUEST_TIMEOUT 0x00000002 /* no OID request timeout checks */
#define NDIS_ATTRIBUTE_INTERMEDIATE_DRIVER 0x00000004    /* intermediate driver */
#define NDIS_ATTRIBUTE_BUS_MASTER 0x00000008             /* NIC is a bus-master DMA device */
#define NDIS_ATTRIBUTE_DESERIALIZE 0x00000020            /* miniport queues and completes every send itself */
#define NDIS_ATTRIBUTE_IGNORE_TOKEN_RING_ERRORS 0x00000040 /* token ring only */
#define NDIS_ATTRIBUTE_SURPRISE_REMOVE_OK 0x00000080     /* halt without prior notice is fine */
#define NDIS_ATTRIBUTE_NOT_CO_NDIS 0x00000100            /* connectionless despite CO handlers */
#define NDIS_ATTRIBUTE_USES_SAFE_BUFFER_APIS 0x00000200  /* uses NdisQueryBufferSafe */

/* ---- Map register DMA sizes (NdisMAllocateMapRegisters); scatter-gather DMA knows only 32 and 64 ---- */
#define NDIS_DMA_24BITS 0 /* ISA-style 24-bit addressing */
#define NDIS_DMA_32BITS 1 /* 32-bit addressing */
#define NDIS_DMA_64BITS 2 /* 64-bit addressing */

/* ---- NdisAllocateMemory flags ---- */
#define NDIS_MEMORY_CONTIGUOUS 0x00000001 /* physically contiguous */
#define NDIS_MEMORY_NONCACHED 0x00000002  /* uncached */

/* ---- MAC options (OID_GEN_MAC_OPTIONS) ---- */
#define NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA 0x00000001 /* lookahead buffer may be copied whole */
#define NDIS_MAC_OPTION_RECEIVE_SERIALIZED 0x00000002  /* receives are indicated serialized */
#define NDIS_MAC_OPTION_TRANSFERS_NOT_PEND 0x00000004  /* TransferData never pends */
#define NDIS_MAC_OPTION_NO_LOOPBACK 0x00000008         /* NIC does not loop back */
#define NDIS_MAC_OPTION_FULL_DUPLEX 0x00000010         /* full duplex */
#define NDIS_MAC_OPTION_EOTX_INDICATION 0x00000020     /* end-of-transmit indication */
#define NDIS_MAC_OPTION_8021P_PRIORITY 0x00000040      /* 802.1p priority */
#define NDIS_MAC_OPTION_8021Q_VLAN 0x00000200          /* 802.1Q tagging */
#define NDIS_MAC_OPTION_SUPPORTS_MAC_ADDRESS_OVERWRITE 0x00000080 /* NetworkAddress keyword honoured */
#define NDIS_MAC_OPTION_RECEIVE_AT_DPC 0x00000100      /* receives indicated from the DPC */
#define NDIS_MAC_OPTION_RESERVED 0x80000000             /* reserved for NDIS */

/* ---- Ethernet ---- */
#define ETH_LENGTH_OF_ADDRESS 6                         /* bytes in an 802.3 address */
#define ETH_IS_BROADCAST(Address) \
    ((((PUCHAR)(Address))[0] == 0xff) && (((PUCHAR)(Address))[1] == 0xff) && (((PUCHAR)(Address))[2] == 0xff) && \
     (((PUCHAR)(Address))[3] == 0xff) && (((PUCHAR)(Address))[4] == 0xff) && (((PUCHAR)(Address))[5] == 0xff))
#define ETH_IS_MULTICAST(Address) ((BOOLEAN)(((PUCHAR)(Address))[0] & ((UCHAR)0x01)))
#define ETH_COMPARE_NETWORK_ADDRESSES_EQ(A, B, Result) \
    (*(Result) = (memcmp((A), (B), ETH_LENGTH_OF_ADDRESS) != 0))
#define ETH_COMPARE_NETWORK_ADDRESSES(A, B, Result) \
    (*(Result) = memcmp((A), (B), ETH_LENGTH_OF_ADDRESS))

/* ---- Task offload (OID_TCP_TASK_OFFLOAD) ---- */
#define NDIS_TASK_OFFLOAD_VERSION 1
typedef enum _NDIS_TASK { TcpIpChecksumNdisTask, IpSecNdisTask, TcpLargeSendNdisTask, MaxNdisTask } NDIS_TASK;
typedef enum _NDIS_ENCAPSULATION {
    UNSPECIFIED_Encapsulation,
    NULL_Encapsulation,
    IEEE_802_3_Encapsulation,
    IEEE_802_5_Encapsulation,
    LLC_SNAP_ROUTED_Encapsulation,
    LLC_SNAP_BRIDGED_Encapsulation
} NDIS_ENCAPSULATION;
typedef struct _NDIS_ENCAPSULATION_FORMAT {
    NDIS_ENCAPSULATION Encapsulation;
    struct {
        ULONG FixedHeaderSize : 1;
        ULONG Reserved : 31;
    } Flags;
    ULONG EncapsulationHeaderSize;
} NDIS_ENCAPSULATION_FORMAT, *PNDIS_ENCAPSULATION_FORMAT;
typedef struct _NDIS_TASK_OFFLOAD_HEADER {
    ULONG Version;
    ULONG Size;
    ULONG Reserved;
    ULONG OffsetFirstTask;
    NDIS_ENCAPSULATION_FORMAT EncapsulationFormat;
} NDIS_TASK_OFFLOAD_HEADER, *PNDIS_TASK_OFFLOAD_HEADER;
typedef struct _NDIS_TASK_OFFLOAD {
    ULONG Version;
    ULONG Size;
    NDIS_TASK Task;
    ULONG OffsetNextTask;
    ULONG TaskBufferLength;
    UCHAR TaskBuffer[1];
} NDIS_TASK_OFFLOAD, *PNDIS_TASK_OFFLOAD;
#define NDIS_TASK_TCP_LARGE_SEND_V0 0
typedef struct _NDIS_TASK_TCP_LARGE_SEND {
    ULONG Version;
    ULONG MaxOffLoadSize;
    ULONG MinSegmentCount;
    BOOLEAN TcpOptions;
    BOOLEAN IpOptions;
} NDIS_TASK_TCP_LARGE_SEND, *PNDIS_TASK_TCP_LARGE_SEND;
typedef struct _NDIS_TASK_TCP_IP_CHECKSUM {
    struct {
        ULONG IpOptionsSupported : 1;
        ULONG TcpOptionsSupported : 1;
        ULONG TcpChecksum : 1;
        ULONG UdpChecksum : 1;
        ULONG IpChecksum : 1;
    } V4Transmit;
    struct {
        ULONG IpOptionsSupported : 1;
        ULONG TcpOptionsSupported : 1;
        ULONG TcpChecksum : 1;
        ULONG UdpChecksum : 1;
        ULONG IpChecksum : 1;
    } V4Receive;
    struct {
        ULONG IpOptionsSupported : 1;
        ULONG TcpOptionsSupported : 1;
        ULONG TcpChecksum : 1;
        ULONG UdpChecksum : 1;
    } V6Transmit;
    struct {
        ULONG IpOptionsSupported : 1;
        ULONG TcpOptionsSupported : 1;
        ULONG TcpChecksum : 1;
        ULONG UdpChecksum : 1;
    } V6Receive;
} NDIS_TASK_TCP_IP_CHECKSUM, *PNDIS_TASK_TCP_IP_CHECKSUM;

/* Per-packet checksum info (TcpIpChecksumPacketInfo), stored in the pointer-sized slot. */
typedef struct _NDIS_TCP_IP_CHECKSUM_PACKET_INFO {
    union {
        struct {
            ULONG NdisPacketChecksumV4 : 1;
            ULONG NdisPacketChecksumV6 : 1;
            ULONG NdisPacketTcpChecksum : 1;
            ULONG NdisPacketUdpChecksum : 1;
            ULONG NdisPacketIpChecksum : 1;
        } Transmit;
        struct {
            ULONG NdisPacketTcpChecksumFailed : 1;
            ULONG NdisPacketUdpChecksumFailed : 1;
            ULONG NdisPacketIpChecksumFailed : 1;
            ULONG NdisPacketTcpChecksumSucceeded : 1;
            ULONG NdisPacketUdpChecksumSucceeded : 1;
            ULONG NdisPacketIpChecksumSucceeded : 1;
            ULONG NdisPacketLoopback : 1;
        } Receive;
        ULONG Value;
    };
} NDIS_TCP_IP_CHECKSUM_PACKET_INFO, *PNDIS_TCP_IP_CHECKSUM_PACKET_INFO;

/* Per-packet 802.1Q tag (Ieee8021QInfo), stored in the pointer-sized slot: a miniport whose NIC strips the tag on
 * receive hands it up here, and reads here the tag to insert on send. */
typedef struct _NDIS_PACKET_8021Q_INFO {
    union {
        struct {
            ULONG UserPriority : 3;
            ULONG CanonicalFormatId : 1;
            ULONG VlanId : 12;
            ULONG Reserved : 16;
        } TagHeader;
        PVOID Value;
    };
} NDIS_PACKET_8021Q_INFO, *PNDIS_PACKET_8021Q_INFO;

/* ---- Scatter-gather (DDK layout) ---- */
typedef struct _SCATTER_GATHER_ELEMENT {
    PHYSICAL_ADDRESS Address;
    ULONG Length;
    ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

typedef struct _SCATTER_GATHER_LIST {
    ULONG NumberOfElements;
    ULONG_PTR Reserved;
    SCATTER_GATHER_ELEMENT Elements[];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

/* ---- Buffers (MDL) ---- */
#define PAGE_SIZE 0x1000
#define PAGE_SHIFT 12
#define BYTE_OFFSET(Va) ((ULONG)((ULONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define BYTES_TO_PAGES(Size) (((Size) >> PAGE_SHIFT) + (((Size) & (PAGE_SIZE - 1)) != 0))
#define ROUND_TO_PAGES(Size) (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~((ULONG_PTR)PAGE_SIZE - 1))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size) \
    ((ULONG)((((ULONG_PTR)(Size)) >> PAGE_SHIFT) + \
             ((BYTE_OFFSET(Va) + ((ULONG)(Size) & (PAGE_SIZE - 1)) + (PAGE_SIZE - 1)) >> PAGE_SHIFT)))

typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;

/* Memory descriptor list. The page frame numbers of the described pages follow the structure (MmGetMdlPfnArray);
 * a page the NDIS layer does not know physically has the PFN NICSIM_PFN_UNKNOWN. */
typedef struct _MDL {
    struct _MDL* Next;
    CSHORT Size;
    CSHORT MdlFlags;
    PVOID Process;
    PVOID MappedSystemVa;
    PVOID StartVa; /* page-aligned */
    ULONG ByteCount;
    ULONG ByteOffset;
} MDL, *PMDL;
typedef MDL NDIS_BUFFER, *PNDIS_BUFFER;
#define NICSIM_PFN_UNKNOWN ((PFN_NUMBER)~(PFN_NUMBER)0)
#define MmGetMdlPfnArray(Mdl) ((PPFN_NUMBER)((PMDL)(Mdl) + 1))
#define MmGetMdlVirtualAddress(Mdl) ((PVOID)((PCHAR)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl) ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
#define NDIS_BUFFER_LINKAGE(Buf) ((Buf)->Next)
#define NDIS_BUFFER_TO_SPAN_PAGES(Buf) \
    (MmGetMdlByteCount(Buf) == 0 ? 1 : ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Buf), MmGetMdlByteCount(Buf)))
#define NdisGetNextBuffer(CurrentBuffer, NextBuffer) (*(NextBuffer) = (CurrentBuffer)->Next)
#define NdisBufferLength(Buf) MmGetMdlByteCount(Buf)
#define NdisBufferVirtualAddress(Buf) MmGetMdlVirtualAddress(Buf)

/* ---- Packets ---- */
struct _NDIS_PACKET_POOL;
typedef struct _NDIS_PACKET_PRIVATE {
    UINT PhysicalCount;
    UINT TotalLength;
    PNDIS_BUFFER Head;
    PNDIS_BUFFER Tail;
    struct _NDIS_PACKET_POOL* Pool;
    UINT Count;
    ULONG Flags;
    BOOLEAN ValidCounts;
    UCHAR NdisPacketFlags;
    USHORT NdisPacketOobOffset;
} NDIS_PACKET_PRIVATE, *PNDIS_PACKET_PRIVATE;

typedef struct _NDIS_PACKET {
    NDIS_PACKET_PRIVATE Private;
    union {
        struct {
            UCHAR MiniportReserved[2 * sizeof(PVOID)];
            UCHAR WrapperReserved[2 * sizeof(PVOID)];
        };
        struct {
            UCHAR MiniportReservedEx[3 * sizeof(PVOID)];
            UCHAR WrapperReservedEx[sizeof(PVOID)];
        };
        struct {
            UCHAR MacReserved[4 * sizeof(PVOID)];
        };
    };
    ULONG_PTR Reserved[2];
    UCHAR ProtocolReserved[1];
} NDIS_PACKET, *PNDIS_PACKET, **PPNDIS_PACKET;

typedef struct _NDIS_PACKET_OOB_DATA {
    union {
        ULONGLONG TimeToSend;
        ULONGLONG TimeSent;
    };
    ULONGLONG TimeReceived;
    UINT HeaderSize;
    UINT SizeMediaSpecificInfo;
    PVOID MediaSpecificInformation;
    NDIS_STATUS Status;
} NDIS_PACKET_OOB_DATA, *PNDIS_PACKET_OOB_DATA;

typedef struct _NDIS_PACKET_EXTENSION {
    PVOID NdisPacketInfo[MaxPerPacketInfo];
} NDIS_PACKET_EXTENSION, *PNDIS_PACKET_EXTENSION;

#define NDIS_OOB_DATA_FROM_PACKET(_P) ((PNDIS_PACKET_OOB_DATA)((PUCHAR)(_P) + (_P)->Private.NdisPacketOobOffset))
#define NDIS_PACKET_EXTENSION_FROM_PACKET(_P) \
    ((PNDIS_PACKET_EXTENSION)((PUCHAR)(_P) + (_P)->Private.NdisPacketOobOffset + sizeof(NDIS_PACKET_OOB_DATA)))
#define NDIS_PER_PACKET_INFO_FROM_PACKET(_P, _Id) (NDIS_PACKET_EXTENSION_FROM_PACKET(_P)->NdisPacketInfo[(_Id)])
#define NDIS_GET_PACKET_STATUS(_P) (NDIS_OOB_DATA_FROM_PACKET(_P)->Status)
#define NDIS_SET_PACKET_STATUS(_P, _S) (NDIS_OOB_DATA_FROM_PACKET(_P)->Status = (_S))
#define NDIS_GET_PACKET_HEADER_SIZE(_P) (NDIS_OOB_DATA_FROM_PACKET(_P)->HeaderSize)
#define NDIS_SET_PACKET_HEADER_SIZE(_P, _S) (NDIS_OOB_DATA_FROM_PACKET(_P)->HeaderSize = (_S))
#define NDIS_GET_PACKET_CANCEL_ID(_P) NDIS_PER_PACKET_INFO_FROM_PACKET(_P, PacketCancelId)
#define NDIS_SET_PACKET_CANCEL_ID(_P, _Id) (NDIS_PER_PACKET_INFO_FROM_PACKET(_P, PacketCancelId) = (_Id))
#define NDIS_GET_ORIGINAL_PACKET(_P) NDIS_PER_PACKET_INFO_FROM_PACKET(_P, OriginalPacketInfo)

/* ---- Resources and PCI configuration ---- */
#define CmResourceTypeNull 0
#define CmResourceTypePort 1
#define CmResourceTypeInterrupt 2
#define CmResourceTypeMemory 3
#define CmResourceTypeDma 4
#define CmResourceTypeDeviceSpecific 5
#define CmResourceTypeBusNumber 6
#define CmResourceTypeDevicePrivate 129
#define CmResourceShareUndetermined 0
#define CmResourceShareDeviceExclusive 1
#define CmResourceShareDriverExclusive 2
#define CmResourceShareShared 3
#define CM_RESOURCE_PORT_MEMORY 0x0000             /* port lives in memory space */
#define CM_RESOURCE_PORT_IO 0x0001                 /* port lives in I/O space */
#define CM_RESOURCE_MEMORY_READ_WRITE 0x0000       /* memory range read-write */
#define CM_RESOURCE_MEMORY_PREFETCHABLE 0x0004     /* memory range prefetchable */
#define CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE 0x0000 /* level-triggered (PCI INTx#) */
#define CM_RESOURCE_INTERRUPT_LATCHED 0x0001       /* edge-triggered */

/* The DDK declares the resource descriptors with 4-byte packing: on x64 the union starts at offset 4 and a
 * descriptor is 20 bytes. */
#include "pshpack4.h"
typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR {
    UCHAR Type;
    UCHAR ShareDisposition;
    USHORT Flags;
    union {
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length;
        } Generic;
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length;
        } Port;
        struct {
            ULONG Level;
            ULONG Vector;
            KAFFINITY Affinity;
        } Interrupt;
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length;
        } Memory;
        struct {
            ULONG Channel;
            ULONG Port;
            ULONG Reserved1;
        } Dma;
        struct {
            ULONG Data[3];
        } DevicePrivate;
        struct {
            ULONG Start;
            ULONG Length;
            ULONG Reserved;
        } BusNumber;
        struct {
            ULONG DataSize;
            ULONG Reserved1;
            ULONG Reserved2;
        } DeviceSpecificData;
    } u;
} CM_PARTIAL_RESOURCE_DESCRIPTOR, *PCM_PARTIAL_RESOURCE_DESCRIPTOR;

typedef struct _CM_PARTIAL_RESOURCE_LIST {
    USHORT Version;
    USHORT Revision;
    ULONG Count;
    CM_PARTIAL_RESOURCE_DESCRIPTOR PartialDescriptors[1];
} CM_PARTIAL_RESOURCE_LIST, *PCM_PARTIAL_RESOURCE_LIST;
#include "poppack.h"
typedef CM_PARTIAL_RESOURCE_LIST NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;

#define PCI_TYPE0_ADDRESSES 6
#define PCI_ENABLE_IO_SPACE 0x0001     /* command: I/O space */
#define PCI_ENABLE_MEMORY_SPACE 0x0002 /* command: memory space */
#define PCI_ENABLE_BUS_MASTER 0x0004   /* command: bus master */
#define PCI_ADDRESS_IO_SPACE 0x00000001        /* BAR bit 0: I/O */
#define PCI_ADDRESS_MEMORY_TYPE_MASK 0x00000006 /* BAR bits 2:1 */
#define PCI_TYPE_64BIT 0x00000004               /* BAR type: 64-bit */
#define PCI_ADDRESS_MEMORY_PREFETCHABLE 0x00000008 /* BAR bit 3 */
typedef struct _PCI_COMMON_CONFIG {
    USHORT VendorID;
    USHORT DeviceID;
    USHORT Command;
    USHORT Status;
    UCHAR RevisionID;
    UCHAR ProgIf;
    UCHAR SubClass;
    UCHAR BaseClass;
    UCHAR CacheLineSize;
    UCHAR LatencyTimer;
    UCHAR HeaderType;
    UCHAR BIST;
    union {
        struct _PCI_HEADER_TYPE_0 {
            ULONG BaseAddresses[PCI_TYPE0_ADDRESSES];
            ULONG CIS;
            USHORT SubVendorID;
            USHORT SubSystemID;
            ULONG ROMBaseAddress;
            UCHAR CapabilitiesPtr;
            UCHAR Reserved1[3];
            ULONG Reserved2;
            UCHAR InterruptLine;
            UCHAR InterruptPin;
            UCHAR MinimumGrant;
            UCHAR MaximumLatency;
        } type0;
    } u;
    UCHAR DeviceSpecific[192];
} PCI_COMMON_CONFIG, *PPCI_COMMON_CONFIG;
#define PCI_COMMON_HDR_LENGTH (offsetof(PCI_COMMON_CONFIG, DeviceSpecific))

/* ---- Miniport handlers and characteristics ---- */
typedef BOOLEAN (*W_CHECK_FOR_HANG_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_DISABLE_INTERRUPT_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_ENABLE_INTERRUPT_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HALT_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HANDLE_INTERRUPT_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_INITIALIZE_HANDLER)(OUT PNDIS_STATUS OpenErrorStatus, OUT PUINT SelectedMediumIndex,
                                            IN PNDIS_MEDIUM MediumArray, IN UINT MediumArraySize,
                                            IN NDIS_HANDLE MiniportAdapterHandle,
                                            IN NDIS_HANDLE WrapperConfigurationContext);
typedef VOID (*W_ISR_HANDLER)(OUT PBOOLEAN InterruptRecognized, OUT PBOOLEAN QueueMiniportHandleInterrupt,
                              IN NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_QUERY_INFORMATION_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                                   IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                                   OUT PULONG BytesWritten, OUT PULONG BytesNeeded);
typedef NDIS_STATUS (*W_RECONFIGURE_HANDLER)(OUT PNDIS_STATUS OpenErrorStatus, IN NDIS_HANDLE MiniportAdapterContext,
                                             IN NDIS_HANDLE WrapperConfigurationContext);
typedef NDIS_STATUS (*W_RESET_HANDLER)(OUT PBOOLEAN AddressingReset, IN NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_SEND_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN PNDIS_PACKET Packet, IN UINT Flags);
typedef NDIS_STATUS (*W_SET_INFORMATION_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_OID Oid,
                                                 IN PVOID InformationBuffer, IN ULONG InformationBufferLength,
                                                 OUT PULONG BytesRead, OUT PULONG BytesNeeded);
typedef NDIS_STATUS (*W_TRANSFER_DATA_HANDLER)(OUT PNDIS_PACKET Packet, OUT PUINT BytesTransferred,
                                               IN NDIS_HANDLE MiniportAdapterContext,
                                               IN NDIS_HANDLE MiniportReceiveContext, IN UINT ByteOffset,
                                               IN UINT BytesToTransfer);
typedef VOID (*W_RETURN_PACKET_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN PNDIS_PACKET Packet);
typedef VOID (*W_SEND_PACKETS_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN PPNDIS_PACKET PacketArray,
                                       IN UINT NumberOfPackets);
typedef VOID (*W_ALLOCATE_COMPLETE_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN PVOID VirtualAddress,
                                            IN PNDIS_PHYSICAL_ADDRESS PhysicalAddress, IN ULONG Length,
                                            IN PVOID Context);
typedef PVOID W_CO_HANDLER; /* connection-oriented handlers: not used by nicsim, kept for the layout */
typedef VOID (*W_CANCEL_SEND_PACKETS_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN PVOID CancelId);
typedef VOID (*W_PNP_EVENT_NOTIFY_HANDLER)(IN NDIS_HANDLE MiniportAdapterContext, IN NDIS_DEVICE_PNP_EVENT PnPEvent,
                                           IN PVOID InformationBuffer, IN ULONG InformationBufferLength);
typedef VOID (*W_MINIPORT_SHUTDOWN_HANDLER)(IN PVOID ShutdownContext);
typedef VOID (*ADAPTER_SHUTDOWN_HANDLER)(IN PVOID ShutdownContext);

/* The members of each version's characteristics, as the DDK's C declarations spell them out: each version's list
   is the one before with its own members appended, and every struct (5.1's included, which miniport sources fill in
   by name) is flat. */
#define NDIS30_MINIPORT_CHARACTERISTICS_S                  \
    UCHAR MajorNdisVersion;                                \
    UCHAR MinorNdisVersion;                                \
    USHORT Filler;                                         \
    UINT Reserved;                                         \
    W_CHECK_FOR_HANG_HANDLER CheckForHangHandler;          \
    W_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;   \
    W_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;     \
    W_HALT_HANDLER HaltHandler;                            \
    W_HANDLE_INTERRUPT_HANDLER HandleInterruptHandler;     \
    W_INITIALIZE_HANDLER InitializeHandler;                \
    W_ISR_HANDLER ISRHandler;                              \
    W_QUERY_INFORMATION_HANDLER QueryInformationHandler;   \
    W_RECONFIGURE_HANDLER ReconfigureHandler;              \
    W_RESET_HANDLER ResetHandler;                          \
    W_SEND_HANDLER SendHandler;                            \
    W_SET_INFORMATION_HANDLER SetInformationHandler;       \
    W_TRANSFER_DATA_HANDLER TransferDataHandler;

#define NDIS40_MINIPORT_CHARACTERISTICS_S                  \
    NDIS30_MINIPORT_CHARACTERISTICS_S                      \
    W_RETURN_PACKET_HANDLER ReturnPacketHandler;           \
    W_SEND_PACKETS_HANDLER SendPacketsHandler;             \
    W_ALLOCATE_COMPLETE_HANDLER AllocateCompleteHandler;

#define NDIS50_MINIPORT_CHARACTERISTICS_S                  \
    NDIS40_MINIPORT_CHARACTERISTICS_S                      \
    W_CO_HANDLER CoCreateVcHandler;                        \
    W_CO_HANDLER CoDeleteVcHandler;                        \
    W_CO_HANDLER CoActivateVcHandler;                      \
    W_CO_HANDLER CoDeactivateVcHandler;                    \
    W_CO_HANDLER CoSendPacketsHandler;                     \
    W_CO_HANDLER CoRequestHandler;

typedef struct _NDIS30_MINIPORT_CHARACTERISTICS {
    NDIS30_MINIPORT_CHARACTERISTICS_S
} NDIS30_MINIPORT_CHARACTERISTICS;

typedef struct _NDIS40_MINIPORT_CHARACTERISTICS {
    NDIS40_MINIPORT_CHARACTERISTICS_S
} NDIS40_MINIPORT_CHARACTERISTICS;

typedef struct _NDIS50_MINIPORT_CHARACTERISTICS {
    NDIS50_MINIPORT_CHARACTERISTICS_S
} NDIS50_MINIPORT_CHARACTERISTICS;

typedef struct _NDIS51_MINIPORT_CHARACTERISTICS {
    NDIS50_MINIPORT_CHARACTERISTICS_S
    W_CANCEL_SEND_PACKETS_HANDLER CancelSendPacketsHandler;
    W_PNP_EVENT_NOTIFY_HANDLER PnPEventNotifyHandler;
    W_MINIPORT_SHUTDOWN_HANDLER AdapterShutdownHandler;
    PVOID Reserved1;
    PVOID Reserved2;
    PVOID Reserved3;
    PVOID Reserved4;
} NDIS51_MINIPORT_CHARACTERISTICS;
#if NDIS_MINIPORT_MINOR_VERSION == 0
typedef NDIS50_MINIPORT_CHARACTERISTICS NDIS_MINIPORT_CHARACTERISTICS, *PNDIS_MINIPORT_CHARACTERISTICS;
#else
typedef NDIS51_MINIPORT_CHARACTERISTICS NDIS_MINIPORT_CHARACTERISTICS, *PNDIS_MINIPORT_CHARACTERISTICS;
#endif

/* ---- Interrupts, timers, locks, configuration ---- */
typedef struct _NDIS_MINIPORT_INTERRUPT {
    PVOID InterruptObject; /* the NDIS layer's record of the registration */
    KSPIN_LOCK DpcCountLock;
    PVOID Reserved;
    W_ISR_HANDLER MiniportIsr;
    W_HANDLE_INTERRUPT_HANDLER MiniportDpc;
    NDIS_HANDLE Miniport;
    UCHAR DpcCount;
    BOOLEAN Filler1;
    BOOLEAN SharedInterrupt;
    BOOLEAN IsrRequested;
} NDIS_MINIPORT_INTERRUPT, *PNDIS_MINIPORT_INTERRUPT;

typedef VOID (*PNDIS_TIMER_FUNCTION)(IN PVOID SystemSpecific1, IN PVOID FunctionContext, IN PVOID SystemSpecific2,
                                     IN PVOID SystemSpecific3);
typedef struct _NDIS_MINIPORT_TIMER {
    PVOID TimerObject; /* the NDIS layer's record of the timer */
    PNDIS_TIMER_FUNCTION MiniportTimerFunction;
    PVOID MiniportTimerContext;
    NDIS_HANDLE Miniport;
} NDIS_MINIPORT_TIMER, *PNDIS_MINIPORT_TIMER;

typedef BOOLEAN (*PNDIS_SYNCHRONIZE_ROUTINE)(IN PVOID SynchronizeContext);

/* Signaled or not; waiting lets simulated time pass (one CPU: whatever sets it runs meanwhile, e.g. a DPC). */
typedef struct _NDIS_EVENT {
    LONG Signaled;
} NDIS_EVENT, *PNDIS_EVENT;

typedef struct _NDIS_SPIN_LOCK {
    KSPIN_LOCK SpinLock;
    KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

typedef struct _NDIS_CONFIGURATION_PARAMETER {
    NDIS_PARAMETER_TYPE ParameterType;
    union {
        ULONG IntegerData;
        NDIS_STRING StringData;
        struct {
            PVOID Buffer;
            USHORT Length;
        } BinaryData;
    } ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

/* ---- Memory helpers ---- */
#define NdisMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define NdisZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define NdisFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define NdisEqualMemory(Source1, Source2, Length) (memcmp((Source1), (Source2), (Length)) == 0)
#define NdisMUpdateSharedMemory(_H, _L, _V, _P) ((void)0)
#define NdisFlushBuffer(_B, _W) ((void)0)
#define NdisMoveMappedMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define NdisZeroMappedMemory(Destination, Length) memset((Destination), 0, (Length))
#define NdisMoveToMappedMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define NdisMoveFromMappedMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define NdisRetrieveUlong(DestinationAddress, SourceAddress) memcpy((DestinationAddress), (SourceAddress), 4)
#define NdisStoreUlong(DestinationAddress, Value) \
    do { ULONG _nicsim_v = (ULONG)(Value); memcpy((DestinationAddress), &_nicsim_v, 4); } while (0)
#define NdisInitUnicodeString(Destination, Source) RtlInitUnicodeString((Destination), (Source))
#define NdisInitAnsiString(Destination, Source) RtlInitAnsiString((Destination), (Source))
/* WCHAR is 16 bits here while wchar_t is 32: the constant is built from a UTF-16 literal (C11 / C++11). */
#define NDIS_STRING_CONST(x) {(USHORT)(sizeof(u"" x) - 2), (USHORT)sizeof(u"" x), (PWSTR)(u"" x)}

NDIS_EXTERN_C_BEGIN

/* ---- Driver and adapter setup ---- */
VOID NdisMInitializeWrapper(OUT PNDIS_HANDLE NdisWrapperHandle, IN PVOID SystemSpecific1, IN PVOID SystemSpecific2,
                            IN PVOID SystemSpecific3);
NDIS_STATUS NdisMRegisterMiniport(IN NDIS_HANDLE NdisWrapperHandle,
                                  IN PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                  IN UINT CharacteristicsLength);
VOID NdisTerminateWrapper(IN NDIS_HANDLE NdisWrapperHandle, IN PVOID SystemSpecific);
VOID NdisMSetAttributes(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_HANDLE MiniportAdapterContext,
                        IN BOOLEAN BusMaster, IN NDIS_INTERFACE_TYPE AdapterType);
VOID NdisMSetAttributesEx(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_HANDLE MiniportAdapterContext,
                          IN UINT CheckForHangTimeInSeconds OPTIONAL, IN ULONG AttributeFlags,
                          IN NDIS_INTERFACE_TYPE AdapterType OPTIONAL);
VOID NdisMRegisterAdapterShutdownHandler(IN NDIS_HANDLE MiniportHandle, IN PVOID ShutdownContext,
                                         IN ADAPTER_SHUTDOWN_HANDLER ShutdownHandler);
VOID NdisMDeregisterAdapterShutdownHandler(IN NDIS_HANDLE MiniportHandle);
VOID NdisWriteErrorLogEntry(IN NDIS_HANDLE NdisAdapterHandle, IN NDIS_ERROR_CODE ErrorCode,
                            IN ULONG NumberOfErrorValues, ...);

/* ---- Configuration (registry keywords are set on the NDIS host) ---- */
VOID NdisInitializeString(OUT PNDIS_STRING Destination, IN PUCHAR Source);
VOID NdisFreeString(IN NDIS_STRING String);
VOID NdisOpenConfiguration(OUT PNDIS_STATUS Status, OUT PNDIS_HANDLE ConfigurationHandle,
                           IN NDIS_HANDLE WrapperConfigurationContext);
VOID NdisReadConfiguration(OUT PNDIS_STATUS Status, OUT PNDIS_CONFIGURATION_PARAMETER* ParameterValue,
                           IN NDIS_HANDLE ConfigurationHandle, IN PNDIS_STRING Keyword,
                           IN NDIS_PARAMETER_TYPE ParameterType);
VOID NdisReadNetworkAddress(OUT PNDIS_STATUS Status, OUT PVOID* NetworkAddress, OUT PUINT NetworkAddressLength,
                            IN NDIS_HANDLE ConfigurationHandle);
VOID NdisCloseConfiguration(IN NDIS_HANDLE ConfigurationHandle);

/* ---- PCI configuration space and resources ---- */
ULONG NdisReadPciSlotInformation(IN NDIS_HANDLE NdisAdapterHandle, IN ULONG SlotNumber, IN ULONG Offset,
                                 IN PVOID Buffer, IN ULONG Length);
ULONG NdisWritePciSlotInformation(IN NDIS_HANDLE NdisAdapterHandle, IN ULONG SlotNumber, IN ULONG Offset,
                                  IN PVOID Buffer, IN ULONG Length);
VOID NdisMQueryAdapterResources(OUT PNDIS_STATUS Status, IN NDIS_HANDLE WrapperConfigurationContext,
                                OUT PNDIS_RESOURCE_LIST ResourceList, IN OUT PUINT BufferSize);

/* ---- Register and port access ---- */
NDIS_STATUS NdisMMapIoSpace(OUT PVOID* VirtualAddress, IN NDIS_HANDLE MiniportAdapterHandle,
                            IN NDIS_PHYSICAL_ADDRESS PhysicalAddress, IN UINT Length);
VOID NdisMUnmapIoSpace(IN NDIS_HANDLE MiniportAdapterHandle, IN PVOID VirtualAddress, IN UINT Length);
NDIS_STATUS NdisMRegisterIoPortRange(OUT PVOID* PortOffset, IN NDIS_HANDLE MiniportAdapterHandle,
                                     IN UINT InitialPort, IN UINT NumberOfPorts);
VOID NdisMDeregisterIoPortRange(IN NDIS_HANDLE MiniportAdapterHandle, IN UINT InitialPort, IN UINT NumberOfPorts,
                                IN PVOID PortOffset);

/* nicsim's implementation of the DDK register/port macros: each call is one bus cycle. */
UCHAR NicsimReadRegister8(const volatile void* Register);
USHORT NicsimReadRegister16(const volatile void* Register);
ULONG NicsimReadRegister32(const volatile void* Register);
VOID NicsimWriteRegister8(volatile void* Register, UCHAR Data);
VOID NicsimWriteRegister16(volatile void* Register, USHORT Data);
VOID NicsimWriteRegister32(volatile void* Register, ULONG Data);
ULONG NicsimReadPort(ULONG_PTR Port, UINT Size);
VOID NicsimWritePort(ULONG_PTR Port, UINT Size, ULONG Data);

#define NdisReadRegisterUchar(Register, Data) (*(Data) = NicsimReadRegister8((Register)))
#define NdisReadRegisterUshort(Register, Data) (*(Data) = NicsimReadRegister16((Register)))
#define NdisReadRegisterUlong(Register, Data) (*(Data) = NicsimReadRegister32((Register)))
#define NdisWriteRegisterUchar(Register, Data) NicsimWriteRegister8((Register), (UCHAR)(Data))
#define NdisWriteRegisterUshort(Register, Data) NicsimWriteRegister16((Register), (USHORT)(Data))
#define NdisWriteRegisterUlong(Register, Data) NicsimWriteRegister32((Register), (ULONG)(Data))
#define NdisRawReadPortUchar(Port, Data) (*(Data) = (UCHAR)NicsimReadPort((ULONG_PTR)(Port), 1))
#define NdisRawReadPortUshort(Port, Data) (*(Data) = (USHORT)NicsimReadPort((ULONG_PTR)(Port), 2))
#define NdisRawReadPortUlong(Port, Data) (*(Data) = (ULONG)NicsimReadPort((ULONG_PTR)(Port), 4))
#define NdisRawWritePortUchar(Port, Data) NicsimWritePort((ULONG_PTR)(Port), 1, (UCHAR)(Data))
#define NdisRawWritePortUshort(Port, Data) NicsimWritePort((ULONG_PTR)(Port), 2, (USHORT)(Data))
#define NdisRawWritePortUlong(Port, Data) NicsimWritePort((ULONG_PTR)(Port), 4, (ULONG)(Data))

/* ---- DMA ---- */
NDIS_STATUS NdisMInitializeScatterGatherDma(IN NDIS_HANDLE MiniportAdapterHandle, IN BOOLEAN Dma64BitAddresses,
                                            IN ULONG MaximumPhysicalMapping);
NDIS_STATUS NdisMAllocateMapRegisters(IN NDIS_HANDLE MiniportAdapterHandle, IN UINT DmaChannel, IN UCHAR DmaSize,
                                      IN ULONG BaseMapRegistersNeeded, IN ULONG MaximumPhysicalMapping);
VOID NdisMFreeMapRegisters(IN NDIS_HANDLE MiniportAdapterHandle);
VOID NdisMAllocateSharedMemory(IN NDIS_HANDLE MiniportAdapterHandle, IN ULONG Length, IN BOOLEAN Cached,
                               OUT PVOID* VirtualAddress, OUT PNDIS_PHYSICAL_ADDRESS PhysicalAddress);
VOID NdisMFreeSharedMemory(IN NDIS_HANDLE MiniportAdapterHandle, IN ULONG Length, IN BOOLEAN Cached,
                           IN PVOID VirtualAddress, IN NDIS_PHYSICAL_ADDRESS PhysicalAddress);
ULONG NdisMGetDmaAlignment(IN NDIS_HANDLE MiniportAdapterHandle);

/* ---- Interrupts ---- */
NDIS_STATUS NdisMRegisterInterrupt(OUT PNDIS_MINIPORT_INTERRUPT Interrupt, IN NDIS_HANDLE MiniportAdapterHandle,
                                   IN UINT InterruptVector, IN UINT InterruptLevel, IN BOOLEAN RequestIsr,
                                   IN BOOLEAN SharedInterrupt, IN NDIS_INTERRUPT_MODE InterruptMode);
VOID NdisMDeregisterInterrupt(IN PNDIS_MINIPORT_INTERRUPT Interrupt);
BOOLEAN NdisMSynchronizeWithInterrupt(IN PNDIS_MINIPORT_INTERRUPT Interrupt, IN PVOID SynchronizeFunction,
                                      IN PVOID SynchronizeContext);

/* ---- Timers and time ---- */
VOID NdisMInitializeTimer(IN OUT PNDIS_MINIPORT_TIMER Timer, IN NDIS_HANDLE MiniportAdapterHandle,
                          IN PNDIS_TIMER_FUNCTION TimerFunction, IN PVOID FunctionContext);
VOID NdisMSetTimer(IN PNDIS_MINIPORT_TIMER Timer, IN UINT MillisecondsToDelay);
VOID NdisMSetPeriodicTimer(IN PNDIS_MINIPORT_TIMER Timer, IN UINT MillisecondPeriod);
VOID NdisMCancelTimer(IN PNDIS_MINIPORT_TIMER Timer, OUT PBOOLEAN TimerCancelled);
VOID NdisStallExecution(IN UINT MicrosecondsToStall);
VOID NdisMSleep(IN ULONG MicrosecondsToSleep);
VOID NdisGetCurrentSystemTime(OUT PLARGE_INTEGER pSystemTime);

/* ---- Upper-edge indications and completions ---- */
VOID NdisMSendComplete(IN NDIS_HANDLE MiniportAdapterHandle, IN PNDIS_PACKET Packet, IN NDIS_STATUS Status);
VOID NdisMTransferDataComplete(IN NDIS_HANDLE MiniportAdapterHandle, IN PNDIS_PACKET Packet, IN NDIS_STATUS Status,
                               IN UINT BytesTransferred);
VOID NdisMSendResourcesAvailable(IN NDIS_HANDLE MiniportAdapterHandle);
VOID NdisMIndicateReceivePacket(IN NDIS_HANDLE MiniportAdapterHandle, IN PPNDIS_PACKET ReceivePackets,
                                IN UINT NumberOfPackets);
VOID NdisMEthIndicateReceive(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_HANDLE MiniportReceiveContext,
                             IN PVOID HeaderBuffer, IN UINT HeaderBufferSize, IN PVOID LookaheadBuffer,
                             IN UINT LookaheadBufferSize, IN UINT PacketSize);
VOID NdisMEthIndicateReceiveComplete(IN NDIS_HANDLE MiniportAdapterHandle);
VOID NdisMIndicateStatus(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_STATUS GeneralStatus, IN PVOID StatusBuffer,
                         IN UINT StatusBufferSize);
VOID NdisMIndicateStatusComplete(IN NDIS_HANDLE MiniportAdapterHandle);
VOID NdisMResetComplete(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_STATUS Status, IN BOOLEAN AddressingReset);
VOID NdisMQueryInformationComplete(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_STATUS Status);
VOID NdisMSetInformationComplete(IN NDIS_HANDLE MiniportAdapterHandle, IN NDIS_STATUS Status);

/* ---- Memory ---- */
NDIS_STATUS NdisAllocateMemory(OUT PVOID* VirtualAddress, IN UINT Length, IN UINT MemoryFlags,
                               IN NDIS_PHYSICAL_ADDRESS HighestAcceptableAddress);
NDIS_STATUS NdisAllocateMemoryWithTag(OUT PVOID* VirtualAddress, IN UINT Length, IN ULONG Tag);
VOID NdisFreeMemory(IN PVOID VirtualAddress, IN UINT Length, IN UINT MemoryFlags);

/* ---- Spin locks and interlocked operations ---- */
VOID NdisAllocateSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
VOID NdisFreeSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
VOID NdisAcquireSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
VOID NdisReleaseSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprAcquireSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprReleaseSpinLock(IN PNDIS_SPIN_LOCK SpinLock);
LONG NdisInterlockedIncrement(IN PLONG Addend);
LONG NdisInterlockedDecrement(IN PLONG Addend);
LONG NdisInterlockedAddUlong(IN PULONG Addend, IN ULONG Increment, IN PNDIS_SPIN_LOCK SpinLock);

/* ---- Packets and buffers ---- */
VOID NdisAllocatePacketPool(OUT PNDIS_STATUS Status, OUT PNDIS_HANDLE PoolHandle, IN UINT NumberOfDescriptors,
                            IN UINT ProtocolReservedLength);
VOID NdisFreePacketPool(IN NDIS_HANDLE PoolHandle);
VOID NdisAllocatePacket(OUT PNDIS_STATUS Status, OUT PNDIS_PACKET* Packet, IN NDIS_HANDLE PoolHandle);
VOID NdisFreePacket(IN PNDIS_PACKET Packet);
VOID NdisReinitializePacket(IN OUT PNDIS_PACKET Packet);
VOID NdisAllocateBufferPool(OUT PNDIS_STATUS Status, OUT PNDIS_HANDLE PoolHandle, IN UINT NumberOfDescriptors);
VOID NdisFreeBufferPool(IN NDIS_HANDLE PoolHandle);
VOID NdisAllocateBuffer(OUT PNDIS_STATUS Status, OUT PNDIS_BUFFER* Buffer, IN NDIS_HANDLE PoolHandle,
                        IN PVOID VirtualAddress, IN UINT Length);
VOID NdisFreeBuffer(IN PNDIS_BUFFER Buffer);
VOID NdisAdjustBufferLength(IN PNDIS_BUFFER Buffer, IN UINT Length);
VOID NdisChainBufferAtBack(IN OUT PNDIS_PACKET Packet, IN OUT PNDIS_BUFFER Buffer);
VOID NdisChainBufferAtFront(IN OUT PNDIS_PACKET Packet, IN OUT PNDIS_BUFFER Buffer);
VOID NdisUnchainBufferAtFront(IN OUT PNDIS_PACKET Packet, OUT PNDIS_BUFFER* Buffer);
VOID NdisQueryPacket(IN PNDIS_PACKET Packet, OUT PUINT PhysicalBufferCount OPTIONAL, OUT PUINT BufferCount OPTIONAL,
                     OUT PNDIS_BUFFER* FirstBuffer OPTIONAL, OUT PUINT TotalPacketLength OPTIONAL);
VOID NdisQueryBuffer(IN PNDIS_BUFFER Buffer, OUT PVOID* VirtualAddress OPTIONAL, OUT PUINT Length);
VOID NdisQueryBufferSafe(IN PNDIS_BUFFER Buffer, OUT PVOID* VirtualAddress OPTIONAL, OUT PUINT Length,
                         IN MM_PAGE_PRIORITY Priority);
VOID NdisGetFirstBufferFromPacketSafe(IN PNDIS_PACKET Packet, OUT PNDIS_BUFFER* FirstBuffer,
                                      OUT PVOID* FirstBufferVA, OUT PUINT FirstBufferLength,
                                      OUT PUINT TotalBufferLength, IN MM_PAGE_PRIORITY Priority);
VOID NdisAllocatePacketPoolEx(OUT PNDIS_STATUS Status, OUT PNDIS_HANDLE PoolHandle, IN UINT NumberOfDescriptors,
                              IN UINT NumberOfOverflowDescriptors, IN UINT ProtocolReservedLength);
VOID NdisCopyFromPacketToPacket(IN PNDIS_PACKET Destination, IN UINT DestinationOffset, IN UINT BytesToCopy,
                                IN PNDIS_PACKET Source, IN UINT SourceOffset, OUT PUINT BytesCopied);
VOID NdisCopyFromPacketToPacketSafe(IN PNDIS_PACKET Destination, IN UINT DestinationOffset, IN UINT BytesToCopy,
                                    IN PNDIS_PACKET Source, IN UINT SourceOffset, OUT PUINT BytesCopied,
                                    IN MM_PAGE_PRIORITY Priority);
#define NdisDprAllocatePacket(Status, Packet, PoolHandle) NdisAllocatePacket((Status), (Packet), (PoolHandle))
#define NdisDprFreePacket(Packet) NdisFreePacket(Packet)
#define NdisQueryPacketLength(Packet, TotalPacketLength) \
    NdisQueryPacket((Packet), NULL, NULL, NULL, (TotalPacketLength))
#define NdisGetPacketFlags(Packet) ((Packet)->Private.Flags)
#define NdisSetPacketFlags(Packet, Flags) ((Packet)->Private.Flags |= (Flags))
#define NdisClearPacketFlags(Packet, Flags) ((Packet)->Private.Flags &= ~(Flags))
#define NdisQueryBufferOffset(Buffer, Offset, Length) \
    (*(Offset) = MmGetMdlByteOffset(Buffer), *(Length) = MmGetMdlByteCount(Buffer))
#define NdisBufferVirtualAddressSafe(Buffer, Priority) MmGetMdlVirtualAddress(Buffer)
#define NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO(Packet, InfoPtr, SizePtr) \
    (*(InfoPtr) = NDIS_OOB_DATA_FROM_PACKET(Packet)->MediaSpecificInformation, \
     *(SizePtr) = NDIS_OOB_DATA_FROM_PACKET(Packet)->SizeMediaSpecificInfo)
#define NDIS_SET_PACKET_MEDIA_SPECIFIC_INFO(Packet, Info, Size) \
    (NDIS_OOB_DATA_FROM_PACKET(Packet)->MediaSpecificInformation = (Info), \
     NDIS_OOB_DATA_FROM_PACKET(Packet)->SizeMediaSpecificInfo = (Size))

/* ---- Lists under a spin lock, events, system ---- */
PLIST_ENTRY NdisInterlockedInsertHeadList(IN PLIST_ENTRY ListHead, IN PLIST_ENTRY ListEntry,
                                          IN PNDIS_SPIN_LOCK SpinLock);
PLIST_ENTRY NdisInterlockedInsertTailList(IN PLIST_ENTRY ListHead, IN PLIST_ENTRY ListEntry,
                                          IN PNDIS_SPIN_LOCK SpinLock);
PLIST_ENTRY NdisInterlockedRemoveHeadList(IN PLIST_ENTRY ListHead, IN PNDIS_SPIN_LOCK SpinLock);
#define NdisInitializeListHead(ListHead) InitializeListHead(ListHead)
VOID NdisInitializeEvent(OUT PNDIS_EVENT Event);
VOID NdisSetEvent(IN PNDIS_EVENT Event);
VOID NdisResetEvent(IN PNDIS_EVENT Event);
BOOLEAN NdisWaitEvent(IN PNDIS_EVENT Event, IN UINT MsToWait);
VOID NdisGetSystemUpTime(OUT PULONG pSystemUpTime);
CCHAR NdisSystemProcessorCount(VOID);
VOID NdisGetFirstBufferFromPacket(IN PNDIS_PACKET Packet, OUT PNDIS_BUFFER* FirstBuffer, OUT PVOID* FirstBufferVA,
                                  OUT PUINT FirstBufferLength, OUT PUINT TotalBufferLength);

NDIS_EXTERN_C_END

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* clang-format on */

#endif /* NICSIM_NDIS_H */
