#include "testbench/nicsim/command_line.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include "testbench/nicsim/params.h"
#include "testbench/nicsim/scenario_file.h"
#include "testbench/nicsim/value_parsers.h"

namespace nicsim::tb {
namespace {

constexpr size_t kHelpWidth = 100;
constexpr size_t kHelpIndent = 30;

/// Levenshtein distance, for "did you mean".
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

const std::vector<std::string>& info_options() {
    static const std::vector<std::string> names = {"help", "help-markdown", "version", "list-scenarios"};
    return names;
}

/// The closest option name to `arg` ("--pakets" -> "--packets"), or "" when none is close.
std::string suggestion(const std::string& arg) {
    std::string word = arg.substr(arg.find_first_not_of('-') == std::string::npos ? 0 : arg.find_first_not_of('-'));
    word = word.substr(0, word.find('='));
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    auto consider = [&](const std::string& name) {
        const size_t d = edit_distance(word, name);
        if (d < best_d || (name.rfind(word, 0) == 0 && word.size() >= 3 && best.empty())) {
            best_d = std::min(d, best_d);
            best = name;
        }
    };
    for (const Param& p : param_table()) consider(p.name);
    for (const std::string& n : info_options()) consider(n);
    return best.empty() ? "" : "--" + best;
}

[[noreturn]] void unknown_argument(const std::string& a) {
    if (a.empty() || a[0] != '-') throw UsageError("unexpected argument '" + a + "' (see nicsim --help)");
    const std::string name = a.substr(0, a.find('='));
    const std::string hint = suggestion(a);
    throw UsageError("unknown option '" + name + "'" + (hint.empty() ? "" : " (did you mean " + hint + "?)") +
                     " (see nicsim --help)");
}

/// A flag given a value other than true: "--help=x" is bad input, not a request for help.
void flag_without_value(const CLI::Option* o, const std::string& name) {
    for (const std::string& r : o->results())
        if (r != "true") throw UsageError("--" + name + " takes no value, got '" + r + "'");
}

struct Parsed {
    CLI::App app{"nicsim", "nicsim"};
    std::map<std::string, CLI::Option*> options;  ///< by parameter name
    std::map<std::string, CLI::Option*> info;
};

void declare(Parsed& p) {
    p.app.set_help_flag();
    p.app.allow_extras();
    p.app.allow_windows_style_options(false);
    p.info["help"] = p.app.add_flag("-h,--help");
    p.info["help-markdown"] = p.app.add_flag("--help-markdown");
    p.info["version"] = p.app.add_flag("-V,--version");
    p.info["list-scenarios"] = p.app.add_flag("--list-scenarios");
    for (const Param& prm : param_table()) {
        const std::string opt = std::string("--") + prm.name;
        CLI::Option* o = prm.flag() ? p.app.add_flag(opt) : p.app.add_option(opt)->type_size(1)->expected(1);
        o->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        p.options[prm.name] = o;
    }
}

CliAction info_action(const Parsed& p) {
    const std::pair<const char*, CliAction> actions[] = {{"help", CliAction::Help},
                                                         {"help-markdown", CliAction::HelpMarkdown},
                                                         {"version", CliAction::Version},
                                                         {"list-scenarios", CliAction::ListScenarios}};
    for (const auto& [name, action] : actions) {
        const CLI::Option* o = p.info.at(name);
        if (o->count() == 0) continue;
        flag_without_value(o, name);
        return action;
    }
    return CliAction::Run;
}

void apply_option(RunConfig& cfg, const Param& prm, const CLI::Option* o) {
    for (const std::string& v : o->results()) prm.set(cfg, prm.name, v);
}

}  // namespace

CliAction parse_command_line(int argc, char** argv, RunConfig& cfg) {
    Parsed p;
    declare(p);
    try {
        p.app.parse(argc, argv);
    } catch (const CLI::ArgumentMismatch& e) {
        std::string name = e.what();
        name = name.substr(0, name.find(':'));
        throw UsageError(name + ": missing value");
    } catch (const CLI::ParseError& e) {
        throw UsageError(e.what());
    }
    if (!p.app.remaining().empty()) unknown_argument(p.app.remaining().front());
    const CliAction action = info_action(p);
    if (action != CliAction::Run) return action;

    // Presets and scenario files first, in command-line order, so explicit options override them.
    const CLI::Option* preset = p.options.at(kScenarioKey);
    const CLI::Option* file = p.options.at(kScenarioFileKey);
    size_t preset_i = 0, file_i = 0;
    for (const CLI::Option* o : p.app.parse_order()) {
        if (o == preset) apply_preset(cfg, preset->results().at(preset_i++));
        if (o == file) load_scenario_file(cfg, file->results().at(file_i++));
    }
    // --randomize picks the scenario from the seed; explicit options then override its choices.
    bool randomize = cfg.randomize;
    apply_option(cfg, *find_param("seed"), p.options.at("seed"));
    for (const std::string& v : p.options.at("randomize")->results()) randomize = values::parse_bool("randomize", v);
    if (randomize) apply_random_scenario(cfg);
    for (const Param& prm : param_table())
        if (prm.name != std::string(kScenarioKey) && prm.name != std::string(kScenarioFileKey))
            apply_option(cfg, prm, p.options.at(prm.name));
    validate(cfg);
    return action;
}

namespace {

/// `text` wrapped to kHelpWidth, continuation lines indented by `indent`; the first line starts at column `col`.
std::string wrap(const std::string& text, size_t col, size_t indent) {
    std::istringstream words(text);
    std::string out, word;
    size_t pos = col;
    bool first = true;
    while (words >> word) {
        if (!first && pos + 1 + word.size() > kHelpWidth) {
            out += "\n" + std::string(indent, ' ');
            pos = indent;
        } else if (!first) {
            out += ' ';
            ++pos;
        }
        out += word;
        pos += word.size();
        first = false;
    }
    return out;
}

void help_line(std::ostringstream& o, const std::string& left, const std::string& text) {
    std::string l = "  " + left;
    if (l.size() + 1 > kHelpIndent) {
        o << l << "\n" << std::string(kHelpIndent, ' ');
    } else {
        l.resize(kHelpIndent, ' ');
        o << l;
    }
    o << wrap(text, kHelpIndent, kHelpIndent) << "\n";
}

std::string option_left(const Param& p) {
    return std::string("--") + p.name + (p.flag() ? "" : std::string(" ") + p.metavar);
}

}  // namespace

std::string usage_text() {
    std::ostringstream o;
    o << "usage: nicsim [options]\n"
      << wrap(
             "Runs a whole simulated system (host CPU, NDIS miniport, host bridge, PCI bus, 82540EM-style NIC, "
             "wire) and prints its statistics. Exit status: 0 every check passed, 1 a check failed, 2 bad input.",
             0, 0)
      << "\n";
    for (const char* g : param_groups()) {
        o << "\n" << g << ":\n";
        for (const Param& p : param_table()) {
            if (p.group != std::string(g)) continue;
            help_line(o, option_left(p), std::string(p.help) + " [" + p.values + "; default " + p.default_text() + "]");
        }
    }
    o << "\nFaults (--fault NAME:VALUE,...; T is a time such as 200us, P a probability):\n";
    for (const values::FaultKind& f : values::fault_kinds())
        help_line(o, std::string(f.name) + (f.arg ? std::string(":") + f.arg : ""), f.help);
    o << "\nInformation:\n";
    help_line(o, "--list-scenarios", "name the presets --scenario takes");
    help_line(o, "-h, --help", "this help");
    help_line(o, "--help-markdown", "the parameters as Markdown tables (the user guide's option reference)");
    help_line(o, "-V, --version", "the program's version");
    return o.str();
}

namespace {
std::string md_cell(std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}
}  // namespace

std::string usage_markdown() {
    std::ostringstream o;
    for (const char* g : param_groups()) {
        o << "#### " << g << "\n\n| Option | Values | Default | What it sets |\n|---|---|---|---|\n";
        for (const Param& p : param_table())
            if (p.group == std::string(g))
                o << "| `" << option_left(p) << "` | " << md_cell(p.values) << " | " << md_cell(p.default_text())
                  << " | " << md_cell(p.help)
                  << (p.registry ? std::string(" (registry keyword `") + p.registry + "`)" : "") << " |\n";
        o << "\n";
    }
    o << "#### Faults\n\n| Fault | What happens |\n|---|---|\n";
    for (const values::FaultKind& f : values::fault_kinds())
        o << "| `" << f.name << (f.arg ? std::string(":") + f.arg : "") << "` | " << md_cell(f.help) << " |\n";
    o << "\n#### Presets (`--scenario NAME`)\n\n| Name | What | Scenario keys |\n|---|---|---|\n";
    for (const PresetInfo& p : preset_table()) {
        std::string keys = p.toml;
        for (size_t i = 0; (i = keys.find('\n', i)) != std::string::npos;)
            keys.replace(i, 1, i + 1 == keys.size() ? "" : ", ");
        o << "| `" << p.name << "` | " << md_cell(p.help) << " | "
          << (keys.empty() ? "(none)" : "`" + md_cell(keys) + "`") << " |\n";
    }
    return o.str();
}

}  // namespace nicsim::tb
