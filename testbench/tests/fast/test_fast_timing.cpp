// The loosely-timed back-end against the pin-level bus over several seeds and traffic shapes, both machines from
// build_machine as nicsim builds them, side by side in one simulation: the same frames on the wire (bytes and order),
// the same driver-visible results (send completions and their status, indications, the driver's error counters),
// throughput and latency within the documented tolerance (docs/performance.md, "How close the fast mode is"), and the
// same output from two fast machines given the same seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "model/nic/e1000_regs.h"
#include "testbench/machine/machine.h"
#include "testbench/machine/traffic_harness.h"

using namespace nicsim;
using namespace sc_core;

namespace {

// The documented tolerance of the fast mode against the pin-level bus: the time the same traffic takes, and the mean
// descriptor-fetch latency (the DMA engine's queueing plus the bus transaction) of the NIC. The fast mode's bus
// timeline places each CPU cycle and NIC burst by the pin-level arbiter's and masters' clocks (model/fast/
// bus_timeline.h); what is left is the order they take: the CPU runs up to a quantum ahead, and a register cycle it
// placed ahead of a NIC request delays that burst where on the pin-level bus it would have cut it, which moves the
// driver's tail writes and so how many descriptors each of the few fetches of these short runs takes. Measured: run
// times equal on all six seeds (sampled every 10 us, 2-3 % of these runs), fetch latency 10.6 % apart on the worst
// seed (pin 10 609 ns, fast 9 484 ns), 0.5-9 % on the others; the tolerances add about one sampling step and five
// points.
constexpr double kRunTimeTolerance = 0.05;
constexpr double kFetchLatencyTolerance = 0.15;

tb::MachineConfig config(tb::BusModel model, unsigned width, unsigned mhz) {
    tb::MachineConfig c;
    c.bus_model = model;
    c.bus.width_bits = width;
    c.bus.clock_mhz = mhz;
    return c;
}

struct Shape {
    const char* name;
    unsigned width, mhz;
    uint32_t frame_size;
    uint64_t packets;
    unsigned window;
};

/// What the driver and the wire saw of one run.
struct Outcome {
    std::vector<std::vector<uint8_t>> wire;       // transmitted frames, FCS stripped, in order
    std::vector<std::vector<uint8_t>> indicated;  // frames indicated to the protocol, in order
    std::vector<NDIS_STATUS> completions;         // send completion status, in completion order
    uint64_t done_ns = 0;                         // when the program finished
    double fetch_latency_ns = 0;                  // mean descriptor-fetch latency
    uint64_t rx_missed = 0, dma_errors = 0, diagnostics = 0;
};

Outcome outcome(tb::TrafficHarness& h, tb::MachineBase& m, uint64_t done_ns) {
    Outcome o;
    o.wire = h.transmitted();
    for (const auto& f : h.ndis()->received()) o.indicated.push_back(f.bytes);
    for (const auto& r : h.ndis()->send_results()) o.completions.push_back(r.status);
    o.done_ns = done_ns;
    const nic::DataPathStats& s = m.nic_device().data_path().stats();
    o.fetch_latency_ns = s.desc_fetch_bursts ? double(s.desc_fetch_latency_ns) / double(s.desc_fetch_bursts) : 0;
    o.rx_missed = s.rx_missed;
    o.dma_errors = s.dma_errors;
    o.diagnostics = s.diagnostics + m.nic_device().stats().diagnostics;
    return o;
}

/// Runs `a` and `b` (each a machine with its harness) until both programs are done; returns their finishing times.
std::pair<uint64_t, uint64_t> run_both(tb::TrafficHarness& a, tb::TrafficHarness& b) {
    uint64_t ta = 0, tb_ = 0;
    const sc_time step(10, SC_US);
    while ((!a.done() || !b.done()) && sc_time_stamp() < sc_time(200, SC_MS)) {
        sc_start(step);
        const uint64_t now = static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9);
        if (a.done() && !ta) ta = now;
        if (b.done() && !tb_) tb_ = now;
    }
    sc_start(sc_time(50, SC_US));  // the last write-backs and completions
    return {ta, tb_};
}

double relative(double fast, double pin) {
    return pin == 0 ? (fast == 0 ? 0 : 1) : std::fabs(fast - pin) / pin;
}

void require_same_driver_results(const Outcome& pin, const Outcome& fast, const tb::HarnessConfig& hc,
                                 const uint8_t* mac) {
    static constexpr uint8_t kPeer[6] = {0x02, 0, 0, 0, 0, 0x02};
    INFO("every sent frame left the wire in both modes, in order, with the bytes the harness made");
    REQUIRE(pin.wire.size() == hc.tx_packets);
    REQUIRE(fast.wire.size() == hc.tx_packets);
    for (size_t i = 0; i < hc.tx_packets; ++i) {
        INFO("TX frame " << i);
        CHECK(fast.wire[i] == pin.wire[i]);
        CHECK(fast.wire[i] == tb::TrafficHarness::make_frame(hc.seed, 1, i, hc.frame_size, kPeer, mac));
    }
    INFO("the same frames were indicated to the protocol, in the same order");
    REQUIRE(pin.indicated.size() == hc.rx_packets);
    REQUIRE(fast.indicated.size() == pin.indicated.size());
    for (size_t i = 0; i < pin.indicated.size(); ++i) {
        INFO("RX frame " << i);
        CHECK(fast.indicated[i] == pin.indicated[i]);
    }
    INFO("every send completed, with the same status in the same order");
    REQUIRE(pin.completions.size() == hc.tx_packets);
    CHECK(fast.completions == pin.completions);
    INFO("no error anywhere in either mode");
    CHECK(pin.rx_missed == fast.rx_missed);
    CHECK(pin.dma_errors == 0);
    CHECK(fast.dma_errors == 0);
    CHECK(pin.diagnostics == 0);
    CHECK(fast.diagnostics == 0);
}

/// One pin-level and one fast machine with the same traffic, for one seed of a shape.
struct Pair {
    std::unique_ptr<tb::MachineBase> pin, fast;
    std::unique_ptr<tb::TrafficHarness> hp, hf;
    tb::HarnessConfig hc;
    uint64_t tp = 0, tf = 0;  // when each program finished
};

/// Every seed of `sh` (the frame size shortened by 0, 97 or 194 bytes by the seed) as a pair of machines, all in one
/// simulation (SystemC elaborates once per process), run until every program is done; then each pair is compared.
void compare_modes(const Shape& sh, std::initializer_list<uint64_t> seeds) {
    std::vector<Pair> pairs(seeds.size());
    size_t k = 0;
    for (uint64_t seed : seeds) {
        Pair& p = pairs[k];
        const std::string n = std::to_string(k++);
        p.pin = tb::build_machine(("pin" + n).c_str(), config(tb::BusModel::Pin, sh.width, sh.mhz));
        p.fast = tb::build_machine(("fast" + n).c_str(), config(tb::BusModel::Tlm, sh.width, sh.mhz));
        p.hc.seed = seed;
        p.hc.tx_packets = p.hc.rx_packets = sh.packets;
        p.hc.frame_size = sh.frame_size - static_cast<uint32_t>(seed % 3) * 97;  // a different frame size per seed
        p.hc.window = sh.window;
        p.hp = std::make_unique<tb::TrafficHarness>(("pin_harness" + n).c_str(), p.hc, *p.pin);
        p.hf = std::make_unique<tb::TrafficHarness>(("fast_harness" + n).c_str(), p.hc, *p.fast);
    }
    const auto all_done = [&] {
        for (const Pair& p : pairs)
            if (!p.hp->done() || !p.hf->done()) return false;
        return true;
    };
    while (!all_done() && sc_time_stamp() < sc_time(200, SC_MS)) {
        sc_start(sc_time(10, SC_US));
        const uint64_t now = static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9);
        for (Pair& p : pairs) {
            if (p.hp->done() && !p.tp) p.tp = now;
            if (p.hf->done() && !p.tf) p.tf = now;
        }
    }
    sc_start(sc_time(50, SC_US));  // the last write-backs and completions
    for (Pair& p : pairs) {
        INFO(sh.name << ", seed " << p.hc.seed);
        REQUIRE(p.hp->done());
        REQUIRE(p.hf->done());
        CHECK(p.hp->failure().empty());
        CHECK(p.hf->failure().empty());
        const Outcome op = outcome(*p.hp, *p.pin, p.tp), of = outcome(*p.hf, *p.fast, p.tf);
        require_same_driver_results(op, of, p.hc, p.fast->nic_device().params().mac);
        INFO("the fast machine ran no bus cycle, the pin-level one a clean bus");
        CHECK(p.fast->nic_device().master().stats().transactions == 0);
        CHECK(p.pin->pin()->monitor.violations() == 0);
        CHECK(p.fast->dma_verifier().violations() == 0);
        INFO("run time pin " << op.done_ns << " ns, fast " << of.done_ns << " ns; descriptor fetch latency pin "
                             << op.fetch_latency_ns << " ns, fast " << of.fetch_latency_ns << " ns");
        CHECK(relative(double(of.done_ns), double(op.done_ns)) <= kRunTimeTolerance);
        CHECK(relative(of.fetch_latency_ns, op.fetch_latency_ns) <= kFetchLatencyTolerance);
    }
}

}  // namespace

// Traffic the NIC carries without an overrun in either mode, so every driver-visible result is exact.
TEST_CASE("fast mode against the pin-level bus: 1514-byte frames both ways, 64-bit/66 MHz, three seeds",
          "[fast][equivalence][timing]") {
    compare_modes({"1514-byte frames, 64-bit/66 MHz", 64, 66, 1514, 24, 16}, {11, 12, 13});
}

TEST_CASE("fast mode against the pin-level bus: 300-byte frames both ways, 32-bit/33 MHz, three seeds",
          "[fast][equivalence][timing]") {
    compare_modes({"300-byte frames, 32-bit/33 MHz", 32, 33, 300, 24, 8}, {21, 22, 23});
}

TEST_CASE("fast mode: two machines with the same seed give the same output and statistics", "[fast][determinism]") {
    const auto a = tb::build_machine("a", config(tb::BusModel::Tlm, 64, 66));
    const auto b = tb::build_machine("b", config(tb::BusModel::Tlm, 64, 66));
    tb::HarnessConfig hc;
    hc.seed = 21;
    hc.tx_packets = hc.rx_packets = 30;
    hc.frame_size = 1000;
    tb::TrafficHarness ha("a_harness", hc, *a);
    tb::TrafficHarness hb("b_harness", hc, *b);
    const auto [ta, tb_] = run_both(ha, hb);
    REQUIRE(ha.done());
    REQUIRE(hb.done());
    const Outcome oa = outcome(ha, *a, ta), ob = outcome(hb, *b, tb_);
    CHECK(oa.wire == ob.wire);
    CHECK(oa.indicated == ob.indicated);
    CHECK(oa.completions == ob.completions);
    CHECK(ta == tb_);
    const nic::DataPathStats& sa = a->nic_device().data_path().stats();
    const nic::DataPathStats& sb = b->nic_device().data_path().stats();
    INFO("every counter and latency sum of the two data paths is equal");
    CHECK(sa.desc_fetch_latency_ns == sb.desc_fetch_latency_ns);
    CHECK(sa.desc_writeback_latency_ns == sb.desc_writeback_latency_ns);
    CHECK(sa.dma_requests == sb.dma_requests);
    CHECK(sa.busy_ticks == sb.busy_ticks);
    CHECK(a->nic_device().stats().awake_clocks == b->nic_device().stats().awake_clocks);
    CHECK(a->host_cpu().stats().syncs == b->host_cpu().stats().syncs);
    CHECK(a->host_cpu().stats().syncs > 0);
}

TEST_CASE("fast mode: no bus clock is evaluated while a DMA request is in flight", "[fast][timing]") {
    // The loosely-timed back-end sleeps between a request and its completion: per DMA request the NIC is evaluated
    // on a handful of clocks, where the pin-level NIC is evaluated on every clock of the burst.
    const auto fast = tb::build_machine("fast", config(tb::BusModel::Tlm, 64, 66));
    tb::HarnessConfig hc;
    hc.seed = 5;
    hc.tx_packets = hc.rx_packets = 20;
    hc.frame_size = 1514;
    tb::TrafficHarness hf("fast_harness", hc, *fast);
    while (!hf.done() && sc_time_stamp() < sc_time(50, SC_MS)) sc_start(sc_time(50, SC_US));
    REQUIRE(hf.done());
    const uint64_t requests = fast->nic_device().data_path().stats().dma_requests;
    const uint64_t awake = fast->nic_device().stats().awake_clocks;
    // A 1514-byte buffer is at least 379 data phases on the 82540EM's 32-bit data path: evaluating every clock of
    // the bursts alone would cost more than 40 * 379 clocks.
    INFO(requests << " DMA requests, NIC evaluated on " << awake << " clocks");
    REQUIRE(requests >= 40);
    CHECK(awake < 8 * requests);
    CHECK(awake < 40 * 379);
}
