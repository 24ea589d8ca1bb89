#include "testbench/machine/seeded_bytes.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "model/common/le_bytes.h"
#include "model/common/splitmix64.h"

namespace nicsim::tb {

namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;  // splitmix64's increment
constexpr uint64_t kMix1 = 0xBF58476D1CE4E5B9ull;   // its two multipliers
constexpr uint64_t kMix2 = 0x94D049BB133111EBull;

typedef uint64_t U64x4 __attribute__((vector_size(32)));

// Whole words, four numbers per step: number k of the sequence is the mix of state + k x gamma, so four lanes
// computing k, k+1, k+2 and k+3 give the serial loop's numbers. The vector code is a GCC and Clang extension, built
// for the baseline (which emulates the lanes' 64-bit multiplies with 32-bit ones and gains little).
[[gnu::noinline]] size_t words_baseline(uint64_t& state, uint8_t* out, size_t words) {
    size_t i = 0;
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {  // the lanes are stored as they are
        U64x4 s = {state + kGamma, state + 2 * kGamma, state + 3 * kGamma, state + 4 * kGamma};
        const U64x4 step = {4 * kGamma, 4 * kGamma, 4 * kGamma, 4 * kGamma};
        for (; i + 4 <= words; i += 4) {
            U64x4 z = s;
            z = (z ^ (z >> 30)) * kMix1;
            z = (z ^ (z >> 27)) * kMix2;
            z ^= z >> 31;
            std::memcpy(out + 8 * i, &z, 32);
            s += step;
        }
        state += i * kGamma;
    }
    for (; i < words; ++i) store_le64(out + 8 * i, splitmix64(state));
    return i;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NICSIM_SEEDED_BYTES_AVX2 1

// Each lane times the constant m, modulo 2^64. AVX2 multiplies 32-bit halves only: a x m is a_lo m_lo plus the two
// cross products a_lo m_hi + a_hi m_lo shifted up 32 bits. One 32-bit lane multiply by m with its halves exchanged
// gives both cross products, a horizontal add sums each pair, an interleave with zero moves the sums up: five
// instructions where the compiler's general 64-bit lane multiply takes seven.
__attribute__((target("avx2"))) inline __m256i mul_by(__m256i a, __m256i m, __m256i m_swapped) {
    const __m256i cross = _mm256_mullo_epi32(a, m_swapped);
    const __m256i sums = _mm256_hadd_epi32(cross, cross);
    const __m256i high = _mm256_unpacklo_epi32(_mm256_setzero_si256(), sums);
    return _mm256_add_epi64(_mm256_mul_epu32(a, m), high);
}

__attribute__((target("avx2"))) __m256i broadcast(uint64_t v) {
    return _mm256_set1_epi64x(static_cast<long long>(v));
}

// words_baseline's lanes with AVX2 instructions (x86-64 is little-endian: the lanes are stored as they are).
// The four numbers of the lanes' states `s`.
__attribute__((target("avx2"))) inline __m256i mix4(__m256i s) {
    const __m256i m1 = broadcast(kMix1), m1_swapped = broadcast(kMix1 >> 32 | kMix1 << 32);
    const __m256i m2 = broadcast(kMix2), m2_swapped = broadcast(kMix2 >> 32 | kMix2 << 32);
    __m256i z = _mm256_xor_si256(s, _mm256_srli_epi64(s, 30));
    z = mul_by(z, m1, m1_swapped);
    z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 27));
    z = mul_by(z, m2, m2_swapped);
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

__attribute__((target("avx2"))) inline void store4(uint8_t* out, __m256i z) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), z);
}

// words_baseline's lanes with AVX2 instructions (x86-64 is little-endian: the lanes are stored as they are), eight
// numbers per step (the loop's own instructions then count half as much per number).
__attribute__((target("avx2"))) size_t words_avx2(uint64_t& state, uint8_t* out, size_t words) {
    const __m256i step = broadcast(4 * kGamma), step2 = broadcast(8 * kGamma);
    const __m256i first = _mm256_set_epi64x(static_cast<long long>(4 * kGamma), static_cast<long long>(3 * kGamma),
                                            static_cast<long long>(2 * kGamma), static_cast<long long>(kGamma));
    __m256i s = _mm256_add_epi64(broadcast(state), first);
    size_t i = 0;
    for (; i + 8 <= words; i += 8) {
        store4(out + 8 * i, mix4(s));
        store4(out + 8 * i + 32, mix4(_mm256_add_epi64(s, step)));
        s = _mm256_add_epi64(s, step2);
    }
    if (i + 4 <= words) {
        store4(out + 8 * i, mix4(s));
        i += 4;
    }
    state += i * kGamma;
    for (; i < words; ++i) store_le64(out + 8 * i, splitmix64(state));
    return i;
}
#endif

#ifdef NICSIM_SEEDED_BYTES_AVX2
// Whether the CPU has AVX2, asked once at load time (before then, e.g. from another file's static initialiser, the
// baseline writes the same bytes).
const bool kAvx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
#endif

size_t splitmix64_words(uint64_t& state, uint8_t* out, size_t words) {
#ifdef NICSIM_SEEDED_BYTES_AVX2
    if (kAvx2) return words_avx2(state, out, words);
#endif
    return words_baseline(state, out, words);
}

}  // namespace

namespace {
// The whole words from `words`, then the last number cut off where the bytes end.
void fill_bytes(size_t (*words)(uint64_t&, uint8_t*, size_t), uint64_t& state, uint8_t* out, size_t len) {
    uint64_t s = state;  // a local copy: the byte stores cannot alias it
    const size_t whole = len / 8;
    words(s, out, whole);
    if (len % 8 != 0) {
        const uint64_t r = splitmix64(s);
        for (size_t b = 0; b < len % 8; ++b) out[8 * whole + b] = static_cast<uint8_t>(r >> (8 * b));
    }
    state = s;
}
}  // namespace

void splitmix64_bytes(uint64_t& state, uint8_t* out, size_t len) {
    fill_bytes(splitmix64_words, state, out, len);
}

void splitmix64_bytes_portable(uint64_t& state, uint8_t* out, size_t len) {
    fill_bytes(words_baseline, state, out, len);
}

}  // namespace nicsim::tb
