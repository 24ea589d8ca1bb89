// The fast mode's DMA path: the NIC's DMA engine starts a request on this port (nic::DmaPort) and the bytes move at
// once by TLM-2.0 blocking transport into host memory through the DMA verifier, tagged with the NIC's bus-master
// index (host::PciMasterExtension). Completion is reported to the NIC at the time the bus timeline (BusTimeline)
// gives the burst: arbitration as the pin-level arbiter grants it, then the burst by the pin-level bus's arithmetic
// (pci::burst_clocks: address phase, data phases, turnarounds, a DAC above 4 GiB, the memory's wait states on a read),
// so the data path sees the same order of events as on the pin-level bus with one timed event per request instead of
// a clock per phase. That event is the NIC's own clock edge: the port tells the NIC when the request completes as
// it starts it (and again when a CPU cycle moves it), and has no process of its own.
//
// Properties (FastDmaParams): clock_ns, bytes_per_clock (the narrower of the bus and the device's data path),
// read_latency_clocks, dac_capable.
// Hardware interface: `mem` (simple_initiator_socket) to DmaVerifier::target or HostMemory::socket; the device
// (connect()) hears completions through Nic82540em::dma_port_done and dma_port_moved.
// Diagnostics: none of its own: an error response (the verifier refused the range) completes the request with
// pci::MasterStatus::TargetAbort and 0 bytes, which the NIC diagnoses ("nicsim/nic/dma-bus-error").
#pragma once

#include <cstdint>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include "model/common/direct_target_socket.h"
#include "model/common/sim_now.h"
#include "model/fast/bus_timeline.h"
#include "model/host/pci_tlm.h"
#include "model/nic/dma_engine.h"

namespace nicsim::nic {
class Nic82540em;
}

namespace nicsim::fast {

struct FastDmaParams {
    double clock_ns = 15.0;            ///< bus clock period the delay is counted in
    unsigned bytes_per_clock = 4;      ///< bytes per data phase (8 with a 64-bit bus and device, else 4)
    unsigned read_latency_clocks = 4;  ///< host memory read latency (as HostBridgeParams::read_latency)
    bool dac_capable = false;          ///< the device uses a dual address cycle above 4 GiB (64-bit DMA)
};

struct FastDmaStats {
    uint64_t requests = 0;     ///< requests started
    uint64_t read_bytes = 0;   ///< bytes read from host memory
    uint64_t write_bytes = 0;  ///< bytes written to host memory
    uint64_t errors = 0;       ///< requests answered with an error response
};

class FastDmaPort : public sc_core::sc_module, public nic::DmaPort, private BurstOwner {
  public:
    tlm_utils::simple_initiator_socket<FastDmaPort> mem;  ///< to the DMA verifier (or host memory)

    /// `timeline` (optional): the bus the bursts share with the CPU's cycles; without one the port has a bus of its
    /// own.
    FastDmaPort(sc_core::sc_module_name name, const FastDmaParams& params = {}, BusTimeline* timeline = nullptr);

    /// The device whose requests this port carries (its master index tags the transactions).
    void connect(nic::Nic82540em& nic, unsigned master_index);
    /// Until the request's completion time.
    bool busy() const override { return m_busy && (m_busy = sim_now() < m_end); }
    void start(const pci::MasterRequest& rq) override;
    const FastDmaStats& stats() const { return m_stats; }

    /// The burst the request stands for on the bus (pci::burst_clocks less its data phases and idle clock: setup).
    BurstShape shape(const pci::MasterRequest& rq) const;

  private:
    void burst_moved(const sc_core::sc_time& end) override;
    /// Moves the request's bytes; true when the target answered Ok. Straight to the target's DirectAccess when its
    /// socket has one (the verifier, host memory: no payload to fill in), else by b_transport.
    bool transport(bool write, const pci::MasterRequest& rq, sc_core::sc_time& delay) {
        if (m_direct)
            return m_direct->direct_access(write, rq.addr, rq.data, rq.len, m_ext->master) == tlm::TLM_OK_RESPONSE;
        return transport_first(write, rq, delay);
    }
    // Looks the target's DirectAccess up at the first request, and moves a request by b_transport without one.
    [[gnu::noinline]] bool transport_first(bool write, const pci::MasterRequest& rq, sc_core::sc_time& delay);
    bool transport_payload(bool write, const pci::MasterRequest& rq, sc_core::sc_time& delay);

    FastDmaParams m_params;
    uint64_t m_setup[2][2];  // BurstShape::setup by [write][dac]
    BusTimeline m_own_timeline;
    BusTimeline* m_timeline;
    nic::Nic82540em* m_nic = nullptr;
    sc_core::sc_time m_end;       // the last request's completion
    mutable bool m_busy = false;  // until m_end
    tlm::tlm_generic_payload m_gp;
    host::PciMasterExtension* m_ext;   // owned by m_gp
    bool m_direct_known = false;       // m_direct was looked up (at the first request that moves bytes)
    DirectAccess* m_direct = nullptr;  // the target's, when `mem` reaches a DirectTargetSocket
    FastDmaStats m_stats;
};

}  // namespace nicsim::fast
