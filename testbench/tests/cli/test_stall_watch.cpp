// When nicsim counts a run as stalled (StallWatch): the numbers are the rule's own, 10 ms of quiet with the driver
// up, 10 s while it comes up, sampled every 20 us as nicsim does.
#include <catch2/catch.hpp>

#include "testbench/nicsim/stall_watch.h"

using nicsim::tb::StallWatch;

namespace {
constexpr uint64_t kStep = 20'000;

/// Samples until the watch reports a stall (or `limit_ns` passes); the quiet time it took.
uint64_t quiet_until_stall(StallWatch& w, uint64_t moved, bool up, uint64_t limit_ns) {
    for (uint64_t t = kStep; t <= limit_ns; t += kStep)
        if (w.sample(moved, up, kStep)) return t;
    return 0;
}
}  // namespace

TEST_CASE("a running driver stalls after 10 ms without traffic", "[cli][stall]") {
    StallWatch w(0);
    REQUIRE_FALSE(w.sample(1, true, kStep));  // came up, and moved
    CHECK(quiet_until_stall(w, 1, true, 20'000'000) == 10'000'000);
}

TEST_CASE("a bring-up may be quiet for up to 10 s", "[cli][stall]") {
    StallWatch w(0);
    CHECK(quiet_until_stall(w, 0, false, 9'000'000'000) == 0);
    CHECK(w.sample(0, false, 1'000'000'000));  // 10 s in all
}

TEST_CASE("the quiet of a bring-up does not count against the running driver", "[cli][stall]") {
    StallWatch w(0);
    CHECK(quiet_until_stall(w, 0, false, 250'000'000) == 0);  // 250 ms of resets, EEPROM and autonegotiation
    // Up, but the first received frame is still on its way: the sample that sees the driver up starts the count,
    // 10 ms more after it.
    CHECK(quiet_until_stall(w, 0, true, 20'000'000) == kStep + 10'000'000);
}

TEST_CASE("anything that moves restarts the count", "[cli][stall]") {
    StallWatch w(0);
    REQUIRE_FALSE(w.sample(0, true, kStep));
    for (int i = 0; i < 400; ++i) REQUIRE_FALSE(w.sample(0, true, kStep));  // 8 ms
    REQUIRE_FALSE(w.sample(1, true, kStep));
    CHECK(quiet_until_stall(w, 1, true, 20'000'000) == 10'000'000);
}
