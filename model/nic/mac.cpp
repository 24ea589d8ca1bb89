#include "model/nic/mac.h"

#include <algorithm>

#include <systemc>

namespace nicsim::nic {

namespace {

unsigned valid_mbps(unsigned mbps) {
    return (mbps == 10 || mbps == 100 || mbps == 1000) ? mbps : 1000;
}

}  // namespace

/// The traced values, and the event that ends .tx when the last bit of a frame has left.
struct Mac::TraceView {
    bool tx = false;
    bool link_up = false;
    uint32_t tx_len = 0;
    uint32_t tx_frames = 0;
    uint32_t rx_len = 0;
    uint32_t rx_frames = 0;
    sc_core::sc_event tx_end;
};

Mac::~Mac() = default;

void Mac::trace(sc_core::sc_trace_file* tf, const std::string& prefix) {
    if (!tf || m_trace) return;
    m_trace = std::make_unique<TraceView>();
    TraceView* tv = m_trace.get();
    tv->link_up = m_link_up;
    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.dont_initialize();
    opts.set_sensitivity(&tv->tx_end);
    sc_core::sc_spawn([tv] { tv->tx = false; }, sc_core::sc_gen_unique_name("mac_trace_tx_end"), &opts);
    sc_core::sc_trace(tf, tv->tx, prefix + ".tx");
    sc_core::sc_trace(tf, tv->tx_len, prefix + ".tx_len");
    sc_core::sc_trace(tf, tv->tx_frames, prefix + ".tx_frames");
    sc_core::sc_trace(tf, tv->rx_len, prefix + ".rx_len");
    sc_core::sc_trace(tf, tv->rx_frames, prefix + ".rx_frames");
    sc_core::sc_trace(tf, tv->link_up, prefix + ".link_up");
}

Mac::Mac(WireSink& sink, unsigned link_mbps, bool link_up)
    : m_sink(sink), m_mbps(valid_mbps(link_mbps)), m_link_up(link_up) {
    m_tx_frame.bytes.reserve(kMaxFrameBytes + kFcsBytes);
    m_tx_frame.fcs_included = true;
}

void Mac::reset() {
    m_tx_free_ns = 0;
    m_loopback = false;
}

void Mac::set_link_up(bool up) {
    m_link_up = up;
    if (m_trace) m_trace->link_up = up;
}

void Mac::set_link_mbps(unsigned link_mbps) {
    m_mbps = valid_mbps(link_mbps);
}

bool Mac::accepts(size_t len, uint64_t now_ns) {
    if (tx_ready(now_ns) && len != 0 && len <= kMaxFrameBytes) return true;
    ++m_stats.tx_refused;
    return false;
}

// Room for the padding and the FCS: the sinks swap storage in (transmit_swap), so each buffer circulating between
// the TX FIFO, the MAC and the wire grows only until it has held the largest frame.
void Mac::make_room(size_t len) {
    m_tx_frame.bytes.reserve(std::max<size_t>(len, kMinFrameBytes) + kFcsBytes);
}

// Inlined into both transmits: a call per frame saved.
[[gnu::always_inline]] inline uint64_t Mac::send(bool insert_fcs, bool pad, uint64_t now_ns) {
    std::vector<uint8_t>& b = m_tx_frame.bytes;
    if (pad && b.size() < kMinFrameBytes) {
        b.resize(kMinFrameBytes, 0);
        ++m_stats.tx_padded;
    }
    if (insert_fcs) append_fcs(b);
    // Without IFCS the last four bytes the driver supplied go out as the FCS (right or wrong).
    m_tx_frame.fcs_included = true;
    m_tx_frame.time_ns = now_ns;
    const uint64_t end = now_ns + wire_duration_ns(b.size(), m_mbps);
    m_tx_free_ns = end + kIfgBytes * ns_per_byte(m_mbps);
    ++m_stats.tx_frames;
    m_stats.tx_bytes += b.size();
    if (m_trace) {
        m_trace->tx = true;
        m_trace->tx_len = static_cast<uint32_t>(b.size());
        ++m_trace->tx_frames;
        m_trace->tx_end.notify(sc_core::sc_time(static_cast<double>(end - now_ns), sc_core::SC_NS));
    }
    m_sink.transmit_swap(m_tx_frame);
    return end;
}

uint64_t Mac::transmit(const uint8_t* data, size_t len, bool insert_fcs, bool pad, uint64_t now_ns) {
    if (!accepts(len, now_ns)) return 0;
    make_room(len);
    m_tx_frame.bytes.assign(data, data + len);
    return send(insert_fcs, pad, now_ns);
}

uint64_t Mac::transmit_swap(std::vector<uint8_t>& frame, size_t len, bool insert_fcs, bool pad, uint64_t now_ns) {
    if (!accepts(len, now_ns)) return 0;
    m_tx_frame.bytes.swap(frame);
    m_tx_frame.bytes.resize(len);
    make_room(len);
    return send(insert_fcs, pad, now_ns);
}

bool Mac::receive(const Frame& frame, unsigned max_bytes, bool store_bad, bool looped) {
    const RxVerdict v = check_receive(frame, max_bytes, store_bad, looped);
    if (v == RxVerdict::kBadStored) {
        if (m_rx_bad) m_rx_bad(frame);
    } else if (v == RxVerdict::kGood && m_rx) {
        m_rx(frame);
    }
    return passed(v);
}

Mac::RxVerdict Mac::check_receive(const Frame& frame, unsigned max_bytes, bool store_bad, bool looped) {
    if (!m_link_up && !looped) {
        ++m_stats.rx_link_down;
        return RxVerdict::kLinkDown;
    }
    const size_t len = frame.bytes.size();
    const bool bad_fcs = frame.fcs_included && !fcs_ok(frame.bytes.data(), len);
    if (bad_fcs) {
        ++m_stats.rx_bad_fcs;
        if (!store_bad || len < kMinFrameBytes + kFcsBytes || len > max_bytes + kFcsBytes) return RxVerdict::kBadFcs;
    }
    if (len < kMinFrameBytes + (frame.fcs_included ? kFcsBytes : 0u)) {
        ++m_stats.rx_undersize;
        return RxVerdict::kUndersize;
    }
    if (len > max_bytes + (frame.fcs_included ? kFcsBytes : 0u)) {
        ++m_stats.rx_oversize;
        return RxVerdict::kOversize;
    }
    ++m_stats.rx_frames;
    m_stats.rx_bytes += len;
    if (m_trace) {
        m_trace->rx_len = static_cast<uint32_t>(len);
        ++m_trace->rx_frames;
    }
    return bad_fcs ? RxVerdict::kBadStored : RxVerdict::kGood;
}

}  // namespace nicsim::nic
