// The NIC data path: descriptor rings with an on-chip cache (prefetch, write-back), the scatter-gather DMA engine
// (the only path to host memory) and the TX/RX engines. The device front (Nic82540em) owns one, forwards register
// writes to it, calls tick() from its clock_edge() on every rising edge (it does nothing while idle), and makes it the
// client of its PciMasterEngine.
//
// Properties (NicParams): dma_address_bits (32: nothing at or above 4 GiB is touched), max_transfer (largest
// bus-master request; larger operations are split, never truncated), desc_cache_entries (per ring), tx_fifo_bytes,
// rx_fifo_bytes, link_mbps/link_up (the MAC; later changes through set_link).
// Hardware interface: PciMasterEngine requests (MemRead/MemWrite, completion in master_done); frames out through
// WireSink::transmit at the MAC's pace, in through receive().
// Software interface: reads TCTL (EN, PSP), TXDCTL (PTHRESH/HTHRESH/WTHRESH/LWTHRESH), TDBAL/H, TDLEN, TDT, RCTL (EN,
// UPE, MPE, BAM, MO, BSIZE/BSEX, SECRC, RDMTS, SBP, LBM, VFE, CFIEN, CFI), CTRL.VME, VET, VFTA, RXDCTL, RDBAL/H,
// RDLEN, RDT, RDTR, RXCSUM, RAL/RAH, MTA; writes TDH, RDH and the statistics GPTC, GOTC, TOTL, TPT, PTC64..PTC1522,
// BPTC, MPTC, TSCTC, TSCTFC, GPRC, GORC, TORL, TPR, PRC64..PRC1522, BPRC, MPRC, MPC, RNBC, CRCERRS, RUC, ROC; raises
// TXQE, TXD_LOW, RXDMT0, RXO (TXDW and RXT0 through tx_done_event/rx_done_event and the front's timers). Diagnostics
// ("nicsim/nic/<what>"): dma-disabled, dma-address-32bit, dma-address-wrap, dma-bus-error, dma-queue-full, ring-length,
// head-tail-range, null-buffer, zero-length, tx-too-long, tx-descriptor-type, tx-refused,
// tso-context, tso-paylen, the offload status names, rx-buffer-size. Note ("nicsim/nic/note/<what>", legal):
// tail-while-disabled, head-tail-idle. Reset (CTRL.RST, RST#): frames whose descriptors
// were already done but which had not left for the wire (TX FIFO, TSO segments not yet queued) are discarded as on the
// 8254x; they are counted in tx_dropped and tx_flushed and named by an SC_INFO report "nicsim/nic/tx-flushed" (a reset
// is legal, so not a warning); received frames still in the RX FIFO likewise (rx_dropped, rx_flushed,
// "nicsim/nic/rx-flushed"). Failed descriptor write-back (master/target abort, parity on the bus): fatal for those
// descriptors, as on the 8254x. The DMA engine raises "nicsim/nic/dma-bus-error", the front latches Received
// Target/Master Abort in the PCI Status register, and the descriptors are still retired (the head register moves past
// them, counted in desc_writeback_lost) so the device's ring does not hang; their DD never reaches host memory. A
// driver waiting on DD there sees the head past a descriptor without DD: it must detect the stall (the miniport's
// MiniportCheckForHang does) and reset the device, which restarts the ring.
// VLAN (CTRL.VME, VET, the descriptors' VLE/special/VP, RCTL.VFE with VFTA, RCTL.CFIEN/CFI), RCTL.SBP (frames with a
// bad CRC stored with CE) and RCTL.LBM = 01 (MAC loopback: transmitted frames go to the receiver, not the wire; frames
// from the wire are not heard) follow the 8254x manual's chapter 9 and section 13.4.22.
// Simplifications: write-back below WTHRESH happens when the engine goes idle or on TIDV/RDTR.FPD (no timer of its
// own); GRAN=0 (cache-line granularity) is treated as descriptors; a looped-back frame reaches the receiver when its
// transmission starts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/nic/nic_context.h"
#include "model/pci/master_engine.h"

namespace sc_core {
class sc_trace_file;
}

namespace nicsim::nic {

/// What NicDataPath::trace and Nic82540em::trace register (bits, combined with |).
enum TraceWhat : unsigned {
    kTraceDma = 1u << 0,   // <prefix>.dma.*, and the engines <prefix>.tx.*, <prefix>.rx.*
    kTraceDesc = 1u << 1,  // <prefix>.txdesc.*, <prefix>.rxdesc.* (descriptor caches)
    kTraceMac = 1u << 2,   // <prefix>.mac.*
    kTraceAll = kTraceDma | kTraceDesc | kTraceMac,
};

class DmaPort;
class DmaEngine;
class TxEngine;
class RxEngine;
class Mac;

/// Counters of the data path, for statistics, traces and tests.
struct DataPathStats {
    // Descriptor rings
    uint64_t tx_desc_fetched = 0;        ///< TX descriptors read from host memory
    uint64_t tx_desc_written_back = 0;   ///< TX descriptors written back (DD)
    uint64_t rx_desc_fetched = 0;        ///< RX descriptors read from host memory
    uint64_t rx_desc_written_back = 0;   ///< RX descriptors written back
    uint64_t desc_fetch_bursts = 0;      ///< descriptor fetch operations (one per contiguous run)
    uint64_t desc_prefetches = 0;        ///< of them, started while the cache still held unused descriptors (PTHRESH)
    uint64_t desc_writeback_bursts = 0;  ///< descriptor write-back operations
    uint64_t desc_writeback_lost = 0;    ///< descriptors retired although their write-back failed on the bus
    uint64_t desc_fetch_latency_ns = 0;  ///< sum over fetch operations: queued -> data in the cache
    uint64_t desc_fetch_latency_max_ns = 0;
    uint64_t desc_writeback_latency_ns = 0;  ///< sum over write-back operations: queued -> in host memory
    uint64_t desc_writeback_latency_max_ns = 0;
    // DMA
    uint64_t dma_ops = 0;          ///< operations queued (fetch, write-back, buffer read/write)
    uint64_t dma_requests = 0;     ///< master requests issued (an operation is split at max_transfer)
    uint64_t dma_read_bytes = 0;   ///< bytes read from host memory
    uint64_t dma_write_bytes = 0;  ///< bytes written to host memory
    uint64_t dma_errors = 0;       ///< operations that ended with an error (disabled, 32-bit, bus status)
    // Frames
    uint64_t tx_frames = 0;        ///< frames handed to the wire
    uint64_t tx_bytes = 0;         ///< bytes of those frames (including FCS when inserted)
    uint64_t tx_tso_segments = 0;  ///< frames produced by TCP segmentation
    uint64_t tx_dropped = 0;       ///< frames abandoned (DMA error, bad descriptor, discarded by a reset)
    uint64_t tx_flushed = 0;       ///< of them, done frames a reset discarded before they reached the wire
    uint64_t rx_frames = 0;        ///< frames delivered to host memory
    uint64_t rx_bytes = 0;         ///< bytes delivered (after SECRC strip)
    uint64_t rx_filtered = 0;      ///< frames refused by the address filter
    uint64_t rx_missed = 0;        ///< frames dropped: FIFO full (MPC)
    uint64_t rx_dropped = 0;       ///< frames dropped for other reasons (disabled receiver, DMA error, too long)
    uint64_t rx_flushed = 0;       ///< of them, frames in the RX FIFO a reset discarded before they reached memory
    uint64_t rx_receiver_off = 0;  ///< of them, frames that arrived while the receiver did not listen to the wire:
                                   ///< RCTL.EN clear, or MAC loopback (RCTL.LBM 01b), where it hears the transmitter
    uint64_t rx_link_down = 0;     ///< of them, frames that arrived while the MAC had no link (STATUS.LU clear)
    uint64_t diagnostics = 0;      ///< diagnostics raised by the data path
    uint64_t busy_ticks = 0;       ///< tick() calls
};

class NicDataPath : public pci::MasterClient {
  public:
    NicDataPath(NicContext& ctx, WireSink& wire);
    /// Unit tests: DMA through `port` instead of ctx.master() (completions still come in through master_done).
    NicDataPath(NicContext& ctx, WireSink& wire, DmaPort& port);
    ~NicDataPath() override;
    NicDataPath(const NicDataPath&) = delete;
    NicDataPath& operator=(const NicDataPath&) = delete;

    /// CTRL.RST or power-on: every queue, cache and FIFO is emptied (the front resets the registers).
    void reset();
    /// After the front stored a register (TDT, RDT, TCTL, RCTL, TDLEN, TXDCTL, ...).
    void register_written(uint32_t offset, uint32_t value);
    /// A frame from the wire into the RX FIFO.
    void receive(const Frame& frame);
    /// True while tick() has work.
    bool busy() const;
    /// While busy(): the time before which tick() has nothing to do (0 = it has work now). Only the TX FIFO
    /// waiting for the wire gives a later time (the MAC's free time) when nothing else is pending.
    uint64_t quiet_until_ns(uint64_t now_ns) const;
    /// The loosely-timed back-end's test: true while tick() would change something at `now_ns`. Waiting for a DMA
    /// completion (it wakes the device) or for the wire (next_deadline_ns) is no work.
    bool has_work(uint64_t now_ns) const;
    /// The engines keep their has_work() answers between changes (model/nic/work_cache.h): true while each kept one
    /// is what a fresh evaluation gives (tests).
    bool work_answers_current() const;
    /// With has_work() false: when the data path next needs a tick by itself (the wire becoming free for a frame in
    /// the TX FIFO), or ~0 when only an outside event (DMA completion, register write, frame) can give it work.
    /// Inline, in tx_engine.h: a sleeping device asks for it after every edge and every change.
    inline uint64_t next_deadline_ns() const;
    /// Until when (exclusive) has_work() stays false from `now_ns` on while nothing but time changes (0: it has
    /// work now).
    uint64_t idle_until_ns(uint64_t now_ns) const;
    /// A tick() with !has_work(): the count of tick() calls, without evaluating engines that have nothing to do.
    void idle_tick() { ++m_stats.busy_ticks; }
    /// Link state (STATUS.LU: PHY link and CTRL.SLU) and speed: while down, frames wait in the TX FIFO (no clocks
    /// are spent on them) and received frames are dropped by the MAC.
    void set_link(bool up, unsigned mbps);
    /// The PHY loops the MAC's frames back (BMCR.LOOPBACK): transmitted frames return to the receiver through the
    /// link, frames from the cable are not heard.
    void set_phy_loopback(bool on) { m_phy_loopback = on; }
    /// Once per rising bus clock: evaluates the busy engines (each engine's busy() asked once); while none is
    /// (busy() is false) nothing happens, and the clock is not counted as a busy tick.
    void tick();
    void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) override;
    const DataPathStats& stats() const;
    /// The engines, for tests and statistics.
    const TxEngine& tx() const { return *m_tx; }
    const RxEngine& rx() const { return *m_rx; }
    const DmaEngine& dma() const { return *m_dma; }
    const Mac& mac() const { return *m_mac; }
    /// Register the internal state selected by `what` (TraceWhat bits) under <prefix> (e.g. "nic" gives nic.dma.*,
    /// nic.tx.*, nic.rx.*, nic.txdesc.*, nic.rxdesc.*, nic.mac.*). Call before sc_start; nullptr = off.
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix, unsigned what = kTraceAll);

  private:
    /// The MAC's sink: the wire, or the receiver in MAC or PHY loopback.
    struct LoopTap : WireSink {
        LoopTap(NicDataPath& d, WireSink& w) : dp(d), wire(w) {}
        void transmit(const Frame& frame) override;
        void transmit_swap(Frame& frame) override;
        NicDataPath& dp;
        WireSink& wire;
    };
    static constexpr unsigned kLbmMac = 1;       // RCTL.LBM = 01: MAC loopback
    static constexpr unsigned kLbmReserved = 2;  // RCTL.LBM = 10: undefined in the manual

    NicDataPath(NicContext& ctx, WireSink& wire, DmaPort* port);
    void receive_frame(const Frame& frame, bool looped);

    bool looping() const;

    NicContext& m_ctx;
    bool m_phy_loopback = false;
    LoopTap m_loop_tap;
    DataPathStats m_stats;         // updated by the engines
    mutable DataPathStats m_view;  // m_stats plus the DMA engine's counters, built by stats()
    std::unique_ptr<DmaPort> m_own_port;
    std::unique_ptr<Mac> m_mac;
    std::unique_ptr<DmaEngine> m_dma;
    std::unique_ptr<TxEngine> m_tx;
    std::unique_ptr<RxEngine> m_rx;
};

}  // namespace nicsim::nic
