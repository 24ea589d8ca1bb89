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

/// Drives script[k] on edge k and records PciBus::control_generation() and line_generation() as each edge samples
/// them.
struct Scripted : sc_module {
    PciBus& bus;
    DriverId id;
    std::vector<Drive> script;
    std::vector<uint64_t> generation;
    std::vector<uint64_t> line_generation;
    SC_HAS_PROCESS(Scripted);
    Scripted(sc_module_name n, PciBus& b, std::vector<Drive> s)
        : sc_module(n), bus(b), id(b.attach(name())), script(std::move(s)) {
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void tick() {
        generation.push_back(bus.control_generation());
        line_generation.push_back(bus.line_generation());
        const uint64_t k = bus.clock_count();
        if (k < script.size()) bus.drive(id, script[k]);
    }
};

/// Two drivers: drives a[k] and b[k] on edge k (as far as each script goes) and records the lines each edge samples.
struct Duo : sc_module {
    PciBus& bus;
    DriverId ida, idb;
    std::vector<Drive> a, b;
    std::vector<Lines> seen;
    SC_HAS_PROCESS(Duo);
    Duo(sc_module_name n, PciBus& bb, std::vector<Drive> sa, std::vector<Drive> sb)
        : sc_module(n), bus(bb), ida(bb.attach("a")), idb(bb.attach("b")), a(std::move(sa)), b(std::move(sb)) {
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void tick() {
        seen.push_back(bus.lines());
        const uint64_t k = bus.clock_count();
        if (k < a.size()) bus.drive(ida, a[k]);
        if (k < b.size()) bus.drive(idb, b[k]);
    }
};

/// The bused lines two drives resolve to, worked out line by line.
Lines resolved(const Drive& x, const Drive& y) {
    Lines r;
    for (uint32_t line = 1; line <= kSerr; line <<= 1) {
        const unsigned drivers = ((x.oe & line) ? 1 : 0) + ((y.oe & line) ? 1 : 0);
        if (drivers > 0) r.driven |= line;
        if (drivers > 1 && line != kSerr) r.contention |= line;
        const bool low = ((x.oe & line) && !(x.level & line)) || ((y.oe & line) && !(y.level & line));
        if ((line & kSingleBitLines) && low) r.level &= ~line;
    }
    for (const Drive* d : {&x, &y}) {  // y after x, as the bus resolves them in attach order
        if (d->oe & kAdLo) r.ad = (r.ad & ~0xFFFFFFFFull) | (d->ad & 0xFFFFFFFFull);
        if (d->oe & kAdHi) r.ad = (r.ad & 0xFFFFFFFFull) | (d->ad & ~0xFFFFFFFFull);
        if (d->oe & kCbeLo) r.cbe_n = static_cast<uint8_t>((r.cbe_n & 0xF0) | (d->cbe_n & 0x0F));
        if (d->oe & kCbeHi) r.cbe_n = static_cast<uint8_t>((r.cbe_n & 0x0F) | (d->cbe_n & 0xF0));
    }
    return r;
}

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

TEST_CASE("the line generation moves with any resolved line, AD included, and only then", "[pci][bus]") {
    PciBus bus("pci", BusConfig{});
    Drive frame = Drive{}.assert_n(kFrame, true);
    frame.oe |= kAdLo | kCbeLo;
    Drive data = frame;
    data.ad = 0x11111111;
    Drive undriven = data;
    undriven.level &= ~kTrdy;  // a level on a line this driver does not enable
    // edge: 0 nothing, 1 FRAME#, 2 the same again, 3 new AD, 4 TRDY#'s level without its enable
    Scripted s("s", bus, {Drive{}, frame, frame, data, undriven});
    sc_start(7 * bus.period());
    const std::vector<uint64_t>& g = s.line_generation;
    REQUIRE(g.size() >= 6);
    CHECK(g[2] > g[1]);   // FRAME# driven
    CHECK(g[3] == g[2]);  // nothing changed
    CHECK(g[4] > g[3]);   // AD alone
    CHECK(g[5] == g[4]);  // the level of an undriven line
}

TEST_CASE("lines one driver changes alone resolve as every driver's resolution does, contention and SERR# included",
          "[pci][bus]") {
    PciBus bus("pci", BusConfig{});
    Drive m = Drive{}.assert_n(kFrame, true).assert_n(kIrdy, true);  // a master in a burst: AD, C/BE#, PAR
    m.oe |= kAdLo | kCbeLo;
    m.cbe_n = 0xF0;
    Drive t = Drive{}.assert_n(kTrdy, true).assert_n(kDevsel, true);  // its target
    std::vector<Drive> a, b;
    auto edge = [&](const Drive& x, const Drive& y) {
        a.push_back(x);
        b.push_back(y);
    };
    edge(Drive{}, Drive{});
    edge(m, t);
    for (uint32_t k = 1; k <= 3; ++k) {  // the master alone moves AD, C/BE# and PAR
        m.ad = 0x01010101u * k;
        m.cbe_n = static_cast<uint8_t>(0xF0 | k);
        m.set(kPar, (k & 1) != 0);
        edge(m, t);
    }
    Drive t_frame = t;  // the target also drives FRAME# low: contention, then the master alone changes AD and FRAME#
    t_frame.assert_n(kFrame, true);
    edge(m, t_frame);
    m.ad = 0xCAFEF00D;
    m.assert_n(kFrame, false);
    edge(m, t_frame);
    m.ad = 0x12345678;
    m.assert_n(kFrame, true);
    edge(m, t_frame);
    Drive t_serr = t;  // SERR# is open drain: both drive it, no contention; then one releases its level
    t_serr.assert_n(kSerr, true);
    Drive m_serr = m;
    m_serr.assert_n(kSerr, true);
    edge(m_serr, t_serr);
    m_serr.assert_n(kSerr, false);
    edge(m_serr, t_serr);
    m_serr.ad = 0x87654321;
    edge(m_serr, t_serr);
    Drive wide = m;  // the master changes its enables alone: AD[63:32] and C/BE#[7:4] join
    wide.oe |= kAdHi | kCbeHi;
    wide.ad = 0xFEDCBA9876543210ull;
    wide.cbe_n = 0x5A;
    edge(wide, t);
    wide.ad = 0x0123456789ABCDEFull;
    edge(wide, t);
    edge(Drive{}, Drive{});
    Duo duo("duo", bus, a, b);
    sc_start(static_cast<double>(a.size() + 2) * bus.period());
    REQUIRE(duo.seen.size() >= a.size() + 1);
    for (size_t k = 1; k <= a.size(); ++k) {
        INFO("edge " << k << ": what edge " << k - 1 << " drove");
        const Lines want = resolved(a[k - 1], b[k - 1]);
        const Lines& got = duo.seen[k];
        CHECK(got.driven == want.driven);
        CHECK(got.contention == want.contention);
        CHECK(got.level == want.level);
        CHECK(got.ad == want.ad);
        CHECK(got.cbe_n == want.cbe_n);
    }
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

TEST_CASE("reset_released_event is notified when RST# is deasserted, and only then", "[pci][bus]") {
    BusConfig cfg;
    cfg.reset_clocks = 3;
    PciBus bus("pci", cfg);
    struct Listener : sc_module {
        PciBus& bus;
        std::vector<sc_time> released;  // when notified, with RST# deasserted
        unsigned with_rst_asserted = 0;
        SC_HAS_PROCESS(Listener);
        Listener(sc_module_name n, PciBus& b) : sc_module(n), bus(b) { SC_THREAD(run); }
        void run() {
            for (;;) {
                wait(bus.reset_released_event());
                if (bus.lines().rst_n)
                    released.push_back(sc_time_stamp());
                else
                    ++with_rst_asserted;
            }
        }
    } listener("listener", bus);
    sc_start(cfg.period() * 10);
    bus.assert_reset(2);  // again, for two clocks from the next edge
    sc_start(cfg.period() * 10);
    // Released where the reset agent lets go: the edge before the first one that samples RST# deasserted.
    CHECK(listener.released == std::vector<sc_time>{cfg.period() * 2, cfg.period() * 11});
    CHECK(listener.with_rst_asserted == 0);
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
