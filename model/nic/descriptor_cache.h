// On-chip descriptor cache of one ring (TX or RX), after gem5's i8254xGBe DescCache: the ring's base, length,
// head and tail; a cache of NicParams::desc_cache_entries descriptors filled by prefetch bursts per PTHRESH/HTHRESH
// (never past the tail, split at the ring end) and emptied by write-back bursts per WTHRESH (or when the ring goes
// idle); the head register advances as descriptors are written back. Write-back follows the 8254x manual's rule for
// transmit descriptors (section 3.3.3, notes to Table 3-10, and section 13.4.42): only a descriptor with RS asks
// for its status, and descriptors accumulate towards WTHRESH from the first one with RS. Finished descriptors before
// it are retired without a write; with bursting (WTHRESH > 0) a burst also carries the descriptors without RS that
// follow it, unchanged (DD clear); without bursting it ends at the last descriptor with RS. Receive descriptors
// always report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/nic/data_path.h"
#include "model/nic/dma_engine.h"
#include "model/nic/e1000_regs.h"
#include "model/nic/work_cache.h"

namespace nicsim::nic {

/// The registers of one ring.
struct RingRegs {
    uint32_t bal, bah, len, head, tail, dctl, ctl;  // base low/high, length, head, tail, TXDCTL/RXDCTL, TCTL/RCTL
    uint32_t ctl_enable;                            // enable bit in `ctl`
    const char* name;                               // "TX" / "RX" in diagnostics
    bool tx;
};
constexpr RingRegs kTxRingRegs{e1000::TDBAL,  e1000::TDBAH, e1000::TDLEN,          e1000::TDH, e1000::TDT,
                               e1000::TXDCTL, e1000::TCTL,  e1000::tctl::EN::mask, "TX",       true};
constexpr RingRegs kRxRingRegs{e1000::RDBAL,  e1000::RDBAH, e1000::RDLEN,          e1000::RDH, e1000::RDT,
                               e1000::RXDCTL, e1000::RCTL,  e1000::rctl::EN::mask, "RX",       false};

/// What the cache tells the engine that owns it.
class DescCacheOwner {
  public:
    virtual ~DescCacheOwner() = default;
    /// `count` descriptors were written back (or retired without a write-back); `reported` of them asked for status
    /// (TX: RS), `immediate` when one of those did not ask for a delayed interrupt (TX: IDE clear).
    virtual void descriptors_written_back(unsigned count, unsigned reported, bool immediate) = 0;
};

class DescriptorCache : public DmaClient {
  public:
    /// `work`: the owner's kept "has work" answer, which reads this cache: forgotten whenever the cache changes.
    DescriptorCache(NicContext& ctx, DmaEngine& dma, const RingRegs& regs, DescCacheOwner& owner, DataPathStats& stats,
                    WorkCache& work);

    /// Empty cache, ring unconfigured (power-on, CTRL.RST).
    void reset();
    /// A register of this ring was written (base, length, head, tail, control): re-validate and re-arm.
    void register_written(uint32_t offset, uint32_t value);

    /// Descriptors fetched and not yet handed out.
    unsigned ready() const { return static_cast<unsigned>(m_fetched - m_done); }
    /// The next fetched descriptor (only while ready() > 0); the engine may update its bytes before complete().
    e1000::RawDesc& front() { return m_mem[slot(m_done)]; }
    /// Ring index of front().
    uint32_t front_index() const { return ring_index(m_done); }
    /// The front descriptor is finished: it goes to the write-back queue.
    void complete(bool report, bool immediate);
    /// Descriptors the host has made available beyond those fetched or being fetched.
    uint32_t host_available() const {
        if (!usable()) return 0;
        return (m_tail + m_count - ring_index(m_fetch_end)) % m_count;
    }
    /// Descriptors owned by the hardware and not yet finished (in host memory, in flight or cached).
    uint32_t hw_owned() const { return host_available() + static_cast<uint32_t>(m_fetch_end - m_done); }
    uint32_t ring_count() const { return m_count; }
    bool enabled() const { return m_enabled; }
    bool usable() const { return m_enabled && m_valid; }

    /// Write back every finished descriptor now, below WTHRESH too (TIDV/RDTR.FPD).
    void flush() {
        m_flush = true;
        m_work.forget();
    }
    /// Starts fetches and write-backs that are due; `owner_idle` flushes finished descriptors below WTHRESH.
    void tick(bool owner_idle);
    /// True while tick() can do something or a DMA operation of this cache is outstanding.
    bool busy(bool owner_idle) const;
    /// True while tick() can start a fetch or a write-back (an outstanding operation alone is no work).
    bool has_work(bool owner_idle) const { return fetch_due() || writeback_due(owner_idle); }
    /// A fetch or a write-back of this cache is outstanding: busy() is in_flight() || has_work().
    bool in_flight() const { return m_fetch_inflight || m_wb_inflight; }
    /// TXDCTL/RXDCTL as the cache reads it (thresholds).
    uint32_t control() const { return dctl(); }
    /// Nothing fetched, being fetched, or waiting for write-back.
    bool drained() const { return m_wb == m_fetch_end && !m_fetch_inflight && !m_wb_inflight; }

    void dma_done(const DmaOp& op, DmaResult result) override;

    /// Trace the ring and cache state under <prefix>: .head and .tail (ring indexes as the cache sees them), .cached
    /// (fetched, not yet handed to the engine), .finished (handed back, waiting for write-back), .fetch_inflight,
    /// .wb_inflight, .wb_pending (finished descriptors not yet written back), .fetches and .writebacks (bursts).
    /// Call before sc_start; nullptr = off (nothing registered, nothing updated).
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix);

  private:
    void update_trace();  // refresh the traced values after a state change (only when traced)
    uint32_t ring_index(uint64_t seq) const {
        return m_count ? static_cast<uint32_t>((m_base_index + seq) % m_count) : 0;
    }
    unsigned slot(uint64_t seq) const { return static_cast<unsigned>(seq % m_entries); }
    void resample();
    bool fetch_due() const;
    bool writeback_due(bool owner_idle) const {
        if (!m_valid || m_wb_inflight || m_done == m_wb) return false;
        // Finished descriptors ahead of the first that reports are retired at once: they are never written back.
        return m_wb < m_report_first || reported_run_due(owner_idle);
    }
    uint32_t dctl() const { return m_dctl_word ? *m_dctl_word : m_ctx.read_reg(m_regs.dctl); }
    bool reported_run_due(bool owner_idle) const;
    void start_fetch();
    void start_writeback(bool owner_idle);
    void retire_unreported(uint64_t n);
    void next_reported();

    NicContext& m_ctx;
    DmaEngine& m_dma;
    const RingRegs m_regs;
    const uint32_t* m_dctl_word;  // TXDCTL/RXDCTL in the register file (read on every evaluation), or null: reg()
    uint32_t* m_head_word;        // TDH/RDH in the register file (set per write-back), or null: set_reg()
    void set_head(uint32_t index) {
        if (m_head_word)
            *m_head_word = index;
        else
            m_ctx.set_reg(m_regs.head, index);
    }
    DescCacheOwner& m_owner;
    DataPathStats& m_stats;
    WorkCache& m_work;

    unsigned m_entries;                 // cache capacity in descriptors
    std::vector<e1000::RawDesc> m_mem;  // the cache itself, slot = sequence % m_entries
    std::vector<uint8_t> m_report;      // per slot: 1 = report status, 2 = immediate interrupt
    uint64_t m_ring_base = 0;           // ring base address
    uint32_t m_count = 0;               // descriptors in the ring
    uint32_t m_base_index = 0;          // ring index of sequence number 0
    uint32_t m_tail = 0;                // tail (ring index), validated
    bool m_enabled = false;             // TCTL.EN / RCTL.EN
    bool m_valid = false;               // ring length, head and tail make sense
    bool m_halted = false;              // a fetch failed: no more fetches until the ring is reprogrammed
    bool m_flush = false;               // flush() asked for a write-back below WTHRESH
    // Sequence numbers since resample(): m_wb <= m_done <= m_fetched <= m_fetch_end.
    uint64_t m_wb = 0;         // oldest descriptor not yet written back (= head)
    uint64_t m_done = 0;       // first descriptor not finished by the engine (= front())
    uint64_t m_fetched = 0;    // first descriptor not in the cache
    uint64_t m_fetch_end = 0;  // first descriptor not requested
    bool m_fetch_inflight = false;
    bool m_wb_inflight = false;
    uint32_t m_wb_count = 0;     // descriptors in the running write-back
    unsigned m_wb_reported = 0;  // of them with status reported
    bool m_wb_immediate = false;
    // The finished descriptors not yet written back that report status (TX: RS): the first and the last, by sequence
    // number; kNoReport when none.
    static constexpr uint64_t kNoReport = UINT64_MAX;
    uint64_t m_report_first = kNoReport;
    uint64_t m_report_last = 0;
    uint64_t m_generation = 0;  // cookie of DMA operations: completions from before resample() are ignored
    uint64_t m_fetch_queued_ns = 0;
    uint64_t m_wb_queued_ns = 0;

    struct TraceView {  // what trace() registers: written only when m_traced
        uint32_t head = 0;
        uint32_t tail = 0;
        uint32_t cached = 0;
        uint32_t finished = 0;
        bool fetch_inflight = false;
        bool wb_inflight = false;
        bool wb_pending = false;
        uint32_t fetches = 0;
        uint32_t writebacks = 0;
    };
    bool m_traced = false;
    TraceView m_tv;
};

}  // namespace nicsim::nic
