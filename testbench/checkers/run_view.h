// What the statistics tables read after a run: the run's machines, configuration and how it ended.
#pragma once

#include "testbench/checkers/run_stats.h"
#include "testbench/machine/system_top.h"

namespace nicsim::tb {

struct RunView {
    SystemTop& top;
    const RunConfig& cfg;
    MachineBase& dut;
    MachineBase* partner;  ///< the second machine of a back-to-back run, else null
    Machine* pin;          ///< the DUT at pin level; null with --bus-model tlm
    const RunOutcome& out;

    RunView(SystemTop& t, const RunOutcome& o)
        : top(t), cfg(t.config()), dut(t.machine()), partner(t.partner()), pin(t.machine().pin()), out(o) {}
    const nic::DataPathStats& data_path() const { return dut.nic_device().data_path().stats(); }
};

/// One machine of the run, for tables that read either machine.
struct MachineView {
    MachineBase& m;
};

/// The bus section (the monitor's at pin level, the fast mode's counts with tlm) and each bus master's.
void add_bus_stats(RunStats& s, const RunView& run);
/// The NIC's dma, descriptors and nic sections.
void add_nic_stats(RunStats& s, const RunView& run);
/// The host section: CPU, NDIS and HAL counts.
void add_host_stats(RunStats& s, const RunView& run);
/// The checks section: the monitors' and checkers' violations of both machines, driver failures.
void add_check_stats(RunStats& s, const RunView& run);
/// The faults section (collect_fault_stats.cpp): the plan and the evidence each fault took effect.
void add_faults(RunStats& s, const RunView& run);

}  // namespace nicsim::tb
