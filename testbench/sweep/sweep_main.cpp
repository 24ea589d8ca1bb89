#include "testbench/sweep/sweep_main.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <CLI/CLI.hpp>

#include "testbench/nicsim/run_config.h"
#include "testbench/sweep/sweep_runner.h"
#include "testbench/sweep/sweep_slurm.h"
#include "testbench/sweep/sweep_spec.h"
#include "testbench/sweep/sweep_store.h"

#ifndef NICSIM_PLOT_SCRIPT
#define NICSIM_PLOT_SCRIPT "scripts/nicsim_plot.py"
#endif

namespace nicsim::sweep {
namespace {

using tb::UsageError;

struct SweepArgs {
    std::string spec, out, collect, run_slice;
    unsigned jobs = 0, slice = 0, slices = 0;
    bool force = false, progress = false, plot = false, list = false;
    bool slurm = false, detach = false;
    SlurmOptions slurm_opt;
};

void declare(CLI::App& app, SweepArgs& a) {
    app.add_option("spec", a.spec, "the sweep file (TOML)");
    app.add_option("--out", a.out, "results directory (default: sweep-out/NAME, NAME the sweep file's stem)");
    app.add_option("--jobs", a.jobs, "points run at once (default: the number of processors)")
        ->check(CLI::Range(1, 4096));
    app.add_flag("--force", a.force, "use a results directory of another sweep (its stale points run again)");
    app.add_flag("--progress", a.progress, "draw the progress line even when standard error is not a terminal");
    app.add_flag("--plot", a.plot, "draw the sweep's figures (PNG and SVG) next to results.csv");
    app.add_flag("--list", a.list, "print each point's nicsim command and stop");
    app.add_flag("--slurm", a.slurm, "run the points as a Slurm job array");
    app.add_option("--partition", a.slurm_opt.partition, "Slurm partition");
    app.add_option("--time", a.slurm_opt.time, "Slurm time limit of each array task");
    app.add_option("--tasks", a.slurm_opt.tasks, "array tasks (default: one per point, at most 1000)")
        ->check(CLI::Range(1, 100000));
    app.add_option("--sbatch-arg", a.slurm_opt.extra, "a further sbatch option, e.g. --sbatch-arg=--qos=short");
    app.add_flag("--detach", a.detach, "submit and return; collect later with --collect DIR");
    app.add_option("--collect", a.collect, "write DIR/results.csv from the points finished so far");
    app.add_option("--run-slice", a.run_slice, "run one Slurm array task's points of DIR (with --slice, --slices)");
    app.add_option("--slice", a.slice, "this task's slice");
    app.add_option("--slices", a.slices, "number of slices")->check(CLI::Range(1, 100000));
}

void check_combination(const SweepArgs& a) {
    const int modes = !a.spec.empty() + !a.collect.empty() + !a.run_slice.empty();
    if (modes != 1) throw UsageError("name one sweep file, or --collect DIR, or --run-slice DIR");
    if (!a.run_slice.empty() && (a.slices == 0 || a.slice >= a.slices))
        throw UsageError("--run-slice needs --slices N and --slice below N");
    const bool slurm_opts = !a.slurm_opt.partition.empty() || !a.slurm_opt.time.empty() || a.detach ||
                            a.slurm_opt.tasks || !a.slurm_opt.extra.empty();
    if (slurm_opts && !a.slurm)
        throw UsageError("--partition, --time, --tasks, --sbatch-arg and --detach go with --slurm");
    if (a.slurm && a.spec.empty()) throw UsageError("--slurm needs a sweep file");
}

std::string dir_of(const std::string& path) {
    const size_t s = path.rfind('/');
    return s == std::string::npos ? "." : path.substr(0, s);
}

std::string absolute(const std::string& p) {
    if (!p.empty() && p[0] == '/') return p;
    char buf[4096];
    return ::getcwd(buf, sizeof buf) ? std::string(buf) + "/" + p : p;
}

/// The statistics keys a run of this sweep reports: one short run of its first point, its JSON read back.
std::set<std::string> probe_metrics(const SweepPlan& plan, const std::string& exe) {
    char tmpl[] = "/tmp/nicsim-sweep-probe-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot create a temporary folder");
    const std::string tmp = tmpl, stats = tmp + "/stats.json", log = tmp + "/log";
    std::vector<std::string> cmd{exe};
    cmd.insert(cmd.end(), plan.points.at(0).args.begin(), plan.points.at(0).args.end());
    cmd.insert(cmd.end(),
               {"--max-clocks", "30000", "--stats-json", stats, "--vcd", "none", "--pcap-out", "none", "--quiet"});
    run_command(cmd, log);
    std::string text, log_text;
    const bool have = read_file(stats, text);
    read_file(log, log_text);
    std::remove(stats.c_str());
    std::remove(log.c_str());
    ::rmdir(tmp.c_str());
    if (!have) throw UsageError("the first point cannot run: " + failure_message(log_text, 2));
    return stats_keys(text);
}

std::string find_python() {
    if (const char* p = std::getenv("NICSIM_PYTHON"); p && *p) return p;
    if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";  // Debian's, with python3-matplotlib
    return find_on_path("python3");
}

std::string find_plot_script() {
    if (const char* p = std::getenv("NICSIM_PLOT_SCRIPT"); p && *p) return p;
    const std::string bin = dir_of(self_exe());
    for (const std::string& c : {bin + "/../share/nicsim/nicsim_plot.py", bin + "/../scripts/nicsim_plot.py"})
        if (::access(c.c_str(), R_OK) == 0) return c;
    return NICSIM_PLOT_SCRIPT;
}

/// Run the plotting script with `args`; its messages go to our standard error. Returns its exit status.
int run_plot(const std::vector<std::string>& args) {
    const std::string py = find_python(), script = find_plot_script();
    if (py.empty()) throw UsageError("python3 is not installed (Debian: apt-get install python3-matplotlib)");
    if (::access(script.c_str(), R_OK) != 0) throw UsageError("cannot find the plotting script " + script);
    std::vector<std::string> cmd{py, script};
    cmd.insert(cmd.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : cmd) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        std::fprintf(stderr, "nicsim plot: cannot run %s: %s\n", argv[0], std::strerror(errno));
        ::_exit(2);
    }
    int st = 0;
    while (pid > 0 && ::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int plot_sweep(const SweepPlan& plan, const std::string& dir) {
    std::vector<std::string> args{dir + "/results.csv", "--x", plan.plot_x, "--out", dir + "/" + plan.name};
    for (const std::string& y : plan.plot_y) args.insert(args.end(), {"--y", y});
    if (!plan.plot_by.empty()) args.insert(args.end(), {"--by", plan.plot_by});
    return run_plot(args);
}

/// results.csv, the figures when asked, and the closing line; the sweep's exit status.
int finish(const SweepPlan& plan, const std::string& dir, bool plot, int stop_signal) {
    const size_t bad = write_results_csv(dir, plan);
    std::fprintf(stderr, "sweep: %zu runs, %zu failed or not run; results: %s/results.csv\n", plan.points.size(), bad,
                 dir.c_str());
    if (stop_signal) return 128 + stop_signal;
    if (plot && plot_sweep(plan, dir) != 0) return 1;
    return bad ? 1 : 0;
}

int run_local(const SweepPlan& plan, const std::string& dir, const SweepArgs& a, const std::string& exe) {
    RunnerOptions opt;
    opt.exe = exe;
    opt.jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
    opt.progress = a.progress || ::isatty(STDERR_FILENO);
    std::vector<size_t> all(plan.points.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    catch_sweep_signals();
    const RunnerSummary s = run_points(plan, dir, all, opt);
    if (s.skipped) std::fprintf(stderr, "sweep: %zu runs were complete already and kept\n", s.skipped);
    if (s.stop_signal)
        std::fprintf(stderr, "sweep: stopped by signal %d; finished runs keep their results\n", s.stop_signal);
    return finish(plan, dir, a.plot, s.stop_signal);
}

size_t count_complete(const SweepPlan& plan, const std::string& dir) {
    size_t n = 0;
    for (const SweepPoint& p : plan.points) {
        PointResult r;
        n += read_point_result(dir, p, r);
    }
    return n;
}

int run_slurm(const SweepPlan& plan, const std::string& dir, const SweepArgs& a, const std::string& exe) {
    const unsigned tasks =
        a.slurm_opt.tasks ? a.slurm_opt.tasks : static_cast<unsigned>(std::min<size_t>(plan.points.size(), 1000));
    const std::string job = submit_array(sbatch_script(plan, exe, dir, tasks, a.slurm_opt), dir);
    std::fprintf(stderr, "sweep: submitted Slurm job %s (%u array tasks) for %zu runs\n", job.c_str(), tasks,
                 plan.points.size());
    if (a.detach) {
        std::printf("nicsim sweep --collect %s\n", dir.c_str());
        return 0;
    }
    catch_sweep_signals();
    const bool progress = a.progress || ::isatty(STDERR_FILENO);
    while (job_active(job, dir)) {
        if (sweep_stop_signal()) {
            cancel_job(job);
            std::fprintf(stderr, "\nsweep: cancelled Slurm job %s\n", job.c_str());
            return finish(plan, dir, false, sweep_stop_signal());
        }
        if (progress)
            std::fprintf(stderr, "\rsweep: Slurm job %s: %zu/%zu runs finished   ", job.c_str(),
                         count_complete(plan, dir), plan.points.size());
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (progress) std::fputs("\n", stderr);
    return finish(plan, dir, a.plot, 0);
}

int run_slice(const SweepArgs& a) {
    const SweepPlan plan = read_results_plan(a.run_slice);
    std::vector<size_t> mine;
    for (size_t i = a.slice; i < plan.points.size(); i += a.slices) mine.push_back(i);
    RunnerOptions opt;
    opt.exe = self_exe();
    opt.jobs = a.jobs ? a.jobs : 1;
    opt.progress = a.progress;
    opt.label = "sweep slice " + std::to_string(a.slice);
    catch_sweep_signals();
    const RunnerSummary s = run_points(plan, a.run_slice, mine, opt);
    if (s.stop_signal) return 128 + s.stop_signal;
    return s.failed ? 1 : 0;
}

int sweep_file(const SweepArgs& a) {
    std::string text;
    if (!read_file(a.spec, text)) throw UsageError("cannot read '" + a.spec + "'");
    const SweepPlan plan = load_sweep_file(a.spec);
    const std::string exe = self_exe();
    if (a.list) {
        for (const SweepPoint& p : plan.points) {
            std::string line = "nicsim";
            for (const std::string& s : p.args) line += " " + s;
            std::printf("%s  %s\n", p.id.c_str(), line.c_str());
        }
        return 0;
    }
    check_metrics(text, a.spec, probe_metrics(plan, exe));
    if (a.slurm) {
        for (const char* tool : {"sbatch", "squeue", "scancel"})
            if (find_on_path(tool).empty())
                throw UsageError(std::string("--slurm: no '") + tool +
                                 "' on PATH: Slurm is not installed on this machine");
    }
    const std::string dir = absolute(a.out.empty() ? "sweep-out/" + plan.name : a.out);
    prepare_results_dir(dir, plan, text, a.force);
    return a.slurm ? run_slurm(plan, dir, a, exe) : run_local(plan, dir, a, exe);
}

int sweep_main(int argc, char** argv) {
    CLI::App app{"nicsim sweep: run a sweep file's grid of nicsim runs", "nicsim sweep"};
    SweepArgs a;
    declare(app, a);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return 0;
    } catch (const CLI::ParseError& e) {
        throw UsageError(std::string("") + e.what());
    }
    check_combination(a);
    if (!a.run_slice.empty()) return run_slice(a);
    if (!a.collect.empty()) {
        const std::string dir = absolute(a.collect);
        const SweepPlan plan = read_results_plan(dir);
        return finish(plan, dir, a.plot, 0);
    }
    return sweep_file(a);
}

}  // namespace

bool is_subcommand(int argc, char** argv) {
    return argc > 1 && (std::strcmp(argv[1], "sweep") == 0 || std::strcmp(argv[1], "plot") == 0);
}

int subcommand_main(int argc, char** argv) {
    const std::string sub = argv[1];
    try {
        if (sub == "plot") return run_plot(std::vector<std::string>(argv + 2, argv + argc));
        return sweep_main(argc - 1, argv + 1);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "nicsim %s: %s\n", sub.c_str(), e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nicsim %s: %s\n", sub.c_str(), e.what());
        return 1;
    }
}

}  // namespace nicsim::sweep
