// The driver's interrupt moderation (its ITR keyword): by default the NIC keeps at least 200 x 256 ns = 51.2 us between
// two assertions of INTA# (8254x manual, the ITR register: the interval in 256 ns units), so a burst of received
// frames costs a few interrupts; with ITR 0 every frame can interrupt. The times come from INTA# on the bus itself,
// not from the driver's or the NIC's own bookkeeping.
#include <algorithm>
#include <vector>

#include "model/common/sim_now.h"
#include "testbench/tests/e2e/e2e_rig.h"

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

namespace {

const sc_time kLimit(2, SC_SEC);
constexpr uint64_t kDefaultIntervalNs = 200 * 256;  // Intel's lightest moderation level, "Minimal"
constexpr unsigned kBurst = 40;                     // frames the peer sends back to back
constexpr size_t kFrameBytes = 200;                 // about 1.8 us each on a 1 Gb/s wire: the burst lasts ~75 us

/// Records the simulated times at which the NIC starts asserting INTA#.
struct IntaWatch {
    std::vector<uint64_t> rises_ns;
    explicit IntaWatch(Rig& r) {
        const uint32_t bit = 1u << r.nic.device_number();
        sc_spawn_options o;
        o.spawn_method();
        o.dont_initialize();
        o.set_sensitivity(&r.bus.inta_event());
        sc_spawn(
            [this, &r, bit] {
                const bool now = (r.bus.lines().inta & bit) != 0;
                if (now && !m_asserted) rises_ns.push_back(sim_now_ns());
                m_asserted = now;
            },
            "inta_watch", &o);
    }
    /// The shortest time between two consecutive rises from index `from` on (UINT64_MAX with fewer than two).
    uint64_t shortest_gap_ns(size_t from) const {
        uint64_t g = UINT64_MAX;
        for (size_t i = from + 1; i < rises_ns.size(); ++i) g = std::min(g, rises_ns[i] - rises_ns[i - 1]);
        return g;
    }

  private:
    bool m_asserted = false;
};

struct BurstResult {
    NDIS_STATUS init = NDIS_STATUS_FAILURE;
    uint32_t itr_register = 0xFFFFFFFF;  // as read over the bus
    size_t received = 0;
    uint64_t isr_claimed = 0;
    size_t first_rise = 0;  // index of the first INTA# rise of the burst
};

/// Brings the driver up (the rig's options say ITR), sends the burst, waits for it and halts.
void burst(Rig& r, hostdrv::HostPlatform& hp, const IntaWatch& w, BurstResult& out) {
    out.init = r.start_driver(hp);
    if (out.init != NDIS_STATUS_SUCCESS) return;
    out.itr_register = r.reg(hp, e1000::ITR);
    r.host->run_for_ns(200'000);  // bring-up's interrupts (link up) long past
    out.first_rise = w.rises_ns.size();
    const uint8_t* mac = r.nic.params().mac;
    for (unsigned i = 0; i < kBurst; ++i) r.peer_send(make_frame(kFrameBytes, i, mac, kPeerMac));
    r.run_until([&] { return r.host->received().size() >= kBurst; });
    r.host->run_for_ns(200'000);
    out.received = r.host->received().size();
    r.host->halt();
    out.isr_claimed = miniport::last_halted_stats().isr_claimed;
}

}  // namespace

TEST_CASE("by default the driver moderates interrupts: 51.2 us at least between INTA# rises, few for a burst",
          "[e2e][driver][irq]") {
    Rig r;
    IntaWatch w(r);
    BurstResult b;
    REQUIRE(r.run([&](hostdrv::HostPlatform& hp) { burst(r, hp, w, b); }, kLimit));
    REQUIRE(b.init == NDIS_STATUS_SUCCESS);
    INFO("the driver wrote ITR = 200 (256 ns units)");
    CHECK(b.itr_register == 200u);
    INFO("every frame delivered");
    CHECK(b.received == kBurst);
    INFO("INTA# rises during the burst: " << w.rises_ns.size() - b.first_rise
                                          << ", ISRs that found a cause: " << b.isr_claimed);
    REQUIRE(w.rises_ns.size() - b.first_rise >= 2);
    CHECK(w.shortest_gap_ns(b.first_rise) >= kDefaultIntervalNs);
    CHECK(w.rises_ns.size() - b.first_rise <= 4);  // ~75 us of frames in 51.2 us intervals, and the last one
    r.no_violations();
}

TEST_CASE("with ITR 0 in the registry the driver does not moderate: a burst interrupts many times",
          "[e2e][driver][irq]") {
    RigOptions o;
    o.itr = 0;
    Rig r(o);
    IntaWatch w(r);
    BurstResult b;
    REQUIRE(r.run([&](hostdrv::HostPlatform& hp) { burst(r, hp, w, b); }, kLimit));
    REQUIRE(b.init == NDIS_STATUS_SUCCESS);
    CHECK(b.itr_register == 0u);
    CHECK(b.received == kBurst);
    INFO("INTA# rises during the burst: " << w.rises_ns.size() - b.first_rise);
    CHECK(w.rises_ns.size() - b.first_rise >= kBurst / 4);
    CHECK(w.shortest_gap_ns(b.first_rise) < kDefaultIntervalNs / 4);
    r.no_violations();
}
