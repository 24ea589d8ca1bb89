// Host memory: sparse pages, TLM access across pages with byte enables, DMI, and map_pages aliasing.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>

#include "model/host/host_memory.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/host/host_test_util.h"

using namespace nicsim::host;
using nicsim::test::TlmProbe;
using namespace sc_core;

namespace {
struct AlignedBuffer {  // page-aligned caller memory, as the NDIS layer hands to map_pages
    uint8_t* p;
    explicit AlignedBuffer(size_t len) : p(static_cast<uint8_t*>(std::aligned_alloc(4096, len))) {
        std::memset(p, 0, len);
    }
    ~AlignedBuffer() { std::free(p); }
};
}  // namespace

TEST_CASE("host memory is sparse: a page far above 4 GiB costs one page and untouched memory reads zero",
          "[host][memory]") {
    HostMemory mem("mem");
    const uint64_t far = 0x00FF'FFFF'0000'1234ull;
    const uint32_t v = 0xA5A55A5A;
    mem.write(far, &v, 4);
    INFO("one write allocates exactly one page, wherever it is");
    CHECK(mem.pages_allocated() == 1);
    uint32_t back = 0;
    mem.read(far, &back, 4);
    CHECK(back == v);
    uint8_t zeros[64];
    std::memset(zeros, 0xEE, sizeof zeros);
    mem.read(0x1234'5678'9000ull, zeros, sizeof zeros);
    INFO("untouched memory reads as zeros and reading it allocates nothing");
    for (uint8_t b : zeros) CHECK(b == 0);
    CHECK(mem.pages_allocated() == 1);
    CHECK(mem.stats().cpu_bytes_written == 4);
    CHECK(mem.stats().cpu_bytes_read == 4 + sizeof zeros);
}

TEST_CASE("host memory b_transport spans pages and honours byte enables", "[host][memory][tlm]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    probe.body = [&](TlmProbe& p) {
        uint8_t data[40];
        for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(i + 1);
        const uint64_t a = 0x2'0000'0FF0ull;  // crosses a page boundary after 16 bytes
        INFO("a write across a page boundary lands byte for byte in both pages");
        CHECK(p.write(a, data, sizeof data) == tlm::TLM_OK_RESPONSE);
        uint8_t back[40] = {};
        CHECK(p.read(a, back, sizeof back) == tlm::TLM_OK_RESPONSE);
        CHECK(std::memcmp(back, data, sizeof data) == 0);
        CHECK(mem.pages_allocated() == 2);

        INFO("byte enables repeat over the data: only enabled bytes are written");
        const uint8_t be[4] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED};
        uint8_t ff[8];
        std::memset(ff, 0xFF, sizeof ff);
        CHECK(p.write(a + 12, ff, 8, be, 4) == tlm::TLM_OK_RESPONSE);
        uint8_t chk[8];
        mem.read(a + 12, chk, 8);
        const uint8_t expect[8] = {0xFF, data[13], data[14], 0xFF, 0xFF, data[17], data[18], 0xFF};
        CHECK(std::memcmp(chk, expect, 8) == 0);

        INFO("an access wrapping the top of the address space is an address error");
        CHECK(p.read(~0ull - 2, back, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(mem.stats().bytes_written == 40 + 4);
    CHECK(mem.stats().bytes_read == 40);
    CHECK(mem.stats().errors == 1);
}

TEST_CASE("host memory grants page-sized DMI and invalidates it on map and unmap", "[host][memory][dmi]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    AlignedBuffer buf(2 * 4096);
    probe.body = [&](TlmProbe& p) {
        tlm::tlm_dmi dmi;
        REQUIRE(p.dmi(0x5000'0123ull, dmi));
        INFO("the region is exactly the page holding the address, read and write");
        CHECK(dmi.get_start_address() == 0x5000'0000ull);
        CHECK(dmi.get_end_address() == 0x5000'0FFFull);
        CHECK(dmi.is_read_write_allowed());
        dmi.get_dmi_ptr()[0x123] = 0x77;
        uint8_t b = 0;
        mem.read(0x5000'0123ull, &b, 1);
        CHECK(b == 0x77);
        INFO("mapping caller pages over it invalidates DMI for exactly that range");
        mem.map_pages(0x5000'0000ull, buf.p, 2 * 4096);
        REQUIRE(p.invalidations.size() == 1);
        CHECK(p.invalidations[0].first == 0x5000'0000ull);
        CHECK(p.invalidations[0].second == 0x5000'1FFFull);
        mem.unmap_pages(0x5000'0000ull, 2 * 4096);
        CHECK(p.invalidations.size() == 2);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(mem.stats().dmi_grants == 1);
}

TEST_CASE("map_pages aliases caller memory for device DMA and unmap_pages drops it", "[host][memory]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    AlignedBuffer buf(3 * 4096);
    const uint64_t phys = 0x1'2345'6000ull;
    mem.write(phys + 4096, "old", 3);  // a page that existed before is replaced by the caller's
    mem.map_pages(phys, buf.p, 3 * 4096);
    CHECK(mem.is_mapped(phys + 8191));
    CHECK(mem.pages_allocated() == 0);
    probe.body = [&](TlmProbe& p) {
        const char msg[] = "device DMA lands in the driver's buffer";
        CHECK(p.write(phys + 4090, msg, sizeof msg) == tlm::TLM_OK_RESPONSE);  // spans two mapped pages
        INFO("device writes are visible through the caller's pointer");
        CHECK(std::memcmp(buf.p + 4090, msg, sizeof msg) == 0);
        std::memcpy(buf.p + 3 * 4096 - 4, "abcd", 4);
        char back[4] = {};
        CHECK(p.read(phys + 3 * 4096 - 4, back, 4) == tlm::TLM_OK_RESPONSE);
        INFO("caller writes are visible to device reads");
        CHECK(std::memcmp(back, "abcd", 4) == 0);
        mem.unmap_pages(phys, 3 * 4096);
        std::memset(back, 0x55, 4);
        CHECK(p.read(phys + 3 * 4096 - 4, back, 4) == tlm::TLM_OK_RESPONSE);
        INFO("after unmap the pages read as fresh zeros and the caller's buffer is untouched");
        CHECK(std::memcmp(back, "\0\0\0\0", 4) == 0);
        CHECK(std::memcmp(buf.p + 3 * 4096 - 4, "abcd", 4) == 0);
        CHECK_FALSE(mem.is_mapped(phys));
    };
    sc_start();
    CHECK(probe.finished);
}

TEST_CASE("pages unmapped and mapped again elsewhere alias only the memory mapped last", "[host][memory]") {
    HostMemory mem("mem");
    AlignedBuffer first(2 * 4096), second(2 * 4096);
    std::memset(first.p, 0x11, 2 * 4096);
    std::memset(second.p, 0x22, 2 * 4096);
    const uint64_t a = 0x40'0000, b = 0x10'0000;  // b below a: the map's order changes with the reuse
    mem.write(a + 2 * 4096, "own", 3);            // a page of the memory's own next to the mapping
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        mem.map_pages(a, first.p, 2 * 4096);
        mem.unmap_pages(a, 2 * 4096);
        mem.map_pages(b, second.p, 2 * 4096);
        uint8_t v[3] = {};
        mem.read(b + 4096 + 7, v, 1);
        CHECK(v[0] == 0x22);
        mem.read(a + 4096 + 7, v, 1);
        CHECK(v[0] == 0);
        CHECK_FALSE(mem.is_mapped(a));
        CHECK(mem.is_mapped(b + 4096));
        mem.read(a + 2 * 4096, v, 3);
        CHECK(std::memcmp(v, "own", 3) == 0);
        mem.unmap_pages(b, 2 * 4096);
        mem.read(b, v, 1);
        CHECK(v[0] == 0);
    }
    INFO("an unmapped page written later is the memory's own again, zeroed");
    mem.write(a + 5, "x", 1);
    uint8_t w[6] = {1, 1, 1, 1, 1, 1};
    mem.read(a, w, 6);
    CHECK(std::memcmp(w, "\0\0\0\0\0x", 6) == 0);
    CHECK(mem.pages_allocated() == 2);
    CHECK(first.p[5] == 0x11);
}

TEST_CASE("misaligned map_pages is refused with a named warning and maps nothing", "[host][memory]") {
    nicsim::test::expect_reports("nicsim/host/memory-map", 3);
    HostMemory mem("mem");
    AlignedBuffer buf(2 * 4096);
    mem.map_pages(0x1000'0800ull, buf.p, 4096);      // physical address not page-aligned
    mem.map_pages(0x1000'0000ull, buf.p + 8, 4096);  // host pointer not page-aligned
    mem.map_pages(0x1000'0000ull, buf.p, 100);       // length not whole pages
    INFO("three bad calls, three warnings, nothing mapped");
    CHECK(nicsim::test::reports_seen("nicsim/host/memory-map") == 3);
    CHECK_FALSE(mem.is_mapped(0x1000'0000ull));
}

TEST_CASE("transport_dbg reads without allocating and leaves the statistics alone", "[host][memory][tlm]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    mem.write(0x8000, "dbg!", 4);
    unsigned got = 0, got_empty = 0;
    char out[4] = {};
    probe.body = [&](TlmProbe& p) {
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(0x8000);
        gp.set_data_ptr(reinterpret_cast<uint8_t*>(out));
        gp.set_data_length(4);
        got = p.socket->transport_dbg(gp);
        char none[16];
        gp.set_address(0x9'0000'0000ull);
        gp.set_data_ptr(reinterpret_cast<uint8_t*>(none));
        gp.set_data_length(16);
        got_empty = p.socket->transport_dbg(gp);
    };
    sc_start();
    CHECK(got == 4);
    CHECK(got_empty == 16);
    CHECK(std::memcmp(out, "dbg!", 4) == 0);
    INFO("debug reads of untouched memory allocate nothing and are not counted");
    CHECK(mem.pages_allocated() == 1);
    CHECK(mem.stats().bytes_read == 0);
    CHECK(mem.stats().transactions == 0);
}

TEST_CASE("host memory's page lookup: pages sharing a lookup slot, and pages mapped and unmapped, read what they hold",
          "[host][memory]") {
    HostMemory mem("mem");
    const uint64_t base = 0x7000'0000ull;
    const uint64_t stride = 4096 * 4096;  // page numbers 4096 apart share a slot of a power-of-two cache up to 4096
    for (uint32_t k = 0; k < 8; ++k) mem.write(base + k * stride, &k, 4);
    INFO("pages that evict each other from the lookup each read their own word, twice round");
    for (int round = 0; round < 2; ++round)
        for (uint32_t k = 0; k < 8; ++k) {
            uint32_t back = ~0u;
            mem.read(base + k * stride, &back, 4);
            CHECK(back == k);
        }
    AlignedBuffer buf(4096);
    std::memset(buf.p, 0xC3, 4096);
    uint32_t word = 0;
    mem.read(base + 8 * stride, &word, 4);  // untouched: zeros, nothing remembered
    mem.map_pages(base + 8 * stride, buf.p, 4096);
    mem.read(base + 8 * stride, &word, 4);
    INFO("a page mapped after reading as untouched reads the caller's bytes");
    CHECK(word == 0xC3C3C3C3u);
    mem.map_pages(base, buf.p, 4096);
    mem.read(base, &word, 4);
    INFO("a page mapped over an owned page that the lookup held reads the caller's bytes");
    CHECK(word == 0xC3C3C3C3u);
    mem.unmap_pages(base, 4096);
    mem.unmap_pages(base + 8 * stride, 4096);
    INFO("unmapped pages read zeros again, and a write after unmapping lands in a fresh page");
    mem.read(base, &word, 4);
    CHECK(word == 0);
    mem.read(base + 8 * stride, &word, 4);
    CHECK(word == 0);
    const uint32_t v = 0x1234'5678;
    mem.write(base, &v, 4);
    mem.read(base, &word, 4);
    CHECK(word == v);
    CHECK(buf.p[0] == 0xC3);
}

TEST_CASE("pages unmapped one by one or by a range wider than all pages read as untouched again", "[host][memory]") {
    HostMemory mem("mem");
    AlignedBuffer buf(4096);
    std::memset(buf.p, 0x5A, 4096);
    const uint64_t base = 0x2'0000'0000ull;
    // Many pages, each made and dropped on its own.
    for (uint64_t k = 0; k < 1000; ++k) {
        mem.map_pages(base + k * 4096 * 37, buf.p, 4096);
        uint8_t v = 0;
        mem.read(base + k * 4096 * 37 + 9, &v, 1);
        REQUIRE(v == 0x5A);
        mem.unmap_pages(base + k * 4096 * 37, 4096);
        REQUIRE_FALSE(mem.is_mapped(base + k * 4096 * 37));
    }
    INFO("a range of a terabyte holding three mapped pages and an owned one: those go, the page outside stays");
    mem.write(base - 4096, "own", 3);
    mem.write(base + 5 * 4096, "gone", 4);
    for (const uint64_t k : {0ull, 77ull, 4000ull}) mem.map_pages(base + k * 4096, buf.p, 4096);
    CHECK(mem.pages_allocated() == 2);
    mem.unmap_pages(base, 1ull << 40);
    CHECK(mem.pages_allocated() == 1);
    for (const uint64_t k : {0ull, 5ull, 77ull, 4000ull}) {
        INFO("page " << k);
        uint8_t v = 0xFF;
        mem.read(base + k * 4096 + 1, &v, 1);
        CHECK(v == 0);
        CHECK_FALSE(mem.is_mapped(base + k * 4096));
    }
    uint8_t own[3] = {};
    mem.read(base - 4096, own, 3);
    CHECK(std::memcmp(own, "own", 3) == 0);
    CHECK(buf.p[1] == 0x5A);
    mem.write(base + 77 * 4096 + 1, "w", 1);
    CHECK(mem.pages_allocated() == 2);
    CHECK(buf.p[1] == 0x5A);
}

// The page table moves entries when others go and when it grows: every page must still read what it holds.
TEST_CASE("pages written, mapped and unmapped at random, past the table's growth, read what a plain map says",
          "[host][memory]") {
    HostMemory mem("mem");
    AlignedBuffer buf(4096 * 4);
    for (unsigned i = 0; i < 4; ++i) std::memset(buf.p + 4096 * i, 0x40 + i, 4096);
    struct Expect {
        uint8_t byte = 0;
        bool mapped = false;
    };
    std::map<uint64_t, Expect> expect;  // by page number; absent: untouched
    std::mt19937_64 rng(12345);
    const uint64_t base_pn = 0x123'4567;
    for (int step = 0; step < 40000; ++step) {
        // A pool of 3000 pages, more than half the table's first size, clustered so that runs collide.
        const uint64_t pn = base_pn + rng() % 3000 * (step % 3 == 0 ? 1 : 2048);
        const uint64_t phys = pn * 4096;
        switch (rng() % 4) {
            case 0: {  // a CPU write into a page of its own (not into the shared caller buffers)
                const auto it = expect.find(pn);
                if (it != expect.end() && it->second.mapped) break;
                const uint8_t v = static_cast<uint8_t>(rng() | 1);
                mem.write(phys + 7, &v, 1);
                expect[pn] = Expect{v, false};
                break;
            }
            case 1: {
                const unsigned which = static_cast<unsigned>(rng() % 4);
                mem.map_pages(phys, buf.p + 4096 * which, 4096);
                expect[pn] = Expect{static_cast<uint8_t>(0x40 + which), true};
                break;
            }
            case 2:
                mem.unmap_pages(phys, 4096);
                expect.erase(pn);
                break;
            default: {
                uint8_t v = 0xEE;
                mem.read(phys + 7, &v, 1);
                const auto it = expect.find(pn);
                INFO("step " << step << " page " << pn);
                REQUIRE(v == (it == expect.end() ? 0 : it->second.byte));
                REQUIRE(mem.is_mapped(phys) == (it != expect.end() && it->second.mapped));
            }
        }
    }
    size_t owned = 0;
    for (const auto& [pn, e] : expect) {
        owned += e.mapped ? 0 : 1;
        uint8_t v = 0xEE;
        mem.read(pn * 4096 + 7, &v, 1);
        INFO("page " << pn);
        CHECK(v == e.byte);
    }
    CHECK(mem.pages_allocated() == owned);
}

TEST_CASE("an access inside one page and the same bytes across a page boundary move and count alike",
          "[host][memory][tlm]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    uint8_t in_page[48] = {}, across[48] = {}, untouched[48];
    std::memset(untouched, 0xEE, sizeof untouched);
    probe.body = [&](TlmProbe& p) {
        uint8_t data[48];
        for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(3 * i + 1);
        CHECK(p.write(0x5000 + 0x100, data, sizeof data) == tlm::TLM_OK_RESPONSE);  // one page
        CHECK(p.write(0x7000 - 16, data, sizeof data) == tlm::TLM_OK_RESPONSE);     // two pages
        CHECK(p.read(0x5000 + 0x100, in_page, sizeof in_page) == tlm::TLM_OK_RESPONSE);
        CHECK(p.read(0x7000 - 16, across, sizeof across) == tlm::TLM_OK_RESPONSE);
        CHECK(p.read(0x9000 + 0x40, untouched, sizeof untouched) == tlm::TLM_OK_RESPONSE);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(std::memcmp(in_page, across, sizeof in_page) == 0);
    CHECK(in_page[47] == static_cast<uint8_t>(3 * 47 + 1));
    uint8_t cpu[48];
    mem.read(0x5000 + 0x100, cpu, sizeof cpu);
    CHECK(std::memcmp(cpu, in_page, sizeof cpu) == 0);
    INFO("untouched memory reads as zeros inside one page too, and allocates nothing");
    for (uint8_t b : untouched) CHECK(b == 0);
    CHECK(mem.pages_allocated() == 3);
    CHECK(mem.stats().bytes_written == 2 * 48);
    CHECK(mem.stats().bytes_read == 3 * 48);
    CHECK(mem.stats().transactions == 5);
}

TEST_CASE("host memory's socket answers a non-blocking request at once through b_transport", "[host][memory][tlm]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    tlm::tlm_sync_enum sync = tlm::TLM_ACCEPTED;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    probe.body = [&](TlmProbe& p) {
        uint32_t v = 0x600DF00D;
        tlm::tlm_generic_payload gp;
        TlmProbe::plain(gp, tlm::TLM_WRITE_COMMAND, 0x3000, &v, 4);
        sc_time t = SC_ZERO_TIME;
        sync = p.socket->nb_transport_fw(gp, phase, t);
        status = gp.get_response_status();
    };
    sc_start();
    CHECK(sync == tlm::TLM_COMPLETED);
    CHECK(phase == tlm::BEGIN_RESP);
    CHECK(status == tlm::TLM_OK_RESPONSE);
    uint32_t back = 0;
    mem.read(0x3000, &back, 4);
    CHECK(back == 0x600DF00D);
}

TEST_CASE("a plain access through host memory's DirectAccess moves and counts as b_transport does",
          "[host][memory][tlm]") {
    HostMemory mem("mem");
    TlmProbe probe("probe");
    probe.socket.bind(mem.socket);
    uint8_t in_page[48] = {}, across[48] = {}, untouched[48], wrapped[8];
    std::memset(untouched, 0xEE, sizeof untouched);
    std::memset(wrapped, 0xEE, sizeof wrapped);
    tlm::tlm_response_status wrap_status = tlm::TLM_OK_RESPONSE;
    probe.body = [&](TlmProbe& p) {
        nicsim::DirectAccess* da = nicsim::direct_access_of(p.socket);
        REQUIRE(da != nullptr);
        uint8_t data[48];
        for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(5 * i + 2);
        CHECK(da->direct_access(true, 0x5000 + 0x100, data, sizeof data, 3) == tlm::TLM_OK_RESPONSE);
        CHECK(da->direct_access(true, 0x7000 - 16, data, sizeof data, 3) == tlm::TLM_OK_RESPONSE);
        CHECK(da->direct_access(false, 0x5000 + 0x100, in_page, sizeof in_page, 3) == tlm::TLM_OK_RESPONSE);
        CHECK(p.read(0x7000 - 16, across, sizeof across) == tlm::TLM_OK_RESPONSE);  // as b_transport sees them
        CHECK(da->direct_access(false, 0x9000 + 0xFF0, untouched, sizeof untouched, 3) == tlm::TLM_OK_RESPONSE);
        wrap_status = da->direct_access(false, ~0ull - 3, wrapped, sizeof wrapped, 3);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(in_page[47] == static_cast<uint8_t>(5 * 47 + 2));
    CHECK(std::memcmp(in_page, across, sizeof in_page) == 0);
    INFO("untouched pages read as zeros across a page boundary too, allocating nothing");
    for (uint8_t b : untouched) CHECK(b == 0);
    CHECK(mem.pages_allocated() == 3);
    INFO("an access wrapping the address space is refused and moves nothing");
    CHECK(wrap_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    for (uint8_t b : wrapped) CHECK(b == 0xEE);
    CHECK(mem.stats().errors == 1);
    CHECK(mem.stats().bytes_written == 2 * 48);
    CHECK(mem.stats().bytes_read == 3 * 48);
    CHECK(mem.stats().transactions == 6);
}
