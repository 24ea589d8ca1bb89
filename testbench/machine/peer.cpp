#include "testbench/machine/peer.h"

#include <utility>

#include "model/common/sim_now.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {

constexpr uint32_t kFloodFrameBytes = 60;  // the shortest Ethernet frame without FCS

/// A send's time stamp in ns, as the double arithmetic of sc_time_stamp().to_seconds() gives it at that time: the
/// same products in the same order as sc_time::to_seconds() (ticks times the resolution in fs times 1e-15), inline
/// instead of a library call twice per frame.
uint64_t ns_at(uint64_t ticks) {
    // The resolution in fs is a power of ten no larger than 1e15, as is a second's ticks: the quotient is exact.
    static const double resolution_fs = 1e15 / static_cast<double>(sc_time(1, SC_SEC).value());
    return static_cast<uint64_t>(static_cast<double>(ticks) * resolution_fs * 1e-15 * 1e9);
}

}  // namespace

Peer::Peer(sc_module_name name, const RunConfig& cfg, wire::Wire& wire, MachineBase& dut)
    : sc_module(name),
      m_cfg(cfg),
      m_wire(wire),
      m_dut(dut),
      m_fault_run(cfg.fault.any()),
      m_whole_bit_ns(cfg.link_mbps && 1000 % cfg.link_mbps == 0 ? 1000 / cfg.link_mbps : 0) {
    // A method rather than a thread: it only sends a frame and sets its next time, so a thread's switch per frame
    // buys nothing.
    SC_METHOD(inject);
    m_tx_board.set_arrivals(this);
}

// The machine and the wire outlive the peer in SystemTop: they must not call back into it.
Peer::~Peer() {
    if (!m_paced) return;
    m_wire.set_paced_source_b(nullptr);
    m_dut.rx_board().set_arrivals(nullptr);
}

void Peer::receive(const net::Frame& frame) {
    const size_t fcs = frame.fcs_included && frame.bytes.size() >= 4 ? 4 : 0;
    m_tx_board.observe(frame.bytes.data(), frame.bytes.size() - fcs);
}

void Peer::inject() {
    if (!m_gen) {
        if (m_cfg.direction == Direction::Tx || m_cfg.packets == 0 || !m_cfg.pcap_in.empty()) {
            m_done = true;
            return;
        }
        if (!m_dut.driver_up()) {
            next_trigger(m_dut.driver_up_event());
            return;
        }
        m_gen = std::make_unique<TrafficGen>(m_cfg.seed, 0, m_cfg.size, m_dut.mac(), kPeerMac);
        if (paced()) {
            // From here on the wire and the readers take the frames; this method is not run again.
            m_paced = true;
            m_wire.set_paced_source_b(this);
            m_dut.rx_board().set_arrivals(this);
            m_next_at = send(sim_now().value());
            return;
        }
    }
    const uint64_t now = sim_now().value();
    uint64_t on_wire_ns = 0;
    if (!send_frame(now, on_wire_ns)) return;
    // A whole bit time gives the same time from integers (time_from_ns), without the double arithmetic.
    if (m_whole_bit_ns) {
        next_trigger(time_from_ns(on_wire_ns + 96 * m_whole_bit_ns));
        return;
    }
    const double bit_ns = 1000.0 / m_cfg.link_mbps;
    next_trigger(sc_time(static_cast<double>(on_wire_ns) + 96 * bit_ns, SC_NS));
}

// The wire is not traced (its carrier changes at each frame's start), the run starts in the fast mode, and the next
// send's time comes from integers. A detailed window keeps the paced sends: its pin-level clock then batches edges
// past a send's instant (a send changes nothing on the bus), which only the count of batched clocks shows.
bool Peer::paced() const {
    return m_cfg.bus_model == BusModel::Tlm && !m_wire.traced() && m_whole_bit_ns != 0;
}

void Peer::make_next() {
    // rx-flood: the first half are minimum-size frames back to back, the most frames per second the wire
    // carries (1.49 million at 1 Gb/s), more than the receive ring drains on a 32-bit bus or with transmit
    // traffic competing for the bus.
    const bool flood = m_cfg.fault.rx_flood && m_injected < m_cfg.packets / 2;
    if (flood)
        m_gen->next_into(kFloodFrameBytes, m_next.bytes);
    else
        m_gen->next_into(m_next.bytes);
    m_next.fcs_included = false;
    m_next_made = true;
}

bool Peer::send_frame(uint64_t at, uint64_t& on_wire_ns) {
    if (m_injected == m_cfg.packets) {  // the last frame's time on the wire is over
        m_done = true;
        return false;
    }
    if (!m_next_made) make_next();
    m_next_made = false;
    net::Frame& f = m_next;
    stamp_next(at);
    if (m_fault_run) m_inject_ns.push_back(f.time_ns);  // fault runs: what arrived around a reset
    ++m_injected;
    on_wire_ns = m_wire.duration_ns(f);
    // The scoreboard keeps a copy; the wire takes the frame itself (placing it delivers nothing, so the order of
    // the two does not matter). Sending on demand, this peer is the board's Arrivals and is catching up now: the
    // board's catch-up would only settle the wire's other direction (frames to this peer's own board).
    Scoreboard& board = m_dut.rx_board();
    if (m_paced)
        board.expect_traffic(m_gen->last_id(), f.bytes.data(), f.bytes.size());
    else
        board.expect_traffic_copy(m_gen->last_id(), f.bytes.data(), f.bytes.size());
    if (m_paced)
        m_wire.transmit_b_at(f, at);
    else
        m_wire.end_b().transmit_swap(f);
    return true;
}

uint64_t Peer::send(uint64_t at) {
    uint64_t on_wire_ns = 0;
    if (!send_frame(at, on_wire_ns)) return kNoSend;
    return at + time_from_ns(on_wire_ns + 96 * m_whole_bit_ns).value();
}

// The kernel would have run this peer's method at m_next_at before any thread of that instant, and not yet when
// sc_start(t) has just returned at t.
void Peer::send_due() {
    if (m_catching_up) return;  // the scoreboard's and the wire's look while a frame is sent
    const uint64_t now = sim_now().value();
    if (m_next_at > now || (m_next_at == now && sc_get_status() == SC_PAUSED)) return;
    m_catching_up = true;
    while (m_next_at < now || (m_next_at == now && sc_get_status() != SC_PAUSED)) m_next_at = send(m_next_at);
    m_catching_up = false;
}

// The wire asks for the next frame's time (next_frame) before it is sent at that same time: converted once.
void Peer::stamp_next(uint64_t at) {
    if (m_stamped_at == at) return;
    m_next.time_ns = ns_at(at);
    m_stamped_at = at;
}

const net::Frame* Peer::next_frame(uint64_t& at_ticks) {
    if (m_next_at == kNoSend || m_injected == m_cfg.packets) return nullptr;
    if (!m_next_made) make_next();
    stamp_next(m_next_at);
    at_ticks = m_next_at;
    return &m_next;
}

uint64_t Peer::injected_between(uint64_t from_ns, uint64_t to_ns) {
    catch_up_sends();
    uint64_t n = 0;
    for (uint64_t t : m_inject_ns) n += t >= from_ns && t <= to_ns;
    return n;
}

void HoldUntilDriverUp::transmit(const net::Frame& frame) {
    m_board.expect(frame.bytes.data(), frame.bytes.size() - (frame.fcs_included ? net::kFcsBytes : 0));
    if (m_open) {
        m_target.transmit(frame);
        return;
    }
    m_held.push_back(frame);
    ++m_held_total;
}

void HoldUntilDriverUp::release(uint64_t now_ns) {
    m_open = true;
    for (net::Frame& f : m_held) {
        f.time_ns = now_ns;  // the wire sends them back to back from now, in their order
        m_target.transmit(f);
    }
    m_held.clear();
    m_held.shrink_to_fit();
}

}  // namespace nicsim::tb
