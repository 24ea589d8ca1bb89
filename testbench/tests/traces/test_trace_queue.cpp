// TraceQueue (model/trace/trace_queue.h): records reach the writer thread whole and in order, a slow writer holds
// the simulation back instead of letting the queue grow, and stop() returns only when everything is written.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

#include "model/trace/trace_queue.h"

using nicsim::TraceQueue;

namespace {
constexpr size_t kRecordBytes = 24;  // a sequence number and two words derived from it

uint64_t mix(uint64_t n) {
    return n * 0x9E3779B97F4A7C15ull ^ (n >> 7);
}
}  // namespace

TEST_CASE("TraceQueue hands every record over whole and in order, and stop() waits for the writer",
          "[traces][queue]") {
    std::atomic<uint64_t> consumed{0};
    uint64_t bad = 0;
    {
        TraceQueue q(kRecordBytes, [&](const unsigned char* records, size_t count) {
            for (size_t i = 0; i < count; ++i) {
                uint64_t r[3];
                std::memcpy(r, records + i * kRecordBytes, sizeof r);
                const uint64_t n = consumed.load(std::memory_order_relaxed);
                if (r[0] != n || r[1] != mix(n) || r[2] != ~n) ++bad;
                consumed.store(n + 1, std::memory_order_relaxed);
            }
        });
        const uint64_t total = 200'003;  // many rings' worth, and a partial block at the end
        for (uint64_t n = 0; n < total; ++n) {
            const uint64_t r[3] = {n, mix(n), ~n};
            std::memcpy(q.next(), r, sizeof r);
            q.push();
        }
        q.stop();
        CHECK(consumed.load() == total);
    }
    CHECK(bad == 0);
}

TEST_CASE("TraceQueue makes the simulation wait for a slow writer: the records in flight stay bounded",
          "[traces][queue]") {
    std::atomic<uint64_t> consumed{0};
    uint64_t most_in_flight = 0;
    const uint64_t total = 100'000;  // 36 blocks
    {
        TraceQueue q(kRecordBytes, [&](const unsigned char*, size_t count) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));  // a writer slower than its producer
            consumed.fetch_add(count);
        });
        for (uint64_t n = 0; n < total; ++n) {
            std::memset(q.next(), 0, kRecordBytes);
            q.push();
            const uint64_t in_flight = n + 1 - consumed.load();
            most_in_flight = std::max(most_in_flight, in_flight);
        }
    }  // the destructor stops the writer
    CHECK(consumed.load() == total);
    // 16 blocks of 64 KiB (2730 records of 24 bytes each): at most the whole ring plus the block being filled.
    const uint64_t per_block = (64u << 10) / kRecordBytes;
    INFO("most records in flight: " << most_in_flight);
    CHECK(most_in_flight <= 17 * per_block);
    CHECK(most_in_flight >= 15 * per_block);  // the producer did run ahead until the ring was full
}
