// The DMA verifier between the bridge and host memory: pass-through when disabled, windows enforced when enabled.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "model/host/dma_verifier.h"
#include "model/host/host_memory.h"
#include "model/host/pci_tlm.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/host/host_test_util.h"

using namespace nicsim::host;
using nicsim::test::PayloadTarget;
using nicsim::test::TlmProbe;
using namespace sc_core;

namespace {
struct Rig {
    HostMemory mem{"mem"};
    DmaVerifier verifier{"verifier"};
    TlmProbe probe{"probe"};
    Rig() {
        probe.socket.bind(verifier.target);
        verifier.initiator.bind(mem.socket);
    }
};
}  // namespace

TEST_CASE("a disabled verifier passes every access and DMI through", "[host][verifier]") {
    Rig r;
    bool dmi_ok = false;
    r.probe.body = [&](TlmProbe& p) {
        CHECK(p.write(0x4000, "abcd", 4) == tlm::TLM_OK_RESPONSE);
        tlm::tlm_dmi dmi;
        dmi_ok = p.dmi(0x4000, dmi);
    };
    sc_start();
    INFO("no window was allowed, but checking is off");
    CHECK(r.probe.finished);
    CHECK(dmi_ok);
    CHECK(r.verifier.violations() == 0);
    char b[4];
    r.mem.read(0x4000, b, 4);
    CHECK(std::memcmp(b, "abcd", 4) == 0);
}

TEST_CASE("the verifier lets device accesses inside allowed windows through", "[host][verifier]") {
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x10000, 0x100, true, "rx buffer");
    r.verifier.allow(0x20000, 0x40, false, "tx descriptors");
    r.verifier.allow(0x10100, 0x100, true, "rx buffer 2");  // adjacent: a burst may run across both
    bool dmi_ok = true;
    r.probe.body = [&](TlmProbe& p) {
        uint8_t data[0x200];
        for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(i * 7);
        CHECK(p.write(0x10000, data, sizeof data) == tlm::TLM_OK_RESPONSE);
        uint8_t d[0x40];
        CHECK(p.read(0x20000, d, sizeof d) == tlm::TLM_OK_RESPONSE);
        INFO("a read of the dword holding the last byte of an odd-length window is allowed (PCI reads dwords)");
        r.verifier.allow(0x30000, 13, false, "odd tx buffer");
        CHECK(p.read(0x3000C, d, 4) == tlm::TLM_OK_RESPONSE);
        tlm::tlm_dmi dmi;
        dmi_ok = p.dmi(0x10000, dmi);
    };
    sc_start();
    CHECK(r.probe.finished);
    INFO("while checking, DMI is refused so that every access is seen");
    CHECK_FALSE(dmi_ok);
    CHECK(r.verifier.violations() == 0);
    CHECK(r.verifier.stats().checked == 3);
    uint8_t b = 0;
    r.mem.read(0x101FF, &b, 1);
    CHECK(b == static_cast<uint8_t>(0x1FF * 7));
}

TEST_CASE("the verifier refuses accesses outside every window and writes into read-only ones", "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 4);
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x10000, 0x100, true, "rx buffer");
    r.verifier.allow(0x20000, 0x40, false, "tx descriptors");
    const uint32_t canary = 0xC0FFEE00;
    r.mem.write(0x20010, &canary, 4);
    r.mem.write(0x50000, &canary, 4);
    tlm::tlm_response_status outside_read{}, outside_write{}, ro_write{}, straddle{};
    uint32_t read_back = 0xFFFFFFFF;
    r.probe.body = [&](TlmProbe& p) {
        tlm::tlm_generic_payload gp;
        PciMasterExtension* ext = new PciMasterExtension;
        ext->master = 3;
        gp.set_extension(ext);  // owned by gp from here on
        TlmProbe::plain(gp, tlm::TLM_READ_COMMAND, 0x50000, &read_back, 4);
        sc_time t = SC_ZERO_TIME;
        p.socket->b_transport(gp, t);
        outside_read = gp.get_response_status();
        uint32_t v = 0x11111111;
        outside_write = p.write(0x50000, &v, 4);
        ro_write = p.write(0x20010, &v, 4);
        uint8_t burst[16] = {};
        straddle = p.write(0x100F8, burst, 16);  // last 8 bytes beyond the window
    };
    sc_start();
    CHECK(r.probe.finished);
    INFO("each violation is answered with an address error, counted and reported");
    CHECK(outside_read == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(outside_write == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(ro_write == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(straddle == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(r.verifier.violations() == 4);
    CHECK(nicsim::test::reports_seen("nicsim/host/verifier") == 4);
    INFO("a refused read returns zeros; refused writes leave memory untouched, even the allowed half of a burst");
    CHECK(read_back == 0);
    uint32_t m = 0;
    r.mem.read(0x50000, &m, 4);
    CHECK(m == canary);
    r.mem.read(0x20010, &m, 4);
    CHECK(m == canary);
    uint8_t b = 0xAA;
    r.mem.read(0x100F8, &b, 1);
    CHECK(b == 0);
    CHECK(r.mem.stats().bytes_written == 0);
    REQUIRE(r.verifier.recent_violations().size() == 4);
    const DmaViolation& first = r.verifier.recent_violations()[0];
    CHECK(first.master == 3u);
    CHECK_FALSE(first.write);
    CHECK(first.addr == 0x50000);
    CHECK(r.verifier.recent_violations()[2].read_only);
    CHECK_FALSE(r.verifier.recent_violations()[1].read_only);
}

TEST_CASE("revoke takes back exactly the windows inside the range", "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 1);
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x8000, 0x80, false, "packet A");  // two packets sharing one page
    r.verifier.allow(0x8080, 0x80, false, "packet B");
    r.verifier.allow(0x8000, 0x1000, false, "whole page");
    CHECK(r.verifier.permits(0x8000, 0x100, false));
    r.verifier.revoke(0x8000, 0x1000);
    INFO("revoking the page drops all three windows inside it");
    CHECK(r.verifier.window_count() == 0);
    r.verifier.allow(0x8000, 0x80, false, "packet A");
    r.verifier.allow(0x8080, 0x80, false, "packet B");
    r.verifier.revoke(0x8000, 0x80);
    CHECK(r.verifier.window_count() == 1);
    CHECK_FALSE(r.verifier.permits(0x8000, 4, false));
    CHECK(r.verifier.permits(0x8080, 0x80, false));
    tlm::tlm_response_status st{};
    r.probe.body = [&](TlmProbe& p) {
        uint32_t v;
        st = p.read(0x8040, &v, 4);
    };
    sc_start();
    INFO("a read of a revoked packet is a violation");
    CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(r.verifier.violations() == 1);
}

TEST_CASE("revoking a range that holds no window is reported", "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier-revoke", 1);
    DmaVerifier v("verifier");
    v.allow(0x1000, 0x100, true, "buffer");
    v.revoke(0x1000, 0x80);  // smaller than the window: the window stays
    CHECK(v.window_count() == 1);
    CHECK(nicsim::test::reports_seen("nicsim/host/verifier-revoke") == 1);
}

TEST_CASE("a revoked window allows no device access, also one the last access passed through", "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 3);
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x9000, 0x100, false, "tx buffer");
    r.verifier.allow(0xA000, 0x40, true, "descriptors");
    std::vector<tlm::tlm_response_status> st;
    r.probe.body = [&](TlmProbe& p) {
        uint32_t v = 0x12345678;
        st.push_back(p.read(0x9010, &v, 4));  // passes, and its window is remembered
        st.push_back(p.write(0xA000, &v, 4));
        st.push_back(p.read(0x9020, &v, 4));
        r.verifier.revoke(0x9000, 0x100);
        st.push_back(p.read(0x9020, &v, 4));  // the window it passed through last is gone
        st.push_back(p.write(0xA004, &v, 4));
        r.verifier.revoke(0xA000, 0x40);
        st.push_back(p.write(0xA004, &v, 4));
        r.verifier.allow(0x9000, 0x80, false, "tx buffer again, shorter");
        st.push_back(p.read(0x9020, &v, 4));
        st.push_back(p.read(0x90F0, &v, 4));  // in the old window, not in the new one
    };
    sc_start();
    REQUIRE(st.size() == 8);
    CHECK(st[0] == tlm::TLM_OK_RESPONSE);
    CHECK(st[1] == tlm::TLM_OK_RESPONSE);
    CHECK(st[2] == tlm::TLM_OK_RESPONSE);
    CHECK(st[3] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(st[4] == tlm::TLM_OK_RESPONSE);
    CHECK(st[5] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(st[6] == tlm::TLM_OK_RESPONSE);
    CHECK(st[7] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(r.verifier.violations() == 3);
}

namespace {
struct PlainWindow {
    uint64_t start, end;
    bool may_write;
};
// The verdicts computed byte by byte (writes) and dword by dword (aligned reads) from a plain list of windows.
bool plain_write_ok(const std::vector<PlainWindow>& ws, uint64_t a, uint64_t len) {
    for (uint64_t x = a; x < a + len; ++x) {
        bool in = false;
        for (const PlainWindow& w : ws) in = in || (w.may_write && x >= w.start && x < w.end);
        if (!in) return false;
    }
    return true;
}
bool plain_read_ok(const std::vector<PlainWindow>& ws, uint64_t a, uint64_t len) {
    for (uint64_t d = a; d < a + len; d += 4) {
        bool touches = false;
        for (const PlainWindow& w : ws) touches = touches || (w.start < d + 4 && w.end > d);
        if (!touches) return false;
    }
    return true;
}
}  // namespace

TEST_CASE("the verifier's verdicts match a plain list of windows through many allows and revokes", "[host][verifier]") {
    DmaVerifier v("verifier");
    std::vector<PlainWindow> ws;
    std::mt19937_64 rng(11);
    for (int step = 0; step < 600; ++step) {
        if (ws.size() < 3 || rng() % 3 != 0) {
            // Windows in a few pages: sharing starts, nested, adjacent, read-only and writable.
            const uint64_t start = 0x1000 * (1 + rng() % 4) + 0x40 * (rng() % 8) + (rng() % 2) * 3;
            const uint64_t len = 1 + rng() % 0x180;
            const bool wr = rng() % 2 == 0;
            v.allow(start, len, wr, "window");
            ws.push_back({start, start + len, wr});
        } else {
            const PlainWindow gone = ws[rng() % ws.size()];  // revoke its range: it and every window inside go
            v.revoke(gone.start, gone.end - gone.start);
            ws.erase(std::remove_if(ws.begin(), ws.end(),
                                    [&](const PlainWindow& w) { return w.start >= gone.start && w.end <= gone.end; }),
                     ws.end());
        }
        REQUIRE(v.window_count() == ws.size());
        for (int q = 0; q < 20; ++q) {
            const uint64_t a = 0x1000 + rng() % 0x4400, len = 1 + rng() % 0x100;
            INFO("step " << step << ": " << len << " bytes at " << a);
            REQUIRE(v.permits(a, len, true) == plain_write_ok(ws, a, len));
            const uint64_t da = a & ~uint64_t(3), dlen = len / 4 == 1 ? 12 : 4 * (1 + len / 4);  // not 8: a qword phase
            REQUIRE(v.permits(da, dlen, false) == plain_read_ok(ws, da, dlen));
        }
    }
}

TEST_CASE("a window allowed inside the one an access passed through decides the accesses it holds",
          "[host][verifier]") {
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x9000, 0x100, false, "tx buffer");
    r.verifier.allow(0xA000, 0x40, true, "descriptors");
    tlm::tlm_dmi outer, inner;
    std::vector<tlm::tlm_response_status> st;
    r.probe.body = [&](TlmProbe& p) {
        uint32_t v = 0;
        st.push_back(p.read(0x9050, &v, 4));
        st.push_back(p.read(0xA000, &v, 4));
        p.dmi(0x9050, outer);  // refused: the last access was in the descriptors
        st.push_back(p.read(0x9050, &v, 4));
        p.dmi(0x9050, outer);
        r.verifier.allow(0x9040, 0x40, true, "a writable part");
        st.push_back(p.read(0xA000, &v, 4));
        st.push_back(p.read(0x9050, &v, 4));
        p.dmi(0x9050, inner);
        st.push_back(p.write(0x9050, &v, 4));
    };
    sc_start();
    REQUIRE(st.size() == 6);
    for (const auto s : st) CHECK(s == tlm::TLM_OK_RESPONSE);
    INFO("DMI covers the window the access passed through: the whole buffer, then the part allowed inside it");
    CHECK(outer.get_start_address() == 0x9000);
    CHECK(outer.get_end_address() == 0x90FF);
    CHECK(inner.get_start_address() == 0x9040);
    CHECK(inner.get_end_address() == 0x907F);
    CHECK(r.verifier.violations() == 0);
}

namespace {
struct AlignedPage {  // page-aligned caller memory for map_pages
    uint8_t* p = static_cast<uint8_t*>(std::aligned_alloc(4096, 4096));
    ~AlignedPage() { std::free(p); }
};
}  // namespace

TEST_CASE("DMI invalidations reach upstream only once DMI was handed out", "[host][verifier][dmi]") {
    Rig r;
    r.verifier.enable(true);
    AlignedPage page;
    size_t before_grant = 0;
    tlm::tlm_dmi dmi;
    bool granted = false;
    r.probe.body = [&](TlmProbe& p) {
        r.verifier.allow(0x6000, 0x100, true, "buffer");
        uint32_t v = 1;
        CHECK(p.write(0x6000, &v, 4) == tlm::TLM_OK_RESPONSE);
        r.verifier.revoke(0x6000, 0x100);
        r.mem.map_pages(0x7000, page.p, 4096);
        r.mem.unmap_pages(0x7000, 4096);
        before_grant = p.invalidations.size();
        r.verifier.allow(0x6000, 0x100, true, "buffer");
        CHECK(p.write(0x6000, &v, 4) == tlm::TLM_OK_RESPONSE);
        granted = p.dmi(0x6000, dmi);
        r.verifier.revoke(0x6000, 0x100);
        r.mem.map_pages(0x7000, page.p, 4096);
    };
    sc_start();
    INFO("no DMI was handed out: a revoke and a map and unmap tell the upstream nothing");
    CHECK(before_grant == 1);  // enabling the verifier invalidated everything, once
    REQUIRE(granted);
    INFO("after a grant the revoke and the map take it back");
    REQUIRE(r.probe.invalidations.size() == 3);
    CHECK(r.probe.invalidations[1].first == 0x6000);
    CHECK(r.probe.invalidations[1].second == 0x60FF);
    CHECK(r.probe.invalidations[2].first == 0x7000);
    CHECK(r.mem.stats().dmi_invalidations == 1);
}

namespace {
/// A random run of allows, revokes and device accesses whose verdicts must be those of a plain list of windows.
struct RandomWindows {
    uint64_t seed;
    int steps;
    uint64_t (*window_start)(std::mt19937_64&);
    uint64_t max_extra_len;  // a window is 0x40 bytes and up to this many more
    size_t near_windows;     // accesses go near one of the first N windows of the list (0: any of them)
    uint32_t short_dwords;   // most accesses are up to this many dwords long, some up to long_dwords
    uint32_t long_dwords;
    bool direct = false;  // every other access through the verifier's DirectAccess instead of b_transport
};

void check_random_windows(const RandomWindows& run) {
    nicsim::test::expect_reports("nicsim/host/verifier", 0);  // how many is known at the end
    Rig r;
    r.verifier.enable(true);
    std::vector<PlainWindow> ws;
    std::mt19937_64 rng(run.seed);
    unsigned refused = 0, mismatches = 0, accesses = 0;
    r.probe.body = [&](TlmProbe& p) {
        std::vector<uint8_t> data(4 * run.long_dwords);
        for (int step = 0; step < run.steps; ++step) {
            const unsigned what = static_cast<unsigned>(rng() % 20);
            if (what < 4 || ws.size() < 2) {
                const uint64_t start = run.window_start(rng);
                const uint64_t len = 0x40 + rng() % run.max_extra_len;
                const bool wr = rng() % 2 == 0;
                r.verifier.allow(start, len, wr, "window");
                ws.push_back({start, start + len, wr});
                continue;
            }
            if (what < 6) {
                const PlainWindow gone = ws[rng() % ws.size()];
                r.verifier.revoke(gone.start, gone.end - gone.start);
                ws.erase(
                    std::remove_if(ws.begin(), ws.end(),
                                   [&](const PlainWindow& w) { return w.start >= gone.start && w.end <= gone.end; }),
                    ws.end());
                continue;
            }
            // Mostly inside a window, sometimes running past its end or into a revoked one.
            const size_t choices = run.near_windows ? std::min(ws.size(), run.near_windows) : ws.size();
            const PlainWindow& near = ws[rng() % choices];
            const uint64_t a = (near.start + rng() % (near.end - near.start)) & ~uint64_t(3);
            uint32_t len = 4 * static_cast<uint32_t>(1 + rng() % (what < 18 ? run.short_dwords : run.long_dwords));
            if (len == 8) len = 12;  // not a qword phase: the plain list judges dwords
            const bool write = rng() % 2 == 0;
            const bool ok = write ? plain_write_ok(ws, a, len) : plain_read_ok(ws, a, len);
            const auto st = run.direct && accesses % 2 == 1
                                ? nicsim::direct_access_of(p.socket)->direct_access(write, a, data.data(), len, 1)
                            : write ? p.write(a, data.data(), len)
                                    : p.read(a, data.data(), len);
            ++accesses;
            if (!ok) ++refused;
            if ((st == tlm::TLM_OK_RESPONSE) != ok) ++mismatches;
        }
    };
    sc_start();
    CHECK(r.probe.finished);
    CHECK(mismatches == 0);
    INFO("both verdicts occur: " << refused << " of " << accesses << " accesses refused");
    CHECK(refused > 20);
    CHECK(accesses - refused > 1000);
    CHECK(r.verifier.violations() == refused);
    nicsim::test::expect_reports("nicsim/host/verifier", refused);
}
}  // namespace

TEST_CASE("device accesses get the verdicts of a plain list of windows through many allows and revokes",
          "[host][verifier]") {
    // More windows than the verifier keeps clean: some are searched.
    check_random_windows({5, 4000,
                          [](std::mt19937_64& rng) -> uint64_t {
                              const uint64_t page = 0x1000 * (1 + rng() % 24);
                              const uint64_t offset = 0x100 * (rng() % 4);
                              return page + offset + (rng() % 4 == 0 ? 0x40 : 0);
                          },
                          0x200, 6, 8, 120});
}

TEST_CASE("windows over several pages, pages sharing a slot and ranges wider than all slots keep their verdicts",
          "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 4);
    Rig r;
    r.verifier.enable(true);
    constexpr uint64_t kPage = 0x1000, kSlotStride = 1024 * kPage;  // pages this far apart share a clean slot
    r.verifier.allow(0x10 * kPage, 4 * kPage, true, "four pages");  // kept in the slots of the pages accessed
    r.verifier.allow(0x10 * kPage + kSlotStride, 0x100, false, "same slot as the first page");
    tlm::tlm_dmi inner;
    std::vector<tlm::tlm_response_status> st;
    r.probe.body = [&](TlmProbe& p) {
        uint32_t v = 7;
        st.push_back(p.write(0x13 * kPage + 0x10, &v, 4));  // kept in the slot of the window's last page
        st.push_back(p.read(0x10 * kPage + kSlotStride, &v, 4));
        st.push_back(p.write(0x10 * kPage + 0x20, &v, 4));         // the slot of the first page again
        st.push_back(p.write(0x12 * kPage + 0x10, &v, 4));         // and of a middle page
        st.push_back(p.write(0x10 * kPage + kSlotStride, &v, 4));  // read-only: refused
        r.verifier.allow(0x13 * kPage - 0x100, 0x140, true, "inside, from the third page into the last");
        st.push_back(p.write(0x13 * kPage + 0x10, &v, 4));  // the last page's slot held the outer window
        p.dmi(0x13 * kPage + 0x10, inner);                  // granted inside the window the last access passed through
        r.verifier.revoke(0x10 * kPage, 4 * kPage);         // both windows there go
        st.push_back(p.write(0x13 * kPage + 0x20, &v, 4));
        st.push_back(p.write(0x12 * kPage + 0x20, &v, 4));
        r.verifier.allow(0, 2048 * kPage, true, "wider than all slots");
        st.push_back(p.write(1500 * kPage, &v, 4));
        r.verifier.revoke(0, 2048 * kPage);
        st.push_back(p.write(1500 * kPage, &v, 4));
    };
    sc_start();
    REQUIRE(st.size() == 10);
    CHECK(st[0] == tlm::TLM_OK_RESPONSE);
    CHECK(st[1] == tlm::TLM_OK_RESPONSE);
    CHECK(st[2] == tlm::TLM_OK_RESPONSE);
    CHECK(st[3] == tlm::TLM_OK_RESPONSE);
    CHECK(st[4] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(st[5] == tlm::TLM_OK_RESPONSE);
    INFO("an access in the window allowed inside the four pages passed through that window, not the outer one");
    CHECK(inner.get_start_address() == 0x13 * kPage);  // host memory's DMI is one page
    CHECK(inner.get_end_address() == 0x13 * kPage + 0x3F);
    INFO("a revoked window kept in any of its pages' slots refuses accesses");
    CHECK(st[6] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(st[7] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(st[8] == tlm::TLM_OK_RESPONSE);
    CHECK(st[9] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(r.verifier.violations() == 4);
}

namespace {
uint64_t far_apart_window(std::mt19937_64& rng) {
    const uint64_t page = 0x1000 * (1 + rng() % 6);
    const uint64_t far = 0x400000 * (rng() % 4);
    const uint64_t offset = 0x400 * (rng() % 4);
    return page + far + offset + (rng() % 3 == 0 ? 8 : 0);
}
}  // namespace

TEST_CASE("device accesses over windows far apart get the verdicts of a plain list", "[host][verifier]") {
    // Pages 1 024 apart share a slot; windows of up to three pages, some starting inside others.
    check_random_windows({23, 3000, far_apart_window, 0x3000, 0, 16, 250});
}

TEST_CASE("accesses through the verifier's DirectAccess get the verdicts of a plain list too", "[host][verifier]") {
    check_random_windows({29, 3000, far_apart_window, 0x3000, 0, 16, 250, true});
}

TEST_CASE("a direct access the verifier refuses is reported with its master, and reads zeros", "[host][verifier]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 2);
    Rig r;
    r.verifier.enable(true);
    r.verifier.allow(0x20000, 0x40, false, "tx descriptors");
    const uint32_t canary = 0xC0FFEE00;
    r.mem.write(0x20010, &canary, 4);
    r.mem.write(0x50000, &canary, 4);
    tlm::tlm_response_status outside_read{}, ro_write{}, inside_read{};
    uint32_t read_back = 0xFFFFFFFF, inside = 0;
    r.probe.body = [&](TlmProbe& p) {
        nicsim::DirectAccess* da = nicsim::direct_access_of(p.socket);
        REQUIRE(da != nullptr);
        outside_read = da->direct_access(false, 0x50000, reinterpret_cast<uint8_t*>(&read_back), 4, 3);
        uint32_t v = 0x11111111;
        ro_write = da->direct_access(true, 0x20010, reinterpret_cast<uint8_t*>(&v), 4, 6);
        inside_read = da->direct_access(false, 0x20010, reinterpret_cast<uint8_t*>(&inside), 4, 6);
    };
    sc_start();
    CHECK(r.probe.finished);
    CHECK(outside_read == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(ro_write == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(inside_read == tlm::TLM_OK_RESPONSE);
    CHECK(read_back == 0);
    CHECK(inside == canary);
    CHECK(r.verifier.stats().checked == 3);
    CHECK(r.mem.stats().transactions == 1);
    REQUIRE(r.verifier.recent_violations().size() == 2);
    CHECK(r.verifier.recent_violations()[0].master == 3u);
    CHECK_FALSE(r.verifier.recent_violations()[0].write);
    CHECK(r.verifier.recent_violations()[1].master == 6u);
    CHECK(r.verifier.recent_violations()[1].write);
    CHECK(r.verifier.recent_violations()[1].read_only);
}

TEST_CASE("the verifier passes a direct access on in a payload to a target without a DirectAccess",
          "[host][verifier]") {
    DmaVerifier verifier("verifier");
    PayloadTarget target("target");
    TlmProbe probe("probe");
    probe.socket.bind(verifier.target);
    verifier.initiator.bind(target.socket);
    verifier.enable(true);
    verifier.allow(0x8000, 0x100, true, "buffer");
    tlm::tlm_response_status first{}, second{};
    unsigned first_master = 0;
    probe.body = [&](TlmProbe& p) {
        uint8_t data[16] = {};
        first = nicsim::direct_access_of(p.socket)->direct_access(true, 0x8010, data, sizeof data, 4);
        first_master = target.master;
        second = nicsim::direct_access_of(p.socket)->direct_access(false, 0x8020, data, 8, 2);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(first == tlm::TLM_OK_RESPONSE);
    CHECK(second == tlm::TLM_OK_RESPONSE);
    CHECK(first_master == 4u);
    CHECK(target.master == 2u);
    CHECK(target.cmd == tlm::TLM_READ_COMMAND);
    CHECK(target.addr == 0x8020);
    CHECK(target.len == 8u);
}
