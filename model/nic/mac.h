// The Ethernet MAC of the NIC: transmit timing at 10/100/1000 Mb/s (preamble+SFD, frame, FCS, inter-frame gap),
// FCS generation (TDESC.CMD.IFCS) and short-frame padding (TCTL.PSP) on transmit; FCS check on receive; link state.
// Plain C++ driven by the data path's clocked method: every call carries the current simulated time, so the MAC costs
// nothing while idle and has no process of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/nic/nic_context.h"

namespace sc_core {
class sc_trace_file;
}

namespace nicsim::nic {

// Ethernet framing, FCS and wire time (model/net), as the MAC uses them.
using net::append_fcs;
using net::ethernet_crc32;
using net::fcs_ok;
using net::kFcsBytes;
using net::kIfgBytes;
using net::kMinFrameBytes;
using net::kPreambleSfdBytes;
using net::ns_per_byte;
using net::wire_duration_ns;

constexpr unsigned kMaxFrameBytes = 16384;  ///< longest frame the MAC transmits or accepts with RCTL.LPE (jumbo)
/// Longest frame accepted with RCTL.LPE clear, FCS excluded: 1522 bytes with FCS, room for an 802.1Q tag (8254x
/// manual, RCTL.LPE in section 13.4.22 and ROC in section 13.7); longer ones are dropped and counted in ROC.
constexpr unsigned kMaxStdFrameBytes = 1518;

/// MAC counters (the data path maps them to statistics registers).
struct MacStats {
    uint64_t tx_frames = 0;
    uint64_t tx_bytes = 0;    ///< frame bytes as on the wire, FCS included, without preamble
    uint64_t tx_padded = 0;   ///< frames padded to 60 bytes by PSP
    uint64_t tx_refused = 0;  ///< transmit() while not ready, link down, or longer than kMaxFrameBytes
    uint64_t rx_frames = 0;   ///< frames passed to the receive callback
    uint64_t rx_bytes = 0;
    uint64_t rx_bad_fcs = 0;    ///< dropped: FCS mismatch (CRCERRS)
    uint64_t rx_undersize = 0;  ///< dropped: shorter than 64 bytes with FCS (RUC)
    uint64_t rx_oversize = 0;   ///< dropped: longer than the limit receive() was given (ROC)
    uint64_t rx_link_down = 0;  ///< dropped: arrived while the link was down
};

class Mac {
  public:
    using RxCallback = std::function<void(const Frame&)>;

    /// `sink` gets every transmitted frame; `link_mbps` is 10, 100 or 1000 (anything else is treated as 1000).
    Mac(WireSink& sink, unsigned link_mbps = 1000, bool link_up = true);
    ~Mac();
    Mac(const Mac&) = delete;
    Mac& operator=(const Mac&) = delete;

    /// Back to power-on: transmitter idle, counters kept (they belong to the data path's statistics).
    void reset();
    void set_link_mbps(unsigned link_mbps);
    unsigned link_mbps() const { return m_mbps; }
    void set_link_up(bool up);
    bool link_up() const { return m_link_up; }

    /// True when a new frame may start at `now_ns`: link up and the previous frame plus its IFG is over.
    bool tx_ready(uint64_t now_ns) const { return tx_path_up() && now_ns >= m_tx_free_ns; }
    /// Earliest time the next frame may start (end of the last frame + IFG).
    uint64_t tx_free_at_ns() const { return m_tx_free_ns; }

    /// Send `len` bytes starting at `now_ns`: pads to 60 bytes when `pad` (TCTL.PSP), appends the FCS when
    /// `insert_fcs` (IFCS; otherwise the last 4 bytes go out as the FCS), hands the frame to the sink with its
    /// start time. Returns the time its last bit leaves the MAC, or 0 when refused (not ready, link down, too long).
    uint64_t transmit(const uint8_t* data, size_t len, bool insert_fcs, bool pad, uint64_t now_ns);
    /// The same for the first `len` bytes of `frame`, taking its storage instead of copying it: `frame` then holds
    /// storage of the MAC's, contents unspecified (untouched when refused).
    uint64_t transmit_swap(std::vector<uint8_t>& frame, size_t len, bool insert_fcs, bool pad, uint64_t now_ns);

    /// Receive side: the callback gets every frame that passed the FCS and size checks (`fcs_included` kept so the
    /// data path can strip it per RCTL.SECRC).
    void set_rx_callback(RxCallback cb) { m_rx = std::move(cb); }
    /// Frames with a bad FCS that receive() was asked to store (RCTL.SBP) go here instead.
    void set_rx_bad_callback(RxCallback cb) { m_rx_bad = std::move(cb); }
    /// A frame from the wire. Frames with `fcs_included` are FCS-checked; bad ones are counted and dropped (or, with
    /// `store_bad`, counted and passed to the bad-frame callback), and so are frames longer than `max_bytes` (FCS
    /// excluded). `looped` frames come from the MAC's own transmitter (loopback) and do not need the link.
    /// Returns true when the frame was passed on.
    bool receive(const Frame& frame, unsigned max_bytes = kMaxFrameBytes, bool store_bad = false, bool looped = false);
    /// What receive() decides for a frame, and why it drops one.
    enum class RxVerdict : uint8_t { kGood, kBadStored, kLinkDown, kBadFcs, kUndersize, kOversize };
    /// receive()'s checks and counts without the callbacks: the data path hands a frame passed on (kGood, or
    /// kBadStored for the bad-frame callback) to its receiver itself, with no std::function call per frame.
    RxVerdict check_receive(const Frame& frame, unsigned max_bytes, bool store_bad, bool looped);
    static bool passed(RxVerdict v) { return v == RxVerdict::kGood || v == RxVerdict::kBadStored; }
    /// MAC loopback (RCTL.LBM = 01): the transmitter runs whatever the link, and the data path turns its frames
    /// back to the receiver.
    void set_loopback(bool on) { m_loopback = on; }
    bool loopback() const { return m_loopback; }
    /// The transmitter may send: the link is up, or the MAC loops back.
    bool tx_path_up() const { return m_link_up || m_loopback; }

    const MacStats& stats() const { return m_stats; }

    /// Trace the MAC under <prefix>: .tx (a frame is on the wire: first bit to last bit, without the IFG), .tx_len
    /// (its bytes with FCS and padding), .tx_frames, .rx_len (the last frame received), .rx_frames, .link_up. Call
    /// before sc_start; spawns one method that ends .tx on time. nullptr = off (nothing registered or spawned).
    void trace(sc_core::sc_trace_file* tf, const std::string& prefix);

  private:
    struct TraceView;
    bool accepts(size_t len, uint64_t now_ns);  // ready, and a length it sends; else counted as refused
    void make_room(size_t len);
    uint64_t send(bool insert_fcs, bool pad, uint64_t now_ns);  // m_tx_frame's bytes onto the sink
    WireSink& m_sink;
    unsigned m_mbps;
    bool m_link_up;
    bool m_loopback = false;
    uint64_t m_tx_free_ns = 0;
    Frame m_tx_frame;  ///< reused buffer: no per-frame allocation once it has grown
    RxCallback m_rx;
    RxCallback m_rx_bad;
    MacStats m_stats;
    std::unique_ptr<TraceView> m_trace;  // only when traced
};

}  // namespace nicsim::nic
