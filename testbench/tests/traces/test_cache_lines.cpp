// What a trace writer's thread touches at every time step shares no 64-byte line with any other allocation
// (model/trace/cache_lines.h): its containers' storage and its objects start on a line and end on one, and the record
// the simulation captures into is a line of its own. How much a shared line costs is the bench's to measure (the
// simulation's thread's CPU time per clock of a traced run against an untraced one).
#include <catch2/catch.hpp>

#include <cstdint>
#include <new>

#include "model/pci/bus_trace.h"
#include "model/trace/cache_lines.h"
#include "model/trace/fast_vcd_file.h"
#include "model/trace/trace_queue.h"

using nicsim::CacheLineAllocator;
using nicsim::LineVector;

namespace {
bool on_line(const void* p) {
    return reinterpret_cast<uintptr_t>(p) % 64 == 0;
}
}  // namespace

TEST_CASE("The trace writer's containers take whole cache lines", "[traces]") {
    CHECK(CacheLineAllocator<char>::bytes(1) == 64);
    CHECK(CacheLineAllocator<char>::bytes(64) == 64);
    CHECK(CacheLineAllocator<char>::bytes(65) == 128);
    CHECK(CacheLineAllocator<uint32_t>::bytes(17) == 128);  // 68 bytes
    CHECK(CacheLineAllocator<uint64_t>::bytes(0) == 0);
    CHECK_THROWS_AS(CacheLineAllocator<uint64_t>::bytes(SIZE_MAX / 4), std::bad_array_new_length);

    for (size_t n : {1, 3, 16, 17, 1000}) {
        LineVector<uint32_t> v(n);
        CHECK(on_line(v.data()));
        LineVector<char> c(n);
        CHECK(on_line(c.data()));
    }
}

TEST_CASE("The trace writer's objects and the record being captured start on a cache line", "[traces]") {
    CHECK(alignof(nicsim::PolledTraceFile) == 64);
    CHECK(alignof(nicsim::FastVcdFile) == 64);
    CHECK(alignof(nicsim::DerivedTrace) == 64);
    CHECK(alignof(nicsim::pci::BusTraceSignals) == 64);
    CHECK(sizeof(nicsim::pci::BusTraceSignals) % 64 == 0);

    // 24-byte records: a block of 64 KiB holds 2730 of them; the record captured next stays where it was.
    nicsim::TraceQueue q(24, [](const unsigned char*, size_t) {});
    CHECK(on_line(q.next()));
    for (size_t i = 0; i < nicsim::TraceQueue::kBlockBytes / 24; ++i) q.push();
    CHECK(on_line(q.next()));
    q.stop();
}
