// nicsim's entry points into the FST writer (fst_emit.h) through fstapi's public calls only: built instead of
// fst_emit.c where that does not compile against the fstapi.c found (its private writer context differs from the
// copy Debian 12's verilator ships) or NICSIM_FST_FAST_PATHS is off. Same bytes, the library's speed.
#include <fstapi.h>

#include "model/trace/fst_emit.h"

void nicsim_fst_emit_time(void* ctx, uint64_t tim) {
    fstWriterEmitTimeChange(ctx, tim);
}

void nicsim_fst_emit_char(void* ctx, uint32_t handle, char c) {
    fstWriterEmitValueChange(ctx, handle, &c);
}

void nicsim_fst_emit_edge(void* ctx, uint64_t tim, uint32_t handle, char c) {
    fstWriterEmitTimeChange(ctx, tim);
    fstWriterEmitValueChange(ctx, handle, &c);
}

char* nicsim_fst_value_slot(void* ctx, uint32_t handle) {
    (void)ctx;
    (void)handle;
    return 0;  // every vector through fstWriterEmitValueChange()
}
