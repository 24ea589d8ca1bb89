// The whole simulated machine for one nicsim run: PCI bus with its arbiter and protocol monitor, the host (memory
// behind the DMA verifier, bridge, CPU running the NDIS host and the project's miniport), the 82540EM-style NIC and
// the wire to a peer that injects received traffic and checks transmitted traffic. A back-to-back run builds two
// such machines joined by one wire. With --bus-model tlm each machine is a TlmMachine instead: the same CPU,
// memory, verifier and NIC on the TLM-2.0 fast mode (model/fast), no pin-level bus.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "hostdrv/ndis/ndis_host.h"
#include "model/fast/fast_machine.h"
#include "model/host/host_system.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/pci_bus.h"
#include "model/trace/tracer.h"
#include "model/wire/pcap_file.h"
#include "model/wire/wire.h"
#include "testbench/nicsim/run_config.h"
#include "testbench/system/scoreboard.h"
#include "testbench/system/traffic.h"

namespace nicsim::tb {

class Machine;
class TlmMachine;

/// One host with its NIC and the driver program its CPU runs, on either bus model (RunConfig::bus_model): what both
/// share (driver bring-up, traffic, reset, halt, scoreboards, counters) lives here; the parts come from the derived
/// class, Machine (pin-level PCI bus) or TlmMachine (TLM-2.0 fast mode).
class MachineBase : public sc_core::sc_module {
  public:
    /// The parts both bus models have. With tlm the bus carries only the clock, device numbering and INTA#.
    virtual pci::PciBus& pci_bus() = 0;
    virtual nic::Nic82540em& nic_device() = 0;
    virtual host::HostCpu& host_cpu() = 0;
    virtual host::DmaVerifier& dma_verifier() = 0;
    /// The pin-level machine (arbiter, bus monitor, host bridge), or null with --bus-model tlm.
    virtual Machine* pin() { return nullptr; }
    /// The fast-mode machine (FastBridge, FastDmaPort), or null with --bus-model pin.
    virtual TlmMachine* tlm() { return nullptr; }

    /// Frames this machine's protocol sends, checked where they arrive.
    Scoreboard& tx_board() { return *m_tx_board; }
    /// The scoreboard of frames this machine should receive (fed by the other end).
    Scoreboard& rx_board() { return m_rx_board; }
    /// The NDIS host the CPU program made (null before the program started).
    ndis::NdisHost* ndis() { return m_ndis.get(); }
    bool driver_up() const { return m_driver_up; }
    const std::string& failure() const { return m_failure; }
    bool traffic_done() const { return m_traffic_done; }
    const sc_core::sc_event& driver_up_event() const { return m_up_event; }
    Mac mac() const;
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
    void set_check_rx(bool check) { m_check_rx = check; }
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

  protected:
    /// `partner`: the second machine of a back-to-back run (it sends when the direction is rx or both).
    MachineBase(sc_core::sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner);
    /// The NIC's parameters for this machine (its MAC address differs between DUT and partner).
    const nic::NicParams& nic_params() const { return m_nic_params; }
    /// Hand the driver program to the CPU: the derived constructor calls this once its parts exist.
    void install_program(host::HostCpu& cpu);
    /// Destroy the NDIS host (driver, HAL) while the CPU and NIC it uses still exist: the derived destructor calls
    /// this, since the derived class's parts are destroyed before this base's members.
    void release_driver() { m_ndis.reset(); }

    const RunConfig& m_cfg;

  private:
    void program(host::HostPlatform& hp);
    void drain_received();

    nic::NicParams m_nic_params;
    Mac m_peer_mac;
    bool m_partner_role;
    bool m_check_rx = true;
    uint64_t m_received = 0;
    unsigned m_map_registers = 0;
    std::function<bool()> m_rx_source_done;
    uint64_t m_received_bytes = 0;
    Scoreboard* m_tx_board = nullptr;
    Scoreboard m_rx_board;
    std::unique_ptr<ndis::NdisHost> m_ndis;
    bool m_driver_up = false;
    bool m_traffic_done = false;
    std::string m_failure;
    sc_core::sc_event m_up_event;
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

/// The pin-level machine: PCI bus with its arbiter and protocol monitor, the host (memory behind the DMA verifier,
/// host bridge, CPU) and the NIC, every CPU cycle and DMA burst a bus transaction (--bus-model pin, the default).
class Machine : public MachineBase {
  public:
    pci::PciBus bus;
    pci::BusMonitor monitor;
    host::HostSystem host;
    nic::Nic82540em nic;
    pci::Arbiter arbiter;

    /// `partner`: the second machine of a back-to-back run (it sends when the direction is rx or both).
    Machine(sc_core::sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner);
    ~Machine() override { release_driver(); }

    pci::PciBus& pci_bus() override { return bus; }
    nic::Nic82540em& nic_device() override { return nic; }
    host::HostCpu& host_cpu() override { return host.cpu; }
    host::DmaVerifier& dma_verifier() override { return host.verifier; }
    Machine* pin() override { return this; }
};

/// The TLM-2.0 fast machine (--bus-model tlm): the same CPU, memory, DMA verifier and NIC on a fast::FastMachine,
/// CPU cycles through FastBridge and DMA through FastDmaPort; no arbiter, monitor or host bridge.
class TlmMachine : public MachineBase {
  public:
    fast::FastMachine fast;

    TlmMachine(sc_core::sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner);
    ~TlmMachine() override { release_driver(); }

    pci::PciBus& pci_bus() override { return fast.bus; }
    nic::Nic82540em& nic_device() override { return fast.nic; }
    host::HostCpu& host_cpu() override { return fast.cpu; }
    host::DmaVerifier& dma_verifier() override { return fast.verifier; }
    TlmMachine* tlm() override { return this; }
};

/// The far end of the wire when there is no second machine: injects RX traffic, checks TX traffic.
class Peer : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Peer);
    Peer(sc_core::sc_module_name name, const RunConfig& cfg, wire::Wire& wire, MachineBase& dut);
    void receive(const nic::Frame& frame);
    Scoreboard& tx_board() { return m_tx_board; }
    uint64_t injected() const { return m_injected; }
    bool done() const { return m_done; }
    /// Frames injected within [from_ns, to_ns] (a window in which a reset may lose them).
    uint64_t injected_between(uint64_t from_ns, uint64_t to_ns) const;

  private:
    void inject();
    std::vector<uint64_t> m_inject_ns;  // when each frame was injected (only kept while a reset fault is set)
    const RunConfig& m_cfg;
    wire::Wire& m_wire;
    MachineBase& m_dut;
    Scoreboard m_tx_board{"tx"};
    uint64_t m_injected = 0;
    bool m_done = false;
};

/// Holds frames a pcap file would put on the wire before the DUT's driver is up (its receiver is not enabled yet,
/// so they would all be dropped), and sends them in order the moment it is up; later frames pass straight through.
class HoldUntilDriverUp : public nic::WireSink {
  public:
    explicit HoldUntilDriverUp(nic::WireSink& target) : m_target(target) {}
    void transmit(const nic::Frame& frame) override;
    void release(uint64_t now_ns);
    uint64_t held() const { return m_held_total; }
    bool is_open() const { return m_open; }

  private:
    nic::WireSink& m_target;
    bool m_open = false;
    std::vector<nic::Frame> m_held;
    uint64_t m_held_total = 0;
};

class SystemTop : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(SystemTop);
    /// Opens the outputs first: throws UsageError naming a path that cannot be written or read.
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
    /// Every program finished and every expected frame arrived (or the peer has nothing more to send).
    bool finished() const;
    /// Close VCD and pcap so both are complete on disk (also after an interrupted run).
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
    RunConfig m_cfg;
    std::unique_ptr<Tracer> m_tracer;
    std::unique_ptr<wire::PcapWriter> m_pcap_out;
    wire::Wire m_wire;
    std::unique_ptr<MachineBase> m_dut;
    std::unique_ptr<MachineBase> m_partner;
    std::unique_ptr<Peer> m_peer;
    std::unique_ptr<HoldUntilDriverUp> m_pcap_gate;
    std::unique_ptr<wire::PcapSource> m_pcap_in;
    Scoreboard m_pcap_board{"pcap-in"};
    bool m_link_restored = false;
    uint64_t m_link_up_frames = 0;
    uint64_t m_link_up_lost = 0;
};

/// SystemC report types a fault plan is expected to cause (they do not fail the run; each is counted).
std::vector<std::string> expected_fault_reports(const FaultConfig& faults);

/// Replace the wall-clock date SystemC writes into a VCD header by a fixed text of the same length (in place).
bool normalize_vcd_date(const std::string& path);

}  // namespace nicsim::tb
