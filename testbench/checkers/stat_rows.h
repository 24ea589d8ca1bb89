// Statistics sections as tables: each row names its statistic (the table label, from which the JSON key is made),
// its unit, and how to read it from a source (a counter of a stats struct, or a getter over a run context).
// collect_stats.cpp declares its sections with these; RunStats formats them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "testbench/checkers/run_stats.h"

namespace nicsim::tb {

/// One statistic's value as a getter reads it: a count, a measure (with the row's unit), a text, or absent (the
/// row does not apply to this run and is left out).
struct StatValue {
    enum class Kind { Absent, Count, Measure, Text } kind = Kind::Absent;
    uint64_t count = 0;
    double measure = 0;
    std::string text;
};

inline StatValue stat_count(uint64_t n) {
    return {StatValue::Kind::Count, n, 0, {}};
}
inline StatValue stat_measure(double x) {
    return {StatValue::Kind::Measure, 0, x, {}};
}
inline StatValue stat_text(std::string t) {
    return {StatValue::Kind::Text, 0, 0, std::move(t)};
}
inline StatValue stat_absent() {
    return {};
}
/// A count shown only when it is not zero.
inline StatValue stat_nonzero(uint64_t n) {
    return n ? stat_count(n) : stat_absent();
}
/// A text shown only when it is not empty.
inline StatValue stat_nonempty(std::string t) {
    return t.empty() ? stat_absent() : stat_text(std::move(t));
}
/// 100 * part / whole, 0 when whole is 0.
inline double percent(uint64_t part, uint64_t whole) {
    return whole ? 100.0 * part / whole : 0;
}

/// A row of a section read from a source of type `Src`: either a counter field of it, or a getter.
template <class Src>
struct StatRow {
    StatRow(const char* label, uint64_t Src::*field) : label(label), field(field) {}
    StatRow(const char* label, StatValue (*get)(const Src&), const char* unit = "")
        : label(label), unit(unit), get(get) {}

    const char* label;
    const char* unit = "";
    uint64_t Src::*field = nullptr;
    StatValue (*get)(const Src&) = nullptr;

    StatValue read(const Src& src) const { return field ? stat_count(src.*field) : get(src); }
};

/// Add each row of the table that applies to `src` to `section`, in the table's order.
template <class Src, size_t N>
void add_rows(RunStats& s, const std::string& section, const Src& src, const StatRow<Src> (&rows)[N]) {
    for (const StatRow<Src>& row : rows) {
        const StatValue v = row.read(src);
        switch (v.kind) {
            case StatValue::Kind::Count:
                s.add_count(section, row.label, v.count);
                break;
            case StatValue::Kind::Measure:
                s.add(section, row.label, v.measure, row.unit);
                break;
            case StatValue::Kind::Text:
                s.add_text(section, row.label, v.text);
                break;
            case StatValue::Kind::Absent:
                break;
        }
    }
}

}  // namespace nicsim::tb
