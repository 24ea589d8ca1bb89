// MemoryJoin: the fast side's plain accesses (DirectAccess) reach the memory side as its b_transport would take them,
// with the verifier's verdicts; a DMI invalidation from the memory side reaches both initiators.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>

#include "model/fast/memory_join.h"
#include "model/host/dma_verifier.h"
#include "model/host/host_memory.h"
#include "model/host/pci_tlm.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/host/host_test_util.h"

using namespace sc_core;
using nicsim::fast::MemoryJoin;
using nicsim::host::DmaVerifier;
using nicsim::host::HostMemory;
using nicsim::test::PayloadTarget;
using nicsim::test::TlmProbe;

namespace {
struct JoinRig {
    HostMemory mem{"mem"};
    DmaVerifier verifier{"verifier"};
    MemoryJoin join{"join"};
    TlmProbe pin{"pin"};
    TlmProbe fast{"fast"};
    JoinRig() {
        pin.socket.bind(join.pin);
        fast.socket.bind(join.fast);
        join.mem.bind(verifier.target);
        verifier.initiator.bind(mem.socket);
    }
};
}  // namespace

TEST_CASE("the join's fast side offers plain accesses with the verifier's verdicts", "[fast][detail]") {
    nicsim::test::expect_reports("nicsim/host/verifier", 1);
    JoinRig r;
    r.verifier.enable(true);
    r.verifier.allow(0x20000, 0x100, true, "rx buffer");
    tlm::tlm_response_status inside{}, outside{};
    uint8_t written[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t back[8] = {};
    r.fast.body = [&](TlmProbe& p) {
        nicsim::DirectAccess* da = nicsim::direct_access_of(p.socket);
        REQUIRE(da != nullptr);
        inside = da->direct_access(true, 0x20010, written, sizeof written, 5);
        uint8_t junk[4] = {9, 9, 9, 9};
        outside = da->direct_access(true, 0x30000, junk, sizeof junk, 5);
    };
    r.pin.body = [&](TlmProbe& p) {
        wait(1, SC_NS);  // after the fast side's accesses
        CHECK(p.read(0x20010, back, sizeof back) == tlm::TLM_OK_RESPONSE);
    };
    sc_start();
    CHECK(r.fast.finished);
    CHECK(r.pin.finished);
    CHECK(inside == tlm::TLM_OK_RESPONSE);
    CHECK(outside == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(std::memcmp(back, written, sizeof back) == 0);  // the pin side reads what the fast side wrote
    CHECK(r.verifier.stats().checked == 3);
    REQUIRE(r.verifier.recent_violations().size() == 1);
    CHECK(r.verifier.recent_violations()[0].master == 5u);
    CHECK(r.verifier.recent_violations()[0].write);
}

TEST_CASE("the join passes a plain access on in a payload to a memory side without a DirectAccess", "[fast][detail]") {
    MemoryJoin join("join");
    PayloadTarget target("target");
    TlmProbe probe("probe");
    probe.socket.bind(join.fast);
    join.mem.bind(target.socket);
    TlmProbe pin("pin");
    pin.socket.bind(join.pin);
    tlm::tlm_response_status status{};
    probe.body = [&](TlmProbe& p) {
        uint8_t data[12] = {};
        status = nicsim::direct_access_of(p.socket)->direct_access(false, 0x4004, data, sizeof data, 7);
    };
    sc_start();
    CHECK(probe.finished);
    CHECK(status == tlm::TLM_OK_RESPONSE);
    CHECK(target.master == 7u);
    CHECK(target.cmd == tlm::TLM_READ_COMMAND);
    CHECK(target.addr == 0x4004);
    CHECK(target.len == 12u);
}

TEST_CASE("a DMI invalidation from the memory side reaches both of the join's initiators", "[fast][detail]") {
    JoinRig r;
    bool granted = false;
    r.pin.body = [&](TlmProbe& p) {
        tlm::tlm_dmi dmi;
        granted = p.dmi(0x8000, dmi);  // the verifier has handed DMI out: its revokes now invalidate
    };
    r.fast.body = [&](TlmProbe&) {
        wait(1, SC_NS);
        r.verifier.enable(true);
        r.verifier.allow(0x8000, 0x1000, true, "buffer");
        r.verifier.revoke(0x8000, 0x1000);
    };
    sc_start();
    CHECK(granted);
    CHECK_FALSE(r.pin.invalidations.empty());
    CHECK_FALSE(r.fast.invalidations.empty());
    CHECK(r.pin.invalidations == r.fast.invalidations);
}
