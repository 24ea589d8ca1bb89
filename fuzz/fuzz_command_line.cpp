// libFuzzer target for nicsim's command line and scenario-file parser (testbench/nicsim): any input must end in a
// configuration or one UsageError line, never a crash, a hang or another exception. The input is split at its first
// NUL: before it a scenario document (TOML), after it NUL-separated command-line arguments.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "testbench/nicsim/command_line.h"
#include "testbench/nicsim/scenario_file.h"

namespace {

/// Arguments that would make the parser read a file: the fuzzer must not open /dev/zero or a FIFO.
bool reads_a_file(const std::string& arg) {
    return arg.find("scenario-file") != std::string::npos;
}

void one_line(const nicsim::tb::UsageError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) std::abort();  // bad input is one line
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t nul = input.find('\0');
    const std::string document = input.substr(0, nul);
    try {
        nicsim::tb::RunConfig cfg;
        nicsim::tb::apply_scenario_text(cfg, document, "fuzz.toml");
        nicsim::tb::validate(cfg);
    } catch (const nicsim::tb::UsageError& e) {
        one_line(e);
    }
    if (nul == std::string::npos) return 0;
    std::vector<std::string> args = {"nicsim"};
    std::string rest = input.substr(nul + 1);
    for (size_t start = 0; start <= rest.size();) {
        const size_t end = std::min(rest.find('\0', start), rest.size());
        const std::string arg = rest.substr(start, end - start);
        if (reads_a_file(arg)) return 0;
        args.push_back(arg);
        start = end + 1;
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    try {
        nicsim::tb::RunConfig cfg;
        nicsim::tb::parse_command_line(static_cast<int>(argv.size()), argv.data(), cfg);
    } catch (const nicsim::tb::UsageError& e) {
        one_line(e);
    }
    return 0;
}
