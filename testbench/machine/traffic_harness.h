// A driver program and a wire end for one machine (build_machine), pin-level or fast, so both modes can run the same
// traffic: the CPU program brings the project's miniport up (bring_up_driver), sends `tx_packets` seeded frames (at
// most `window` outstanding) and waits for `rx_packets` received ones; the harness is the NIC's wire (it records every
// transmitted frame) and its far end (it injects seeded frames into the NIC at line rate once the driver is up).
// Frame i of a direction depends only on (seed, direction, i): 14-byte Ethernet header (EtherType 0x88B5), an
// 8-byte sequence number, seeded payload.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "hostdrv/ndis/ndis_host.h"
#include "model/nic/nic_82540em.h"
#include "testbench/machine/machine.h"

namespace nicsim::tb {

struct HarnessConfig {
    uint64_t seed = 1;           ///< traffic and page-placement seed
    uint64_t tx_packets = 0;     ///< frames the driver sends
    uint64_t rx_packets = 0;     ///< frames the far end injects
    uint32_t frame_size = 1514;  ///< bytes without FCS (at least 22)
    unsigned window = 64;        ///< sends outstanding at most
    bool keep_frames = true;     ///< keep every transmitted frame (off for long runs: counts only)
    std::vector<std::pair<std::string, uint32_t>> registry;  ///< values beyond the miniport's defaults
};

class TrafficHarness : public sc_core::sc_module, public net::WireSink {
  public:
    SC_HAS_PROCESS(TrafficHarness);
    /// Installs its program on the machine's CPU and becomes its NIC's wire.
    TrafficHarness(sc_core::sc_module_name name, const HarnessConfig& cfg, MachineBase& machine);
    ~TrafficHarness() override;

    /// Frame `index` of direction `dir` (0 = injected by the far end, 1 = sent by the driver), without FCS.
    static std::vector<uint8_t> make_frame(uint64_t seed, uint8_t dir, uint64_t index, uint32_t size,
                                           const uint8_t dst[6], const uint8_t src[6]);
    /// The same into `frame` (its storage reused).
    static void make_frame_into(std::vector<uint8_t>& frame, uint64_t seed, uint8_t dir, uint64_t index, uint32_t size,
                                const uint8_t dst[6], const uint8_t src[6]);

    void transmit(const net::Frame& frame) override;
    /// Frames the NIC transmitted, FCS stripped, in order (when keep_frames).
    const std::vector<std::vector<uint8_t>>& transmitted() const { return m_transmitted; }
    uint64_t tx_frames() const { return m_tx_frames; }
    uint64_t injected() const { return m_injected; }
    /// Frames the driver indicated (kept in ndis()->received() in order when keep_frames).
    size_t received() const { return m_dropped_received + (m_ndis ? m_ndis->received().size() : 0); }
    ndis::NdisHost* ndis() { return m_ndis.get(); }
    bool driver_up() const { return m_up; }
    /// The program finished: every frame sent and completed, every expected frame received (or it failed).
    bool done() const { return m_done; }
    const std::string& failure() const { return m_failure; }
    const sc_core::sc_event& done_event() const { return m_done_event; }

  private:
    void program(hostdrv::HostPlatform& hp);
    void inject();

    HarnessConfig m_cfg;
    nic::Nic82540em& m_nic;
    std::unique_ptr<ndis::NdisHost> m_ndis;
    std::vector<std::vector<uint8_t>> m_transmitted;
    std::vector<uint8_t> m_tx_frame;           // the frame being sent (NDIS copies it into its send pages)
    std::vector<ndis::ReceivedFrame> m_taken;  // indicated frames taken when not kept
    uint64_t m_tx_frames = 0;
    uint64_t m_injected = 0;
    size_t m_dropped_received = 0;  // indicated frames counted and let go (keep_frames off)
    bool m_up = false;
    bool m_done = false;
    std::string m_failure;
    sc_core::sc_event m_up_event;
    sc_core::sc_event m_done_event;
};

}  // namespace nicsim::tb
