#include "testbench/sweep/sweep_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <map>
#include <thread>

#include "testbench/sweep/sweep_store.h"

extern char** environ;

namespace nicsim::sweep {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop(int sig) {
    if (!g_stop) g_stop = sig;
}

using Clock = std::chrono::steady_clock;

pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

int shell_status(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

std::string clock_text(double s) {
    const long t = static_cast<long>(s + 0.5);
    char buf[32];
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

struct Running {
    size_t point;
    Clock::time_point start;
};

class Runner {
  public:
    Runner(const SweepPlan& plan, const std::string& dir, const RunnerOptions& opt)
        : m_plan(plan), m_dir(dir), m_opt(opt) {}

    RunnerSummary run(const std::vector<size_t>& todo) {
        m_total = todo.size() + m_sum.skipped;
        m_t0 = Clock::now();
        size_t next = 0;
        while (next < todo.size() || !m_running.empty()) {
            if (g_stop && !m_stopping) stop_children();
            while (!m_stopping && next < todo.size() && m_running.size() < m_opt.jobs) start(todo[next++]);
            reap();
            draw(false);
            if (!m_running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (m_stopping && m_running.empty()) break;
        }
        draw(true);
        m_sum.stop_signal = g_stop;
        return m_sum;
    }
    RunnerSummary& summary() { return m_sum; }

  private:
    void start(size_t i) {
        const SweepPoint& p = m_plan.points[i];
        clear_point(m_dir, p);
        const pid_t pid = spawn(point_command(m_opt.exe, m_dir, p), log_path(m_dir, p));
        if (pid < 0) {
            finish(i, 127, 0);
            return;
        }
        m_running[pid] = {i, Clock::now()};
    }
    void reap() {
        for (;;) {
            int st = 0;
            const pid_t pid = ::waitpid(-1, &st, WNOHANG);
            if (pid <= 0) return;
            const auto it = m_running.find(pid);
            if (it == m_running.end()) continue;
            const double secs = std::chrono::duration<double>(Clock::now() - it->second.start).count();
            const size_t i = it->second.point;
            m_running.erase(it);
            finish(i, shell_status(st), secs);
        }
    }
    void finish(size_t i, int status, double secs) {
        const SweepPoint& p = m_plan.points[i];
        PointResult r;
        r.exit_status = status;
        r.wall_seconds = secs;
        std::string log;
        read_file(log_path(m_dir, p), log);
        if (status == 127 && log.empty()) log = "nicsim: cannot start " + m_opt.exe + "\n";
        if (status != 0) r.message = failure_message(log, status);
        write_point_result(m_dir, p, r);
        ++m_sum.ran;
        if (status != 0) ++m_sum.failed;
    }
    void stop_children() {
        m_stopping = true;
        for (const auto& [pid, r] : m_running) ::kill(pid, SIGTERM);
    }
    void draw(bool last) {
        if (!m_opt.progress) return;
        const auto now = Clock::now();
        if (!last && now - m_last_draw < std::chrono::milliseconds(250)) return;
        m_last_draw = now;
        const size_t done = m_sum.skipped + m_sum.ran;
        std::string eta = "--:--";
        if (m_sum.ran > 0) {
            const double el = std::chrono::duration<double>(now - m_t0).count();
            eta = clock_text(el / static_cast<double>(m_sum.ran) * static_cast<double>(m_total - done));
        }
        std::fprintf(stderr, "\r%s: %zu/%zu done, %zu failed, %zu running, %s left   %s", m_opt.label.c_str(), done,
                     m_total, m_sum.failed, m_running.size(), eta.c_str(), last ? "\n" : "");
    }

    const SweepPlan& m_plan;
    const std::string& m_dir;
    const RunnerOptions& m_opt;
    RunnerSummary m_sum;
    std::map<pid_t, Running> m_running;
    size_t m_total = 0;
    bool m_stopping = false;
    Clock::time_point m_t0, m_last_draw;
};

}  // namespace

void catch_sweep_signals() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
}

int sweep_stop_signal() {
    return g_stop;
}

std::string self_exe() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("nicsim");
}

std::vector<std::string> point_command(const std::string& exe, const std::string& dir, const SweepPoint& p) {
    std::vector<std::string> cmd{exe};
    cmd.insert(cmd.end(), p.args.begin(), p.args.end());
    cmd.insert(cmd.end(), {"--stats-json", stats_path(dir, p), "--vcd", "none", "--pcap-out", "none"});
    return cmd;
}

RunnerSummary run_points(const SweepPlan& plan, const std::string& dir, const std::vector<size_t>& which,
                         const RunnerOptions& opt) {
    Runner r(plan, dir, opt);
    std::vector<size_t> todo;
    for (size_t i : which) {
        if (point_complete(dir, plan.points[i]))
            ++r.summary().skipped;
        else
            todo.push_back(i);
    }
    return r.run(todo);
}

int run_command(const std::vector<std::string>& argv, const std::string& log) {
    const pid_t pid = spawn(argv, log);
    if (pid < 0) return -1;
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return shell_status(st);
}

}  // namespace nicsim::sweep
