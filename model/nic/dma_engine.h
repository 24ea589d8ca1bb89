// The NIC's scatter-gather DMA engine: the only path from the data path to host memory. Clients queue operations
// (descriptor fetch/write-back, buffer read/write); the engine checks each one before any bus cycle (Bus Master
// Enable, 32-bit reach, address wrap), splits it into bus-master requests of at most NicParams::max_transfer bytes
// and reports completion once, with an error flag that the client turns into a descriptor status.
//
// Splitting, never truncation: an operation of N bytes at A becomes ceil(N / max_transfer) requests, request i
// covering [A + i*max_transfer, min(A + N, A + (i+1)*max_transfer)), issued one after the other on the one master
// engine; the operation completes when the last one does, or fails at the first request that ends other than Ok (the
// rest are not issued). The checks (BME, 32-bit reach of the whole range, 2^64 wrap) run once, before the first
// request, so a refused operation moves no byte. One operation at a time: TX and RX share the queue in arrival order.
#pragma once

#include <cstdint>
#include <string>

#include "model/nic/nic_context.h"
#include "model/pci/master_engine.h"

namespace sc_core {
class sc_trace_file;
}

namespace nicsim::nic {

/// What the DMA engine drives: the device's PciMasterEngine in the model, a fake in unit tests.
class DmaPort {
  public:
    virtual ~DmaPort() = default;
    virtual bool busy() const = 0;
    /// Start one request; completion comes back through DmaEngine::master_done.
    virtual void start(const pci::MasterRequest& rq) = 0;
};

/// The context's PciMasterEngine as a DmaPort.
class MasterEnginePort : public DmaPort {
  public:
    explicit MasterEnginePort(NicContext& ctx) : m_ctx(ctx) {}
    bool busy() const override;
    void start(const pci::MasterRequest& rq) override;

  private:
    NicContext& m_ctx;
};

enum class DmaKind : uint8_t { DescFetch, DescWriteBack, BufRead, BufWrite };
const char* dma_kind_name(DmaKind kind);

enum class DmaResult : uint8_t {
    Ok,
    Disabled,     ///< Bus Master Enable clear: nothing moved
    Address32,    ///< a byte of the range at or above 4 GiB on a 32-bit device: nothing moved
    AddressWrap,  ///< the range wraps past 2^64: nothing moved
    BusError,     ///< a master request ended with a status other than Ok (master/target abort, retry, parity)
    Flushed,      ///< dropped by reset()
};

struct DmaOp;

/// Whoever queued an operation gets its completion.
class DmaClient {
  public:
    virtual ~DmaClient() = default;
    virtual void dma_done(const DmaOp& op, DmaResult result) = 0;
};

/// One operation. `data` belongs to the client until dma_done.
struct DmaOp {
    DmaKind kind = DmaKind::BufRead;
    uint64_t addr = 0;
    uint8_t* data = nullptr;
    uint32_t len = 0;
    DmaClient* client = nullptr;
    uint64_t cookie = 0;  ///< the client's own tag
};

/// Counters of the DMA engine.
struct DmaStats {
    uint64_t ops = 0;
    uint64_t requests = 0;
    uint64_t read_bytes = 0;
    uint64_t write_bytes = 0;
    uint64_t errors = 0;
    uint64_t diagnostics = 0;        ///< diagnostics raised
    uint64_t max_request_bytes = 0;  ///< largest single master request issued
};

class DmaEngine {
  public:
    static constexpr unsigned kQueueDepth = 32;  // operations waiting (TX and RX each keep only a few in flight)

    DmaEngine(NicContext& ctx, DmaPort& port);

    /// Queue an operation; false (and a "nicsim/nic/dma-queue-full" diagnostic) when the queue is full.
    bool queue(const DmaOp& op) {
        if (m_count == kQueueDepth) {
            queue_full(op);
            return false;
        }
        m_ops[(m_head + m_count) % kQueueDepth] = op;
        ++m_count;
        ++m_stats.ops;
        if (m_traced) update_trace();
        return true;
    }
    bool busy() const { return m_count != 0; }
    /// True while tick() would start or finish something: an operation is queued and no request of it is running.
    bool has_work() const { return m_count != 0 && !m_in_flight && !m_port.busy(); }
    unsigned free_slots() const { return kQueueDepth - m_count; }
    /// Once per rising edge while busy(): starts the next request when the port is free.
    void tick();
    /// The port's completion of the request we started.
    void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done);
    /// Drops every operation (each client hears DmaResult::Flushed); an in-flight request is forgotten.
    void reset();
    const DmaStats& stats() const { return m_stats; }

    /// Traced DMA engine state (<prefix>.state; traces/filters/nic_dma_state.txt).
    enum class TraceState : uint8_t { Idle = 0, Queued = 1, Request = 2 };  // no op / head op waiting / request on bus
    /// Trace <prefix>.state, .op (0 none, 1 + DmaKind: traces/filters/nic_dma_op.txt), .addr and .len of the head
    /// operation, .req_addr and .req_len of the running master request, .depth (operations queued) and .requests.
    /// Call before sc_start; nullptr = off (nothing registered, nothing updated).
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix);

  private:
    void update_trace();  // refresh the traced values after a state change (only when traced)

    DmaResult check(const DmaOp& op) const;
    /// Reports and finishes the operation at the head that check() refused. Out of line, off tick()'s path.
    [[gnu::cold, gnu::noinline]] void refuse(const DmaOp& op, DmaResult r);
    // The diagnostics of queue() and master_done(), also out of line.
    [[gnu::cold, gnu::noinline]] void queue_full(const DmaOp& op);
    [[gnu::cold, gnu::noinline]] void bus_error(const DmaOp& op, const pci::MasterRequest& rq, pci::MasterStatus status,
                                                uint32_t bytes_done);
    // Inline in master_done(), where an operation usually completes: a call there cost more than the body.
    [[gnu::always_inline]] inline void finish(DmaResult result);
    uint32_t chunk_limit() const;

    NicContext& m_ctx;
    const NicParams& m_params;  // the context's (params() hands out the same object for the context's lifetime)
    DmaPort& m_port;
    DmaOp m_ops[kQueueDepth];
    unsigned m_head = 0;
    unsigned m_count = 0;
    uint32_t m_done = 0;        // bytes of the head operation already moved
    bool m_checked = false;     // the head operation passed check()
    bool m_in_flight = false;   // a master request of the head operation is running
    uint64_t m_generation = 0;  // tags requests so a completion after reset() is ignored
    DmaStats m_stats;

    struct TraceView {  // what trace() registers: written only when m_traced
        uint8_t state = 0;
        uint8_t op = 0;
        uint64_t addr = 0;
        uint32_t len = 0;
        uint64_t req_addr = 0;
        uint32_t req_len = 0;
        uint32_t depth = 0;
        uint32_t requests = 0;
    };
    bool m_traced = false;
    TraceView m_tv;
};

}  // namespace nicsim::nic
