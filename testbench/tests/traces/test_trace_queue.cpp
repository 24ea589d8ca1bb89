// TraceQueue (model/trace/trace_queue.h): records reach the writer thread whole and in order, a writer that falls a
// whole ring behind holds the simulation back instead of letting the queue grow, and stop() returns only when
// everything is written.
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

TEST_CASE("TraceQueue hands every record over whole and in order, and stop() waits for the writer", "[traces]") {
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
        // Three rings' worth, and a partial block at the end.
        const uint64_t total = 3 * TraceQueue::kBlocks * (TraceQueue::kBlockBytes / kRecordBytes) + 1003;
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

TEST_CASE("TraceQueue makes the simulation wait for a writer that is a whole ring behind", "[traces]") {
    // The writer holds the first block until the gate opens; the producer, on a thread of its own here, fills the
    // ring (TraceQueue::kBlocks blocks of 2730 records of 24 bytes each), and the push of the record that fills it
    // waits.
    const uint64_t per_block = TraceQueue::kBlockBytes / kRecordBytes;
    const uint64_t ring = TraceQueue::kBlocks * per_block;
    const uint64_t total = 3 * ring;
    std::atomic<bool> gate{false};
    std::atomic<uint64_t> pushed{0}, consumed{0};
    {
        TraceQueue q(kRecordBytes, [&](const unsigned char*, size_t count) {
            while (!gate.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            consumed.fetch_add(count);
        });
        std::thread producer([&] {
            for (uint64_t n = 0; n < total; ++n) {
                std::memset(q.next(), 0, kRecordBytes);
                q.push();
                pushed.store(n + 1);
            }
            q.stop();
        });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (pushed.load() < ring - 1 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // time to run on, were it not held back
        CHECK(pushed.load() == ring - 1);
        CHECK(consumed.load() == 0);
        gate.store(true);
        producer.join();
    }
    CHECK(pushed.load() == total);
    CHECK(consumed.load() == total);
}
