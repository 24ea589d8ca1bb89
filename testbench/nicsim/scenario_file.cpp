#include "testbench/nicsim/scenario_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "testbench/nicsim/params.h"

namespace nicsim::tb {
namespace {

std::string at(const std::string& where, const toml::source_region& r) {
    return where + ":" + std::to_string(r.begin.line) + ": ";
}

/// A TOML value as the text the parameter's parser reads: integers in decimal, booleans as true/false.
std::string value_text(const toml::node& n, const std::string& where, const std::string& key) {
    if (const auto* s = n.as_string()) return s->get();
    if (const auto* i = n.as_integer()) {
        if (i->get() < 0) return std::to_string(i->get());
        return std::to_string(static_cast<unsigned long long>(i->get()));
    }
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* f = n.as_floating_point()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", f->get());
        return buf;
    }
    throw UsageError(at(where, n.source()) + "'" + key + "' takes a string, an integer or true/false");
}

void apply_value(RunConfig& cfg, const Param& p, const toml::node& n, const std::string& where) {
    try {
        if (const auto* arr = n.as_array()) {
            // Only the accumulating parameter takes a list: fault = ["retry:0.01", "reset-at:200us"].
            if (std::string(p.name) != "fault")
                throw UsageError("'" + std::string(p.name) + "' takes one value, not a list");
            for (const toml::node& e : *arr) p.set(cfg, p.name, value_text(e, where, p.name));
            return;
        }
        p.set(cfg, p.name, value_text(n, where, p.name));
    } catch (const UsageError& e) {
        const std::string msg = e.what();
        if (msg.rfind(where + ":", 0) == 0) throw;
        throw UsageError(at(where, n.source()) + msg);
    }
}

}  // namespace

void apply_scenario_text(RunConfig& cfg, const std::string& text, const std::string& where) {
    std::string_view body(text);
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    toml::table doc;
    try {
        doc = toml::parse(body, where);
    } catch (const toml::parse_error& e) {
        std::string desc(e.description());
        for (char& c : desc)
            if (c == '\n') c = ' ';
        throw UsageError(at(where, e.source()) + desc);
    }
    for (const auto& [key, node] : doc) {
        const std::string k(key.str());
        const Param* p = find_param(k);
        if (!p) throw UsageError(at(where, node.source()) + "unknown key '" + k + "'");
        if (k == kScenarioFileKey)
            throw UsageError(at(where, node.source()) + "scenario files do not include other files");
    }
    // The preset first (its keys are overridden by the document's own), then the table's order.
    if (const toml::node* n = doc.get(kScenarioKey)) apply_value(cfg, *find_param(kScenarioKey), *n, where);
    for (const Param& p : param_table()) {
        if (p.name == std::string(kScenarioKey)) continue;
        if (const toml::node* n = doc.get(p.name)) apply_value(cfg, p, *n, where);
    }
}

void load_scenario_file(RunConfig& cfg, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("--scenario-file: cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw UsageError("--scenario-file: error reading '" + path + "'");
    cfg.scenario_file.push_back(path);
    apply_scenario_text(cfg, text.str(), path);
}

}  // namespace nicsim::tb
