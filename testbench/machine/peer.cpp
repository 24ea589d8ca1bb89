#include "testbench/machine/peer.h"

#include <utility>

#include "model/common/sim_now.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {

constexpr uint32_t kFloodFrameBytes = 60;  // the shortest Ethernet frame without FCS

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
    }
    if (m_injected == m_cfg.packets) {  // the last frame's time on the wire is over
        m_done = true;
        return;
    }
    net::Frame& f = m_frame;
    // rx-flood: the first half are minimum-size frames back to back, the most frames per second the wire
    // carries (1.49 million at 1 Gb/s), more than the receive ring drains on a 32-bit bus or with transmit
    // traffic competing for the bus.
    const bool flood = m_cfg.fault.rx_flood && m_injected < m_cfg.packets / 2;
    if (flood)
        m_gen->next_into(kFloodFrameBytes, f.bytes);
    else
        m_gen->next_into(f.bytes);
    f.fcs_included = false;
    f.time_ns = static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9);
    if (m_fault_run) m_inject_ns.push_back(f.time_ns);  // fault runs: what arrived around a reset
    ++m_injected;
    const uint64_t on_wire_ns = m_wire.duration_ns(f);
    // The scoreboard keeps a copy; the wire takes the frame itself (placing it delivers nothing, so the order of
    // the two does not matter).
    m_dut.rx_board().expect_copy(f.bytes.data(), f.bytes.size());
    m_wire.end_b().transmit_swap(f);
    // A whole bit time gives the same time from integers (time_from_ns), without the double arithmetic.
    if (m_whole_bit_ns) {
        next_trigger(time_from_ns(on_wire_ns + 96 * m_whole_bit_ns));
        return;
    }
    const double bit_ns = 1000.0 / m_cfg.link_mbps;
    next_trigger(sc_time(static_cast<double>(on_wire_ns) + 96 * bit_ns, SC_NS));
}

uint64_t Peer::injected_between(uint64_t from_ns, uint64_t to_ns) const {
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
