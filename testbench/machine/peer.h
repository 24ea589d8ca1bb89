// The far end of the wire when a run has no second machine: the Peer injects the run's receive traffic and checks
// what the DUT transmits; HoldUntilDriverUp holds a pcap file's frames until the DUT's driver can receive them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "model/wire/wire.h"
#include "testbench/checkers/pcap_in_board.h"
#include "testbench/checkers/scoreboard.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/traffic.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

/// The far end's MAC address.
constexpr Mac kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

/// The DUT's frames reach the peer on demand (Wire::connect_b_on_demand): its scoreboard catches up with the wire
/// before anyone reads it, so no kernel event per frame is needed to record them. In the fast mode (detailed windows
/// included; no traced wire) the peer also sends on demand (wire::PacedSource): each frame goes out, as at its own
/// time, when the wire delivers the frame before it or someone reads the peer, the wire or the DUT's receive
/// scoreboard, instead of by a kernel event per frame; the pin level keeps the events.
class Peer : public sc_core::sc_module, private Arrivals, private wire::PacedSource {
  public:
    SC_HAS_PROCESS(Peer);
    Peer(sc_core::sc_module_name name, const RunConfig& cfg, wire::Wire& wire, MachineBase& dut);
    ~Peer() override;
    void receive(const net::Frame& frame);
    Scoreboard& tx_board() { return m_tx_board; }
    uint64_t injected() {
        catch_up_sends();
        return m_injected;
    }
    bool done() {
        catch_up_sends();
        return m_done;
    }
    /// Frames injected within [from_ns, to_ns] (a window in which a reset may lose them).
    uint64_t injected_between(uint64_t from_ns, uint64_t to_ns);

  private:
    static constexpr uint64_t kNoSend = ~uint64_t(0);
    void inject();
    bool paced() const;  // whether to send on demand
    /// Send the next frame as at `at` (time resolution units; after the last one: done). Returns the time of the
    /// next send, kNoSend when done.
    uint64_t send(uint64_t at);
    /// Send the next frame as at `at`; false when every frame was sent (the peer is done).
    bool send_frame(uint64_t at, uint64_t& on_wire_ns);
    void make_next();  // the next frame into m_next
    void catch_up() override { m_wire.settle(); }
    void catch_up_sends() {
        if (m_next_at != kNoSend) send_due();
    }
    // wire::PacedSource
    void send_due() override;
    const net::Frame* next_frame(uint64_t& at_ticks) override;
    std::vector<uint64_t> m_inject_ns;  // when each frame was injected (kept in fault runs only)
    const RunConfig& m_cfg;
    wire::Wire& m_wire;
    MachineBase& m_dut;
    Scoreboard m_tx_board{"tx"};
    std::unique_ptr<TrafficGen> m_gen;  // made once the driver is up
    net::Frame m_next;                  // the next frame, once made; its storage swapped with the wire's on sending
    bool m_next_made = false;
    uint64_t m_stamped_at = kNoSend;  // the ticks m_next.time_ns is ns_at() of
    void stamp_next(uint64_t at);
    uint64_t m_next_at = kNoSend;  // sending on demand: when the next frame goes out (or the peer is done)
    bool m_paced = false;          // sending on demand (paced())
    bool m_catching_up = false;
    uint64_t m_injected = 0;
    bool m_done = false;
    const bool m_fault_run;         // cfg.fault.any(), asked per frame
    const uint64_t m_whole_bit_ns;  // a bit's time when it is whole nanoseconds (10, 100, 1000 Mb/s), else 0
};

/// Holds frames a pcap file would put on the wire before the DUT's driver is up (its receiver is not enabled yet,
/// so they would all be dropped), and sends them in order the moment it is up; later frames pass straight through.
/// Each frame is handed to `board` as the one it should arrive as.
class HoldUntilDriverUp : public net::WireSink {
  public:
    HoldUntilDriverUp(net::WireSink& target, PcapInBoard& board) : m_target(target), m_board(board) {}
    void transmit(const net::Frame& frame) override;
    void release(uint64_t now_ns);
    uint64_t held() const { return m_held_total; }
    bool is_open() const { return m_open; }

  private:
    net::WireSink& m_target;
    PcapInBoard& m_board;
    bool m_open = false;
    std::vector<net::Frame> m_held;
    uint64_t m_held_total = 0;
};

}  // namespace nicsim::tb
