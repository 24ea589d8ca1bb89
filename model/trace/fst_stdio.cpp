// GTKWave's FST writer (fstapi.c) writes its table of time stamps one varint at a time, an fwrite() of a byte or two
// per time step, and each fwrite() takes the FILE's lock and goes through stdio's generic copy: a tenth of the FST
// writer thread's instructions on a saturated bus (docs/performance.md). nicsim builds fstapi.c with fwrite renamed
// to nicsim_fst_fwrite (model/trace/CMakeLists.txt), which copies short pieces into the FILE's buffer itself,
// without the lock. One FST file is written by one thread at a time (the writer thread, or the simulation's thread
// while the writer thread is stopped), and the library's parallel mode, which packs on a thread of its own, is off.
#include <cstddef>
#include <cstdio>

#ifdef __GLIBC__
namespace {
/// Where the piece does not fit the buffer: putc flushes it as it goes.
[[gnu::noinline]] size_t put_slowly(const unsigned char* p, size_t size, size_t count, FILE* f) {
    const size_t bytes = size * count;
    for (size_t i = 0; i < bytes; ++i)
        if (putc_unlocked(p[i], f) == EOF) return i / size;
    return bytes ? count : 0;
}
}  // namespace
#endif

extern "C" size_t nicsim_fst_fwrite(const void* data, size_t size, size_t count, FILE* f) {
    const size_t bytes = size * count;
#ifdef __GLIBC__
    if (bytes > 8) return fwrite_unlocked(data, size, count, f);
    const unsigned char* p = static_cast<const unsigned char*>(data);
    char* const to = f->_IO_write_ptr;
    if (f->_IO_write_end - to < static_cast<ptrdiff_t>(bytes)) return put_slowly(p, size, count, f);
    for (size_t i = 0; i < bytes; ++i) to[i] = static_cast<char>(p[i]);  // what putc does, its room checked once
    f->_IO_write_ptr = to + bytes;
    return bytes ? count : 0;
#else
    return bytes ? fwrite(data, size, count, f) : 0;
#endif
}
