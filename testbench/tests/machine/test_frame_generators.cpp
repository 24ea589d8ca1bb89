// The seeded payload (splitmix64_bytes: AVX2 lanes where the CPU has them, else the portable vector code; both are
// checked) is the serial splitmix64 sequence. The seeded frame generators (TrafficHarness::make_frame for the
// harness, TrafficGen for nicsim) write their
// frames into reused storage: whatever the vector held before, of any size, the frame is the same bytes. The
// harness's frame is spelled out here byte by byte from its format (traffic_harness.h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "model/common/splitmix64.h"
#include "testbench/checkers/scoreboard.h"
#include "testbench/machine/seeded_bytes.h"
#include "testbench/machine/traffic.h"
#include "testbench/machine/traffic_harness.h"

using namespace nicsim;

namespace {

const uint8_t kDst[6] = {0x02, 0, 0, 0, 0, 0x01}, kSrc[6] = {0x02, 0, 0, 0, 0, 0x02};

/// The harness's frame one byte at a time: addresses, EtherType 0x88B5, the index little-endian, then the
/// splitmix64 numbers of the frame's own seed, each little-endian, the last one cut off at the frame's end.
std::vector<uint8_t> harness_frame_bytewise(uint64_t seed, uint8_t dir, uint64_t index, uint32_t size) {
    std::vector<uint8_t> f(kDst, kDst + 6);
    f.insert(f.end(), kSrc, kSrc + 6);
    f.push_back(0x88);
    f.push_back(0xB5);
    for (int b = 0; b < 8; ++b) f.push_back(static_cast<uint8_t>(index >> (8 * b)));
    uint64_t state = seed ^ (uint64_t{dir} << 56) ^ (index * 0xD1B54A32D192ED03ull);
    while (f.size() < size) {
        const uint64_t r = splitmix64(state);
        for (int b = 0; b < 8 && f.size() < size; ++b) f.push_back(static_cast<uint8_t>(r >> (8 * b)));
    }
    return f;
}

/// TrafficGen's frame one byte at a time from its generator `rng`, after the size was drawn: addresses, EtherType,
/// "nics", direction and sequence, length (big-endian words), then the generator's numbers little-endian.
std::vector<uint8_t> gen_frame_bytewise(tb::Rng& rng, const tb::Mac& dst, const tb::Mac& src, uint32_t seq,
                                        uint32_t len) {
    std::vector<uint8_t> f(dst.begin(), dst.end());
    f.insert(f.end(), src.begin(), src.end());
    f.push_back(0x88);
    f.push_back(0xB5);
    for (const uint32_t w : {0x6E696373u, (1u << 24) | seq, len})
        for (int b = 3; b >= 0; --b) f.push_back(static_cast<uint8_t>(w >> (8 * b)));
    while (f.size() < len) {
        const uint64_t r = rng.next();
        for (int b = 0; b < 8 && f.size() < len; ++b) f.push_back(static_cast<uint8_t>(r >> (8 * b)));
    }
    return f;
}

}  // namespace

TEST_CASE("the harness's frames are their format's bytes, also written over a reused vector of any size",
          "[machine][traffic]") {
    std::vector<uint8_t> reused(3000, 0xEE);
    const uint32_t sizes[] = {1514, 22, 23, 29, 30, 60, 61, 1514, 590, 1513, 64, 1600};
    uint64_t index = 0;
    for (const uint32_t size : sizes) {
        for (const uint8_t dir : {uint8_t{0}, uint8_t{1}}) {
            INFO("size " << size << ", direction " << int(dir) << ", index " << index);
            const auto expected = harness_frame_bytewise(7, dir, index, size);
            tb::TrafficHarness::make_frame_into(reused, 7, dir, index, size, kDst, kSrc);
            CHECK(reused == expected);
            CHECK(tb::TrafficHarness::make_frame(7, dir, index, size, kDst, kSrc) == expected);
            index += 0x0102030405ull;
        }
    }
    INFO("a size below the 22-byte header is raised to it");
    tb::TrafficHarness::make_frame_into(reused, 7, 0, 3, 5, kDst, kSrc);
    CHECK(reused == harness_frame_bytewise(7, 0, 3, 22));
}

TEST_CASE("TrafficGen's frames are their format's bytes, also written over reused storage", "[machine][traffic]") {
    const tb::Mac a{2, 0, 0, 0, 0, 1}, b{2, 0, 0, 0, 0, 2};
    tb::SizeDist sizes;
    sizes.kind = tb::SizeDist::Uniform;
    sizes.min = 26;
    sizes.max = 1514;
    tb::TrafficGen fresh(11, 1, sizes, a, b), reusing(11, 1, sizes, a, b);
    tb::Rng rng(11 * 0x100000001B3ull + 1);  // the generator's own seed for direction 1
    std::vector<uint8_t> reused(2000, 0xEE);
    for (uint32_t i = 0; i < 200; ++i) {
        INFO("frame " << i);
        const uint32_t len = static_cast<uint32_t>(rng.range(26, 1514));
        const auto expected = gen_frame_bytewise(rng, a, b, i, len);
        REQUIRE(fresh.next() == expected);
        reusing.next_into(reused);
        REQUIRE(reused == expected);
        uint8_t dir = 0;
        uint64_t id = 0;
        REQUIRE(tb::traffic_id(reused.data(), reused.size(), dir, id));
        REQUIRE(reusing.last_id() == id);  // the scoreboard takes it instead of reading the header
    }
    CHECK(reusing.made() == 200);
}

namespace {
// Bytes or states after them that differ from the serial sequence's, over every length and start up to 420 bytes.
size_t wrong_payloads(void (*bytes)(uint64_t&, uint8_t*, size_t)) {
    std::vector<uint8_t> out(420);
    size_t wrong = 0;
    for (size_t start = 0; start < 8; ++start) {
        for (size_t len = 0; start + len <= out.size(); ++len) {
            uint64_t state = 0x1234 + len, serial = state;
            std::fill(out.begin(), out.end(), 0xEE);
            bytes(state, out.data() + start, len);
            std::vector<uint8_t> expected(start, 0xEE);
            while (expected.size() < start + len) {
                const uint64_t r = splitmix64(serial);
                for (int b = 0; b < 8 && expected.size() < start + len; ++b)
                    expected.push_back(static_cast<uint8_t>(r >> (8 * b)));
            }
            expected.resize(out.size(), 0xEE);
            if (out != expected || state != serial) ++wrong;
        }
    }
    return wrong;
}
}  // namespace

TEST_CASE("splitmix64_bytes writes the serial splitmix64 numbers little-endian for every length and start",
          "[machine][traffic]") {
    INFO("bytes or the state after them differ from the serial sequence's");
    CHECK(wrong_payloads(tb::splitmix64_bytes) == 0);
    INFO("the portable vector code, which CPUs without AVX2 run");
    CHECK(wrong_payloads(tb::splitmix64_bytes_portable) == 0);
}
