#include "model/trace/polled_trace_file.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "model/trace/trace_queue.h"

namespace nicsim {

namespace {
constexpr int kMaxWidth = 4000;  // widest traced vector a writer may be given

uint64_t width_mask(int width, int type_bits) {
    // The values an integer of type_bits may hold at the traced width; others are written as x (as SystemC does).
    if (width >= type_bits || width >= 64) return type_bits >= 64 ? ~uint64_t(0) : ((uint64_t(1) << type_bits) - 1);
    return (uint64_t(1) << width) - 1;
}
}  // namespace

TraceBitText::TraceBitText(const char* alphabet) {
    std::memcpy(m_alphabet, alphabet, sizeof m_alphabet);
    for (unsigned c = 0; c < 16; ++c)
        for (unsigned d = 0; d < 16; ++d)
            for (unsigned b = 0; b < 4; ++b)
                m_nibble[(c << 4) | d][3 - b] = m_alphabet[(((c >> b) & 1u) << 1) | ((d >> b) & 1u)];
    for (unsigned d = 0; d < 256; ++d)
        for (unsigned b = 0; b < 8; ++b) m_byte[d][7 - b] = m_alphabet[(d >> b) & 1u];
    std::memset(m_released, m_alphabet[2], sizeof m_released);
}

char* TraceBitText::word(uint32_t d, uint32_t c, char* p) const {
    // A driven word (no control bits) and a released one (all Z) are nearly every word of a bus trace.
    if (c == 0) {
        for (int b = 24; b >= 0; b -= 8, p += 8) std::memcpy(p, m_byte[(d >> b) & 0xFFu], 8);
        return p;
    }
    if (c == ~0u && d == 0) {  // a copy of a fixed size: two vector stores, no call
        std::memcpy(p, m_released, sizeof m_released);
        return p + 32;
    }
    if (c == ~0u && d == ~0u) {
        std::memset(p, m_alphabet[3], 32);
        return p + 32;
    }
    for (int b = 28; b >= 0; b -= 4, p += 4) std::memcpy(p, m_nibble[(((c >> b) & 0xFu) << 4) | ((d >> b) & 0xFu)], 4);
    return p;
}

char* TraceBitText::vector(const uint32_t* words, int width, char* p) const {
    if (width % 32 == 0) {  // whole words only (the bus's AD)
        for (int k = width / 32 - 1; k >= 0; --k) p = word(words[2 * k], words[2 * k + 1], p);
        return p;
    }
    int i = width - 1;
    for (; i >= 0 && (i + 1) % 4 != 0; --i) {  // the bits above the last whole nibble, one by one
        const uint32_t d = (words[2 * (i / 32)] >> (i % 32)) & 1u;
        const uint32_t c = (words[2 * (i / 32) + 1] >> (i % 32)) & 1u;
        *p++ = m_alphabet[(c << 1) | d];
    }
    for (; i >= 3 && (i + 1) % 32 != 0; i -= 4, p += 4) {  // then the nibbles above the last whole word
        const int lo = i - 3;
        const uint32_t d = (words[2 * (lo / 32)] >> (lo % 32)) & 0xFu;
        const uint32_t c = (words[2 * (lo / 32) + 1] >> (lo % 32)) & 0xFu;
        std::memcpy(p, m_nibble[(c << 4) | d], 4);
    }
    for (; i >= 31; i -= 32) p = word(words[2 * (i / 32)], words[2 * (i / 32) + 1], p);  // then whole words
    return p;
}

char* TraceBitText::integer(uint64_t x, int width, char* p) const {
    int i = width - 1;
    for (; i >= 0 && (i + 1) % 4 != 0; --i) *p++ = m_alphabet[i < 64 ? (x >> i) & 1u : 0u];
    for (; i >= 3; i -= 4, p += 4) std::memcpy(p, m_nibble[i - 3 < 64 ? (x >> (i - 3)) & 0xFu : 0u], 4);
    return p;
}

PolledTraceFile::PolledTraceFile(const char* writer) : m_writer(writer) {}

PolledTraceFile::~PolledTraceFile() {
    // The writers' destructors have stopped the writer thread (finish()): it calls into them.
    if (m_sim.registered) sc_core::sc_get_curr_simcontext()->remove_trace_file(this);
}

void PolledTraceFile::start() {
    m_unit = sc_core::sc_get_time_resolution();
    m_unit_ticks = 1;
    sc_core::sc_get_curr_simcontext()->add_trace_file(this);
    m_sim.registered = true;
}

void PolledTraceFile::finish() {
    if (!m_sim.registered) return;
    sc_core::sc_get_curr_simcontext()->remove_trace_file(this);
    m_sim.registered = false;
    stop_writer();
    if (!m_sim.initialized || m_sim.closed) return;
    // The edges an sc_clock would have had a time step for: those before the end, and one at the end only if the
    // kernel ran that time step (sc_start(duration) ends before the events at its end time).
    const uint64_t end = sc_core::sc_time_stamp().value();
    write_clock_edges(end, end == m_sim.last_cycle);
    write_time(end / m_unit_ticks);  // the end of the trace
}

void PolledTraceFile::add(Kind kind, const void* obj, const std::string& name, int width, uint64_t mask) {
    if (!m_sim.registered) return;
    if (m_sim.initialized) {
        SC_REPORT_WARNING("nicsim/trace/late", ("traced after the simulation started, ignored: " + name).c_str());
        return;
    }
    if (width <= 0 || width > kMaxWidth) {
        SC_REPORT_WARNING("nicsim/trace/width", ("traced object has an unusable width, ignored: " + name).c_str());
        return;
    }
    Var v{};
    v.kind = kind;
    switch (kind) {
        case Kind::Bool:
        case Kind::U8:
        case Kind::S8:
            v.bytes = 1;
            break;
        case Kind::U16:
        case Kind::S16:
            v.bytes = 2;
            break;
        case Kind::U32:
        case Kind::S32:
        case Kind::Float:
            v.bytes = 4;
            break;
        case Kind::U64:
        case Kind::S64:
        case Kind::Double:
            v.bytes = 8;
            break;
        default:
            v.bytes = 0;
            break;
    }
    v.obj = obj;
    v.width = width;
    v.mask = mask;
    v.name = name;
    unsigned index = static_cast<unsigned>(m_vars.size());
    for (int i = 4; i >= 0; --i) {  // five letters a..z, most significant first (SystemC's names)
        v.id[i] = static_cast<char>('a' + index % 26);
        index /= 26;
    }
    v.id[5] = '\0';
    m_vars.push_back(std::move(v));
}

void PolledTraceFile::trace_clock(const std::string& name, const sc_core::sc_time& period) {
    const size_t before = m_vars.size();
    add(Kind::Clock, nullptr, name, 1);
    if (m_vars.size() == before) return;  // not open, or too late
    if (period.value() == 0 || period.value() % 2 != 0) {
        m_vars.pop_back();
        SC_REPORT_WARNING("nicsim/trace/width",
                          ("clock period not an even number of time units, ignored: " + name).c_str());
        return;
    }
    m_clocks.push_back(Clock{static_cast<uint32_t>(before), period.value()});
}

void PolledTraceFile::trace_derived(std::unique_ptr<DerivedTrace> trace) {
    if (!trace) return;
    Derived d;
    uint32_t words = 0;
    bool any = false;
    for (const DerivedTrace::Signal& s : trace->signals()) {
        const size_t before = m_vars.size();
        add(s.width == 1 ? Kind::Logic : Kind::Lv, nullptr, s.name, s.width);
        const bool taken = m_vars.size() != before;  // not refused (closed, too late, unusable width)
        d.vars.push_back(taken ? static_cast<uint32_t>(before) : kNoVar);
        if (taken) {
            Var& v = m_vars.back();
            v.derived = true;
            v.slot = words;
            if (v.kind == Kind::Lv) v.words = static_cast<uint32_t>(DerivedTrace::words(s.width) / 2);
            any = true;
        }
        words += static_cast<uint32_t>(DerivedTrace::words(s.width));
    }
    if (!any) return;
    d.words.resize(words);
    d.changed.resize(d.vars.size());
    const std::vector<DerivedTrace::Span> spans = trace->state();
    d.spans.assign(spans.begin(), spans.end());
    d.trace = std::move(trace);
    m_derived.push_back(std::move(d));
}

PolledTraceFile::Var& PolledTraceFile::toggle(Clock& c) {
    Var& v = m_vars[c.index];
    v.old ^= 1;
    c.next += c.period / 2;
    return v;
}

void PolledTraceFile::find_next_edge() {
    m_next_edge = ~uint64_t(0);
    for (const Clock& c : m_clocks) m_next_edge = std::min(m_next_edge, c.next);
}

void PolledTraceFile::write_clock_edges(uint64_t limit, bool inclusive) {
    for (;;) {
        const uint64_t t = m_next_edge;
        if (t > limit || (t == limit && !inclusive)) return;
        const uint64_t units = t / m_unit_ticks;
        if (m_clocks.size() == 1) {  // the bus's clock alone, at every half period of a traced run
            write_edge(units, toggle(m_clocks[0]));
            m_next_edge = m_clocks[0].next;
        } else {
            write_time(units);
            for (Clock& c : m_clocks)  // registration order
                if (c.next == t) write_value(toggle(c));
            find_next_edge();
        }
        m_prev_units = units;
        end_step();
    }
}

void PolledTraceFile::trace(const bool& o, const std::string& n) {
    add(Kind::Bool, &o, n, 1);
}
void PolledTraceFile::trace(const sc_dt::sc_bit& o, const std::string& n) {
    add(Kind::Bit, &o, n, 1);
}
void PolledTraceFile::trace(const sc_dt::sc_logic& o, const std::string& n) {
    add(Kind::Logic, &o, n, 1);
}
void PolledTraceFile::trace(const unsigned char& o, const std::string& n, int w) {
    add(Kind::U8, &o, n, w, width_mask(w, 8));
}
void PolledTraceFile::trace(const unsigned short& o, const std::string& n, int w) {
    add(Kind::U16, &o, n, w, width_mask(w, 16));
}
void PolledTraceFile::trace(const unsigned int& o, const std::string& n, int w) {
    add(Kind::U32, &o, n, w, width_mask(w, 32));
}
void PolledTraceFile::trace(const unsigned long& o, const std::string& n, int w) {
    static_assert(sizeof(unsigned long) == 8, "LP64 assumed");
    add(Kind::U64, &o, n, w, width_mask(w, 64));
}
void PolledTraceFile::trace(const char& o, const std::string& n, int w) {
    add(Kind::S8, &o, n, w, width_mask(w, 8));
}
void PolledTraceFile::trace(const short& o, const std::string& n, int w) {
    add(Kind::S16, &o, n, w, width_mask(w, 16));
}
void PolledTraceFile::trace(const int& o, const std::string& n, int w) {
    add(Kind::S32, &o, n, w, width_mask(w, 32));
}
void PolledTraceFile::trace(const long& o, const std::string& n, int w) {
    add(Kind::S64, &o, n, w, width_mask(w, 64));
}
void PolledTraceFile::trace(const sc_dt::int64& o, const std::string& n, int w) {
    add(Kind::S64, &o, n, w, width_mask(w, 64));
}
void PolledTraceFile::trace(const sc_dt::uint64& o, const std::string& n, int w) {
    add(Kind::U64, &o, n, w, width_mask(w, 64));
}
void PolledTraceFile::trace(const float& o, const std::string& n) {
    add(Kind::Float, &o, n, 1);
}
void PolledTraceFile::trace(const double& o, const std::string& n) {
    add(Kind::Double, &o, n, 1);
}
void PolledTraceFile::trace(const unsigned int& o, const std::string& n, const char** literals) {
    int count = 0;
    while (literals && literals[count]) ++count;
    int width = 0;  // bits for the largest literal index, as SystemC counts them
    for (unsigned m = count > 0 ? static_cast<unsigned>(count - 1) : 0u; m != 0; m >>= 1) ++width;
    add(Kind::U32, &o, n, width, width_mask(width, 32));
}
void PolledTraceFile::trace(const sc_dt::sc_bv_base& o, const std::string& n) {
    add_vector(Kind::Bv, nullptr, &o, n);
}
void PolledTraceFile::trace(const sc_dt::sc_lv_base& o, const std::string& n) {
    add_vector(Kind::Lv, &o, nullptr, n);
}

void PolledTraceFile::add_vector(Kind kind, const sc_dt::sc_lv_base* lv, const sc_dt::sc_bv_base* bv,
                                 const std::string& n) {
    const void* obj = lv ? static_cast<const void*>(lv) : static_cast<const void*>(bv);
    add(kind, obj, n, lv ? lv->length() : bv->length());
    if (m_vars.empty() || m_vars.back().obj != obj) return;
    Var& v = m_vars.back();
    v.words = static_cast<uint32_t>(lv ? lv->size() : bv->size());
    v.first = static_cast<uint32_t>(m_vec_old.size());
    for (uint32_t i = 0; i < v.words; ++i) {
        const int w = static_cast<int>(i);
        m_vec_old.push_back(lv ? lv->get_word(w) : bv->get_word(w));
        m_vec_old.push_back(lv ? lv->get_cword(w) : 0);
    }
}

void PolledTraceFile::unsupported(const std::string& name) const {
    SC_REPORT_WARNING("nicsim/trace/unsupported",
                      ("type not supported by " + std::string(m_writer) + ", ignored: " + name).c_str());
}

void PolledTraceFile::delta_cycles(bool flag) {
    if (flag) SC_REPORT_WARNING("nicsim/trace/delta", (std::string(m_writer) + " does not trace delta cycles").c_str());
}

void PolledTraceFile::set_time_unit(double v, sc_core::sc_time_unit tu) {
    if (m_sim.initialized) {
        SC_REPORT_WARNING("nicsim/trace/unit", "time unit set after the simulation started, ignored");
        return;
    }
    m_unit = sc_core::sc_time(v, tu);
    const uint64_t res = sc_core::sc_get_time_resolution().value();  // 1
    m_unit_ticks = m_unit.value() / (res ? res : 1);
    if (m_unit_ticks == 0) {
        SC_REPORT_WARNING("nicsim/trace/unit", "time unit below the time resolution, using the resolution");
        m_unit_ticks = 1;
        m_unit = sc_core::sc_get_time_resolution();
    }
}

bool PolledTraceFile::vector_changed(Var& v, const unsigned char* record) {
    uint32_t* old = &m_vec_old[v.first];
    const unsigned char* now = record + v.slot;
    const size_t bytes = 2 * sizeof(uint32_t) * v.words;
    if (std::memcmp(old, now, bytes) == 0) return false;
    std::memcpy(old, now, bytes);
    return true;
}

namespace {
struct Scope {
    std::vector<std::pair<std::string, size_t>> vars;        // leaf name, index in the variables (registration order)
    std::map<std::string, std::unique_ptr<Scope>> children;  // sorted by name, as SystemC prints them
};
}  // namespace

void PolledTraceFile::visit_scopes(ScopeVisitor& visitor) {
    Scope top;
    for (size_t i = 0; i < m_vars.size(); ++i) {
        Scope* s = &top;
        const std::string& name = m_vars[i].name;
        size_t start = 0;
        for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
            auto& child = s->children[name.substr(start, dot - start)];
            if (!child) child = std::make_unique<Scope>();
            s = child.get();
            start = dot + 1;
        }
        std::string leaf = name.substr(start);
        std::replace(leaf.begin(), leaf.end(), '[', '(');
        std::replace(leaf.begin(), leaf.end(), ']', ')');
        s->vars.emplace_back(std::move(leaf), i);
    }
    struct Walk {
        PolledTraceFile& f;
        ScopeVisitor& visitor;
        void operator()(const Scope& s) {
            for (const auto& [leaf, index] : s.vars) visitor.var(f.m_vars[index], leaf);
            for (const auto& [name, child] : s.children) {
                visitor.enter(name);
                (*this)(*child);
                visitor.leave();
            }
        }
    };
    visitor.enter("SystemC");
    Walk{*this, visitor}(top);
    visitor.leave();
}

unsigned PolledTraceFile::record_align(const Var& v) {
    if (v.derived) return 0;  // its block's state is in the record instead
    switch (v.kind) {
        case Kind::Clock:
            return 0;
        case Kind::Bv:
        case Kind::Lv:
        case Kind::Logic:
            return 4;
        case Kind::Bit:
            return 1;
        default:
            return v.bytes;
    }
}

void PolledTraceFile::lay_out_records() {
    // The time first, then the raw bits by size, widest first, so every slot is aligned to its size. Within a size
    // the objects go in the order of their addresses: neighbours in memory (the lines of the bus's mirror) are then
    // neighbours in the record too, and one copy takes them all. The derived blocks' states come first, each from
    // an 8-byte boundary.
    uint32_t at = sizeof(uint64_t);
    for (Derived& d : m_derived) {
        d.slot = at;
        for (const DerivedTrace::Span& s : d.spans) {
            m_sim.raw.push_back({s.at, at, static_cast<uint32_t>(s.bytes)});
            at += static_cast<uint32_t>(s.bytes);
        }
        at = (at + 7u) & ~7u;
    }
    for (unsigned size : {8u, 4u, 2u, 1u}) {
        std::vector<Var*> group;
        for (Var& v : m_vars)
            if (record_align(v) == size) group.push_back(&v);
        std::stable_sort(group.begin(), group.end(), [](const Var* a, const Var* b) {
            return reinterpret_cast<uintptr_t>(a->obj) < reinterpret_cast<uintptr_t>(b->obj);
        });
        for (Var* v : group) {
            v->slot = at;
            if (v->kind == Kind::Bv || v->kind == Kind::Lv) {
                (v->kind == Kind::Lv ? m_sim.lv : m_sim.bv).push_back({v->obj, at, v->words});
                at += 2 * sizeof(uint32_t) * v->words;
                continue;
            }
            if (v->kind == Kind::Bit) {
                m_sim.bit.push_back({v->obj, at, 1});
            } else if (!m_sim.raw.empty() && m_sim.raw.back().slot + m_sim.raw.back().size == at &&
                       static_cast<const unsigned char*>(m_sim.raw.back().obj) + m_sim.raw.back().size == v->obj) {
                m_sim.raw.back().size += size;
            } else {
                m_sim.raw.push_back({v->obj, at, size});
            }
            at += size;
        }
    }
    m_sim.record_bytes = (at + 7u) & ~size_t(7);
    // Where the writers read a vector's words: its last ones in the vector store, or a derived signal's in its
    // block's output, which derive() keeps as last written.
    for (Var& v : m_vars)
        if ((v.kind == Kind::Bv || v.kind == Kind::Lv) && !v.derived) v.shown = &m_vec_old[v.first];
    for (Derived& d : m_derived)
        for (uint32_t i : d.vars)
            if (i != kNoVar && m_vars[i].kind == Kind::Lv) m_vars[i].shown = d.words.data() + m_vars[i].slot;
}

void PolledTraceFile::capture(unsigned char* record, uint64_t now) const {
    // sc_logic holds one sc_logic_value_t (0, 1, Z = 2, X = 3): copied as its raw bytes.
    static_assert(sizeof(sc_dt::sc_logic) == sizeof(sc_dt::sc_logic_value_t) && sizeof(sc_dt::sc_logic) == 4,
                  "sc_logic is one 4-byte value");
    std::memcpy(record, &now, sizeof now);
    for (const Source& s : m_sim.raw) {
        switch (s.size) {  // the common sizes without a call
            case 4:
                std::memcpy(record + s.slot, s.obj, 4);
                break;
            case 1:
                std::memcpy(record + s.slot, s.obj, 1);
                break;
            case 8:
                std::memcpy(record + s.slot, s.obj, 8);
                break;
            default:
                std::memcpy(record + s.slot, s.obj, s.size);
                break;
        }
    }
    for (const Source& s : m_sim.bit) record[s.slot] = static_cast<const sc_dt::sc_bit*>(s.obj)->to_bool() ? 1 : 0;
    for (const Source& s : m_sim.lv) {
        const auto& o = *static_cast<const sc_dt::sc_lv_base*>(s.obj);
        unsigned char* p = record + s.slot;
        for (uint32_t i = 0; i < s.size; ++i, p += 8) {
            const uint32_t w[2] = {o.get_word(static_cast<int>(i)), o.get_cword(static_cast<int>(i))};
            std::memcpy(p, w, sizeof w);
        }
    }
    for (const Source& s : m_sim.bv) {
        const auto& o = *static_cast<const sc_dt::sc_bv_base*>(s.obj);
        unsigned char* p = record + s.slot;
        for (uint32_t i = 0; i < s.size; ++i, p += 8) {
            const uint32_t w[2] = {o.get_word(static_cast<int>(i)), 0};
            std::memcpy(p, w, sizeof w);
        }
    }
}

void PolledTraceFile::write_start(const unsigned char* record) {
    m_ordered = values_ordered();
    write_declarations();
    uint64_t now;
    std::memcpy(&now, record, sizeof now);
    m_prev_units = now / m_unit_ticks;
    m_changed.resize(m_vars.size());  // each variable changes at most once per time step
    begin_values(m_prev_units);
    for (Derived& d : m_derived) take_derived(d, record, false);
    for (uint32_t i = 0; i < m_vars.size(); ++i) {
        take_initial(i, record);
        write_value(m_vars[i]);
    }
    find_next_edge();
    end_values();
}

void PolledTraceFile::take_initial(uint32_t i, const unsigned char* record) {
    Var& v = m_vars[i];
    if (v.derived) return;  // taken with its block (take_derived)
    if (v.kind == Kind::Clock) {
        uint64_t now;
        std::memcpy(&now, record, sizeof now);
        for (Clock& c : m_clocks) {
            if (c.index != i) continue;
            const uint64_t phase = now % c.period;
            v.old = phase < c.period / 2 ? 1 : 0;
            c.next = now - phase + (v.old ? c.period / 2 : c.period);
        }
        return;
    }
    if (v.kind == Kind::Bv || v.kind == Kind::Lv) {
        vector_changed(v, record);  // takes the words
        m_poll_vectors.push_back(i);
        return;
    }
    const unsigned char* raw = record + v.slot;
    const unsigned bytes = v.kind == Kind::Logic ? 4u : v.kind == Kind::Bit ? 1u : v.bytes;
    switch (bytes) {
        case 1:
            v.old = raw[0];
            m_poll8.push_back({v.slot, raw[0], i});
            break;
        case 2: {
            uint16_t x;
            std::memcpy(&x, raw, sizeof x);
            v.old = x;
            m_poll16.push_back({v.slot, x, i});
            break;
        }
        case 4: {
            uint32_t x;
            std::memcpy(&x, raw, sizeof x);
            v.old = x;
            m_poll32.push_back({v.slot, x, i});
            break;
        }
        default:
            std::memcpy(&v.old, raw, sizeof v.old);
            m_poll64.push_back({v.slot, v.old, i});
            break;
    }
}

void PolledTraceFile::take_derived(Derived& d, const unsigned char* record, bool note) {
    // derive() lists only the signals whose bits changed; a vector is written from d.words itself (Var::shown).
    const size_t n = d.trace->derive(record + d.slot, d.words.data(), d.changed.data());
    for (size_t k = 0; k < n; ++k) {
        const uint32_t i = d.vars[d.changed[k]];
        if (i == kNoVar) continue;
        Var& v = m_vars[i];
        const uint32_t* w = &d.words[v.slot];
        if (v.kind == Kind::Logic) v.old = ((w[1] & 1u) << 1) | (w[0] & 1u);  // sc_logic_value_t: 0, 1, Z, X
        if (note) m_changed[m_nchanged++] = i;
    }
}

template <class T>
void PolledTraceFile::poll(LineVector<Poll<T>>& group, const unsigned char* record) {
    for (Poll<T>& p : group) {
        T cur;
        std::memcpy(&cur, record + p.slot,
                    sizeof cur);  // raw bits (the object need not be a T: sc_logic, signed, real)
        if (cur == p.old) continue;
        p.old = cur;
        m_vars[p.index].old = cur;
        m_changed[m_nchanged++] = p.index;
    }
}

void PolledTraceFile::stop_writer() {
    if (!m_sim.queue) return;
    m_sim.queue->stop();
    m_sim.queue.reset();
}

void PolledTraceFile::write_comment(const std::string& comment) {
    stop_writer();  // started again by the next time step
    write_comment_now(comment);
}

void PolledTraceFile::close_window() {
    if (!m_sim.registered || m_sim.closed) return;
    m_sim.closed = true;
    if (!m_sim.initialized) return;
    stop_writer();
    const uint64_t end = sc_core::sc_time_stamp().value();
    write_clock_edges(end, false);
    write_time(end / m_unit_ticks);
    window_closed();
}

void PolledTraceFile::cycle(bool delta_cycle) {
    if (delta_cycle) return;
    // After a batch the kernel's time is still that of the batch's first edge, the traced values its last edge's.
    const uint64_t now = sc_core::sc_time_stamp().value();
    take(now < m_sim.batch_end ? m_sim.batch_end : now);
}

void PolledTraceFile::take(uint64_t now) {
    if (!m_sim.registered || m_sim.held || m_sim.closed) return;
    if (!m_sim.initialized) {
        m_sim.initialized = true;
        lay_out_records();
        std::vector<uint64_t> first(m_sim.record_bytes / sizeof(uint64_t));
        capture(reinterpret_cast<unsigned char*>(first.data()), now);
        write_start(reinterpret_cast<const unsigned char*>(first.data()));
        return;
    }
    m_sim.last_cycle = now;
    if (!m_sim.queue) {
        const size_t bytes = m_sim.record_bytes;
        m_sim.queue = std::make_unique<TraceQueue>(bytes, [this, bytes](const unsigned char* records, size_t count) {
            for (size_t i = 0; i < count; ++i) write_step(records + i * bytes);
        });
    }
    capture(m_sim.queue->next(), now);
    m_sim.queue->push();
}

void PolledTraceFile::write_step(const unsigned char* record) {
    uint64_t now_ticks;
    std::memcpy(&now_ticks, record, sizeof now_ticks);
    const uint64_t now = now_ticks / m_unit_ticks;
    if (now < m_prev_units) return;  // cannot happen without delta cycles; SystemC skips such cycles too
    write_clock_edges(now_ticks, false);
    m_nchanged = 0;
    if (m_next_edge == now_ticks) {  // an edge at this very instant goes with the other values of this time stamp
        for (Clock& c : m_clocks)
            if (c.next == now_ticks) {
                toggle(c);
                m_changed[m_nchanged++] = c.index;
            }
        find_next_edge();
    }
    poll(m_poll8, record);
    poll(m_poll16, record);
    poll(m_poll32, record);
    poll(m_poll64, record);
    for (uint32_t i : m_poll_vectors)
        if (vector_changed(m_vars[i], record)) m_changed[m_nchanged++] = i;
    for (Derived& d : m_derived) take_derived(d, record, true);
    const size_t n = m_nchanged;
    if (n == 0) return;
    // Registration order, as SystemC writes them (a handful per time stamp: insertion sort).
    uint32_t* c = m_changed.data();
    for (size_t i = 1; m_ordered && i < n; ++i) {
        const uint32_t x = c[i];
        size_t j = i;
        for (; j > 0 && c[j - 1] > x; --j) c[j] = c[j - 1];
        c[j] = x;
    }
    write_time(now);
    write_values(c, n);
    m_prev_units = now;
    end_step();
}

}  // namespace nicsim
