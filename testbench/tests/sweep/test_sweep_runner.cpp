// The local runner and the results directory, driven with a scripted stand-in for nicsim (a shell script that
// passes, fails a check, crashes or runs slowly by the point's --mem-latency), so each outcome is certain.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "testbench/nicsim/run_config.h"
#include "testbench/sweep/sweep_runner.h"
#include "testbench/sweep/sweep_spec.h"
#include "testbench/sweep/sweep_store.h"

using namespace nicsim::sweep;
using nicsim::tb::UsageError;

namespace {

// mem-latency 1: passes (efficiency 11.5); 2: a check fails (FAIL statistics, exit 1); 3: killed by SIGSEGV;
// 4: passes slowly. Every run records how many runs were alive at once.
const char* kStandIn = R"(#!/bin/sh
lat=0; out=""
while [ $# -gt 0 ]; do
  case "$1" in --mem-latency) lat=$2; shift;; --stats-json) out=$2; shift;; esac; shift
done
dir=$(dirname "$0")
mkdir "$dir/alive.$$"; ls -d "$dir"/alive.* | wc -l >> "$dir/concurrency"
sleep 0.3
rmdir "$dir/alive.$$"
case $lat in
  1) printf '{"bus": {"efficiency_percent": 11.5}, "checks": {"verdict": "pass"}}' > "$out"; echo "table";;
  2) printf '{"bus": {"efficiency_percent": 22}, "checks": {"verdict": "FAIL"}}' > "$out"
     echo "nicsim: check failed: receive: 3 frames missing" >&2; echo "nicsim: seed 1; replay" >&2; exit 1;;
  3) kill -SEGV $$;;
  *) sleep 0.2; printf '{"bus": {"efficiency_percent": 44}, "checks": {"verdict": "pass"}}' > "$out";;
esac
)";

struct Scratch {
    std::string dir;
    Scratch() {
        char tmpl[] = "/tmp/sweep-runner-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        dir = tmpl;
    }
    ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) const {
        const std::string p = dir + "/" + name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
};

std::string slurp(const std::string& path) {
    std::string s;
    read_file(path, s);
    return s;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.push_back(cell);
                cell.clear();
            } else {
                cell += c;
            }
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

SweepPlan stand_in_plan(const std::string& lat) {
    SweepPlan p = parse_sweep_text(
        "metrics = [\"bus.efficiency_percent\", \"checks.verdict\"]\n[vary]\nmem-latency = [" + lat + "]\n", "t.toml",
        ".");
    p.name = "t";
    return p;
}

std::vector<size_t> all_of(const SweepPlan& p) {
    std::vector<size_t> v(p.points.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = i;
    return v;
}

}  // namespace

TEST_CASE("the runner runs points in parallel, records failures and crashes, and resumes") {
    Scratch s;
    RunnerOptions opt;
    opt.exe = s.write("nicsim", kStandIn, 0755);
    opt.jobs = 2;
    const SweepPlan plan = stand_in_plan("1, 2, 3, 4");
    const std::string out = s.dir + "/out";
    prepare_results_dir(out, plan, "text", false);

    const RunnerSummary first = run_points(plan, out, all_of(plan), opt);
    CHECK(first.ran == 4);
    CHECK(first.skipped == 0);
    CHECK(first.failed == 2);
    // Never more than --jobs at once, and more than one at some moment.
    unsigned most = 0, n = 0;
    std::istringstream conc(slurp(s.dir + "/concurrency"));
    while (conc >> n) most = std::max(most, n);
    CHECK(most == 2);

    PointResult r;
    REQUIRE(read_point_result(out, plan.points[1], r));
    CHECK(r.exit_status == 1);
    CHECK(r.message == "check failed: receive: 3 frames missing");
    REQUIRE(read_point_result(out, plan.points[2], r));
    CHECK(r.exit_status == 128 + 11);
    CHECK(r.message == "ended by signal 11");
    CHECK(point_complete(out, plan.points[0]));
    CHECK(point_complete(out, plan.points[1]));  // a failed check is a result
    CHECK_FALSE(point_complete(out, plan.points[2]));
    CHECK(slurp(log_path(out, plan.points[0])) == "table\n");

    const size_t bad = write_results_csv(out, plan);
    CHECK(bad == 2);
    const auto rows = csv_rows(slurp(out + "/results.csv"));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == std::vector<std::string>{"point", "seed", "mem-latency", "status", "exit_status", "message",
                                              "bus.efficiency_percent", "checks.verdict", "run_wall_time_s"});
    CHECK(std::vector<std::string>(rows[1].begin(), rows[1].end() - 1) ==
          std::vector<std::string>{"p0000-s1", "1", "1", "ok", "0", "", "11.5", "pass"});
    CHECK(std::vector<std::string>(rows[2].begin(), rows[2].end() - 1) ==
          std::vector<std::string>{"p0001-s1", "1", "2", "failed", "1", "check failed: receive: 3 frames missing", "22",
                                   "FAIL"});
    CHECK(std::vector<std::string>(rows[3].begin(), rows[3].end() - 1) ==
          std::vector<std::string>{"p0002-s1", "1", "3", "error", "139", "ended by signal 11", "", ""});
    CHECK(rows[4][6] == "44");
    CHECK(std::stod(rows[4].back()) >= 0.5);  // the slow point's own wall time

    // Resume: the complete points are kept, only the crashed one runs again.
    std::remove((s.dir + "/concurrency").c_str());
    const RunnerSummary second = run_points(plan, out, all_of(plan), opt);
    CHECK(second.skipped == 3);
    CHECK(second.ran == 1);
    CHECK(slurp(s.dir + "/concurrency") == "1\n");
}

TEST_CASE("a point whose command changed is not complete and a stale statistics file is not a result") {
    Scratch s;
    RunnerOptions opt;
    opt.exe = s.write("nicsim", kStandIn, 0755);
    const SweepPlan plan = stand_in_plan("1");
    const std::string out = s.dir + "/out";
    prepare_results_dir(out, plan, "text", false);
    run_points(plan, out, all_of(plan), opt);
    REQUIRE(point_complete(out, plan.points[0]));
    SweepPoint changed = plan.points[0];
    changed.hash = "0000000000000000";
    CHECK_FALSE(point_complete(out, changed));
    s.write("out/points/p0000-s1/stats.json", "{\"checks\": {\"verd");
    CHECK_FALSE(point_complete(out, plan.points[0]));
}

TEST_CASE("a results directory of another sweep is refused unless forced, a foreign non-empty folder too") {
    Scratch s;
    const std::string out = s.dir + "/out";
    prepare_results_dir(out, stand_in_plan("1"), "a", false);
    CHECK_NOTHROW(prepare_results_dir(out, stand_in_plan("1"), "a", false));
    CHECK_THROWS_WITH(
        prepare_results_dir(out, stand_in_plan("1, 2"), "b", false),
        Catch::Matchers::Contains("holds the results of another sweep ('t'") && Catch::Matchers::Contains("--force"));
    CHECK_NOTHROW(prepare_results_dir(out, stand_in_plan("1, 2"), "b", true));
    CHECK(read_results_plan(out).points.size() == 2);
    ::mkdir((s.dir + "/other").c_str(), 0777);
    s.write("other/file", "x");
    CHECK_THROWS_AS(prepare_results_dir(s.dir + "/other", stand_in_plan("1"), "a", false), UsageError);
}

TEST_CASE("the failure message is the first failed check, else the last message, else the way it ended") {
    CHECK(failure_message("x\nnicsim: warning: w\nnicsim: check failed: a\nnicsim: check failed: b\n", 1) ==
          "check failed: a");
    CHECK(failure_message("nicsim: --packets: bad\n", 2) == "--packets: bad");
    CHECK(failure_message("", 137) == "ended by signal 9");
    CHECK(failure_message("", 3) == "exit status 3");
}

TEST_CASE("statistics keys are the dotted paths of the JSON's values") {
    const auto keys = stats_keys(R"({"schema_version": 1, "bus": {"efficiency_percent": 1.5, "mr": 3},
                                     "notes": {"nicsim/nic/note/x": 2}, "checks": {"failures": ["a"]}})");
    CHECK(keys ==
          std::set<std::string>{"schema_version", "bus.efficiency_percent", "bus.mr", "notes.nicsim/nic/note/x"});
}
