// DriverEntry, MiniportInitialize (in the documented order, unwinding on failure), device programming, MiniportReset
// and MiniportHalt.
#include <cstring>
#include <new>

#include "hostdrv/miniport/e1000_adapter.h"

using namespace nicsim::miniport::hw;

namespace nicsim::miniport {
namespace {

constexpr ULONG kTag = 0x30303145;       // pool tag 'E100'
constexpr UINT kResetTimerMs = 1;        // MiniportReset completes from a timer this much later
constexpr UINT kEerdPollUs = 1;          // EERD DONE poll interval
constexpr unsigned kEerdPolls = 1000;    // EERD polls before giving up
constexpr UINT kMdicPollUs = 10;         // MDIC Ready poll interval (an MDIO frame takes about 26 us)
constexpr unsigned kMdicPolls = 64;      // MDIC polls before giving up
constexpr UINT kQuiescePollUs = 20;      // head-pointer sampling interval while waiting for the DMA to stop
constexpr unsigned kQuiescePolls = 200;  // samples before giving up
constexpr unsigned kQuietSamples = 2;    // consecutive unchanged samples that count as quiet
constexpr UINT kResetPollUs = 10;        // CTRL.RST poll interval
constexpr unsigned kResetPolls = 100;    // CTRL.RST polls before giving up
constexpr ULONG kImsEnable = icr::TXDW | icr::TXQE | icr::LSC | icr::RXSEQ | icr::RXDMT0 | icr::RXO | icr::RXT0;

Adapter* g_current = nullptr;  // the adapter driver_stats()/current_adapter() report
DriverStats g_last_halted;     // last_halted_stats()

VOID reset_timer_fn(PVOID, PVOID ctx, PVOID, PVOID);

void read_registry(Adapter* a) {
    NDIS_STATUS status;
    NDIS_HANDLE cfg = nullptr;
    NdisOpenConfiguration(&status, &cfg, a->wrapper_cfg);
    if (status != NDIS_STATUS_SUCCESS) return;  // defaults
    auto read_int = [&](const char* key, ULONG& out) {
        NDIS_STRING name;
        NdisInitializeString(&name, reinterpret_cast<PUCHAR>(const_cast<char*>(key)));
        PNDIS_CONFIGURATION_PARAMETER p = nullptr;
        NDIS_STATUS st;
        NdisReadConfiguration(&st, &p, cfg, &name, NdisParameterInteger);
        NdisFreeString(name);
        if (st == NDIS_STATUS_SUCCESS && p) out = p->ParameterData.IntegerData;
        return st == NDIS_STATUS_SUCCESS && p;
    };
    ULONG v = 32;
    if (read_int(kKeyDmaAddressBits, v)) a->dma_address_bits = v == 64 ? 64 : 32;
    v = 0;
    if (read_int(kKeyLsoMaxSize, v)) a->lso_max_size = v > kLsoMaxSize ? kLsoMaxSize : v;
    v = 0;
    if (read_int(kKeyMaximumPhysicalMapping, v) && v >= kFrameSize && v <= kLsoMaxSize) a->maximum_physical_mapping = v;
    v = a->tx_ring_size;
    if (read_int(kKeyTxRingSize, v) && v >= 8 && v <= 4096 && v % 8 == 0) a->tx_ring_size = v;
    v = a->rx_ring_size;
    if (read_int(kKeyRxRingSize, v) && v >= 8 && v <= 4096 && v % 8 == 0) a->rx_ring_size = v;
    v = 0;
    if (read_int(kKeyInterruptDelay, v) && v <= 0xFFFF) a->interrupt_delay = v;
    v = a->itr;
    if (read_int(kKeyItr, v) && v <= 0xFFFF) a->itr = v;
    v = 0;
    if (read_int(kKeyDescPrefetchThreshold, v) && v <= (dctl::PTHRESH::mask >> dctl::PTHRESH::pos))
        a->desc_prefetch_threshold = v;
    v = kFrameSize;
    if (read_int(kKeyJumboPacket, v) && v >= kFrameSize && v <= kJumboMax) a->jumbo_packet = v;
    v = kRxBufferSize;
    if (read_int(kKeyRxBufferSize, v) && v >= 256 && v <= 16384 && (v & (v - 1)) == 0) a->rx_buffer_size = v;

    PVOID addr = nullptr;
    UINT addr_len = 0;
    NdisReadNetworkAddress(&status, &addr, &addr_len, cfg);
    if (status == NDIS_STATUS_SUCCESS && addr && addr_len == 6 && !(static_cast<PUCHAR>(addr)[0] & 1)) {
        NdisMoveMemory(a->cur_addr, addr, 6);
        a->addr_override = true;
    }
    NdisCloseConfiguration(cfg);
}

bool eeprom_read(Adapter* a, unsigned word, uint16_t& value) {
    wr32(a, EERD, eerd::START::make(1) | eerd::ADDR::make(word));
    for (unsigned i = 0; i < kEerdPolls; ++i) {
        NdisStallExecution(kEerdPollUs);
        const ULONG v = rd32(a, EERD);
        if (eerd::DONE::get(v) && eerd::ADDR::get(v) == word) {
            value = static_cast<uint16_t>(eerd::DATA::get(v));
            return true;
        }
    }
    return false;
}

/// MAC from words 0..2 after checking that words 0..0x3F sum to 0xBABA.
NDIS_STATUS read_mac(Adapter* a) {
    uint16_t words[kEepromWords];
    uint16_t sum = 0;
    for (unsigned w = 0; w < kEepromWords; ++w) {
        if (!eeprom_read(a, w, words[w])) return NDIS_STATUS_DEVICE_FAILED;
        sum = static_cast<uint16_t>(sum + words[w]);
    }
    if (sum != kEepromSum) return NDIS_STATUS_DEVICE_FAILED;
    for (unsigned i = 0; i < 3; ++i) {
        a->perm_addr[2 * i] = static_cast<UCHAR>(words[i]);
        a->perm_addr[2 * i + 1] = static_cast<UCHAR>(words[i] >> 8);
    }
    return NDIS_STATUS_SUCCESS;
}

/// One PHY register read through MDIC: false when the access never completes or fails (Error).
bool phy_read(Adapter* a, unsigned reg, uint16_t& value) {
    wr32(a, MDIC, mdic::OP::make(mdic::kOpRead) | mdic::PHYADD::make(kPhyAddress) | mdic::REGADD::make(reg));
    for (unsigned i = 0; i < kMdicPolls; ++i) {
        NdisStallExecution(kMdicPollUs);
        const ULONG v = rd32(a, MDIC);
        if (!mdic::R::get(v)) continue;
        value = static_cast<uint16_t>(mdic::DATA::get(v));
        return !mdic::E::get(v);
    }
    return false;
}

/// The PHY must be the 82540EM's (Marvell 88E1011: OUI 0x0141, model 0x0C2x whatever its revision).
bool phy_identify(Adapter* a) {
    uint16_t id1 = 0, id2 = 0;
    return phy_read(a, phy::ID1, id1) && phy_read(a, phy::ID2, id2) && id1 == phy::kId1 &&
           (id2 & 0xFFF0u) == (phy::kId2 & 0xFFF0u);
}

bool device_reset(Adapter* a) {
    wr32(a, IMC, ~0u);
    wr32(a, CTRL, rd32(a, CTRL) | ctrl::RST::mask);
    for (unsigned i = 0; i < kResetPolls; ++i) {
        NdisStallExecution(kResetPollUs);
        if (!ctrl::RST::get(rd32(a, CTRL))) {
            wr32(a, IMC, ~0u);
            (void)rd32(a, ICR);  // clear causes left from before
            return true;
        }
    }
    return false;
}

NDIS_STATUS find_resources(Adapter* a) {
    alignas(CM_PARTIAL_RESOURCE_DESCRIPTOR)
        UCHAR raw[sizeof(NDIS_RESOURCE_LIST) + 8 * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR)];
    NdisZeroMemory(raw, sizeof(raw));
    UINT size = sizeof(raw);
    NDIS_STATUS status;
    auto* list = reinterpret_cast<PNDIS_RESOURCE_LIST>(raw);
    NdisMQueryAdapterResources(&status, a->wrapper_cfg, list, &size);
    if (status != NDIS_STATUS_SUCCESS) return status;
    bool mem = false, irq = false;
    for (ULONG i = 0; i < list->Count && i < 9; ++i) {
        const CM_PARTIAL_RESOURCE_DESCRIPTOR& d = list->PartialDescriptors[i];
        switch (d.Type) {
            case CmResourceTypeMemory:
                if (!mem && d.u.Memory.Length >= kBar0Size) {
                    a->bar0_pa = static_cast<uint64_t>(d.u.Memory.Start.QuadPart);
                    a->bar0_len = d.u.Memory.Length;
                    mem = true;
                }
                break;
            case CmResourceTypePort:
                a->io_port = d.u.Port.Start.LowPart;
                a->io_len = d.u.Port.Length;
                break;
            case CmResourceTypeInterrupt:
                a->irq_level = d.u.Interrupt.Level;
                a->irq_vector = d.u.Interrupt.Vector;
                irq = true;
                break;
            default:
                break;
        }
    }
    return mem && irq ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCE_CONFLICT;
}

/// RCTL.BSIZE/BSEX for an RX buffer size (8254x manual, section 13.4.22): 2048..256 without BSEX, 16384..4096 with.
ULONG rctl_buffer_bits(uint32_t bytes) {
    switch (bytes) {
        case 256:
            return rctl::BSIZE::make(3);
        case 512:
            return rctl::BSIZE::make(2);
        case 1024:
            return rctl::BSIZE::make(1);
        case 4096:
            return rctl::BSEX::mask | rctl::BSIZE::make(3);
        case 8192:
            return rctl::BSEX::mask | rctl::BSIZE::make(2);
        case 16384:
            return rctl::BSEX::mask | rctl::BSIZE::make(1);
        default:
            return rctl::BSIZE::make(0);  // 2048
    }
}

NDIS_STATUS alloc_shared(Adapter* a, uint32_t bytes, PUCHAR& va, NDIS_PHYSICAL_ADDRESS& pa) {
    PVOID v = nullptr;
    NdisMAllocateSharedMemory(a->handle, bytes, FALSE, &v, &pa);
    if (!v) return NDIS_STATUS_RESOURCES;
    va = static_cast<PUCHAR>(v);
    NdisZeroMemory(va, bytes);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS alloc_rx_packets(Adapter* a) {
    NDIS_STATUS st;
    const uint32_t packets = a->rx_buffers + (a->rx_asm ? 1 : 0);  // and the assembly packet
    NdisAllocatePacketPool(&st, &a->packet_pool, packets, 0);
    if (st != NDIS_STATUS_SUCCESS) return st;
    NdisAllocateBufferPool(&st, &a->buffer_pool, packets);
    if (st != NDIS_STATUS_SUCCESS) return st;
    if (a->rx_asm) {
        NdisAllocatePacket(&st, &a->rx_asm_packet, a->packet_pool);
        if (st != NDIS_STATUS_SUCCESS) return st;
        NdisAllocateBuffer(&st, &a->rx_asm_buffer, a->buffer_pool, a->rx_asm, a->rx_asm_bytes);
        if (st != NDIS_STATUS_SUCCESS) return st;
        NdisChainBufferAtBack(a->rx_asm_packet, a->rx_asm_buffer);
        NDIS_SET_PACKET_HEADER_SIZE(a->rx_asm_packet, 14);
        *reinterpret_cast<RxBuffer**>(a->rx_asm_packet->MiniportReservedEx) = nullptr;
    }
    for (uint32_t i = 0; i < a->rx_buffers; ++i) {
        RxBuffer& b = a->rx_bufs[i];
        b.va = a->rx_block + static_cast<size_t>(i) * a->rx_buffer_size;
        b.pa = static_cast<uint64_t>(a->rx_block_pa.QuadPart) + static_cast<uint64_t>(i) * a->rx_buffer_size;
        NdisAllocatePacket(&st, &b.packet, a->packet_pool);
        if (st != NDIS_STATUS_SUCCESS) return st;
        NdisAllocateBuffer(&st, &b.buffer, a->buffer_pool, b.va, a->rx_buffer_size);
        if (st != NDIS_STATUS_SUCCESS) return st;
        NdisChainBufferAtBack(b.packet, b.buffer);
        NDIS_SET_PACKET_HEADER_SIZE(b.packet, 14);
        *reinterpret_cast<RxBuffer**>(b.packet->MiniportReservedEx) = &b;
        b.next_free = a->rx_free;
        a->rx_free = &b;
        ++a->rx_free_count;
    }
    return NDIS_STATUS_SUCCESS;
}

/// Undoes whatever Initialize did, in reverse order (every step checks its own flag).
void release(Adapter* a) {
    if (a->interrupt_registered) {
        NdisMDeregisterInterrupt(&a->interrupt);
        a->interrupt_registered = false;
    }
    if (a->rx_bufs) {
        for (uint32_t i = 0; i < a->rx_buffers; ++i) {
            RxBuffer& b = a->rx_bufs[i];
            if (b.packet) {
                PNDIS_BUFFER buf = nullptr;
                NdisUnchainBufferAtFront(b.packet, &buf);
                NdisFreePacket(b.packet);
            }
            if (b.buffer) NdisFreeBuffer(b.buffer);
        }
        NdisFreeMemory(a->rx_bufs, a->rx_buffers * sizeof(RxBuffer), 0);
        a->rx_bufs = nullptr;
    }
    if (a->rx_asm_packet) {
        PNDIS_BUFFER buf = nullptr;
        NdisUnchainBufferAtFront(a->rx_asm_packet, &buf);
        NdisFreePacket(a->rx_asm_packet);
        a->rx_asm_packet = nullptr;
    }
    if (a->rx_asm_buffer) NdisFreeBuffer(a->rx_asm_buffer);
    a->rx_asm_buffer = nullptr;
    if (a->rx_asm) NdisFreeMemory(a->rx_asm, a->rx_asm_bytes, 0);
    a->rx_asm = nullptr;
    if (a->buffer_pool) NdisFreeBufferPool(a->buffer_pool);
    if (a->packet_pool) NdisFreePacketPool(a->packet_pool);
    a->buffer_pool = a->packet_pool = nullptr;
    if (a->rx_slot_buf) NdisFreeMemory(a->rx_slot_buf, a->rx_ring_size * sizeof(RxBuffer*), 0);
    if (a->tx_slots) NdisFreeMemory(a->tx_slots, a->tx_ring_size * sizeof(TxSlot), 0);
    a->rx_slot_buf = nullptr;
    a->tx_slots = nullptr;
    if (a->rx_block) NdisMFreeSharedMemory(a->handle, a->rx_block_bytes, FALSE, a->rx_block, a->rx_block_pa);
    if (a->rx_ring) NdisMFreeSharedMemory(a->handle, a->rx_ring_bytes, FALSE, a->rx_ring, a->rx_ring_pa);
    if (a->tx_ring) NdisMFreeSharedMemory(a->handle, a->tx_ring_bytes, FALSE, a->tx_ring, a->tx_ring_pa);
    a->rx_block = a->rx_ring = a->tx_ring = nullptr;
    if (a->regs) NdisMUnmapIoSpace(a->handle, a->regs, a->bar0_len);
    a->regs = nullptr;
    if (a->lock_allocated) NdisFreeSpinLock(&a->lock);
    a->lock_allocated = false;
    if (g_current == a) g_current = nullptr;
    NdisFreeMemory(a, sizeof(Adapter), 0);
}

/// The index of NdisMedium802_3 in the media NDIS offers, false when it offers none.
bool select_medium(const NDIS_MEDIUM* media, UINT media_count, UINT& selected) {
    for (UINT i = 0; i < media_count; ++i) {
        if (media[i] == NdisMedium802_3) {
            selected = i;
            return true;
        }
    }
    return false;
}

/// The adapter context with its lock, or nullptr when there is no memory for it.
Adapter* create_adapter(NDIS_HANDLE handle, NDIS_HANDLE wrapper_cfg) {
    PVOID mem = nullptr;
    if (NdisAllocateMemoryWithTag(&mem, sizeof(Adapter), kTag) != NDIS_STATUS_SUCCESS || !mem) return nullptr;
    Adapter* a = new (mem) Adapter();
    a->handle = handle;
    a->wrapper_cfg = wrapper_cfg;
    NdisAllocateSpinLock(&a->lock);
    a->lock_allocated = true;
    return a;
}

/// The registry's keywords, and the sizes that follow from them.
void configure(Adapter* a) {
    read_registry(a);
    a->rx_buffers = 2 * a->rx_ring_size;
    // A send is one frame (up to *JumboPacket) or one large send: the mapping covers the larger of the two.
    if (a->maximum_physical_mapping < a->jumbo_packet) a->maximum_physical_mapping = a->jumbo_packet;
    if (a->maximum_physical_mapping < a->lso_max_size) a->maximum_physical_mapping = a->lso_max_size;
}

/// The device must be one the driver binds to; then memory space and bus mastering on.
NDIS_STATUS enable_pci_device(Adapter* a) {
    USHORT ids[2] = {0, 0};
    if (NdisReadPciSlotInformation(a->handle, 0, 0, ids, sizeof(ids)) != sizeof(ids) || ids[0] != kVendorIntel ||
        (ids[1] != kDevice82540em && ids[1] != kDevice82545em))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    USHORT command = 0;
    if (NdisReadPciSlotInformation(a->handle, 0, 4, &command, sizeof(command)) != sizeof(command))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    a->pci_command_saved = command;
    command = static_cast<USHORT>(command | PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER);
    if (NdisWritePciSlotInformation(a->handle, 0, 4, &command, sizeof(command)) != sizeof(command))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS map_registers(Adapter* a) {
    NDIS_PHYSICAL_ADDRESS bar0;
    bar0.QuadPart = static_cast<LONGLONG>(a->bar0_pa);
    PVOID regs = nullptr;
    const NDIS_STATUS st = NdisMMapIoSpace(&regs, a->handle, bar0, a->bar0_len);
    if (st == NDIS_STATUS_SUCCESS) a->regs = static_cast<PUCHAR>(regs);
    return st;
}

NDIS_STATUS init_sg_dma(Adapter* a) {
    const BOOLEAN dma64 = a->dma_address_bits == 64 ? TRUE : FALSE;
    const NDIS_STATUS st = NdisMInitializeScatterGatherDma(a->handle, dma64, a->maximum_physical_mapping);
    if (st == NDIS_STATUS_SUCCESS) a->sg_dma = true;
    return st;
}

/// Shared memory the device reads and writes: both descriptor rings and the RX buffer block.
NDIS_STATUS alloc_rings(Adapter* a) {
    a->tx_ring_bytes = a->tx_ring_size * kDescBytes;
    a->rx_ring_bytes = a->rx_ring_size * kDescBytes;
    a->rx_block_bytes = a->rx_buffers * a->rx_buffer_size;
    NDIS_STATUS st;
    if ((st = alloc_shared(a, a->tx_ring_bytes, a->tx_ring, a->tx_ring_pa)) != NDIS_STATUS_SUCCESS ||
        (st = alloc_shared(a, a->rx_ring_bytes, a->rx_ring, a->rx_ring_pa)) != NDIS_STATUS_SUCCESS ||
        (st = alloc_shared(a, a->rx_block_bytes, a->rx_block, a->rx_block_pa)) != NDIS_STATUS_SUCCESS)
        return st;
    return NDIS_STATUS_SUCCESS;
}

/// `count` default-constructed T from pool memory, or nullptr.
template <typename T>
T* alloc_array(uint32_t count) {
    PVOID p = nullptr;
    if (NdisAllocateMemoryWithTag(&p, count * sizeof(T), kTag) != NDIS_STATUS_SUCCESS) return nullptr;
    T* items = static_cast<T*>(p);
    for (uint32_t i = 0; i < count; ++i) new (&items[i]) T();
    return items;
}

/// Memory only the driver touches: per-descriptor slots, the RX buffer records and, when a frame can span RX
/// buffers, an area to reassemble it.
NDIS_STATUS alloc_driver_memory(Adapter* a) {
    if (!(a->tx_slots = alloc_array<TxSlot>(a->tx_ring_size))) return NDIS_STATUS_RESOURCES;
    if (!(a->rx_slot_buf = alloc_array<RxBuffer*>(a->rx_ring_size))) return NDIS_STATUS_RESOURCES;
    if (!(a->rx_bufs = alloc_array<RxBuffer>(a->rx_buffers))) return NDIS_STATUS_RESOURCES;
    a->rx_max_len = a->jumbo_packet + kVlanTagBytes;
    if (a->rx_max_len > a->rx_buffer_size) {
        a->rx_asm_bytes = a->rx_max_len;
        if (!(a->rx_asm = alloc_array<UCHAR>(a->rx_asm_bytes))) return NDIS_STATUS_RESOURCES;
    }
    return NDIS_STATUS_SUCCESS;
}

/// Reset, the MAC from the EEPROM, the PHY's identity, then the device programmed with the rings and filters.
NDIS_STATUS init_hardware(Adapter* a) {
    if (!device_reset(a)) return NDIS_STATUS_DEVICE_FAILED;
    const NDIS_STATUS st = read_mac(a);
    if (st != NDIS_STATUS_SUCCESS) return st;
    if (!phy_identify(a)) return NDIS_STATUS_ADAPTER_NOT_FOUND;
    if (!a->addr_override) NdisMoveMemory(a->cur_addr, a->perm_addr, 6);
    a->packet_filter = 0;
    hw_program(a);
    NdisMInitializeTimer(&a->reset_timer, a->handle, reset_timer_fn, a);
    return NDIS_STATUS_SUCCESS;
}

/// The interrupt last: from here on the ISR may run. Without it the device is stopped before its memory goes.
NDIS_STATUS connect_interrupt(Adapter* a) {
    const NDIS_STATUS st = NdisMRegisterInterrupt(&a->interrupt, a->handle, a->irq_vector, a->irq_level, TRUE, FALSE,
                                                  NdisInterruptLevelSensitive);
    if (st != NDIS_STATUS_SUCCESS) {
        hw_quiesce(a);
        return st;
    }
    a->interrupt_registered = true;
    link_update(a, false);
    a->hw_status = NdisHardwareStatusReady;
    wr32(a, IMS, kImsEnable);
    return NDIS_STATUS_SUCCESS;
}

/// MiniportInitialize's phases, in order; each failure leaves what was obtained to release().
NDIS_STATUS start_adapter(Adapter* a) {
    using Phase = NDIS_STATUS (*)(Adapter*);
    constexpr Phase kPhases[] = {enable_pci_device,   find_resources,   map_registers, init_sg_dma,      alloc_rings,
                                 alloc_driver_memory, alloc_rx_packets, init_hardware, connect_interrupt};
    for (const Phase phase : kPhases) {
        const NDIS_STATUS st = phase(a);
        if (st != NDIS_STATUS_SUCCESS) return st;
    }
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS MiniportInitialize(PNDIS_STATUS open_error, PUINT selected, PNDIS_MEDIUM media, UINT media_count,
                               NDIS_HANDLE handle, NDIS_HANDLE wrapper_cfg) {
    *open_error = NDIS_STATUS_SUCCESS;
    if (!select_medium(media, media_count, *selected)) return NDIS_STATUS_UNSUPPORTED_MEDIA;
    Adapter* a = create_adapter(handle, wrapper_cfg);
    if (!a) return NDIS_STATUS_RESOURCES;
    configure(a);
    NdisMSetAttributesEx(handle, a, 0, NDIS_ATTRIBUTE_BUS_MASTER | NDIS_ATTRIBUTE_DESERIALIZE, NdisInterfacePci);
    const NDIS_STATUS st = start_adapter(a);
    if (st != NDIS_STATUS_SUCCESS) {
        release(a);
        return st;
    }
    g_current = a;
    return NDIS_STATUS_SUCCESS;
}

VOID reset_timer_fn(PVOID, PVOID ctx, PVOID, PVOID) {
    auto* a = static_cast<Adapter*>(ctx);
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    // Memory space and bus mastering back on, should anything have turned them off.
    USHORT command = 0;
    NdisReadPciSlotInformation(a->handle, 0, 4, &command, sizeof(command));
    if ((command & (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER)) !=
        (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER)) {
        command = static_cast<USHORT>(command | PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER);
        NdisWritePciSlotInformation(a->handle, 0, 4, &command, sizeof(command));
    }
    if (a->pci_errors) {  // the aborts a hang check saw: cleared (write 1) so a new one shows again
        NdisWritePciSlotInformation(a->handle, 0, kPciStatusOffset, &a->pci_errors, sizeof(a->pci_errors));
        a->pci_errors = 0;
    }
    if (ctrl::RST::get(rd32(a, CTRL))) status = NDIS_STATUS_HARD_ERRORS;
    if (status == NDIS_STATUS_SUCCESS) {
        hw_program(a);
        link_update(a, true);
        wr32(a, IMS, kImsEnable);
        a->hw_status = NdisHardwareStatusReady;
    }
    a->resetting = false;
    NdisMResetComplete(a->handle, status, FALSE);
    if (status == NDIS_STATUS_SUCCESS) {
        tx_drain_queue(a);
    } else {
        tx_fail_queue(a, NDIS_STATUS_HARD_ERRORS);
    }
}

NDIS_STATUS MiniportReset(PBOOLEAN addressing_reset, NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    *addressing_reset = FALSE;  // the driver restores address, multicast list and filter itself
    ++a->stats.resets;
    a->resetting = true;
    a->hang_clean = ~0u;
    a->rx_hang_clean = ~0u;
    a->rx_hang_rdh = 0;  // the rings are programmed again from descriptor 0
    a->tx_hang_tdh = 0;
    a->hw_status = NdisHardwareStatusReset;
    hw_quiesce(a);
    tx_complete(a);  // what the device finished before it stopped completes normally
    tx_abort_all(a, NDIS_STATUS_REQUEST_ABORTED);
    rings_reset(a);
    NdisMSetTimer(&a->reset_timer, kResetTimerMs);
    return NDIS_STATUS_PENDING;
}

VOID MiniportHalt(NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    a->halting = true;
    a->hw_status = NdisHardwareStatusClosing;
    BOOLEAN cancelled = FALSE;
    NdisMCancelTimer(&a->reset_timer, &cancelled);
    a->stats.dma_quiet_at_halt = hw_quiesce(a);
    if (a->interrupt_registered) {
        NdisMDeregisterInterrupt(&a->interrupt);
        a->interrupt_registered = false;
    }
    tx_complete(a);
    tx_abort_all(a, NDIS_STATUS_FAILURE);
    tx_fail_queue(a, NDIS_STATUS_FAILURE);
    // Bus mastering off before the memory the device knew goes away.
    USHORT command = static_cast<USHORT>(a->pci_command_saved & ~PCI_ENABLE_BUS_MASTER);
    NdisWritePciSlotInformation(a->handle, 0, 4, &command, sizeof(command));
    g_last_halted = a->stats;
    release(a);
}

VOID MiniportShutdown(PVOID ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    wr32(a, IMC, ~0u);
    wr32(a, RCTL, 0);
    wr32(a, TCTL, 0);
    wr32(a, CTRL, rd32(a, CTRL) | ctrl::RST::mask);
}

/// Now in 100 ns units (NdisGetCurrentSystemTime).
uint64_t now_100ns() {
    LARGE_INTEGER t;
    NdisGetCurrentSystemTime(&t);
    return static_cast<uint64_t>(t.QuadPart);
}

/// Twice the time the longest send the driver accepts (a frame, or a large send) takes on the wire at the link's
/// speed, in 100 ns units: while sends wait, a descriptor completes at least this often.
uint64_t tx_progress_limit_100ns(const Adapter* a) {
    constexpr uint64_t kWireOverhead = 4 + 8 + 12;  // FCS, preamble and SFD, inter-frame gap
    const uint64_t bits =
        (uint64_t{a->lso_max_size > a->jumbo_packet ? a->lso_max_size : a->jumbo_packet} + kWireOverhead) * 8;
    const uint64_t mbps = a->link_mbps ? a->link_mbps : 10;
    return 2 * bits * 10 / mbps;  // bits / Mb/s = microseconds
}

/// Transmit stalled: sends sat on the TX ring across two checks with neither a descriptor completing nor the
/// device's head (TDH) moving, for longer than the link needs for the longest send (tx_progress_limit_100ns: a hang
/// check may come more often than that), with the link up (while it is down the MAC holds them: waiting for the
/// link is no hang). A slow bus (retries, long reads) moves TDH though a large send has not completed yet.
bool tx_stalled(Adapter* a) {
    tx_complete(a);
    const uint64_t now = now_100ns();
    const ULONG tdh = a->tx_in_use != 0 ? rd32(a, TDH) : a->tx_hang_tdh;
    const bool moved = a->hang_clean != a->tx_clean || tdh != a->tx_hang_tdh;
    a->tx_hang_tdh = tdh;
    if (a->tx_in_use == 0 || !a->link_up || moved) {
        a->hang_clean = a->tx_in_use == 0 || !a->link_up ? ~0u : a->tx_clean;
        a->tx_progress_time = now;
        return false;
    }
    return now - a->tx_progress_time > tx_progress_limit_100ns(a);
}

/// PCI Status error bits (Received Target/Master Abort), read from configuration space into a->pci_errors.
USHORT read_pci_errors(Adapter* a) {
    USHORT status = 0;
    NdisReadPciSlotInformation(a->handle, 0, kPciStatusOffset, &status, sizeof(status));
    a->pci_errors = static_cast<USHORT>(status & kPciStsDmaFailed);
    return a->pci_errors;
}

/// Receive stalled, in one of two ways a failed DMA leaves it:
/// - write-back lost: the device reports descriptors consumed (RDH moved past the one the driver waits on) but that
///   one has no DD: its write-back never reached memory (a target or master abort on the descriptor write-back, which
///   the 8254x treats as fatal for those descriptors; the device goes on with the next ones, the driver would wait
///   forever). Hung when the same descriptor was stalled at the previous check too (at least one hang interval), or
///   at once when the PCI Status register shows a DMA of the device aborted.
/// - fetch halted: descriptors are posted but RDH has not moved over a whole check interval, and the PCI Status
///   register shows an aborted DMA: the device stopped fetching RX descriptors (it does not retry an aborted fetch),
///   so frames wait in its FIFO and then overrun it. A ring merely idle after an abort elsewhere looks the same; the
///   reset then discards nothing. An abort seen while RDH moves is one receive survived: its bits are cleared.
bool rx_stalled(Adapter* a) {
    // RDH first: the device moves it only after the write-back, so DD read afterwards is in memory if it ever will be.
    const ULONG rdh = rd32(a, RDH);
    NdisAcquireSpinLock(&a->lock);
    const uint32_t clean = a->rx_clean, posted = a->rx_posted, count = a->rx_ring_size;
    const RxDesc d = desc_from<RxDesc>(a->rx_ring + static_cast<size_t>(clean) * kDescBytes);
    NdisReleaseSpinLock(&a->lock);
    const bool moved = rdh != a->rx_hang_rdh;
    a->rx_hang_rdh = rdh;
    const uint32_t consumed = rdh < count ? (rdh + count - clean) % count : 0;
    const bool lost_dd = posted != 0 && !(d.status() & RxDesc::kStaDd) && consumed != 0 && consumed <= posted;
    if (!lost_dd) a->rx_hang_clean = ~0u;  // nothing waits, the DPC has work, or the device has not passed it
    if (lost_dd) {
        if (read_pci_errors(a) == 0 && a->rx_hang_clean != clean) {
            a->rx_hang_clean = clean;  // first look: stalled now, hung if still so at the next check
            return false;
        }
        return true;
    }
    if (read_pci_errors(a) == 0) return false;
    if (!moved && posted != 0 && consumed == 0) return true;
    if (moved) {  // receive went on after the abort: clear the bits (write 1) so a later abort shows again
        NdisWritePciSlotInformation(a->handle, 0, kPciStatusOffset, &a->pci_errors, sizeof(a->pci_errors));
        a->pci_errors = 0;
        ++a->stats.pci_aborts_survived;
    }
    return false;
}

/// Hung: transmit or receive stalled (see tx_stalled, rx_stalled); NDIS then calls MiniportReset.
BOOLEAN MiniportCheckForHang(NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    if (a->resetting || a->halting) return FALSE;
    const bool tx = tx_stalled(a);
    const bool rx = rx_stalled(a);
    if (!tx && !rx) return FALSE;
    ++a->stats.hangs;
    if (rx) ++a->stats.rx_hangs;
    a->hang_clean = ~0u;
    a->rx_hang_clean = ~0u;
    return TRUE;
}

}  // namespace

void rings_reset(Adapter* a) {
    NdisAcquireSpinLock(&a->lock);
    NdisZeroMemory(a->tx_ring, a->tx_ring_bytes);
    NdisZeroMemory(a->rx_ring, a->rx_ring_bytes);
    for (uint32_t i = 0; i < a->tx_ring_size; ++i) a->tx_slots[i] = TxSlot{};
    a->tx_tail = a->tx_clean = a->tx_in_use = 0;
    for (uint32_t i = 0; i < a->rx_ring_size; ++i) {
        RxBuffer* b = a->rx_slot_buf[i];
        if (!b) continue;
        a->rx_slot_buf[i] = nullptr;
        b->next_free = a->rx_free;
        a->rx_free = b;
        ++a->rx_free_count;
    }
    a->rx_tail = a->rx_clean = a->rx_posted = 0;
    a->rx_asm_len = 0;
    a->rx_discarding = false;
    NdisReleaseSpinLock(&a->lock);
}

void hw_set_receive_filter(Adapter* a) {
    ULONG rctl = rd32(a, RCTL);
    rctl &= ~(rctl::UPE::mask | rctl::MPE::mask | rctl::BAM::mask);
    const ULONG f = a->packet_filter;
    if (f & NDIS_PACKET_TYPE_PROMISCUOUS) rctl |= rctl::UPE::mask | rctl::MPE::mask;
    if (f & NDIS_PACKET_TYPE_ALL_MULTICAST) rctl |= rctl::MPE::mask;
    if (f & (NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)) rctl |= rctl::BAM::mask;
    // MTA: 12-bit hash of the last two address bytes (RCTL.MO = 0), one bit per listed address.
    ULONG mta[kMtaEntries];
    NdisZeroMemory(mta, sizeof(mta));
    if (f & NDIS_PACKET_TYPE_MULTICAST) {
        for (uint32_t i = 0; i < a->mc_count; ++i) {
            const uint32_t hash = ((a->mc_list[i][4] >> 4) | (static_cast<uint32_t>(a->mc_list[i][5]) << 4)) & 0xFFF;
            mta[hash >> 5] |= 1u << (hash & 31);
        }
    }
    for (unsigned i = 0; i < kMtaEntries; ++i) wr32(a, mta_n(i), mta[i]);
    wr32(a, RCTL, rctl);
}

void hw_program(Adapter* a) {
    wr32(a, CTRL, (rd32(a, CTRL) & ~ctrl::RST::mask) | ctrl::SLU::mask | ctrl::ASDE::mask);
    const UCHAR* m = a->cur_addr;
    wr32(a, RAL0, m[0] | (m[1] << 8) | (m[2] << 16) | (static_cast<ULONG>(m[3]) << 24));
    wr32(a, RAH0, rahf::RAH::make(m[4] | (m[5] << 8)) | rahf::AV::mask);
    for (unsigned i = 1; i < kRaEntries; ++i) {
        wr32(a, ral_n(i), 0);
        wr32(a, rah_n(i), 0);
    }

    const uint64_t tx_pa = static_cast<uint64_t>(a->tx_ring_pa.QuadPart);
    wr32(a, TDBAL, static_cast<ULONG>(tx_pa));
    wr32(a, TDBAH, static_cast<ULONG>(tx_pa >> 32));
    wr32(a, TDLEN, a->tx_ring_bytes);
    wr32(a, TDH, 0);
    wr32(a, TDT, 0);
    wr32(a, TIDV, delay::VALUE::make(a->interrupt_delay));
    if (a->desc_prefetch_threshold) {
        const ULONG pthresh = dctl::PTHRESH::make(a->desc_prefetch_threshold);
        wr32(a, TXDCTL, (rd32(a, TXDCTL) & ~dctl::PTHRESH::mask) | pthresh);
        wr32(a, RXDCTL, (rd32(a, RXDCTL) & ~dctl::PTHRESH::mask) | pthresh);
    }
    wr32(a, TCTL, tctl::EN::mask | tctl::PSP::mask | tctl::CT::make(0x0F) | tctl::COLD::make(0x40));

    const uint64_t rx_pa = static_cast<uint64_t>(a->rx_ring_pa.QuadPart);
    wr32(a, RDBAL, static_cast<ULONG>(rx_pa));
    wr32(a, RDBAH, static_cast<ULONG>(rx_pa >> 32));
    wr32(a, RDLEN, a->rx_ring_bytes);
    wr32(a, RDH, 0);
    wr32(a, RDT, 0);
    wr32(a, RDTR, delay::VALUE::make(a->interrupt_delay));
    wr32(a, ITR, itr::INTERVAL::make(a->itr));
    wr32(a, RCTL,
         rctl_buffer_bits(a->rx_buffer_size) | rctl::SECRC::mask |
             (a->jumbo_packet > kFrameSize ? rctl::LPE::mask : 0u));  // CRC stripped
    hw_set_receive_filter(a);
    wr32(a, RCTL, rd32(a, RCTL) | rctl::EN::mask);
    NdisAcquireSpinLock(&a->lock);
    rx_post(a);  // tail moves only once the receiver is enabled
    NdisReleaseSpinLock(&a->lock);
}

bool hw_quiesce(Adapter* a) {
    wr32(a, IMC, ~0u);
    wr32(a, RCTL, rd32(a, RCTL) & ~rctl::EN::mask);
    wr32(a, TCTL, rd32(a, TCTL) & ~tctl::EN::mask);
    // The heads stop moving once the engines finished what they had started.
    ULONG tdh = rd32(a, TDH), rdh = rd32(a, RDH);
    unsigned same = 0;
    bool quiet = false;
    for (unsigned i = 0; i < kQuiescePolls && !quiet; ++i) {
        NdisStallExecution(kQuiescePollUs);
        ++a->stats.halt_quiesce_polls;
        const ULONG t = rd32(a, TDH), r = rd32(a, RDH);
        same = (t == tdh && r == rdh) ? same + 1 : 0;
        tdh = t;
        rdh = r;
        quiet = same >= kQuietSamples;
    }
    const bool reset_ok = device_reset(a);
    return quiet && reset_ok;
}

const DriverStats* driver_stats(NDIS_HANDLE adapter) {
    return adapter ? &static_cast<Adapter*>(adapter)->stats : nullptr;
}

NDIS_HANDLE current_adapter() {
    return g_current;
}

const DriverStats& last_halted_stats() {
    return g_last_halted;
}

}  // namespace nicsim::miniport

using namespace nicsim::miniport;

NDIS_EXTERN_C NDIS_STATUS NicsimE1000DriverEntry(PVOID DriverObject, PVOID RegistryPath) {
    NDIS_HANDLE wrapper = nullptr;
    NdisMInitializeWrapper(&wrapper, DriverObject, RegistryPath, nullptr);
    if (!wrapper) return NDIS_STATUS_FAILURE;
    NDIS_MINIPORT_CHARACTERISTICS chars;
    NdisZeroMemory(&chars, sizeof(chars));
    chars.MajorNdisVersion = NDIS_MAJOR_VERSION;
    chars.MinorNdisVersion = NDIS_MINOR_VERSION;
    chars.CheckForHangHandler = MiniportCheckForHang;
    chars.DisableInterruptHandler = MiniportDisableInterrupt;
    chars.EnableInterruptHandler = MiniportEnableInterrupt;
    chars.HaltHandler = MiniportHalt;
    chars.HandleInterruptHandler = MiniportHandleInterrupt;
    chars.InitializeHandler = MiniportInitialize;
    chars.ISRHandler = MiniportIsr;
    chars.QueryInformationHandler = MiniportQueryInformation;
    chars.ResetHandler = MiniportReset;
    chars.SetInformationHandler = MiniportSetInformation;
    chars.ReturnPacketHandler = MiniportReturnPacket;
    chars.SendPacketsHandler = MiniportSendPackets;
    chars.CancelSendPacketsHandler = MiniportCancelSendPackets;
    chars.AdapterShutdownHandler = MiniportShutdown;
    const NDIS_STATUS st = NdisMRegisterMiniport(wrapper, &chars, sizeof(chars));
    if (st != NDIS_STATUS_SUCCESS) NdisTerminateWrapper(wrapper, nullptr);
    return st;
}
