// Every parameter of a nicsim run, declared once: its name (the command-line option --NAME, the scenario-file and
// preset key NAME, and in CamelCase the driver's registry keyword where the value reaches the driver), its group,
// the values it takes, a one-line description, how it sets RunConfig and how it shows a RunConfig's value. The
// default shown by --help and the user guide is show() of a default-constructed RunConfig, so defaults live only in
// RunConfig's initialisers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

struct Param {
    const char* name;
    const char* group;
    const char* metavar;   ///< nullptr: a flag (no value, or true/false)
    const char* values;    ///< what it accepts, e.g. "32 or 64"
    const char* help;      ///< one line
    const char* registry;  ///< the driver's registry keyword carrying it, or nullptr
    std::function<void(RunConfig&, const std::string& key, const std::string& value)> set;
    std::function<std::string(const RunConfig&)> show;
    std::string default_text() const { return show(RunConfig{}); }
    bool flag() const { return metavar == nullptr; }
};

/// The table, in the order --help lists it and in which one source's values are applied (lso-max-size before
/// maximum-physical-mapping: an LSO size raises the mapping, an explicit mapping then may not be smaller).
const std::vector<Param>& param_table();
/// Group titles in the order --help and the user guide show them.
const std::vector<const char*>& param_groups();
/// The parameter called `name`, or nullptr.
const Param* find_param(const std::string& name);

/// The names presets and scenario files are applied by; the command line applies them before other options.
constexpr const char* kScenarioKey = "scenario";
constexpr const char* kScenarioFileKey = "scenario-file";

/// Set one parameter. Throws UsageError naming the parameter and the value (or "unknown option").
void set_param(RunConfig& cfg, const std::string& name, const std::string& value);

}  // namespace nicsim::tb
