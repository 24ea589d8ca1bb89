// GTKWave's FST writer (fstapi.c) packs each signal's value changes with zlib's compress2() at level 4; nicsim builds
// it with compress2 renamed to nicsim_fst_compress2 (model/trace/CMakeLists.txt), which packs them with nicsim's own
// deflate encoder (the long chains of a wide signal with Z/X bits) or libdeflate (the rest) instead. Both write the
// same zlib format (RFC 1950 around RFC 1951's deflate), so every FST reader unpacks it as before; on a saturated
// bus's trace they cost a sixth of zlib's instructions at level 4 (docs/performance.md). The small tables the writer
// packs at level 9 (time stamps, geometry) keep a high level.
#include <cstddef>
#include <cstdint>

#include <libdeflate.h>
#include <zlib.h>

#include "model/trace/deflate_encoder.h"

namespace {
constexpr int kValueLevel = 1;  // value changes: nearly all the packing work
constexpr int kTableLevel = 9;  // what the writer asks level 9 for: a few bytes per time step at most
// Value changes from this many bytes on go to nicsim's own encoder (deflate_encoder.h), made for the long chains of
// a wide signal with Z/X bits; the short chains of the other signals, a few bytes per change, stay with libdeflate.
constexpr size_t kOwnEncoderFrom = 4096;
constexpr size_t kZlibFrame = 6;  // a 2-byte header and the 4-byte Adler-32 of the data

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
    if (level < kTableLevel && source_len >= kOwnEncoderFrom && *dest_len > kZlibFrame) {
        const size_t n = nicsim::deflate_value_changes(source, source_len, dest + 2, *dest_len - kZlibFrame);
        if (n) {  // RFC 1950's frame: deflate with a 32 KiB window, the fastest level; Adler-32 most significant first
            dest[0] = 0x78;
            dest[1] = 0x01;
            const uint32_t a = libdeflate_adler32(1, source, source_len);
            for (int i = 0; i < 4; ++i) dest[2 + n + i] = static_cast<Bytef>(a >> (24 - 8 * i));
            *dest_len = static_cast<uLongf>(n + kZlibFrame);
            return Z_OK;
        }
    }
    thread_local Compressors compressors;
    libdeflate_compressor* c = level >= kTableLevel ? compressors.table : compressors.value;
    if (!c) return Z_MEM_ERROR;
    const size_t n = libdeflate_zlib_compress(c, source, source_len, dest, *dest_len);
    if (n == 0) return Z_BUF_ERROR;
    *dest_len = static_cast<uLongf>(n);
    return Z_OK;
}
