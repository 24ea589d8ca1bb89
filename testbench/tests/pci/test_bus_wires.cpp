// The wires themselves: reset, sample-then-drive resolution, contention, tri-state in the VCD.
#include <catch2/catch.hpp>

#include <fstream>
#include <utility>
#include <vector>

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

/// Drives script[k] on edge k and records PciBus::control_generation() as each edge samples it.
struct Scripted : sc_module {
    PciBus& bus;
    DriverId id;
    std::vector<Drive> script;
    std::vector<uint64_t> generation;
    SC_HAS_PROCESS(Scripted);
    Scripted(sc_module_name n, PciBus& b, std::vector<Drive> s)
        : sc_module(n), bus(b), id(b.attach(name())), script(std::move(s)) {
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void tick() {
        generation.push_back(bus.control_generation());
        const uint64_t k = bus.clock_count();
        if (k < script.size()) bus.drive(id, script[k]);
    }
};

}  // namespace

TEST_CASE("the control generation moves with a control line's enable or level, not with AD, C/BE# or PAR",
          "[pci][bus]") {
    PciBus bus("pci", BusConfig{});
    Drive frame = Drive{}.assert_n(kFrame, true);
    frame.oe |= kAdLo | kCbeLo;
    Drive data1 = frame, data2 = frame;
    data1.ad = 0x11111111;
    data1.set(kPar, true);
    data2.ad = 0x22222222;
    data2.cbe_n = 0xF3;
    data2.set(kPar, false);
    Drive irdy = data2;
    irdy.assert_n(kIrdy, true);
    Drive undriven = data2;
    undriven.level &= ~kTrdy;  // a level on a line this driver does not enable
    // edge: 0 nothing, 1 FRAME#, 2 new AD and PAR, 3 new AD, C/BE# and PAR, 4 IRDY#, 5 IRDY# released, 6 TRDY#'s
    // level without its enable
    Scripted s("s", bus, {Drive{}, frame, data1, data2, irdy, data2, undriven});
    sc_start(9 * bus.period());
    const std::vector<uint64_t>& g = s.generation;
    REQUIRE(g.size() >= 8);
    CHECK(g[2] > g[1]);   // FRAME# driven
    CHECK(g[3] == g[2]);  // AD and PAR
    CHECK(g[4] == g[3]);  // AD, C/BE# and PAR
    CHECK(g[5] > g[4]);   // IRDY# driven
    CHECK(g[6] > g[5]);   // IRDY# released
    CHECK(g[7] == g[6]);  // the level of an undriven line
}

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
