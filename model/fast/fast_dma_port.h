// The fast mode's DMA path: the NIC's DMA engine starts a request on this port (nic::DmaPort) and the bytes move at
// once by TLM-2.0 blocking transport into host memory through the DMA verifier, tagged with the NIC's bus-master
// index (host::PciMasterExtension). Completion is reported to the NIC after an annotated delay that stands for the
// bus transaction (arbitration, address phase, data phases, turnaround), so the data path sees the same order of
// events as on the pin-level bus, only without evaluating the bus clock by clock.
//
// Properties (FastDmaParams): clock_ns, bytes_per_clock, arbitration_clocks, read_latency_clocks.
// Hardware interface: `mem` (simple_initiator_socket) to DmaVerifier::target or HostMemory::socket; the device
// (connect()) hears completions through Nic82540em::dma_port_done.
// Diagnostics: none of its own: an error response (the verifier refused the range) completes the request with
// pci::MasterStatus::TargetAbort and 0 bytes, which the NIC diagnoses ("nicsim/nic/dma-bus-error").
#pragma once

#include <cstdint>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include "model/host/pci_tlm.h"
#include "model/nic/dma_engine.h"

namespace nicsim::nic {
class Nic82540em;
}

namespace nicsim::fast {

struct FastDmaParams {
    double clock_ns = 15.0;            ///< bus clock period the delay is counted in
    unsigned bytes_per_clock = 8;      ///< bytes per data phase (8 on a 64-bit bus, 4 on a 32-bit one)
    unsigned arbitration_clocks = 2;   ///< REQ# to FRAME#
    unsigned read_latency_clocks = 4;  ///< host memory read latency (as HostBridgeParams::read_latency)
};

struct FastDmaStats {
    uint64_t requests = 0;     ///< requests started
    uint64_t read_bytes = 0;   ///< bytes read from host memory
    uint64_t write_bytes = 0;  ///< bytes written to host memory
    uint64_t errors = 0;       ///< requests answered with an error response
};

class FastDmaPort : public sc_core::sc_module, public nic::DmaPort {
  public:
    tlm_utils::simple_initiator_socket<FastDmaPort> mem;  ///< to the DMA verifier (or host memory)

    SC_HAS_PROCESS(FastDmaPort);
    FastDmaPort(sc_core::sc_module_name name, const FastDmaParams& params = {});

    /// The device whose requests this port carries (its master index tags the transactions).
    void connect(nic::Nic82540em& nic, unsigned master_index);
    bool busy() const override { return m_busy; }
    void start(const pci::MasterRequest& rq) override;
    const FastDmaStats& stats() const { return m_stats; }

  private:
    void complete_method();

    FastDmaParams m_params;
    nic::Nic82540em* m_nic = nullptr;
    bool m_busy = false;
    pci::MasterRequest m_rq;
    pci::MasterStatus m_status = pci::MasterStatus::Ok;
    uint32_t m_bytes = 0;
    tlm::tlm_generic_payload m_gp;
    host::PciMasterExtension* m_ext;  // owned by m_gp
    sc_core::sc_time m_clock;
    sc_core::sc_event m_done;
    FastDmaStats m_stats;
};

}  // namespace nicsim::fast
