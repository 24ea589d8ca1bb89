#include "testbench/machine/seeded_bytes.h"

#include <cstring>

#include "model/common/le_bytes.h"
#include "model/common/splitmix64.h"

namespace nicsim::tb {

namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;  // splitmix64's increment

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NICSIM_SEEDED_BYTES_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef NICSIM_SEEDED_BYTES_CLONES
#define NICSIM_SEEDED_BYTES_CLONES
#endif

typedef uint64_t U64x4 __attribute__((vector_size(32)));

// Whole words, four numbers per step: number k of the sequence is the mix of state + k x gamma, so four lanes
// computing k, k+1, k+2 and k+3 give the serial loop's numbers. The vector code is a GCC and Clang extension; built
// for AVX2 and for the baseline, the loader picks the one the CPU runs (the baseline emulates the lanes' 64-bit
// multiplies with 32-bit ones and gains little).
NICSIM_SEEDED_BYTES_CLONES
size_t splitmix64_words(uint64_t& state, uint8_t* out, size_t words) {
    size_t i = 0;
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {  // the lanes are stored as they are
        U64x4 s = {state + kGamma, state + 2 * kGamma, state + 3 * kGamma, state + 4 * kGamma};
        const U64x4 step = {4 * kGamma, 4 * kGamma, 4 * kGamma, 4 * kGamma};
        for (; i + 4 <= words; i += 4) {
            U64x4 z = s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            std::memcpy(out + 8 * i, &z, 32);
            s += step;
        }
        state += i * kGamma;
    }
    for (; i < words; ++i) store_le64(out + 8 * i, splitmix64(state));
    return i;
}

}  // namespace

void splitmix64_bytes(uint64_t& state, uint8_t* out, size_t len) {
    uint64_t s = state;  // a local copy: the byte stores cannot alias it
    const size_t whole = len / 8;
    splitmix64_words(s, out, whole);
    if (len % 8 != 0) {
        const uint64_t r = splitmix64(s);
        for (size_t b = 0; b < len % 8; ++b) out[8 * whole + b] = static_cast<uint8_t>(r >> (8 * b));
    }
    state = s;
}

}  // namespace nicsim::tb
