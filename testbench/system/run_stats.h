// The end-of-run statistics: one ordered list of rows, printed as a table and written as JSON with the same keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nicsim::tb {

class SystemTop;

class RunStats {
  public:
    struct Row {
        std::string section;
        std::string key;
        std::string text;  ///< as printed
        bool number = false;
        double value = 0;  ///< when number
        std::string unit;
    };
    void add(const std::string& section, const std::string& key, double value, const std::string& unit = "");
    void add_count(const std::string& section, const std::string& key, uint64_t value);
    void add_text(const std::string& section, const std::string& key, const std::string& text);
    const std::vector<Row>& rows() const { return m_rows; }
    /// The value of `section.key`, or -1 when absent.
    double value(const std::string& section, const std::string& key) const;

    std::string table() const;
    std::vector<Row> grouped() const;
    std::string json() const;

  private:
    std::vector<Row> m_rows;
};

/// The one statistics section that depends on the host machine (wall time, memory): always last, and left out when
/// two runs of the same seed are compared (every other row, the VCD and the pcap are byte-identical).
constexpr const char* kWallClockSection = "wall-clock";

/// Peak resident set size of this process so far, in kB (getrusage); 0 when unavailable.
uint64_t peak_rss_kb();

struct RunOutcome {
    double wall_seconds = 0;
    uint64_t rss_start_kb = 0;          ///< peak RSS before the simulation started
    bool interrupted = false;           ///< stopped early by a signal or a failed output
    std::string stopped_by;             ///< what stopped it ("Ctrl-C (SIGINT)", "SIGTERM", ...) when interrupted
    bool time_limit = false;            ///< stopped by --max-time or --max-clocks before the traffic finished
    std::vector<std::string> failures;  ///< each check that failed, one line each (empty = pass)
};

/// Collect every statistic of the run and judge it: fills outcome.failures.
RunStats collect_stats(SystemTop& top, RunOutcome& outcome);

}  // namespace nicsim::tb
