// The DMA verifier between the bridge and host memory: pass-through when disabled, windows enforced when enabled.
#include <catch2/catch.hpp>

#include <cstring>

#include "model/host/dma_verifier.h"
#include "model/host/host_memory.h"
#include "model/host/pci_tlm.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/host/host_test_util.h"

using namespace nicsim::host;
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
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(0x50000);
        gp.set_data_ptr(reinterpret_cast<uint8_t*>(&read_back));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
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
