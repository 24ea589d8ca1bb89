// A VCD writer for the SystemC kernel without iostreams: the same file SystemC 2.3.4's own VCD writer produces
// (hierarchical scopes from the dots in the names under a top "SystemC" scope, the same identifiers, value
// formats and time stamps), except for a fixed $date, written through one buffer with integer formatting by hand.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <systemc>

namespace nicsim {

class FastVcdFile : public sc_core::sc_trace_file {
  public:
    /// Opens `path` (written as given, no suffix added) and registers with the simulation kernel, which calls
    /// cycle() at the end of every time step. An unopenable file is reported (nicsim/trace/open) and traces nothing.
    explicit FastVcdFile(const std::string& path);
    /// Writes into `stream`, which stays the caller's: it is flushed at the end but not closed, and write errors are
    /// left in its error indicator (ferror) for the caller to check. `name` names it in reports.
    FastVcdFile(std::FILE* stream, const std::string& name);
    /// Writes the final time stamp, flushes, closes (unless the stream is borrowed) and unregisters from the kernel.
    ~FastVcdFile() override;
    FastVcdFile(const FastVcdFile&) = delete;
    FastVcdFile& operator=(const FastVcdFile&) = delete;

    bool ok() const { return m_fp != nullptr; }

    /// A trace of one window of the run (nicsim --detail-from): call before the simulation starts; nothing is
    /// written until open_window().
    void hold_until_window() { m_held = m_windowed = true; }
    /// The window starts now: the header, and every value as it is at the end of this time step.
    void open_window() { m_held = false; }
    /// The window ends now: the clock edges and a time stamp up to now; nothing is written after it.
    void close_window();

    /// A clock that rises at k * period (k = 0, 1, ...) and falls half a period later, for as long as the
    /// simulation runs: its edges are written from the time alone, as an sc_clock traced here would show them,
    /// without the clock needing a time step of its own at either edge (pci::BusClock).
    void trace_clock(const std::string& name, const sc_core::sc_time& period);

    void trace(const sc_core::sc_event& object, const std::string& name) override;
    void trace(const sc_core::sc_time& object, const std::string& name) override;
    void trace(const bool& object, const std::string& name) override;
    void trace(const sc_dt::sc_bit& object, const std::string& name) override;
    void trace(const sc_dt::sc_logic& object, const std::string& name) override;
    void trace(const unsigned char& object, const std::string& name, int width) override;
    void trace(const unsigned short& object, const std::string& name, int width) override;
    void trace(const unsigned int& object, const std::string& name, int width) override;
    void trace(const unsigned long& object, const std::string& name, int width) override;
    void trace(const char& object, const std::string& name, int width) override;
    void trace(const short& object, const std::string& name, int width) override;
    void trace(const int& object, const std::string& name, int width) override;
    void trace(const long& object, const std::string& name, int width) override;
    void trace(const sc_dt::int64& object, const std::string& name, int width) override;
    void trace(const sc_dt::uint64& object, const std::string& name, int width) override;
    void trace(const float& object, const std::string& name) override;
    void trace(const double& object, const std::string& name) override;
    void trace(const sc_dt::sc_int_base& object, const std::string& name) override;
    void trace(const sc_dt::sc_uint_base& object, const std::string& name) override;
    void trace(const sc_dt::sc_signed& object, const std::string& name) override;
    void trace(const sc_dt::sc_unsigned& object, const std::string& name) override;
    void trace(const sc_dt::sc_fxval& object, const std::string& name) override;
    void trace(const sc_dt::sc_fxval_fast& object, const std::string& name) override;
    void trace(const sc_dt::sc_fxnum& object, const std::string& name) override;
    void trace(const sc_dt::sc_fxnum_fast& object, const std::string& name) override;
    void trace(const sc_dt::sc_bv_base& object, const std::string& name) override;
    void trace(const sc_dt::sc_lv_base& object, const std::string& name) override;
    void trace(const unsigned int& object, const std::string& name, const char** enum_literals) override;
    void write_comment(const std::string& comment) override;
    void delta_cycles(bool flag) override;
    void set_time_unit(double v, sc_core::sc_time_unit tu) override;

  protected:
    void cycle(bool delta_cycle) override;

  private:
    enum class Kind : uint8_t {
        Bool,   // const bool*
        Bit,    // const sc_bit*
        Logic,  // const sc_logic*
        U8,     // integral types: value widened to 64 bits, masked to the traced width
        U16,
        U32,
        U64,
        S8,
        S16,
        S32,
        S64,
        Double,  // const double*
        Float,   // const float*
        Bv,      // const sc_bv_base*
        Lv,      // const sc_lv_base*
        Clock,   // trace_clock(): no object, the value follows the time
    };
    struct Var {
        Kind kind;
        uint8_t bytes;  // scalars read as raw bits: 1, 2, 4 or 8 bytes (0: sc_logic, sc_bit or a vector)
        const void* obj;
        int width;           // bits
        uint64_t mask;       // integral: the values that fit the type's bits at this width
        uint64_t old = 0;    // integral, bool, logic: value last written; double: its bits
        uint32_t words = 0;  // Bv/Lv: 32-bit words
        uint32_t first = 0;  // Bv/Lv: index of its words in m_vec_old (data then control per word)
        std::string name;    // full dotted name
        char id[6];          // VCD identifier, NUL-terminated
    };

    /// What cycle() polls, grouped by how it is compared (one tight loop per group); `index` is the variable's
    /// place in m_vars, the order changed values are written in.
    template <class T>
    struct Poll {
        const T* obj;
        T old;
        uint32_t index;
    };

    /// A trace_clock() clock; times in time resolution units.
    struct Clock {
        uint32_t index;  // its Var
        uint64_t period;
        uint64_t next = 0;  // the next edge not written yet
    };

    template <class T>
    void poll(std::vector<Poll<T>>& group);
    /// The clock's edge at c.next happens: its value flips and its next edge is half a period later.
    Var& toggle(Clock& c);
    /// Writes the clock edges before `limit` (and at it, with `inclusive`) as time stamps of their own.
    void write_clock_edges(uint64_t limit, bool inclusive);
    void add(Kind kind, const void* obj, const std::string& name, int width, uint64_t mask = 0);
    static uint64_t read_scalar(const Var& v);
    bool vector_changed(Var& v);  // compares and, when changed, takes the new words
    void write_value(const Var& v);
    char* format_real(const Var& v, char* p);
    char* format_vector(const Var& v, char* p);
    char* format_integer(const Var& v, char* p);
    void write_header();
    void write_scopes();
    void write_time(uint64_t units);
    void put(const char* s, size_t n);
    void put(const char* s);
    void put(char c);
    void flush();

    void register_with_kernel();

    std::FILE* m_fp = nullptr;
    bool m_owns_fp = true;
    std::string m_path;
    std::vector<char> m_buf;
    size_t m_fill = 0;
    std::vector<Var> m_vars;
    // Built when the header is written: raw values of 1, 2, 4 and 8 bytes (bools, integers, sc_logic, reals), and the
    // rest (vectors, sc_bit) compared through their Var.
    std::vector<Poll<uint8_t>> m_poll8;
    std::vector<Poll<uint16_t>> m_poll16;
    std::vector<Poll<uint32_t>> m_poll32;
    std::vector<Poll<uint64_t>> m_poll64;
    std::vector<uint32_t> m_poll_other;
    std::vector<Clock> m_clocks;
    std::vector<uint32_t> m_changed;  // indices changed in this cycle (capacity: every variable, no allocation)
    std::vector<uint32_t> m_vec_old;
    sc_core::sc_time m_unit = sc_core::sc_time(1, sc_core::SC_PS);  // SystemC's default VCD time unit
    double m_unit_value = 1;
    sc_core::sc_time_unit m_unit_tu = sc_core::SC_PS;
    uint64_t m_unit_ticks = 1;  // resolution ticks per time unit
    uint64_t m_prev_units = 0;
    uint64_t m_last_cycle = 0;  // time (resolution units) of the last time step the kernel ran
    bool m_initialized = false;
    bool m_warned_late = false;
    bool m_registered = false;
    bool m_windowed = false;  // hold_until_window(): the initial values get the window's time stamp
    bool m_held = false;      // before the window (hold_until_window)
    bool m_closed = false;    // after the window (close_window)
};

}  // namespace nicsim
