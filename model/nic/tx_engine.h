// The NIC's transmit engine: walks the TX descriptor ring through its DescriptorCache, gathers the buffers of a frame
// (legacy descriptors, or context + data descriptors with DEXT) over the DMA engine, applies the offloads (legacy
// IC/CSO/CSS, context IXSM/TXSM, TSO segmentation), queues the frames in the TX packet FIFO and hands them to the
// MAC when its wire is free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/nic/data_path.h"
#include "model/nic/descriptor_cache.h"
#include "model/nic/dma_engine.h"
#include "model/nic/mac.h"
#include "model/nic/offload.h"
#include "model/nic/vlan.h"
#include "model/nic/work_cache.h"

namespace nicsim::nic {

class TxEngine : public DescCacheOwner, public DmaClient {
  public:
    static constexpr unsigned kFifoSlots = 64;                     // frames the TX packet FIFO can queue
    static constexpr uint32_t kMaxGatherBytes = 256 * 1024 + 256;  // largest TSO super-frame gathered (header+payload)

    TxEngine(NicContext& ctx, DmaEngine& dma, Mac& mac, DataPathStats& stats);

    void reset();
    /// TX ring registers and TCTL.
    void register_written(uint32_t offset, uint32_t value);
    bool busy() const;
    /// Busy only because the frame at the FIFO head waits for the MAC (the wire still carries the previous frame):
    /// nothing changes before Mac::tx_free_at_ns(), so the clock need not be evaluated until then.
    bool waiting_for_wire(uint64_t now_ns) const;
    void tick();
    /// True while tick() would change something at `now_ns`: busy() without the waits for a DMA completion or for
    /// the wire (the loosely-timed back-end sleeps through those; next_wire_ns() says when the wire is free).
    bool has_work(uint64_t now_ns) const { return wire_ready(now_ns) || engine_work(); }
    /// The kept part of has_work() is absent or still right (tests: a change that did not forget it shows here).
    bool work_answer_current() const {
        return m_work.current(m_cache.control(), [this] { return compute_engine_work(); });
    }
    /// Frames wait in the TX FIFO for the wire.
    bool fifo_waiting() const { return m_fifo_count != 0; }
    /// When a frame in the TX FIFO waits for the wire: the MAC's free time; otherwise ~0 (nothing timed).
    uint64_t next_wire_ns() const {
        return m_fifo_count != 0 && m_mac.link_up() ? m_mac.tx_free_at_ns() : ~uint64_t(0);
    }

    void descriptors_written_back(unsigned count, unsigned reported, bool immediate) override;
    void dma_done(const DmaOp& op, DmaResult result) override;

    const DescriptorCache& cache() const { return m_cache; }
    /// Bytes waiting in the TX packet FIFO.
    uint32_t fifo_bytes() const { return m_fifo_bytes; }

    /// Trace the engine under <prefix>: .state (0 idle, 1 reading a buffer, 2 output to the FIFO stalled;
    /// traces/filters/nic_tx_state.txt), .frame_len (bytes gathered), .fifo_frames, .fifo_bytes; and its descriptor
    /// cache under <cache_prefix> (DescriptorCache::trace). An empty prefix skips that part. Call before sc_start;
    /// nullptr = off.
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix, const std::string& cache_prefix);

  private:
    enum class State : uint8_t { Idle = 0, Reading = 1, Output = 2 };  // traced as numbers

    /// The frame at the FIFO head can go to the wire now: the only part of has_work() that time alone changes.
    bool wire_ready(uint64_t now_ns) const { return m_fifo_count != 0 && m_mac.tx_ready(now_ns); }
    /// has_work() without wire_ready(), kept in m_work until the engine or its cache changes.
    bool engine_work() const {
        return m_work.get(
            m_cache.control(), [this] { return compute_engine_work(); }, "transmit");
    }
    bool compute_engine_work() const;

    bool enabled() const;
    bool idle() const { return m_state == State::Idle && m_cache.ready() == 0; }
    /// What a data descriptor asks for, legacy or extended.
    struct DataDesc {
        uint64_t addr = 0;
        uint32_t len = 0;
        bool eop = false, ifcs = false, rs = false, ide = false;
    };
    void process_descriptor();
    void take_context(const e1000::RawDesc& d);
    bool parse_extended(const e1000::RawDesc& d, DataDesc& dd);
    void parse_legacy(const e1000::RawDesc& d, DataDesc& dd);
    bool buffer_usable(const DataDesc& dd);
    void queue_read(const DataDesc& dd);
    void finish_descriptor(bool report, bool immediate);
    void end_frame();
    void push_output();
    bool push_fifo(const uint8_t* data, uint32_t len);
    void drain_fifo();
    void diag(const char* what, const std::string& detail);
    std::string where() const;  // "TX descriptor <n>" for diagnostics
    /// Bytes a frame of `len` gathered bytes takes in the FIFO (with the VLAN tag the MAC inserts).
    uint32_t out_bytes(uint32_t len) const { return len + (m_out_vlan ? kVlanTagBytes : 0u); }
    uint32_t next_out_len() const;

    NicContext& m_ctx;
    const NicParams& m_params;  // the context's (params() hands out the same object for the context's lifetime)
    DmaEngine& m_dma;
    Mac& m_mac;
    DataPathStats& m_stats;
    WorkCache m_work;  // engine_work(); before m_cache, which forgets it on its own changes (a DMA completion)
    DescriptorCache m_cache;
    State m_state = State::Idle;
    uint64_t m_generation = 0;  // cookie of buffer reads: completions from before reset() are ignored

    // The frame being gathered.
    std::vector<uint8_t> m_pkt;  // capacity kMaxGatherBytes, allocated once
    uint32_t m_pkt_len = 0;
    bool m_in_frame = false;  // a descriptor without EOP has been taken
    bool m_bad = false;       // frame will be dropped (bad buffer, DMA error, too long)
    bool m_extended = false;  // data descriptors (DEXT) rather than legacy
    bool m_ifcs = false;
    bool m_ic = false;  // legacy IC
    uint8_t m_cso = 0, m_css = 0;
    uint8_t m_popts = 0;  // extended: IXSM/TXSM of the first data descriptor
    bool m_tse = false;
    bool m_vle = false;      // VLE of the last descriptor of the frame
    uint16_t m_special = 0;  // its special field: the TCI to insert
    // The descriptor whose buffer is being read.
    uint32_t m_read_len = 0;
    bool m_read_eop = false;
    bool m_read_report = false;
    bool m_read_immediate = false;

    // The last context descriptor.
    ChecksumContext m_csum;
    TsoContext m_tso;
    uint32_t m_paylen = 0;

    // Frames produced by end_frame() and not yet in the FIFO (TSO: several segments).
    std::vector<std::vector<uint8_t>> m_segs;
    size_t m_seg_count = 0;
    size_t m_seg_next = 0;
    bool m_out_single = false;  // the output is m_pkt itself (no TSO)
    bool m_out_ifcs = false;
    bool m_out_vlan = false;  // CTRL.VME and VLE: the tag VET/m_out_tci goes in after the source address
    uint16_t m_out_tci = 0;
    uint16_t m_out_tpid = kVlanEtherType;

    // The TX packet FIFO: whole frames waiting for the MAC.
    struct FifoFrame {
        std::vector<uint8_t> bytes;  // capacity kept between frames
        uint32_t len = 0;
        bool ifcs = false;
    };
    std::vector<FifoFrame> m_fifo;
    unsigned m_fifo_head = 0;
    unsigned m_fifo_count = 0;
    uint32_t m_fifo_bytes = 0;
    bool m_queue_empty_raised = false;

    bool m_traced = false;
    uint8_t m_trace_state = 0;  // m_state as traced, refreshed after each step only when m_traced
};

inline uint64_t NicDataPath::next_deadline_ns() const {
    return m_tx->next_wire_ns();
}

}  // namespace nicsim::nic
