#include "bench/bench_options.h"

#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>

namespace nicsim::bench {

const std::vector<std::string> kMeasurements = {"ref",    "full", "full64", "vcd",    "fst",  "idle",
                                                "pinh",   "fast", "tfull",  "eff",    "line", "small",
                                                "tsmall", "long", "tlong",  "tdetail"};
const std::vector<std::string> kProfiles = {"full", "full64", "vcd", "fst", "pin", "fast", "tfull", "small", "tsmall"};

bool Options::wants(const std::string& name) const {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}

namespace {

/// CLI11's PositiveNumber names the largest double in its message; this one says what is wanted.
const CLI::Validator kPositive(
    [](std::string& text) {
        double v = 0;
        return CLI::detail::lexical_cast(text, v) && v > 0 ? std::string() : "must be positive, not " + text;
    },
    "POSITIVE");

void declare(CLI::App& app, Options& o, std::vector<std::string>& profile) {
    app.add_option("--seconds", o.seconds, "wall-clock budget of each speed measurement (default 8)")->check(kPositive);
    app.add_option("--rounds", o.rounds,
                   "measure the speed rows N times in turn and judge the targets on the medians of the rounds' "
                   "ratios (default 1)")
        ->check(CLI::Range(1, 99));
    app.add_option("--long-seconds", o.long_seconds, "wall budget of the long small-packet runs (default 120)")
        ->check(kPositive);
    app.add_option("--long-packets", o.long_packets, "packet target of the long runs (default 10 M)")->check(kPositive);
    app.add_option("--detail-packets", o.detail_packets, "frames of each run of the tdetail row (default 1 M)")
        ->check(kPositive);
    app.add_option("--only", o.only, "run only these measurements, comma-separated")
        ->delimiter(',')
        ->check(CLI::IsMember(kMeasurements));
    app.add_option("--profile", profile,
                   "no measurement: run WHAT for exactly CLOCKS bus clocks in this process (for callgrind)")
        ->expected(2)
        ->type_name("WHAT CLOCKS");
}

}  // namespace

std::optional<int> parse_options(int argc, char* argv[], Options& o) {
    CLI::App app{"nicsim_bench: simulation speed, bus efficiency, line rate, small packets and memory in one run",
                 "nicsim_bench"};
    std::vector<std::string> profile;
    declare(app, o, profile);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return 0;
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "nicsim_bench: %s\n", e.what());
        return 2;
    }
    if (app.count("--profile") == 0) return std::nullopt;
    if (std::find(kProfiles.begin(), kProfiles.end(), profile[0]) == kProfiles.end() ||
        !CLI::detail::lexical_cast(profile[1], o.profile_clocks) || o.profile_clocks == 0) {
        std::fprintf(stderr,
                     "nicsim_bench: --profile takes full, full64, vcd, fst, pin, fast, tfull, small or tsmall and a "
                     "positive number of clocks\n");
        return 2;
    }
    o.profile = profile[0];
    return std::nullopt;
}

}  // namespace nicsim::bench
