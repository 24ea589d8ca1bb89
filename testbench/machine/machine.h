// The machine: one host and its NIC, built from one MachineConfig by build_machine(), on either bus model.
//   pin (Machine):    PCI bus with its arbiter and protocol monitor, the host (memory behind the DMA verifier, host
//                     bridge, CPU) and the 82540EM-style NIC; every CPU cycle and DMA burst is a bus transaction.
//   tlm (TlmMachine): the same CPU, memory, verifier and NIC on fast::FastMachine (TLM-2.0 FastBridge and
//                     FastDmaPort): no arbiter, monitor or host bridge.
// nicsim, nicsim_bench and the tests that need a machine all build it here; a test that needs less switches parts off
// in its MachineConfig (no DMA checking, no tracing, no run program) and installs its own CPU program
// (install_program). The wire, the peer, the second machine of a back-to-back run and the timed faults belong to the
// run (SystemTop).
#pragma once

#include <memory>

#include <systemc>

#include "model/fast/fast_machine.h"
#include "model/host/host_system.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/pci_bus.h"
#include "testbench/machine/cpu_platform.h"
#include "testbench/machine/machine_config.h"
#include "testbench/machine/run_program.h"

namespace nicsim::tb {

class Machine;
class TlmMachine;
class DetailMachine;

/// What both bus models have, and the record of the run program its CPU runs (RunProgram: empty when the
/// configuration has no run).
class MachineBase : public sc_core::sc_module, public RunProgram {
  public:
    /// With tlm the bus carries only the clock, device numbering and INTA#.
    virtual pci::PciBus& pci_bus() = 0;
    virtual nic::Nic82540em& nic_device() = 0;
    virtual host::HostCpu& host_cpu() = 0;
    virtual host::HostMemory& host_memory() = 0;
    virtual host::DmaVerifier& dma_verifier() = 0;
    /// The pin-level machine (arbiter, bus monitor, host bridge), or null with tlm.
    virtual Machine* pin() { return nullptr; }
    /// The fast-mode machine (FastBridge, FastDmaPort), or null with pin.
    virtual TlmMachine* tlm() { return nullptr; }
    /// The machine with both bus models (--detail-from, testbench/machine/detail_machine.h), or null.
    virtual DetailMachine* detail() { return nullptr; }
    const MachineConfig& config() const { return m_config; }
    /// Trace into `tf` what the configuration asks for (the bus lines on the pin-level bus, the NIC's state); the
    /// builder calls it with MachineConfig::trace_file, a run that opens its VCD later calls it itself.
    void trace(sc_core::sc_trace_file* tf);
    /// The host software's lower edge over this machine's CPU, memory and DMA verifier.
    CpuPlatform& platform();
    Mac mac() const;
    uint64_t nic_rx_losses() const override;
    uint64_t nic_rx_written() const override;

  protected:
    MachineBase(sc_core::sc_module_name name, const MachineConfig& cfg);
    /// The derived constructor calls these once its parts exist: trace(config().trace_file), and the
    /// run program (if any) handed to the CPU.
    void install_run_program();

  private:
    MachineConfig m_config;
    std::unique_ptr<CpuPlatform> m_platform;  // made on first use, once the derived class's parts exist
};

/// The pin-level machine (bus_model pin, the default).
class Machine : public MachineBase {
  public:
    pci::PciBus bus;
    pci::BusMonitor monitor;
    host::HostSystem host;
    nic::Nic82540em nic;
    pci::Arbiter arbiter;

    Machine(sc_core::sc_module_name name, const MachineConfig& cfg);
    ~Machine() override { release_driver(); }

    pci::PciBus& pci_bus() override { return bus; }
    nic::Nic82540em& nic_device() override { return nic; }
    host::HostCpu& host_cpu() override { return host.cpu; }
    host::HostMemory& host_memory() override { return host.memory; }
    host::DmaVerifier& dma_verifier() override { return host.verifier; }
    Machine* pin() override { return this; }

  protected:
    /// `finish` false: the derived class binds the CPU's and the host bridge's paths itself (HostSystemParams::
    /// bind_paths) and calls finish_construction() once its parts exist.
    Machine(sc_core::sc_module_name name, const MachineConfig& cfg, bool finish);
    /// Tracing and the run program, once every part exists.
    void finish_construction();
};

/// The TLM-2.0 fast machine (bus_model tlm).
class TlmMachine : public MachineBase {
  public:
    fast::FastMachine fast;

    /// Throws std::invalid_argument for parts the fast mode does not have (host bridge faults).
    TlmMachine(sc_core::sc_module_name name, const MachineConfig& cfg);
    ~TlmMachine() override { release_driver(); }

    pci::PciBus& pci_bus() override { return fast.bus; }
    nic::Nic82540em& nic_device() override { return fast.nic; }
    host::HostCpu& host_cpu() override { return fast.cpu; }
    host::HostMemory& host_memory() override { return fast.memory; }
    host::DmaVerifier& dma_verifier() override { return fast.verifier; }
    TlmMachine* tlm() override { return this; }
};

/// The builder: the machine `cfg` describes, a Machine, a TlmMachine or (MachineConfig::both_bus_models) a
/// DetailMachine.
std::unique_ptr<MachineBase> build_machine(const char* name, const MachineConfig& cfg);

}  // namespace nicsim::tb
