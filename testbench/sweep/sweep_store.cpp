#include "testbench/sweep/sweep_store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "testbench/nicsim/output_file.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::sweep {
namespace {

using json = nlohmann::ordered_json;
using tb::UsageError;

bool make_dir(const std::string& path) {
    return ::mkdir(path.c_str(), 0777) == 0 || errno == EEXIST;
}

bool dir_empty(const std::string& path) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return true;
    bool empty = true;
    while (const dirent* e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
    ::closedir(d);
    return empty;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// The value at a dotted path: the whole name first (top-level keys), else section "." key (keys may hold dots).
const json* lookup(const json& doc, const std::string& path) {
    if (doc.contains(path)) return &doc.at(path);
    const size_t dot = path.find('.');
    if (dot == std::string::npos) return nullptr;
    const std::string sec = path.substr(0, dot), key = path.substr(dot + 1);
    if (!doc.contains(sec) || !doc.at(sec).is_object() || !doc.at(sec).contains(key)) return nullptr;
    return &doc.at(sec).at(key);
}

std::string cell(const json* v) {
    if (!v) return "";
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();
    return "";
}

std::string status_name(bool have, const PointResult& r) {
    if (!have) return "not run";
    if (r.exit_status == 0) return "ok";
    return r.exit_status == 1 ? "failed" : "error";
}

}  // namespace

std::string point_dir(const std::string& dir, const SweepPoint& p) {
    return dir + "/points/" + p.id;
}
std::string stats_path(const std::string& dir, const SweepPoint& p) {
    return point_dir(dir, p) + "/stats.json";
}
std::string log_path(const std::string& dir, const SweepPoint& p) {
    return point_dir(dir, p) + "/log";
}

bool read_file(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
    return !in.bad();
}

void prepare_results_dir(const std::string& dir, const SweepPlan& plan, const std::string& spec_text, bool force) {
    std::string old;
    if (read_file(dir + "/sweep.json", old)) {
        std::string old_name = "?", old_hash;
        try {
            const SweepPlan p = plan_from_json(old);
            old_name = p.name;
            old_hash = p.hash;
        } catch (const std::exception&) {
        }
        if (old_hash != plan.hash && !force)
            throw UsageError("'" + dir + "' holds the results of another sweep ('" + old_name +
                             "', a different grid); use --force to replace them or choose another --out");
    } else if (!dir_empty(dir) && !force) {
        throw UsageError("'" + dir + "' is not empty and holds no sweep; use --force or choose another --out");
    }
    for (size_t i = 1; i <= dir.size(); ++i)
        if (i == dir.size() || dir[i] == '/')
            if (!make_dir(dir.substr(0, i))) throw UsageError("cannot create '" + dir + "': " + std::strerror(errno));
    if (!make_dir(dir + "/points") || !tb::write_file_atomically(dir + "/sweep.json", plan_to_json(plan)) ||
        !tb::write_file_atomically(dir + "/sweep.toml", spec_text))
        throw UsageError("cannot write to '" + dir + "': " + std::strerror(errno));
}

SweepPlan read_results_plan(const std::string& dir) {
    std::string text;
    if (!read_file(dir + "/sweep.json", text)) throw UsageError("'" + dir + "' holds no sweep (no sweep.json)");
    try {
        return plan_from_json(text);
    } catch (const std::exception& e) {
        throw UsageError("'" + dir + "/sweep.json': " + e.what());
    }
}

bool read_point_result(const std::string& dir, const SweepPoint& p, PointResult& r) {
    std::string text;
    if (!read_file(point_dir(dir, p) + "/point.json", text)) return false;
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("hash", "") != p.hash) return false;
    r.exit_status = j.value("exit_status", -1);
    r.message = j.value("message", "");
    r.wall_seconds = j.value("wall_time_s", 0.0);
    return true;
}

bool point_complete(const std::string& dir, const SweepPoint& p) {
    PointResult r;
    if (!read_point_result(dir, p, r) || (r.exit_status != 0 && r.exit_status != 1)) return false;
    std::string text;
    if (!read_file(stats_path(dir, p), text)) return false;
    const json j = json::parse(text, nullptr, false);
    const json* verdict = j.is_discarded() ? nullptr : lookup(j, "checks.verdict");
    return verdict && verdict->is_string() && (*verdict == "pass" || *verdict == "FAIL");
}

void clear_point(const std::string& dir, const SweepPoint& p) {
    make_dir(point_dir(dir, p));
    std::remove((point_dir(dir, p) + "/point.json").c_str());
    std::remove(stats_path(dir, p).c_str());
}

void write_point_result(const std::string& dir, const SweepPoint& p, const PointResult& r) {
    json j;
    j["id"] = p.id;
    j["hash"] = p.hash;
    j["args"] = p.args;
    j["exit_status"] = r.exit_status;
    j["message"] = r.message;
    j["wall_time_s"] = r.wall_seconds;
    tb::write_file_atomically(point_dir(dir, p) + "/point.json", j.dump(1) + "\n");
}

std::string failure_message(const std::string& log_text, int exit_status) {
    std::istringstream in(log_text);
    std::string line, first_check, last;
    // The log holds standard output and standard error together: a message may start in the middle of a line of
    // the statistics table (the two streams are buffered apart).
    while (std::getline(in, line)) {
        const size_t at = line.find("nicsim: ");
        if (at == std::string::npos) continue;
        const std::string msg = line.substr(at + 8);
        if (first_check.empty() && msg.rfind("check failed: ", 0) == 0) first_check = msg;
        last = msg;
    }
    if (!first_check.empty()) return first_check;
    if (!last.empty()) return last;
    if (exit_status > 128) return "ended by signal " + std::to_string(exit_status - 128);
    return "exit status " + std::to_string(exit_status);
}

std::set<std::string> stats_keys(const std::string& json_text) {
    std::set<std::string> keys;
    const json j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return keys;
    for (const auto& [k, v] : j.items()) {
        if (!v.is_object()) {
            keys.insert(k);
            continue;
        }
        for (const auto& [k2, v2] : v.items())
            if (!v2.is_object() && !v2.is_array()) keys.insert(k + "." + k2);
    }
    return keys;
}

size_t write_results_csv(const std::string& dir, const SweepPlan& plan) {
    std::string out = "point,seed";
    for (const std::string& v : plan.varied) out += "," + csv_field(v);
    out += ",status,exit_status,message";
    for (const std::string& m : plan.metrics) out += "," + csv_field(m);
    out += ",run_wall_time_s\n";
    size_t bad = 0;
    for (const SweepPoint& p : plan.points) {
        PointResult r;
        const bool have = read_point_result(dir, p, r);
        bad += !have || r.exit_status != 0;
        out += p.id + "," + std::to_string(p.seed);
        for (const auto& kv : p.values) out += "," + csv_field(kv.second);
        out +=
            "," + status_name(have, r) + "," + (have ? std::to_string(r.exit_status) : "") + "," + csv_field(r.message);
        std::string text;
        json stats = json::object();
        if (have && read_file(stats_path(dir, p), text)) stats = json::parse(text, nullptr, false);
        for (const std::string& m : plan.metrics)
            out += "," + csv_field(stats.is_object() ? cell(lookup(stats, m)) : "");
        char wall[32];
        std::snprintf(wall, sizeof wall, "%.3f", r.wall_seconds);
        out += "," + std::string(have ? wall : "") + "\n";
    }
    if (!tb::write_file_atomically(dir + "/results.csv", out))
        throw std::runtime_error("cannot write '" + dir + "/results.csv': " + std::strerror(errno));
    return bad;
}

}  // namespace nicsim::sweep
