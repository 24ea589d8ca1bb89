// Runs sweep points on this machine: each point one nicsim process (this same program) with its own folder under
// the results directory, up to `jobs` at a time, complete points skipped. SIGINT, SIGTERM and SIGHUP stop the
// running points (they finish their outputs as nicsim does on a signal) and start no more; finished points keep
// their complete results.
#pragma once

#include <string>
#include <vector>

#include "testbench/sweep/sweep_plan.h"

namespace nicsim::sweep {

struct RunnerOptions {
    unsigned jobs = 1;
    bool progress = false;  ///< the progress line on stderr
    std::string exe;        ///< the nicsim program each point runs
    std::string label = "sweep";
};

struct RunnerSummary {
    size_t skipped = 0;  ///< complete before this run
    size_t ran = 0;
    size_t failed = 0;    ///< of them, exit status not 0
    int stop_signal = 0;  ///< the signal that stopped the sweep, or 0
};

/// The nicsim command line of a point (what the runner and a Slurm array task execute).
std::vector<std::string> point_command(const std::string& exe, const std::string& dir, const SweepPoint& p);

/// Run the points `which` (indices into plan.points) that are not complete.
RunnerSummary run_points(const SweepPlan& plan, const std::string& dir, const std::vector<size_t>& which,
                         const RunnerOptions& opt);

/// Run a command to its end with its standard output and error going to `log` (a file); returns the exit status
/// as a shell reports it (128 + N for signal N), or -1 when it could not start.
int run_command(const std::vector<std::string>& argv, const std::string& log);

/// This program's path (/proc/self/exe).
std::string self_exe();

/// Install the handlers the runner polls; the first stop signal received, or 0.
void catch_sweep_signals();
int sweep_stop_signal();

}  // namespace nicsim::sweep
