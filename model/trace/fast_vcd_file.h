// A VCD writer for the SystemC kernel without iostreams: the same file SystemC 2.3.4's own VCD writer produces
// (hierarchical scopes from the dots in the names under a top "SystemC" scope, the same identifiers, value
// formats and time stamps), except for a fixed $date, written through one buffer with integer formatting by hand.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "model/trace/polled_trace_file.h"

namespace nicsim {

class FastVcdFile : public PolledTraceFile {
  public:
    /// Opens `path` (written as given, no suffix added) and registers with the simulation kernel, which calls
    /// cycle() at the end of every time step. An unopenable file is reported (nicsim/trace/open) and traces nothing.
    explicit FastVcdFile(const std::string& path);
    /// Writes into `stream`, which stays the caller's: it is flushed at the end but not closed, and write errors are
    /// left in its error indicator (ferror) for the caller to check. `name` names it in reports.
    FastVcdFile(std::FILE* stream, const std::string& name);
    /// Writes the final time stamp, flushes, closes (unless the stream is borrowed) and unregisters from the kernel.
    ~FastVcdFile() override;

    bool ok() const { return m_fp != nullptr; }

  protected:
    void write_comment_now(const std::string& comment) override;
    void write_declarations() override;
    void begin_values(uint64_t units) override;
    void end_values() override;
    void write_time(uint64_t units) override;
    void write_value(const Var& v) override;
    /// write_value() for each, without a virtual call each.
    void write_values(const uint32_t* indices, size_t n) override;
    void end_step() override;
    void window_closed() override { flush(); }

  private:
    char* format_real(const Var& v, char* p);
    char* format_vector(const Var& v, char* p);
    static int shown_bits(const uint32_t* w, int width);
    /// m_time_text holds `units` right-aligned.
    void set_time_text(uint64_t units);
    /// The last four digits (of a number of at least five) become `low` (< 10^4).
    void set_low_digits(uint32_t low);
    char* format_integer(const Var& v, char* p);
    void put(const char* s, size_t n);
    void put(const char* s);
    void put(char c);
    void flush();

    std::FILE* m_fp = nullptr;
    bool m_owns_fp = true;
    std::string m_path;
    LineVector<char> m_buf;
    size_t m_fill = 0;
    static constexpr size_t kTimeEnd = 24;
    char m_time_text[2 * kTimeEnd] = {};  // the last time stamp's digits, right-aligned at kTimeEnd; slack after
    int m_time_digits = 0;                // how many (0: none written yet)
    uint64_t m_time_units = 0;            // its value
};

}  // namespace nicsim
