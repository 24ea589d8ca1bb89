// The nicsim run's top: the DUT machine (build_machine), and either a Peer at the far end of the wire or, with
// --back-to-back, a second machine on the same wire; tracing, pcap input and output, the timed faults (parity, link
// flap) and the watch that ends the run once every program finished and the wire went quiet.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "model/trace/tracer.h"
#include "model/wire/pcap_file.h"
#include "model/wire/wire.h"
#include "testbench/checkers/pcap_in_board.h"
#include "testbench/machine/detail_window.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/peer.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

class SystemTop : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(SystemTop);
    /// Reads the inputs first: throws UsageError naming one that cannot be read.
    SystemTop(sc_core::sc_module_name name, const RunConfig& cfg);
    ~SystemTop() override;

    const RunConfig& config() const { return m_cfg; }
    /// The DUT's machine, on either bus model.
    MachineBase& machine() { return *m_dut; }
    /// The DUT's pin-level machine (bus monitor, host bridge): --bus-model pin only, throws std::logic_error with
    /// tlm (use machine()).
    Machine& dut();
    /// The second machine of a back-to-back run, or null.
    MachineBase* partner() { return m_partner.get(); }
    wire::Wire& wire() { return m_wire; }
    Peer* peer() { return m_peer.get(); }
    wire::PcapSource* pcap_source() { return m_pcap_in.get(); }
    /// --pcap-in: the frames sent against the frames indicated.
    const PcapInBoard& pcap_board() const { return m_pcap_board; }
    /// The detailed window (--detail-from), or null.
    const DetailWindow* detail_window() const { return m_detail.get(); }
    /// Every program finished and every expected frame arrived (or the peer has nothing more to send).
    bool finished() const;
    /// Trace into `vcd` (or, when `fst` names a file, into that FST, which close_outputs() completes) and record the
    /// wire into `pcap` (either may be null; both stay the caller's, named by config().vcd and config().pcap_out in
    /// messages). Call once, before the simulation starts.
    void attach_outputs(std::FILE* vcd, std::FILE* pcap, const std::string& fst = {});
    /// The NIC parts --trace asks for (nic::TraceWhat bits).
    unsigned traced_nic_parts() const;
    /// The DUT's bus is traced and has had an address phase: true and its time.
    bool first_address_phase(sc_core::sc_time& at) const;
    /// Finish the VCD and pcap streams (also after an interrupted run; the caller closes them) and complete the FST.
    void close_outputs();
    std::string pcap_error() const { return m_pcap_out ? m_pcap_out->error() : std::string(); }
    /// link-flap: the link came back, and the frames delivered and lost on the wire up to that moment.
    bool link_restored() const { return m_link_restored; }
    uint64_t link_up_frames() const { return m_link_up_frames; }
    uint64_t link_up_lost() const { return m_link_up_lost; }

  private:
    void watch();
    void open_pcap_gate();
    void timed_faults();
    net::WireSink& dut_wire_sink();
    RunConfig m_cfg;
    // Before the machines: their run programs point at these.
    std::unique_ptr<machine::MiniportLibrary> m_dut_miniport;
    std::unique_ptr<machine::MiniportLibrary> m_partner_miniport;
    std::unique_ptr<Tracer> m_tracer;
    PcapInBoard m_pcap_board;
    std::unique_ptr<wire::PcapWriter> m_pcap_out;
    wire::Wire m_wire;
    std::unique_ptr<MachineBase> m_dut;
    std::unique_ptr<MachineBase> m_partner;
    std::unique_ptr<DetailWindow> m_detail;
    std::unique_ptr<Peer> m_peer;
    std::unique_ptr<HoldUntilDriverUp> m_pcap_gate;
    std::unique_ptr<wire::PcapSource> m_pcap_in;
    bool m_link_restored = false;
    uint64_t m_link_up_frames = 0;
    uint64_t m_link_up_lost = 0;
};

/// SystemC report types a fault plan is expected to cause (they do not fail the run; each is counted).
std::vector<std::string> expected_fault_reports(const FaultConfig& faults);

}  // namespace nicsim::tb
