// The nicsim run's traffic program on one machine's CPU, and the record of what it did: it brings the driver up,
// sends the run's seeded traffic (a window of packets outstanding, wider for a serialized miniport, fragments merged to
// fit the map registers), checks what the driver indicates on a scoreboard, resets the driver when the fault plan asks,
// and halts it once both scoreboards stop expecting frames.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <systemc>

#include "hostdrv/ndis/ndis_host.h"
#include "testbench/checkers/pcap_in_board.h"
#include "testbench/checkers/scoreboard.h"
#include "testbench/checkers/seq_ring.h"
#include "testbench/machine/miniport_loader.h"
#include "testbench/machine/protocol_bind.h"
#include "testbench/machine/traffic.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

class RunProgram {
  public:
    /// Send id -> traffic sequence of the sends outstanding. The NDIS host numbers its sends in order and they
    /// mostly complete in order, so a ring in id order finds them by position, without a tree node per send.
    using SeqOf = SeqRing<uint64_t>;

    /// `cfg` null: no traffic program (the record stays empty). `partner`: the second machine of a back-to-back
    /// run (it sends when the direction is rx or both). `own`/`peer`: the source and destination of its frames.
    RunProgram(const RunConfig* cfg, const std::string& name, bool partner, const Mac& own, const Mac& peer);
    virtual ~RunProgram() = default;

    /// Frames this machine's protocol sends, checked where they arrive.
    Scoreboard& tx_board() { return *m_tx_board; }
    /// The scoreboard of frames this machine should receive (fed by the other end).
    Scoreboard& rx_board() { return m_rx_board; }
    /// The NDIS host the CPU program made (null before the program started).
    ndis::NdisHost* ndis() { return m_ndis.get(); }
    bool driver_up() const { return m_driver_up; }
    const std::string& failure() const { return m_failure; }
    /// Run the miniport of this shared object (nicsim --miniport) instead of the project's own (null).
    void set_miniport(const machine::MiniportLibrary* library) { m_library = library; }
    /// The driver this machine runs: the shared object's name, or the project's miniport.
    std::string driver_name() const { return m_library ? m_library->name() : "nicsim-e1000 (built in)"; }
    bool traffic_done() const { return m_traffic_done; }
    /// Notified when traffic_done() becomes true.
    const sc_core::sc_event& done_event() const { return m_done_event; }
    /// Back to back: the other machine's program. Neither sends before both drivers are up (initialized, packet
    /// filter set, media connected), as a protocol sends nothing to a partner that cannot receive yet.
    void set_partner(const RunProgram* partner) { m_partner = partner; }
    /// What the protocol learned when it bound (frame size, link speed, the offloads the driver claimed).
    const ProtocolBinding& binding() const { return m_binding; }
    /// Large sends the scenario asked for that the protocol cut into segments itself because the driver did not
    /// offer large send of that size through OID_TCP_TASK_OFFLOAD (legal: a note, not a failure).
    uint64_t large_sends_segmented() const { return m_large_sends_segmented; }
    /// Sends the protocol keeps outstanding at most: more with a serialized miniport, whose queue NDIS holds.
    size_t send_window() const;
    const sc_core::sc_event& driver_up_event() const { return m_up_event; }
    uint64_t sends_refused() const { return m_sends_refused; }
    /// The NDIS status of the first send that did not succeed.
    NDIS_STATUS first_refusal() const { return m_first_refusal; }
    /// Sends whose fragments were merged to fit the map registers the HAL reserved.
    uint64_t layouts_merged() const { return m_layouts_merged; }
    uint64_t sent_packets() const { return m_sent; }
    uint64_t sent_bytes() const { return m_sent_bytes; }
    uint64_t rx_expected_total = 0;  ///< frames the other end will inject (set by the top)
    void set_tx_board(Scoreboard* board) { m_tx_board = board; }
    void set_peer_mac(const Mac& mac) { m_peer_mac = mac; }
    /// Received traffic comes from a pcap file: received frames are judged by `board` instead of the receive
    /// scoreboard.
    void set_pcap_board(PcapInBoard* board) { m_pcap_board = board; }
    /// Received traffic comes from a source that is not counted frame by frame (a pcap file): the program waits
    /// until `done()` and then for receive to go quiet.
    void set_rx_source_done(std::function<bool()> done) { m_rx_source_done = std::move(done); }
    uint64_t received() const { return m_received; }
    /// Map registers NdisMInitializeScatterGatherDma reserved (kept: the halt at the end returns them).
    unsigned map_registers_reserved() const { return m_map_registers; }
    uint64_t received_bytes() const { return m_received_bytes; }
    /// reset-at: NdisHost::reset's status and the simulated time it started and ended (0 = no reset run).
    NDIS_STATUS reset_status() const { return m_reset_status; }
    uint64_t reset_start_ns() const { return m_reset_start_ns; }
    uint64_t reset_end_ns() const { return m_reset_end_ns; }
    /// Frames indicated and sends completed successfully after the reset returned (traffic resumed).
    uint64_t rx_after_reset() const { return m_rx_after_reset; }
    uint64_t tx_after_reset() const { return m_tx_after_reset; }
    /// Packets sent after the reset returned.
    uint64_t sent_after_reset() const { return m_reset_end_ns ? m_sent - m_sent_at_reset : 0; }
    /// Frames the NIC wrote to host memory that the driver never indicated, as of the last reset (reset-at or a hang
    /// check's): the reset discarded them with the ring (DD set but not yet seen, or the write-back lost).
    uint64_t rx_unindicated_at_reset() const { return m_rx_unindicated_at_reset; }
    /// Frames indicated after the first reset a hang check asked for completed.
    uint64_t rx_after_recovery() const { return m_rx_after_recovery; }

    /// Received frames the NIC has counted as lost (missed: FIFO full; dropped, flushed by a reset) and frames it
    /// wrote to host memory (the machine reads them from its NIC).
    virtual uint64_t nic_rx_losses() const { return 0; }
    virtual uint64_t nic_rx_written() const { return 0; }

  protected:
    /// The CPU program for the NIC at `pci_device`.
    void run(hostdrv::HostPlatform& hp, unsigned pci_device);
    /// Destroy the NDIS host (driver, HAL) while the CPU and NIC it uses still exist.
    void release_driver() { m_ndis.reset(); }

  private:
    bool bring_up(hostdrv::HostPlatform& hp, unsigned pci_device);
    /// The traffic, from the first send until both scoreboards stop expecting frames.
    void exchange(hostdrv::HostPlatform& hp);
    /// The longest the protocol waits for its driver at `now` before it looks again.
    uint64_t wait_limit(uint64_t now) const;
    void fill_send_window(SeqOf& seq_of, TrafficGen& gen, Rng& frag_rng, uint64_t to_send);
    void reset_if_due(hostdrv::HostPlatform& hp);
    void take_send_results(SeqOf& seq_of);
    void drain_received();
    void note_resets(unsigned hang_resets_before);
    bool rx_losses_explained() const;
    bool all_frames_arrived() const;
    bool check_current_address();
    void wait_until_ready(hostdrv::HostPlatform& hp);
    bool large_send_offered(size_t bytes) const;
    void send_large(SeqOf& seq_of, uint64_t seq, const std::vector<uint8_t>& frame, Rng& frag_rng);
    /// Sends `frame` in the run's seeded fragment layout (with large send of `lso_mss` when nonzero).
    void send_one(SeqOf& seq_of, uint64_t seq, const std::vector<uint8_t>& frame, uint32_t lso_mss, Rng& frag_rng);
    bool wait_for_hang_check(uint64_t checks_at_quiet) const;

    const RunConfig* m_cfg;
    Mac m_own_mac;
    Mac m_peer_mac;
    bool m_partner_role;
    PcapInBoard* m_pcap_board = nullptr;
    uint64_t m_received = 0;
    unsigned m_map_registers = 0;
    std::function<bool()> m_rx_source_done;
    uint64_t m_rx_unindicated_at_reset = 0;
    uint64_t m_rx_after_recovery = 0;
    uint64_t m_received_bytes = 0;
    Scoreboard* m_tx_board = nullptr;
    Scoreboard m_rx_board;
    std::unique_ptr<ndis::NdisHost> m_ndis;
    // What was last taken from the NDIS host, kept so that taking allocates nothing (the two vectors swap).
    std::vector<ndis::SendResult> m_results_taken;
    std::vector<ndis::ReceivedFrame> m_frames_taken;
    // The frame being sent and its layout, kept so that each send reuses their storage.
    std::vector<uint8_t> m_frame;
    ndis::SendLayout m_layout;
    bool m_driver_up = false;
    bool m_traffic_done = false;
    std::string m_failure;
    const machine::MiniportLibrary* m_library = nullptr;
    const RunProgram* m_partner = nullptr;
    ProtocolBinding m_binding;
    uint64_t m_large_sends_segmented = 0;
    sc_core::sc_event m_up_event;
    sc_core::sc_event m_done_event;
    uint64_t m_sends_refused = 0;
    NDIS_STATUS m_reset_status = 0;
    NDIS_STATUS m_first_refusal = 0;
    uint64_t m_reset_start_ns = 0;
    uint64_t m_reset_end_ns = 0;
    uint64_t m_rx_after_reset = 0;
    uint64_t m_tx_after_reset = 0;
    uint64_t m_sent_at_reset = 0;
    uint64_t m_layouts_merged = 0;
    uint64_t m_sent = 0;
    uint64_t m_sent_bytes = 0;
};

}  // namespace nicsim::tb
