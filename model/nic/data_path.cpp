#include "model/nic/data_path.h"

#include "model/nic/dma_engine.h"
#include "model/nic/e1000_regs.h"
#include "model/nic/mac.h"
#include "model/nic/rx_engine.h"
#include "model/nic/tx_engine.h"

namespace nicsim::nic {

NicDataPath::NicDataPath(NicContext& ctx, WireSink& wire) : NicDataPath(ctx, wire, nullptr) {}

NicDataPath::NicDataPath(NicContext& ctx, WireSink& wire, DmaPort& port) : NicDataPath(ctx, wire, &port) {}

NicDataPath::NicDataPath(NicContext& ctx, WireSink& wire, DmaPort* port)
    : m_ctx(ctx),
      m_loop_tap(*this, wire),
      m_own_port(port ? nullptr : std::make_unique<MasterEnginePort>(ctx)),
      m_mac(std::make_unique<Mac>(m_loop_tap, ctx.params().link_mbps, ctx.params().link_up)),
      m_dma(std::make_unique<DmaEngine>(ctx, port ? *port : *m_own_port)),
      m_tx(std::make_unique<TxEngine>(ctx, *m_dma, *m_mac, m_stats)),
      m_rx(std::make_unique<RxEngine>(ctx, *m_dma, m_stats)) {}

// RCTL.LBM = 01 (8254x manual, section 13.4.22): the MAC's transmitted frames go back to its own receiver, never
// onto the wire; the PHY's loopback (BMCR.LOOPBACK) does the same one stage further, behind the link.
bool NicDataPath::looping() const {
    return m_mac->loopback() || m_phy_loopback;
}

void NicDataPath::LoopTap::transmit(const Frame& frame) {
    if (dp.looping())
        dp.receive_frame(frame, true);
    else
        wire.transmit(frame);
}

void NicDataPath::LoopTap::transmit_swap(Frame& frame) {
    if (dp.looping())
        dp.receive_frame(frame, true);
    else
        wire.transmit_swap(frame);
}

NicDataPath::~NicDataPath() = default;

void NicDataPath::reset() {
    m_dma->reset();
    m_tx->reset();
    m_rx->reset();
    m_mac->reset();
    m_mac->set_link_mbps(m_ctx.params().link_mbps);
    m_mac->set_link_up(m_ctx.params().link_up);
}

void NicDataPath::register_written(uint32_t offset, uint32_t value) {
    switch (offset) {
        case e1000::TCTL:
        case e1000::TDBAL:
        case e1000::TDBAH:
        case e1000::TDLEN:
        case e1000::TDH:
        case e1000::TDT:
        case e1000::TIDV:
            m_tx->register_written(offset, value);
            break;
        case e1000::RCTL:
            m_mac->set_loopback(e1000::rctl::LBM::get(value) == kLbmMac);
            // 11 (PHY or external loopback) leaves the MAC's path as 00: the loop is the PHY's (BMCR.LOOPBACK)
            // or a plug's. 10 is undefined: the model runs it as 00 and says so.
            if (e1000::rctl::LBM::get(value) == kLbmReserved)
                m_ctx.note("reserved-lbm", "RCTL.LBM = 10 is undefined in the 8254x manual (13.4.22): run as 00");
            m_rx->register_written(offset, value);
            break;
        case e1000::RDBAL:
        case e1000::RDBAH:
        case e1000::RDLEN:
        case e1000::RDH:
        case e1000::RDT:
        case e1000::RDTR:
            m_rx->register_written(offset, value);
            break;
        default:
            break;  // thresholds, timers and filters are read from the register file when needed
    }
}

void NicDataPath::receive(const Frame& frame) {
    if (looping()) {  // in loopback the receiver hears only the transmitter
        ++m_stats.rx_dropped;
        ++m_stats.rx_receiver_off;
        return;
    }
    receive_frame(frame, false);
}

// The MAC's checks, then the receiver (as the MAC's callbacks would be called, before the counts below).
void NicDataPath::receive_frame(const Frame& frame, bool looped) {
    using Verdict = Mac::RxVerdict;
    const uint32_t rctl = m_ctx.read_reg(e1000::RCTL);
    const bool lpe = e1000::rctl::LPE::get(rctl) != 0;
    const bool sbp = e1000::rctl::SBP::get(rctl) != 0;  // bad frames (CRC errors) are stored, with CE set
    const Verdict v = m_mac->check_receive(frame, lpe ? kMaxFrameBytes : kMaxStdFrameBytes, sbp, looped);
    if (Mac::passed(v)) m_rx->receive(frame, v == Verdict::kBadStored);
    if (v == Verdict::kBadFcs || v == Verdict::kBadStored) m_ctx.count_stat(e1000::CRCERRS, 1);
    if (Mac::passed(v)) return;
    if (v == Verdict::kUndersize) m_ctx.count_stat(e1000::RUC, 1);
    if (v == Verdict::kOversize) m_ctx.count_stat(e1000::ROC, 1);
    if (v == Verdict::kLinkDown) ++m_stats.rx_link_down;
    ++m_stats.rx_dropped;
}

void NicDataPath::set_link(bool up, unsigned mbps) {
    m_mac->set_link_up(up);
    m_mac->set_link_mbps(mbps);
}

bool NicDataPath::busy() const {
    return m_dma->busy() || m_tx->busy() || m_rx->busy();
}

uint64_t NicDataPath::quiet_until_ns(uint64_t now_ns) const {
    if (m_dma->busy() || m_rx->busy() || !m_tx->waiting_for_wire(now_ns)) return 0;
    return m_mac->tx_free_at_ns();
}

bool NicDataPath::has_work(uint64_t now_ns) const {
    return m_dma->has_work() || m_tx->has_work(now_ns) || m_rx->has_work();
}

bool NicDataPath::work_answers_current() const {
    return m_tx->work_answer_current() && m_rx->work_answer_current();
}

uint64_t NicDataPath::idle_until_ns(uint64_t now_ns) const {
    if (has_work(now_ns)) return 0;
    return m_tx->fifo_waiting() ? m_mac->tx_free_at_ns() : ~uint64_t(0);  // the wire frees for the FIFO's head
}

void NicDataPath::tick() {
    // An idle engine is not evaluated.
    const bool tx = m_tx->busy();
    bool rx = !tx && m_rx->busy();
    if (!tx && !rx && !m_dma->busy()) return;
    ++m_stats.busy_ticks;
    if (tx) {
        m_tx->tick();
        rx = m_rx->busy();  // after the transmitter's tick, as tick() asks
    }
    if (rx) m_rx->tick();
    if (m_dma->busy()) m_dma->tick();
}

void NicDataPath::master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) {
    m_dma->master_done(rq, status, bytes_done);
}

void NicDataPath::trace(sc_core::sc_trace_file* tf, const std::string& prefix, unsigned what) {
    if (!tf) return;
    if (what & kTraceDma) {
        m_dma->trace(tf, prefix + ".dma");
        m_tx->trace(tf, prefix + ".tx", {});
        m_rx->trace(tf, prefix + ".rx", {});
    }
    if (what & kTraceDesc) {
        m_tx->trace(tf, {}, prefix + ".txdesc");
        m_rx->trace(tf, {}, prefix + ".rxdesc");
    }
    if (what & kTraceMac) m_mac->trace(tf, prefix + ".mac");
}

const DataPathStats& NicDataPath::stats() const {
    const DmaStats& d = m_dma->stats();
    m_view = m_stats;
    m_view.dma_ops = d.ops;
    m_view.dma_requests = d.requests;
    m_view.dma_read_bytes = d.read_bytes;
    m_view.dma_write_bytes = d.write_bytes;
    m_view.dma_errors = d.errors;
    m_view.diagnostics += d.diagnostics;
    return m_view;
}

}  // namespace nicsim::nic
