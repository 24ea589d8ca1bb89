// The end-of-run statistics record: one ordered list of rows, printed as a table and written as JSON (the same rows,
// names in snake_case). collect_stats.h fills it, verdict.h judges it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nicsim::tb {

class RunStats {
  public:
    struct Row {
        std::string section;
        std::string key;
        std::string text;  ///< as printed
        bool number = false;
        bool integer = false;  ///< a count: an integer in JSON
        double value = 0;      ///< when number
        std::string unit;
        bool in_json = true;  ///< false: a table-only remark (JSON leaves the key out rather than change its type)
    };
    void add(const std::string& section, const std::string& key, double value, const std::string& unit = "");
    void add_count(const std::string& section, const std::string& key, uint64_t value);
    void add_text(const std::string& section, const std::string& key, const std::string& text);
    /// A statistic this kind of run does not have: "not applicable (why)" in the table, absent from the JSON.
    void add_not_applicable(const std::string& section, const std::string& key, const std::string& why);
    const std::vector<Row>& rows() const { return m_rows; }
    /// The value of `section.key`, or -1 when absent.
    double value(const std::string& section, const std::string& key) const;

    std::string table() const;
    std::vector<Row> grouped() const;
    /// The JSON document (docs/schema/nicsim-stats.schema.json): {"schema_version": N, "section": {"key": value}},
    /// names in snake_case with the unit last (simulated_time_us), report types kept as the model names them.
    std::string json() const;

  private:
    std::vector<Row> m_rows;
};

/// Version of the statistics JSON layout; raised whenever a key is renamed, removed or changes type.
constexpr unsigned kStatsSchemaVersion = 1;

/// `text` in snake_case with `unit` appended ("simulated time", "us" -> "simulated_time_us"; "%..." -> "percent").
std::string json_name(const std::string& text, const std::string& unit);

/// The one statistics section that depends on the host machine (wall time, memory): always last, and left out when
/// two runs of the same seed are compared (every other row, the VCD and the pcap are byte-identical).
constexpr const char* kWallClockSection = "wall-clock";

/// Peak resident set size of this process so far, in kB (getrusage); 0 when unavailable.
uint64_t peak_rss_kb();

struct RunOutcome {
    double wall_seconds = 0;
    uint64_t rss_start_kb = 0;          ///< peak RSS before the simulation started
    uint64_t batched_clocks = 0;        ///< bus clocks evaluated inside batches (pci::BusClock::batched_edges)
    bool interrupted = false;           ///< stopped early by a signal or a failed output
    std::string stopped_by;             ///< what stopped it ("Ctrl-C (SIGINT)", "SIGTERM", ...) when interrupted
    bool stalled = false;               ///< nothing moved for a long simulated time before the traffic finished
    bool driver_failed = false;         ///< a driver's bring-up failed: the run ended there
    bool time_limit = false;            ///< stopped by --max-time or --max-clocks before the traffic finished
    std::vector<std::string> failures;  ///< failures found outside the record (an output not written), one line each
};

}  // namespace nicsim::tb
