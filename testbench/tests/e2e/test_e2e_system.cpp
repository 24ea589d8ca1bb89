// The miniport inside the system top (testbench/machine): whole runs with the traffic generator, the peer or a
// second machine, and the scoreboards; each run must finish with every frame matched and every check clean.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "testbench/checkers/collect_stats.h"
#include "testbench/checkers/verdict.h"
#include "testbench/machine/system_top.h"

using namespace nicsim;
using namespace nicsim::tb;
using namespace sc_core;

namespace {

void system_run(RunConfig cfg) {
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.quiet = true;
    cfg.progress = false;
    SystemTop top("top", cfg);
    sc_start(sc_time(50, SC_MS));  // a limit for this test only: each of these runs needs a few hundred microseconds
    RunOutcome out;
    out.time_limit = !top.finished();
    RunStats stats = collect_stats(top, out);
    const Verdict verdict = judge(stats, cfg, out);
    std::string failures;
    for (const std::string& f : verdict.reasons) failures += f + "\n";
    INFO("run statistics:\n" << stats.table());
    INFO("failed checks:\n" << failures);
    INFO("the traffic finished before the time limit and every end-of-run check passed");
    CHECK(top.finished());
    CHECK(verdict.pass());
    INFO("the driver sent every packet and the peer matched each one, intact and in order");
    CHECK(top.machine().sent_packets() == (cfg.direction == Direction::Rx ? 0u : cfg.packets));
    CHECK(top.machine().sends_refused() == 0u);
    if (cfg.direction != Direction::Tx) CHECK(top.machine().received() == cfg.packets);
    // Not checked here: MiniportHalt's outcome. RunProgram::run marks the traffic done before it halts the
    // adapter and SystemTop::watch stops 20 us later, before the halt (which waits for the DMA) returns.
}

}  // namespace

TEST_CASE("system run: 32-bit device with high memory bounces and delivers both directions", "[e2e][driver][system]") {
    RunConfig cfg;
    cfg.dma_address_bits = 32;
    cfg.placement = ndis::Placement::High;
    cfg.packets = 48;
    system_run(cfg);
}

TEST_CASE("system run: 64-bit device with high memory uses dual address cycles", "[e2e][driver][system]") {
    RunConfig cfg;
    cfg.dma_address_bits = 64;
    cfg.placement = ndis::Placement::High;
    cfg.packets = 48;
    system_run(cfg);
}

TEST_CASE("system run: fragmented memory with one buffer per packet", "[e2e][driver][system]") {
    RunConfig cfg;
    cfg.placement = ndis::Placement::Fragmented;
    cfg.fragments = 1;
    cfg.packets = 40;
    system_run(cfg);
}

TEST_CASE("system run: TLM fast mode delivers both directions through the same driver", "[e2e][driver][system][fast]") {
    RunConfig cfg;
    cfg.bus_model = BusModel::Tlm;
    cfg.dma_address_bits = 32;
    cfg.placement = ndis::Placement::High;
    cfg.packets = 40;
    system_run(cfg);
}

TEST_CASE("system run: TLM fast mode back to back", "[e2e][driver][system][fast]") {
    RunConfig cfg;
    cfg.bus_model = BusModel::Tlm;
    cfg.back_to_back = true;
    cfg.packets = 16;
    system_run(cfg);
}

TEST_CASE("system top builds fast-mode machines for tlm", "[e2e][system][fast]") {
    RunConfig cfg;
    cfg.bus_model = BusModel::Tlm;
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.back_to_back = true;
    SystemTop top("top", cfg);
    INFO("with tlm the DUT and the partner are TlmMachines and the pin-level accessor refuses");
    CHECK(top.machine().pin() == nullptr);
    REQUIRE(top.machine().tlm() != nullptr);
    REQUIRE(top.partner() != nullptr);
    CHECK(top.partner()->tlm() != nullptr);
    CHECK(&top.machine().nic_device() == &top.machine().tlm()->fast.nic);
    CHECK_THROWS_AS(top.dut(), std::logic_error);
    sc_start(sc_time(1, SC_MS));
    INFO("the driver came up over FastBridge: the CPU's cycles went through it, none through a bus master engine");
    CHECK(top.machine().driver_up());
    CHECK(top.machine().tlm()->fast.bridge.stats().mem_cycles > 0);
    CHECK(top.machine().nic_device().master().stats().transactions == 0u);
}
