// nicsim_bench: simulation speed, bus efficiency, line rate, small-packet rate and memory of the model, in one run.
// Each measurement elaborates its own design in a child process (SystemC elaborates once per process); the parent
// collects one result per child through a pipe and prints a Markdown report (docs/performance.md holds one).
//
//   nicsim_bench [--seconds S] [--rounds N] [--long-seconds S] [--long-packets N] [--detail-packets N]
//                [--only NAME[,NAME...]]
//   nicsim_bench --profile full|full64|vcd|fst|pin|fast|tfull|small|tsmall CLOCKS
//
// --seconds: wall-clock budget of each speed measurement (default 8); --rounds: measure the speed rows N times in
// turn, (a) to the last row and again, and judge the targets on the medians of each round's ratios (default 1: on a
// shared machine the speed a child gets drifts over seconds, which a ratio of adjacent rows mostly cancels and a
// median of several rounds settles); --long-seconds: budget of the long
// small-packet run that samples memory (default 120); --long-packets: its packet target (default 10 M, both
// directions together); --detail-packets: the frames of each run of the tdetail row (default 1 M; the wall budget of
// each is --long-seconds); --profile: no measurement, no child: run that configuration for exactly CLOCKS simulated
// bus clocks in this process and exit (a fixed, repeatable run for valgrind --tool=callgrind); --only: run only the
// named measurements (ref, full, full64, vcd, fst, idle, pinh, fast, tfull, eff, line, small, tsmall, long,
// tlong, tdetail; the t-rows are the fast mode, --bus-model tlm).
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "bench/bench_options.h"
#include "hostdrv/ndis/ndis_host.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/system_top.h"
#include "testbench/machine/traffic_harness.h"
#include "testbench/nicsim/fst_output.h"
#include "testbench/nicsim/output_file.h"
#include "testbench/nicsim/scenario_file.h"

using namespace nicsim;
using namespace nicsim::bench;
using namespace nicsim::tb;
using namespace sc_core;

namespace {

double wall_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// CPU time of this process, user + system, in seconds.
double cpu_now(int who = RUSAGE_SELF) {
    rusage u{};
    getrusage(who, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/// The 1-minute load average (-1 where it cannot be read).
double load_average() {
    double load[1];
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

/// Resident set size now (from /proc/self/statm) in MiB.
double rss_now_mib() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const int n = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    if (n != 2) return 0;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peak_rss_mib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

/// What a child reports: named numbers and free text.
struct Result {
    bool ok = false;
    double clocks_per_s = 0;                                // simulated PCI clocks per wall second (speed measurements)
    double clocks = 0;                                      // clocks measured
    double wall_s = 0;                                      // wall time of the measurement
    double cpu_s = 0;                                       // CPU time (user + system) of the measurement
    double x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0;  // measurement-specific numbers (see each child)
    char text[4096] = {};
};

/// Run `body` in a child process; the child's Result comes back through a pipe.
Result in_child(const std::function<void(Result&)>& body) {
    Result r;
    int fd[2];
    if (pipe(fd) != 0) {
        std::snprintf(r.text, sizeof r.text, "pipe failed");
        return r;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
        std::snprintf(r.text, sizeof r.text, "fork failed");
        return r;
    }
    if (pid == 0) {
        close(fd[0]);
        Result out;
        try {
            body(out);
        } catch (const std::exception& e) {
            out.ok = false;
            std::snprintf(out.text, sizeof out.text, "exception: %s", e.what());
        }
        const char* p = reinterpret_cast<const char*>(&out);
        size_t left = sizeof out;
        while (left) {
            const ssize_t n = write(fd[1], p, left);
            if (n <= 0) break;
            p += n;
            left -= static_cast<size_t>(n);
        }
        close(fd[1]);
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(0);
    }
    close(fd[1]);
    char* p = reinterpret_cast<char*>(&r);
    size_t got = 0;
    while (got < sizeof r) {
        const ssize_t n = read(fd[0], p + got, sizeof r - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof r) {
        r = Result{};
        std::snprintf(r.text, sizeof r.text, "child ended without a result (status %d)", status);
    }
    return r;
}

/// sc_start(chunk), with the batches of `bus`'s edges kept inside it (pci::BusClock::set_batch_horizon).
void start_chunk(const sc_time& chunk, pci::PciBus* bus) {
    if (bus) bus->CLK.set_batch_horizon(sc_time_stamp() + chunk);
    sc_start(chunk);
}

/// Advance the simulation in `chunk` steps until `budget_s` of wall time has passed (or `stop` says so).
void run_for_wall(double budget_s, const sc_time& chunk, const std::function<bool()>& stop = {},
                  pci::PciBus* bus = nullptr) {
    const double t0 = wall_now();
    while (wall_now() - t0 < budget_s) {
        start_chunk(chunk, bus);
        if (sc_get_status() != SC_PAUSED) return;
        if (stop && stop()) return;
    }
}

// ---- (a) the reference: one clock, one SC_METHOD on its rising edge ----

struct RefCounter : sc_module {
    sc_clock clk{"clk", sc_time(15, SC_NS)};
    uint64_t count = 0;
    SC_HAS_PROCESS(RefCounter);
    explicit RefCounter(sc_module_name n) : sc_module(n) {
        SC_METHOD(tick);
        sensitive << clk.posedge_event();
        dont_initialize();
    }
    void tick() { ++count; }
};

void measure_reference(const Options& o, Result& r) {
    RefCounter ref("ref");
    sc_start(sc_time(15, SC_NS) * 1000);  // elaboration and the first edges out of the measurement
    const uint64_t c0 = ref.count;
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    run_for_wall(o.seconds, sc_time(15, SC_NS) * 1'000'000);
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;
    r.clocks = static_cast<double>(ref.count - c0);
    r.clocks_per_s = r.clocks / r.wall_s;
    r.ok = true;
}

// ---- (b), (c): the full system under saturated bidirectional 1 GbE ----

/// `wide`: the NIC with the 82545EM's 64-bit data path (nic-data-path 64), the configuration of the 2026-11-25
/// baseline in docs/performance.md; the 82540EM's 32-bit data path needs about twice the bus clocks per frame.
RunConfig saturate_config(bool wide = false) {
    RunConfig cfg;
    apply_preset(cfg, "saturate");
    if (wide) cfg.nic_data_path = 64;
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.stats_json.clear();
    cfg.quiet = true;
    cfg.packets = 100'000'000;  // more than any measurement gets through: the traffic never ends
    return cfg;
}

const nic::DataPathStats& dp_stats(MachineBase& m) {
    return m.nic_device().data_path().stats();
}

enum class Trace { Off, Vcd, Fst };

/// The bus trace written as the nicsim program writes it (OutputFile; the FST by GTKWave's writer in the process), to
/// a temporary file that finish() measures and removes.
class BenchTrace {
  public:
    /// Sets cfg.vcd and cfg.trace_format; call before the SystemTop is built, then attach().
    BenchTrace(Trace t, RunConfig& cfg) {
        if (t == Trace::Off) return;
        char path[] = "/tmp/nicsim_bench_XXXXXX.vcd";
        if (t == Trace::Fst) std::memcpy(path + sizeof path - 4, "fst", 3);
        const int fd = mkstemps(path, 4);
        if (fd >= 0) close(fd);
        cfg.vcd = path;
        cfg.trace_format = t == Trace::Fst ? TraceFormat::Fst : TraceFormat::Vcd;
        m_out = std::make_unique<OutputFile>("--vcd", path);
        if (t == Trace::Fst) m_out->write_by_name(fst_writer());
    }
    /// Open the file and start tracing; false with the reason in `why`.
    bool attach(SystemTop& top, std::string& why) {
        if (!m_out) return true;
        try {
            m_out->resolve();
        } catch (const OutputRefused& e) {
            why = e.what();
            return false;
        }
        if (!m_out->open()) {
            why = m_out->error();
            return false;
        }
        top.attach_outputs(m_out->stream(), nullptr, m_out->stream() ? std::string() : m_out->temp_name());
        return true;
    }
    /// Removes the trace: after the measurement, since deleting a file of gigabytes takes a while of its own.
    ~BenchTrace() {
        if (m_out) std::remove(m_out->path().c_str());
    }
    BenchTrace(const BenchTrace&) = delete;
    BenchTrace& operator=(const BenchTrace&) = delete;

    /// Finish the trace (for the FST: the file completed and checked); its bytes, or -1 with `why`.
    double finish(SystemTop& top, std::string& why) {
        if (!m_out) return 0;
        top.close_outputs();
        const bool ok = m_out->commit();
        if (!ok) why = m_out->error();
        struct stat st {};
        return ok && ::stat(m_out->path().c_str(), &st) == 0 ? static_cast<double>(st.st_size) : -1;
    }

  private:
    std::unique_ptr<OutputFile> m_out;
};

/// (b), (c), (c'), (b64) and (g): `tlm` builds the run on the TLM-2.0 fast machine (--bus-model tlm), `wide` gives the
/// NIC a 64-bit data path.
void measure_full(const Options& o, Trace trace, bool tlm, Result& r, bool wide = false) {
    RunConfig cfg = saturate_config(wide);
    if (tlm) cfg.bus_model = BusModel::Tlm;
    BenchTrace bt(trace, cfg);
    SystemTop top("top", cfg);
    std::string why;
    if (!bt.attach(top, why)) {
        std::snprintf(r.text, sizeof r.text, "%s", why.c_str());
        return;
    }
    MachineBase& dut = top.machine();
    // Warm-up: driver initialisation and the first frames in both directions are not measured.
    for (int i = 0; i < 400 && (dp_stats(dut).tx_frames < 50 || dp_stats(dut).rx_frames < 50); ++i)
        start_chunk(sc_time(50, SC_US), &dut.pci_bus());
    const sc_time s0 = sc_time_stamp();  // simulated time in 15 ns clocks: the fast machine evaluates no clock
    const uint64_t tx0 = dp_stats(dut).tx_frames, rx0 = dp_stats(dut).rx_frames;
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    const double sim_cpu0 = cpu_now(RUSAGE_THREAD);
    run_for_wall(o.seconds, sc_time(100, SC_US), {}, &dut.pci_bus());
    r.clocks = (sc_time_stamp() - s0) / sc_time(15, SC_NS);
    r.x1 = static_cast<double>(dp_stats(dut).tx_frames - tx0);
    r.x2 = static_cast<double>(dp_stats(dut).rx_frames - rx0);
    const double sim_s = r.clocks * 15e-9;
    r.x3 = sim_s > 0 ? (r.x1 + r.x2) / sim_s : 0;  // frames per simulated second, both directions
    const double sim_ms_traced = sc_time_stamp().to_seconds() * 1e3;
    // Writing a trace ends when the file is complete: finishing (for the FST, packing the last values) is measured.
    const double t_finish = wall_now();
    const double bytes = bt.finish(top, why);
    r.x5 = wall_now() - t_finish;
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;  // every thread's: a trace writer's thread counts
    r.x6 = cpu_now(RUSAGE_THREAD) - sim_cpu0;
    r.clocks_per_s = r.clocks / r.wall_s;
    r.x4 = bytes > 0 ? bytes / sim_ms_traced : 0;  // trace bytes per simulated millisecond
    r.ok = r.x1 > 0 && r.x2 > 0 && bytes >= 0;
    if (!r.ok) std::snprintf(r.text, sizeof r.text, "%s", bytes < 0 ? why.c_str() : "no traffic in the window");
}

// ---- (d) an idle bus: the driver is up, nothing is sent or received ----

void measure_idle(const Options& o, Result& r) {
    RunConfig cfg = saturate_config();
    cfg.packets = 0;
    MachineConfig mc = machine_config(cfg, false, kPeerMac);
    mc.run = nullptr;  // the idle driver program below instead of the run's traffic
    const std::unique_ptr<MachineBase> built = build_machine("dut", mc);
    Machine& m = *built->pin();
    bool up = false;
    std::unique_ptr<ndis::NdisHost> host;
    install_program(*built, [&](hostdrv::HostPlatform& hp) {
        DriverSettings s;
        s.host.pci_device = m.nic.device_number();
        s.reports = nullptr;
        up = bring_up_driver(hp, s, host) == NDIS_STATUS_SUCCESS;
        for (;;) host->run_for_ns(1'000'000);  // the driver idles: timers and interrupts only
    });
    for (int i = 0; i < 200 && !up; ++i) sc_start(sc_time(100, SC_US));
    sc_start(sc_time(1, SC_MS));
    const uint64_t c0 = m.bus.clock_count();
    const uint64_t awake0 = m.nic.stats().awake_clocks;
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    run_for_wall(o.seconds, sc_time(10, SC_MS));
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;
    r.clocks = static_cast<double>(m.bus.clock_count() - c0);
    r.clocks_per_s = r.clocks / r.wall_s;
    r.x1 = static_cast<double>(m.nic.stats().awake_clocks - awake0);  // clocks the NIC was evaluated
    r.ok = up;
    if (!up) std::snprintf(r.text, sizeof r.text, "the driver did not come up");
}

// ---- the TLM-2.0 loosely-timed fast mode, and the pin-level machine under the same harness traffic ----

/// The machine the harness drives: the run's bus, every other part at its default, no run program.
MachineConfig harness_machine(const RunConfig& cfg, bool use_fast) {
    MachineConfig mc;
    mc.bus_model = use_fast ? BusModel::Tlm : BusModel::Pin;
    mc.bus.width_bits = cfg.bus_width;
    mc.bus.clock_mhz = cfg.bus_clock_mhz;
    mc.burst_batching = cfg.burst_batching;  // as nicsim runs the pin level (on by default)
    return mc;
}

/// The fast machine (or the pin-level one) driven by the traffic harness: saturated 1514-byte frames both ways.
void measure_harness(const Options& o, bool use_fast, Result& r) {
    RunConfig cfg = saturate_config();
    HarnessConfig hc;
    hc.tx_packets = hc.rx_packets = 100'000'000;
    hc.frame_size = 1514;
    hc.keep_frames = false;
    const std::unique_ptr<MachineBase> m = build_machine(use_fast ? "fast" : "dut", harness_machine(cfg, use_fast));
    TrafficHarness h("harness", hc, *m);
    nic::Nic82540em& n = m->nic_device();
    const auto tx = [&] { return n.data_path().stats().tx_frames; };
    const auto rx = [&] { return n.data_path().stats().rx_frames; };
    for (int i = 0; i < 400 && (tx() < 50 || rx() < 50); ++i) sc_start(sc_time(50, SC_US));
    const sc_time s0 = sc_time_stamp();
    const uint64_t tx0 = tx(), rx0 = rx();
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    // The pin-level machine batches its bursts' clocks as the full system does (the fast machine has no clock to
    // batch).
    run_for_wall(o.seconds, sc_time(100, SC_US), {}, use_fast ? nullptr : &m->pci_bus());
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;
    r.clocks = (sc_time_stamp() - s0) / sc_time(15, SC_NS);  // 66 MHz clocks of simulated time
    r.clocks_per_s = r.clocks / r.wall_s;
    r.x1 = static_cast<double>(tx() - tx0);
    r.x2 = static_cast<double>(rx() - rx0);
    const double sim_s = r.clocks * 15e-9;
    r.x3 = sim_s > 0 ? (r.x1 + r.x2) / sim_s : 0;
    r.ok = r.x1 > 0 && r.x2 > 0;
    if (!r.ok) std::snprintf(r.text, sizeof r.text, "no traffic in the measured window");
}

// ---- bus efficiency: the bus_efficiency program, as it is ----

void measure_efficiency(const Options& o, const char* width, const char* mhz, Result& r) {
    const std::string prog = o.self_dir + "/bus_efficiency";
    int fd[2];
    if (pipe(fd) != 0) return;
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(prog.c_str(), prog.c_str(), "--width", width, "--mhz", mhz, static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fd[1]);
    size_t got = 0;
    while (got + 1 < sizeof r.text) {
        const ssize_t n = read(fd[0], r.text + got, sizeof r.text - 1 - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// ---- 1518-byte TX line rate on a 64-bit/66 MHz bus ----

void measure_line_rate(const Options& o, Result& r) {
    RunConfig cfg = saturate_config();
    cfg.direction = Direction::Tx;
    cfg.size.min = cfg.size.max = 1514;  // 1518 on the wire with the FCS
    SystemTop top("top", cfg);
    Machine& dut = top.dut();
    for (int i = 0; i < 1000 && dp_stats(dut).tx_frames < 200; ++i) sc_start(sc_time(20, SC_US));
    const double s0 = sc_time_stamp().to_seconds();
    const uint64_t f0 = dp_stats(dut).tx_frames, b0 = dp_stats(dut).tx_bytes;
    for (int i = 0; i < 5000 && dp_stats(dut).tx_frames < f0 + 2000; ++i) sc_start(sc_time(20, SC_US));
    const double sim = sc_time_stamp().to_seconds() - s0;
    const double frames = static_cast<double>(dp_stats(dut).tx_frames - f0);
    const double bytes = static_cast<double>(dp_stats(dut).tx_bytes - b0);
    r.x1 = frames;
    r.x2 = bytes * 8 / sim / 1e6;                  // frame Mb/s (with FCS)
    r.x3 = (bytes + frames * 20) * 8 / sim / 1e6;  // wire Mb/s (with preamble, SFD and inter-frame gap)
    r.x4 = static_cast<double>(dut.monitor.violations());
    r.ok = frames >= 2000;
    if (!r.ok) std::snprintf(r.text, sizeof r.text, "only %.0f frames", frames);
}

// ---- small packets: 64-byte frames, both directions ----

/// The saturate system with 64-byte frames both ways, `packets` offered in each direction.
RunConfig small_config(bool tlm, uint64_t packets) {
    RunConfig cfg = saturate_config();
    if (tlm) cfg.bus_model = BusModel::Tlm;
    cfg.size.min = cfg.size.max = 60;  // 64 on the wire with the FCS
    cfg.packets = packets;
    return cfg;
}

void measure_small(const Options& o, double budget_s, uint64_t target_packets, bool sample_memory, bool tlm,
                   Result& r) {
    // Per direction: at 64 bytes both ways the NIC misses about 40 % of the received frames (RX overrun), so the
    // offered count is the whole target in each direction; the run stops once the NIC has moved the target.
    SystemTop top("top", small_config(tlm, target_packets));
    MachineBase& dut = top.machine();
    for (int i = 0; i < 400 && (dp_stats(dut).tx_frames < 100 || dp_stats(dut).rx_frames < 100); ++i)
        sc_start(sc_time(50, SC_US));
    const double s0 = sc_time_stamp().to_seconds();
    const uint64_t f0 = dp_stats(dut).tx_frames + dp_stats(dut).rx_frames;
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    std::string samples;
    // Memory is sampled by packets moved (an eighth of the target apart), so a run that ends early in its wall
    // budget still shows the resident set over its whole length.
    uint64_t next_sample = 0;
    const uint64_t interval = std::max<uint64_t>(target_packets / 8, 1);
    while (wall_now() - t0 < budget_s) {
        sc_start(sc_time(1, SC_MS));
        if (sc_get_status() != SC_PAUSED) break;
        const uint64_t done = dp_stats(dut).tx_frames + dp_stats(dut).rx_frames;
        if (sample_memory && done >= next_sample) {
            char line[128];
            std::snprintf(line, sizeof line, "| %.0f | %llu | %.1f |\n", wall_now() - t0,
                          static_cast<unsigned long long>(done), rss_now_mib());
            samples += line;
            next_sample = done + interval;
        }
        if (done >= target_packets) break;
    }
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;
    const double sim = sc_time_stamp().to_seconds() - s0;
    const double frames = static_cast<double>(dp_stats(dut).tx_frames + dp_stats(dut).rx_frames - f0);
    r.x1 = frames;
    r.x2 = frames / sim;       // packets per simulated second
    r.x3 = frames / r.wall_s;  // packets per wall second
    r.x4 = peak_rss_mib();
    r.clocks = sim;
    std::snprintf(r.text, sizeof r.text, "%s", samples.c_str());
    r.ok = frames > 0;
}

// ---- a fixed run for callgrind: the same configuration, a fixed number of clocks, in this process ----

int profile_run(const std::string& what, uint64_t clocks) {
    const sc_time period(15, SC_NS);
    if (what == "full" || what == "full64" || what == "vcd" || what == "fst") {
        RunConfig cfg = saturate_config(what == "full64");
        BenchTrace bt(what == "vcd" ? Trace::Vcd : what == "fst" ? Trace::Fst : Trace::Off, cfg);
        SystemTop top("top", cfg);
        std::string why;
        if (!bt.attach(top, why)) {
            std::fprintf(stderr, "nicsim_bench: %s\n", why.c_str());
            return 1;
        }
        start_chunk(period * static_cast<double>(clocks), &top.dut().bus);
        std::printf("%s: %llu clocks (%llu in batches), %llu TX + %llu RX frames\n", what.c_str(),
                    static_cast<unsigned long long>(top.dut().bus.clock_count()),
                    static_cast<unsigned long long>(top.dut().bus.CLK.batched_edges()),
                    static_cast<unsigned long long>(dp_stats(top.dut()).tx_frames),
                    static_cast<unsigned long long>(dp_stats(top.dut()).rx_frames));
        const double bytes = bt.finish(top, why);
        if (bytes < 0) {
            std::fprintf(stderr, "nicsim_bench: %s\n", why.c_str());
            return 1;
        }
        if (what == "vcd" || what == "fst") std::printf("%s: %.0f trace bytes\n", what.c_str(), bytes);
        return 0;
    }
    if (what == "pin" || what == "fast") {
        HarnessConfig hc;
        hc.tx_packets = hc.rx_packets = 100'000'000;
        hc.keep_frames = false;
        const std::unique_ptr<MachineBase> m =
            build_machine(what == "fast" ? "fast" : "dut", harness_machine(saturate_config(), what == "fast"));
        TrafficHarness h("harness", hc, *m);
        pci::PciBus* bus = what == "fast" ? nullptr : &m->pci_bus();
        start_chunk(period * static_cast<double>(clocks), bus);
        const nic::DataPathStats& st = m->nic_device().data_path().stats();
        std::printf("%s: %llu clocks (%llu in batches), %llu TX + %llu RX frames\n", what.c_str(),
                    static_cast<unsigned long long>(sc_time_stamp() / period),
                    static_cast<unsigned long long>(bus ? bus->CLK.batched_edges() : 0),
                    static_cast<unsigned long long>(st.tx_frames), static_cast<unsigned long long>(st.rx_frames));
        return 0;
    }
    if (what == "small" || what == "tsmall" || what == "tfull") {
        // tfull: row (g), the saturate system of (b) with 1514-byte frames in the fast mode.
        RunConfig cfg = small_config(what != "small", 100'000'000);
        if (what == "tfull") cfg.size = saturate_config().size;
        SystemTop top("top", cfg);
        sc_start(period * static_cast<double>(clocks));
        const nic::DataPathStats& st = dp_stats(top.machine());
        std::printf("%s: %llu clocks, %llu TX + %llu RX frames\n", what.c_str(),
                    static_cast<unsigned long long>(sc_time_stamp() / period),
                    static_cast<unsigned long long>(st.tx_frames), static_cast<unsigned long long>(st.rx_frames));
        return 0;
    }
    std::fprintf(stderr, "nicsim_bench: --profile takes full, full64, vcd, fst, pin, fast, tfull, small or tsmall\n");
    return 2;
}

const char* met(bool ok) {
    return ok ? "**met**" : "**not met**";
}

/// The trace rows' notes: size per simulated millisecond, the cost of tracing, and the targets of both formats.
/// The ratios the targets judge, from one round's rows (0 where a row they need did not run or failed).
struct Ratios {
    double pin_wall = 0, pin_cpu = 0;               // (b)/(a)
    double vcd_wall = 0, vcd_cpu = 0, vcd_sim = 0;  // VCD on / off; vcd_sim: the simulation's thread alone
    double fst_speed = 0, fst_cpu = 0;              // the FST's clocks per wall / CPU second against the VCD's
    double fast_harness = 0, fast_full = 0;         // simulated time per wall second, (f)/(e) and (g)/(b)
};

Ratios ratios_of(const Result& ref, const Result& full, const Result& vcd, const Result& fst) {
    Ratios q;
    if (ref.ok && full.ok) {
        q.pin_wall = full.clocks_per_s / ref.clocks_per_s;
        q.pin_cpu = full.cpu_s > 0 ? (full.clocks / full.cpu_s) / (ref.clocks / ref.cpu_s) : 0;
    }
    if (full.ok && vcd.ok) {
        q.vcd_wall = full.clocks_per_s / vcd.clocks_per_s;
        q.vcd_cpu = (vcd.cpu_s / vcd.clocks) / (full.cpu_s / full.clocks);
        // What the wall ratio comes to when the writer thread has a core of its own.
        q.vcd_sim = (vcd.x6 / vcd.clocks) / (full.cpu_s / full.clocks);
    }
    if (vcd.ok && fst.ok) {
        q.fst_speed = fst.clocks_per_s / vcd.clocks_per_s;
        q.fst_cpu = (fst.clocks / fst.cpu_s) / (vcd.clocks / vcd.cpu_s);
    }
    return q;
}

void print_trace_notes(const Result& full, const Result& vcd, const Result& fst) {
    const Ratios q = ratios_of(Result{}, full, vcd, fst);
    if (vcd.ok) {
        std::printf(
            "(c) moved %.0f TX + %.0f RX frames; VCD %.0f bytes per simulated ms; %.3g clocks per CPU second "
            "(%.1f s CPU on the simulation's thread, %.1f s on the writer's); finishing the file took %.2f s (in the "
            "wall time).\n",
            vcd.x1, vcd.x2, vcd.x4, vcd.clocks / vcd.cpu_s, vcd.x6, vcd.cpu_s - vcd.x6, vcd.x5);
        if (full.ok)
            std::printf(
                "VCD on / off (b)/(c): %.2f x in wall time, %.2f x in CPU time per clock (%.2f x on the "
                "simulation's thread); target <= 1.5 x: %s.\n",
                q.vcd_wall, q.vcd_cpu, q.vcd_sim, met(q.vcd_wall <= 1.5));
    }
    if (!fst.ok) return;
    std::printf(
        "(c') moved %.0f TX + %.0f RX frames; FST %.0f bytes per simulated ms; %.3g clocks per CPU second (%.1f s "
        "CPU on the simulation's thread, %.1f s on the writer's); finishing the file took %.2f s (in the wall "
        "time).\n",
        fst.x1, fst.x2, fst.x4, fst.clocks / fst.cpu_s, fst.x6, fst.cpu_s - fst.x6, fst.x5);
    if (full.ok)
        std::printf(
            "FST on / off (b)/(c'): %.2f x in wall time, %.2f x in CPU time per clock on the simulation's "
            "thread.\n",
            full.clocks_per_s / fst.clocks_per_s, (fst.x6 / fst.clocks) / (full.cpu_s / full.clocks));
    if (vcd.ok) {
        const double size = vcd.x4 / fst.x4;
        std::printf(
            "FST against VCD: %.1f x smaller per simulated ms (target >= 10 x: %s); written at %.2f x the "
            "VCD's simulated clocks per wall second and %.2f x per CPU second (target >= 1, no slower: %s).\n",
            size, met(size >= 10), q.fst_speed, q.fst_cpu, met(q.fst_speed >= 1));
    }
}

void print_speed_row(const char* name, const Result& r, double ref) {
    if (!r.ok) {
        std::printf("| %s | failed: %s | | |\n", name, r.text);
        return;
    }
    std::printf("| %s | %.3g | %.3f | %.1f s wall (%.1f s CPU), %.3g clocks |\n", name, r.clocks_per_s,
                r.clocks_per_s / ref, r.wall_s, r.cpu_s, r.clocks);
}

// ---- --detail-from: a fixed small-packet run with a 1 ms detailed window against the same run in the fast mode ----

/// 64-byte frames both ways until the NIC has moved `packets` frames; with `window`, 1 ms of it (from 2 ms, after the
/// driver is up and the traffic runs) on the pin-level bus with the bus trace off. x1: frames, x2: window start (s).
void measure_detail_window(const Options& o, uint64_t packets, bool window, Result& r) {
    RunConfig cfg = saturate_config();
    cfg.bus_model = BusModel::Tlm;
    cfg.size.min = cfg.size.max = 60;
    cfg.packets = packets;
    if (window) {
        cfg.detail_from.ns = 2'000'000;
        cfg.detail_for_ns = 1'000'000;
    }
    SystemTop top("top", cfg);
    MachineBase& dut = top.machine();
    const double t0 = wall_now();
    const double cpu0 = cpu_now();
    uint64_t done = 0;
    while (wall_now() - t0 < o.long_seconds && done < packets) {
        sc_start(sc_time(1, SC_MS));
        if (sc_get_status() != SC_PAUSED) break;
        done = dp_stats(dut).tx_frames + dp_stats(dut).rx_frames;
    }
    r.wall_s = wall_now() - t0;
    r.cpu_s = cpu_now() - cpu0;
    r.clocks = sc_time_stamp().to_seconds();
    r.x1 = static_cast<double>(done);
    const DetailWindow* w = top.detail_window();
    r.x2 = w && w->record().started ? static_cast<double>(w->record().start_ns) * 1e-9 : -1;
    r.x3 = w && w->record().ended ? static_cast<double>(w->record().end_ns) * 1e-9 : -1;
    r.ok = done >= packets && (!window || r.x3 > 0);
    if (!r.ok) std::snprintf(r.text, sizeof r.text, "%.0f of %llu frames moved", r.x1, (unsigned long long)packets);
}

/// The row of the detailed window: the same traffic with and without the window, each in its own child.
bool print_detail_window(const Options& o, uint64_t packets) {
    const Result fast = in_child([&](Result& r) { measure_detail_window(o, packets, false, r); });
    const Result win = in_child([&](Result& r) { measure_detail_window(o, packets, true, r); });
    std::printf("\n## --detail-from: %llu packets (64-byte frames both ways) with a 1 ms detailed window\n\n",
                static_cast<unsigned long long>(packets));
    if (!fast.ok || !win.ok) {
        std::printf("failed: %s\n", !fast.ok ? fast.text : win.text);
        return false;
    }
    const double ratio = win.wall_s / fast.wall_s;
    const double cpu_ratio = win.cpu_s / fast.cpu_s;  // steadier than wall time on a shared machine
    std::printf("| run | frames | simulated s | wall s | CPU s |\n|---|---:|---:|---:|---:|\n");
    std::printf("| fast mode throughout | %.0f | %.4f | %.2f | %.2f |\n", fast.x1, fast.clocks, fast.wall_s,
                fast.cpu_s);
    std::printf("| window %.4f s to %.4f s on the pin-level bus | %.0f | %.4f | %.2f | %.2f |\n", win.x2, win.x3,
                win.x1, win.clocks, win.wall_s, win.cpu_s);
    std::printf("\nWith the window / without: %.2f x wall, %.2f x CPU (target <= 1.2 x, judged on CPU time: %s).\n",
                ratio, cpu_ratio, met(cpu_ratio <= 1.2));
    return true;
}

/// The directory this program is in: bus_efficiency is built beside it.
std::string own_directory() {
    char exe[4096];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const std::string path = n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string("./nicsim_bench");
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// The speed table's measurements, each run in a child process; a row not asked for (--only) stays not ok.
struct Speeds {
    Result ref, full, full64, vcd, fst, idle, pinh, fast, tfull;
};

struct SpeedRow {
    const char* key;  ///< its --only name
    const char* label;
    Result Speeds::*result;
    void (*measure)(const Options&, Result&);
};

const SpeedRow kSpeedRows[] = {
    {"full", "(b) full system, saturated 1 GbE both ways, tracing off", &Speeds::full,
     [](const Options& o, Result& r) { measure_full(o, Trace::Off, false, r); }},
    {"full64", "(b64) as (b) with the NIC's 64-bit data path (nic-data-path 64, the 82545EM)", &Speeds::full64,
     [](const Options& o, Result& r) { measure_full(o, Trace::Off, false, r, true); }},
    {"vcd", "(c) same with VCD on (bus signals)", &Speeds::vcd,
     [](const Options& o, Result& r) { measure_full(o, Trace::Vcd, false, r); }},
    {"fst", "(c') same with the FST on (--trace-format fst)", &Speeds::fst,
     [](const Options& o, Result& r) { measure_full(o, Trace::Fst, false, r); }},
    {"idle", "(d) idle bus (driver up, no traffic)", &Speeds::idle, measure_idle},
    {"pinh", "(e) pin-level machine, harness traffic (1514 B both ways, as (f))", &Speeds::pinh,
     [](const Options& o, Result& r) { measure_harness(o, false, r); }},
    {"fast", "(f) TLM-2.0 fast mode, harness traffic (15 ns simulated = 1 clock)", &Speeds::fast,
     [](const Options& o, Result& r) { measure_harness(o, true, r); }},
    {"tfull", "(g) as (b) with --bus-model tlm (15 ns simulated = 1 clock)", &Speeds::tfull,
     [](const Options& o, Result& r) { measure_full(o, Trace::Off, true, r); }},
};

/// One round of the speed table: (a), the bare clock loop every row is a ratio to, whenever any row is asked for,
/// then the rows; `round` (from 1) is named in the labels when there are several.
Speeds measure_round(const Options& o, int round, bool& all_ok) {
    const std::string suffix = o.rounds > 1 ? ", round " + std::to_string(round) : std::string();
    Speeds sp;
    sp.ref.clocks_per_s = 1;
    bool any = o.wants("ref");
    for (const SpeedRow& row : kSpeedRows) any = any || o.wants(row.key);
    if (any) {
        sp.ref = in_child([&](Result& r) { measure_reference(o, r); });
        print_speed_row(("(a) bare clock loop (sc_clock + one SC_METHOD)" + suffix).c_str(), sp.ref,
                        sp.ref.clocks_per_s);
        all_ok &= sp.ref.ok;
    }
    for (const SpeedRow& row : kSpeedRows) {
        if (!o.wants(row.key)) continue;
        Result& res = sp.*row.result;
        res = in_child([&](Result& r) { row.measure(o, r); });
        print_speed_row((row.label + suffix).c_str(), res, sp.ref.clocks_per_s);
        all_ok &= res.ok;
    }
    return sp;
}

/// The speed table, --rounds times over.
std::vector<Speeds> measure_speeds(const Options& o, bool& all_ok) {
    std::printf("## Simulation speed (simulated PCI clocks per wall second)\n\n");
    std::printf("| configuration | clocks/s | ratio to (a) | measured |\n|---|---:|---:|---|\n");
    const double load_before = load_average();
    std::vector<Speeds> rounds;
    for (int k = 1; k <= o.rounds; ++k) rounds.push_back(measure_round(o, k, all_ok));
    // The rows share the machine with whatever else runs: its load says how much of a core each child could get.
    std::printf("\nLoad average (1 minute) before the rows %.2f, after them %.2f, on %ld cores.\n\n", load_before,
                load_average(), sysconf(_SC_NPROCESSORS_ONLN));
    return rounds;
}

/// What the speed rows moved, and their ratios against the targets of performance.md.
void print_speed_notes(const Speeds& sp) {
    const Result &ref = sp.ref, &full = sp.full, &pinh = sp.pinh, &fast = sp.fast, &tfull = sp.tfull;
    if (full.ok) {
        // On a shared machine a child may get less than a whole core: clocks per CPU second are compared too.
        const Ratios q = ratios_of(ref, full, Result{}, Result{});
        std::printf(
            "(b) moved %.0f TX + %.0f RX frames (%.0f frames per simulated second); (b)/(a) = %.3f in wall "
            "time, %.3f in clocks per CPU second; target >= 0.75: %s.\n",
            full.x1, full.x2, full.x3, q.pin_wall, q.pin_cpu, met(ref.ok && q.pin_wall >= 0.75));
    }
    print_trace_notes(full, sp.vcd, sp.fst);
    if (sp.idle.ok) std::printf("(d) the NIC was evaluated on %.0f of %.3g clocks.\n", sp.idle.x1, sp.idle.clocks);

    if (pinh.ok)
        std::printf("(e) moved %.0f TX + %.0f RX frames (%.0f frames per simulated second).\n", pinh.x1, pinh.x2,
                    pinh.x3);
    if (fast.ok)
        std::printf(
            "(f) moved %.0f TX + %.0f RX frames (%.0f frames per simulated second); simulated time per wall "
            "second against (e): %.2f x.\n",
            fast.x1, fast.x2, fast.x3, pinh.ok ? fast.clocks_per_s / pinh.clocks_per_s : 0.0);
    if (tfull.ok)
        std::printf("(g) moved %.0f TX + %.0f RX frames (%.0f frames per simulated second); against (b): %.2f x.\n",
                    tfull.x1, tfull.x2, tfull.x3, full.ok ? tfull.clocks_per_s / full.clocks_per_s : 0.0);
}

/// The median of the rounds' values of one ratio and the values in round order ("0.81 (0.74, 0.81, 0.90)");
/// rounds without it (0) left out. False when no round has it.
bool median_of(const std::vector<Ratios>& all, double Ratios::*field, double& median, std::string& list) {
    std::vector<double> v;
    char buf[32];
    for (const Ratios& q : all) {
        if (q.*field <= 0) continue;
        std::snprintf(buf, sizeof buf, "%s%.2f", v.empty() ? "" : ", ", q.*field);
        list += buf;
        v.push_back(q.*field);
    }
    if (v.empty()) return false;
    std::sort(v.begin(), v.end());
    median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    return true;
}

/// Fast mode against the pin level, simulated time per wall second: the harness machines and the full system.
void fast_ratios(const Speeds& sp, Ratios& q) {
    if (sp.pinh.ok && sp.fast.ok) q.fast_harness = sp.fast.clocks_per_s / sp.pinh.clocks_per_s;
    if (sp.full.ok && sp.tfull.ok) q.fast_full = sp.tfull.clocks_per_s / sp.full.clocks_per_s;
}

/// Each round's notes, then the targets judged on the medians of the rounds' ratios.
void print_round_notes(const std::vector<Speeds>& rounds) {
    std::vector<Ratios> all;
    for (size_t k = 0; k < rounds.size(); ++k) {
        std::printf("Round %zu:\n", k + 1);
        print_speed_notes(rounds[k]);
        const Speeds& sp = rounds[k];
        all.push_back(ratios_of(sp.ref, sp.full, sp.vcd, sp.fst));
        fast_ratios(sp, all.back());
        std::printf("\n");
    }
    std::printf("Medians of %zu rounds (each round's value in round order):\n", rounds.size());
    double m = 0, c = 0;
    std::string l, lc;
    if (median_of(all, &Ratios::pin_wall, m, l) && median_of(all, &Ratios::pin_cpu, c, lc))
        std::printf("- (b)/(a): %.3f in wall time (%s), %.3f in clocks per CPU second (%s); target >= 0.75: %s.\n", m,
                    l.c_str(), c, lc.c_str(), met(m >= 0.75));
    l.clear();
    lc.clear();
    if (median_of(all, &Ratios::vcd_wall, m, l) && median_of(all, &Ratios::vcd_sim, c, lc))
        std::printf(
            "- VCD on / off: %.2f x in wall time (%s), %.2f x in CPU time per clock on the simulation's thread (%s); "
            "target <= 1.5 x: %s.\n",
            m, l.c_str(), c, lc.c_str(), met(m <= 1.5));
    l.clear();
    lc.clear();
    if (median_of(all, &Ratios::fst_speed, m, l) && median_of(all, &Ratios::fst_cpu, c, lc))
        std::printf(
            "- FST against VCD: %.2f x the VCD's clocks per wall second (%s), %.2f x per CPU second (%s); target >= "
            "1, no slower: %s.\n",
            m, l.c_str(), c, lc.c_str(), met(m >= 1));
    const std::pair<double Ratios::*, const char*> fast_rows[] = {{&Ratios::fast_harness, "(f)/(e), the harness"},
                                                                  {&Ratios::fast_full, "(g)/(b), the full system"}};
    for (const auto& [field, what] : fast_rows) {
        l.clear();
        if (median_of(all, field, m, l))
            std::printf("- fast / pin, simulated time per wall second, %s: %.2f x (%s); target >= 20 x: %s.\n", what, m,
                        l.c_str(), met(m >= 20));
    }
}

bool report_efficiency(const Options& o) {
    std::printf("\n## Bus efficiency against the arithmetic of pci-bus.md\n\n");
    bool ok = true;
    const char* cfgs[][2] = {{"64", "66"}, {"32", "33"}};
    for (const auto& c : cfgs) {
        Result e;
        measure_efficiency(o, c[0], c[1], e);
        std::printf("%s\n%s\n", e.text, e.ok ? "(measured equals the arithmetic)" : "(DIFFERS or failed)");
        ok &= e.ok;
    }
    return ok;
}

bool report_line_rate(const Options& o) {
    const Result l = in_child([&](Result& r) { measure_line_rate(o, r); });
    std::printf("\n## 1518-byte TX line rate, 64-bit/66 MHz bus\n\n");
    if (l.ok)
        std::printf(
            "%.0f frames: %.1f Mb/s of frames (FCS included), %.1f Mb/s on the wire with preamble and "
            "inter-frame gap (line rate 1000; frame-only maximum 987.0); monitor violations %.0f.\n",
            l.x1, l.x2, l.x3, l.x4);
    else
        std::printf("failed: %s\n", l.text);
    return l.ok;
}

/// 64-byte frames both ways for --seconds, at pin level or in the fast mode.
bool report_small(const Options& o, bool tlm) {
    const Result s = in_child([&](Result& r) { measure_small(o, o.seconds, ~0ull >> 1, false, tlm, r); });
    if (!tlm) {
        std::printf("\n## Small packets: 64-byte frames, both directions, 64-bit/66 MHz\n\n");
        if (s.ok)
            std::printf(
                "%.0f frames in %.2f ms simulated / %.1f s wall: %.0f packets per simulated second (line "
                "rate 2 x 1488095), %.0f packets per wall second.\n",
                s.x1, s.clocks * 1e3, s.wall_s, s.x2, s.x3);
    } else {
        std::printf("\n## Small packets in the fast mode (--bus-model tlm): 64-byte frames, both directions\n\n");
        if (s.ok)
            std::printf(
                "%.0f frames in %.2f ms simulated / %.1f s wall: %.0f packets per simulated second, %.0f "
                "packets per wall second (%.1f s CPU).\n",
                s.x1, s.clocks * 1e3, s.wall_s, s.x2, s.x3, s.cpu_s);
    }
    if (!s.ok) std::printf("failed: %s\n", s.text);
    return s.ok;
}

/// The long run: --long-packets 64-byte frames within --long-seconds, with the memory sampled as it goes.
bool report_long(const Options& o, bool tlm) {
    const Result s = in_child([&](Result& r) { measure_small(o, o.long_seconds, o.long_packets, true, tlm, r); });
    std::printf("\n## Long run%s: 64-byte frames both ways, target %llu packets, budget %.0f s wall\n\n",
                tlm ? " in the fast mode (--bus-model tlm)" : "", static_cast<unsigned long long>(o.long_packets),
                o.long_seconds);
    if (s.ok) {
        std::printf("| wall s | packets | RSS MiB |\n|---:|---:|---:|\n%s\n", s.text);
        std::printf("%.0f packets in %.1f s wall (%.3f s simulated); peak RSS (ru_maxrss) %.1f MiB.\n", s.x1, s.wall_s,
                    s.clocks, s.x4);
    } else {
        std::printf("failed: %s\n", s.text);
    }
    return s.ok;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    Options o;
    if (const std::optional<int> status = parse_options(argc, argv, o)) return *status;
    if (!o.profile.empty()) {
        sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
        return profile_run(o.profile, o.profile_clocks);
    }
    o.self_dir = own_directory();
    // SystemC's informational chatter would interleave with the report.
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
    sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);

    bool all_ok = true;
    const std::vector<Speeds> rounds = measure_speeds(o, all_ok);
    if (rounds.size() == 1)
        print_speed_notes(rounds.front());
    else
        print_round_notes(rounds);
    if (o.wants("eff")) all_ok &= report_efficiency(o);
    if (o.wants("line")) all_ok &= report_line_rate(o);
    if (o.wants("small")) all_ok &= report_small(o, false);
    if (o.wants("tsmall")) all_ok &= report_small(o, true);
    if (o.wants("long")) all_ok &= report_long(o, false);
    if (o.wants("tlong")) all_ok &= report_long(o, true);
    if (o.wants("tdetail")) all_ok &= print_detail_window(o, o.detail_packets);
    return all_ok ? 0 : 1;
}
