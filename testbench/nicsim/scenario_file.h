// Scenario files and presets: TOML documents of `name = value` lines whose names are the parameters' (params.h),
// e.g. `bus-width = 64`, `size = "60..1514"`, `back-to-back = true`. A preset is such a document built in.
#pragma once

#include <string>
#include <vector>

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

/// Apply a TOML scenario document. `where` names it in errors ("file.toml" or "preset smoke"); every error names
/// it and the line. Keys are applied in the parameter table's order, whatever their order in the document.
void apply_scenario_text(RunConfig& cfg, const std::string& text, const std::string& where);
/// Read and apply a scenario file (UTF-8, a byte-order mark allowed). Throws UsageError naming the file and line.
void load_scenario_file(RunConfig& cfg, const std::string& path);

struct PresetInfo {
    const char* name;
    const char* help;
    const char* toml;  ///< the keys it sets, as a scenario document
};
const std::vector<PresetInfo>& preset_table();
/// Apply a named preset ("default", "smoke", ...). Throws UsageError for an unknown name.
void apply_preset(RunConfig& cfg, const std::string& name);

}  // namespace nicsim::tb
