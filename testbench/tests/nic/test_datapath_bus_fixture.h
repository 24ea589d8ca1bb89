// The NIC data path on a real PCI bus, for the tests that need bus phases: a PciMasterEngine is the DMA engine's
// port, an arbiter grants the bus, the bus monitor checks every clock, and a memory target of the test's choice
// answers (test_datapath_fixture.h has the context, wire and helpers).
#pragma once

#include <memory>
#include <utility>

#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/master_engine.h"
#include "model/pci/target_engine.h"
#include "testbench/tests/nic/test_datapath_fixture.h"

namespace nicsim::test::dp {

/// The context with a real master engine.
struct BusContext : FakeContext {
    pci::PciMasterEngine* engine = nullptr;
    pci::PciMasterEngine& master() override { return *engine; }
};

/// Bus, arbiter, monitor, a memory target (`Target`, built on the bus from the constructor's last arguments), and the
/// data path behind a PciMasterEngine ticked by a clocked method.
template <class Target>
struct BusBenchOf : sc_core::sc_module {
    BusContext ctx;
    Wire wire;
    pci::PciBus bus;
    pci::Arbiter arbiter;
    pci::BusMonitor monitor;
    Target target;
    std::unique_ptr<NicDataPath> dp;
    std::unique_ptr<pci::PciMasterEngine> master;

    SC_HAS_PROCESS(BusBenchOf);
    template <class... TargetArgs>
    BusBenchOf(sc_core::sc_module_name n, const NicParams& p, const pci::BusConfig& bc, TargetArgs&&... target_args)
        : sc_module(n),
          bus("pci", bc),
          arbiter("arbiter", bus),
          monitor("monitor", bus),
          target("mem", bus, std::forward<TargetArgs>(target_args)...) {
        ctx.p = p;
        ctx.regs[e::RXDCTL] = e::kRxdctlReset;
        dp = std::make_unique<NicDataPath>(ctx, wire);
        master = std::make_unique<pci::PciMasterEngine>(bus, "nic", *dp);
        ctx.engine = master.get();
        master->config().latency_timer = 32;
        monitor.set_latency_timer(master->master_index(), 32);
        dp->reset();
        SC_METHOD(on_clock);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void on_clock() {
        if (master->busy() || master->parked()) master->tick();
        if (dp->busy()) dp->tick();
    }
    /// A register write as the front would forward it: stored, then announced.
    void w(uint32_t offset, uint32_t value) {
        ctx.regs[offset] = value;
        dp->register_written(offset, value);
    }
    uint32_t r(uint32_t offset) const { return ctx.reg(offset); }
};

}  // namespace nicsim::test::dp
