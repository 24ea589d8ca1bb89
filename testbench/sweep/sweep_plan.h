// A design-space sweep as nicsim runs it: the grid of points (each one nicsim run with its own command line and
// seed), the metrics collected from each run's statistics JSON, and what --plot draws. sweep_spec.h reads it from a
// sweep file; the plan is stored as sweep.json in the results directory, so the runner, the Slurm array tasks and
// --collect all work from the same list of commands.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nicsim::sweep {

/// One run: grid point `index` with `seed`.
struct SweepPoint {
    std::string id;  ///< directory name under points/: p<index>-s<seed>
    unsigned index = 0;
    uint64_t seed = 0;
    std::vector<std::pair<std::string, std::string>> values;  ///< the varied parameters, in the file's order
    std::vector<std::string> args;                            ///< nicsim's arguments, outputs not included
    std::string hash;                                         ///< of args: a point's results belong to this command
};

struct SweepPlan {
    std::string name;                 ///< the sweep file's stem
    std::vector<std::string> varied;  ///< parameter names, in the file's order
    std::vector<std::string> metrics;
    std::string plot_x, plot_by;  ///< what --plot draws against (defaults: the first and second varied parameter)
    std::vector<std::string> plot_y;
    std::vector<SweepPoint> points;
    std::string hash;  ///< of every point's id and hash: which sweep a results directory holds
};

/// FNV-1a 64 of the strings (each ended by a NUL), as 16 hex digits.
std::string hash_strings(const std::vector<std::string>& parts);

/// sweep.json: the plan as JSON and back. from_json throws std::runtime_error on a malformed document.
std::string plan_to_json(const SweepPlan& plan);
SweepPlan plan_from_json(const std::string& text);

}  // namespace nicsim::sweep
