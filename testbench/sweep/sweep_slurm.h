// Sends a sweep to Slurm as one job array: each array task runs a slice of the points (every slices-th point) with
// the same per-point command as the local runner (nicsim sweep --run-slice), into the shared results directory.
#pragma once

#include <string>
#include <vector>

#include "testbench/sweep/sweep_plan.h"

namespace nicsim::sweep {

struct SlurmOptions {
    std::string partition;
    std::string time;                ///< --time for each array task
    std::vector<std::string> extra;  ///< further sbatch arguments (--sbatch-arg)
    unsigned tasks = 0;              ///< array tasks (0: one per point, at most 1000)
};

/// The program `name` on PATH, or "" (Slurm's tools are looked up before anything is written).
std::string find_on_path(const std::string& name);

/// The sbatch script of an array of `tasks` tasks running `exe` on the results directory `dir`.
std::string sbatch_script(const SweepPlan& plan, const std::string& exe, const std::string& dir, unsigned tasks,
                          const SlurmOptions& opt);

/// Submit the script (written to dir/slurm/sweep.sbatch); returns the job id. Throws std::runtime_error with sbatch's
/// message when the submission fails.
std::string submit_array(const std::string& script, const std::string& dir);

/// Whether the job still has tasks pending or running (squeue; accounting is not needed).
bool job_active(const std::string& job_id, const std::string& dir);

/// Cancel the job (scancel), e.g. when the waiting sweep is interrupted.
void cancel_job(const std::string& job_id);

}  // namespace nicsim::sweep
