// The Ethernet wire between two endpoints, full duplex: a frame transmitted at one end is delivered to the other end's
// receiver when its last bit arrives (start + preamble/SFD + frame + FCS at the link speed). Frames in one direction
// never overlap: one that asks to start before the previous frame and its inter-frame gap are over starts right after
// them instead (counted as delayed); nothing is dropped silently. Endpoints: a NIC (its MAC transmits into end_a()/
// end_b() and its receive() is the receiver), a PcapSource (frames at their pcap timestamps or back to back) and a
// PcapSink (everything the other end transmitted goes to a pcap file). The wire has one SC_METHOD per direction,
// woken only when a frame is due: an idle wire costs nothing. Frames that reach both ends at the same instant are
// delivered (and recorded by the tap) A to B first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "model/common/sim_now.h"
#include "model/net/ethernet.h"
#include "model/wire/pcap_file.h"

namespace nicsim::wire {

using Receiver = std::function<void(const net::Frame&)>;
using LinkCallback = std::function<void(bool up)>;

/// A transmitter at end B that knows ahead when it sends its next frame (a peer pacing its traffic): instead of a
/// kernel event of its own per frame, it transmits each frame when someone looks, as at the frame's own time
/// (Wire::transmit_b_at), and the wire sets the frame's delivery event ahead from next_frame().
class PacedSource {
  public:
    /// Transmit every frame due by now: sent before now, or at now unless the kernel paused there (after sc_start(t)
    /// returned, what is due at t has not happened yet).
    virtual void send_due() = 0;
    /// The next frame not transmitted yet and when it will be (time resolution units); null: none.
    virtual const net::Frame* next_frame(uint64_t& at_ticks) = 0;

  protected:
    ~PacedSource() = default;
};

/// Furthest ahead a frame may be scheduled (1 hour): beyond it, sc_time could overflow, so the frame goes out now
/// (wire: "nicsim/wire/far-future") or right after the previous one (pcap source: "nicsim/wire/pcap-gap").
constexpr uint64_t kMaxScheduleAheadNs = 3'600'000'000'000ull;

/// Per-direction counters.
struct WireStats {
    uint64_t frames = 0;       ///< frames delivered to the receiver (or to the tap when no receiver is connected)
    uint64_t bytes = 0;        ///< their bytes as carried (FCS included when the frame has it)
    uint64_t delayed = 0;      ///< frames that asked to start while the previous one (or its IFG) was on the wire
    uint64_t late = 0;         ///< frames whose start time was already in the past when transmitted
    uint64_t far_future = 0;   ///< frames asking to start more than kMaxScheduleAheadNs ahead (sent at once)
    uint64_t undelivered = 0;  ///< frames that arrived at an end with no receiver and no tap (warned once)
    uint64_t link_down = 0;    ///< frames lost to a link down: in flight when it went down, or transmitted while down
    uint64_t max_queued = 0;   ///< deepest queue of frames in flight
};

class Wire : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Wire);
    /// `link_mbps`: 10, 100 or 1000 (anything else is an error report and 1000 is used).
    Wire(sc_core::sc_module_name name, unsigned link_mbps = 1000);
    ~Wire() override;

    /// Where end A (resp. B) transmits: frames go to the receiver connected at the other end.
    net::WireSink& end_a() { return m_dir[0]; }
    net::WireSink& end_b() { return m_dir[1]; }
    /// What end A (resp. B) receives (frames transmitted at the other end).
    void connect_a(Receiver rx) { m_dir[1].rx = std::move(rx); }
    void connect_b(Receiver rx) { m_dir[0].rx = std::move(rx); }
    /// As connect_b, for a receiver that only records what arrives (a peer's checker): its frames are handed over
    /// when someone looks instead of by a kernel event per frame. Whoever reads what the receiver or stats() record
    /// calls settle() first (stats() does), and a frame delivered to end A or a link change settles too, so every
    /// look sees what connect_b's events would have delivered by then, in the same order (the tap's too). A traced
    /// wire (trace()) delivers by events as connect_b does. No pending event keeps the simulation from running out
    /// of events while frames are on their way to end B: something else must keep it going (the run's watch does).
    void connect_b_on_demand(Receiver rx) {
        connect_b(std::move(rx));
        m_dir[0].on_demand = true;
    }
    /// Hand end B's on-demand receiver every frame connect_b would have delivered by now, and take end B's paced
    /// source's frames due by now.
    void settle() {
        if (m_source) m_source->send_due();
        if (m_dir[0].due_at <= sim_now().value()) settle_b();
    }
    /// End B's transmitter sends through transmit_b_at() when someone looks (settle(), stats(), a link change, the
    /// delivery of a frame to end A). Whoever reads what the source records (its counts, what it expects) makes it
    /// catch up first. Not for a traced wire (its carrier changes at each frame's start).
    void set_paced_source_b(PacedSource* source) { m_source = source; }
    /// As end_b().transmit_swap(frame), as if at `at_ticks` (time resolution units, not after now): for a
    /// PacedSource catching up.
    void transmit_b_at(net::Frame& frame, uint64_t at_ticks);
    bool traced() const { return m_traced; }
    /// Told when the cable is plugged or pulled (e.g. a NIC's set_link()), end A resp. B.
    void on_link_change_a(LinkCallback cb) { m_link_cb[0] = std::move(cb); }
    void on_link_change_b(LinkCallback cb) { m_link_cb[1] = std::move(cb); }
    /// Plug (true) or pull (false) the cable: both ends are told; frames in flight and frames transmitted while
    /// down are lost and counted (stats().link_down), each change is an SC_INFO report "nicsim/wire/link".
    void set_link_up(bool up);
    bool link_up() const { return m_link_up; }
    /// Record every delivered frame in both directions (stamped with its start time) into `tap`; nullptr = off.
    void set_tap(PcapWriter* tap, bool strip_fcs = true) {
        m_tap = tap;
        m_tap_strip_fcs = strip_fcs;
    }

    /// Waveforms: per direction "<name>.a_to_b.carrier" (high while a frame's bits are on the wire), ".len" (its
    /// length, 0 when idle) and ".frames" (frames delivered). Call during elaboration; `tf` nullptr = tracing off.
    void trace(sc_core::sc_trace_file* tf);

    unsigned link_mbps() const { return m_mbps; }
    /// A frame's time on the wire without IFG (an FCS is counted whether or not the frame carries it).
    uint64_t duration_ns(const net::Frame& f) const {
        return (net::kPreambleSfdBytes + f.bytes.size() + (f.fcs_included ? 0u : net::kFcsBytes)) * m_ns_per_byte;
    }
    /// Counters of frames transmitted at end A (`a_to_b` true) or at end B (settled first).
    const WireStats& stats(bool a_to_b) {
        settle();
        return m_dir[a_to_b ? 0 : 1].stats;
    }

  private:
    static constexpr uint64_t kNever = UINT64_MAX;
    struct InFlight {
        net::Frame frame;
        uint64_t end_ns = 0;
    };
    /// One direction: a WireSink for the transmitting end, a reusable ring of frames in flight, the receiver.
    struct Direction : net::WireSink {
        Wire* wire = nullptr;
        const char* label = "";
        Receiver rx;
        std::vector<InFlight> ring;  ///< slots keep their buffers: no allocation once the ring has grown
        size_t mask = 0;             ///< ring.size() - 1: the size is a power of two, a position a mask away
        size_t head = 0;
        size_t count = 0;
        size_t started = 0;    ///< frames from the head whose first bit is on the wire (traced runs only)
        uint64_t free_ns = 0;  ///< earliest start of the next frame (end of the last one + IFG)
        bool warned_undelivered = false;
        WireStats stats;
        bool carrier = false;      ///< traced: a frame is on the wire
        uint32_t on_wire_len = 0;  ///< traced: its length
        uint32_t delivered = 0;    ///< traced: frames delivered so far
        sc_core::sc_event due;     ///< the head frame's last bit arrives
        // connect_b_on_demand: no `due` event; due_at is when it would fire (time resolution units; kNever: none),
        // kept by sc_event's rule (a notification later than the pending one is ignored, an earlier one replaces it).
        bool on_demand = false;
        uint64_t due_at = kNever;
        /// `due` in `delay_ns` from `now_ticks` (the current time unless settling, or `at_now` false: a paced source
        /// transmitting as at an earlier time, whose frame due by now is delivered by the event set ahead for it).
        void notify_due(uint64_t now_ticks, uint64_t delay_ns, bool at_now = true);
        /// A frame's start and end (ns) if placed at `now_ticks`, by place()'s rules (the counters aside).
        void timing(const net::Frame& frame, uint64_t now_ticks, uint64_t& start, uint64_t& end) const;
        /// The frame `i` places after the head.
        InFlight& at(size_t i) { return ring[(head + i) & mask]; }
        sc_core::sc_event starts;  ///< the next frame's first bit goes out
        void transmit(const net::Frame& frame) override;
        void transmit_swap(net::Frame& frame) override;  ///< the slot takes the frame's storage, gives back its own
        /// The frame's slot, all but its bytes (null: link down), placed at `now_ticks` (see notify_due()).
        InFlight* place(const net::Frame& frame, uint64_t now_ticks, bool at_now = true);
        [[gnu::cold, gnu::noinline]] void grow();                         // place()'s, when the ring is full
        [[gnu::cold, gnu::noinline]] void far_future(uint64_t asked_ns);  // transmit()'s warning, off its path
        void deliver();
        /// The frames whose last bit has arrived by `now_ticks` (time resolution units; the current time unless
        /// settling).
        void deliver_due(uint64_t now_ticks);
        void start();
    };
    Direction m_dir[2];
    LinkCallback m_link_cb[2];
    bool m_link_up = true;
    unsigned m_mbps;
    uint64_t m_ns_per_byte = 0;  // net::ns_per_byte(m_mbps), asked twice per frame
    PcapWriter* m_tap = nullptr;
    bool m_tap_strip_fcs = true;
    // The carrier is seen only in a trace: without one no process marks the frames' starts (an untraced run's
    // results do not depend on it, and each start costs a process activation).
    bool m_traced = false;
    std::vector<uint8_t> m_tap_buf;

    /// settle()'s work: end B's due frames, as its `due` event would have delivered them.
    [[gnu::noinline]] void settle_b();
    /// With nothing in flight to end A, the delivery event of the paced source's next frame.
    void arm_source(uint64_t now_ticks);
    PacedSource* m_source = nullptr;
    void deliver_a_to_b() { m_dir[0].deliver(); }
    void deliver_b_to_a() { m_dir[1].deliver(); }
    void start_a_to_b() { m_dir[0].start(); }
    void start_b_to_a() { m_dir[1].start(); }
};

/// Frames from a pcap file transmitted into a wire end: at their timestamps (relative to the first record, shifted
/// by `start_ns`) or back to back (each as soon as the previous one and its IFG are over). Short frames are padded
/// to 60 bytes and an FCS is appended, as a real station would send them. A file error is an SC_REPORT_ERROR
/// "nicsim/wire/pcap" naming the file and the problem; the source then stops.
class PcapSource : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(PcapSource);
    PcapSource(sc_core::sc_module_name name, const std::string& path, net::WireSink& target, unsigned link_mbps = 1000,
               bool back_to_back = false, uint64_t start_ns = 0);

    uint64_t sent() const { return m_sent; }
    uint64_t truncated() const { return m_truncated; }  ///< records with caplen < original length (sent as captured)
    uint64_t gaps() const { return m_gaps; }  ///< timestamp gaps above kMaxScheduleAheadNs (sent back to back)
    bool failed() const { return !m_reader.error().empty(); }
    bool done() const { return m_done; }

  private:
    void inject();
    bool load_next();
    PcapReader m_reader;
    PcapRecord m_rec;
    net::Frame m_frame;
    net::WireSink& m_target;
    unsigned m_mbps;
    bool m_b2b;
    uint64_t m_start_ns;
    uint64_t m_first_ts = 0;
    bool m_have_first = false;
    uint64_t m_next_ns = 0;
    uint64_t m_sent = 0;
    uint64_t m_truncated = 0;
    uint64_t m_gaps = 0;
    bool m_done = false;
    sc_core::sc_event m_wake;
};

/// A receiver that writes every frame it gets to a pcap file (FCS stripped by default, stamped with the start time).
class PcapSink {
  public:
    /// Opens the file; an unwritable path is an SC_REPORT_ERROR "nicsim/wire/pcap" and the sink stays closed.
    explicit PcapSink(const std::string& path, bool strip_fcs = true);
    Receiver receiver() {
        return [this](const net::Frame& f) { write(f); };
    }
    void write(const net::Frame& f);
    /// Finish the file (rename into place). Also done by the destructor.
    bool close() { return m_writer.close(); }
    uint64_t written() const { return m_writer.records(); }
    const PcapWriter& writer() const { return m_writer; }

  private:
    PcapWriter m_writer;
    bool m_strip_fcs;
};

/// Write one frame to a pcap writer, without its FCS when `strip_fcs` and the frame carries one.
bool write_frame(PcapWriter& w, const net::Frame& f, bool strip_fcs);

}  // namespace nicsim::wire
