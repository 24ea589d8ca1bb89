#include "model/trace/fst_file.h"

#include <cmath>
#include <cstring>

#include <fstapi.h>

#include "model/trace/fst_emit.h"

namespace nicsim {

namespace {
constexpr size_t kMaxText = 4096;  // room for the widest value a PolledTraceFile takes, and its NUL
// The library buffers value changes until about an eighth of the machine's memory (at least 128 MiB) before packing
// them, in buffers it allocates anew each time: packing every 2^16 changes (about 18 000 clocks of a saturated bus)
// keeps the work in the caches, and keeps the writer thread's longest stall (packing a section) short enough for
// TraceQueue's ring to absorb, for 0.5 % more bytes (docs/performance.md).
constexpr uint64_t kPackEvery = uint64_t(1) << 16;

/// The power of ten `seconds` is (FST time units are 10^e s), or false when it is not one.
bool power_of_ten(double seconds, int& exponent) {
    for (int e = -18; e <= 2; ++e) {
        if (std::fabs(seconds / std::pow(10.0, e) - 1.0) < 1e-9) {
            exponent = e;
            return true;
        }
    }
    return false;
}

const TraceBitText kBits("01zx");
}  // namespace

FstFile::FstFile(const std::string& path, Packing packing)
    : PolledTraceFile("the FST writer"), m_path(path), m_text(kMaxText) {
    m_ctx = fstWriterCreate(path.c_str(), 1);
    if (!m_ctx) {
        SC_REPORT_WARNING("nicsim/trace/open", ("cannot create FST file " + path).c_str());
        return;
    }
    fstWriterSetPackType(m_ctx, packing == Packing::Lz4 ? FST_WR_PT_LZ4 : FST_WR_PT_ZLIB);
    fstWriterSetDate(m_ctx, "no date (reproducible)");  // one seed gives one file
    fstWriterSetVersion(m_ctx, sc_core::sc_version());
    start();
}

FstFile::~FstFile() {
    close();
}

void FstFile::close() {
    if (!m_ctx) return;
    finish();
    fstWriterClose(m_ctx);
    m_ctx = nullptr;
}

void FstFile::write_comment_now(const std::string& comment) {
    if (m_ctx) fstWriterSetComment(m_ctx, comment.c_str());
}

void FstFile::write_declarations() {
    int exponent = 0;
    if (power_of_ten(unit().to_seconds(), exponent))
        fstWriterSetTimescale(m_ctx, exponent);
    else
        SC_REPORT_WARNING("nicsim/trace/unit",
                          "the FST's time unit must be a power of ten seconds: time stamps are off");
    struct Declarer : ScopeVisitor {
        void* ctx;
        explicit Declarer(void* c) : ctx(c) {}
        void enter(const std::string& scope) override {
            fstWriterSetScope(ctx, FST_ST_VCD_MODULE, scope.c_str(), nullptr);
        }
        void leave() override { fstWriterSetUpscope(ctx); }
        void var(Var& v, const std::string& leaf) override {
            const bool real = v.kind == Kind::Double || v.kind == Kind::Float;
            // A vector's name carries its range, as GTKWave's vcd2fst stores a VCD's "name [7:0]".
            const std::string name = v.width > 1 ? leaf + " [" + std::to_string(v.width - 1) + ":0]" : leaf;
            v.handle = fstWriterCreateVar(ctx, real ? FST_VT_VCD_REAL : FST_VT_VCD_WIRE, FST_VD_IMPLICIT,
                                          static_cast<uint32_t>(real ? 64 : v.width), name.c_str(), 0);
        }
    } declarer(m_ctx);
    visit_scopes(declarer);
}

void FstFile::begin_values(uint64_t units) {
    fstWriterEmitTimeChange(m_ctx, units);  // first: the file starts at this time (the window's start)
}

void FstFile::write_time(uint64_t units) {
    nicsim_fst_emit_time(m_ctx, units);
}

bool FstFile::emit(const Var& v) {
    if (v.kind == Kind::Double || v.kind == Kind::Float) {
        double d;
        if (v.kind == Kind::Double) {
            std::memcpy(&d, &v.old, sizeof d);
        } else {
            float f;
            const uint32_t bits = static_cast<uint32_t>(v.old);
            std::memcpy(&f, &bits, sizeof f);
            d = f;
        }
        fstWriterEmitValueChange(m_ctx, v.handle, &d);
        return false;
    }
    char* slot = nullptr;
    if (v.kind == Kind::Logic || v.kind == Kind::Clock || v.kind == Kind::Bool || v.kind == Kind::Bit) {
        // One character (the clocks and most of the bus's lines): without text_of()'s switch.
        const char c = v.kind == Kind::Logic ? logic_char(static_cast<sc_dt::sc_logic_value_t>(v.old))
                       : v.old               ? '1'
                                             : '0';
        nicsim_fst_emit_char(m_ctx, v.handle, c);
    } else if ((v.kind == Kind::Lv || v.kind == Kind::Bv) && (slot = nicsim_fst_value_slot(m_ctx, v.handle))) {
        kBits.vector(vector_words(v), v.width, slot);  // straight into the library's buffer
    } else {
        fstWriterEmitValueChange(m_ctx, v.handle, text_of(v));
    }
    return true;
}

void FstFile::write_value(const Var& v) {
    if (emit(v)) count_changes(1);
}

void FstFile::write_values(const uint32_t* indices, size_t n) {
    const LineVector<Var>& all = vars();
    uint64_t counted = 0;
    for (size_t i = 0; i < n; ++i) counted += emit(all[indices[i]]) ? 1 : 0;
    count_changes(counted);
}

void FstFile::write_edge(uint64_t units, const Var& clock) {
    nicsim_fst_emit_edge(m_ctx, units, clock.handle, clock.old ? '1' : '0');
    count_changes(1);
}

void FstFile::count_changes(uint64_t n) {
    m_pending += n;
    if (m_pending >= kPackEvery) {  // at the next time stamp (the library packs only between time stamps)
        m_pending %= kPackEvery;
        fstWriterFlushContext(m_ctx);
    }
}

const char* FstFile::text_of(const Var& v) {
    char* p = m_text.data();
    switch (v.kind) {
        case Kind::Bool:
        case Kind::Bit:
        case Kind::Clock:
            p[0] = v.old ? '1' : '0';
            break;
        case Kind::Logic:
            p[0] = logic_char(static_cast<sc_dt::sc_logic_value_t>(v.old));
            break;
        case Kind::Bv:
        case Kind::Lv:
            kBits.vector(vector_words(v), v.width, p);
            break;
        default: {  // integers: the traced width in binary, or all x when the value does not fit (SystemC's rule)
            const uint64_t x = v.old;
            if ((x & v.mask) != x) {
                std::memset(p, 'x', static_cast<size_t>(v.width));
                break;
            }
            kBits.integer(x, v.width, p);
            break;
        }
    }
    return p;
}

}  // namespace nicsim
