// Signals a block works out from its own state on a trace writer's thread. Traced by nicsim's writers
// (PolledTraceFile::trace_derived), the simulation's thread only copies the state's raw bytes at the end of every time
// step and the writer thread derives each signal's bits from the copy, so the block keeps no sc_logic/sc_lv copies of
// its state up to date while it runs (the PCI bus's lines: pci::BusTraceSignals).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/trace/cache_lines.h"

namespace nicsim {

class alignas(kCacheLine) DerivedTrace {
  public:
    struct Signal {
        std::string name;  ///< full dotted name
        int width;         ///< 1: written as an sc_logic; wider: as an sc_lv of this width
    };
    /// Memory the simulation's thread copies at the end of every time step.
    struct Span {
        const void* at;
        size_t bytes;
    };

    virtual ~DerivedTrace() = default;
    /// The state, copied span by span, back to back in this order.
    virtual std::vector<Span> state() const = 0;
    /// The signals, in the order they are traced.
    virtual std::vector<Signal> signals() const = 0;
    /// The 32-bit words derive() writes for a signal of `width` bits: a data and a control word per 32 bits.
    static size_t words(int width) { return 2 * ((static_cast<size_t>(width) + 31) / 32); }
    /// Writer thread (no calls into SystemC), once per time step: from `state` (the copied spans), the bits of every
    /// signal that differ from those `words` holds (what the previous call left there; every signal on the first call)
    /// into `words`, and those signals' indices into `changed` (room for one per signal, each listed once, in any
    /// order); returns how many. `words` holds per signal in order, per 32 bits from the lowest, the data word then the
    /// control word in sc_lv's encoding (0, 1, Z, X are data/control 0/0, 1/0, 0/1, 1/1), bits above the signal's
    /// width 0; the words of signals not listed stay as they were.
    virtual size_t derive(const unsigned char* state, uint32_t* words, uint32_t* changed) = 0;
};

}  // namespace nicsim
