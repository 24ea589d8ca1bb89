// The deflate encoder of the FST's value changes (model/trace/deflate_encoder.h): whatever it is given, zlib's own
// inflate gets the same bytes back, and the chains it is made for (one character per bit, Z/X in them) pack well.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include "model/trace/deflate_encoder.h"

using nicsim::deflate_value_changes;

namespace {
using Bytes = std::vector<unsigned char>;

struct Random {
    uint64_t s;
    uint32_t next() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<uint32_t>(s >> 33);
    }
};

/// Packs `in` (room: the input's size and a little), unpacks it with zlib as a raw deflate stream; the packed size.
size_t round_trip(const Bytes& in, Bytes& back) {
    Bytes packed(in.size() + in.size() / 8 + 1024);
    const size_t n = deflate_value_changes(in.data(), in.size(), packed.data(), packed.size());
    REQUIRE(n > 0);
    z_stream z{};
    REQUIRE(inflateInit2(&z, -15) == Z_OK);
    back.assign(in.size() + 16, 0);
    z.next_in = packed.data();
    z.avail_in = static_cast<uInt>(n);
    z.next_out = back.data();
    z.avail_out = static_cast<uInt>(back.size());
    const int rc = inflate(&z, Z_FINISH);
    back.resize(z.total_out);
    inflateEnd(&z);
    CHECK(rc == Z_STREAM_END);
    CHECK(z.avail_in == 0);  // the stream ends where the encoder said
    return n;
}

/// A value-change chain as GTKWave's writer packs it: per change a time delta (varint), then `width` characters,
/// the upper `z_bits` of them z (a 32-bit agent on a 64-bit bus), now and then an x.
Bytes chain(size_t changes, int width, int z_bits, Random& r) {
    Bytes out;
    for (size_t i = 0; i < changes; ++i) {
        uint32_t delta = (r.next() % 8 == 0 ? 300 + r.next() % 5000 : 2) << 1 | 1;
        for (; delta >= 0x80; delta >>= 7) out.push_back(static_cast<unsigned char>(delta | 0x80));
        out.push_back(static_cast<unsigned char>(delta));
        const uint64_t value = (uint64_t(r.next()) << 32 | r.next()) & (i % 16 < 4 ? 0xFFFFFF00ull : ~0ull);
        for (int b = width - 1; b >= 0; --b) {
            char c = (value >> (b % 64)) & 1u ? '1' : '0';
            if (b >= width - z_bits) c = 'z';
            if (r.next() % 997 == 0) c = 'x';
            out.push_back(static_cast<unsigned char>(c));
        }
    }
    return out;
}
}  // namespace

TEST_CASE("deflate_value_changes packs bit-character chains to a fraction, and zlib unpacks them exactly",
          "[traces][fst]") {
    Random r{GENERATE(1u, 2u)};
    const int width = GENERATE(64, 37, 128);
    const Bytes in = chain(8000, width, width / 2, r);
    Bytes back;
    const size_t packed = round_trip(in, back);
    CHECK(back == in);
    // Half the characters are z, the rest random bits: a bit per random character would be 0.07 bytes per character,
    // the FST's chains of the bus's AD pack to 0.12.
    CHECK(packed < in.size() / 5);
}

TEST_CASE("deflate_value_changes writes a stream zlib unpacks for any bytes", "[traces][fst]") {
    Random r{42};
    Bytes in;
    SECTION("random bytes") {
        for (int i = 0; i < 70000; ++i) in.push_back(static_cast<unsigned char>(r.next()));
    }
    SECTION("long runs, matches longer than 258 bytes") {
        for (int i = 0; i < 5000; ++i) in.push_back('z');
        for (int i = 0; i < 3000; ++i) in.push_back(i % 2 ? '0' : '1');
        for (int i = 0; i < 5000; ++i) in.push_back('0');
    }
    SECTION("a block repeated beyond the 32 KiB window and within it") {
        Bytes block;
        for (int i = 0; i < 40000; ++i)
            block.push_back(static_cast<unsigned char>(r.next() % 3 ? '0' + (r.next() & 1) : r.next()));
        in = block;
        in.insert(in.end(), block.begin(), block.end());
        in.insert(in.end(), block.begin(), block.begin() + 1000);
        in.insert(in.end(), block.begin(), block.begin() + 1000);
    }
    SECTION("groups of eight bit characters with codes longer than 32 bits together") {
        for (int i = 0; i < 20000; ++i) {
            in.push_back(static_cast<unsigned char>(64 + r.next() % 64));
            if (i % 40 == 0)
                for (int k = 0; k < 8; ++k) in.push_back(r.next() & 1u ? '1' : '0');
        }
    }
    SECTION("short inputs") {
        const size_t n = GENERATE(0u, 1u, 7u, 8u, 9u, 17u, 100u);
        for (size_t i = 0; i < n; ++i) in.push_back(static_cast<unsigned char>(i % 4 ? '1' : 'z'));
    }
    Bytes back;
    round_trip(in, back);
    CHECK(back == in);
}

TEST_CASE("deflate_value_changes writes nothing into too little room", "[traces][fst]") {
    Random r{7};
    Bytes in;
    for (int i = 0; i < 5000; ++i) in.push_back(static_cast<unsigned char>(r.next()));
    Bytes out(in.size() / 2);
    CHECK(deflate_value_changes(in.data(), in.size(), out.data(), out.size()) == 0);
}
