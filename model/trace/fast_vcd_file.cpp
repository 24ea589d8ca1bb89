#include "model/trace/fast_vcd_file.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

namespace nicsim {

namespace {
constexpr size_t kBufSize = 1u << 20;         // output buffer: one fwrite per MiB
constexpr size_t kFlushAt = kBufSize - 4096;  // flush before a value line could overflow it (lines < 4 KiB)
constexpr int kMaxWidth = 4000;               // widest traced vector a value line may hold

uint64_t width_mask(int width, int type_bits) {
    // The values an integer of type_bits may hold at the traced width; others are written as x (as SystemC does).
    if (width >= type_bits || width >= 64) return type_bits >= 64 ? ~uint64_t(0) : ((uint64_t(1) << type_bits) - 1);
    return (uint64_t(1) << width) - 1;
}

/// Four sc_lv bits as SystemC writes them (MSB first): index = control nibble << 4 | data nibble.
struct NibbleText {
    char text[256][4];
    NibbleText() {
        for (unsigned c = 0; c < 16; ++c)
            for (unsigned d = 0; d < 16; ++d)
                for (unsigned b = 0; b < 4; ++b)
                    text[(c << 4) | d][3 - b] = "01ZX"[(((c >> b) & 1u) << 1) | ((d >> b) & 1u)];
    }
};
const NibbleText kNibbles;

char logic_char(sc_dt::sc_logic_value_t v) {
    switch (v) {
        case sc_dt::Log_0:
            return '0';
        case sc_dt::Log_1:
            return '1';
        case sc_dt::Log_Z:
            return 'z';
        default:
            return 'x';
    }
}
}  // namespace

FastVcdFile::FastVcdFile(const std::string& path) : m_path(path), m_buf(kBufSize) {
    m_fp = std::fopen(path.c_str(), "wb");
    if (!m_fp) {
        SC_REPORT_WARNING("nicsim/trace/open", ("cannot open VCD file " + path).c_str());
        return;
    }
    register_with_kernel();
}

FastVcdFile::FastVcdFile(std::FILE* stream, const std::string& name)
    : m_fp(stream), m_owns_fp(false), m_path(name), m_buf(kBufSize) {
    if (m_fp) register_with_kernel();
}

void FastVcdFile::register_with_kernel() {
    m_unit = sc_core::sc_get_time_resolution();
    m_unit_ticks = 1;
    sc_core::sc_get_curr_simcontext()->add_trace_file(this);
    m_registered = true;
}

FastVcdFile::~FastVcdFile() {
    if (m_registered) sc_core::sc_get_curr_simcontext()->remove_trace_file(this);
    if (!m_fp) return;
    if (m_initialized && !m_closed) {
        // The edges an sc_clock would have had a time step for: those before the end, and one at the end only if the
        // kernel ran that time step (sc_start(duration) ends before the events at its end time).
        const uint64_t end = sc_core::sc_time_stamp().value();
        write_clock_edges(end, end == m_last_cycle);
        write_time(end / m_unit_ticks);  // the end of the trace
    }
    flush();
    if (m_owns_fp)
        std::fclose(m_fp);
    else
        std::fflush(m_fp);
}

void FastVcdFile::add(Kind kind, const void* obj, const std::string& name, int width, uint64_t mask) {
    if (!m_fp) return;
    if (m_initialized) {
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

void FastVcdFile::trace_clock(const std::string& name, const sc_core::sc_time& period) {
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

FastVcdFile::Var& FastVcdFile::toggle(Clock& c) {
    Var& v = m_vars[c.index];
    v.old ^= 1;
    c.next += c.period / 2;
    return v;
}

void FastVcdFile::write_clock_edges(uint64_t limit, bool inclusive) {
    if (m_clocks.empty()) return;
    for (;;) {
        uint64_t t = ~uint64_t(0);
        for (const Clock& c : m_clocks) t = std::min(t, c.next);
        if (t > limit || (t == limit && !inclusive)) return;
        write_time(t / m_unit_ticks);
        for (Clock& c : m_clocks)  // registration order
            if (c.next == t) write_value(toggle(c));
        put('\n');
        m_prev_units = t / m_unit_ticks;
        if (m_fill >= kFlushAt) flush();
    }
}

void FastVcdFile::trace(const bool& o, const std::string& n) {
    add(Kind::Bool, &o, n, 1);
}
void FastVcdFile::trace(const sc_dt::sc_bit& o, const std::string& n) {
    add(Kind::Bit, &o, n, 1);
}
void FastVcdFile::trace(const sc_dt::sc_logic& o, const std::string& n) {
    add(Kind::Logic, &o, n, 1);
}
void FastVcdFile::trace(const unsigned char& o, const std::string& n, int w) {
    add(Kind::U8, &o, n, w, width_mask(w, 8));
}
void FastVcdFile::trace(const unsigned short& o, const std::string& n, int w) {
    add(Kind::U16, &o, n, w, width_mask(w, 16));
}
void FastVcdFile::trace(const unsigned int& o, const std::string& n, int w) {
    add(Kind::U32, &o, n, w, width_mask(w, 32));
}
void FastVcdFile::trace(const unsigned long& o, const std::string& n, int w) {
    static_assert(sizeof(unsigned long) == 8, "LP64 assumed");
    add(Kind::U64, &o, n, w, width_mask(w, 64));
}
void FastVcdFile::trace(const char& o, const std::string& n, int w) {
    add(Kind::S8, &o, n, w, width_mask(w, 8));
}
void FastVcdFile::trace(const short& o, const std::string& n, int w) {
    add(Kind::S16, &o, n, w, width_mask(w, 16));
}
void FastVcdFile::trace(const int& o, const std::string& n, int w) {
    add(Kind::S32, &o, n, w, width_mask(w, 32));
}
void FastVcdFile::trace(const long& o, const std::string& n, int w) {
    add(Kind::S64, &o, n, w, width_mask(w, 64));
}
void FastVcdFile::trace(const sc_dt::int64& o, const std::string& n, int w) {
    add(Kind::S64, &o, n, w, width_mask(w, 64));
}
void FastVcdFile::trace(const sc_dt::uint64& o, const std::string& n, int w) {
    add(Kind::U64, &o, n, w, width_mask(w, 64));
}
void FastVcdFile::trace(const float& o, const std::string& n) {
    add(Kind::Float, &o, n, 1);
}
void FastVcdFile::trace(const double& o, const std::string& n) {
    add(Kind::Double, &o, n, 1);
}
void FastVcdFile::trace(const unsigned int& o, const std::string& n, const char** literals) {
    int count = 0;
    while (literals && literals[count]) ++count;
    int width = 0;  // bits for the largest literal index, as SystemC counts them
    for (unsigned m = count > 0 ? static_cast<unsigned>(count - 1) : 0u; m != 0; m >>= 1) ++width;
    add(Kind::U32, &o, n, width, width_mask(width, 32));
}
void FastVcdFile::trace(const sc_dt::sc_bv_base& o, const std::string& n) {
    add(Kind::Bv, &o, n, o.length());
    if (!m_vars.empty() && m_vars.back().obj == &o) {
        Var& v = m_vars.back();
        v.words = static_cast<uint32_t>(o.size());
        v.first = static_cast<uint32_t>(m_vec_old.size());
        for (uint32_t i = 0; i < v.words; ++i) {
            m_vec_old.push_back(o.get_word(static_cast<int>(i)));
            m_vec_old.push_back(0);
        }
    }
}
void FastVcdFile::trace(const sc_dt::sc_lv_base& o, const std::string& n) {
    add(Kind::Lv, &o, n, o.length());
    if (!m_vars.empty() && m_vars.back().obj == &o) {
        Var& v = m_vars.back();
        v.words = static_cast<uint32_t>(o.size());
        v.first = static_cast<uint32_t>(m_vec_old.size());
        for (uint32_t i = 0; i < v.words; ++i) {
            m_vec_old.push_back(o.get_word(static_cast<int>(i)));
            m_vec_old.push_back(o.get_cword(static_cast<int>(i)));
        }
    }
}

namespace {
void unsupported(const std::string& name) {
    SC_REPORT_WARNING("nicsim/trace/unsupported",
                      ("type not supported by the fast VCD writer, ignored: " + name).c_str());
}
}  // namespace

void FastVcdFile::trace(const sc_core::sc_event&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_core::sc_time&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_int_base&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_uint_base&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_signed&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_unsigned&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_fxval&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_fxval_fast&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_fxnum&, const std::string& n) {
    unsupported(n);
}
void FastVcdFile::trace(const sc_dt::sc_fxnum_fast&, const std::string& n) {
    unsupported(n);
}

void FastVcdFile::write_comment(const std::string& comment) {
    if (!m_fp) return;
    put("$comment\n");
    put(comment.data(), comment.size());
    put("\n$end\n\n");
}

void FastVcdFile::delta_cycles(bool flag) {
    if (flag) SC_REPORT_WARNING("nicsim/trace/delta", "the fast VCD writer does not trace delta cycles");
}

void FastVcdFile::set_time_unit(double v, sc_core::sc_time_unit tu) {
    if (m_initialized) {
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

// ---- output -------------------------------------------------------------------------------------------------------

void FastVcdFile::flush() {
    if (m_fill && m_fp) std::fwrite(m_buf.data(), 1, m_fill, m_fp);
    m_fill = 0;
}

void FastVcdFile::put(const char* s, size_t n) {
    while (n > 0) {
        if (m_fill == m_buf.size()) flush();
        const size_t k = n < m_buf.size() - m_fill ? n : m_buf.size() - m_fill;
        std::memcpy(&m_buf[m_fill], s, k);
        m_fill += k;
        s += k;
        n -= k;
    }
}

void FastVcdFile::put(const char* s) {
    put(s, std::strlen(s));
}

void FastVcdFile::put(char c) {
    if (m_fill == m_buf.size()) flush();
    m_buf[m_fill++] = c;
}

void FastVcdFile::write_time(uint64_t units) {
    static constexpr char kPairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char digits[24];
    char* end = digits + sizeof digits;
    char* d = end;
    while (units >= 100) {  // two digits per division
        const unsigned r = static_cast<unsigned>(units % 100);
        units /= 100;
        d -= 2;
        d[0] = kPairs[2 * r];
        d[1] = kPairs[2 * r + 1];
    }
    if (units >= 10) {
        d -= 2;
        d[0] = kPairs[2 * units];
        d[1] = kPairs[2 * units + 1];
    } else {
        *--d = static_cast<char>('0' + units);
    }
    if (m_fill + 32 > m_buf.size()) flush();
    char* p = &m_buf[m_fill];
    *p++ = '#';
    const size_t n = static_cast<size_t>(end - d);
    std::memcpy(p, d, n);
    p += n;
    *p++ = '\n';
    m_fill = static_cast<size_t>(p - m_buf.data());
}

inline uint64_t FastVcdFile::read_scalar(const Var& v) {
    // Raw bits of the traced object: integers (signed ones in two's complement, masked at write time), bools
    // (0/1), reals (their IEEE bits); sc_logic as its value 0, 1, Z = 2, X = 3.
    switch (v.bytes) {
        case 1:
            return *static_cast<const unsigned char*>(v.obj);
        case 2: {
            uint16_t x;
            std::memcpy(&x, v.obj, sizeof x);
            return x;
        }
        case 4: {
            uint32_t x;
            std::memcpy(&x, v.obj, sizeof x);
            return x;
        }
        case 8: {
            uint64_t x;
            std::memcpy(&x, v.obj, sizeof x);
            return x;
        }
        default:
            if (v.kind == Kind::Logic)
                return static_cast<uint64_t>(static_cast<const sc_dt::sc_logic*>(v.obj)->value());
            return static_cast<const sc_dt::sc_bit*>(v.obj)->to_bool() ? 1 : 0;
    }
}

bool FastVcdFile::vector_changed(Var& v) {
    uint32_t* old = &m_vec_old[v.first];
    bool changed = false;
    if (v.kind == Kind::Lv) {
        const auto& o = *static_cast<const sc_dt::sc_lv_base*>(v.obj);
        for (uint32_t i = 0; i < v.words; ++i) {
            const uint32_t d = o.get_word(static_cast<int>(i)), c = o.get_cword(static_cast<int>(i));
            changed |= d != old[2 * i] || c != old[2 * i + 1];
            old[2 * i] = d;
            old[2 * i + 1] = c;
        }
    } else {
        const auto& o = *static_cast<const sc_dt::sc_bv_base*>(v.obj);
        for (uint32_t i = 0; i < v.words; ++i) {
            const uint32_t d = o.get_word(static_cast<int>(i));
            changed |= d != old[2 * i];
            old[2 * i] = d;
        }
    }
    return changed;
}

// One value line: the value as SystemC's VCD writer formats it for the variable's kind, a space before the
// identifier for everything wider than one bit, the identifier, a newline.
void FastVcdFile::write_value(const Var& v) {
    // Room for the widest line: value bits, 'b', space, identifier, newline.
    if (m_fill + static_cast<size_t>(v.width) + 16 > m_buf.size()) flush();
    char* p = &m_buf[m_fill];
    switch (v.kind) {
        case Kind::Bool:
        case Kind::Bit:
        case Kind::Clock:
            *p++ = v.old ? '1' : '0';
            break;
        case Kind::Logic:
            *p++ = logic_char(static_cast<sc_dt::sc_logic_value_t>(v.old));
            break;
        case Kind::Double:
        case Kind::Float:
            p = format_real(v, p);
            break;
        case Kind::Bv:
        case Kind::Lv:
            p = format_vector(v, p);
            break;
        default:
            p = format_integer(v, p);
            break;
    }
    std::memcpy(p, v.id, 5);
    p += 5;
    *p++ = '\n';
    m_fill = static_cast<size_t>(p - m_buf.data());
}

char* FastVcdFile::format_real(const Var& v, char* p) {
    double d;
    if (v.kind == Kind::Double) {
        std::memcpy(&d, &v.old, sizeof d);
    } else {
        float f;
        const uint32_t bits = static_cast<uint32_t>(v.old);
        std::memcpy(&f, &bits, sizeof f);
        d = f;
    }
    return p + std::snprintf(p, 40, "r%.16g ", d);  // reals only: never traced in nicsim
}

// MSB first; SystemC writes sc_lv's Z/X in capitals and drops only leading zeros (keeping one).
char* FastVcdFile::format_vector(const Var& v, char* p) {
    const uint32_t* cur = &m_vec_old[v.first];
    char* bits = p + (v.width > 1 ? 1 : 0);
    char* q = bits;
    int i = v.width - 1;
    for (; i >= 0 && (i + 1) % 4 != 0; --i) {  // the bits above the last whole nibble, one by one
        const uint32_t d = (cur[2 * (i / 32)] >> (i % 32)) & 1u;
        const uint32_t c = (cur[2 * (i / 32) + 1] >> (i % 32)) & 1u;
        *q++ = "01ZX"[(c << 1) | d];
    }
    for (; i >= 3; i -= 4) {  // then four bits per table look-up
        const int lo = i - 3;
        const uint32_t d = (cur[2 * (lo / 32)] >> (lo % 32)) & 0xFu;
        const uint32_t c = (cur[2 * (lo / 32) + 1] >> (lo % 32)) & 0xFu;
        std::memcpy(q, kNibbles.text[(c << 4) | d], 4);
        q += 4;
    }
    if (v.width == 1) return q;
    *p = 'b';
    const char* start = bits;
    if (*bits == '0') {
        while (start < q && *start == '0') ++start;
        if (start == q || *start != '1') --start;  // all zeros, or zeros before Z/X: keep one zero
    }
    if (start != bits) {
        const size_t len = static_cast<size_t>(q - start);
        std::memmove(bits, start, len);
        q = bits + len;
    }
    *q++ = ' ';
    return q;
}

// Integers: the traced width in binary, or all x when the value does not fit (SystemC's overflow rule).
char* FastVcdFile::format_integer(const Var& v, char* p) {
    const uint64_t val = v.old;
    const bool overflow = (val & v.mask) != val;
    if (v.width == 1) {
        *p++ = overflow ? 'x' : ((val & 1u) ? '1' : '0');
        return p;
    }
    *p++ = 'b';
    if (overflow) {
        *p++ = 'x';
    } else if (val == 0) {
        *p++ = '0';
    } else {
        int top = 63;
        while (!((val >> top) & 1u)) --top;
        for (int i = top; i >= 0; --i) *p++ = ((val >> i) & 1u) ? '1' : '0';
    }
    *p++ = ' ';
    return p;
}

namespace {
struct Scope {
    std::vector<std::pair<std::string, size_t>> vars;        // leaf name, index in m_vars (in registration order)
    std::map<std::string, std::unique_ptr<Scope>> children;  // sorted by name, as SystemC prints them
};
}  // namespace

void FastVcdFile::write_scopes() {
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
        s->vars.emplace_back(name.substr(start), i);
    }
    struct Printer {
        FastVcdFile& f;
        void operator()(const Scope& s) {
            char line[64];
            for (const auto& [leaf, index] : s.vars) {
                const Var& v = f.m_vars[index];
                std::string n = leaf;
                for (char& c : n) {  // [] would be read as a bit range by viewers
                    if (c == '[') c = '(';
                    if (c == ']') c = ')';
                }
                const char* type = (v.kind == Kind::Double || v.kind == Kind::Float) ? "real" : "wire";
                std::snprintf(line, sizeof line, "$var %s  % 3d  %s  ", type, v.width, v.id);
                f.put(line);
                f.put(n.data(), n.size());
                if (v.width == 1) {
                    f.put("       $end\n");
                } else {
                    std::snprintf(line, sizeof line, " [%d:0]  $end\n", v.width - 1);
                    f.put(line);
                }
            }
            for (const auto& [name, child] : s.children) {
                f.put("$scope module ");
                f.put(name.data(), name.size());
                f.put(" $end\n");
                (*this)(*child);
                f.put("$upscope $end\n");
            }
        }
    };
    put("$scope module SystemC $end\n");
    Printer{*this}(top);
    put("$upscope $end\n");
}

void FastVcdFile::write_header() {
    // A fixed date in the width of SystemC's ("Mon dd, yyyy       hh:mm:ss"): one seed gives one file.
    put("$date\n     no date (reproducible)     \n$end\n\n");
    put("$version\n ");
    put(sc_core::sc_version());
    put("\n$end\n\n");
    static const struct {
        sc_core::sc_time_unit tu;
        const char* name;
    } units[] = {{sc_core::SC_FS, "fs"}, {sc_core::SC_PS, "ps"}, {sc_core::SC_NS, "ns"},
                 {sc_core::SC_US, "us"}, {sc_core::SC_MS, "ms"}, {sc_core::SC_SEC, "sec"}};
    for (const auto& u : units) {
        for (int mult : {1, 10, 100}) {
            if (sc_core::sc_time(mult, u.tu) != m_unit) continue;
            char line[64];
            std::snprintf(line, sizeof line, "$timescale\n     %d %s\n$end\n\n", mult, u.name);
            put(line);
        }
    }
    write_scopes();
    put("$enddefinitions  $end\n\n");
    const double t = sc_core::sc_time_stamp().to_seconds();
    char comment[160];
    std::snprintf(comment, sizeof comment, "All initial values are dumped below at time %g sec = %g timescale units.",
                  t, t / m_unit.to_seconds());
    write_comment(comment);
    m_prev_units = sc_core::sc_time_stamp().value() / m_unit_ticks;
    m_changed.reserve(m_vars.size());
    if (m_windowed) {  // a viewer would place values without a time stamp at time 0
        write_time(m_prev_units);
    }
    put("$dumpvars\n");
    for (uint32_t i = 0; i < m_vars.size(); ++i) {
        Var& v = m_vars[i];
        if (v.kind == Kind::Clock) {
            for (Clock& c : m_clocks) {
                if (c.index != i) continue;
                const uint64_t now = sc_core::sc_time_stamp().value();
                const uint64_t phase = now % c.period;
                v.old = phase < c.period / 2 ? 1 : 0;
                c.next = now - phase + (v.old ? c.period / 2 : c.period);
            }
            write_value(v);
            continue;
        }
        if (v.kind == Kind::Bv || v.kind == Kind::Lv)
            vector_changed(v);  // takes the current words
        else
            v.old = read_scalar(v);
        // sc_logic holds one sc_logic_value_t (0, 1, Z = 2, X = 3): polled as its raw bytes.
        static_assert(sizeof(sc_dt::sc_logic) == sizeof(sc_dt::sc_logic_value_t) && sizeof(sc_dt::sc_logic) == 4,
                      "sc_logic is one 4-byte value");
        const uint32_t bytes = v.kind == Kind::Logic ? static_cast<uint32_t>(sizeof(sc_dt::sc_logic)) : v.bytes;
        switch (bytes) {
            case 1:
                m_poll8.push_back({static_cast<const uint8_t*>(v.obj), static_cast<uint8_t>(v.old), i});
                break;
            case 2:
                m_poll16.push_back({static_cast<const uint16_t*>(v.obj), static_cast<uint16_t>(v.old), i});
                break;
            case 4:
                m_poll32.push_back({static_cast<const uint32_t*>(v.obj), static_cast<uint32_t>(v.old), i});
                break;
            case 8:
                m_poll64.push_back({static_cast<const uint64_t*>(v.obj), v.old, i});
                break;
            default:
                m_poll_other.push_back(i);
                break;
        }
        write_value(v);
    }
    put("$end\n\n");
}

template <class T>
void FastVcdFile::poll(std::vector<Poll<T>>& group) {
    for (Poll<T>& p : group) {
        T cur;
        std::memcpy(&cur, p.obj, sizeof cur);  // raw bits (the object need not be a T: sc_logic, signed, real)
        if (cur == p.old) continue;
        p.old = cur;
        m_vars[p.index].old = cur;
        m_changed.push_back(p.index);
    }
}

void FastVcdFile::close_window() {
    if (!m_fp || m_closed) return;
    m_closed = true;
    if (!m_initialized) return;
    const uint64_t end = sc_core::sc_time_stamp().value();
    write_clock_edges(end, false);
    write_time(end / m_unit_ticks);
    flush();
}

void FastVcdFile::cycle(bool delta_cycle) {
    if (delta_cycle || !m_fp || m_held || m_closed) return;
    if (!m_initialized) {
        m_initialized = true;
        write_header();
        return;
    }
    const uint64_t now_ticks = sc_core::sc_time_stamp().value();
    m_last_cycle = now_ticks;
    const uint64_t now = now_ticks / m_unit_ticks;
    if (now < m_prev_units) return;  // cannot happen without delta cycles; SystemC skips such cycles too
    write_clock_edges(now_ticks, false);
    m_changed.clear();
    for (Clock& c : m_clocks)  // an edge at this very instant goes with the other values of this time stamp
        if (c.next == now_ticks) {
            toggle(c);
            m_changed.push_back(c.index);
        }
    poll(m_poll8);
    poll(m_poll16);
    poll(m_poll32);
    poll(m_poll64);
    for (uint32_t i : m_poll_other) {
        Var& v = m_vars[i];
        if (v.kind == Kind::Bv || v.kind == Kind::Lv) {
            if (!vector_changed(v)) continue;
        } else {
            const uint64_t bit = read_scalar(v);
            if (bit == v.old) continue;
            v.old = bit;
        }
        m_changed.push_back(i);
    }
    if (m_changed.empty()) return;
    // Registration order, as SystemC writes them (a handful per time stamp: insertion sort).
    uint32_t* c = m_changed.data();
    const size_t n = m_changed.size();
    for (size_t i = 1; i < n; ++i) {
        const uint32_t x = c[i];
        size_t j = i;
        for (; j > 0 && c[j - 1] > x; --j) c[j] = c[j - 1];
        c[j] = x;
    }
    write_time(now);
    for (size_t i = 0; i < n; ++i) write_value(m_vars[c[i]]);
    put('\n');
    m_prev_units = now;
    if (m_fill >= kFlushAt) flush();
}

}  // namespace nicsim
