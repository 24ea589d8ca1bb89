// The sweep file (TOML, docs/sweeps.md): the fixed parameters ([base]), the grid ([vary]: lists or ranges), the
// seeds, the metrics and the plot. Every value is checked by nicsim's own parameter parsers and every point's whole
// command line by nicsim's own command-line parser, so a sweep refuses exactly what nicsim would refuse, before
// anything runs; each refusal is one UsageError naming the file and line.
#pragma once

#include <set>
#include <string>

#include "testbench/sweep/sweep_plan.h"

namespace nicsim::sweep {

/// Most points (grid points x seeds) one sweep may have.
constexpr size_t kMaxPoints = 100000;

/// Parse and validate sweep file text; `where` names it in messages, `dir` resolves relative file paths in it.
SweepPlan parse_sweep_text(const std::string& text, const std::string& where, const std::string& dir);
/// Read and parse a sweep file.
SweepPlan load_sweep_file(const std::string& path);

/// Refuse a metric not in `known` (dotted statistics JSON paths), naming the metric's line of the sweep file.
void check_metrics(const std::string& text, const std::string& where, const std::set<std::string>& known);

}  // namespace nicsim::sweep
