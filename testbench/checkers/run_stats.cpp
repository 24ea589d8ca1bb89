#include "run_stats.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

namespace nicsim::tb {

void RunStats::add(const std::string& section, const std::string& key, double value, const std::string& unit) {
    char buf[64];
    if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", value);
    else
        std::snprintf(buf, sizeof buf, "%.6g", value);
    m_rows.push_back(Row{section, key, buf, true, false, value, unit, true});
}

void RunStats::add_count(const std::string& section, const std::string& key, uint64_t value) {
    m_rows.push_back(Row{section, key, std::to_string(value), true, true, static_cast<double>(value), "", true});
}

void RunStats::add_text(const std::string& section, const std::string& key, const std::string& text) {
    m_rows.push_back(Row{section, key, text, false, false, 0, "", true});
}

void RunStats::add_not_applicable(const std::string& section, const std::string& key, const std::string& why) {
    m_rows.push_back(Row{section, key, "not applicable (" + why + ")", false, false, 0, "", false});
}

double RunStats::value(const std::string& section, const std::string& key) const {
    for (const Row& r : m_rows)
        if (r.section == section && r.key == key && r.number) return r.value;
    return -1;
}

/// The rows with each section's rows together, sections in the order they first appear (a section added to later,
/// e.g. "checks" by the fault plan, must not print twice or give JSON a duplicate key).
std::vector<RunStats::Row> RunStats::grouped() const {
    std::vector<std::string> order;
    for (const Row& r : m_rows)
        if (std::find(order.begin(), order.end(), r.section) == order.end()) order.push_back(r.section);
    std::vector<Row> out;
    out.reserve(m_rows.size());
    for (const std::string& sec : order)
        for (const Row& r : m_rows)
            if (r.section == sec) out.push_back(r);
    return out;
}

std::string RunStats::table() const {
    size_t w = 0;
    for (const Row& r : m_rows) w = std::max(w, r.key.size());
    std::ostringstream o;
    std::string section;
    for (const Row& r : grouped()) {
        if (r.section != section) {
            section = r.section;
            o << section << "\n";
        }
        o << "  " << r.key << std::string(w - r.key.size() + 2, ' ') << r.text;
        if (!r.unit.empty()) o << " " << r.unit;
        o << "\n";
    }
    return o.str();
}

std::string json_name(const std::string& text, const std::string& unit) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char u = static_cast<unsigned char>(text[i]);
        // A capital that starts a CamelCase word (MaximumPhysicalMapping) starts a new snake_case word; kB does not.
        const bool word_start = i > 0 && std::isupper(u) && std::islower(static_cast<unsigned char>(text[i - 1])) &&
                                i + 1 < text.size() && std::islower(static_cast<unsigned char>(text[i + 1]));
        if (word_start && !out.empty() && out.back() != '_') out += '_';
        if (std::isalnum(u))
            out += static_cast<char>(std::tolower(u));
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (unit.empty()) return out;
    const std::string suffix = unit[0] == '%' ? "percent" : json_name(unit, "");
    const bool has = out.size() > suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0;
    return has ? out : out + "_" + suffix;
}

std::string RunStats::json() const {
    nlohmann::ordered_json doc;
    doc["schema_version"] = kStatsSchemaVersion;
    for (const Row& r : grouped()) {
        if (!r.in_json) continue;
        // Report types (nicsim/host/bridge-fault) are names the model gives, kept as they are.
        const bool verbatim = r.section == "warnings" || r.section == "expected warnings" || r.section == "notes";
        nlohmann::ordered_json& v = doc[json_name(r.section, "")][verbatim ? r.key : json_name(r.key, r.unit)];
        if (!r.number)
            v = r.text;
        else if (r.integer)
            v = static_cast<uint64_t>(r.value);
        else
            v = std::strtod(r.text.c_str(), nullptr);  // the printed precision, without binary noise (1030.0000000002)
    }
    return doc.dump(2) + "\n";
}

uint64_t peak_rss_kb() {
    struct rusage ru {};
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return static_cast<uint64_t>(ru.ru_maxrss);  // kilobytes on Linux
}

}  // namespace nicsim::tb
