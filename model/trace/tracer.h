// The one object that owns the trace file (VCD or FST): opt-in at run time, so an untraced run pays nothing.
#pragma once

#include <cstdio>
#include <string>

#include <systemc>

namespace nicsim {

class Tracer {
  public:
    enum class Writer {
        Fast,     ///< FastVcdFile (model/trace/fast_vcd_file.h): SystemC's file content, a fixed $date, no iostreams
        SystemC,  ///< SystemC's own sc_create_vcd_trace_file (wall-clock $date), for comparisons
        Fst,      ///< FstFile (model/trace/fst_file.h): GTKWave's FST, written as `path` says, no suffix added
    };
    /// `path` with or without the ".vcd" suffix (the file is always `<base>.vcd`, an FST `path` as it is); empty =
    /// tracing off.
    explicit Tracer(const std::string& path = {}, Writer writer = Writer::Fast);
    /// Traces into an open stream (FastVcdFile), written exactly as given and left open: the caller owns it, closes
    /// it after the Tracer is destroyed and checks it for write errors. `name` names it in reports and path().
    Tracer(std::FILE* stream, const std::string& name);
    ~Tracer();
    Tracer(const Tracer&) = delete;
    Tracer& operator=(const Tracer&) = delete;

    bool on() const { return m_file != nullptr; }
    /// The open trace file, or nullptr when tracing is off. Blocks register their signals during elaboration.
    sc_core::sc_trace_file* file() const { return m_file; }
    const std::string& path() const { return m_path; }

    /// A trace of one window of the run (nicsim --detail-from; nicsim's own writers): nothing is written before
    /// open_window() or after close_window(). Call hold_until_window() before the simulation starts.
    void hold_until_window();
    void open_window();
    void close_window();

    template <class T>
    void add(const T& value, const std::string& name) {
        if (m_file) sc_core::sc_trace(m_file, value, name);
    }

  private:
    sc_core::sc_trace_file* m_file = nullptr;
    Writer m_writer;
    std::string m_path;
};

}  // namespace nicsim
