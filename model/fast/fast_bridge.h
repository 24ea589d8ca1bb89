// The fast mode's host bridge: the CPU's configuration, memory (MMIO) and I/O cycles go straight to the device's
// target interface (pci::TargetClient: the same claim/read/write calls the PCI target engine makes), as TLM-2.0
// blocking transport with an annotated delay instead of bus phases: the cycle takes its clocks on the bus timeline
// (BusTimeline: the arbiter's parking and hand-over, the NIC's bursts around it), no bus wires.
//
// Properties (FastBridgeParams): read_clocks, write_clocks, clock_ns (the annotated delay of one CPU cycle).
// Hardware interface: three simple_target_sockets (cpu_mem, cpu_io, cpu_cfg) bound from HostCpu; devices added with
// add_device(device number, client).
// Software interface: none (the CPU's requests are the interface).
// Diagnostics: "nicsim/fast/cpu-request" (a request the pin-level bridge refuses too: no data, byte enables,
// streaming, more than one dword), "nicsim/fast/master-abort" (memory or I/O address nobody claims; configuration
// reads of an empty slot return all ones without one, as on the pin-level bridge), "nicsim/fast/target-retry" (the
// device refused the data phase, or kept it waiting for more than 16 clocks: all ones, error response).
#pragma once

#include <cstdint>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "model/fast/bus_timeline.h"
#include "model/pci/pci_bus.h"
#include "model/pci/target_engine.h"

namespace nicsim::fast {

struct FastBridgeParams {
    unsigned read_clocks = 4;   ///< address phase to the CPU's answer: address, turnaround, data phase, idle clock
    unsigned write_clocks = 4;  ///< address phase to completion: address, data phase, idle clock, PERR# clock
    double clock_ns = 15.0;     ///< bus clock period the delays are counted in (15 = 66 MHz, 30 = 33 MHz)
};

struct FastBridgeStats {
    uint64_t cfg_cycles = 0;     ///< configuration requests forwarded
    uint64_t mem_cycles = 0;     ///< memory requests forwarded
    uint64_t io_cycles = 0;      ///< I/O requests forwarded
    uint64_t master_aborts = 0;  ///< requests no device claimed
    uint64_t errors = 0;         ///< requests refused (bad shape, target retry)
};

class FastBridge : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<FastBridge> cpu_mem;  ///< from HostCpu::cpu_mem
    tlm_utils::simple_target_socket<FastBridge> cpu_io;   ///< from HostCpu::cpu_io
    tlm_utils::simple_target_socket<FastBridge> cpu_cfg;  ///< from HostCpu::cpu_cfg

    /// `bus` (optional): a CPU cycle waits while its RST# is asserted, as the pin-level bridge's would. `timeline`
    /// (optional): the bus the cycles share with the NIC's bursts; without one the bridge has a bus of its own.
    FastBridge(sc_core::sc_module_name name, const FastBridgeParams& params = {}, const pci::PciBus* bus = nullptr,
               BusTimeline* timeline = nullptr);

    /// A device answering as `device` (its IDSEL line) through `client`.
    void add_device(unsigned device, pci::TargetClient& client);
    const FastBridgeStats& stats() const { return m_stats; }

  private:
    enum class Space : uint8_t { Mem, Io, Cfg };
    struct Device {
        unsigned number;
        pci::TargetClient* client;
    };

    void mem_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Mem, gp, delay); }
    void io_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Io, gp, delay); }
    void cfg_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Cfg, gp, delay); }
    void transport(Space space, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    bool request_ok(Space space, tlm::tlm_generic_payload& gp);
    void take_bus_time(bool write, sc_core::sc_time& delay);
    pci::TargetAccess address_phase(Space space, const tlm::tlm_generic_payload& gp, unsigned& device);
    pci::TargetClient* claim(Space space, pci::TargetAccess& acc, unsigned device);
    void master_abort(Space space, tlm::tlm_generic_payload& gp, const pci::TargetAccess& acc);
    pci::TargetReply data_phase(pci::TargetClient& target, const pci::TargetAccess& acc, tlm::tlm_generic_payload& gp,
                                sc_core::sc_time& delay);

    FastBridgeParams m_params;
    const pci::PciBus* m_bus;
    BusTimeline m_own_timeline;
    BusTimeline* m_timeline;
    sc_core::sc_time m_clock;
    std::vector<Device> m_devices;
    FastBridgeStats m_stats;
};

}  // namespace nicsim::fast
