#include "model/pci/bus_trace.h"

#include <algorithm>
#include <cstring>

#include "model/trace/polled_trace_file.h"

namespace nicsim::pci {

namespace {
// Logic values as sc_logic_value_t numbers them: the data bit, then the control bit above it.
constexpr unsigned kLog0 = 0, kLog1 = 1, kLogZ = 2, kLogX = 3;

unsigned logic_of(const Lines& l, uint32_t line) {
    if (l.contention & line) return kLogX;
    if (!(l.driven & line)) return kLogZ;
    return (l.level & line) ? kLog1 : kLog0;
}

/// A one-bit signal's words.
void put_logic(uint32_t* w, unsigned v) {
    w[0] = v & 1u;
    w[1] = v >> 1;
}

/// Bits [shift, shift + n) of a word pair (the others kept): `value` where driven, Z where released, X where two
/// agents drive.
void put_field(uint32_t* w, int shift, int n, uint64_t value, bool driven, bool conflict) {
    const uint32_t mask = (n >= 32 ? ~0u : ((1u << n) - 1u)) << shift;
    const uint32_t data = conflict ? ~0u : driven ? static_cast<uint32_t>(value) << shift : 0u;
    const uint32_t ctrl = (conflict || !driven) ? ~0u : 0u;
    w[0] = (w[0] & ~mask) | (data & mask);
    w[1] = (w[1] & ~mask) | (ctrl & mask);
}
}  // namespace

BusTraceSignals::BusTraceSignals(const Layout& layout, const Lines* lines, const uint8_t* address_phase)
    : m_wide(layout.wide), m_lines(lines), m_address_phase(address_phase) {
    const std::string& p = layout.prefix;
    const int bits = layout.wide ? 64 : 32;
    add(p + "RST_n", 1, Kind::Rst, 0, kRstInput);
    add(p + "AD", bits, Kind::Ad, 0, kAdLo | kAdHi);
    add(p + "CBE_n", bits / 8, Kind::Cbe, 0, kCbeLo | kCbeHi);
    add(p + "PAR", 1, Kind::Line, kPar, kPar);
    add(p + "FRAME_n", 1, Kind::Line, kFrame, kFrame);
    add(p + "IRDY_n", 1, Kind::Line, kIrdy, kIrdy);
    add(p + "TRDY_n", 1, Kind::Line, kTrdy, kTrdy);
    add(p + "DEVSEL_n", 1, Kind::Line, kDevsel, kDevsel);
    add(p + "STOP_n", 1, Kind::Line, kStop, kStop);
    if (layout.wide) {
        add(p + "PAR64", 1, Kind::Line, kPar64, kPar64);
        add(p + "REQ64_n", 1, Kind::Line, kReq64, kReq64);
        add(p + "ACK64_n", 1, Kind::Line, kAck64, kAck64);
    }
    add(p + "PERR_n", 1, Kind::Line, kPerr, kPerr);
    add(p + "SERR_n", 1, Kind::Serr, 0, kSerr);
    add(p + "INTA_n", 1, Kind::Inta, 0, kIntaInput);
    for (uint32_t i = 0; i < layout.masters.size(); ++i) {
        add(p + "REQ_n_" + layout.masters[i], 1, Kind::Req, i, kReqGntInput);
        add(p + "GNT_n_" + layout.masters[i], 1, Kind::Gnt, i, kReqGntInput);
    }
    for (uint32_t i = 0; i < layout.devices.size(); ++i)
        add(p + "IDSEL_" + layout.devices[i], 1, Kind::Idsel, i, kIdselInput);
    if (layout.command) add(p + "CMD", 4, Kind::Cmd, 0, kCbeLo | kAddressInput);
    for (int bit = 0; bit < kInputs; ++bit) {
        m_input_first[bit] = static_cast<uint32_t>(m_input_entries.size());
        for (uint32_t i = 0; i < m_entries.size(); ++i)
            if ((m_entries[i].inputs >> bit) & 1u) m_input_entries.push_back(i);
    }
    m_input_first[kInputs] = static_cast<uint32_t>(m_input_entries.size());
    for (uint32_t i = 0; i < m_entries.size(); ++i) {  // a one-bit line that nothing else is derived from
        const int b = __builtin_ctz(m_entries[i].inputs);
        if (m_entries[i].kind != Kind::Line || m_input_first[b + 1] - m_input_first[b] != 1) continue;
        m_line_entry[b] = i;
        m_own_lines |= 1u << b;
    }
}

void BusTraceSignals::add(const std::string& name, int width, Kind kind, uint32_t arg, uint32_t inputs) {
    m_entries.push_back(
        {{name, width}, kind, arg, inputs, static_cast<uint32_t>(m_word_count), static_cast<uint32_t>(words(width))});
    m_word_count += words(width);
}

std::vector<DerivedTrace::Span> BusTraceSignals::state() const {
    return {{m_lines, sizeof(Lines)}, {m_address_phase, sizeof(uint8_t)}};
}

std::vector<DerivedTrace::Signal> BusTraceSignals::signals() const {
    std::vector<Signal> s;
    for (const Entry& e : m_entries) s.push_back(e.signal);
    return s;
}

void BusTraceSignals::words_of(const Entry& e, const Lines& l, bool address_phase, uint32_t* w) const {
    switch (e.kind) {
        case Kind::Rst:
            put_logic(w, l.rst_n ? kLog1 : kLog0);
            break;
        case Kind::Ad:
            put_field(w, 0, 32, l.ad, l.driven & kAdLo, l.contention & kAdLo);
            if (m_wide) put_field(w + 2, 0, 32, l.ad >> 32, l.driven & kAdHi, l.contention & kAdHi);
            break;
        case Kind::Cbe:
            put_field(w, 0, 4, l.cbe_n, l.driven & kCbeLo, l.contention & kCbeLo);
            if (m_wide) put_field(w, 4, 4, l.cbe_n >> 4, l.driven & kCbeHi, l.contention & kCbeHi);
            break;
        case Kind::Line:
            put_logic(w, logic_of(l, e.arg));
            break;
        case Kind::Serr:  // open drain, pulled up: an agent only ever pulls it low
            put_logic(w, (l.driven & kSerr) && !(l.level & kSerr) ? kLog0 : kLogZ);
            break;
        case Kind::Inta:  // open drain, pulled up
            put_logic(w, l.inta ? kLog0 : kLogZ);
            break;
        case Kind::Req:
            put_logic(w, (l.req_n >> e.arg) & 1u);
            break;
        case Kind::Gnt:
            put_logic(w, (l.gnt_n >> e.arg) & 1u);
            break;
        case Kind::Idsel:
            put_logic(w, (l.idsel >> e.arg) & 1u);
            break;
        case Kind::Cmd:  // C/BE#[3:0] only where it carries a command (in data phases: byte enables)
            put_field(w, 0, 4, l.cbe_n & 0x0Fu, address_phase && (l.driven & kCbeLo), l.contention & kCbeLo);
            break;
    }
}

void BusTraceSignals::derive(const Lines& l, bool address_phase, uint32_t* words) const {
    for (const Entry& e : m_entries) words_of(e, l, address_phase, words + e.word);
}

uint32_t BusTraceSignals::changed_inputs(const Lines& l, const Lines& was) {
    // Without branches: each comparison sets its input's bit.
    const auto bit = [](bool changed, uint32_t input) { return static_cast<uint32_t>(changed) * input; };
    const uint64_t ad = l.ad ^ was.ad;
    const uint32_t cbe = static_cast<uint32_t>(l.cbe_n ^ was.cbe_n);
    uint32_t in = (l.driven ^ was.driven) | (l.contention ^ was.contention) | (l.level ^ was.level);
    in |= bit(static_cast<uint32_t>(ad) != 0, kAdLo) | bit((ad >> 32) != 0, kAdHi);
    in |= bit((cbe & 0x0Fu) != 0, kCbeLo) | bit((cbe & 0xF0u) != 0, kCbeHi);
    // The signals beside the bused lines seldom move: one test for all of them first.
    const uint32_t others = (l.req_n ^ was.req_n) | (l.gnt_n ^ was.gnt_n) | (l.idsel ^ was.idsel) |
                            (l.inta ^ was.inta) | static_cast<uint32_t>(l.rst_n != was.rst_n);
    if (others == 0) return in;
    in |= bit(l.rst_n != was.rst_n, kRstInput) | bit((l.inta != 0) != (was.inta != 0), kIntaInput);
    in |= bit(((l.req_n ^ was.req_n) | (l.gnt_n ^ was.gnt_n)) != 0, kReqGntInput);
    return in | bit(l.idsel != was.idsel, kIdselInput);
}

size_t BusTraceSignals::derive(const unsigned char* state, uint32_t* words, uint32_t* changed) {
    Lines l;
    std::memcpy(&l, state, sizeof l);
    const bool address = state[sizeof l] != 0;
    size_t n = 0;
    if (!m_shown_valid) {  // every signal, once each, whatever the words held
        for (uint32_t i = 0; i < m_entries.size(); ++i) {
            const Entry& e = m_entries[i];
            std::fill(words + e.word, words + e.word + e.words, 0u);
            words_of(e, l, address, words + e.word);
            changed[n++] = i;
        }
        m_shown = l;
        m_shown_address = address;
        m_shown_valid = true;
        return n;
    }
    uint32_t in = changed_inputs(l, m_shown) | (address != m_shown_address ? kAddressInput : 0u);
    m_shown = l;
    m_shown_address = address;
    // Nearly every time step moves AD and a line or two: those without a look-up of what depends on them.
    if (in & (kAdLo | kAdHi)) n = update_ad(l, words, changed, n);
    for (uint32_t lines = in & m_own_lines; lines != 0; lines &= lines - 1) {
        const int b = __builtin_ctz(lines);
        const uint32_t i = m_line_entry[b];
        uint32_t* w = words + m_entries[i].word;
        // logic_of() without branches: X where contended, else Z where released, else the level.
        const uint32_t c = (l.contention >> b) & 1u, d = (l.driven >> b) & 1u, v = (l.level >> b) & 1u;
        const uint32_t data = c | (d & v), control = c | (d ^ 1u);
        if (w[0] == data && w[1] == control) continue;
        w[0] = data;
        w[1] = control;
        changed[n++] = i;
    }
    // The rest by input (C/BE# and CMD have two, derived twice when both change but listed once, since the second
    // finds the words already the same).
    for (in &= ~(kAdLo | kAdHi | m_own_lines); in != 0; in &= in - 1) {
        const int b = __builtin_ctz(in);
        for (uint32_t k = m_input_first[b]; k < m_input_first[b + 1]; ++k) {
            const uint32_t i = m_input_entries[k];
            const Entry& e = m_entries[i];
            uint32_t now[4] = {};  // words_of() may write an AD's four (AD itself is not derived here)
            words_of(e, l, address, now);
            uint32_t* w = words + e.word;
            if (w[0] == now[0] && w[1] == now[1]) continue;
            w[0] = now[0];
            w[1] = now[1];
            changed[n++] = i;
        }
    }
    return n;
}

size_t BusTraceSignals::update_ad(const Lines& l, uint32_t* words, uint32_t* changed, size_t n) const {
    uint32_t now[4] = {};
    put_field(now, 0, 32, l.ad, l.driven & kAdLo, l.contention & kAdLo);
    if (m_wide) put_field(now + 2, 0, 32, l.ad >> 32, l.driven & kAdHi, l.contention & kAdHi);
    uint32_t* w = words + m_entries[kAdEntry].word;
    const bool same = w[0] == now[0] && w[1] == now[1] && (!m_wide || (w[2] == now[2] && w[3] == now[3]));
    if (same) return n;
    w[0] = now[0];
    w[1] = now[1];
    if (m_wide) {
        w[2] = now[2];
        w[3] = now[3];
    }
    changed[n] = kAdEntry;
    return n + 1;
}

/// sc_logic/sc_lv copies of the signals for a trace file that reads objects (not one of nicsim's writers).
struct BusTrace::Mirror {
    BusTraceSignals signals;
    std::vector<int> widths;
    std::vector<sc_dt::sc_logic> logic;
    std::vector<sc_dt::sc_lv_base> vectors;  // never resized after tracing: the trace file holds references
    std::vector<uint32_t> words;

    Mirror(const BusTraceSignals::Layout& layout, const Lines* now) : signals(layout, now, nullptr) {
        for (const DerivedTrace::Signal& s : signals.signals()) widths.push_back(s.width);
        size_t n = 0;
        for (int w : widths) n += w == 1 ? 1 : 0;
        logic.resize(n);
        vectors.reserve(widths.size() - n);
        for (int w : widths)
            if (w > 1) vectors.emplace_back(w);
        words.resize(signals.word_count());
    }
};

BusTrace::BusTrace(sc_core::sc_trace_file* tf, const BusTraceSignals::Layout& layout, const Lines& now)
    : m_command(layout.command) {
    if (auto* polled = dynamic_cast<PolledTraceFile*>(tf)) {
        polled->trace_derived(std::make_unique<BusTraceSignals>(layout, &now, &m_address_phase));
    } else {
        m_mirror = std::make_unique<Mirror>(layout, &now);
        size_t logic = 0, vector = 0;
        for (const DerivedTrace::Signal& s : m_mirror->signals.signals()) {
            if (s.width == 1)
                sc_core::sc_trace(tf, m_mirror->logic[logic++], s.name);
            else
                sc_core::sc_trace(tf, m_mirror->vectors[vector++], s.name);
        }
    }
    changed(now);
}

BusTrace::~BusTrace() = default;

void BusTrace::follow_command(const Lines& l) {
    // The lines change in every clock of a transaction by this bus's masters (the first data phase asserts IRDY#,
    // a DAC's second address clock moves AD and C/BE#), so following every change follows every clock here.
    const bool frame = (l.driven & kFrame) && !l.high(kFrame) && !(l.contention & kFrame);
    const bool address = frame && (!m_frame_was || m_dac_first);
    m_address_phase = address ? 1 : 0;
    m_dac_first = address && !m_dac_first && (l.cbe_n & 0x0Fu) == static_cast<uint8_t>(Cmd::DualAddress);
    m_frame_was = frame;
    if (address && !m_any_address) {
        m_any_address = true;
        m_first_address = sc_core::sc_time_stamp();
    }
}

void BusTrace::refresh_mirror(const Lines& l) {
    Mirror& m = *m_mirror;
    m.signals.derive(l, m_address_phase != 0, m.words.data());
    const uint32_t* w = m.words.data();
    size_t logic = 0, vector = 0;
    for (int width : m.widths) {
        if (width == 1) {
            m.logic[logic++] = sc_dt::sc_logic(static_cast<sc_dt::sc_logic_value_t>((w[1] << 1) | w[0]));
        } else {
            sc_dt::sc_lv_base& v = m.vectors[vector++];
            for (int i = 0; i < v.size(); ++i) {
                v.set_word(i, w[2 * i]);
                v.set_cword(i, w[2 * i + 1]);
            }
        }
        w += DerivedTrace::words(width);
    }
}

bool BusTrace::first_address_phase(sc_core::sc_time& at) const {
    if (!m_any_address) return false;
    at = m_first_address;
    return true;
}

}  // namespace nicsim::pci
