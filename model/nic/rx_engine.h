// The NIC's receive engine: frames that passed the MAC are address-filtered (RAL/RAH, MTA, BAM, UPE/MPE) into the RX
// packet FIFO, then written into host buffers through the RX descriptor ring (buffer size per RCTL.BSIZE/BSEX, frames
// spanning several descriptors, SECRC), with status write-back, RXT0/RXDMT0 causes and overrun (RXO, MPC) when the
// FIFO is full.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/nic/data_path.h"
#include "model/nic/descriptor_cache.h"
#include "model/nic/dma_engine.h"
#include "model/nic/rx_filter.h"
#include "model/nic/vlan.h"
#include "model/nic/work_cache.h"

namespace nicsim::nic {

class RxEngine : public DescCacheOwner, public DmaClient {
  public:
    static constexpr unsigned kFifoSlots = 64;  // frames the RX packet FIFO can hold (besides its byte size)

    RxEngine(NicContext& ctx, DmaEngine& dma, DataPathStats& stats);

    void reset();
    /// RX ring registers, RCTL.
    void register_written(uint32_t offset, uint32_t value);
    /// A frame that passed the MAC's FCS and size checks, or (`crc_error`, RCTL.SBP) one with a bad FCS to store.
    void receive(const Frame& frame, bool crc_error = false);
    bool busy() const;
    void tick();
    /// True while tick() would change something: busy() without the wait for a DMA completion. Kept until the
    /// engine or its cache changes.
    bool has_work() const {
        return m_work.get(
            m_cache.control(), [this] { return compute_work(); }, "receive");
    }

    /// The kept has_work() answer is absent or still right (tests: a change that did not forget it shows here).
    bool work_answer_current() const {
        return m_work.current(m_cache.control(), [this] { return compute_work(); });
    }

    void descriptors_written_back(unsigned count, unsigned reported, bool immediate) override;
    void dma_done(const DmaOp& op, DmaResult result) override;

    const DescriptorCache& cache() const { return m_cache; }
    uint32_t fifo_bytes() const { return m_fifo_bytes; }
    unsigned fifo_frames() const { return m_fifo_count; }

    /// Traced receive state (<prefix>.state; traces/filters/nic_rx_state.txt).
    enum class TraceState : uint8_t { Idle = 0, WaitDesc = 1, Writing = 2 };  // FIFO empty / frame waits / buffer DMA
    /// Trace the engine under <prefix>: .state, .offset (bytes of the head frame in host memory), .fifo_frames,
    /// .fifo_bytes; and its descriptor cache under <cache_prefix> (DescriptorCache::trace). An empty prefix skips
    /// that part. nullptr = off.
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix, const std::string& cache_prefix);

  private:
    void update_trace() {  // only when m_traced
        m_trace_state = static_cast<uint8_t>(m_writing           ? TraceState::Writing
                                             : m_fifo_count != 0 ? TraceState::WaitDesc
                                                                 : TraceState::Idle);
    }
    struct FifoFrame {
        std::vector<uint8_t> bytes;  // capacity kept between frames
        uint32_t len = 0;            // bytes to deliver (after SECRC)
        uint32_t wire_len = 0;       // bytes as counted by GORC (with FCS)
        bool inexact = false;        // passed the multicast hash (PIF)
        uint8_t eop_status = 0;      // checksum status bits for the last descriptor (IXSM or IPCS/TCPCS)
        uint8_t eop_errors = 0;      // checksum errors for the last descriptor (IPE/TCPE)
        uint16_t csum = 0;           // packet checksum from RXCSUM.PCSS
        uint16_t special = 0;        // the stripped tag's TCI (with RxDesc::kStaVp in eop_status)
        bool good = true;            // no receive error: counted in GPRC and the size bins
    };

    bool idle() const { return !m_writing && m_fifo_count == 0; }
    bool compute_work() const;
    bool vlan_accepted(const VlanTag& tag, uint32_t rctl) const;
    void set_checksums(FifoFrame& f, const uint8_t* frame, size_t plain, size_t stored_plain);
    void start_descriptor();
    void finish_frame(bool delivered);
    void write_status(uint16_t length, uint8_t status, uint8_t errors, uint16_t csum = 0, uint16_t special = 0);
    void diag(const char* what, const std::string& detail);

    NicContext& m_ctx;
    const NicParams& m_params;  // the context's (params() hands out the same object for the context's lifetime)
    DmaEngine& m_dma;
    DataPathStats& m_stats;
    RxFilter m_filter;
    WorkCache m_work;  // has_work(); before m_cache, which forgets it on its own changes (a DMA completion)
    DescriptorCache m_cache;
    uint64_t m_generation = 0;

    std::vector<FifoFrame> m_fifo;
    unsigned m_fifo_head = 0;
    unsigned m_fifo_count = 0;
    uint32_t m_fifo_bytes = 0;

    bool m_writing = false;  // a buffer write of the head frame is running
    uint32_t m_offset = 0;   // bytes of the head frame already in host memory
    uint32_t m_chunk = 0;    // bytes of the running buffer write
    bool m_dmt_low = false;  // RXDMT0 raised, not re-armed yet

    bool m_traced = false;
    uint8_t m_trace_state = 0;  // TraceState, refreshed after each step only when m_traced
};

}  // namespace nicsim::nic
