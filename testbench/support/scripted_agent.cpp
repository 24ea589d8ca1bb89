#include "testbench/support/scripted_agent.h"

#include <stdexcept>

namespace nicsim::test {

using namespace sc_core;
using pci::Drive;
using pci::Line;

ScriptedAgent::ScriptedAgent(sc_module_name name, pci::PciBus& bus, unsigned roles)
    : sc_module(name), m_bus(bus), m_id(bus.attach(this->name())), m_roles(roles) {
    if (roles & kMaster) m_master = bus.add_master(this->name());
    SC_HAS_PROCESS(ScriptedAgent);
    SC_METHOD(tick);
    sensitive << bus.CLK.posedge_event();
    dont_initialize();
}

Drive& ScriptedAgent::at(uint64_t clock) {
    if (clock >= m_steps.size()) m_steps.resize(clock + 1);
    return m_steps[clock];
}

void ScriptedAgent::line(Line l, uint64_t first, const std::string& pattern) {
    char prev = '-';
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i] == '=' ? prev : pattern[i];
        prev = c;
        Drive& d = at(first + i);
        switch (c) {
            case 'L':
                d.set(l, false);
                break;
            case 'H':
                d.set(l, true);
                break;
            case '-':
            case 'Z':
                d.release(l);
                break;
            default:
                throw std::invalid_argument(std::string("ScriptedAgent::line: bad character in ") + pattern);
        }
    }
}

void ScriptedAgent::ad(uint64_t first, const std::vector<uint64_t>& values, bool both_halves) {
    for (size_t i = 0; i < values.size(); ++i) {
        Drive& d = at(first + i);
        d.oe |= pci::kAdLo | (both_halves ? pci::kAdHi : 0u);
        d.ad = both_halves ? values[i] : ((d.ad & ~0xFFFFFFFFull) | (values[i] & 0xFFFFFFFFull));
    }
}

void ScriptedAgent::cbe(uint64_t first, const std::vector<uint8_t>& values, bool both_halves) {
    for (size_t i = 0; i < values.size(); ++i) {
        Drive& d = at(first + i);
        d.oe |= pci::kCbeLo | (both_halves ? pci::kCbeHi : 0u);
        d.cbe_n = both_halves ? values[i] : static_cast<uint8_t>((d.cbe_n & 0xF0) | (values[i] & 0x0F));
    }
}

void ScriptedAgent::corrupt_parity(uint64_t clock, bool par64) {
    if (clock >= m_corrupt.size()) m_corrupt.resize(clock + 1, 0);
    m_corrupt[clock] |= par64 ? 2 : 1;
}

void ScriptedAgent::req(uint64_t first, const std::string& pattern) {
    if (!(m_roles & kMaster)) throw std::logic_error("ScriptedAgent::req on an agent that is not a master");
    for (size_t i = 0; i < pattern.size(); ++i) m_req.put(first + i, pattern[i] == 'L');
}

void ScriptedAgent::gnt(uint64_t first, const std::vector<uint32_t>& gnt_n) {
    if (!(m_roles & kArbiter)) throw std::logic_error("ScriptedAgent::gnt on an agent that is not the arbiter");
    for (size_t i = 0; i < gnt_n.size(); ++i) m_gnt.put(first + i, gnt_n[i]);
}

void ScriptedAgent::idsel(uint64_t first, const std::vector<uint32_t>& mask) {
    for (size_t i = 0; i < mask.size(); ++i) m_idsel.put(first + i, mask[i]);
}

uint64_t ScriptedAgent::last_clock() const {
    uint64_t last = m_steps.size();
    if (m_req.v.size() > last) last = m_req.v.size();
    if (m_gnt.v.size() > last) last = m_gnt.v.size();
    if (m_idsel.v.size() > last) last = m_idsel.v.size();
    return last;  // one past the last scripted clock
}

void ScriptedAgent::tick() {
    const uint64_t next = m_bus.clock_count() + 1;  // what we drive now is sampled on the next edge
    Drive d = next < m_steps.size() ? m_steps[next] : Drive{};
    const uint64_t now = next - 1;
    if (m_auto_par && now < m_steps.size()) {
        const Drive& cur = m_steps[now];
        const pci::Lines& l = m_bus.lines();
        const uint8_t corrupt = next < m_corrupt.size() ? m_corrupt[next] : 0;
        if (cur.oe & pci::kAdLo) {
            const bool par = pci::parity_of(static_cast<uint32_t>(l.ad), l.cbe_n & 0xF) != ((corrupt & 1) != 0);
            d.set(pci::kPar, par);
        }
        if (cur.oe & pci::kAdHi) {
            const bool par64 = pci::parity_of(static_cast<uint32_t>(l.ad >> 32), l.cbe_n >> 4) != ((corrupt & 2) != 0);
            d.set(pci::kPar64, par64);
        }
    }
    m_bus.drive(m_id, d);
    if (next < m_req.v.size() && m_req.set[next]) m_bus.set_req(m_master, m_req.v[next]);
    if (next < m_gnt.v.size() && m_gnt.set[next]) m_bus.set_gnt_n(m_gnt.v[next]);
    if (next < m_idsel.v.size() && m_idsel.set[next]) m_bus.set_idsel(m_idsel.v[next]);
    if (next > last_clock()) {
        m_done = true;
        next_trigger(m_never);  // script over: an idle agent is not evaluated
    }
}

}  // namespace nicsim::test

namespace nicsim::test {

namespace {
pci::BusConfig config_of(unsigned width_bits) {
    pci::BusConfig c;
    c.width_bits = width_bits;
    return c;
}
}  // namespace

ScriptedBench::ScriptedBench(unsigned width_bits)
    : bus("pci", config_of(width_bits)),
      monitor("monitor", bus),
      arbiter("arbiter", bus, ScriptedAgent::kArbiter),
      master("master", bus, ScriptedAgent::kMaster),
      target("target", bus) {
    arbiter.gnt(6, {~(1u << master.master())});  // park the bus on the master
    master.auto_parity(true);
    target.auto_parity(true);
}

void ScriptedBench::run(unsigned clocks) {
    sc_core::sc_start(clocks * bus.period());
}

void ScriptedBench::write(uint64_t a, uint32_t addr, unsigned dwords, bool wait_first, uint8_t cmd) {
    const unsigned w = wait_first ? 1 : 0;
    const unsigned n = dwords == 0 ? 1 : dwords;
    // Master: FRAME# for the address and every data phase but the last, IRDY# through the data phases.
    master.req(a - 2, "LLH");
    master.line(pci::kFrame, a, std::string(n + w, 'L') + "H-");
    master.line(pci::kIrdy, a, "H" + std::string(n + w, 'L') + "H-");
    std::vector<uint64_t> ad{addr};
    std::vector<uint8_t> cbe{cmd};
    for (unsigned i = 0; i < n + w; ++i) {
        ad.push_back(0xD0000000u + (i < w ? 0 : i - w));
        cbe.push_back(0x0);
    }
    master.ad(a, ad);
    master.cbe(a, cbe);
    // Target: fast DEVSEL#, TRDY# after the optional wait state.
    target.line(pci::kDevsel, a + 1, std::string(n + w, 'L') + "H-");
    target.line(pci::kTrdy, a + 1, std::string(w, 'H') + std::string(n, 'L') + "H-");
}

void ScriptedBench::read(uint64_t a, uint32_t addr, uint32_t data) {
    master.req(a - 2, "LLH");
    master.line(pci::kFrame, a, "LH-");
    master.line(pci::kIrdy, a, "HLLH-");
    master.ad(a, {addr});
    master.cbe(a, {0x6, 0x0, 0x0});
    target.line(pci::kDevsel, a + 2, "LH-");
    target.line(pci::kTrdy, a + 2, "LH-");
    target.ad(a + 2, {data});
}

}  // namespace nicsim::test
