// The PCI bus in a trace (model/pci/bus_trace.h): the bits each signal shows for given lines, and one file from both
// kinds of trace file: nicsim's writer derives the signals on its writer thread from a copy of the lines, SystemC's
// writer reads sc_logic/sc_lv copies refreshed on every change of the lines. Each traced design runs in a child
// process of its own (SystemC elaborates one design per process).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "model/pci/bus_trace.h"
#include "model/trace/tracer.h"
#include "testbench/support/child_process.h"
#include "testbench/support/vcd_text.h"

using namespace sc_core;
using namespace nicsim::pci;
using nicsim::test::run_in_child;

namespace {

/// A signal's value as its bits, most significant first, in sc_lv's letters.
std::string shown(const BusTraceSignals& s, const Lines& l, bool address_phase, const std::string& name) {
    std::vector<uint32_t> words(s.word_count());
    s.derive(l, address_phase, words.data());
    const uint32_t* w = words.data();
    for (const nicsim::DerivedTrace::Signal& sig : s.signals()) {
        if (sig.name != name) {
            w += nicsim::DerivedTrace::words(sig.width);
            continue;
        }
        std::string text;
        for (int i = sig.width - 1; i >= 0; --i) {
            const unsigned d = (w[2 * (i / 32)] >> (i % 32)) & 1u, c = (w[2 * (i / 32) + 1] >> (i % 32)) & 1u;
            text += "01ZX"[(c << 1) | d];
        }
        return text;
    }
    return "no signal " + name;
}

BusTraceSignals::Layout layout(bool wide) {
    BusTraceSignals::Layout l;
    l.prefix = "pci.";
    l.wide = wide;
    l.masters = {"nic"};
    l.devices = {"nic"};
    l.command = true;
    return l;
}

/// Moves a few of the lines at random, as a bus's clock does (often only AD and a line or two); `x` is the generator's
/// state.
void move_at_random(Lines& l, bool& address, uint64_t& x) {
    for (int k = 0; k < 3; ++k) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t r = static_cast<uint32_t>(x >> 33);
        const uint32_t bit = 1u << (r % 15);
        switch ((r >> 8) % 8) {
            case 0:
                l.driven ^= bit;
                break;
            case 1:
                l.contention ^= bit;
                break;
            case 2:
                l.level ^= bit;
                break;
            case 3:
                l.ad ^= uint64_t(r) << ((r >> 4) % 33);
                break;
            case 4:
                l.cbe_n ^= static_cast<uint8_t>(r >> 12);
                break;
            case 5:
                address = !address;
                break;
            case 6:
                (r & 1 ? l.req_n : l.gnt_n) ^= 1u << ((r >> 1) % 2);
                break;
            default:
                (r & 1 ? l.idsel : l.inta) ^= 1u << ((r >> 1) % 2);
                l.rst_n = (r >> 3) % 8 != 0;
                break;
        }
    }
}

/// Each signal's first word in BusTraceSignals::derive()'s output, and the end of the last.
std::vector<size_t> first_words(const BusTraceSignals& s) {
    std::vector<size_t> first{0};
    for (const nicsim::DerivedTrace::Signal& sig : s.signals())
        first.push_back(first.back() + nicsim::DerivedTrace::words(sig.width));
    return first;
}

/// Drives every bused line from three drivers at random (now and then two at once), REQ#, GNT#, IDSEL, INTA# and now
/// and then RST#; on some clocks it changes the lines once more a delta cycle later, since CMD follows every change.
class RandomAgents : public sc_module, private ClockedAgent {
  public:
    SC_HAS_PROCESS(RandomAgents);
    RandomAgents(sc_module_name name, PciBus& bus) : sc_module(name), m_bus(bus) {
        for (DriverId& id : m_ids) id = bus.attach("driver");
        for (const char* agent : {"top.host", "top.nic"}) {
            bus.add_master(agent);
            bus.add_device(agent);
        }
        bus.CLK.attach(*this, "random");
        SC_METHOD(again);
        sensitive << bus.changed_event();
        dont_initialize();
    }

  private:
    uint64_t next() {
        m_x ^= m_x << 13;
        m_x ^= m_x >> 7;
        m_x ^= m_x << 17;
        return m_x;
    }
    Drive random_drive(bool often) {
        Drive d;
        const uint64_t r = next();
        if (!often && (r & 7u) != 0) return d;  // released
        d.oe = static_cast<uint32_t>(next()) & 0x7FFFu;
        d.level = static_cast<uint32_t>(next());
        d.ad = next();
        d.cbe_n = (r >> 8) & 1u ? 0xDD : static_cast<uint8_t>(r >> 16);  // the dual address cycle's command often
        return d;
    }
    void clock_edge() override {
        for (size_t i = 0; i < 3; ++i) m_bus.drive(m_ids[i], random_drive(i == 0));
        const uint64_t r = next();
        for (unsigned i = 0; i < 2; ++i) {
            m_bus.set_req(i, (r >> i) & 1u);
            m_bus.set_inta(i, (r >> (2 + i)) & 1u);
        }
        m_bus.set_gnt_n(static_cast<uint32_t>(r >> 4) | ~3u);
        m_bus.set_idsel(static_cast<uint32_t>(r >> 6) & 3u);
        if ((r >> 8) % 97 == 0) m_bus.assert_reset(2);
        m_again = (r >> 16) % 3 == 0;
    }
    void again() {
        if (!m_again) return;
        m_again = false;
        m_bus.drive(m_ids[0], random_drive(true));
    }

    PciBus& m_bus;
    DriverId m_ids[3] = {};
    uint64_t m_x = 0x9E3779B97F4A7C15ull;
    bool m_again = false;
};

void random_bus(const std::string& base, nicsim::Tracer::Writer writer, unsigned width) {
    BusConfig cfg;
    cfg.width_bits = width;
    PciBus bus("bus", cfg);
    RandomAgents agents("agents", bus);
    nicsim::Tracer t(base, writer);
    PciBus::TraceOptions options;
    options.command = true;
    bus.trace(t.file(), options);
    sc_start(bus.period() * 3000);
}

void compare_writers(unsigned width) {
    const std::string name = "bus_trace_" + std::to_string(width);
    const std::string fast = name + "_fast", ref = name + "_systemc";
    REQUIRE(run_in_child([&] { random_bus(fast, nicsim::Tracer::Writer::Fast, width); }));
    REQUIRE(run_in_child([&] { random_bus(ref, nicsim::Tracer::Writer::SystemC, width); }));
    const std::string f = nicsim::test::without_date(nicsim::test::slurp(fast + ".vcd"));
    const std::string r = nicsim::test::without_date(nicsim::test::slurp(ref + ".vcd"));
    REQUIRE(r.size() > 100'000);
    INFO("lines driven twice (x, X) and released (z, Z) made it into the file");
    CHECK(r.find("\nx") != std::string::npos);
    CHECK(r.find("\nz") != std::string::npos);
    CHECK(r.find("\nbXXXX") != std::string::npos);
    CHECK(r.find("\nbZZZZ") != std::string::npos);
    size_t d = 0;
    while (d < f.size() && d < r.size() && f[d] == r[d]) ++d;
    INFO("first difference at byte " << d << ":\nnicsim's writer:\n"
                                     << f.substr(d > 80 ? d - 80 : 0, 200) << "\nSystemC's writer:\n"
                                     << r.substr(d > 80 ? d - 80 : 0, 200));
    CHECK(f == r);
    std::remove((fast + ".vcd").c_str());
    std::remove((ref + ".vcd").c_str());
}

}  // namespace

TEST_CASE("A traced bus shows released lines as Z, two drivers as X, open-drain lines as 0 or Z", "[traces][pci]") {
    const BusTraceSignals s(layout(true), nullptr, nullptr);
    Lines l;
    l.driven = kAdLo | kCbeLo | kCbeHi | kFrame | kIrdy | kSerr;
    l.contention = kIrdy | kCbeHi;
    l.level = ~(kFrame | kSerr);
    l.ad = 0xFFFF'FFFF'8000'0001ull;
    l.cbe_n = 0x3C;
    l.rst_n = true;
    l.req_n = 0b10;
    l.gnt_n = 0b01;
    l.idsel = 0b1;
    CHECK(shown(s, l, false, "pci.AD") == std::string(32, 'Z') + "1" + std::string(30, '0') + "1");
    CHECK(shown(s, l, false, "pci.CBE_n") == "XXXX1100");
    CHECK(shown(s, l, false, "pci.FRAME_n") == "0");
    CHECK(shown(s, l, false, "pci.IRDY_n") == "X");
    CHECK(shown(s, l, false, "pci.TRDY_n") == "Z");
    CHECK(shown(s, l, false, "pci.REQ64_n") == "Z");
    CHECK(shown(s, l, false, "pci.SERR_n") == "0");
    CHECK(shown(s, l, false, "pci.INTA_n") == "Z");
    CHECK(shown(s, l, false, "pci.RST_n") == "1");
    CHECK(shown(s, l, false, "pci.REQ_n_nic") == "0");
    CHECK(shown(s, l, false, "pci.GNT_n_nic") == "1");
    CHECK(shown(s, l, false, "pci.IDSEL_nic") == "1");
    INFO("CMD carries C/BE#[3:0] only in an address phase");
    CHECK(shown(s, l, true, "pci.CMD") == "1100");
    CHECK(shown(s, l, false, "pci.CMD") == "ZZZZ");
    l.level |= kSerr;  // SERR# released by its driver: the pull-up holds it
    l.inta = 0b10;
    l.contention |= kCbeLo;
    CHECK(shown(s, l, false, "pci.SERR_n") == "Z");
    CHECK(shown(s, l, false, "pci.INTA_n") == "0");
    CHECK(shown(s, l, false, "pci.CMD") == "XXXX");
    const BusTraceSignals narrow(layout(false), nullptr, nullptr);
    CHECK(shown(narrow, l, false, "pci.AD") == "1" + std::string(30, '0') + "1");
    CHECK(shown(narrow, l, false, "pci.PAR64") == "no signal pci.PAR64");
}

TEST_CASE("The writer thread's derivation lists exactly the signals whose bits changed, once each", "[traces][pci]") {
    for (const bool wide : {false, true}) {
        BusTraceSignals::Layout lay = layout(wide);
        lay.masters = {"nic", "bridge"};
        lay.devices = {"nic", "disk"};
        BusTraceSignals s(lay, nullptr, nullptr);
        const std::vector<nicsim::DerivedTrace::Signal> signals = s.signals();
        const size_t n_signals = signals.size();
        std::vector<uint32_t> words(s.word_count()), full(s.word_count()), before(s.word_count());
        std::vector<uint32_t> changed(n_signals);
        const std::vector<size_t> first = first_words(s);
        Lines l;
        bool address = false;
        uint64_t x = 0x9E3779B97F4A7C15ull;
        for (int step = 0; step < 3000; ++step) {
            unsigned char state[sizeof(Lines) + 1];
            std::memcpy(state, &l, sizeof l);
            state[sizeof l] = address ? 1 : 0;
            const size_t n = s.derive(state, words.data(), changed.data());
            std::fill(full.begin(), full.end(), 0u);
            s.derive(l, address, full.data());
            REQUIRE(words == full);
            std::vector<bool> listed(n_signals, false);
            for (size_t k = 0; k < n; ++k) {
                REQUIRE(changed[k] < n_signals);
                REQUIRE_FALSE(listed[changed[k]]);  // once each
                listed[changed[k]] = true;
            }
            for (size_t i = 0; i < n_signals; ++i) {
                const bool moved =
                    !std::equal(full.begin() + first[i], full.begin() + first[i + 1], before.begin() + first[i]);
                INFO("step " << step << ", signal " << signals[i].name);
                CHECK(listed[i] == (step == 0 || moved));
            }
            before = full;
            move_at_random(l, address, x);
        }
    }
}

TEST_CASE("A randomly driven 32-bit bus gives nicsim's writer and SystemC's the same VCD", "[traces][vcd][pci]") {
    compare_writers(32);
}

TEST_CASE("A randomly driven 64-bit bus gives nicsim's writer and SystemC's the same VCD", "[traces][vcd][pci]") {
    compare_writers(64);
}
