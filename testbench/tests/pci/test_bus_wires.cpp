// The wires themselves: reset, sample-then-drive resolution, contention, tri-state in the VCD.
#include <catch2/catch.hpp>

#include <fstream>

#include "model/pci/pci_bus.h"
#include "model/trace/tracer.h"
#include "testbench/support/vcd_text.h"

using namespace nicsim::pci;
using namespace sc_core;

namespace {

/// Drives FRAME# low at clock `at` and records what it samples on each edge.
struct Poker : sc_module {
    PciBus& bus;
    DriverId id;
    unsigned at;
    std::vector<bool> frame_seen;
    SC_HAS_PROCESS(Poker);
    Poker(sc_module_name n, PciBus& b, unsigned clk_at) : sc_module(n), bus(b), id(b.attach(name())), at(clk_at) {
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void tick() {
        frame_seen.push_back(bus.lines().asserted(kFrame));
        if (bus.clock_count() == at) bus.drive(id, Drive{}.assert_n(kFrame, true).set(kAdLo, true));
    }
};

}  // namespace

TEST_CASE("RST# is held for reset_clocks and the lines sample what was driven on the previous edge", "[pci][bus]") {
    BusConfig cfg;
    cfg.reset_clocks = 3;
    PciBus bus("pci", cfg);
    Poker p("poker", bus, 5);
    sc_start(cfg.period() + sc_time(1, SC_NS));
    INFO("RST# asserted during the first reset_clocks clocks");
    CHECK_FALSE(bus.lines().rst_n);
    sc_start(2 * cfg.period());
    CHECK(bus.lines().rst_n);
    sc_start(4 * cfg.period());
    REQUIRE(p.frame_seen.size() >= 8);
    INFO("driven at edge 5, visible from edge 6");
    CHECK_FALSE(p.frame_seen[5]);
    CHECK(p.frame_seen[6]);
    CHECK(bus.lines().is_driven(kFrame));
    CHECK(bus.lines().contention == 0);
}

TEST_CASE("two drivers on one line are contention and undriven lines read as pulled up", "[pci][bus]") {
    PciBus bus("pci", BusConfig{});
    Poker a("a", bus, 2), b("b", bus, 2);
    sc_start(4 * bus.period());
    INFO("FRAME# driven by two agents");
    CHECK((bus.lines().contention & kFrame) != 0);
    CHECK(bus.lines().high(kIrdy));
    CHECK_FALSE(bus.lines().is_driven(kIrdy));
}

TEST_CASE("bus configuration outside 32/64 bits and 33/66 MHz is refused", "[pci][bus]") {
    BusConfig cfg;
    cfg.width_bits = 48;
    CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("bus width"));
    cfg.width_bits = 64;
    cfg.clock_mhz = 50;
    CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("bus clock"));
    cfg.clock_mhz = 66;
    CHECK_NOTHROW(cfg.validate());
    CHECK(cfg.period() == sc_time(15, SC_NS));
}

TEST_CASE("the VCD has every bus signal under scope pci, undriven lines as z", "[pci][bus][traces]") {
    const std::string path = "wires_trace_test";
    {
        BusConfig cfg;
        cfg.width_bits = 64;
        PciBus bus("pci", cfg);
        bus.add_master("nic0");
        bus.add_device("nic0");
        Poker p("poker", bus, 3);
        nicsim::Tracer tracer(path);
        bus.trace(tracer.file());
        sc_start(6 * bus.period());
    }
    REQUIRE(std::ifstream(path + ".vcd").good());
    const std::string vcd = nicsim::test::slurp(path + ".vcd");
    CHECK(vcd.find("$scope module pci $end") != std::string::npos);
    for (const char* sig :
         {"CLK", "RST_n", "AD", "CBE_n", "PAR", "FRAME_n", "IRDY_n", "TRDY_n", "DEVSEL_n", "STOP_n", "PAR64", "REQ64_n",
          "ACK64_n", "PERR_n", "SERR_n", "INTA_n", "REQ_n_nic0", "GNT_n_nic0", "IDSEL_nic0"}) {
        INFO(sig);
        CHECK(vcd.find(std::string(" ") + sig + " ") != std::string::npos);
    }
    CHECK(vcd.find("bZZZZZZZZ") != std::string::npos);
    std::remove((path + ".vcd").c_str());
}
