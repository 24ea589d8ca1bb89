#include "model/nic/dma_engine.h"

#include <string>

#include <systemc>

#include "model/common/hex.h"

namespace nicsim::nic {

namespace {
constexpr uint64_t k4GiB = 1ull << 32;
constexpr uint32_t kDefaultChunk = 4096;  // used when params().max_transfer is 0 (an invalid setting)
}  // namespace

const char* dma_kind_name(DmaKind kind) {
    switch (kind) {
        case DmaKind::DescFetch:
            return "descriptor fetch";
        case DmaKind::DescWriteBack:
            return "descriptor write-back";
        case DmaKind::BufRead:
            return "buffer read";
        case DmaKind::BufWrite:
            return "buffer write";
    }
    return "?";
}

bool MasterEnginePort::busy() const {
    return m_ctx.master().busy();
}
void MasterEnginePort::start(const pci::MasterRequest& rq) {
    m_ctx.master().start(rq);
}

DmaEngine::DmaEngine(NicContext& ctx, DmaPort& port) : m_ctx(ctx), m_params(ctx.params()), m_port(port) {}

uint32_t DmaEngine::chunk_limit() const {
    uint32_t limit = m_params.max_transfer;
    return limit == 0 ? kDefaultChunk : limit;
}

inline void DmaEngine::finish(DmaResult result) {
    const DmaOp op = m_ops[m_head];
    m_head = (m_head + 1) % kQueueDepth;
    --m_count;
    m_checked = false;
    m_done = 0;
    if (result != DmaResult::Ok) ++m_stats.errors;
    if (m_traced) update_trace();
    if (op.client) op.client->dma_done(op, result);
}

DmaResult DmaEngine::check(const DmaOp& op) const {
    if (!m_ctx.bus_master_enabled()) return DmaResult::Disabled;
    if (op.len == 0) return DmaResult::Ok;
    const uint64_t last = op.addr + (op.len - 1);
    if (last < op.addr) return DmaResult::AddressWrap;
    if (m_params.dma_address_bits <= 32 && last >= k4GiB) return DmaResult::Address32;
    return DmaResult::Ok;
}

void DmaEngine::tick() {
    if (m_count == 0 || m_in_flight || m_port.busy()) return;
    const DmaOp& op = m_ops[m_head];
    if (!m_checked) {
        const DmaResult r = check(op);
        if (r != DmaResult::Ok) {
            refuse(op, r);
            return;
        }
        m_checked = true;
        m_done = 0;
    }
    if (m_done >= op.len) {  // zero-length operation: nothing to move
        finish(DmaResult::Ok);
        return;
    }
    // Split, never truncate: request i covers [addr + i*max_transfer, ...) up to max_transfer bytes.
    const uint32_t left = op.len - m_done;
    const uint32_t limit = chunk_limit();
    const uint32_t n = left < limit ? left : limit;
    pci::MasterRequest rq;
    rq.cmd = (op.kind == DmaKind::DescFetch || op.kind == DmaKind::BufRead) ? pci::Cmd::MemRead : pci::Cmd::MemWrite;
    rq.addr = op.addr + m_done;
    rq.data = op.data + m_done;
    rq.len = n;
    rq.tag = m_generation;
    m_in_flight = true;
    ++m_stats.requests;
    if (n > m_stats.max_request_bytes) m_stats.max_request_bytes = n;
    if (m_traced) {
        m_tv.req_addr = rq.addr;
        m_tv.req_len = n;
    }
    m_port.start(rq);
    if (m_traced) update_trace();
}

void DmaEngine::refuse(const DmaOp& op, DmaResult r) {
    const std::string range =
        std::string(dma_kind_name(op.kind)) + " of " + std::to_string(op.len) + " bytes at " + hex(op.addr);
    if (r == DmaResult::Disabled)
        m_ctx.diagnostic("dma-disabled", range + " refused: Bus Master Enable is clear");
    else if (r == DmaResult::Address32)
        m_ctx.diagnostic("dma-address-32bit", range + " refused: reaches 4 GiB on a 32-bit device");
    else
        m_ctx.diagnostic("dma-address-wrap", range + " refused: wraps past 2^64");
    ++m_stats.diagnostics;
    finish(r);
}

void DmaEngine::queue_full(const DmaOp& op) {
    ++m_stats.diagnostics;
    m_ctx.diagnostic("dma-queue-full", std::string(dma_kind_name(op.kind)) + " refused: DMA queue full");
}

void DmaEngine::bus_error(const DmaOp& op, const pci::MasterRequest& rq, pci::MasterStatus status,
                          uint32_t bytes_done) {
    m_ctx.diagnostic("dma-bus-error", std::string(dma_kind_name(op.kind)) + " at " + hex(rq.addr) + " ended with " +
                                          pci::master_status_name(status) + " after " + std::to_string(bytes_done) +
                                          " of " + std::to_string(rq.len) + " bytes");
    ++m_stats.diagnostics;
    finish(DmaResult::BusError);
}

void DmaEngine::master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) {
    if (!m_in_flight || rq.tag != m_generation || m_count == 0) return;  // a completion from before reset()
    m_in_flight = false;
    const DmaOp& op = m_ops[m_head];
    if (pci::cmd_is_write(rq.cmd))
        m_stats.write_bytes += bytes_done;
    else
        m_stats.read_bytes += bytes_done;
    if (status != pci::MasterStatus::Ok || bytes_done != rq.len) {
        bus_error(op, rq, status, bytes_done);
        return;
    }
    m_done += rq.len;
    if (m_done >= op.len)
        finish(DmaResult::Ok);
    else if (m_traced)
        update_trace();
}

void DmaEngine::reset() {
    ++m_generation;
    m_in_flight = false;
    while (m_count != 0) finish(DmaResult::Flushed);
    if (m_traced) update_trace();
}

void DmaEngine::trace(sc_core::sc_trace_file* tf, const std::string& prefix) {
    if (!tf) return;
    m_traced = true;
    update_trace();
    sc_core::sc_trace(tf, m_tv.state, prefix + ".state", 4);
    sc_core::sc_trace(tf, m_tv.op, prefix + ".op", 4);
    sc_core::sc_trace(tf, m_tv.addr, prefix + ".addr");
    sc_core::sc_trace(tf, m_tv.len, prefix + ".len");
    sc_core::sc_trace(tf, m_tv.req_addr, prefix + ".req_addr");
    sc_core::sc_trace(tf, m_tv.req_len, prefix + ".req_len");
    sc_core::sc_trace(tf, m_tv.depth, prefix + ".depth");
    sc_core::sc_trace(tf, m_tv.requests, prefix + ".requests");
}

void DmaEngine::update_trace() {
    m_tv.depth = m_count;
    m_tv.requests = static_cast<uint32_t>(m_stats.requests);
    if (m_count == 0) {
        m_tv.state = static_cast<uint8_t>(TraceState::Idle);
        m_tv.op = 0;
        m_tv.addr = 0;
        m_tv.len = 0;
    } else {
        const DmaOp& op = m_ops[m_head];
        m_tv.state = static_cast<uint8_t>(m_in_flight ? TraceState::Request : TraceState::Queued);
        m_tv.op = static_cast<uint8_t>(1 + static_cast<unsigned>(op.kind));
        m_tv.addr = op.addr;
        m_tv.len = op.len;
    }
    if (!m_in_flight) {
        m_tv.req_addr = 0;
        m_tv.req_len = 0;
    }
}

}  // namespace nicsim::nic
