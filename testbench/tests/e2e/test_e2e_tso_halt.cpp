// A large send halted away end to end (docs/regression.md, known bug "TSO segments lost under disconnects"): with
// bus disconnects and retries the NIC gathers a 40 KB TCP large send slowly; the send completes (DD) as soon as the
// buffers are read, while most of its segments still wait in the 16 KB TX FIFO. A halt right then resets the device:
// the segments not yet on the wire are dropped by the reset, and the NIC counts every one of them (tx_flushed, in
// tx_dropped) instead of losing them silently. The segments that did leave are intact.
#include "testbench/support/sim_reports.h"
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

#include <algorithm>

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

TEST_CASE("halt right after a large send completes counts the segments the reset discards",
          "[e2e][driver][tso][halt]") {
    RigOptions o;
    o.lso_max_size = 65536;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    const size_t payload = 40000;
    const uint32_t mss = 1460;
    const size_t segments = (payload + mss - 1) / mss;
    std::vector<uint8_t> packet;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    bool completed = false;
    size_t on_wire_at_halt = 0;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            host::HostBridgeFaults f;  // the regression's bus storm: the gather takes many bus transactions
            f.retry = 0.1;
            f.disconnect = 0.1;
            f.seed = 12;
            r.bridge.set_faults(f);
            packet = make_tcp_frame(kPeerMac, mac, payload, 7000, 1);
            ndis::SendLayout l;
            l.lso_mss = mss;
            l.fragments = {kTcpHeaderBytes, 10000, 15000};
            r.host->send(packet, l);
            completed = r.run_until([&] { return r.host->sends_outstanding() == 0; });
            on_wire_at_halt = r.peer_rx.size();
            r.host->halt();  // as the regression's run did: the send is complete, the wire is not
            r.host->run_for_ns(1'000'000);
        },
        sc_time(2, SC_SEC));
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(completed);
    REQUIRE(r.host->send_results().size() == 1u);
    CHECK(r.host->send_results()[0].status == NDIS_STATUS_SUCCESS);
    INFO("the bus really was disturbed");
    CHECK(r.bridge.stats().injected_disconnects > 0u);
    const nic::DataPathStats& d = r.nic.data_path().stats();
    INFO(on_wire_at_halt << " segments on the wire when the send completed, " << r.peer_rx.size() << " in all, "
                         << d.tx_flushed << " discarded by the reset");
    CHECK(d.tx_tso_segments == segments);
    INFO("the halt came while segments still waited in the NIC: the reset discarded them");
    CHECK(r.peer_rx.size() < segments);
    CHECK(d.tx_flushed > 0u);
    INFO("every segment built is accounted for: on the wire, or dropped and counted");
    CHECK(d.tx_frames == r.peer_rx.size());
    CHECK(d.tx_frames + d.tx_flushed == segments);
    CHECK(d.tx_dropped == d.tx_flushed);
    INFO("the segments that left are intact and in sequence");
    for (size_t i = 0; i < r.peer_rx.size(); ++i) {
        const std::vector<uint8_t> seg = wire_payload(r.peer_rx[i]);
        INFO("segment " << i);
        CHECK(tcp_frame_checksums_ok(seg));
        CHECK(tcp_seq(seg) == tcp_seq(packet) + i * mss);
        CHECK(std::equal(seg.begin() + kTcpHeaderBytes, seg.end(), packet.begin() + kTcpHeaderBytes + i * mss));
    }
    r.no_violations();
}
