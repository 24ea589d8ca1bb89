// GTKWave's FST writer (fstapi.c, built from the copy Debian's verilator package installs) compiled with nicsim's
// fast paths for the running trace's value changes and time stamps beside it: they need the writer's context,
// which fstapi.c keeps to itself, so this file is the library's translation unit. Each fast path writes exactly what
// the library's own call writes and hands every other case (the initial values, a section to flush, a buffer to
// grow) to that call.
#include "fstapi.c"  // NOLINT(bugprone-suspicious-include): the library itself, not a copy

#include "model/trace/fst_emit.h"

/// The change record fstapi.c keeps per value change: the offset of the signal's previous record, the number of
/// time stamps since it (a varint), then the value; returns where the value goes.
static inline unsigned char* nicsim_fst_record(struct fstWriterContext* xc, uint32_t* vm4ip) {
    unsigned char* p = xc->vchg_mem + xc->vchg_siz;
    uint32_t v = xc->tchn_idx - vm4ip[3];
    memcpy(p, &vm4ip[2], sizeof(uint32_t));
    p += 4;
    while (v >> 7) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    vm4ip[3] = xc->tchn_idx;
    vm4ip[2] = xc->vchg_siz;
    return p;
}

/// The signal's valpos entry where the fast path may write a change of `len` characters (0: any fixed length), or
/// null where the library's own call must.
static inline uint32_t* nicsim_fst_fast_entry(struct fstWriterContext* xc, uint32_t handle, uint32_t len) {
    uint32_t* vm4ip;
    // After the first time stamp the library has its tables (valpos_mem); a handle counts from 1.
    if (FST_UNLIKELY(xc->is_initial_time || handle - 1u >= xc->maxhandle)) return NULL;
    vm4ip = &xc->valpos_mem[4 * (handle - 1)];
    if (FST_UNLIKELY(vm4ip[1] == 0 || (len && vm4ip[1] != len))) return NULL;
    if (FST_UNLIKELY(xc->vchg_siz + vm4ip[1] + 10 > xc->vchg_alloc_siz)) return NULL;
    return vm4ip;
}

/// nicsim_fst_emit_char()'s fast path; false where the library's own call must write the change.
static inline int nicsim_fst_put_char(struct fstWriterContext* xc, uint32_t handle, char c) {
    uint32_t* vm4ip = nicsim_fst_fast_entry(xc, handle, 1);
    unsigned char* p;
    if (!vm4ip) return 0;
    p = nicsim_fst_record(xc, vm4ip);
    *p++ = (unsigned char)c;
    xc->vchg_siz = (uint32_t)(p - xc->vchg_mem);
    return 1;
}

/// nicsim_fst_emit_time()'s fast path; false where the library's own call must write the time stamp (the first, or
/// a section to flush first).
static inline int nicsim_fst_put_time(struct fstWriterContext* xc, uint64_t tim) {
    uint64_t v;
    if (FST_UNLIKELY(!xc || xc->is_initial_time || xc->vchg_siz >= xc->fst_break_size || xc->flush_context_pending))
        return 0;
    xc->tchn_idx++;
    v = tim - xc->curtime;
    if (FST_LIKELY(v < 0x80))
        putc_unlocked((int)v, xc->tchn_handle);  // the one byte fstWriterVarint() writes (fst_stdio.cpp: no lock)
    else
        fstWriterVarint(xc->tchn_handle, v);
    xc->tchn_cnt++;
    xc->curtime = tim;
    return 1;
}

/// The library's own call, out of the fast path's way (it needs the character in memory).
static __attribute__((noinline)) void nicsim_fst_emit_char_slowly(void* ctx, uint32_t handle, char c) {
    fstWriterEmitValueChange(ctx, handle, &c);
}

void nicsim_fst_emit_char(void* ctx, uint32_t handle, char c) {
    if (!nicsim_fst_put_char((struct fstWriterContext*)ctx, handle, c)) nicsim_fst_emit_char_slowly(ctx, handle, c);
}

char* nicsim_fst_value_slot(void* ctx, uint32_t handle) {
    struct fstWriterContext* xc = (struct fstWriterContext*)ctx;
    uint32_t* vm4ip = nicsim_fst_fast_entry(xc, handle, 0);
    unsigned char* p;
    if (!vm4ip) return NULL;
    p = nicsim_fst_record(xc, vm4ip);
    xc->vchg_siz = (uint32_t)(p - xc->vchg_mem) + vm4ip[1];
    return (char*)p;
}

void nicsim_fst_emit_time(void* ctx, uint64_t tim) {
    if (!nicsim_fst_put_time((struct fstWriterContext*)ctx, tim)) fstWriterEmitTimeChange(ctx, tim);
}

void nicsim_fst_emit_edge(void* ctx, uint64_t tim, uint32_t handle, char c) {
    struct fstWriterContext* xc = (struct fstWriterContext*)ctx;
    if (!nicsim_fst_put_time(xc, tim)) fstWriterEmitTimeChange(ctx, tim);
    if (!nicsim_fst_put_char(xc, handle, c)) nicsim_fst_emit_char_slowly(ctx, handle, c);
}
