#include "model/nic/tx_engine.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <systemc>

#include "model/nic/statistics.h"

namespace nicsim::nic {

using e1000::RawDesc;
using e1000::TxContextDesc;
using e1000::TxDataDesc;
using e1000::TxDesc;

TxEngine::TxEngine(NicContext& ctx, DmaEngine& dma, Mac& mac, DataPathStats& stats)
    : m_ctx(ctx),
      m_params(ctx.params()),
      m_dma(dma),
      m_mac(mac),
      m_stats(stats),
      m_cache(ctx, dma, kTxRingRegs, *this, stats, m_work),
      m_pkt(kMaxGatherBytes),
      m_fifo(kFifoSlots) {}

void TxEngine::reset() {
    const WorkCache::Change change(m_work);
    // Frames whose descriptors are done but which have not reached the wire are discarded, as on the 8254x: counted
    // and named, never silent (an SC_INFO report: a reset is legal, the loss is its consequence).
    uint64_t flushed = m_fifo_count;
    if (m_state == State::Output) flushed += m_out_single ? 1 : m_seg_count - m_seg_next;
    if (flushed != 0) {
        m_stats.tx_dropped += flushed;
        m_stats.tx_flushed += flushed;
        SC_REPORT_INFO("nicsim/nic/tx-flushed", ("reset discarded " + std::to_string(flushed) +
                                                 " transmit frames not yet on the wire (TX FIFO and TSO segments)")
                                                    .c_str());
    }
    ++m_generation;
    m_cache.reset();
    m_state = State::Idle;
    m_pkt_len = 0;
    m_in_frame = m_bad = m_extended = m_ifcs = m_ic = m_tse = m_vle = m_out_vlan = false;
    m_special = m_out_tci = 0;
    m_cso = m_css = m_popts = 0;
    m_csum = ChecksumContext{};
    m_tso = TsoContext{};
    m_paylen = 0;
    m_seg_count = m_seg_next = 0;
    m_fifo_head = m_fifo_count = 0;
    m_fifo_bytes = 0;
    m_queue_empty_raised = false;
    m_trace_state = 0;
}

void TxEngine::trace(sc_core::sc_trace_file* tf, const std::string& prefix, const std::string& cache_prefix) {
    if (!tf) return;
    if (!cache_prefix.empty()) m_cache.trace(tf, cache_prefix);
    if (prefix.empty()) return;
    m_traced = true;
    m_trace_state = static_cast<uint8_t>(m_state);
    sc_core::sc_trace(tf, m_trace_state, prefix + ".state", 4);
    sc_core::sc_trace(tf, m_pkt_len, prefix + ".frame_len");
    sc_core::sc_trace(tf, m_fifo_count, prefix + ".fifo_frames");
    sc_core::sc_trace(tf, m_fifo_bytes, prefix + ".fifo_bytes");
}

void TxEngine::diag(const char* what, const std::string& detail) {
    m_ctx.diagnostic(what, detail);
    ++m_stats.diagnostics;
}

std::string TxEngine::where() const {
    return "TX descriptor " + std::to_string(m_cache.front_index());
}

bool TxEngine::enabled() const {
    return e1000::tctl::EN::get(m_ctx.read_reg(e1000::TCTL)) != 0;
}

void TxEngine::register_written(uint32_t offset, uint32_t value) {
    const WorkCache::Change change(m_work);
    m_cache.register_written(offset, value);
    if (offset == e1000::TDT) m_queue_empty_raised = false;
    if (offset == e1000::TIDV && e1000::delay::FPD::get(value)) m_cache.flush();
}

bool TxEngine::busy() const {
    if (m_state == State::Reading) return true;
    if (m_fifo_count != 0 && m_mac.tx_path_up()) return true;  // with the link down the FIFO waits, no clocks spent
    return m_cache.in_flight() || engine_work();
}

bool TxEngine::waiting_for_wire(uint64_t now_ns) const {
    if (m_fifo_count == 0 || !m_mac.tx_path_up() || m_mac.tx_ready(now_ns)) return false;
    return m_state != State::Reading && !m_cache.in_flight() && !engine_work();
}

// What tick() would do besides sending the FIFO's head: push the output into the FIFO, take a descriptor, start a
// fetch or a write-back.
bool TxEngine::compute_engine_work() const {
    if (m_state == State::Output) {
        if (m_fifo_count < kFifoSlots && m_fifo_bytes + next_out_len() <= m_params.tx_fifo_bytes) return true;
    }
    if (m_state == State::Idle && m_cache.usable() && m_cache.ready() > 0) return true;
    return m_cache.has_work(idle());
}

uint32_t TxEngine::next_out_len() const {
    return out_bytes(m_out_single ? m_pkt_len : static_cast<uint32_t>(m_segs[m_seg_next].size()));
}

void TxEngine::tick() {
    // With no work kept and the wire not ready, this tick would change nothing (has_work()'s promise).
    if (m_work.known_idle(m_cache.control()) && (m_fifo_count == 0 || !wire_ready(m_ctx.now_ns()))) return;
    const WorkCache::Change change(m_work);
    drain_fifo();
    if (m_state == State::Output) push_output();
    if (m_state == State::Idle && m_cache.usable() && m_cache.ready() > 0) process_descriptor();
    m_cache.tick(idle());
    if (m_traced) m_trace_state = static_cast<uint8_t>(m_state);
}

void TxEngine::finish_descriptor(bool report, bool immediate) {
    if (report) m_cache.front().b[12] |= TxDesc::kStaDd;
    m_cache.complete(report, immediate);
}

void TxEngine::process_descriptor() {
    const RawDesc& d = m_cache.front();
    const bool extended = e1000::tx_is_extended(d);
    if (extended && e1000::tx_dtyp(d) == e1000::kDtypContext) {
        take_context(d);
        return;
    }
    if (m_dma.free_slots() == 0) return;  // try again next clock
    DataDesc dd;
    if (!extended)
        parse_legacy(d, dd);
    else if (!parse_extended(d, dd))
        return;
    if (dd.eop) m_ifcs = dd.ifcs;  // IFCS is taken from the last descriptor of a frame
    m_in_frame = true;
    if (!buffer_usable(dd)) {
        finish_descriptor(dd.rs, !dd.ide);
        if (dd.eop) end_frame();
        return;
    }
    queue_read(dd);
}

// A TCP/IP context descriptor (8254x manual, section 3.3): the checksum and TCP segmentation offsets for the data
// descriptors that follow.
void TxEngine::take_context(const RawDesc& d) {
    const TxContextDesc c = e1000::desc_from<TxContextDesc>(d.b);
    m_csum.ipcss = c.ipcss();
    m_csum.ipcso = c.ipcso();
    m_csum.ipcse = c.ipcse();
    m_csum.tucss = c.tucss();
    m_csum.tucso = c.tucso();
    m_csum.tucse = c.tucse();
    const uint8_t tucmd = c.tucmd();
    m_tso.csum = m_csum;
    m_tso.hdrlen = c.hdrlen();
    m_tso.mss = c.mss();
    m_tso.ipv4 = (tucmd & TxContextDesc::kTucmdIp) != 0;
    m_tso.tcp = (tucmd & TxContextDesc::kTucmdTcp) != 0;
    m_paylen = c.paylen();
    finish_descriptor((tucmd & TxContextDesc::kTucmdRs) != 0, (tucmd & TxContextDesc::kTucmdIde) == 0);
}

// A TCP/IP data descriptor (8254x manual, section 3.3); false when its type is not data (it is skipped).
bool TxEngine::parse_extended(const RawDesc& d, DataDesc& dd) {
    const TxDataDesc v = e1000::desc_from<TxDataDesc>(d.b);
    if (v.dtyp() != e1000::kDtypData) {
        diag("tx-descriptor-type", "TX descriptor " + std::to_string(m_cache.front_index()) + " has DTYP " +
                                       std::to_string(v.dtyp()) + ": skipped");
        finish_descriptor((v.dcmd() & TxDataDesc::kDcmdRs) != 0, true);
        return false;
    }
    const uint8_t dcmd = v.dcmd();
    dd.addr = v.addr();
    dd.len = v.dtalen();
    dd.eop = dcmd & TxDataDesc::kDcmdEop;
    dd.ifcs = dcmd & TxDataDesc::kDcmdIfcs;
    dd.rs = dcmd & TxDataDesc::kDcmdRs;
    dd.ide = dcmd & TxDataDesc::kDcmdIde;
    if (!m_in_frame) {  // POPTS and TSE are taken from the first data descriptor of a frame
        m_extended = true;
        m_popts = v.popts();
        m_tse = (dcmd & TxDataDesc::kDcmdTse) != 0;
        m_ic = false;
    }
    if (dd.eop) {  // VLE and the special field from the last (8254x manual, sections 3.3 and 9.1)
        m_vle = (dcmd & TxDataDesc::kDcmdVle) != 0;
        m_special = v.special();
    }
    return true;
}

// A legacy transmit descriptor (8254x manual, section 3.3).
void TxEngine::parse_legacy(const RawDesc& d, DataDesc& dd) {
    const TxDesc v = e1000::desc_from<TxDesc>(d.b);
    const uint8_t cmd = v.cmd();
    dd.addr = v.addr();
    dd.len = v.length();
    dd.eop = cmd & TxDesc::kCmdEop;
    dd.ifcs = cmd & TxDesc::kCmdIfcs;
    dd.rs = cmd & TxDesc::kCmdRs;
    dd.ide = cmd & TxDesc::kCmdIde;
    if (!m_in_frame) {
        m_extended = false;
        m_tse = false;
        m_popts = 0;
    }
    if (dd.eop) {  // IC/CSO/CSS, VLE and the special field are taken from the last descriptor of a frame
        m_ic = (cmd & TxDesc::kCmdIc) != 0;
        m_cso = v.cso();
        m_css = v.css();
        m_vle = (cmd & TxDesc::kCmdVle) != 0;
        m_special = v.special();
    }
}

// False when the descriptor's buffer is not read: empty (skipped), or the frame is dropped (address 0, too long,
// or already bad).
bool TxEngine::buffer_usable(const DataDesc& dd) {
    if (dd.len == 0) {
        diag("zero-length", where() + " has a zero-length buffer: skipped");
    } else if (dd.addr == 0) {
        diag("null-buffer", where() + " has buffer address 0: frame dropped");
        m_bad = true;
    } else if (!m_bad && m_pkt_len + dd.len > kMaxGatherBytes) {
        diag("tx-too-long", where() + ": frame longer than " + std::to_string(kMaxGatherBytes) + " bytes: dropped");
        m_bad = true;
    }
    return dd.len != 0 && !m_bad;
}

void TxEngine::queue_read(const DataDesc& dd) {
    DmaOp op;
    op.kind = DmaKind::BufRead;
    op.addr = dd.addr;
    op.data = m_pkt.data() + m_pkt_len;
    op.len = dd.len;
    op.client = this;
    op.cookie = m_generation;
    if (!m_dma.queue(op)) return;
    m_state = State::Reading;
    m_read_len = dd.len;
    m_read_eop = dd.eop;
    m_read_report = dd.rs;
    m_read_immediate = !dd.ide;
}

void TxEngine::dma_done(const DmaOp& op, DmaResult result) {
    const WorkCache::Change change(m_work);
    if (result == DmaResult::Flushed || op.cookie != m_generation || m_state != State::Reading) return;
    m_state = State::Idle;
    if (result == DmaResult::Ok)
        m_pkt_len += m_read_len;
    else
        m_bad = true;  // the DMA engine named the reason; the frame is dropped, the descriptor still completes
    finish_descriptor(m_read_report, m_read_immediate);
    if (m_read_eop) end_frame();
    if (m_traced) m_trace_state = static_cast<uint8_t>(m_state);
}

void TxEngine::end_frame() {
    m_in_frame = false;
    // 8254x manual, section 9.2.1: with CTRL.VME and the descriptor's VLE the MAC inserts a tag whose TPID is VET
    // and whose TCI is the special field, after the offloads (their offsets count the bytes in host memory) and
    // in every TSO segment.
    m_out_vlan = m_vle && e1000::ctrl::VME::get(m_ctx.read_reg(e1000::CTRL)) != 0;
    m_out_tci = m_special;
    m_out_tpid = static_cast<uint16_t>(m_ctx.read_reg(e1000::VET));
    const uint32_t fifo = m_params.tx_fifo_bytes;
    const uint32_t max_frame = std::min<uint32_t>(fifo, kMaxFrameBytes) - (m_out_vlan ? kVlanTagBytes : 0u);
    bool drop = m_bad;
    if (!drop && m_pkt_len != 0 && m_extended && m_tse) {
        const uint32_t hdrlen = m_tso.hdrlen;
        if (m_pkt_len < hdrlen || static_cast<uint32_t>(hdrlen) + m_tso.mss > max_frame) {
            diag("tso-context", "TSO frame of " + std::to_string(m_pkt_len) + " bytes with HDRLEN " +
                                    std::to_string(hdrlen) + " and MSS " + std::to_string(m_tso.mss) +
                                    " cannot be segmented: dropped");
            drop = true;
        } else {
            const uint32_t paylen = m_pkt_len - hdrlen;
            if (paylen != m_paylen)
                diag("tso-paylen", "TSO context PAYLEN " + std::to_string(m_paylen) + " but " + std::to_string(paylen) +
                                       " payload bytes gathered: using the gathered bytes");
            m_tso.ixsm = (m_popts & TxDataDesc::kPoptsIxsm) != 0;
            m_tso.txsm = (m_popts & TxDataDesc::kPoptsTxsm) != 0;
            const OffloadStatus st =
                tso_segment(m_pkt.data(), m_pkt.data() + hdrlen, paylen, m_tso, m_segs, m_seg_count);
            if (st != OffloadStatus::kOk) {
                diag(offload_status_name(st), "TSO of a " + std::to_string(m_pkt_len) + "-byte frame failed: dropped");
                drop = true;
            } else {
                m_out_single = false;
                m_seg_next = 0;
                m_stats.tx_tso_segments += m_seg_count;
                m_ctx.count_stat(e1000::TSCTC, 1);
            }
        }
        if (drop) m_ctx.count_stat(e1000::TSCTFC, 1);
    } else if (!drop && m_pkt_len != 0) {
        if (m_pkt_len > max_frame) {
            diag("tx-too-long", "TX frame of " + std::to_string(m_pkt_len) + " bytes exceeds " +
                                    std::to_string(max_frame) + " (TX FIFO / MAC limit): dropped");
            drop = true;
        } else {
            OffloadStatus st = OffloadStatus::kOk;
            if (!m_extended && m_ic) {
                st = insert_legacy_checksum(m_pkt.data(), m_pkt_len, m_cso, m_css, 0);
            } else if (m_extended && (m_popts & (TxDataDesc::kPoptsIxsm | TxDataDesc::kPoptsTxsm))) {
                st = insert_context_checksums(m_pkt.data(), m_pkt_len, m_csum, (m_popts & TxDataDesc::kPoptsIxsm) != 0,
                                              (m_popts & TxDataDesc::kPoptsTxsm) != 0);
            }
            if (st != OffloadStatus::kOk)
                diag(offload_status_name(st), "checksum offsets outside a " + std::to_string(m_pkt_len) +
                                                  "-byte frame: sent without checksum insertion");
            m_out_single = true;
        }
    }
    if (drop || m_pkt_len == 0) {
        if (drop) ++m_stats.tx_dropped;
        m_pkt_len = 0;
        m_bad = false;
        return;
    }
    m_out_ifcs = m_ifcs;
    m_state = State::Output;
    push_output();
}

void TxEngine::push_output() {
    if (m_out_single) {
        if (!push_fifo(m_pkt.data(), m_pkt_len)) return;
    } else {
        while (m_seg_next < m_seg_count) {
            const std::vector<uint8_t>& seg = m_segs[m_seg_next];
            if (!push_fifo(seg.data(), static_cast<uint32_t>(seg.size()))) return;
            ++m_seg_next;
        }
    }
    m_state = State::Idle;
    m_pkt_len = 0;
    m_bad = false;
}

bool TxEngine::push_fifo(const uint8_t* data, uint32_t len) {
    const uint32_t out = out_bytes(len);
    if (m_fifo_count == kFifoSlots || m_fifo_bytes + out > m_params.tx_fifo_bytes) return false;  // stall
    FifoFrame& f = m_fifo[(m_fifo_head + m_fifo_count) % kFifoSlots];
    if (m_out_vlan) {
        f.bytes.resize(out);  // the slot keeps its capacity: allocates only while it grows
        vlan_insert(data, len, m_out_tpid, m_out_tci, f.bytes.data());
    } else {
        f.bytes.assign(data, data + len);
    }
    len = out;
    f.len = len;
    f.ifcs = m_out_ifcs;
    ++m_fifo_count;
    m_fifo_bytes += len;
    return true;
}

void TxEngine::drain_fifo() {
    if (m_fifo_count == 0) return;
    const uint64_t now = m_ctx.now_ns();
    if (!m_mac.tx_ready(now)) return;
    FifoFrame& f = m_fifo[m_fifo_head];
    const bool psp = e1000::tctl::PSP::get(m_ctx.read_reg(e1000::TCTL)) != 0;
    // The MAC takes the slot's storage (the FIFO models the bytes' count, not where they are): the destination
    // address for the statistics is read first.
    uint8_t dst[6] = {};
    if (f.bytes.size() >= sizeof dst)
        std::memcpy(dst, f.bytes.data(), sizeof dst);
    else
        std::copy(f.bytes.begin(), f.bytes.end(), dst);  // a runt: the rest of the address reads as zeros
    const uint64_t end = m_mac.transmit_swap(f.bytes, f.len, f.ifcs, psp, now);
    if (end == 0) {
        diag("tx-refused", "MAC refused a " + std::to_string(f.len) + "-byte frame: dropped");
        ++m_stats.tx_dropped;
    } else {
        uint64_t wire = std::max<uint64_t>(f.len, psp ? kMinFrameBytes : 0) + (f.ifcs ? kFcsBytes : 0);
        count_tx(m_ctx, dst, static_cast<uint32_t>(wire));
        ++m_stats.tx_frames;
        m_stats.tx_bytes += wire;
    }
    m_fifo_head = (m_fifo_head + 1) % kFifoSlots;
    --m_fifo_count;
    m_fifo_bytes -= f.len;
}

void TxEngine::descriptors_written_back(unsigned count, unsigned reported, bool immediate) {
    const WorkCache::Change change(m_work);
    if (reported != 0) m_ctx.tx_done_event(immediate);
    const uint32_t owned = m_cache.hw_owned();
    const uint32_t low = e1000::dctl::LWTHRESH::get(m_ctx.read_reg(e1000::TXDCTL)) * 8;
    if (low != 0 && owned < low && owned + count >= low) m_ctx.raise_irq(e1000::icr::TXD_LOW);
    if (owned == 0 && !m_queue_empty_raised) {
        m_queue_empty_raised = true;
        m_ctx.raise_irq(e1000::icr::TXQE);
    }
}

}  // namespace nicsim::nic
