// nicsim_bench's command line: what to measure and for how long, or one fixed run for a profiler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nicsim::bench {

/// The measurements --only may name, in report order (the t-rows are the fast mode, --bus-model tlm).
extern const std::vector<std::string> kMeasurements;
/// The configurations --profile may run.
extern const std::vector<std::string> kProfiles;

struct Options {
    double seconds = 8.0;
    int rounds = 1;
    double long_seconds = 120.0;
    uint64_t long_packets = 10'000'000;
    uint64_t detail_packets = 1'000'000;  // tdetail: frames moved by each of its two runs
    std::vector<std::string> only;        // empty: every measurement
    std::string self_dir;
    std::string profile;  // non-empty: no measurement, run this configuration for profile_clocks
    uint64_t profile_clocks = 0;

    bool wants(const std::string& name) const;
};

/// Fills `o` from the command line. When the program ends here, the exit status: 0 after --help, 2 after one line
/// on stderr naming what is wrong (nothing has run and nothing is printed on stdout).
std::optional<int> parse_options(int argc, char* argv[], Options& o);

}  // namespace nicsim::bench
