// The results directory of a sweep: sweep.json (the plan), sweep.toml (the file it came from), points/<id>/ (one
// run's stats.json, its log and point.json: the command's hash, exit status and message, written when the run
// ended) and results.csv. A point is complete when point.json matches the point's command and the run produced a
// finished statistics JSON (verdict pass or FAIL); anything else is run again.
#pragma once

#include <set>
#include <string>

#include "testbench/sweep/sweep_plan.h"

namespace nicsim::sweep {

/// How one run ended, as point.json records it.
struct PointResult {
    int exit_status = -1;  ///< as a shell reports it: the code, or 128 + N when signal N ended the process
    std::string message;   ///< why it failed (the first failed check or the last message), empty when it passed
    double wall_seconds = 0;
};

std::string point_dir(const std::string& dir, const SweepPoint& p);
std::string stats_path(const std::string& dir, const SweepPoint& p);
std::string log_path(const std::string& dir, const SweepPoint& p);

/// Make `dir` hold `plan`: a new or empty folder is set up; one of the same sweep is kept (its complete points are
/// reused); one of another sweep, or any other non-empty folder, is refused (UsageError) unless `force`.
void prepare_results_dir(const std::string& dir, const SweepPlan& plan, const std::string& spec_text, bool force);
/// The plan a results directory holds; UsageError when it holds none.
SweepPlan read_results_plan(const std::string& dir);

bool point_complete(const std::string& dir, const SweepPoint& p);
/// Forget a point's old outputs before it runs again.
void clear_point(const std::string& dir, const SweepPoint& p);
void write_point_result(const std::string& dir, const SweepPoint& p, const PointResult& r);
/// point.json of a point when it belongs to the point's command; false when absent or stale.
bool read_point_result(const std::string& dir, const SweepPoint& p, PointResult& r);
/// The message a failed run left in its log.
std::string failure_message(const std::string& log_text, int exit_status);

/// Every dotted key of a statistics JSON document ("bus.efficiency_percent", "schema_version").
std::set<std::string> stats_keys(const std::string& json_text);

/// Write results.csv; returns the number of points that failed or have no result.
size_t write_results_csv(const std::string& dir, const SweepPlan& plan);

bool read_file(const std::string& path, std::string& text);

}  // namespace nicsim::sweep
