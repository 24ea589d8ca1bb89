// nicsim's fast paths into GTKWave's FST writer (model/trace/fst_emit.h) against the library's own calls: the same
// declarations, value changes and time stamps written once through fstWriterEmitValueChange() and
// fstWriterEmitTimeChange() and once through nicsim_fst_emit_*() give the same file, byte for byte, also where the
// changes of one time stamp come in another order.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include <fstapi.h>

#include "model/trace/fst_emit.h"
#include "testbench/support/vcd_text.h"

namespace {

enum class Calls { Library, Nicsim };

/// A scripted trace: a clock, a one-bit line, a 64-bit bus with Z bits and a real, over time stamps of one and two
/// varint bytes and signals idle for more than 127 time stamps, with a section packed every 500 changes.
void write_trace(const std::string& path, Calls calls) {
    void* ctx = fstWriterCreate(path.c_str(), 1);
    REQUIRE(ctx != nullptr);
    fstWriterSetPackType(ctx, FST_WR_PT_ZLIB);
    fstWriterSetDate(ctx, "fixed");
    fstWriterSetVersion(ctx, "test");
    fstWriterSetTimescale(ctx, -12);
    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "top", nullptr);
    const fstHandle clk = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 1, "clk", 0);
    const fstHandle line = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 1, "line", 0);
    const fstHandle bus = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 64, "bus [63:0]", 0);
    const fstHandle real = fstWriterCreateVar(ctx, FST_VT_VCD_REAL, FST_VD_IMPLICIT, 64, "real", 0);
    fstWriterSetUpscope(ctx);

    std::mt19937 rng(11);
    char text[65] = {};
    const auto random_bus = [&] {
        for (int i = 0; i < 64; ++i) text[i] = i < 32 && rng() % 4 ? 'z' : "01"[rng() % 2];
    };
    const auto emit_char = [&](fstHandle h, char c) {
        if (calls == Calls::Library)
            fstWriterEmitValueChange(ctx, h, &c);
        else
            nicsim_fst_emit_char(ctx, h, c);
    };
    const auto emit_bus = [&] {  // the text random_bus() made
        char* slot = calls == Calls::Nicsim ? nicsim_fst_value_slot(ctx, bus) : nullptr;
        if (slot)
            std::copy(text, text + 64, slot);
        else
            fstWriterEmitValueChange(ctx, bus, text);
    };
    const auto emit_time = [&](uint64_t t) {
        if (calls == Calls::Library)
            fstWriterEmitTimeChange(ctx, t);
        else
            nicsim_fst_emit_time(ctx, t);
    };

    // The initial values, before the first time stamp: the fast paths hand them to the library.
    emit_char(clk, '0');
    emit_char(line, 'x');
    random_bus();
    emit_bus();
    double d = 0.5;
    fstWriterEmitValueChange(ctx, real, &d);
    uint64_t t = 100;
    char clock = '0';
    int changes = 0;
    for (int step = 0; step < 5000; ++step) {
        t += step % 97 == 0 ? 1000 + rng() % 100000 : 1 + rng() % 100;  // one-byte and longer varints
        clock = clock == '0' ? '1' : '0';
        if (step % 3 == 0 && calls == Calls::Nicsim) {
            nicsim_fst_emit_edge(ctx, t, clk, clock);
        } else {
            emit_time(t);
            emit_char(clk, clock);
        }
        const bool line_changes = (step / 300) % 2 == 0 && rng() % 3 == 0;  // idle for 300 steps at a time
        const char l = line_changes ? "01zx"[rng() % 4] : 0;
        const bool bus_changes = rng() % 2 == 0;
        if (bus_changes) random_bus();
        // Nicsim's order within a time stamp differs at times: each signal's changes are kept apart (FstFile does
        // not sort them).
        const bool bus_first = calls == Calls::Nicsim && step % 5 == 0;
        if (bus_changes && bus_first) emit_bus();
        if (line_changes) emit_char(line, l);
        if (bus_changes && !bus_first) emit_bus();
        if (step % 400 == 399) {
            d += 1.25;
            fstWriterEmitValueChange(ctx, real, &d);
        }
        changes += 3;
        if (changes >= 500) {
            changes = 0;
            fstWriterFlushContext(ctx);
        }
    }
    emit_time(t + 10);
    fstWriterClose(ctx);
}

}  // namespace

TEST_CASE("nicsim's FST fast paths write the bytes the library's own calls write", "[traces][fst]") {
    const std::string a = "fst_emit_library.fst", b = "fst_emit_nicsim.fst";
    write_trace(a, Calls::Library);
    write_trace(b, Calls::Nicsim);
    const std::string library = nicsim::test::slurp(a), nicsim = nicsim::test::slurp(b);
    CHECK(library.size() > 10000);
    CHECK(library == nicsim);
    std::remove(a.c_str());
    std::remove(b.c_str());
}
