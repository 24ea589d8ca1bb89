// The files one nicsim run writes (VCD, its GTKWave save file, pcap, statistics JSON), all through OutputFile: checked
// together before the run, the VCD and pcap streams handed to the system, everything finished after it.
#pragma once

#include <string>
#include <vector>

#include "testbench/nicsim/output_file.h"

namespace nicsim::tb {

struct RunConfig;
class SystemTop;

class RunOutputs {
  public:
    /// The outputs named by cfg.vcd, cfg.pcap_out and cfg.stats_json (empty: off), the save file beside a VCD that is
    /// a file, and cfg.pcap_in as an input. `cfg` must outlive this object.
    explicit RunOutputs(const RunConfig& cfg);
    /// Another file the run reads (a scenario or configuration file): no output may be it.
    void add_input(const std::string& option, const std::string& path) { m_plan.add_input(option, path); }
    /// Throws OutputRefused (exit 2) before anything is written.
    void check() { m_plan.check(); }
    /// Open VCD and pcap and hand them to `top` (before the simulation). False with `error` set.
    bool attach(SystemTop& top, std::string& error);
    /// A write to an output has failed during the run: its one-line message (the run stops), else empty.
    std::string write_failure() const;
    /// After the run: finish the VCD and pcap, write the save file. Each problem is one line in `errors`.
    void finish_traces(SystemTop& top, std::vector<std::string>& errors);
    /// Write the statistics JSON (when asked for). A problem is one line in `errors`.
    void write_stats(const std::string& json, std::vector<std::string>& errors);
    /// Some output is standard output: the run's own report goes to standard error then.
    bool uses_stdout() const { return m_plan.uses_stdout(); }
    /// The VCD's save file, or empty.
    const std::string& save_file() const { return m_gtkw_path; }

  private:
    void write_save_file(SystemTop& top, std::vector<std::string>& errors);

    const RunConfig& m_cfg;
    OutputPlan m_plan;
    OutputFile* m_vcd = nullptr;
    OutputFile* m_pcap = nullptr;
    OutputFile* m_stats = nullptr;
    OutputFile* m_gtkw = nullptr;
    std::string m_gtkw_path;
};

}  // namespace nicsim::tb
