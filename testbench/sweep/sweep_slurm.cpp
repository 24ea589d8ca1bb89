#include "testbench/sweep/sweep_slurm.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "testbench/nicsim/output_file.h"
#include "testbench/sweep/sweep_runner.h"
#include "testbench/sweep/sweep_store.h"

namespace nicsim::sweep {
namespace {

/// A word as a POSIX shell reads it back.
std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+@%") ==
                          std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Run a tool, its standard output captured; returns the shell exit status.
int capture(const std::vector<std::string>& argv, const std::string& dir, std::string& out) {
    const std::string log = dir + "/slurm/.tool-output";
    const int rc = run_command(argv, log);
    read_file(log, out);
    std::remove(log.c_str());
    return rc;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::istringstream in(path ? path : "");
    std::string d;
    while (std::getline(in, d, ':')) {
        const std::string f = (d.empty() ? "." : d) + "/" + name;
        if (::access(f.c_str(), X_OK) == 0) return f;
    }
    return "";
}

std::string sbatch_script(const SweepPlan& plan, const std::string& exe, const std::string& dir, unsigned tasks,
                          const SlurmOptions& opt) {
    std::ostringstream s;
    s << "#!/bin/sh\n";
    s << "#SBATCH --job-name=" << shell_quote("nicsim-sweep-" + plan.name) << "\n";
    s << "#SBATCH --array=0-" << tasks - 1 << "\n";
    s << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
    s << "#SBATCH --output=" << shell_quote(dir + "/slurm/task-%A_%a.out") << "\n";
    if (!opt.partition.empty()) s << "#SBATCH --partition=" << shell_quote(opt.partition) << "\n";
    if (!opt.time.empty()) s << "#SBATCH --time=" << shell_quote(opt.time) << "\n";
    for (const std::string& a : opt.extra) s << "#SBATCH " << a << "\n";
    s << "# Each task runs every " << tasks << "th point of " << plan.points.size()
      << ", starting at its task id, with the local runner's per-point command.\n";
    s << "exec " << shell_quote(exe) << " sweep --run-slice " << shell_quote(dir)
      << " --slice \"$SLURM_ARRAY_TASK_ID\" --slices " << tasks << "\n";
    return s.str();
}

std::string submit_array(const std::string& script, const std::string& dir) {
    ::mkdir((dir + "/slurm").c_str(), 0777);
    const std::string path = dir + "/slurm/sweep.sbatch";
    if (!tb::write_file_atomically(path, script)) throw std::runtime_error("cannot write " + path);
    std::string out;
    const int rc = capture({"sbatch", "--parsable", path}, dir, out);
    out = trimmed(out);
    if (rc != 0) throw std::runtime_error("sbatch failed (exit status " + std::to_string(rc) + "): " + out);
    // --parsable prints "jobid" or "jobid;cluster".
    const std::string id = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    return id.substr(0, id.find(';'));
}

bool job_active(const std::string& job_id, const std::string& dir) {
    std::string out;
    const int rc = capture({"squeue", "-h", "-j", job_id, "-o", "%i"}, dir, out);
    static unsigned failures = 0;  // in a row
    if (rc == 0) {
        failures = 0;
        return !trimmed(out).empty();
    }
    // Once the job has left the controller's memory squeue calls its id invalid: it is over. Any other failure (the
    // controller busy or restarting) is asked again, a while.
    if (out.find("Invalid job id") != std::string::npos) return false;
    if (++failures > 60) throw std::runtime_error("squeue keeps failing: " + trimmed(out));
    return true;
}

void cancel_job(const std::string& job_id) {
    run_command({"scancel", job_id}, "/dev/null");
}

}  // namespace nicsim::sweep
