// The miniport's data path: MiniportSendPackets (one descriptor per SG element piece, TSO context + data
// descriptors), TX completion and the driver's send queue, MiniportISR / MiniportHandleInterrupt, receive
// indication and MiniportReturnPacket, link state.
#include "hostdrv/miniport/e1000_adapter.h"

using namespace nicsim::miniport::hw;

namespace nicsim::miniport {
namespace {

constexpr unsigned kRxBatch = 32;            // packets per NdisMIndicateReceivePacket call
constexpr unsigned kCompleteBatch = 32;      // sends completed per lock release
constexpr unsigned kTsoHeaderMax = 128;      // header bytes examined to build a TSO context
constexpr uint16_t kEtherTypeIpv4 = 0x0800;  // IPv4
constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q tag
constexpr uint8_t kIpProtoTcp = 6;           // TCP

enum class Place { Placed, NoRoom, Failed };

PNDIS_PACKET& q_next(PNDIS_PACKET p) {
    return *reinterpret_cast<PNDIS_PACKET*>(p->MiniportReservedEx);
}

void q_push_back(Adapter* a, PNDIS_PACKET p) {
    q_next(p) = nullptr;
    if (a->q_tail)
        q_next(a->q_tail) = p;
    else
        a->q_head = p;
    a->q_tail = p;
    ++a->q_len;
    ++a->stats.tx_packets_queued;
}

PNDIS_PACKET q_pop(Adapter* a) {
    PNDIS_PACKET p = a->q_head;
    if (!p) return nullptr;
    a->q_head = q_next(p);
    if (!a->q_head) a->q_tail = nullptr;
    --a->q_len;
    return p;
}

uint32_t tx_free(const Adapter* a) {
    return a->tx_ring_size - 1 - a->tx_in_use;
}

void write_desc(PUCHAR ring, uint32_t index, const uint8_t* bytes) {
    NdisMoveMemory(ring + static_cast<size_t>(index) * kDescBytes, bytes, kDescBytes);
}

/// Copies up to `max` leading bytes of the packet's buffer chain into `out`; returns how many.
UINT copy_head(PNDIS_PACKET p, PUCHAR out, UINT max) {
    PNDIS_BUFFER buf = nullptr;
    UINT total = 0;
    NdisQueryPacket(p, nullptr, nullptr, &buf, &total);
    UINT done = 0;
    while (buf && done < max) {
        PVOID va = nullptr;
        UINT len = 0;
        NdisQueryBufferSafe(buf, &va, &len, NormalPagePriority);
        if (!va) break;
        const UINT n = len < max - done ? len : max - done;
        NdisMoveMemory(out + done, va, n);
        done += n;
        NdisGetNextBuffer(buf, &buf);
    }
    return done;
}

/// The TSO context descriptor for an IPv4/TCP packet; false when the headers are not that.
bool tso_context(PNDIS_PACKET p, uint32_t total, uint32_t mss, TxContextDesc& c, uint32_t& payload) {
    UCHAR h[kTsoHeaderMax];
    const UINT got = copy_head(p, h, sizeof(h));
    if (got < 14 + 20 + 20) return false;
    unsigned eth = 14;
    uint16_t type = static_cast<uint16_t>((h[12] << 8) | h[13]);
    if (type == kEtherTypeVlan) {
        eth = 18;
        type = static_cast<uint16_t>((h[16] << 8) | h[17]);
    }
    if (type != kEtherTypeIpv4 || (h[eth] >> 4) != 4) return false;
    const unsigned ihl = (h[eth] & 0x0Fu) * 4;
    if (ihl < 20 || eth + ihl + 20 > got || h[eth + 9] != kIpProtoTcp) return false;
    const unsigned tcp = eth + ihl;
    const unsigned thl = (h[tcp + 12] >> 4) * 4u;
    const unsigned hdrlen = tcp + thl;
    if (thl < 20 || hdrlen > got || hdrlen >= total || mss == 0 || mss > 0xFFFF) return false;
    payload = total - hdrlen;
    c.set_ipcss(static_cast<uint8_t>(eth));
    c.set_ipcso(static_cast<uint8_t>(eth + 10));
    c.set_ipcse(static_cast<uint16_t>(eth + ihl - 1));
    c.set_tucss(static_cast<uint8_t>(tcp));
    c.set_tucso(static_cast<uint8_t>(tcp + 16));
    c.set_tucse(0);
    c.set_cmd_len(payload, TxContextDesc::kTucmdTcp | TxContextDesc::kTucmdIp | TxContextDesc::kTucmdTse);
    c.set_hdrlen(static_cast<uint8_t>(hdrlen));
    c.set_mss(static_cast<uint16_t>(mss));
    return true;
}

/// Descriptors a packet needs (one per kMaxTxDescBytes piece of each element, and a TSO context) and its bytes.
void tx_count(const SCATTER_GATHER_LIST* sg, bool tso, uint32_t& needed, uint64_t& total) {
    needed = tso ? 1 : 0;
    total = 0;
    for (ULONG i = 0; i < sg->NumberOfElements; ++i) {
        const ULONG len = sg->Elements[i].Length;
        if (len == 0) continue;
        needed += (len + kMaxTxDescBytes - 1) / kMaxTxDescBytes;
        total += len;
    }
}

/// One data descriptor at ring index `idx`: a TCP/IP data descriptor in a large send (the first of the packet asks
/// for the IP and TCP checksums), else a legacy one. The packet's last carries EOP and RS, and IDE when the driver
/// has an interrupt delay (TIDV applies only to descriptors that ask for it: 8254x Family Software Developer's
/// Manual, section 3.3.3.1).
void write_data_desc(Adapter* a, uint32_t idx, uint64_t addr, uint32_t n, bool tso, bool first, bool eop) {
    const bool delay = eop && a->interrupt_delay;
    if (tso) {
        TxDataDesc d;
        d.set_addr(addr);
        uint8_t cmd = TxDataDesc::kDcmdIfcs | TxDataDesc::kDcmdTse;
        if (eop) cmd |= TxDataDesc::kDcmdEop | TxDataDesc::kDcmdRs;
        if (delay) cmd |= TxDataDesc::kDcmdIde;
        d.set_cmd_len(n, cmd);
        if (first) d.set_popts(TxDataDesc::kPoptsIxsm | TxDataDesc::kPoptsTxsm);
        write_desc(a->tx_ring, idx, d.b);
        return;
    }
    TxDesc d;
    d.set_addr(addr);
    d.set_length(static_cast<uint16_t>(n));
    uint8_t cmd = TxDesc::kCmdIfcs;
    if (eop) cmd |= TxDesc::kCmdEop | TxDesc::kCmdRs;
    if (delay) cmd |= TxDesc::kCmdIde;
    d.set_cmd(cmd);
    write_desc(a->tx_ring, idx, d.b);
}

/// The packet's `count` data descriptors from ring index `idx` on, which then points past them; `last` is the index
/// of the final one.
void write_data_descs(Adapter* a, const SCATTER_GATHER_LIST* sg, bool tso, uint32_t count, uint32_t& idx,
                      uint32_t& last) {
    uint32_t left = count;
    bool first = true;
    for (ULONG i = 0; i < sg->NumberOfElements; ++i) {
        uint64_t addr = static_cast<uint64_t>(sg->Elements[i].Address.QuadPart);
        ULONG len = sg->Elements[i].Length;
        while (len > 0) {
            const uint32_t n = len < kMaxTxDescBytes ? len : kMaxTxDescBytes;
            write_data_desc(a, idx, addr, n, tso, first, --left == 0);
            first = false;
            last = idx;
            idx = (idx + 1) % a->tx_ring_size;
            addr += n;
            len -= n;
        }
    }
}

/// Puts one packet on the TX ring (TDT is written by the caller).
Place tx_place(Adapter* a, PNDIS_PACKET p) {
    auto* sg = static_cast<PSCATTER_GATHER_LIST>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, ScatterGatherListPacketInfo));
    if (!sg || sg->NumberOfElements == 0) return Place::Failed;
    const auto mss =
        static_cast<uint32_t>(reinterpret_cast<ULONG_PTR>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, TcpLargeSendPacketInfo)));
    const bool tso = mss != 0;
    if (tso && a->lso_max_size == 0) return Place::Failed;
    uint32_t needed = 0;
    uint64_t total = 0;
    tx_count(sg, tso, needed, total);
    if (needed == 0 || needed > a->tx_ring_size - 1 || total > (tso ? a->lso_max_size : a->jumbo_packet))
        return Place::Failed;
    if (!tso && total < 14) return Place::Failed;
    if (needed > tx_free(a)) {
        ++a->stats.tx_ring_full;
        return Place::NoRoom;
    }

    const uint32_t first = a->tx_tail;
    uint32_t idx = first;
    uint32_t payload = 0;
    if (tso) {
        TxContextDesc c;
        if (!tso_context(p, static_cast<uint32_t>(total), mss, c, payload)) return Place::Failed;
        write_desc(a->tx_ring, idx, c.b);
        idx = (idx + 1) % a->tx_ring_size;
        ++a->stats.tx_tso_packets;
    }
    uint32_t last = idx;
    write_data_descs(a, sg, tso, needed - (tso ? 1 : 0), idx, last);
    TxSlot& s = a->tx_slots[first];
    s.packet = p;
    s.count = needed;
    s.last = last;
    s.lso_payload = payload;
    a->tx_tail = idx;
    a->tx_in_use += needed;
    a->stats.tx_descriptors += needed;
    return Place::Placed;
}

/// Sends finished under the adapter lock, completed to NDIS after it is released.
struct Completions {
    struct Entry {
        PNDIS_PACKET packet;
        NDIS_STATUS status;
        uint32_t lso_payload;
    };
    Entry e[kCompleteBatch];
    unsigned n = 0;
    bool full() const { return n == kCompleteBatch; }
};

/// With the lock held: count the completion and remember it.
void note_done(Adapter* a, Completions& c, PNDIS_PACKET p, NDIS_STATUS status, uint32_t lso_payload) {
    if (status == NDIS_STATUS_SUCCESS)
        ++a->xmit_ok;
    else
        ++a->xmit_error;
    ++a->stats.tx_completed;
    c.e[c.n++] = Completions::Entry{p, status, lso_payload};
}

/// Without the lock: NdisMSendComplete for each (large sends get the payload bytes sent in their info slot).
void flush(Adapter* a, Completions& c) {
    for (unsigned i = 0; i < c.n; ++i) {
        PNDIS_PACKET p = c.e[i].packet;
        if (NDIS_PER_PACKET_INFO_FROM_PACKET(p, TcpLargeSendPacketInfo) != nullptr)
            NDIS_PER_PACKET_INFO_FROM_PACKET(p, TcpLargeSendPacketInfo) = reinterpret_cast<PVOID>(
                static_cast<ULONG_PTR>(c.e[i].status == NDIS_STATUS_SUCCESS ? c.e[i].lso_payload : 0));
        NdisMSendComplete(a->handle, p, c.e[i].status);
    }
    c.n = 0;
}

void rx_recycle(Adapter* a, RxBuffer* b) {
    b->next_free = a->rx_free;
    a->rx_free = b;
    ++a->rx_free_count;
}

/// Packet of a frame that fits one buffer: the buffer itself, `len` bytes long.
PNDIS_PACKET rx_single(Adapter* a, RxBuffer* b, uint32_t len, UINT queued) {
    PNDIS_BUFFER buf = nullptr;
    NdisUnchainBufferAtFront(b->packet, &buf);
    NdisAdjustBufferLength(buf, len);
    NdisChainBufferAtBack(b->packet, buf);
    NDIS_SET_PACKET_HEADER_SIZE(b->packet, 14);
    // Few buffers left for the ring: the protocol must copy and give the packet back at once.
    const bool low = a->rx_free_count + queued < a->rx_ring_size / 4;
    if (low) ++a->stats.rx_low_resources;
    NDIS_SET_PACKET_STATUS(b->packet, low ? NDIS_STATUS_RESOURCES : NDIS_STATUS_SUCCESS);
    b->with_stack = !low;
    return b->packet;
}

/// One buffer of a frame that spans several: appended to the assembly area, the buffer goes back to the free list.
/// Returns the assembly packet once the EOP buffer completes the frame, else nullptr.
PNDIS_PACKET rx_gather(Adapter* a, RxBuffer* b, uint32_t len, bool eop) {
    if (a->rx_asm_len + len > a->rx_asm_bytes) {  // longer than *JumboPacket allows: not indicated
        ++a->rcv_error;
        a->rx_asm_len = 0;
        a->rx_discarding = !eop;
        rx_recycle(a, b);
        return nullptr;
    }
    NdisMoveMemory(a->rx_asm + a->rx_asm_len, b->va, len);
    a->rx_asm_len += len;
    rx_recycle(a, b);
    if (!eop) return nullptr;
    const uint32_t total = a->rx_asm_len;
    a->rx_asm_len = 0;
    if (total < 14) {
        ++a->rcv_error;
        return nullptr;
    }
    PNDIS_BUFFER buf = nullptr;
    NdisUnchainBufferAtFront(a->rx_asm_packet, &buf);
    NdisAdjustBufferLength(buf, total);
    NdisChainBufferAtBack(a->rx_asm_packet, buf);
    NDIS_SET_PACKET_HEADER_SIZE(a->rx_asm_packet, 14);
    NDIS_SET_PACKET_STATUS(a->rx_asm_packet, NDIS_STATUS_RESOURCES);  // copied at once: the area is free again
    ++a->stats.rx_reassembled;
    return a->rx_asm_packet;
}

/// With the lock held: takes up to kRxBatch finished descriptors, readies their packets; returns how many. A frame
/// may span descriptors and DPCs: the adapter keeps what was gathered (rx_asm_len) and whether the rest of a bad
/// frame is being dropped (rx_discarding). The assembly packet ends a batch, since it is reused by the next frame.
UINT rx_harvest(Adapter* a, PNDIS_PACKET* batch, RxBuffer** bufs) {
    UINT n = 0;
    while (a->rx_posted > 0 && n < kRxBatch) {
        PUCHAR raw = a->rx_ring + static_cast<size_t>(a->rx_clean) * kDescBytes;
        const RxDesc d = desc_from<RxDesc>(raw);
        if (!(d.status() & RxDesc::kStaDd)) break;
        RxBuffer* b = a->rx_slot_buf[a->rx_clean];
        a->rx_slot_buf[a->rx_clean] = nullptr;
        NdisZeroMemory(raw, kDescBytes);
        a->rx_clean = (a->rx_clean + 1) % a->rx_ring_size;
        --a->rx_posted;
        if (!b) continue;
        const bool eop = (d.status() & RxDesc::kStaEop) != 0;
        const uint32_t len = d.length();
        if (a->rx_discarding) {
            a->rx_discarding = !eop;
            rx_recycle(a, b);
            continue;
        }
        if (d.errors() || len > a->rx_buffer_size) {
            ++a->rcv_error;
            if (d.errors() & RxDesc::kErrCe) ++a->rcv_crc_error;
            a->rx_asm_len = 0;
            a->rx_discarding = !eop;
            rx_recycle(a, b);
            continue;
        }
        if (!eop || a->rx_asm_len != 0) {
            PNDIS_PACKET whole = rx_gather(a, b, len, eop);
            if (!whole) continue;
            batch[n] = whole;
            bufs[n++] = nullptr;
            break;
        }
        if (len < 14 || len > a->rx_max_len) {  // runt, or longer than *JumboPacket (and a tag) allows
            ++a->rcv_error;
            rx_recycle(a, b);
            continue;
        }
        batch[n] = rx_single(a, b, len, n);
        bufs[n++] = b;
    }
    a->stats.rx_indicated += n;
    a->rcv_ok += n;
    return n;
}

void rx_process(Adapter* a) {
    PNDIS_PACKET batch[kRxBatch];
    RxBuffer* bufs[kRxBatch];
    for (;;) {
        NdisDprAcquireSpinLock(&a->lock);
        const UINT n = rx_harvest(a, batch, bufs);
        NdisDprReleaseSpinLock(&a->lock);
        if (n == 0) break;
        NdisMIndicateReceivePacket(a->handle, batch, n);
        // Packets indicated with RESOURCES were copied by the protocol: they are ours again.
        NdisDprAcquireSpinLock(&a->lock);
        for (UINT i = 0; i < n; ++i)
            if (bufs[i] && !bufs[i]->with_stack) rx_recycle(a, bufs[i]);
        const bool more = n == kRxBatch || bufs[n - 1] == nullptr;  // a batch ended by the assembly packet
        NdisDprReleaseSpinLock(&a->lock);
        if (!more) break;
    }
    NdisDprAcquireSpinLock(&a->lock);
    rx_post(a);
    NdisDprReleaseSpinLock(&a->lock);
}

/// NdisMSynchronizeWithInterrupt routine: takes the causes the ISR collected.
BOOLEAN take_causes(PVOID ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    a->dpc_icr = a->pending_icr;
    a->pending_icr = 0;
    return TRUE;
}

}  // namespace

void rx_post(Adapter* a) {
    bool changed = false;
    while (a->rx_posted < a->rx_ring_size - 1 && a->rx_free) {
        RxBuffer* b = a->rx_free;
        a->rx_free = b->next_free;
        --a->rx_free_count;
        b->next_free = nullptr;
        RxDesc d;
        d.set_addr(b->pa);
        write_desc(a->rx_ring, a->rx_tail, d.b);
        a->rx_slot_buf[a->rx_tail] = b;
        a->rx_tail = (a->rx_tail + 1) % a->rx_ring_size;
        ++a->rx_posted;
        changed = true;
    }
    if (changed) wr32(a, RDT, a->rx_tail);
}

void tx_complete(Adapter* a) {
    Completions c;
    for (bool more = true; more;) {
        NdisAcquireSpinLock(&a->lock);
        while (a->tx_in_use > 0 && !c.full()) {
            TxSlot& s = a->tx_slots[a->tx_clean];
            if (!s.packet) break;  // cannot happen: every used run starts with its packet
            const uint8_t sta = a->tx_ring[static_cast<size_t>(s.last) * kDescBytes + 12] & 0x0F;
            if (!(sta & TxDesc::kStaDd)) break;
            const NDIS_STATUS st =
                (sta & (TxDesc::kStaEc | TxDesc::kStaLc | TxDesc::kStaTu)) ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS;
            note_done(a, c, s.packet, st, s.lso_payload);
            a->tx_clean = (s.last + 1) % a->tx_ring_size;
            a->tx_in_use -= s.count;
            s = TxSlot{};
        }
        more = c.full();
        NdisReleaseSpinLock(&a->lock);
        flush(a, c);
    }
}

void tx_abort_all(Adapter* a, NDIS_STATUS status) {
    Completions c;
    for (bool more = true; more;) {
        NdisAcquireSpinLock(&a->lock);
        while (a->tx_in_use > 0 && !c.full()) {
            TxSlot& s = a->tx_slots[a->tx_clean];
            if (!s.packet) break;
            note_done(a, c, s.packet, status, 0);
            a->tx_clean = (s.last + 1) % a->tx_ring_size;
            a->tx_in_use -= s.count;
            s = TxSlot{};
        }
        more = c.full();
        NdisReleaseSpinLock(&a->lock);
        flush(a, c);
    }
}

void tx_fail_queue(Adapter* a, NDIS_STATUS status) {
    Completions c;
    for (bool more = true; more;) {
        NdisAcquireSpinLock(&a->lock);
        while (a->q_head && !c.full()) note_done(a, c, q_pop(a), status, 0);
        more = c.full();
        NdisReleaseSpinLock(&a->lock);
        flush(a, c);
    }
}

void tx_drain_queue(Adapter* a) {
    Completions c;
    bool more = true;
    while (more) {
        NdisAcquireSpinLock(&a->lock);
        if (a->resetting || a->halting) {
            NdisReleaseSpinLock(&a->lock);
            return;
        }
        bool placed = false;
        while (a->q_head && !c.full()) {
            const Place r = tx_place(a, a->q_head);
            if (r == Place::NoRoom) break;
            PNDIS_PACKET p = q_pop(a);
            if (r == Place::Failed) note_done(a, c, p, NDIS_STATUS_INVALID_PACKET, 0);
            placed |= r == Place::Placed;
        }
        if (placed) wr32(a, TDT, a->tx_tail);
        more = a->q_head && c.full();
        NdisReleaseSpinLock(&a->lock);
        flush(a, c);
    }
}

VOID MiniportSendPackets(NDIS_HANDLE ctx, PPNDIS_PACKET packets, UINT count) {
    auto* a = static_cast<Adapter*>(ctx);
    Completions c;
    bool placed = false;
    NdisAcquireSpinLock(&a->lock);
    for (UINT i = 0; i < count; ++i) {
        PNDIS_PACKET p = packets[i];
        NDIS_SET_PACKET_STATUS(p, NDIS_STATUS_PENDING);
        if (a->halting) {
            note_done(a, c, p, NDIS_STATUS_FAILURE, 0);
        } else if (a->resetting || a->q_head) {
            q_push_back(a, p);  // order is kept: once something waits, everything after it waits too
        } else {
            const Place r = tx_place(a, p);
            if (r == Place::Placed)
                placed = true;
            else if (r == Place::NoRoom)
                q_push_back(a, p);
            else
                note_done(a, c, p, NDIS_STATUS_INVALID_PACKET, 0);
        }
        if (c.full()) {
            NdisReleaseSpinLock(&a->lock);
            flush(a, c);
            NdisAcquireSpinLock(&a->lock);
        }
    }
    if (placed) wr32(a, TDT, a->tx_tail);
    NdisReleaseSpinLock(&a->lock);
    flush(a, c);
}

VOID MiniportCancelSendPackets(NDIS_HANDLE ctx, PVOID cancel_id) {
    auto* a = static_cast<Adapter*>(ctx);
    // Only packets still waiting in the driver's queue can be cancelled; those on the ring are the NIC's.
    Completions c;
    for (bool more = true; more;) {
        more = false;
        NdisAcquireSpinLock(&a->lock);
        PNDIS_PACKET prev = nullptr;
        for (PNDIS_PACKET p = a->q_head; p;) {
            PNDIS_PACKET next = q_next(p);
            if (NDIS_GET_PACKET_CANCEL_ID(p) != cancel_id) {
                prev = p;
            } else if (c.full()) {
                more = true;
                break;
            } else {
                if (prev)
                    q_next(prev) = next;
                else
                    a->q_head = next;
                if (a->q_tail == p) a->q_tail = prev;
                --a->q_len;
                ++a->stats.tx_cancelled;
                note_done(a, c, p, NDIS_STATUS_REQUEST_ABORTED, 0);
            }
            p = next;
        }
        NdisReleaseSpinLock(&a->lock);
        flush(a, c);
    }
}

VOID MiniportIsr(PBOOLEAN recognized, PBOOLEAN queue_dpc, NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    ++a->stats.isr_calls;
    const ULONG icr = rd32(a, ICR);  // read clears the causes and releases INTA#
    if (icr == 0 || icr == 0xFFFFFFFFu) {
        *recognized = FALSE;
        *queue_dpc = FALSE;
        return;
    }
    ++a->stats.isr_claimed;
    a->pending_icr |= icr;
    *recognized = TRUE;
    *queue_dpc = TRUE;
}

VOID MiniportHandleInterrupt(NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    ++a->stats.dpc_calls;
    NdisMSynchronizeWithInterrupt(&a->interrupt, reinterpret_cast<PVOID>(take_causes), a);
    const ULONG icr = a->dpc_icr;
    if (a->halting || a->resetting) return;
    if (icr & icr::LSC) link_update(a, true);
    if (icr & (icr::RXT0 | icr::RXO | icr::RXDMT0 | icr::RXSEQ)) rx_process(a);
    tx_complete(a);
    tx_drain_queue(a);
}

VOID MiniportReturnPacket(NDIS_HANDLE ctx, PNDIS_PACKET packet) {
    auto* a = static_cast<Adapter*>(ctx);
    RxBuffer* b = *reinterpret_cast<RxBuffer**>(packet->MiniportReservedEx);
    NdisAcquireSpinLock(&a->lock);
    ++a->stats.rx_returned;
    if (b && b->with_stack) {
        b->with_stack = false;
        rx_recycle(a, b);
        if (!a->resetting && !a->halting) rx_post(a);
    }
    NdisReleaseSpinLock(&a->lock);
}

VOID MiniportEnableInterrupt(NDIS_HANDLE ctx) {
    auto* a = static_cast<Adapter*>(ctx);
    wr32(a, IMS, icr::TXDW | icr::TXQE | icr::LSC | icr::RXSEQ | icr::RXDMT0 | icr::RXO | icr::RXT0);
}

VOID MiniportDisableInterrupt(NDIS_HANDLE ctx) {
    wr32(static_cast<Adapter*>(ctx), IMC, ~0u);
}

void link_update(Adapter* a, bool indicate) {
    const ULONG st = rd32(a, STATUS);
    const bool up = status::LU::get(st) != 0;
    const uint32_t sp = status::SPEED::get(st);
    a->link_mbps = up ? (sp == status::kSpeed10 ? 10u : sp == status::kSpeed100 ? 100u : 1000u) : 0u;
    if (up == a->link_up && indicate) return;
    a->link_up = up;
    if (!indicate) return;
    ++a->stats.link_changes;
    NdisMIndicateStatus(a->handle, up ? NDIS_STATUS_MEDIA_CONNECT : NDIS_STATUS_MEDIA_DISCONNECT, nullptr, 0);
    NdisMIndicateStatusComplete(a->handle);
}

}  // namespace nicsim::miniport
