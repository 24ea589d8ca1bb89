#include "model/trace/fast_vcd_file.h"

#include <algorithm>
#include <cstring>

namespace nicsim {

namespace {
constexpr size_t kBufSize = 1u << 20;         // output buffer: one fwrite per MiB
constexpr size_t kFlushAt = kBufSize - 4096;  // flush before a value line could overflow it (lines < 4 KiB)

const TraceBitText kBits("01ZX");  // SystemC writes sc_lv's Z and X in capitals

constexpr char kPairs[] =  // the decimal digits of 0 to 99
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
}  // namespace

FastVcdFile::FastVcdFile(const std::string& path)
    : PolledTraceFile("the fast VCD writer"), m_path(path), m_buf(kBufSize) {
    m_fp = std::fopen(path.c_str(), "wb");
    if (!m_fp) {
        SC_REPORT_WARNING("nicsim/trace/open", ("cannot open VCD file " + path).c_str());
        return;
    }
    start();
}

FastVcdFile::FastVcdFile(std::FILE* stream, const std::string& name)
    : PolledTraceFile("the fast VCD writer"), m_fp(stream), m_owns_fp(false), m_path(name), m_buf(kBufSize) {
    if (m_fp) start();
}

FastVcdFile::~FastVcdFile() {
    if (!m_fp) return;
    finish();
    flush();
    if (m_owns_fp)
        std::fclose(m_fp);
    else
        std::fflush(m_fp);
}

void FastVcdFile::write_comment_now(const std::string& comment) {
    if (!m_fp) return;
    put("$comment\n");
    put(comment.data(), comment.size());
    put("\n$end\n\n");
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
    // Time stamps follow each other by half a clock: while only the last four digits move, they are rewritten from
    // two look-ups; otherwise (about one stamp in a hundred) the number is written anew.
    const uint64_t low = m_time_units % 10000 + (units - m_time_units);
    if (m_time_digits > 4 && units >= m_time_units && low < 10000)
        set_low_digits(static_cast<uint32_t>(low));
    else
        set_time_text(units);
    m_time_units = units;
    if (m_fill + 32 > m_buf.size()) flush();
    char* p = &m_buf[m_fill];
    *p++ = '#';
    // A copy of a fixed size (the digits and the slack after them): no call; the bytes past the digits are
    // overwritten by what follows.
    const size_t n = static_cast<size_t>(m_time_digits);
    std::memcpy(p, m_time_text + kTimeEnd - n, kTimeEnd);
    p += n;
    *p++ = '\n';
    m_fill = static_cast<size_t>(p - m_buf.data());
}

void FastVcdFile::set_time_text(uint64_t units) {
    char* end = m_time_text + kTimeEnd;
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
    m_time_digits = static_cast<int>(end - d);
}

void FastVcdFile::set_low_digits(uint32_t low) {
    char* d = m_time_text + kTimeEnd - 4;
    const uint32_t high = low / 100, rest = low - high * 100;
    d[0] = kPairs[2 * high];
    d[1] = kPairs[2 * high + 1];
    d[2] = kPairs[2 * rest];
    d[3] = kPairs[2 * rest + 1];
}

// One value line: the value as SystemC's VCD writer formats it for the variable's kind, a space before the
// identifier for everything wider than one bit, the identifier, a newline.
void FastVcdFile::write_values(const uint32_t* indices, size_t n) {
    const LineVector<Var>& all = vars();
    for (size_t i = 0; i < n; ++i) FastVcdFile::write_value(all[indices[i]]);
}

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
    const uint32_t* w = vector_words(v);
    if (v.width == 1) return kBits.vector(w, 1, p);
    *p++ = 'b';
    p = kBits.vector(w, shown_bits(w, v.width), p);
    *p++ = ' ';
    return p;
}

// How many of a vector's low bits SystemC writes: from its highest 1, or from the 0 above its highest Z or X (one
// zero is kept before those), or a single 0 when every bit is 0.
int FastVcdFile::shown_bits(const uint32_t* w, int width) {
    const int top_word = (width - 1) / 32;
    for (int i = top_word; i >= 0; --i) {
        uint32_t set = w[2 * i] | w[2 * i + 1];  // bits that are 1, Z or X
        if (i == top_word && width % 32 != 0) set &= (1u << (width % 32)) - 1u;
        if (set == 0) continue;
        const int top = i * 32 + 31 - __builtin_clz(set);
        const bool one = ((w[2 * i + 1] >> (top % 32)) & 1u) == 0;
        return one ? top + 1 : std::min(top + 2, width);
    }
    return 1;
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

void FastVcdFile::write_declarations() {
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
            if (sc_core::sc_time(mult, u.tu) != unit()) continue;
            char line[64];
            std::snprintf(line, sizeof line, "$timescale\n     %d %s\n$end\n\n", mult, u.name);
            put(line);
        }
    }
    struct Printer : ScopeVisitor {
        FastVcdFile& f;
        explicit Printer(FastVcdFile& file) : f(file) {}
        void enter(const std::string& scope) override {
            f.put("$scope module ");
            f.put(scope.data(), scope.size());
            f.put(" $end\n");
        }
        void leave() override { f.put("$upscope $end\n"); }
        void var(Var& v, const std::string& leaf) override {
            char line[64];
            const char* type = (v.kind == Kind::Double || v.kind == Kind::Float) ? "real" : "wire";
            std::snprintf(line, sizeof line, "$var %s  % 3d  %s  ", type, v.width, v.id);
            f.put(line);
            f.put(leaf.data(), leaf.size());
            if (v.width == 1) {
                f.put("       $end\n");
            } else {
                std::snprintf(line, sizeof line, " [%d:0]  $end\n", v.width - 1);
                f.put(line);
            }
        }
    } printer(*this);
    visit_scopes(printer);
    put("$enddefinitions  $end\n\n");
    const double t = sc_core::sc_time_stamp().to_seconds();
    char comment[160];
    std::snprintf(comment, sizeof comment, "All initial values are dumped below at time %g sec = %g timescale units.",
                  t, t / unit().to_seconds());
    write_comment_now(comment);
}

void FastVcdFile::begin_values(uint64_t units) {
    if (windowed()) write_time(units);  // a viewer would place values without a time stamp at time 0
    put("$dumpvars\n");
}

void FastVcdFile::end_values() {
    put("$end\n\n");
}

void FastVcdFile::end_step() {
    put('\n');
    if (m_fill >= kFlushAt) flush();
}

}  // namespace nicsim
