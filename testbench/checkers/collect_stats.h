// Collecting: the machine's counters after a run, as one statistics record. Nothing here decides pass or fail;
// every number the verdict (verdict.h) needs is a row of the record.
#pragma once

#include "testbench/checkers/run_stats.h"

namespace nicsim::tb {

class SystemTop;

/// Every statistic of the run, section by section (run, transmit, receive, bus, dma, descriptors, nic, host,
/// faults, checks). The wall-clock section is added last by add_wall_clock.
RunStats collect_stats(SystemTop& top, const RunOutcome& outcome);

/// The host machine's share (wall time, memory): the only rows that differ between two runs of one seed.
void add_wall_clock(RunStats& stats, const RunOutcome& outcome, uint64_t bus_clocks);

}  // namespace nicsim::tb
