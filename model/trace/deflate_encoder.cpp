#include "model/trace/deflate_encoder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace nicsim {

namespace {
constexpr size_t kMaxMatch = 258;
constexpr size_t kWindow = 32768;
// A match costs about 12-20 bits, eight '0'/'1' characters about as many: shorter matches are left as literals.
constexpr size_t kMinMatch = 10;
static_assert(kMinMatch > 8, "a match is looked for only where 8 bytes repeat");
constexpr int kHashBits = 12;
constexpr int kLitSymbols = 286;  // 0-255 bytes, 256 end of block, 257-285 match lengths
constexpr int kDistSymbols = 30;
constexpr int kClSymbols = 19;  // the code lengths' own alphabet
constexpr int kEndOfBlock = 256;
constexpr int kChar0 = '0', kChar1 = '1';
constexpr uint64_t kOnes = 0x0101010101010101ull;

// Tokens of the first pass, by their top two bits: a literal byte, '0'/'1' characters (bit k: character k's low
// bit; bits 8-11: how many, 0 for eight), or a match (length in bits 15-23, distance - 1 in bits 0-14).
constexpr uint32_t kLiteral = 0u << 30, kGroup = 1u << 30, kMatch = 2u << 30, kTagMask = 3u << 30;

uint64_t load8(const unsigned char* p) {
    uint64_t x;
    std::memcpy(&x, p, sizeof x);
    return x;
}

/// How many bytes from `a` equal those from `b` (b before a; they may overlap), at most `max`.
size_t common(const unsigned char* a, const unsigned char* b, size_t max) {
    size_t k = 0;
    for (; k + 8 <= max; k += 8) {
        const uint64_t x = load8(a + k) ^ load8(b + k);
        if (x) return k + static_cast<size_t>(__builtin_ctzll(x) >> 3);
    }
    while (k < max && a[k] == b[k]) ++k;
    return k;
}

/// A symbol's code, bit-reversed as deflate sends it (first bit lowest); or eight symbols' codes one after the other.
struct Code {
    uint64_t bits = 0;
    uint32_t len = 0;
};

/// A match length's or distance's symbol and extra bits.
struct Sym {
    uint32_t sym;
    uint32_t extra_len;
    uint32_t extra;
};

Sym compute_length_sym(size_t len) {
    if (len == kMaxMatch) return {285, 0, 0};
    const uint32_t y = static_cast<uint32_t>(len - 3);
    if (y < 8) return {257 + y, 0, 0};
    const uint32_t top = 31u - static_cast<uint32_t>(__builtin_clz(y));
    const uint32_t eb = top - 2;
    return {257 + 4 * (top - 1) + ((y >> eb) & 3u), eb, y & ((1u << eb) - 1u)};
}

/// Every match length's symbol, worked out once: each match asks for its own twice (counted, then written).
struct LengthSyms {
    Sym of[kMaxMatch + 1];
    LengthSyms() {
        for (size_t len = 3; len <= kMaxMatch; ++len) of[len] = compute_length_sym(len);
    }
};
const LengthSyms kLengthSyms;

const Sym& length_sym(size_t len) {
    return kLengthSyms.of[len];
}

/// distance_sym() of the distance last asked for again, without working it out (most matches repeat a distance).
class DistanceSyms {
  public:
    const Sym& operator()(uint32_t dist) {
        if (dist != m_dist) {
            m_dist = dist;
            m_sym = distance_sym(dist);
        }
        return m_sym;
    }

  private:
    static Sym distance_sym(uint32_t dist);
    uint32_t m_dist = 0;
    Sym m_sym{};
};

Sym DistanceSyms::distance_sym(uint32_t dist) {
    const uint32_t x = dist - 1;
    if (x < 4) return {x, 0, 0};
    const uint32_t top = 31u - static_cast<uint32_t>(__builtin_clz(x));
    const uint32_t eb = top - 1;
    return {2 * top + ((x >> eb) & 1u), eb, x & ((1u << eb) - 1u)};
}

/// Huffman code lengths for freq[0, n), none above `limit`; unused symbols get 0. Where the optimal code is too
/// deep, the frequencies are halved (keeping every used symbol) until it is not.
void code_lengths(const uint32_t* freq, int n, uint32_t limit, uint32_t* len) {
    std::fill(len, len + n, 0u);
    int syms[kLitSymbols];
    uint32_t f[kLitSymbols];
    int m = 0;
    for (int s = 0; s < n; ++s) {
        f[s] = freq[s];
        if (freq[s]) syms[m++] = s;
    }
    if (m == 1) len[syms[0]] = 1;
    if (m < 2) return;
    for (;;) {
        std::sort(syms, syms + m, [&](int a, int b) { return f[a] != f[b] ? f[a] < f[b] : a < b; });
        // Two queues: the sorted leaves, and the inner nodes, made in order of weight.
        uint64_t weight[2 * kLitSymbols];
        int parent[2 * kLitSymbols];
        for (int i = 0; i < m; ++i) weight[i] = f[syms[i]];
        int leaf = 0, inner = m;
        const auto take = [&](int made) {
            if (leaf < m && (inner >= made || weight[leaf] <= weight[inner])) return leaf++;
            return inner++;
        };
        for (int made = m; made < 2 * m - 1; ++made) {
            const int a = take(made);
            const int b = take(made);
            weight[made] = weight[a] + weight[b];
            parent[a] = parent[b] = made;
        }
        uint32_t depth[2 * kLitSymbols];
        depth[2 * m - 2] = 0;
        uint32_t deepest = 0;
        for (int i = 2 * m - 3; i >= 0; --i) {
            depth[i] = depth[parent[i]] + 1;
            deepest = std::max(deepest, depth[i]);
        }
        if (deepest <= limit) {
            for (int i = 0; i < m; ++i) len[syms[i]] = depth[i];
            return;
        }
        for (int i = 0; i < m; ++i) f[syms[i]] = (f[syms[i]] >> 1) | 1u;
    }
}

/// The canonical codes of RFC 1951 3.2.2 for these lengths, bit-reversed.
void assign_codes(const uint32_t* len, int n, Code* code) {
    uint32_t count[16] = {}, next[16] = {};
    for (int s = 0; s < n; ++s) ++count[len[s]];
    count[0] = 0;
    uint32_t c = 0;
    for (int bits = 1; bits < 16; ++bits) {
        c = (c + count[bits - 1]) << 1;
        next[bits] = c;
    }
    for (int s = 0; s < n; ++s) {
        code[s] = {};
        if (!len[s]) continue;
        const uint32_t v = next[len[s]]++;
        uint64_t r = 0;
        for (uint32_t i = 0; i < len[s]; ++i) r |= uint64_t((v >> i) & 1u) << (len[s] - 1 - i);
        code[s] = {r, len[s]};
    }
}

/// Writes bits first-lowest, eight bytes at a time: the output needs 8 bytes of room past the stream's end.
class BitWriter {
  public:
    explicit BitWriter(unsigned char* out) : m_out(out) {}
    void put(uint64_t bits, uint32_t n) {  // n + the 7 bits pending < 64
        m_acc |= bits << m_count;
        m_count += n;
        std::memcpy(m_out, &m_acc, sizeof m_acc);
        m_out += m_count >> 3;
        m_acc >>= m_count & ~7u;  // at most 56: m_count is at most 63
        m_count &= 7u;
    }
    void put(const Code& c) { put(c.bits, c.len); }
    /// The stream's end: the last partial byte.
    unsigned char* finish() {
        if (m_count) *m_out++ = static_cast<unsigned char>(m_acc);
        return m_out;
    }

  private:
    unsigned char* m_out;
    uint64_t m_acc = 0;
    uint32_t m_count = 0;
};

/// The first pass's result: the tokens and what they use.
struct Scratch {
    std::unique_ptr<uint32_t[]> tokens;  // not cleared: tokenize() writes every token it reads
    size_t room = 0;
    uint32_t head[1u << kHashBits];
    uint32_t groups[256];  // how often each eight '0'/'1' characters were seen
};

struct Counts {
    uint32_t lit[kLitSymbols] = {};
    uint32_t dist[kDistSymbols] = {};
    uint64_t extra_bits = 0;  // the matches' extra bits
};

uint32_t hash8(uint64_t u) {
    return static_cast<uint32_t>((u * 0x9E3779B97F4A7C15ull) >> (64 - kHashBits));
}

/// How many bits of `b` (< 256) are set, without a library call where the target has no popcount instruction.
uint32_t ones_in(uint32_t b) {
    b = b - ((b >> 1) & 0x55u);
    b = (b & 0x33u) + ((b >> 2) & 0x33u);
    return (b + (b >> 4)) & 0x0Fu;
}

/// How many of the eight characters in `u` (first character lowest) are '0' or '1' before the first that is not.
uint32_t bit_chars(uint64_t u) {
    const uint64_t other = (u & ~kOnes) ^ 0x3030303030303030ull;  // nonzero in the bytes that are neither
    return other ? static_cast<uint32_t>(__builtin_ctzll(other) >> 3) : 8u;
}

/// Splits the input into literals, runs of up to eight '0'/'1' characters and matches; returns the token count.
/// '0'/'1' characters are taken as they are unless they repeat the last match's distance: a hash or run match in
/// the middle of random bits would rarely pay for itself.
size_t tokenize(const unsigned char* in, size_t n, Scratch& s, Counts& c) {
    std::fill(std::begin(s.head), std::end(s.head), 0u);
    std::fill(std::begin(s.groups), std::end(s.groups), 0u);
    uint32_t* tok = s.tokens.get();
    size_t t = 0, p = 0, rep = 0;
    DistanceSyms distance;
    for (; p + 8 <= n;) {
        const uint64_t u = load8(in + p);
        const size_t max = std::min(kMaxMatch, n - p);
        size_t best = 0, dist = 0;
        if (rep && rep <= p && u == load8(in + p - rep)) {  // the first 8 bytes first: kMinMatch is more
            const size_t l = common(in + p, in + p - rep, max);
            if (l >= kMinMatch) best = l, dist = rep;
        }
        const uint32_t bits = bit_chars(u);
        if (!best && bits == 8) {
            const uint32_t b = static_cast<uint32_t>(((u & kOnes) * 0x0102040810204080ull) >> 56);
            ++s.groups[b];
            tok[t++] = kGroup | b;
            p += 8;
            continue;
        }
        if (!best && bits) {  // fewer than eight: counted here
            const uint32_t b = static_cast<uint32_t>(((u & kOnes) * 0x0102040810204080ull) >> 56) & ((1u << bits) - 1u);
            const uint32_t ones = ones_in(b);
            c.lit[kChar1] += ones;
            c.lit[kChar0] += bits - ones;
            tok[t++] = kGroup | bits << 8 | b;
            p += bits;
            continue;
        }
        if (!best && p && u == (u << 8 | in[p - 1])) {
            const size_t l = common(in + p, in + p - 1, max);
            if (l >= kMinMatch) best = l, dist = 1;
        }
        uint32_t& slot = s.head[hash8(u)];
        if (!best && slot && p - (slot - 1) <= kWindow) {
            const size_t d = p - (slot - 1);
            const size_t l = common(in + p, in + p - d, max);
            if (l >= kMinMatch) best = l, dist = rep = d;
        }
        slot = static_cast<uint32_t>(p + 1);
        if (best) {
            const Sym ls = length_sym(best);
            const Sym& ds = distance(static_cast<uint32_t>(dist));
            ++c.lit[ls.sym];
            ++c.dist[ds.sym];
            c.extra_bits += ls.extra_len + ds.extra_len;
            tok[t++] = kMatch | static_cast<uint32_t>(best << 15) | static_cast<uint32_t>(dist - 1);
            p += best;
        } else {
            ++c.lit[in[p]];
            tok[t++] = kLiteral | in[p++];
        }
    }
    for (; p < n; ++p) {
        ++c.lit[in[p]];
        tok[t++] = kLiteral | in[p];
    }
    for (uint32_t b = 0; b < 256; ++b) {
        const uint32_t ones = ones_in(b);
        c.lit[kChar1] += s.groups[b] * ones;
        c.lit[kChar0] += s.groups[b] * (8 - ones);
    }
    return t;
}

/// The block header's code lengths, run-length coded (RFC 1951 3.2.7; repeats of zeros only): symbol, extra bits,
/// extra value.
std::vector<Sym> code_length_items(const uint32_t* lens, size_t n) {
    std::vector<Sym> items;
    for (size_t i = 0; i < n;) {
        if (lens[i] != 0) {
            items.push_back({lens[i++], 0, 0});
            continue;
        }
        size_t run = 1;
        while (i + run < n && run < 138 && lens[i + run] == 0) ++run;
        if (run >= 11)
            items.push_back({18, 7, static_cast<uint32_t>(run - 11)});
        else if (run >= 3)
            items.push_back({17, 3, static_cast<uint32_t>(run - 3)});
        else
            for (size_t k = 0; k < run; ++k) items.push_back({0, 0, 0});
        i += run;
    }
    return items;
}

constexpr uint8_t kClOrder[kClSymbols] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
/// The block's codes and how its header describes them.
struct Header {
    uint32_t lit_len[kLitSymbols];
    uint32_t dist_len[kDistSymbols];
    int nlit = kLitSymbols;
    int ndist = kDistSymbols;
    std::vector<Sym> items;  // the code lengths, run-length coded
    uint32_t cl_len[kClSymbols];
    int nclen = kClSymbols;
    uint64_t bits = 0;  // the whole block's
};

Header plan_header(const Counts& c) {
    Header h;
    code_lengths(c.lit, kLitSymbols, 15, h.lit_len);
    code_lengths(c.dist, kDistSymbols, 15, h.dist_len);
    while (h.nlit > 257 && !h.lit_len[h.nlit - 1]) --h.nlit;
    while (h.ndist > 1 && !h.dist_len[h.ndist - 1]) --h.ndist;
    uint32_t lens[kLitSymbols + kDistSymbols];
    std::copy(h.lit_len, h.lit_len + h.nlit, lens);
    std::copy(h.dist_len, h.dist_len + h.ndist, lens + h.nlit);
    h.items = code_length_items(lens, static_cast<size_t>(h.nlit + h.ndist));
    uint32_t cl_freq[kClSymbols] = {};
    for (const Sym& s : h.items) ++cl_freq[s.sym];
    code_lengths(cl_freq, kClSymbols, 7, h.cl_len);
    while (h.nclen > 4 && !h.cl_len[kClOrder[h.nclen - 1]]) --h.nclen;

    h.bits = 3 + 5 + 5 + 4 + 3 * static_cast<uint64_t>(h.nclen) + c.extra_bits;
    for (const Sym& s : h.items) h.bits += h.cl_len[s.sym] + s.extra_len;
    for (int s = 0; s < kLitSymbols; ++s) h.bits += uint64_t(c.lit[s]) * h.lit_len[s];
    for (int s = 0; s < kDistSymbols; ++s) h.bits += uint64_t(c.dist[s]) * h.dist_len[s];
    return h;
}

void write_header(BitWriter& w, const Header& h) {
    Code cl[kClSymbols];
    assign_codes(h.cl_len, kClSymbols, cl);
    w.put(1u | (2u << 1), 3);  // the last block, with codes of its own
    w.put(static_cast<uint32_t>(h.nlit - 257), 5);
    w.put(static_cast<uint32_t>(h.ndist - 1), 5);
    w.put(static_cast<uint32_t>(h.nclen - 4), 4);
    for (int i = 0; i < h.nclen; ++i) w.put(h.cl_len[kClOrder[i]], 3);
    for (const Sym& s : h.items) {
        w.put(cl[s.sym]);
        w.put(s.extra, s.extra_len);
    }
}

void write_tokens(BitWriter& w, const uint32_t* tokens, size_t count, const Code* lit, const Code* dist) {
    // Eight characters' codes in one: for every byte b, character k is '1' where bit k of b is set.
    const bool grouped = lit[kChar0].len <= 7 && lit[kChar1].len <= 7;
    Code group[256];
    for (uint32_t b = 0; grouped && b < 256; ++b) {
        group[b] = {};
        for (uint32_t k = 0; k < 8; ++k) {
            const Code& one = lit[(b >> k) & 1u ? kChar1 : kChar0];
            group[b].bits |= one.bits << group[b].len;
            group[b].len += one.len;
        }
    }
    DistanceSyms distance;
    for (size_t i = 0; i < count; ++i) {
        const uint32_t t = tokens[i];
        switch (t & kTagMask) {
            case kLiteral:
                w.put(lit[t & 0xFFu]);
                break;
            case kGroup: {
                const uint32_t chars = (t >> 8) & 0xFu;
                if (grouped && !chars) {
                    w.put(group[t & 0xFFu]);
                } else if (grouped) {  // the first `chars` codes of the eight: the low bits of the group's code
                    const uint32_t b = t & 0xFFu & ((1u << chars) - 1u);
                    const uint32_t ones = ones_in(b);
                    const uint32_t len = ones * lit[kChar1].len + (chars - ones) * lit[kChar0].len;
                    w.put(group[t & 0xFFu].bits & ((uint64_t(1) << len) - 1u), len);
                } else {
                    for (uint32_t k = 0; k < (chars ? chars : 8u); ++k) w.put(lit[(t >> k) & 1u ? kChar1 : kChar0]);
                }
                break;
            }
            default: {
                const Sym ls = length_sym((t >> 15) & 0x1FFu);
                const Sym& ds = distance((t & 0x7FFFu) + 1);
                w.put(lit[ls.sym].bits | (uint64_t(ls.extra) << lit[ls.sym].len), lit[ls.sym].len + ls.extra_len);
                w.put(dist[ds.sym].bits | (uint64_t(ds.extra) << dist[ds.sym].len), dist[ds.sym].len + ds.extra_len);
                break;
            }
        }
    }
}
}  // namespace

size_t deflate_value_changes(const unsigned char* in, size_t n, unsigned char* out, size_t room) {
    thread_local Scratch scratch;
    if (scratch.room < n + 1) {
        scratch.room = n + 1;
        scratch.tokens.reset(new uint32_t[n + 1]);
    }
    Counts c;
    const size_t count = tokenize(in, n, scratch, c);
    c.lit[kEndOfBlock] = 1;
    // Two distance codes at least, so that every code is complete (some decoders refuse an incomplete one).
    for (int d = 0; d < 2; ++d) c.dist[d] += c.dist[d] ? 0 : 1;
    const Header h = plan_header(c);
    if ((h.bits + 7) / 8 + 8 > room) return 0;
    BitWriter w(out);
    write_header(w, h);
    Code lit[kLitSymbols], dist[kDistSymbols];
    assign_codes(h.lit_len, kLitSymbols, lit);
    assign_codes(h.dist_len, kDistSymbols, dist);
    write_tokens(w, scratch.tokens.get(), count, lit, dist);
    w.put(lit[kEndOfBlock]);
    return static_cast<size_t>(w.finish() - out);
}

}  // namespace nicsim
