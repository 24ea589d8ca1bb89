// What nicsim's trace writers (FastVcdFile, FstFile) share: the traced objects, copied at the end of every time step
// into a record (their raw bits) that a writer thread of its own compares with the values last written and writes
// (TraceQueue), so the simulation's thread only copies; signals a block derives on the writer thread from its copied
// state (trace_derived: the bus's lines); clocks whose edges follow from the time alone; the window of a run that is
// traced (nicsim --detail-from); the scope tree from the dots in the names under a top "SystemC" scope, as SystemC
// 2.3.4's own VCD writer builds it. A writer adds only how the header, time stamps and values are written; the header
// and the initial values are written on the simulation's thread, everything after them on the writer thread, which must
// not call into SystemC.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "model/trace/cache_lines.h"
#include "model/trace/derived_trace.h"

namespace nicsim {

class TraceQueue;

/// Traced bits as text, most significant first, in a writer's alphabet: the characters for a bit's (control << 1 |
/// data), that is for 0, 1, Z and X (the VCD writes sc_lv's "01ZX" as SystemC does, the FST takes "01zx").
class TraceBitText {
  public:
    explicit TraceBitText(const char* alphabet);
    /// Bits [0, width) of 32-bit words stored data then control per word (PolledTraceFile::vector_words()); returns
    /// the end of the text.
    char* vector(const uint32_t* words, int width, char* p) const;
    /// Bits [0, width) of `x` (bits above 63 are 0); returns the end of the text.
    char* integer(uint64_t x, int width, char* p) const;

  private:
    /// One whole 32-bit word of data `d` and control `c`; returns the end of the text.
    inline char* word(uint32_t d, uint32_t c, char* p) const;

    char m_alphabet[4];     // by control << 1 | data
    char m_nibble[256][4];  // four bits, most significant first: index = control nibble << 4 | data nibble
    char m_byte[256][8];    // eight data bits without control bits (0 and 1 only), most significant first
    char m_released[32];    // a released word: 32 Z
};

class alignas(kCacheLine) PolledTraceFile : public sc_core::sc_trace_file {
  public:
    ~PolledTraceFile() override;
    PolledTraceFile(const PolledTraceFile&) = delete;
    PolledTraceFile& operator=(const PolledTraceFile&) = delete;

    /// A trace of one window of the run (nicsim --detail-from): call before the simulation starts; nothing is
    /// written until open_window().
    void hold_until_window() { m_sim.held = m_windowed = true; }
    /// The window starts now: the header, and every value as it is at the end of this time step.
    void open_window() { m_sim.held = false; }
    /// The window ends now: the clock edges and a time stamp up to now; nothing is written after it.
    void close_window();

    /// A clock that rises at k * period (k = 0, 1, ...) and falls half a period later, for as long as the
    /// simulation runs: its edges are written from the time alone, as an sc_clock traced here would show them,
    /// without the clock needing a time step of its own at either edge (pci::BusClock).
    void trace_clock(const std::string& name, const sc_core::sc_time& period);
    /// A clock evaluated an edge ahead of its time, in a batch (pci::BusClock::set_batching): every traced object now
    /// holds what it will hold at the end of that edge's time step, at `at` (time resolution units), and nothing else
    /// runs before then. Takes that time step's record now.
    void batched_edge(uint64_t at) { take(at); }
    /// The kernel's cycle() at the end of this time step ends a batch whose last edge is at `at`: it takes that
    /// edge's record.
    void batch_ended(uint64_t at) {
        if (at > m_sim.batch_end) m_sim.batch_end = at;
    }
    /// A block's signals derived from its state on the writer thread (DerivedTrace), traced at this point of the
    /// registration order: the file keeps `trace`, which the writer thread may use after the block is gone; the
    /// state is copied only while the simulation runs.
    void trace_derived(std::unique_ptr<DerivedTrace> trace);

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
    void trace(const sc_dt::sc_bv_base& object, const std::string& name) override;
    void trace(const sc_dt::sc_lv_base& object, const std::string& name) override;
    void trace(const unsigned int& object, const std::string& name, const char** enum_literals) override;
    // Types neither writer supports: reported (nicsim/trace/unsupported) and ignored.
    void trace(const sc_core::sc_event&, const std::string& name) override { unsupported(name); }
    void trace(const sc_core::sc_time&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_int_base&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_uint_base&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_signed&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_unsigned&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_fxval&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_fxval_fast&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_fxnum&, const std::string& name) override { unsupported(name); }
    void trace(const sc_dt::sc_fxnum_fast&, const std::string& name) override { unsupported(name); }
    /// Waits until the writer thread has written every time step so far, then writes the comment.
    void write_comment(const std::string& comment) final;
    void delta_cycles(bool flag) override;
    void set_time_unit(double v, sc_core::sc_time_unit tu) override;

  protected:
    /// `writer` names the writer in warnings ("the fast VCD writer").
    explicit PolledTraceFile(const char* writer);

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
        uint8_t bytes;         // scalars read as raw bits: 1, 2, 4 or 8 bytes (0: sc_logic, sc_bit or a vector)
        bool derived = false;  // trace_derived(): a Logic or Lv without an object
        const void* obj;
        int width;                        // bits
        uint64_t mask;                    // integral: the values that fit the type's bits at this width
        uint64_t old = 0;                 // integral, bool, logic: value last written; double: its bits
        uint32_t words = 0;               // Bv/Lv: 32-bit words
        uint32_t first = 0;               // Bv/Lv: index of its words in the vector store (data then control per word)
        const uint32_t* shown = nullptr;  // Bv/Lv: its words as last written (from the first time step on)
        uint32_t slot = 0;    // where its raw bits are in a time step's record (bytes from the record's start);
                              // derived: where its words are in DerivedTrace::derive()'s output
        uint32_t handle = 0;  // the writer's own number for it (FST)
        std::string name;     // full dotted name
        char id[6];           // VCD identifier, NUL-terminated
    };

    /// An sc_logic as both formats write a one-bit value: 0, 1, z, x.
    static char logic_char(sc_dt::sc_logic_value_t v) { return "01zx"[static_cast<unsigned>(v) & 3u]; }

    /// Walks the scope tree: every variable of a scope (registration order), then its child scopes sorted by name.
    class ScopeVisitor {
      public:
        virtual ~ScopeVisitor() = default;
        virtual void enter(const std::string& scope) = 0;
        virtual void leave() = 0;
        /// `leaf`: the variable's last name, with [] turned into () (viewers would read [] as a bit range).
        virtual void var(Var& v, const std::string& leaf) = 0;
    };
    void visit_scopes(ScopeVisitor& visitor);

    // What a writer writes. The initial values come between begin_values() and end_values(); each later time stamp
    // is write_time(), then write_value() per changed variable (registration order), then end_step().
    virtual void write_declarations() = 0;
    virtual void begin_values(uint64_t units) = 0;
    virtual void end_values() = 0;
    virtual void write_time(uint64_t units) = 0;
    virtual void write_value(const Var& v) = 0;
    /// A time stamp's changed variables (indices into vars()), after write_time().
    virtual void write_values(const uint32_t* indices, size_t n) {
        for (size_t i = 0; i < n; ++i) write_value(m_vars[indices[i]]);
    }
    /// A time stamp whose only change is one clock's edge (write_time(), then write_value(clock)).
    virtual void write_edge(uint64_t units, const Var& clock) {
        write_time(units);
        write_value(clock);
    }
    virtual void end_step() {}
    /// Whether the values of a time stamp must come in registration order (a VCD's text); a format that keeps each
    /// signal's changes apart (the FST) takes them in any order, and write_step() leaves them unsorted.
    virtual bool values_ordered() const { return true; }
    /// After close_window()'s last time stamp: nothing more is written.
    virtual void window_closed() {}
    /// A comment in the file, written where the values have got to.
    virtual void write_comment_now(const std::string& comment) = 0;

    /// The writer's output is open: registers with the kernel, which calls cycle() at the end of every time step.
    void start();
    /// Waits for the writer thread to write everything, then the clock edges and time stamp up to the end of the
    /// simulation (unless the window closed): writers call it first in their destructor, while their output is still
    /// open. Unregisters from the kernel.
    void finish();
    bool started() const { return m_sim.registered; }
    bool windowed() const { return m_windowed; }
    /// The trace's time unit (100 ps in nicsim).
    const sc_core::sc_time& unit() const { return m_unit; }
    /// Bv/Lv: the variable's words as last written, data then control (sc_lv's X/Z) per 32-bit word.
    const uint32_t* vector_words(const Var& v) const { return v.shown; }
    const LineVector<Var>& vars() const { return m_vars; }
    const char* writer() const { return m_writer; }

    void cycle(bool delta_cycle) override;

  private:
    /// What the writer compares, grouped by how it is compared (one tight loop per group): the raw bits at `slot`
    /// in a record; `index` is the variable's place in m_vars, the order changed values are written in.
    template <class T>
    struct Poll {
        uint32_t slot;
        T old;
        uint32_t index;
    };
    /// What the simulation's thread copies into a record, to `slot`: `size` raw bytes from `obj` (a run of
    /// neighbouring scalars), a vector's `size` 32-bit words (data then control), or an sc_bit as one byte.
    struct Source {
        const void* obj;
        uint32_t slot;
        uint32_t size;
    };

    /// A trace_derived() block: its state's bytes are at `slot` in a record; its signal i is m_vars[vars[i]] (none
    /// where the trace refused it); derive() writes into `words` and `changed` (writer thread).
    struct Derived {
        std::unique_ptr<DerivedTrace> trace;
        LineVector<DerivedTrace::Span> spans;
        LineVector<uint32_t> vars;
        uint32_t slot = 0;
        LineVector<uint32_t> words;
        LineVector<uint32_t> changed;  // room for every signal
    };
    static constexpr uint32_t kNoVar = ~0u;

    /// A trace_clock() clock; times in time resolution units.
    struct Clock {
        uint32_t index;  // its Var
        uint64_t period;
        uint64_t next = 0;  // the next edge not written yet
    };

    template <class T>
    void poll(LineVector<Poll<T>>& group, const unsigned char* record);
    /// The clock's edge at c.next happens: its value flips and its next edge is half a period later.
    Var& toggle(Clock& c);
    /// m_next_edge from the clocks' next edges.
    void find_next_edge();
    /// Writes the clock edges before `limit` (and at it, with `inclusive`) as time stamps of their own.
    void write_clock_edges(uint64_t limit, bool inclusive);
    void add(Kind kind, const void* obj, const std::string& name, int width, uint64_t mask = 0);
    void add_vector(Kind kind, const sc_dt::sc_lv_base* lv, const sc_dt::sc_bv_base* bv, const std::string& name);
    bool vector_changed(Var& v, const unsigned char* record);  // compares and, when changed, takes the new words
    /// The size class of a variable's raw bits in a record (a vector's words are 4-byte aligned); 0: not in one.
    static unsigned record_align(const Var& v);
    /// Where each variable's raw bits go in a record, and what copies them there.
    void lay_out_records();
    /// The record of the time step ending at `now` (time resolution units): the header and initial values first,
    /// nothing before or after the window (simulation's thread).
    void take(uint64_t now);
    /// The time (resolution units) and the traced objects' raw bits now, into `record` (simulation's thread).
    void capture(unsigned char* record, uint64_t now) const;
    /// One time step's record: the clock edges before it, then the values that changed (writer thread).
    void write_step(const unsigned char* record);
    /// The header and the initial values, from the record of this time step.
    void write_start(const unsigned char* record);
    /// Takes variable i's value from `record` and places it in its poll group.
    void take_initial(uint32_t i, const unsigned char* record);
    /// Derives a block's signals from `record` and takes their values; with `note`, lists those that changed.
    void take_derived(Derived& d, const unsigned char* record, bool note);
    /// Every time step pushed has been written and the writer thread has ended.
    void stop_writer();
    void unsupported(const std::string& name) const;

    const char* m_writer;
    LineVector<Var> m_vars;
    // Built when the header is written: raw values of 1, 2, 4 and 8 bytes (bools, integers, sc_logic, reals), and the
    // rest (vectors, sc_bit) compared through their Var.
    LineVector<Poll<uint8_t>> m_poll8;
    LineVector<Poll<uint16_t>> m_poll16;
    LineVector<Poll<uint32_t>> m_poll32;
    LineVector<Poll<uint64_t>> m_poll64;
    LineVector<uint32_t> m_poll_vectors;
    LineVector<Derived> m_derived;
    LineVector<Clock> m_clocks;
    LineVector<uint32_t> m_changed;  // indices changed in this time step, m_changed[0, m_nchanged) (room for all)
    size_t m_nchanged = 0;
    uint64_t m_next_edge = ~uint64_t(0);  // the earliest of the clocks' next edges (time resolution units)
    LineVector<uint32_t> m_vec_old;
    sc_core::sc_time m_unit = sc_core::sc_time(1, sc_core::SC_PS);  // SystemC's default VCD time unit
    uint64_t m_unit_ticks = 1;                                      // resolution ticks per time unit
    uint64_t m_prev_units = 0;
    bool m_windowed = false;  // hold_until_window(): the initial values get the window's time stamp
    bool m_ordered = true;    // values_ordered(), asked once

    /// What the simulation's thread reads and writes at every time step, on cache lines of its own: the writer
    /// thread writes its state (m_prev_units, m_changed, a writer's buffer) at every time step too, and a line both
    /// wrote would move between the cores each time.
    struct alignas(kCacheLine) Capturing {
        // Raw copies, sc_bit as a byte, vectors' words (data then control).
        std::vector<Source> raw, bit, bv, lv;
        size_t record_bytes = 0;            // a multiple of 8: the time, then the raw bits
        std::unique_ptr<TraceQueue> queue;  // the writer thread, while it runs
        uint64_t last_cycle = 0;            // time (resolution units) of the last time step recorded
        uint64_t batch_end = 0;             // the last edge a batch evaluated (batch_ended)
        bool initialized = false;
        bool registered = false;
        bool held = false;    // before the window (hold_until_window)
        bool closed = false;  // after the window (close_window)
    } m_sim;
};

}  // namespace nicsim
