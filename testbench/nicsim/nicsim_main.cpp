// nicsim: one whole simulated system per run, configured from the command line, a preset or a scenario file.
// Exit status: 0 every check passed, 1 a check failed (monitor, verifier, scoreboards, warnings) or an output could
// not be written, 2 bad input, 128 + N a signal N stopped the run (its outputs are complete up to that moment).
// `nicsim sweep` and `nicsim plot` are testbench/sweep/'s (sweep_main.h).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include <systemc>

#include "testbench/checkers/collect_stats.h"
#include "testbench/checkers/verdict.h"
#include "testbench/machine/system_top.h"
#include "testbench/nicsim/command_line.h"
#include "testbench/nicsim/run_outputs.h"
#include "testbench/nicsim/run_signals.h"
#include "testbench/nicsim/scenario_file.h"
#include "testbench/nicsim/stall_watch.h"
#include "testbench/sweep/sweep_main.h"

using namespace nicsim::tb;
using namespace sc_core;

namespace {

/// SystemC reports as one line each on stderr, counted by type; the first few of each type are printed.
struct ReportLog {
    std::map<std::string, uint64_t> warnings;  ///< SC_WARNING and worse, by type
    std::map<std::string, uint64_t> notes;     ///< SC_INFO of the model (types under nicsim/), by type
};
ReportLog g_reports;

void report_handler(const sc_report& rep, const sc_actions& actions) {
    const sc_severity sev = rep.get_severity();
    const std::string type = rep.get_msg_type();
    // Notes are legal behaviour worth knowing (a reset flushed frames, the link changed): counted, never fatal.
    if (sev == SC_INFO) {
        if (type.rfind("nicsim/", 0) == 0) ++g_reports.notes[type];
        return;
    }
    const uint64_t n = ++g_reports.warnings[type];
    if (n <= 5)
        std::fprintf(stderr, "nicsim: %s: %s: %s (at %s)\n", sev == SC_WARNING ? "warning" : "error", type.c_str(),
                     rep.get_msg(), rep.get_time().to_string().c_str());
    else if (n == 6)
        std::fprintf(stderr, "nicsim: further '%s' reports are counted, not printed\n", type.c_str());
    if (sev == SC_FATAL || (actions & SC_ABORT)) std::abort();
}

/// Watches for Ctrl-C, SIGTERM and SIGHUP, an output that failed and a stalled run, and draws the progress line;
/// runs in simulated time, costs nothing per bus clock.
struct RunControl : sc_module {
    SC_HAS_PROCESS(RunControl);
    SystemTop& top;
    const RunOutputs& outputs;
    bool progress;
    int stop_signal = 0;
    std::string write_failure;
    bool stalled = false;
    bool driver_failed = false;
    std::chrono::steady_clock::time_point last_draw = std::chrono::steady_clock::now();
    RunControl(sc_module_name n, SystemTop& t, const RunOutputs& o, bool show)
        : sc_module(n), top(t), outputs(o), progress(show) {
        SC_THREAD(poll);
    }
    uint64_t moved() {
        MachineBase& d = top.machine();
        return d.sent_packets() + d.received() + top.wire().stats(true).frames + top.wire().stats(false).frames;
    }
    void poll() {
        const sc_time step(20, SC_US);
        StallWatch stall(moved());
        for (;;) {
            wait(step);
            stop_signal = stop_signal_received();
            write_failure = outputs.write_failure();
            if (stop_signal || !write_failure.empty()) {
                sc_stop();
                return;
            }
            if (!top.machine().failure().empty()) {  // the driver did not come up: nothing is left to wait for
                driver_failed = true;
                sc_stop();
                return;
            }
            if (stall.sample(moved(), top.machine().driver_up(), 20'000)) {
                stalled = true;
                sc_stop();
                return;
            }
            if (progress) draw();
        }
    }
    void draw() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_draw < std::chrono::milliseconds(500)) return;
        last_draw = now;
        MachineBase& d = top.machine();
        std::fprintf(stderr, "\rnicsim: %.3f ms simulated, sent %llu, received %llu   ",
                     sc_time_stamp().to_seconds() * 1e3, static_cast<unsigned long long>(d.sent_packets()),
                     static_cast<unsigned long long>(d.received()));
    }
};

/// The command line that repeats this run: the same arguments, with --seed added when it was not given.
std::string replay_command(int argc, char* argv[], uint64_t seed) {
    std::string cmd = "nicsim";
    bool has_seed = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seed" || a.rfind("--seed=", 0) == 0) has_seed = true;
        const bool plain =
            a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+") ==
            std::string::npos;
        cmd += plain ? " " + a : " '" + a + "'";
    }
    if (!has_seed) cmd += " --seed " + std::to_string(seed);
    return cmd;
}

/// An output path as asked: a path, "none" (off) or empty (the default under nicsim-out/).
std::string default_output(const std::string& value, const std::string& fallback, bool& needs_dir) {
    if (value == "none") return "";
    if (!value.empty()) return value;
    needs_dir = true;
    return fallback;
}

/// The record with the run's reports: notes, the warnings the fault plan causes (expected, counted) and any other
/// warning (a violation: the verdict fails on it).
RunStats with_reports(RunStats stats, const RunConfig& cfg) {
    for (const auto& [type, n] : g_reports.notes) stats.add_count("notes", type, n);
    const std::vector<std::string> expected = expected_fault_reports(cfg.fault);
    for (const auto& [type, n] : g_reports.warnings) {
        const bool ok = std::find(expected.begin(), expected.end(), type) != expected.end();
        stats.add_count(ok ? "expected warnings" : "warnings", type, n);
    }
    return stats;
}

/// The record as shown: the verdict, then the wall-clock section last.
RunStats finished_record(RunStats stats, const Verdict& verdict, const RunOutcome& out, uint64_t clocks) {
    record_verdict(stats, verdict);
    add_wall_clock(stats, out, clocks);
    return stats;
}

/// Parse the command line; the options that only inform (--help, --version, ...) are answered here. The exit status
/// when the program ends here, nothing when a run follows.
std::optional<int> parse(int argc, char* argv[], RunConfig& cfg) {
    CliAction action;
    try {
        action = parse_command_line(argc, argv, cfg);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "nicsim: %s\n", e.what());
        return 2;
    }
    switch (action) {
        case CliAction::Help:
            std::fputs(usage_text().c_str(), stdout);
            return 0;
        case CliAction::HelpMarkdown:
            std::fputs(usage_markdown().c_str(), stdout);
            return 0;
        case CliAction::Version:
            std::puts("nicsim " NICSIM_VERSION " (SystemC " SC_VERSION ")");
            return 0;
        case CliAction::ListScenarios:
            for (const PresetInfo& p : preset_table()) std::printf("%-15s %s\n", p.name, p.help);
            return 0;
        case CliAction::Run:
            break;
    }
    return std::nullopt;
}

/// Outputs default to a predictable place; 'none' turns one off. True when nicsim-out/ was made for them.
bool default_outputs(RunConfig& cfg) {
    bool needs_dir = false;
    // With --bus-model tlm there is no pin-level bus: the default VCD (the bus) is off, and on when --trace names
    // only NIC internals (validate() refused an explicit --vcd with a trace that needs the bus).
    if (cfg.bus_model == BusModel::Tlm && !cfg.detail_from.any() && cfg.vcd.empty() && trace_needing_bus(cfg.trace))
        cfg.vcd = "none";
    cfg.vcd = default_output(cfg.vcd, default_trace_path(cfg), needs_dir);
    cfg.pcap_out = default_output(cfg.pcap_out, kDefaultPcapOut, needs_dir);
    return needs_dir && ::mkdir(kDefaultOutDir, 0777) == 0;
}

/// Simulate until the traffic completes, a limit, a signal, a failed output or a stall ends the run.
RunOutcome simulate(SystemTop& top, const RunConfig& cfg, const RunControl& control) {
    // No limit asked: the run lasts until the traffic completes (or stalls).
    sc_time limit = cfg.max_time_ns ? sc_time(static_cast<double>(cfg.max_time_ns), SC_NS) : SC_ZERO_TIME;
    if (cfg.max_clocks) {
        const sc_time clocks = top.machine().pci_bus().period() * static_cast<double>(cfg.max_clocks);
        limit = limit == SC_ZERO_TIME ? clocks : std::min(limit, clocks);
    }
    // A batch of bus edges must not run past the end of sc_start(limit).
    const sc_time horizon = limit == SC_ZERO_TIME ? sc_max_time() : limit;
    top.machine().pci_bus().CLK.set_batch_horizon(horizon);
    if (MachineBase* partner = top.partner()) partner->pci_bus().CLK.set_batch_horizon(horizon);
    RunOutcome out;
    out.rss_start_kb = peak_rss_kb();
    const auto t0 = std::chrono::steady_clock::now();
    if (limit == SC_ZERO_TIME)
        sc_start();
    else
        sc_start(limit);
    out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.batched_clocks = top.machine().pci_bus().CLK.batched_edges();
    if (MachineBase* partner = top.partner()) out.batched_clocks += partner->pci_bus().CLK.batched_edges();
    out.interrupted = control.stop_signal || !control.write_failure.empty();
    out.stopped_by = control.stop_signal ? signal_name(control.stop_signal) : "an output write failed";
    out.stalled = control.stalled;
    out.driver_failed = control.driver_failed;
    out.time_limit = !out.interrupted && !out.stalled && !out.driver_failed && !top.finished();
    if (cfg.progress) std::fputs("\n", stderr);
    return out;
}

/// Why the run ended early and which checks failed, on standard error, with the command that replays a failure.
void print_diagnostics(int argc, char* argv[], const RunConfig& cfg, const RunOutcome& out, int stop_signal,
                       const Verdict& verdict, const std::vector<std::string>& output_errors) {
    if (out.time_limit) std::fprintf(stderr, "nicsim: the time limit ended the run before the traffic finished\n");
    if (stop_signal)
        std::fprintf(stderr, "nicsim: interrupted by %s; outputs are complete up to that moment\n",
                     out.stopped_by.c_str());
    for (const std::string& e : output_errors) std::fprintf(stderr, "nicsim: %s\n", e.c_str());
    if (out.stalled) std::fprintf(stderr, "nicsim: the run stalled before the traffic finished\n");
    for (const std::string& f : verdict.reasons) std::fprintf(stderr, "nicsim: check failed: %s\n", f.c_str());
    if (!verdict.reasons.empty())
        std::fprintf(stderr, "nicsim: seed %llu; replay with: %s\n", static_cast<unsigned long long>(cfg.seed),
                     replay_command(argc, argv, cfg.seed).c_str());
}

/// Collect, judge and write the statistics, report the run; the exit status.
int finish_run(int argc, char* argv[], const RunConfig& cfg, SystemTop& top, RunOutputs& outputs,
               const RunControl& control, const RunOutcome& out) {
    // The run's own report goes to standard error when standard output carries an output file.
    std::FILE* report = outputs.uses_stdout() ? stderr : stdout;
    std::vector<std::string> output_errors;
    outputs.finish_traces(top, output_errors);
    const uint64_t clocks = top.machine().pci_bus().clock_count();
    const RunStats stats = with_reports(collect_stats(top, out), cfg);
    const Verdict verdict = judge(stats, cfg, out);
    const RunStats shown = finished_record(stats, verdict, out, clocks);
    if (!cfg.quiet) std::fputs(shown.table().c_str(), report);
    outputs.write_stats(shown.json(), output_errors);
    print_diagnostics(argc, argv, cfg, out, control.stop_signal, verdict, output_errors);
    if (!cfg.quiet) {
        if (!cfg.vcd.empty()) std::fprintf(report, "VCD: %s\n", cfg.vcd.c_str());
        if (!outputs.save_file().empty()) std::fprintf(report, "GTKWave: gtkwave %s\n", outputs.save_file().c_str());
        if (!cfg.pcap_out.empty()) std::fprintf(report, "pcap: %s\n", cfg.pcap_out.c_str());
    }
    if (!output_errors.empty()) return 1;
    if (control.stop_signal) return 128 + control.stop_signal;  // as a shell reports a run the signal ended
    return verdict.pass() ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    if (nicsim::sweep::is_subcommand(argc, argv)) return nicsim::sweep::subcommand_main(argc, argv);
    RunConfig cfg;
    if (const std::optional<int> status = parse(argc, argv, cfg)) return *status;
    const bool made_dir = default_outputs(cfg);
    // Bad input leaves nothing behind (rmdir only removes nicsim-out/ when it is empty).
    auto bad_input = [made_dir](const std::string& why) {
        if (made_dir) ::rmdir(kDefaultOutDir);
        std::fprintf(stderr, "nicsim: %s\n", why.c_str());
        return 2;
    };
    catch_stop_signals();  // from here on a signal stops the run and every output is finished or removed
    RunOutputs outputs(cfg);
    try {
        outputs.check();
    } catch (const OutputRefused& e) {
        return bad_input(e.what());
    }
    if (!cfg.progress) cfg.progress = ::isatty(STDERR_FILENO) && !cfg.quiet;

    sc_report_handler::set_handler(report_handler);
    sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
    std::unique_ptr<SystemTop> top;
    try {
        top = std::make_unique<SystemTop>("top", cfg);
    } catch (const UsageError& e) {
        return bad_input(e.what());
    }
    std::string open_error;
    if (!outputs.attach(*top, open_error)) return bad_input(open_error);
    RunControl control("control", *top, outputs, cfg.progress);
    const RunOutcome out = simulate(*top, cfg, control);
    return finish_run(argc, argv, cfg, *top, outputs, control, out);
}
