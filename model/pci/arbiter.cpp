#include "arbiter.h"

namespace nicsim::pci {

Arbiter::Arbiter(sc_core::sc_module_name name, PciBus& bus, const ArbiterConfig& config)
    : sc_module(name), m_bus(bus), m_config(config) {
    m_agent = bus.CLK.attach(*this, basename());
    SC_HAS_PROCESS(Arbiter);
    SC_METHOD(reset_asserted);  // RST# is asynchronous: it takes every GNT# away at once, between clock edges
    sensitive << bus.reset_event();
    dont_initialize();
}

void Arbiter::reset_asserted() {
    if (!m_bus.lines().rst_n && m_granted >= 0) grant(-1, false);
}

// The first requesting master after `from` in round-robin order (from = -1: start at master 0).
int Arbiter::next_after(uint32_t requests, int from) const {
    const unsigned n = m_bus.master_count();
    for (unsigned i = 1; i <= n; ++i) {
        const unsigned c = (static_cast<unsigned>(from + static_cast<int>(i)) + n) % n;
        if ((requests >> c) & 1u) return static_cast<int>(c);
    }
    return -1;
}

void Arbiter::grant(int master, bool hidden) {
    if (master == m_granted) return;
    m_granted = master;
    m_started = false;
    m_unused = 0;
    m_bus.set_gnt_n(master < 0 ? ~0u : ~(1u << master));
    if (master < 0) return;
    m_last = master;
    ++m_stats.grants;
    if (hidden) ++m_stats.hidden_grants;
    if (master < 32) ++m_stats.grants_by_master[master];
}

// What clock_edge() decides on a busy bus whose GNT# was already visible on the previous, busy clock, with no
// other master requesting: keep the grant (the common clock of a burst).
inline bool Arbiter::continues(const Lines& l, unsigned n) const {
    if (m_granted < 0 || m_prev_idle || m_prev_granted != m_granted || l.idle()) return false;
    const uint32_t mask = n >= 32 ? ~0u : (1u << n) - 1u;
    return (~l.req_n & mask & ~(1u << m_granted)) == 0;
}

void Arbiter::clock_edge() {
    const Lines& l = m_bus.lines();
    // Decided here, before the full decision's registers are saved: the common clock of a burst.
    if (l.rst_n && continues(l, m_bus.master_count())) {  // the granted master goes on and nobody else asks
        m_unused = 0;
        return;
    }
    decide(l);
}

void Arbiter::decide(const Lines& l) {
    if (!l.rst_n) {  // no GNT# during reset; the end of reset is a line change, which wakes the arbiter
        grant(-1, false);
        m_prev_idle = true;
        m_prev_granted = -1;
        m_bus.CLK.sleep(m_agent);
        return;
    }
    const unsigned n = m_bus.master_count();
    if (n == 0) {
        m_bus.CLK.sleep(m_agent);
        return;
    }
    const uint32_t mask = n >= 32 ? ~0u : (1u << n) - 1u;
    const uint32_t req = ~l.req_n & mask;
    const bool idle = l.idle();
    const int vis = m_granted;  // driven on the previous clock, visible now
    if (m_prev_idle && !idle && vis >= 0 && m_prev_granted == vis) m_started = true;
    const int park =
        (m_config.park_master >= 0 && static_cast<unsigned>(m_config.park_master) < n) ? m_config.park_master : m_last;

    int g = vis;
    if (g >= 0) {
        const uint32_t own = 1u << g;
        const uint32_t others = req & ~own;
        if (!idle) {
            m_unused = 0;
            if (others && m_started) g = next_after(others, g);  // hidden arbitration: direct hand-over
        } else if (req & own) {
            if (others && ++m_unused > m_config.start_timeout) g = -1;  // granted but not starting
        } else if (others || g != park) {
            g = -1;  // one clock without GNT# before another master gets it on an idle bus
        }
    } else if (req) {
        g = next_after(req, m_last);
    } else if (park >= 0) {
        g = park;
    }
    grant(g, !idle);

    m_prev_idle = idle;
    m_prev_granted = vis;
    if (req == 0 && idle && g == park) {  // settled: sleep until somebody requests (or RST#, or the parked master
        m_prev_idle = true;               // starts without REQ#): nothing changes on an idle bus
        m_prev_granted = g;
        m_bus.CLK.sleep(m_agent);
    }
}

}  // namespace nicsim::pci
