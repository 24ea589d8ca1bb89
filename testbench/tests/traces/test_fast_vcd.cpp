// FastVcdFile (model/trace/fast_vcd_file.h) against SystemC 2.3.4's own VCD writer: both trace the same values in one
// simulation, and the files must be the same bytes apart from the $date line (SystemC's is the wall clock).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <systemc>

#include "model/pci/pci_bus.h"
#include "model/trace/fast_vcd_file.h"
#include "model/trace/tracer.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"

using namespace sc_core;
using nicsim::test::slurp;
using nicsim::test::without_date;

namespace {

/// Every kind of value nicsim traces, changing on each clock in patterns that reach the corner cases: leading
/// zeros, Z and X in vectors, values too wide for their traced width, negative numbers, 64-bit values.
SC_MODULE(Stimulus) {
    sc_in<bool> clk;
    bool flag = false;
    sc_dt::sc_logic logic = sc_dt::SC_LOGIC_Z;
    sc_dt::sc_lv<32> ad;
    sc_dt::sc_lv<4> cbe;
    sc_dt::sc_lv<1> one;
    sc_dt::sc_lv<7> odd;  // not a whole number of nibbles
    sc_dt::sc_bv<40> bv;
    uint8_t state = 0;  // traced 4 bits wide: 16 and up overflow
    uint8_t byte = 0;
    uint16_t half = 0;
    uint32_t word = 0;
    uint64_t addr = 0;
    int32_t sint = 0;
    int64_t slong = 0;
    char ch = 0;
    unsigned n = 0;

    // sc_lv<32>'s own assignment shifts by 32 in SystemC 2.3.4's clean_tail() (undefined behaviour UBSan reports),
    // so the 32-bit vector is written bit by bit, as PciBus's trace mirrors are.
    static void set_bits(sc_dt::sc_lv_base & v, const char* msb_first) {
        const int w = v.length();
        for (int i = 0; i < w; ++i) {
            const char c = msb_first[w - 1 - i];
            v.set_bit(i, c == '0' ? sc_dt::Log_0 : c == '1' ? sc_dt::Log_1 : c == 'Z' ? sc_dt::Log_Z : sc_dt::Log_X);
        }
    }
    static void set_bits(sc_dt::sc_lv_base & v, uint32_t value) {
        for (int i = 0; i < v.length(); ++i) v.set_bit(i, ((value >> i) & 1u) ? sc_dt::Log_1 : sc_dt::Log_0);
    }

    SC_CTOR(Stimulus) {
        set_bits(ad, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
        cbe = sc_dt::sc_lv<4>("ZZZZ");
        one = sc_dt::sc_lv<1>("Z");
        SC_METHOD(step);
        sensitive << clk.pos();
        dont_initialize();
    }

    void step() {
        ++n;
        flag = (n % 3) != 0;
        static const sc_dt::sc_logic cycle[] = {sc_dt::SC_LOGIC_0, sc_dt::SC_LOGIC_1, sc_dt::SC_LOGIC_Z,
                                                sc_dt::SC_LOGIC_X};
        logic = cycle[n % 4];
        if (n % 5 == 0) {
            set_bits(ad, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
        } else if (n % 7 == 0) {
            set_bits(ad, "0000XXXX00001111ZZZZ000011110000");
        } else {
            set_bits(ad, static_cast<uint32_t>(n * 0x01010101u >> (n % 29)));
        }
        cbe = n % 2 ? sc_dt::sc_lv<4>("0ZZ1") : sc_dt::sc_lv<4>(static_cast<int>(n % 16));
        one = n % 3 == 0 ? sc_dt::sc_lv<1>("X") : sc_dt::sc_lv<1>(static_cast<int>(n % 2));
        bv = static_cast<uint64_t>(n) << (n % 37);
        odd = n % 4 == 0 ? sc_dt::sc_lv<7>("Z01X0Z1") : sc_dt::sc_lv<7>(static_cast<int>(n % 128));
        state = static_cast<uint8_t>(n % 19);
        if (n % 4 == 0) byte = static_cast<uint8_t>(byte * 3 + 1);
        half = static_cast<uint16_t>(n * 4099u);
        word = n % 6 == 0 ? 0u : 0xFFFFFFFFu >> (n % 32);
        addr = (uint64_t(n) << 35) | n;
        sint = (n % 2) ? -static_cast<int32_t>(n) : static_cast<int32_t>(n);
        slong = -static_cast<int64_t>(n) * 1000003;
        ch = static_cast<char>(n * 7);
    }
};

void trace_all(sc_trace_file* tf, Stimulus& s, sc_clock& clk) {
    sc_trace(tf, static_cast<const sc_signal_in_if<bool>&>(clk), "top.CLK");
    sc_trace(tf, s.flag, "top.flag");
    sc_trace(tf, s.logic, "top.bus.logic");
    sc_trace(tf, s.ad, "top.bus.AD");
    sc_trace(tf, s.cbe, "top.bus.CBE_n");
    sc_trace(tf, s.one, "top.bus.one");
    sc_trace(tf, s.bv, "top.bv");
    sc_trace(tf, s.odd, "top.bus.odd");
    sc_trace(tf, s.state, "nic.tx.state", 4);
    sc_trace(tf, s.byte, "nic.byte");
    sc_trace(tf, s.half, "nic.dma.half");
    sc_trace(tf, s.word, "nic.dma.word");
    sc_trace(tf, s.addr, "nic.dma.addr");
    sc_trace(tf, s.sint, "alpha.sint");
    sc_trace(tf, s.slong, "alpha.slong");
    sc_trace(tf, s.ch, "alpha.z.ch");
    sc_trace(tf, s.n, "count");  // no scope: directly under SystemC
    sc_trace(tf, s.n, "nic.a.count_late");
}

}  // namespace

TEST_CASE("FastVcdFile writes the same VCD as SystemC's writer apart from the date", "[traces][vcd]") {
    const std::string fast = "fast_vcd_compare_fast";
    const std::string ref = "fast_vcd_compare_systemc";
    {
        sc_clock clk("clk", sc_time(15, SC_NS));
        Stimulus s("stim");
        s.clk(clk);
        nicsim::Tracer a(fast, nicsim::Tracer::Writer::Fast);
        nicsim::Tracer b(ref, nicsim::Tracer::Writer::SystemC);
        trace_all(a.file(), s, clk);
        trace_all(b.file(), s, clk);
        sc_start(3000, SC_NS);
    }
    const std::string f = slurp(fast + ".vcd");
    const std::string r = slurp(ref + ".vcd");
    INFO("both files were written");
    REQUIRE(f.size() > 1000);
    REQUIRE(r.size() > 1000);
    {
        INFO("the fast writer's date is fixed, so one seed gives one file");
        CHECK(f.find("$date\n     no date (reproducible)     \n$end\n") == 0);
    }
    const std::string fd = without_date(f);
    const std::string rd = without_date(r);
    size_t first_diff = 0;
    while (first_diff < fd.size() && first_diff < rd.size() && fd[first_diff] == rd[first_diff]) ++first_diff;
    INFO("first difference at byte " << first_diff
                                     << ":\nfast:    " << fd.substr(first_diff > 80 ? first_diff - 80 : 0, 200)
                                     << "\nSystemC: " << rd.substr(first_diff > 80 ? first_diff - 80 : 0, 200));
    CHECK(fd == rd);
    std::remove((fast + ".vcd").c_str());
    std::remove((ref + ".vcd").c_str());
}

TEST_CASE("FastVcdFile on a caller's stream writes the same bytes as on its own file", "[traces][vcd]") {
    const std::string own = "fast_vcd_own";
    const std::string borrowed = "fast_vcd_borrowed.vcd";
    std::FILE* f = std::fopen(borrowed.c_str(), "wb");
    REQUIRE(f);
    {
        sc_clock clk("clk", sc_time(15, SC_NS));
        Stimulus s("stim");
        s.clk(clk);
        nicsim::Tracer a(own, nicsim::Tracer::Writer::Fast);
        nicsim::Tracer b(f, borrowed);
        CHECK(b.path() == borrowed);
        trace_all(a.file(), s, clk);
        trace_all(b.file(), s, clk);
        sc_start(3000, SC_NS);
    }
    INFO("the stream is still open after the tracer is gone: the caller closes it");
    CHECK(std::fputc('\n', f) == '\n');
    REQUIRE(std::fclose(f) == 0);
    std::string got = slurp(borrowed);
    const std::string want = slurp(own + ".vcd");
    REQUIRE(want.size() > 1000);
    REQUIRE_FALSE(got.empty());
    got.pop_back();
    CHECK(got == want);
    std::remove((own + ".vcd").c_str());
    std::remove(borrowed.c_str());
}

TEST_CASE("FastVcdFile writes a traced 64-bit PCI bus under SystemC.pci", "[traces][vcd][pci]") {
    const std::string fast = "fast_vcd_bus_fast";
    {
        nicsim::pci::BusConfig cfg;
        cfg.width_bits = 64;
        nicsim::pci::PciBus bus("pci", cfg);
        bus.add_master("nic0");
        bus.add_device("nic0");
        nicsim::Tracer a(fast, nicsim::Tracer::Writer::Fast);
        bus.trace(a.file());
        sc_start(10 * bus.period());
    }
    const std::string f = slurp(fast + ".vcd");
    INFO("the bus trace was written with every signal under SystemC.pci");
    CHECK(f.find("$scope module SystemC $end\n$scope module pci $end\n") != std::string::npos);
    CHECK(f.find("$var wire   64  aaaac  AD [63:0]  $end") != std::string::npos);
    CHECK(f.find("bZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ aaaac") != std::string::npos);
    std::remove((fast + ".vcd").c_str());
}

TEST_CASE("FastVcdFile reports an unopenable file and traces nothing", "[traces][vcd]") {
    nicsim::test::expect_reports("nicsim/trace/open", 1);
    nicsim::Tracer t("/nonexistent-dir/x/y");
    INFO("tracing stays off when the file cannot be created");
    CHECK_FALSE(t.on());
    CHECK(nicsim::test::reports_seen("nicsim/trace/open") == 1);
}
