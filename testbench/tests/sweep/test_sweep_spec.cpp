// Sweep files: the grid, seeds, ranges and the command line of each point; every bad input refused as one line
// naming the file and the line of the offending value.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>

#include "testbench/nicsim/run_config.h"
#include "testbench/sweep/sweep_spec.h"

using namespace nicsim::sweep;
using nicsim::tb::UsageError;

namespace {

SweepPlan parse(const std::string& text) {
    return parse_sweep_text(text, "s.toml", "/spec/dir");
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

const char* kMetrics = "metrics = [\"bus.efficiency_percent\"]\n";

}  // namespace

TEST_CASE("a grid is the cross product of the varied values, last parameter fastest, each with every seed") {
    const SweepPlan p = parse(std::string(kMetrics) +
                              "seeds = [3, 7]\n[base]\npackets = 4\ndirection = \"tx\"\n"
                              "[vary]\nmem-latency = [0, 8]\nmax-transfer = {from = 64, to = 256, factor = 2}\n");
    REQUIRE(p.varied == std::vector<std::string>{"mem-latency", "max-transfer"});
    REQUIRE(p.points.size() == 2 * 3 * 2);
    // Independently: the expected order of nested loops mem-latency { max-transfer { seed } }.
    size_t i = 0;
    for (const char* lat : {"0", "8"})
        for (const char* mt : {"64", "128", "256"})
            for (uint64_t seed : {3u, 7u}) {
                const SweepPoint& pt = p.points.at(i++);
                CHECK(pt.values ==
                      std::vector<std::pair<std::string, std::string>>{{"mem-latency", lat}, {"max-transfer", mt}});
                CHECK(pt.seed == seed);
                CHECK(pt.args == std::vector<std::string>{"--packets", "4", "--direction", "tx", "--mem-latency", lat,
                                                          "--max-transfer", mt, "--seed", std::to_string(seed)});
            }
    CHECK(p.points[0].id == "p0000-s3");
    CHECK(p.points[11].id == "p0005-s7");
    CHECK(p.plot_x == "mem-latency");
    CHECK(p.plot_by == "max-transfer");
}

TEST_CASE("arithmetic ranges include both ends and a seed count means seeds 1..N") {
    const SweepPlan p =
        parse(std::string(kMetrics) + "seeds = 2\n[vary]\nmem-latency = {from = 0, to = 20, step = 5}\n");
    REQUIRE(p.points.size() == 5 * 2);
    CHECK(p.points[8].values[0].second == "20");
    CHECK(p.points[1].seed == 2);
    const SweepPlan g = parse(std::string(kMetrics) + "[vary]\nmax-transfer = {from = 64, to = 1000, factor = 2}\n");
    REQUIRE(g.points.size() == 4);  // 64, 128, 256, 512: the next, 1024, passes 1000
    CHECK(g.points[3].values[0].second == "512");
}

TEST_CASE("the hash of a point follows its command and the sweep's hash follows every point") {
    const SweepPlan a = parse(std::string(kMetrics) + "[vary]\nmem-latency = [0, 8]\n");
    const SweepPlan b = parse(std::string(kMetrics) + "[vary]\nmem-latency = [0, 9]\n");
    CHECK(a.points[0].hash == b.points[0].hash);
    CHECK(a.points[1].hash != b.points[1].hash);
    CHECK(a.hash != b.hash);
    const SweepPlan c = parse("metrics = [\"run.bus_clocks\"]\n[vary]\nmem-latency = [0, 8]\n");
    CHECK(a.hash == c.hash);  // the metrics collected are not part of what was run
}

TEST_CASE("a file path in a sweep file is read from the sweep file's folder") {
    char tmpl[] = "/tmp/sweep-spec-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    const std::string dir = tmpl;
    std::FILE* f = std::fopen((dir + "/s.scn").c_str(), "w");
    REQUIRE(f);
    std::fclose(f);
    const SweepPlan p = parse_sweep_text(
        std::string(kMetrics) + "[base]\nscenario-file = \"s.scn\"\n[vary]\nlink = [100]\n", "s.toml", dir);
    CHECK(p.points[0].args[1] == dir + "/s.scn");
    std::remove((dir + "/s.scn").c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("the plan survives sweep.json") {
    const SweepPlan p = parse(std::string(kMetrics) +
                              "seeds = 2\n[vary]\nplacement = [\"low\", \"high\"]\n"
                              "[plot]\nby = \"seed\"\n");
    const SweepPlan q = plan_from_json(plan_to_json(p));
    CHECK(plan_to_json(q) == plan_to_json(p));
    CHECK(q.points.size() == 4);
    CHECK(q.plot_by == "seed");
}

TEST_CASE("bad sweep files: one line with the file, the line and the problem") {
    using Catch::Matchers::Contains;
    using Catch::Matchers::StartsWith;
    const std::string m = kMetrics;  // line 1
    CHECK_THAT(error_of(m + "[vary]\nmax-transfr = [64]\n"), StartsWith("s.toml:3: unknown parameter 'max-transfr'"));
    CHECK_THAT(error_of(m + "[vary]\nmem-latency = [0,\n 65]\n"),
               StartsWith("s.toml:4: --mem-latency: expected an integer from 0 to 64, got '65'"));
    CHECK_THAT(error_of(m + "[vary]\nmem-latency = {from = 0, to = 80, step = 40}\n"),
               StartsWith("s.toml:3: --mem-latency") && Contains("'80'"));
    CHECK_THAT(error_of(m + "[base]\nbus-width = 48\n[vary]\nlink = [100]\n"), StartsWith("s.toml:3: --bus-width"));
    CHECK_THAT(error_of(m + "[vary]\nmax-transfer = []\n"), StartsWith("s.toml:3: empty grid"));
    CHECK_THAT(error_of(m + "[vary]\nmem-latency = {from = 9, to = 1, step = 1}\n"),
               StartsWith("s.toml:3: empty grid"));
    CHECK_THAT(error_of(m + "[vary]\n"), StartsWith("s.toml:2: empty grid"));
    CHECK_THAT(error_of(m + "seeds = []\n[vary]\nlink = [100]\n"), StartsWith("s.toml:2: empty grid"));
    CHECK_THAT(error_of(m + "[vary]\nseed = [1, 2]\n"), StartsWith("s.toml:3: 'seed' is not a sweep parameter"));
    CHECK_THAT(error_of(m + "[vary]\nvcd = [\"a.vcd\"]\n"), StartsWith("s.toml:3: 'vcd' is not a sweep parameter"));
    CHECK_THAT(error_of(m + "[vary]\nlink = 100\n"), StartsWith("s.toml:3: 'link' needs a list"));
    CHECK_THAT(error_of(m + "[vary]\nlink = [100]\n[base]\nlink = 10\n"), StartsWith("s.toml:3: 'link' is both"));
    CHECK_THAT(error_of(m + "packets = 4\n[vary]\nlink = [100]\n"),
               StartsWith("s.toml:2: unknown key 'packets' (nicsim parameters go in [base] or [vary])"));
    CHECK_THAT(error_of("[vary]\nlink = [100]\n"), StartsWith("s.toml:1: 'metrics' is missing"));
    CHECK_THAT(error_of(m + "[vary]\nlink = [100]\n[plot]\nx = \"mem-latency\"\n"),
               StartsWith("s.toml:5: plot x 'mem-latency' is not a varied parameter"));
    CHECK_THAT(error_of(m + "[vary]\nlink = [100\n"), StartsWith("s.toml:"));
    // A combination nicsim refuses as a whole (a bus fault in TLM mode) is refused with the [vary] line.
    CHECK_THAT(error_of(m + "[base]\nbus-model = \"tlm\"\n[vary]\nfault = [\"retry:0.1\"]\n"),
               StartsWith("s.toml:4: the point fault=retry:0.1: --fault retry"));
    for (const std::string& e : {error_of(m + "[vary]\nmax-transfer = []\n"), error_of(m + "[vary]\nlink = [100\n")})
        CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("metrics are keys of the statistics JSON, an unknown one is refused with its line") {
    const std::set<std::string> known{"bus.efficiency_percent", "run.bus_clocks"};
    const std::string text = "metrics = [\"run.bus_clocks\",\n  \"bus.efficiency\"]\n[vary]\nlink = [100]\n";
    try {
        check_metrics(text, "s.toml", known);
        FAIL("an unknown metric was accepted");
    } catch (const UsageError& e) {
        CHECK_THAT(e.what(), Catch::Matchers::StartsWith("s.toml:2: unknown metric 'bus.efficiency'") &&
                                 Catch::Matchers::Contains("did you mean bus.efficiency_percent?"));
    }
    CHECK_NOTHROW(check_metrics("metrics = [\"run.bus_clocks\"]\n", "s.toml", known));
}
