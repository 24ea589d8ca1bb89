// The nicsim command line (CLI11): every parameter of params.h as --NAME, plus the information options.
#pragma once

#include <string>

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

enum class CliAction { Run, Help, HelpMarkdown, Version, ListScenarios };

/// Parse argv into `cfg`: --scenario and --scenario-file apply first (in command-line order), then --randomize
/// from --seed, then the other options on top; then validate(). Throws UsageError (one line) on bad input.
CliAction parse_command_line(int argc, char** argv, RunConfig& cfg);
/// --help: the parameters by group, each with its values and default, at most 100 columns wide.
std::string usage_text();
/// --help-markdown: the same as Markdown tables, the user guide's option reference.
std::string usage_markdown();

}  // namespace nicsim::tb
