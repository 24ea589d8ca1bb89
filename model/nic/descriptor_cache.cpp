#include "model/nic/descriptor_cache.h"

#include <algorithm>
#include <string>

#include <systemc>

namespace nicsim::nic {

namespace {
constexpr uint64_t kCookieWriteBack = 1;  // low bit of a DMA cookie: 0 = fetch, 1 = write-back
constexpr uint8_t kReport = 1;            // m_report: status reported (TX: RS)
constexpr uint8_t kImmediate = 2;         // m_report: interrupt not delayed (TX: IDE clear)
}  // namespace

DescriptorCache::DescriptorCache(NicContext& ctx, DmaEngine& dma, const RingRegs& regs, DescCacheOwner& owner,
                                 DataPathStats& stats, WorkCache& work)
    : m_ctx(ctx),
      m_dma(dma),
      m_regs(regs),
      m_dctl_word(ctx.reg_storage(regs.dctl)),
      m_head_word(ctx.reg_poke_storage(regs.head)),
      m_owner(owner),
      m_stats(stats),
      m_work(work),
      m_entries(std::max(1u, ctx.params().desc_cache_entries)),
      m_mem(m_entries),
      m_report(m_entries, 0) {}

void DescriptorCache::reset() {
    const WorkCache::Change change(m_work);
    ++m_generation;
    m_ring_base = 0;
    m_count = 0;
    m_base_index = 0;
    m_tail = 0;
    m_enabled = false;
    m_valid = false;
    m_halted = false;
    m_flush = false;
    m_wb = m_done = m_fetched = m_fetch_end = 0;
    m_fetch_inflight = m_wb_inflight = false;
    m_wb_count = 0;
    m_wb_reported = 0;
    m_wb_immediate = false;
    m_report_first = kNoReport;
    if (m_traced) update_trace();
}

void DescriptorCache::resample() {
    ++m_generation;
    m_wb = m_done = m_fetched = m_fetch_end = 0;
    m_report_first = kNoReport;
    m_fetch_inflight = m_wb_inflight = false;
    m_halted = false;
    m_valid = false;
    const uint32_t len = m_ctx.read_reg(m_regs.len);
    m_ring_base = (static_cast<uint64_t>(m_ctx.read_reg(m_regs.bah)) << 32) | (m_ctx.read_reg(m_regs.bal) & ~0xFu);
    if (len == 0 || len % e1000::kRingAlignBytes != 0) {
        m_count = 0;
        m_ctx.diagnostic("ring-length", std::string(m_regs.name) + " ring length " + std::to_string(len) +
                                            " is not a non-zero multiple of 128 bytes: ring not used");
        ++m_stats.diagnostics;
        return;
    }
    m_count = len / e1000::kDescBytes;
    const uint32_t head = m_ctx.read_reg(m_regs.head);
    const uint32_t tail = m_ctx.read_reg(m_regs.tail);
    if ((head >= m_count || tail >= m_count) && head == tail) {
        // Legal while head equals tail: the NIC owns no descriptor, so it reads neither. Linux e1000's register
        // self-test enables the receiver with both at FFFFh. The ring is checked again when software moves either.
        m_ctx.note("head-tail-idle", std::string(m_regs.name) + " head and tail " + std::to_string(head) +
                                         " outside a ring of " + std::to_string(m_count) +
                                         " descriptors: nothing owned, ring idle until they move");
        return;
    }
    if (head >= m_count || tail >= m_count) {
        m_ctx.diagnostic("head-tail-range", std::string(m_regs.name) + " head " + std::to_string(head) + " / tail " +
                                                std::to_string(tail) + " outside a ring of " + std::to_string(m_count) +
                                                " descriptors: ring not used");
        ++m_stats.diagnostics;
        return;
    }
    m_base_index = head;
    m_tail = tail;
    m_valid = true;
    if (m_traced) update_trace();
}

void DescriptorCache::register_written(uint32_t offset, uint32_t value) {
    const WorkCache::Change change(m_work);
    if (offset == m_regs.ctl) {
        const bool en = (value & m_regs.ctl_enable) != 0;
        if (en && !m_enabled) {
            m_enabled = true;
            resample();
        } else if (!en) {
            m_enabled = false;
        }
    } else if (offset == m_regs.bal || offset == m_regs.bah || offset == m_regs.len || offset == m_regs.head) {
        if (m_enabled) resample();
    } else if (offset == m_regs.tail) {
        if (!m_enabled) {
            if (value != m_ctx.read_reg(m_regs.head)) {
                // Legal: the 8254x manual (sections 14.4 and 14.5) has software program the ring, head and tail
                // before it sets RCTL.EN / TCTL.EN.
                m_ctx.note("tail-while-disabled", std::string(m_regs.name) + " tail written (" + std::to_string(value) +
                                                      ") while the ring is disabled: held until enabled");
            }
            return;
        }
        if (!m_valid) {
            resample();  // a ring refused earlier may be good now
            return;
        }
        if (value >= m_count) {
            m_ctx.diagnostic("head-tail-range", std::string(m_regs.name) + " tail " + std::to_string(value) +
                                                    " outside a ring of " + std::to_string(m_count) +
                                                    " descriptors: ignored");
            ++m_stats.diagnostics;
            return;
        }
        m_tail = value;
        m_halted = false;
    }
    if (m_traced) update_trace();
}

void DescriptorCache::complete(bool report, bool immediate) {
    const WorkCache::Change change(m_work);
    if (ready() == 0) return;
    m_report[slot(m_done)] = static_cast<uint8_t>((report ? kReport : 0) | (immediate ? kImmediate : 0));
    if (report) {
        if (m_report_first == kNoReport) m_report_first = m_done;
        m_report_last = m_done;
    }
    ++m_done;
    if (m_traced) update_trace();
}

bool DescriptorCache::fetch_due() const {
    if (!usable() || m_halted || m_fetch_inflight) return false;
    // The cheap conditions first: a cache at or above its prefetch threshold fetches nothing, whatever the host has
    // made available (that count takes a division by the ring size).
    const unsigned cached = ready();
    uint32_t d = 0;
    if (cached != 0) {
        d = dctl();
        if (cached >= e1000::dctl::PTHRESH::get(d)) return false;
    }
    const uint64_t room = m_entries - (m_fetch_end - m_wb);
    if (room == 0) return false;
    const uint32_t avail = host_available();
    if (avail == 0) return false;
    return cached == 0 || avail >= e1000::dctl::HTHRESH::get(d);
}

// The run from the first reporting descriptor: due at WTHRESH descriptors, or at once without bursting, on a flush,
// when the owner is idle, when the cache is full of finished descriptors, or when the ring is disabled.
bool DescriptorCache::reported_run_due(bool owner_idle) const {
    if (m_report_first == kNoReport) return false;
    if (m_flush) return true;
    const uint32_t wthresh = e1000::dctl::WTHRESH::get(dctl());
    const bool cache_full = m_fetch_end - m_wb >= m_entries;
    return wthresh == 0 || m_done - m_report_first >= wthresh || owner_idle || cache_full || !m_enabled;
}

bool DescriptorCache::busy(bool owner_idle) const {
    return m_fetch_inflight || m_wb_inflight || fetch_due() || writeback_due(owner_idle);
}

void DescriptorCache::tick(bool owner_idle) {
    const WorkCache::Change change(m_work);
    if (writeback_due(owner_idle)) start_writeback(owner_idle);
    if (fetch_due()) start_fetch();
}

void DescriptorCache::start_fetch() {
    if (m_dma.free_slots() == 0) return;
    const uint32_t idx = ring_index(m_fetch_end);
    const uint64_t room = m_entries - (m_fetch_end - m_wb);
    uint64_t n = std::min<uint64_t>(host_available(), room);
    n = std::min<uint64_t>(n, m_count - idx);                  // wrap at the ring end
    n = std::min<uint64_t>(n, m_entries - slot(m_fetch_end));  // and at the end of the cache memory
    DmaOp op;
    op.kind = DmaKind::DescFetch;
    op.addr = m_ring_base + static_cast<uint64_t>(idx) * e1000::kDescBytes;
    op.data = m_mem[slot(m_fetch_end)].b;
    op.len = static_cast<uint32_t>(n * e1000::kDescBytes);
    op.client = this;
    op.cookie = m_generation << 1;
    if (!m_dma.queue(op)) return;
    m_fetch_end += n;
    m_fetch_inflight = true;
    m_fetch_queued_ns = m_ctx.now_ns();
    ++m_stats.desc_fetch_bursts;
    if (ready() > 0) ++m_stats.desc_prefetches;
    if (m_traced) {
        ++m_tv.fetches;
        update_trace();
    }
}

void DescriptorCache::retire_unreported(uint64_t n) {
    m_wb += n;
    set_head(ring_index(m_wb));
    if (m_traced) update_trace();
    m_owner.descriptors_written_back(static_cast<unsigned>(n), 0, false);
}

// Called when writeback_due() has just said so: without descriptors to retire first, that was reported_run_due().
void DescriptorCache::start_writeback(bool owner_idle) {
    const bool retire = m_wb < m_report_first;
    if (retire) retire_unreported(std::min(m_report_first, m_done) - m_wb);
    if (m_report_first == kNoReport) m_flush = false;  // nothing left to write
    if ((retire && !reported_run_due(owner_idle)) || m_dma.free_slots() == 0) return;
    const uint32_t idx = ring_index(m_wb);
    const bool bursting = e1000::dctl::WTHRESH::get(dctl()) != 0;
    uint64_t n = (bursting ? m_done : m_report_last + 1) - m_wb;
    n = std::min<uint64_t>(n, m_count - idx);
    n = std::min<uint64_t>(n, m_entries - slot(m_wb));
    unsigned reported = 0;
    bool immediate = false;
    for (uint64_t i = 0; i < n; ++i) {  // bounded by the cache size, only when a write-back starts
        const uint8_t r = m_report[slot(m_wb + i)];
        if (r & kReport) {
            ++reported;
            if (r & kImmediate) immediate = true;
        }
    }
    if (m_wb + n > m_report_last) m_flush = false;  // this burst takes every descriptor that reports
    m_wb_count = static_cast<uint32_t>(n);
    m_wb_reported = reported;
    m_wb_immediate = immediate;
    DmaOp op;
    op.kind = DmaKind::DescWriteBack;
    op.addr = m_ring_base + static_cast<uint64_t>(idx) * e1000::kDescBytes;
    op.data = m_mem[slot(m_wb)].b;
    op.len = static_cast<uint32_t>(n * e1000::kDescBytes);
    op.client = this;
    op.cookie = (m_generation << 1) | kCookieWriteBack;
    if (!m_dma.queue(op)) return;
    m_wb_inflight = true;
    m_wb_queued_ns = m_ctx.now_ns();
    ++m_stats.desc_writeback_bursts;
    if (m_traced) {
        ++m_tv.writebacks;
        update_trace();
    }
}

void DescriptorCache::dma_done(const DmaOp& op, DmaResult result) {
    const WorkCache::Change change(m_work);
    if ((op.cookie >> 1) != m_generation || result == DmaResult::Flushed) return;
    const uint32_t n = op.len / e1000::kDescBytes;
    if ((op.cookie & kCookieWriteBack) == 0) {
        m_fetch_inflight = false;
        if (result != DmaResult::Ok) {
            m_fetch_end = m_fetched;  // nothing arrived; stop fetching until the ring is reprogrammed
            m_halted = true;
            if (m_traced) update_trace();
            return;
        }
        m_fetched = m_fetch_end;
        (m_regs.tx ? m_stats.tx_desc_fetched : m_stats.rx_desc_fetched) += n;
        const uint64_t latency = m_ctx.now_ns() - m_fetch_queued_ns;
        m_stats.desc_fetch_latency_ns += latency;
        m_stats.desc_fetch_latency_max_ns = std::max(m_stats.desc_fetch_latency_max_ns, latency);
        if (m_traced) update_trace();
        return;
    }
    m_wb_inflight = false;
    // A failed write-back (diagnosed by the DMA engine) still retires the descriptors: the ring must not hang.
    if (result == DmaResult::Ok) {
        (m_regs.tx ? m_stats.tx_desc_written_back : m_stats.rx_desc_written_back) += n;
        const uint64_t latency = m_ctx.now_ns() - m_wb_queued_ns;
        m_stats.desc_writeback_latency_ns += latency;
        m_stats.desc_writeback_latency_max_ns = std::max(m_stats.desc_writeback_latency_max_ns, latency);
    } else
        m_stats.desc_writeback_lost += n;  // DD never reaches memory: the driver must detect the stall and reset
    m_wb += m_wb_count;
    next_reported();
    set_head(ring_index(m_wb));
    if (m_traced) update_trace();
    m_owner.descriptors_written_back(m_wb_count, m_wb_reported, m_wb_immediate);
}

// After a write-back: the first finished descriptor that reports and is not yet written back, if any.
void DescriptorCache::next_reported() {
    if (m_report_first == kNoReport || m_report_first >= m_wb) return;
    m_report_first = kNoReport;
    for (uint64_t s = m_wb; s <= m_report_last && s < m_done; ++s) {  // bounded by the cache size
        if (m_report[slot(s)] & kReport) {
            m_report_first = s;
            return;
        }
    }
}

void DescriptorCache::trace(sc_core::sc_trace_file* tf, const std::string& prefix) {
    if (!tf) return;
    m_traced = true;
    update_trace();
    sc_core::sc_trace(tf, m_tv.head, prefix + ".head");
    sc_core::sc_trace(tf, m_tv.tail, prefix + ".tail");
    sc_core::sc_trace(tf, m_tv.cached, prefix + ".cached");
    sc_core::sc_trace(tf, m_tv.finished, prefix + ".finished");
    sc_core::sc_trace(tf, m_tv.fetch_inflight, prefix + ".fetch_inflight");
    sc_core::sc_trace(tf, m_tv.wb_inflight, prefix + ".wb_inflight");
    sc_core::sc_trace(tf, m_tv.wb_pending, prefix + ".wb_pending");
    sc_core::sc_trace(tf, m_tv.fetches, prefix + ".fetches");
    sc_core::sc_trace(tf, m_tv.writebacks, prefix + ".writebacks");
}

void DescriptorCache::update_trace() {
    m_tv.head = m_valid ? ring_index(m_wb) : m_ctx.read_reg(m_regs.head);
    m_tv.tail = m_valid ? m_tail : m_ctx.read_reg(m_regs.tail);
    m_tv.cached = ready();
    m_tv.finished = static_cast<uint32_t>(m_done - m_wb);
    m_tv.fetch_inflight = m_fetch_inflight;
    m_tv.wb_inflight = m_wb_inflight;
    m_tv.wb_pending = m_done != m_wb;
}

}  // namespace nicsim::nic
