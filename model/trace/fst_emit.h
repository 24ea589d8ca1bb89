// nicsim's own entry points into GTKWave's FST writer (fst_emit.c): the value changes and time stamps of a running
// trace written straight into the writer's buffers, as fstWriterEmitValueChange() and fstWriterEmitTimeChange() write
// them (the same bytes), without the library's checks and copies per call that a trace of a saturated bus pays
// about a million times per 200 000 clocks (docs/performance.md).
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// fstWriterEmitTimeChange(ctx, tim).
void nicsim_fst_emit_time(void* ctx, uint64_t tim);
/// fstWriterEmitValueChange(ctx, handle, &c) for a one-character signal.
void nicsim_fst_emit_char(void* ctx, uint32_t handle, char c);
/// nicsim_fst_emit_time(ctx, tim), then nicsim_fst_emit_char(ctx, handle, c): a clock's edge.
void nicsim_fst_emit_edge(void* ctx, uint64_t tim, uint32_t handle, char c);
/// Where the text of a value change of `handle` goes: write its width's characters there, most significant first,
/// and the change is emitted as fstWriterEmitValueChange() would emit that text. Null where the writer takes its
/// values through fstWriterEmitValueChange() only (before the first time stamp; a variable-length or real signal);
/// then call that instead.
char* nicsim_fst_value_slot(void* ctx, uint32_t handle);

#ifdef __cplusplus
}
#endif
