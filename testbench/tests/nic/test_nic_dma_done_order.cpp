// When the device takes a completion from the fast mode's DMA port (Nic82540em::dma_port_done) against a frame from
// the wire at the same instant: as the pin-level master engine hears a burst end on the clock edge, after what else
// is due at that instant, the frame comes first, whichever of the two is reported first. The completion's effect seen
// here is the one that does not need a request in flight: Status.Received Target Abort, latched as it is taken. A
// completion a CPU cycle moves later (Nic82540em::dma_port_moved) is taken at its new time.
#include <catch2/catch.hpp>

#include <systemc>

#include "model/net/ethernet.h"
#include "testbench/tests/nic/nic_machine_bench.h"

using namespace nicsim;
using namespace sc_core;
namespace cfg = nicsim::pci::cfg;

namespace {

using Bench = test::NicMachineBench;

/// Stall until `off` ns past a bus clock edge (the bench's clock: 33 MHz, 30 ns).
void stall_past_edge(hostdrv::HostPlatform& hp, uint64_t off) {
    const uint64_t now = hp.now_ns();
    hp.stall_ns((now / 30 + 1) * 30 + off - now);
}

bool target_abort_seen(Bench& b) {
    return (b.nic.config_space().status() & cfg::kStsReceivedTargetAbort) != 0;
}

net::Frame frame() {
    net::Frame f;
    f.bytes.assign(60, 0x5A);
    return f;
}

}  // namespace

TEST_CASE("a frame arriving at a DMA completion's instant is received before the completion is taken", "[nic][fast]") {
    Bench b;
    pci::MasterRequest rq;
    rq.cmd = pci::Cmd::MemRead;
    bool before_edge = true, after_edge = false, earlier_instant = false;
    uint64_t frames_then = 0;
    b.run([&](hostdrv::HostPlatform& hp) {
        stall_past_edge(hp, 10);
        b.nic.dma_port_done(rq, pci::MasterStatus::TargetAbort, 0, sc_time_stamp());  // due first, taken on the edge
        b.nic.receive(frame());
        frames_then = b.nic.data_path().stats().rx_dropped;  // the link is down: the MAC drops it, counted at once
        before_edge = target_abort_seen(b);
        hp.stall_ns(30);
        after_edge = target_abort_seen(b);

        hp.config_write(b.dev, cfg::kStatus, 2, cfg::kStsReceivedTargetAbort);  // write one to clear
        stall_past_edge(hp, 5);
        b.nic.dma_port_done(rq, pci::MasterStatus::TargetAbort, 0, sc_time_stamp());
        hp.stall_ns(1);  // a later instant, before the next edge
        b.nic.receive(frame());
        earlier_instant = target_abort_seen(b);
    });
    INFO("the frame was taken when it arrived");
    CHECK(frames_then == 1);
    INFO("the completion of the same instant waits for the device's clock edge");
    CHECK_FALSE(before_edge);
    CHECK(after_edge);
    INFO("a completion of an earlier instant is taken before a frame that arrives before the edge");
    CHECK(earlier_instant);
}

TEST_CASE("a DMA completion the port moves later is taken at its new time, not the old one", "[nic][fast]") {
    Bench b;
    pci::MasterRequest rq;
    rq.cmd = pci::Cmd::MemRead;
    bool at_old_time = true, at_new_time = false;
    b.run([&](hostdrv::HostPlatform& hp) {
        stall_past_edge(hp, 0);
        const sc_time t = sc_time_stamp();
        b.nic.dma_port_done(rq, pci::MasterStatus::TargetAbort, 0, t + sc_time(90, SC_NS));
        hp.stall_ns(30);
        b.nic.dma_port_moved(t + sc_time(180, SC_NS));  // a CPU cycle cut the burst
        hp.stall_ns(100);
        at_old_time = target_abort_seen(b);
        hp.stall_ns(90);
        at_new_time = target_abort_seen(b);
    });
    CHECK_FALSE(at_old_time);
    CHECK(at_new_time);
}
