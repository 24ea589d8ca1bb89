// Judging: a statistics record and what the run was asked to do (its configuration and how it ended) give a verdict
// with one reason per failed check. The record is the only evidence: a check reads rows, never the machine.
#pragma once

#include <string>
#include <vector>

#include "testbench/checkers/run_stats.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

struct Verdict {
    std::vector<std::string> reasons;  ///< one line per failed check (empty: pass)
    uint64_t tx_losses_accepted = 0;   ///< frames the faults (or an overrun the machine cannot avoid) may lose
    uint64_t rx_losses_accepted = 0;
    /// Back to back: the partner's receive overruns, which lose frames of the transmit board.
    uint64_t partner_overruns_accepted = 0;
    bool judged_losses = false;  ///< the accepted-loss rows apply (a lossy run that completed)
    bool overrun_inevitable = false;
    bool partner_overrun_inevitable = false;  ///< the same rule for the partner's bus, back to back
    bool interrupted = false;  ///< a signal (or a failed output) stopped the run: it proved nothing about the rest
    bool pass() const { return reasons.empty() && !interrupted; }
};

/// Judge the run. `outcome.failures` (outputs that could not be written, ...) are reasons too.
Verdict judge(const RunStats& stats, const RunConfig& cfg, const RunOutcome& outcome);
/// Add the verdict to the record: the accepted losses, checks.verdict and checks.failures.
void record_verdict(RunStats& stats, const Verdict& verdict);

}  // namespace nicsim::tb
