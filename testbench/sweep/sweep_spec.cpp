#include "testbench/sweep/sweep_spec.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "testbench/nicsim/command_line.h"
#include "testbench/nicsim/params.h"

namespace nicsim::sweep {
namespace {

using tb::UsageError;

std::string at(const std::string& where, const toml::node& n) {
    return where + ":" + std::to_string(n.source().begin.line) + ": ";
}

/// Parameters whose value names a file: a relative path is read from the sweep file's folder.
bool names_file(const std::string& key) {
    return key == "scenario-file" || key == "pcap-in" || key == "eeprom" || key == "miniport" || key == "peer-miniport";
}

/// Parameters the sweep sets itself for every point.
const char* owned_by_sweep(const std::string& key) {
    if (key == "seed") return "the seeds come from 'seeds'";
    if (key == "stats-json" || key == "vcd" || key == "pcap-out")
        return "each point's outputs go to its own folder under the results directory";
    if (key == "progress" || key == "quiet") return "the sweep draws its own progress line";
    return nullptr;
}

/// A TOML scalar as the text nicsim's parsers read (a scenario file's rules).
std::string scalar_text(const toml::node& n, const std::string& where, const std::string& key) {
    if (const auto* s = n.as_string()) return s->get();
    if (const auto* i = n.as_integer()) return std::to_string(i->get());
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* f = n.as_floating_point()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", f->get());
        return buf;
    }
    throw UsageError(at(where, n) + "'" + key + "' takes a string, an integer or true/false");
}

struct Ctx {
    std::string where;
    std::string dir;
};

/// A value checked by the parameter's own parser, with a relative file path resolved.
std::string checked_value(const Ctx& c, const std::string& key, const toml::node& n) {
    std::string v = scalar_text(n, c.where, key);
    if (names_file(key) && v != "none" && v != tb::kBuiltinMiniport && !v.empty() && v[0] != '/' && !c.dir.empty())
        v = c.dir + "/" + v;
    const tb::Param* p = tb::find_param(key);
    tb::RunConfig probe;
    try {
        p->set(probe, key, v);
    } catch (const UsageError& e) {
        throw UsageError(at(c.where, n) + e.what());
    }
    return v;
}

const tb::Param& known_param(const Ctx& c, const std::string& key, const toml::node& n) {
    const tb::Param* p = tb::find_param(key);
    if (!p) throw UsageError(at(c.where, n) + "unknown parameter '" + key + "' (see nicsim --help)");
    if (const char* why = owned_by_sweep(key))
        throw UsageError(at(c.where, n) + "'" + key + "' is not a sweep parameter: " + why);
    return *p;
}

/// Keys of a table in the order the file has them.
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) {
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const auto& [k, n] : t) out.emplace_back(std::string(k.str()), &n);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const auto& x = a.second->source().begin;
        const auto& y = b.second->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    return out;
}

/// The [base] parameters as nicsim arguments: presets and scenario files first (nicsim applies them first anyway).
std::vector<std::string> base_args(const Ctx& c, const toml::table* base) {
    std::vector<std::string> first, rest;
    if (!base) return first;
    for (const auto& [key, n] : in_file_order(*base)) {
        const tb::Param& p = known_param(c, key, *n);
        auto& out = key == tb::kScenarioKey || key == tb::kScenarioFileKey ? first : rest;
        if (const auto* arr = n->as_array()) {
            if (key != "fault") throw UsageError(at(c.where, *n) + "'" + key + "' takes one value, not a list");
            for (const toml::node& e : *arr) out.insert(out.end(), {"--" + key, checked_value(c, key, e)});
            continue;
        }
        out.insert(out.end(), {std::string("--") + p.name, checked_value(c, key, *n)});
    }
    first.insert(first.end(), rest.begin(), rest.end());
    return first;
}

int64_t range_int(const Ctx& c, const toml::table& t, const char* name, const std::string& key) {
    const toml::node* n = t.get(name);
    if (!n || !n->is_integer())
        throw UsageError(at(c.where, t) + "'" + key + "' range needs an integer '" + name + "'");
    return n->as_integer()->get();
}

/// A range {from, to, step} (arithmetic) or {from, to, factor} (geometric), both ends included.
std::vector<std::string> range_values(const Ctx& c, const std::string& key, const toml::table& t) {
    for (const auto& [k, n] : t) {
        const std::string s(k.str());
        if (s != "from" && s != "to" && s != "step" && s != "factor")
            throw UsageError(at(c.where, n) + "unknown range key '" + s + "' (from, to, step or factor)");
    }
    const int64_t from = range_int(c, t, "from", key), to = range_int(c, t, "to", key);
    const bool geometric = t.contains("factor");
    if (geometric == t.contains("step"))
        throw UsageError(at(c.where, t) + "'" + key + "' range needs either 'step' or 'factor'");
    const int64_t by = range_int(c, t, geometric ? "factor" : "step", key);
    if (geometric ? by < 2 || from < 1 : by < 1)
        throw UsageError(at(c.where, t) + "'" + key + "' range: " + (geometric ? "factor" : "step") + " " +
                         std::to_string(by) + " does not advance");
    if (to < from) throw UsageError(at(c.where, t) + "empty grid: '" + key + "' range runs from above its end");
    std::vector<std::string> out;
    for (int64_t v = from; out.size() <= kMaxPoints; v = geometric ? v * by : v + by) {
        out.push_back(std::to_string(v));
        if (geometric ? v > (to / by) : v > to - by) break;  // the next value would pass `to` (or overflow)
    }
    return out;
}

struct Axis {
    std::string key;
    std::vector<std::string> values;
};

Axis axis(const Ctx& c, const std::string& key, const toml::node& n) {
    known_param(c, key, n);
    Axis a{key, {}};
    if (const auto* arr = n.as_array()) {
        for (const toml::node& e : *arr) a.values.push_back(checked_value(c, key, e));
    } else if (const auto* t = n.as_table()) {
        for (const std::string& v : range_values(c, key, *t)) {
            try {
                tb::RunConfig probe;
                tb::find_param(key)->set(probe, key, v);
            } catch (const UsageError& e) {
                throw UsageError(at(c.where, n) + e.what());
            }
            a.values.push_back(v);
        }
    } else {
        throw UsageError(at(c.where, n) + "'" + key + "' needs a list of values or a range {from, to, step}");
    }
    if (a.values.empty()) throw UsageError(at(c.where, n) + "empty grid: '" + key + "' has no values");
    return a;
}

std::vector<uint64_t> seeds_of(const Ctx& c, const toml::table& doc) {
    const toml::node* n = doc.get("seeds");
    if (!n) return {1};
    std::vector<uint64_t> out;
    if (const auto* i = n->as_integer()) {
        if (i->get() < 1 || i->get() > 10000)
            throw UsageError(at(c.where, *n) + "'seeds' is a count from 1 to 10000 or a list of seeds");
        for (int64_t s = 1; s <= i->get(); ++s) out.push_back(static_cast<uint64_t>(s));
    } else if (const auto* arr = n->as_array()) {
        for (const toml::node& e : *arr) {
            if (!e.is_integer() || e.as_integer()->get() < 0)
                throw UsageError(at(c.where, e) + "a seed is an integer from 0 up");
            out.push_back(static_cast<uint64_t>(e.as_integer()->get()));
        }
        if (out.empty()) throw UsageError(at(c.where, *n) + "empty grid: 'seeds' lists no seed");
    } else {
        throw UsageError(at(c.where, *n) + "'seeds' is a count or a list of seeds");
    }
    return out;
}

std::vector<std::string> strings_of(const Ctx& c, const toml::node& n, const std::string& key) {
    std::vector<std::string> out;
    if (const auto* s = n.as_string()) return {s->get()};
    if (const auto* arr = n.as_array())
        for (const toml::node& e : *arr) {
            if (!e.is_string()) throw UsageError(at(c.where, e) + "'" + key + "' lists strings");
            out.push_back(e.as_string()->get());
        }
    else
        throw UsageError(at(c.where, n) + "'" + key + "' is a string or a list of strings");
    return out;
}

void read_plot(const Ctx& c, const toml::table& doc, SweepPlan& plan) {
    plan.plot_x = plan.varied.at(0);
    plan.plot_by = plan.varied.size() > 1 ? plan.varied[1] : "";
    plan.plot_y = plan.metrics;
    const toml::node* n = doc.get("plot");
    if (!n) return;
    const toml::table* t = n->as_table();
    if (!t) throw UsageError(at(c.where, *n) + "'plot' is a table: x, y, by");
    for (const auto& [k, v] : *t) {
        const std::string key(k.str());
        const bool column = key == "x" || key == "by";
        if (!column && key != "y") throw UsageError(at(c.where, v) + "unknown plot key '" + key + "' (x, y or by)");
        for (const std::string& s : strings_of(c, v, key)) {
            const auto& pool = column ? plan.varied : plan.metrics;
            const bool ok = std::find(pool.begin(), pool.end(), s) != pool.end() || (key == "by" && s == "seed");
            if (!ok)
                throw UsageError(at(c.where, v) + "plot " + key + " '" + s + "' is not a " +
                                 (column ? "varied parameter" : "metric") + " of this sweep");
        }
        if (key == "x") plan.plot_x = strings_of(c, v, key).at(0);
        if (key == "by") plan.plot_by = strings_of(c, v, key).at(0);
        if (key == "y") plan.plot_y = strings_of(c, v, key);
    }
}

/// Every point's whole command line through nicsim's own parser: combinations nicsim refuses are refused here.
void check_point(const Ctx& c, const toml::node& vary, const SweepPoint& p) {
    std::vector<std::string> argv{"nicsim"};
    argv.insert(argv.end(), p.args.begin(), p.args.end());
    std::vector<char*> ptrs;
    for (std::string& s : argv) ptrs.push_back(s.data());
    tb::RunConfig cfg;
    try {
        tb::parse_command_line(static_cast<int>(ptrs.size()), ptrs.data(), cfg);
    } catch (const UsageError& e) {
        std::string what;
        for (const auto& [k, v] : p.values) what += (what.empty() ? "" : ", ") + k + "=" + v;
        throw UsageError(at(c.where, vary) + "the point " + what + ": " + e.what());
    }
}

void build_points(const Ctx& c, const toml::node& vary_node, const std::vector<std::string>& base,
                  const std::vector<Axis>& axes, const std::vector<uint64_t>& seeds, SweepPlan& plan) {
    size_t grid = 1;
    for (const Axis& a : axes) grid *= a.values.size();
    if (grid * seeds.size() > kMaxPoints)
        throw UsageError(at(c.where, vary_node) + "the grid has " + std::to_string(grid * seeds.size()) +
                         " runs, more than " + std::to_string(kMaxPoints));
    std::vector<std::string> ids;
    for (size_t i = 0; i < grid; ++i) {
        SweepPoint p;
        p.index = static_cast<unsigned>(i);
        p.args = base;
        size_t rest = i;
        // The last axis varies fastest, as nested loops in the file's order would run.
        std::vector<std::pair<std::string, std::string>> vals(axes.size());
        for (size_t a = axes.size(); a-- > 0;) {
            vals[a] = {axes[a].key, axes[a].values[rest % axes[a].values.size()]};
            rest /= axes[a].values.size();
        }
        p.values = vals;
        for (const auto& [k, v] : vals) p.args.insert(p.args.end(), {"--" + k, v});
        for (uint64_t s : seeds) {
            SweepPoint ps = p;
            ps.seed = s;
            ps.args.insert(ps.args.end(), {"--seed", std::to_string(s)});
            char id[48];
            std::snprintf(id, sizeof id, "p%04zu-s%llu", i, static_cast<unsigned long long>(s));
            ps.id = id;
            ps.hash = hash_strings(ps.args);
            if (s == seeds.front()) check_point(c, vary_node, ps);
            ids.insert(ids.end(), {ps.id, ps.hash});
            plan.points.push_back(std::move(ps));
        }
    }
    plan.hash = hash_strings(ids);
}

toml::table parse_toml(const std::string& text, const std::string& where) {
    try {
        return toml::parse(text, where);
    } catch (const toml::parse_error& e) {
        std::string desc(e.description());
        std::replace(desc.begin(), desc.end(), '\n', ' ');
        throw UsageError(where + ":" + std::to_string(e.source().begin.line) + ": " + desc);
    }
}

void check_top_keys(const Ctx& c, const toml::table& doc) {
    for (const auto& [k, n] : doc) {
        const std::string key(k.str());
        if (key == "base" || key == "vary" || key == "seeds" || key == "metrics" || key == "plot") continue;
        const bool param = tb::find_param(key) != nullptr;
        throw UsageError(
            at(c.where, n) + "unknown key '" + key + "'" +
            (param ? " (nicsim parameters go in [base] or [vary])" : " (base, vary, seeds, metrics or plot)"));
    }
}

}  // namespace

SweepPlan parse_sweep_text(const std::string& text, const std::string& where, const std::string& dir) {
    const Ctx c{where, dir};
    const toml::table doc = parse_toml(text, where);
    check_top_keys(c, doc);
    SweepPlan plan;
    const toml::node* base_node = doc.get("base");
    if (base_node && !base_node->is_table()) throw UsageError(at(where, *base_node) + "'base' is a table");
    const std::vector<std::string> base = base_args(c, base_node ? base_node->as_table() : nullptr);
    const toml::node* vary = doc.get("vary");
    if (!vary || !vary->is_table() || vary->as_table()->empty())
        throw UsageError(where + ":" + std::to_string(vary ? vary->source().begin.line : 1) +
                         ": empty grid: [vary] names no parameter to vary");
    std::vector<Axis> axes;
    for (const auto& [key, n] : in_file_order(*vary->as_table())) {
        if (base_node && base_node->as_table()->contains(key))
            throw UsageError(at(where, *n) + "'" + key + "' is both in [base] and in [vary]");
        axes.push_back(axis(c, key, *n));
        plan.varied.push_back(key);
    }
    const std::vector<uint64_t> seeds = seeds_of(c, doc);
    const toml::node* metrics = doc.get("metrics");
    if (!metrics) throw UsageError(where + ":1: 'metrics' is missing: list the statistics to collect");
    plan.metrics = strings_of(c, *metrics, "metrics");
    if (plan.metrics.empty()) throw UsageError(at(where, *metrics) + "'metrics' lists no statistic");
    read_plot(c, doc, plan);
    build_points(c, *vary, base, axes, seeds, plan);
    return plan;
}

SweepPlan load_sweep_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    const size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (dir.empty()) dir = "/";
    SweepPlan plan = parse_sweep_text(text.str(), path, dir);
    std::string stem = slash == std::string::npos ? path : path.substr(slash + 1);
    plan.name = stem.substr(0, stem.rfind(".toml") == std::string::npos ? stem.size() : stem.rfind(".toml"));
    return plan;
}

void check_metrics(const std::string& text, const std::string& where, const std::set<std::string>& known) {
    const toml::table doc = parse_toml(text, where);
    const toml::array* arr = doc["metrics"].as_array();
    std::vector<const toml::node*> nodes;
    if (arr)
        for (const toml::node& e : *arr) nodes.push_back(&e);
    else if (const toml::node* n = doc.get("metrics"))
        nodes.push_back(n);
    for (const toml::node* n : nodes) {
        const std::string m = n->value_or(std::string());
        if (known.count(m)) continue;
        // A near name helps with a unit forgotten or a section misspelt.
        std::string hint;
        for (const std::string& k : known)
            if (hint.empty() && !m.empty() && k.rfind(m, 0) == 0) hint = k;
        throw UsageError(at(where, *n) + "unknown metric '" + m + "': not a key of the statistics JSON" +
                         (hint.empty() ? " (docs/schema/nicsim-stats.schema.json)" : " (did you mean " + hint + "?)"));
    }
}

}  // namespace nicsim::sweep
