// GTKWave's FST writer (fstapi.c) packs each signal's value changes with zlib's compress2() at level 4; nicsim builds
// it with compress2 renamed to nicsim_fst_compress2 (model/trace/CMakeLists.txt), which packs with libdeflate instead.
// libdeflate writes the same zlib format (RFC 1950 around RFC 1951's deflate), so every FST reader unpacks it as
// before; on a saturated bus's trace its level 1 costs a third of zlib's instructions at level 4 for 5 % more bytes
// (docs/performance.md). The small tables the writer packs at level 9 (time stamps, geometry) keep a high level.
#include <cstddef>

#include <libdeflate.h>
#include <zlib.h>

namespace {
constexpr int kValueLevel = 1;  // value changes: nearly all the packing work
constexpr int kTableLevel = 9;  // what the writer asks level 9 for: a few bytes per time step at most

struct Compressors {
    libdeflate_compressor* value = libdeflate_alloc_compressor(kValueLevel);
    libdeflate_compressor* table = libdeflate_alloc_compressor(kTableLevel);
    ~Compressors() {
        libdeflate_free_compressor(value);
        libdeflate_free_compressor(table);
    }
};
}  // namespace

/// compress2()'s contract: packs `source` into `dest` (room for *dest_len bytes) as a zlib stream, sets *dest_len to
/// its length; Z_BUF_ERROR when it does not fit (the writer then stores the bytes unpacked), Z_MEM_ERROR without a
/// compressor. The writer packs from one thread at a time (its parallel mode waits for the previous section).
extern "C" int nicsim_fst_compress2(Bytef* dest, uLongf* dest_len, const Bytef* source, uLong source_len, int level) {
    thread_local Compressors compressors;
    libdeflate_compressor* c = level >= kTableLevel ? compressors.table : compressors.value;
    if (!c) return Z_MEM_ERROR;
    const size_t n = libdeflate_zlib_compress(c, source, source_len, dest, *dest_len);
    if (n == 0) return Z_BUF_ERROR;
    *dest_len = static_cast<uLongf>(n);
    return Z_OK;
}
