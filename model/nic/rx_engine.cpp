#include "model/nic/rx_engine.h"

#include <algorithm>
#include <string>

#include <systemc>

#include "model/nic/mac.h"
#include "model/nic/offload.h"
#include "model/nic/statistics.h"

namespace nicsim::nic {

using e1000::RxDesc;

namespace {
using RxcsumPcss = e1000::Field<0, 8>;  // RXCSUM.PCSS: packet checksum start
using RxcsumIpofld = e1000::Bit<8>;     // RXCSUM.IPOFLD: IPv4 header checksum offload
using RxcsumTuofld = e1000::Bit<9>;     // RXCSUM.TUOFLD: TCP/UDP checksum offload
using RsrpdSize = e1000::Field<0, 12>;  // RSRPD.SIZE: small packet detect threshold in bytes
}  // namespace

RxEngine::RxEngine(NicContext& ctx, DmaEngine& dma, DataPathStats& stats)
    : m_ctx(ctx),
      m_params(ctx.params()),
      m_dma(dma),
      m_stats(stats),
      m_cache(ctx, dma, kRxRingRegs, *this, stats, m_work),
      m_fifo(kFifoSlots) {}

void RxEngine::reset() {
    const WorkCache::Change change(m_work);
    // Frames still in the RX FIFO (the head one possibly half written to host memory, without its descriptor) are
    // discarded, as on the 8254x: counted and named like the transmit side's, never silent.
    if (m_fifo_count != 0) {
        m_stats.rx_dropped += m_fifo_count;
        m_stats.rx_flushed += m_fifo_count;
        SC_REPORT_INFO(
            "nicsim/nic/rx-flushed",
            ("reset discarded " + std::to_string(m_fifo_count) + " received frames still in the RX FIFO").c_str());
    }
    ++m_generation;
    m_cache.reset();
    m_filter.reset();
    m_fifo_head = m_fifo_count = 0;
    m_fifo_bytes = 0;
    m_writing = false;
    m_offset = m_chunk = 0;
    m_dmt_low = false;
    m_trace_state = 0;
}

void RxEngine::trace(sc_core::sc_trace_file* tf, const std::string& prefix, const std::string& cache_prefix) {
    if (!tf) return;
    if (!cache_prefix.empty()) m_cache.trace(tf, cache_prefix);
    if (prefix.empty()) return;
    m_traced = true;
    update_trace();
    sc_core::sc_trace(tf, m_trace_state, prefix + ".state", 4);
    sc_core::sc_trace(tf, m_offset, prefix + ".offset");
    sc_core::sc_trace(tf, m_fifo_count, prefix + ".fifo_frames");
    sc_core::sc_trace(tf, m_fifo_bytes, prefix + ".fifo_bytes");
}

void RxEngine::diag(const char* what, const std::string& detail) {
    m_ctx.diagnostic(what, detail);
    ++m_stats.diagnostics;
}

void RxEngine::register_written(uint32_t offset, uint32_t value) {
    const WorkCache::Change change(m_work);
    m_cache.register_written(offset, value);
    if (offset == e1000::RDT) m_dmt_low = false;
    if (offset == e1000::RDTR && e1000::delay::FPD::get(value)) m_cache.flush();
}

// 8254x manual, section 9.3 and table 9-3: a frame whose type field equals VET is an 802.1Q frame; with RCTL.VFE
// its VID's bit in the VLAN filter table must be set, and with RCTL.CFIEN its CFI must equal RCTL.CFI (section
// 13.4.22), else it is dropped. VFE does not decide whether the tag is stripped (CTRL.VME does).
bool RxEngine::vlan_accepted(const VlanTag& tag, uint32_t rctl) const {
    if (!tag.present) return true;
    if (e1000::rctl::CFIEN::get(rctl) && tag.cfi() != (e1000::rctl::CFI::get(rctl) != 0)) return false;
    if (!e1000::rctl::VFE::get(rctl)) return true;
    return (m_ctx.read_reg(e1000::VFTA + 4u * (tag.vid() >> 5)) >> (tag.vid() & 31u)) & 1u;
}

void RxEngine::receive(const Frame& frame, bool crc_error) {
    const uint32_t rctl = m_ctx.read_reg(e1000::RCTL);
    if (!e1000::rctl::EN::get(rctl)) {
        ++m_stats.rx_dropped;  // receiver disabled: the frame is not seen
        ++m_stats.rx_receiver_off;
        return;
    }
    if (frame.bytes.size() < 6) {
        ++m_stats.rx_dropped;
        return;
    }
    m_filter.refresh(m_ctx, frame.bytes.data());  // the filter must see every RAL/RAH/MTA/RCTL write
    const RxMatch match = m_filter.classify(frame.bytes.data());
    const size_t plain = frame.fcs_included ? frame.bytes.size() - kFcsBytes : frame.bytes.size();
    const VlanTag tag = vlan_tag(frame.bytes.data(), plain, static_cast<uint16_t>(m_ctx.read_reg(e1000::VET)));
    if (match == RxMatch::kRejected || !vlan_accepted(tag, rctl)) {
        ++m_stats.rx_filtered;
        return;
    }
    const bool strip_tag = tag.present && e1000::ctrl::VME::get(m_ctx.read_reg(e1000::CTRL)) != 0;
    const bool strip = e1000::rctl::SECRC::get(rctl) != 0;
    size_t len = frame.bytes.size();
    const uint32_t wire_len = static_cast<uint32_t>(frame.fcs_included ? len : len + kFcsBytes);
    // 8254x manual, section 13.7 (TPR, TOR): every packet received counts, with its octets from the destination
    // address through the CRC, whether it has errors and whatever becomes of it: also one the full FIFO misses.
    m_ctx.count_stat(e1000::TPR, 1);
    m_ctx.count_stat(e1000::TORL, wire_len);
    if (frame.fcs_included && strip) len -= kFcsBytes;
    const bool add_fcs = !frame.fcs_included && !strip;  // the host expects the CRC in the buffer
    const uint32_t deliver = static_cast<uint32_t>(len + (add_fcs ? kFcsBytes : 0) - (strip_tag ? kVlanTagBytes : 0));
    if (m_fifo_count == kFifoSlots || m_fifo_bytes + deliver > m_params.rx_fifo_bytes) {
        ++m_stats.rx_missed;
        m_ctx.count_stat(e1000::MPC, 1);
        m_ctx.raise_irq(e1000::icr::RXO);
        return;
    }
    // Only from here does the frame change what has_work() reads (the FIFO): a frame refused or missed above
    // changed counters alone, and leaves the kept answer as it was.
    const WorkCache::Change change(m_work);
    if (m_cache.hw_owned() == 0) m_ctx.count_stat(e1000::RNBC, 1);  // no host buffer for it yet
    FifoFrame& f = m_fifo[(m_fifo_head + m_fifo_count) % kFifoSlots];
    f.bytes.assign(frame.bytes.begin(), frame.bytes.begin() + static_cast<std::ptrdiff_t>(len));
    if (add_fcs) {  // the FCS as on the wire: over the frame with its tag
        const uint32_t crc = ethernet_crc32(frame.bytes.data(), len);
        for (int i = 0; i < 4; ++i) f.bytes.push_back(static_cast<uint8_t>(crc >> (8 * i)));
    }
    if (strip_tag) f.bytes.resize(vlan_strip(f.bytes.data(), f.bytes.size()));
    f.len = deliver;
    f.wire_len = wire_len;
    f.inexact = match == RxMatch::kMulticastHash;
    f.good = !crc_error;
    f.special = strip_tag ? tag.tci : 0;
    set_checksums(f, frame.bytes.data(), plain, strip_tag ? plain - kVlanTagBytes : plain);
    if (strip_tag) f.eop_status |= RxDesc::kStaVp;
    if (crc_error) f.eop_errors |= RxDesc::kErrCe;
    ++m_fifo_count;
    m_fifo_bytes += deliver;
    if (m_traced) update_trace();
}

// Checksums over the frame as received, FCS excluded, once per frame (RXCSUM is read as the frame enters the
// FIFO); the packet checksum (RXCSUM.PCSS) counts from the start of the frame as it is stored in host memory.
void RxEngine::set_checksums(FifoFrame& f, const uint8_t* frame, size_t plain, size_t stored_plain) {
    const uint32_t rxcsum = m_ctx.read_reg(e1000::RXCSUM);
    f.csum = rx_packet_checksum(f.bytes.data(), stored_plain, RxcsumPcss::get(rxcsum));
    f.eop_status = 0;
    f.eop_errors = 0;
    const bool ipofld = RxcsumIpofld::get(rxcsum) != 0, tuofld = RxcsumTuofld::get(rxcsum) != 0;
    if (!ipofld && !tuofld) {
        f.eop_status = RxDesc::kStaIxsm;
        return;
    }
    const RxChecksumResult c = rx_verify_checksums(frame, plain);
    if (ipofld && c.ip_checked) {
        f.eop_status |= RxDesc::kStaIpcs;
        if (!c.ip_ok) f.eop_errors |= RxDesc::kErrIpe;
    }
    if (tuofld && c.l4_checked) {
        f.eop_status |= RxDesc::kStaTcpcs;
        if (!c.l4_ok) f.eop_errors |= RxDesc::kErrTcpe;
    }
}

bool RxEngine::busy() const {
    return m_writing || m_cache.in_flight() || has_work();
}

// What tick() would do: start the head frame's next buffer write, start a fetch or a write-back.
bool RxEngine::compute_work() const {
    if (!m_writing && m_fifo_count != 0 && m_cache.usable() && m_cache.ready() > 0) return true;
    return m_cache.has_work(idle());
}

void RxEngine::tick() {
    if (m_work.known_idle(m_cache.control())) return;  // this tick would change nothing (has_work()'s promise)
    const WorkCache::Change change(m_work);
    if (!m_writing && m_fifo_count != 0 && m_cache.usable() && m_cache.ready() > 0) start_descriptor();
    m_cache.tick(idle());
    if (m_traced) update_trace();
}

void RxEngine::write_status(uint16_t length, uint8_t status, uint8_t errors, uint16_t csum, uint16_t special) {
    RxDesc d = e1000::desc_from<RxDesc>(m_cache.front().b);
    d.set_length(length);
    d.set_csum(csum);
    d.set_status(status);
    d.set_errors(errors);
    d.set_special(special);
    std::copy(d.b, d.b + e1000::kDescBytes, m_cache.front().b);
    const uint32_t before = m_cache.hw_owned();
    m_cache.complete(true, e1000::delay::VALUE::get(m_ctx.read_reg(e1000::RDTR)) == 0);
    // RXDMT0: the descriptors the hardware still owns fell below RDMTS (1/2, 1/4, 1/8 of the ring).
    const unsigned rdmts = e1000::rctl::RDMTS::get(m_ctx.read_reg(e1000::RCTL));
    const uint32_t threshold = rdmts == 3 ? 0 : m_cache.ring_count() >> (rdmts + 1);
    const uint32_t after = m_cache.hw_owned();
    if (!m_dmt_low && threshold != 0 && after < threshold && before >= threshold) {
        m_dmt_low = true;
        m_ctx.raise_irq(e1000::icr::RXDMT0);
    }
}

void RxEngine::start_descriptor() {
    if (m_dma.free_slots() == 0) return;
    FifoFrame& f = m_fifo[m_fifo_head];
    const uint32_t rctl = m_ctx.read_reg(e1000::RCTL);
    uint32_t bufsize = e1000::rctl::buffer_bytes(rctl);
    const RxDesc d = e1000::desc_from<RxDesc>(m_cache.front().b);
    if (bufsize == 0) {
        diag("rx-buffer-size", "RCTL.BSEX with BSIZE 00 is reserved: RX descriptor " +
                                   std::to_string(m_cache.front_index()) + " errored, frame dropped");
        write_status(0, RxDesc::kStaDd | RxDesc::kStaEop, RxDesc::kErrRxe);
        finish_frame(false);
        return;
    }
    if (d.addr() == 0) {
        diag("null-buffer", "RX descriptor " + std::to_string(m_cache.front_index()) +
                                " has buffer address 0: errored, frame dropped");
        write_status(0, RxDesc::kStaDd | RxDesc::kStaEop, RxDesc::kErrRxe);
        finish_frame(false);
        return;
    }
    const uint32_t left = f.len - m_offset;
    m_chunk = std::min(left, bufsize);
    DmaOp op;
    op.kind = DmaKind::BufWrite;
    op.addr = d.addr();
    op.data = f.bytes.data() + m_offset;
    op.len = m_chunk;
    op.client = this;
    op.cookie = m_generation;
    if (!m_dma.queue(op)) return;
    m_writing = true;
}

void RxEngine::dma_done(const DmaOp& op, DmaResult result) {
    const WorkCache::Change change(m_work);
    if (result == DmaResult::Flushed || op.cookie != m_generation || !m_writing) return;
    m_writing = false;
    if (result != DmaResult::Ok) {  // the DMA engine named the reason; the descriptor gets RXE, the frame is dropped
        write_status(0, RxDesc::kStaDd | RxDesc::kStaEop, RxDesc::kErrRxe);
        finish_frame(false);
        if (m_traced) update_trace();
        return;
    }
    FifoFrame& f = m_fifo[m_fifo_head];
    m_offset += m_chunk;
    const bool last = m_offset >= f.len;
    uint8_t status = RxDesc::kStaDd;
    uint8_t errors = 0;
    if (last) {  // checksum results and the packet checksum go with the last descriptor of the frame
        status |= RxDesc::kStaEop | f.eop_status;
        errors = f.eop_errors;
    } else {
        status |= RxDesc::kStaIxsm;
    }
    if (f.inexact) status |= RxDesc::kStaPif;
    write_status(static_cast<uint16_t>(m_chunk), status, errors, last ? f.csum : 0, last ? f.special : 0);
    if (last) finish_frame(true);
    if (m_traced) update_trace();
}

void RxEngine::finish_frame(bool delivered) {
    FifoFrame& f = m_fifo[m_fifo_head];
    if (delivered) {
        ++m_stats.rx_frames;
        m_stats.rx_bytes += f.len;
        if (f.good) count_good_rx(m_ctx, f.bytes.data(), f.wire_len);  // a stored bad frame (SBP) is not good
        // 8254x manual, section 3.2.7.2: a frame of at most RSRPD.SIZE bytes as stored in host memory (CRC unless
        // stripped, a stripped VLAN tag not counted) raises SRPD, and RXT0 with it; SIZE 0 disables it.
        const uint32_t small = RsrpdSize::get(m_ctx.read_reg(e1000::RSRPD));
        if (small != 0 && f.len <= small) m_ctx.raise_irq(e1000::icr::SRPD | e1000::icr::RXT0);
    } else {
        ++m_stats.rx_dropped;
    }
    m_fifo_bytes -= f.len;
    m_fifo_head = (m_fifo_head + 1) % kFifoSlots;
    --m_fifo_count;
    m_offset = 0;
    m_chunk = 0;
}

void RxEngine::descriptors_written_back(unsigned count, unsigned reported, bool immediate) {
    const WorkCache::Change change(m_work);
    if (reported != 0) m_ctx.rx_done_event(immediate);
}

}  // namespace nicsim::nic
