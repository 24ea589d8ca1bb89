// The scoreboard's ring of pending frames against an ordered map doing the same: mostly increasing sequences with
// gaps, some out of order and repeated, values taken out from the front, the middle and the back.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>

#include "testbench/checkers/seq_ring.h"

using nicsim::tb::SeqRing;

namespace {

void check_same(const SeqRing<uint64_t>& ring, const std::map<uint64_t, uint64_t>& model) {
    REQUIRE(ring.size() == model.size());
    if (model.empty()) return;
    REQUIRE(ring.front_seq() == model.begin()->first);
    REQUIRE(ring.front() == model.begin()->second);
    REQUIRE(ring.back_seq() == model.rbegin()->first);
}

}  // namespace

TEST_CASE("seq ring: holds, finds and drops what an ordered map does", "[checkers][scoreboard]") {
    std::mt19937_64 rng(7);
    SeqRing<uint64_t> ring;
    std::map<uint64_t, uint64_t> model;
    uint64_t next = 100;
    for (int step = 0; step < 20000; ++step) {
        const unsigned what = rng() % 10;
        if (what < 4) {  // the next sequence, sometimes after a gap
            next += rng() % 4 == 0 ? 1 + rng() % 5 : 1;
            ring.insert(next, uint64_t{next * 3});
            model[next] = next * 3;
        } else if (what == 4) {  // an earlier sequence: new or a replacement
            const uint64_t seq = next - rng() % 40;
            ring.insert(seq, seq + 11);
            model[seq] = seq + 11;
        } else {  // a lookup, taking out what is found (the front most often)
            const uint64_t seq = what < 7 && !model.empty() ? model.begin()->first : next - rng() % 60;
            const size_t i = ring.find(seq);
            const auto it = model.find(seq);
            REQUIRE((i != SeqRing<uint64_t>::kNone) == (it != model.end()));
            if (it != model.end()) {
                REQUIRE(ring.at(i) == it->second);
                ring.erase(i);
                model.erase(it);
            }
        }
        check_same(ring, model);
    }
    REQUIRE(ring.find(next + 1) == SeqRing<uint64_t>::kNone);
    REQUIRE(ring.find(0) == SeqRing<uint64_t>::kNone);
}

TEST_CASE("seq ring: a value below the first goes to the front", "[checkers][scoreboard]") {
    SeqRing<uint64_t> ring;
    for (uint64_t s = 10; s < 40; ++s) ring.insert(s, uint64_t{s});
    ring.insert(3, 33);
    REQUIRE(ring.front_seq() == 3);
    REQUIRE(ring.front() == 33);
    REQUIRE(ring.size() == 31);
    ring.erase(ring.find(3));
    REQUIRE(ring.front_seq() == 10);
    REQUIRE(ring.at(ring.find(25)) == 25);
}
