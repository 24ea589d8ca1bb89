// What a traced PCI bus shows: its lines as sc_logic/sc_lv signals (0, 1, Z where released, X where two agents drive
// at once), worked out from the resolved lines (pci::Lines) by one derivation that serves both kinds of trace file.
// nicsim's own writers (PolledTraceFile) run it on their writer thread from a copy of the lines taken at the end of
// every time step, so the simulation's thread does nothing on a change of the lines but follow the address phases;
// any other trace file (SystemC's VCD writer) gets sc_logic/sc_lv copies refreshed on every change.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "model/pci/pci_bus.h"
#include "model/trace/derived_trace.h"

namespace nicsim::pci {

/// The signals of one bus, in the order they are traced, and their bits.
class BusTraceSignals final : public DerivedTrace {
  public:
    struct Layout {
        std::string prefix;                ///< "<scope>." before every name
        bool wide = false;                 ///< a 64-bit bus: AD[63:0], C/BE#[7:0], PAR64, REQ64#, ACK64#
        std::vector<std::string> masters;  ///< REQ_n_<name>, GNT_n_<name> per master
        std::vector<std::string> devices;  ///< IDSEL_<name> per device
        bool command = false;              ///< CMD last (PciBus::TraceOptions::command)
    };
    /// `lines` and `address_phase` are the state copied for derive(const unsigned char*, ...).
    BusTraceSignals(const Layout& layout, const Lines* lines, const uint8_t* address_phase);

    std::vector<Span> state() const override;
    std::vector<Signal> signals() const override;
    /// Derives only the signals whose lines changed since the last call (a bus change is usually a few lines) and
    /// lists those whose bits differ.
    size_t derive(const unsigned char* state, uint32_t* words, uint32_t* changed) override;
    /// Every signal's words from the lines themselves; `address_phase`: C/BE#[3:0] carries a command (CMD).
    void derive(const Lines& l, bool address_phase, uint32_t* words) const;
    /// How many words derive() writes.
    size_t word_count() const { return m_word_count; }

  private:
    enum class Kind : uint8_t { Rst, Ad, Cbe, Line, Serr, Inta, Req, Gnt, Idsel, Cmd };
    struct Entry {
        Signal signal;
        Kind kind;
        uint32_t arg;     // Line: the line; Req, Gnt, Idsel: the master or device
        uint32_t inputs;  // what it is derived from: Line bits and the k*Input bits below
        uint32_t word;    // its first word in derive()'s output
        uint32_t words;   // how many (2 or 4)
    };
    // Inputs beside the bused lines (whose Line bits stand for their driven, contention and level bits, and for AD's
    // and C/BE#'s values).
    static constexpr uint32_t kRstInput = 1u << 16, kIntaInput = 1u << 17, kReqGntInput = 1u << 18,
                              kIdselInput = 1u << 19, kAddressInput = 1u << 20;
    static constexpr int kInputs = 21;

    static constexpr uint32_t kAdEntry = 1;  // AD follows RST# (the constructor's order)

    void add(const std::string& name, int width, Kind kind, uint32_t arg, uint32_t inputs);
    /// AD's words from `l` into `words`, listed in `changed` (at `n`) when they moved; returns the new count.
    size_t update_ad(const Lines& l, uint32_t* words, uint32_t* changed, size_t n) const;
    void words_of(const Entry& e, const Lines& l, bool address_phase, uint32_t* w) const;
    /// The inputs that differ between `l` and `was`.
    static uint32_t changed_inputs(const Lines& l, const Lines& was);

    LineVector<Entry> m_entries;
    // Per input bit b: the entries derived from it, m_input_entries[m_input_first[b], m_input_first[b + 1]).
    LineVector<uint32_t> m_input_entries;
    uint32_t m_input_first[kInputs + 1] = {};
    uint32_t m_line_entry[16] = {};  // per Line bit of a one-bit line signal (Kind::Line): its entry
    uint32_t m_own_lines = 0;        // those Line bits
    size_t m_word_count = 0;
    bool m_wide;
    const Lines* m_lines;
    const uint8_t* m_address_phase;
    // Writer thread: what the last derive() call saw.
    Lines m_shown;
    bool m_shown_address = false;
    bool m_shown_valid = false;
};

/// A bus's tracing on the simulation's thread: which clocks are address phases (for CMD), and for a trace file other
/// than nicsim's own, the sc_logic/sc_lv copies.
class BusTrace {
  public:
    /// Registers the signals with `tf` (call during elaboration); `now` stays the bus's resolved lines.
    BusTrace(sc_core::sc_trace_file* tf, const BusTraceSignals::Layout& layout, const Lines& now);
    ~BusTrace();
    BusTrace(const BusTrace&) = delete;
    BusTrace& operator=(const BusTrace&) = delete;

    /// The lines changed: called on every change, several times in one time step too, since CMD depends on them all.
    void changed(const Lines& l) {
        if (m_command) follow_command(l);
        if (m_mirror) refresh_mirror(l);
    }
    /// With CMD traced: true and the time of the first address phase so far (false before one).
    bool first_address_phase(sc_core::sc_time& at) const;
    /// Whether the bus's clock may batch edges (pci::BatchLines::batchable): nothing here reads the simulation time
    /// or keeps sc_logic copies a trace file reads in the kernel's cycle. The first address phase's time is read
    /// when it is seen, and the copies serve trace files other than nicsim's own.
    bool batchable() const { return !m_mirror && (!m_command || m_any_address); }

  private:
    struct Mirror;
    void follow_command(const Lines& l);
    void refresh_mirror(const Lines& l);

    bool m_command;
    bool m_frame_was = false;  // FRAME# was asserted at the previous change
    bool m_dac_first = false;  // the previous change was in the first clock of a DAC
    uint8_t m_address_phase = 0;
    bool m_any_address = false;
    sc_core::sc_time m_first_address;
    std::unique_ptr<Mirror> m_mirror;
};

}  // namespace nicsim::pci
