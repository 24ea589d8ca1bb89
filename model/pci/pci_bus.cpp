#include "pci_bus.h"

#include <stdexcept>

#include "model/pci/bus_trace.h"

namespace nicsim::pci {

using namespace sc_core;

void BusConfig::validate() const {
    if (width_bits != 32 && width_bits != 64)
        throw std::invalid_argument("bus width must be 32 or 64 bits, not " + std::to_string(width_bits));
    if (clock_mhz != 33 && clock_mhz != 66)
        throw std::invalid_argument("bus clock must be 33 or 66 MHz, not " + std::to_string(clock_mhz));
    if (reset_clocks == 0) throw std::invalid_argument("reset_clocks must be at least 1");
}

/// The primitive channel whose update phase resolves every driver into the sampled lines.
class PciBus::Wires : public sc_prim_channel {
  public:
    explicit Wires(PciBus& bus) : sc_prim_channel(sc_gen_unique_name("wires")), m_bus(bus) {}
    /// Resolve a pending update now; the kernel's later update() then finds nothing new (resolve() is idempotent).
    void settle() {
        if (!m_pending) return;
        m_pending = false;
        m_bus.resolve();
    }
    void touch() {
        if (!m_pending) {
            m_pending = true;
            request_update();
        }
    }

  private:
    void update() override {
        m_pending = false;
        m_bus.resolve();
    }
    PciBus& m_bus;
    bool m_pending = false;
};

PciBus::PciBus(sc_module_name name, const BusConfig& config)
    : sc_module(name),
      CLK("CLK", (config.validate(), config.period())),
      m_config(config),
      m_period(config.period()),
      m_wires(new Wires(*this)),
      m_reset_left(config.reset_clocks) {
    m_now.rst_n = m_next.rst_n = false;
    m_reset_agent = CLK.attach(*this, "reset");
}

PciBus::~PciBus() {
    delete m_trace;
    delete m_wires;
}

DriverId PciBus::attach(const std::string& agent_name) {
    if (sc_is_running()) throw std::logic_error("PciBus::attach after elaboration: " + agent_name);
    m_drivers.push_back(Slot{agent_name, Drive{}, Drive{}});
    return static_cast<DriverId>(m_drivers.size() - 1);
}

unsigned PciBus::add_master(const std::string& agent_name) {
    if (m_masters.size() >= 16) throw std::logic_error("PciBus: more than 16 masters: " + agent_name);
    m_masters.push_back(agent_name);
    return static_cast<unsigned>(m_masters.size() - 1);
}

unsigned PciBus::add_device(const std::string& agent_name) {
    if (m_devices.size() >= 21) throw std::logic_error("PciBus: more than 21 devices: " + agent_name);
    m_devices.push_back(agent_name);
    return static_cast<unsigned>(m_devices.size() - 1);
}

void PciBus::drive(DriverId id, const Drive& d) {
    Slot& s = m_drivers[id];
    if (s.next == d) return;
    // PAR moves with every data phase; only the control lines' enables and levels matter to control_generation().
    if (((s.next.oe ^ d.oe) | ((s.next.level ^ d.level) & d.oe)) & kControlLines) m_control_dirty = true;
    s.next = d;
    m_dirty |= id < 31 ? 1u << id : 1u << 31;
    m_wires->touch();
}

void PciBus::set_req(unsigned master, bool asserted) {
    const uint32_t bit = 1u << master;
    const uint32_t v = asserted ? (m_next.req_n & ~bit) : (m_next.req_n | bit);
    if (v == m_next.req_n) return;
    m_next.req_n = v;
    m_p2p_dirty = true;
    m_wires->touch();
}

void PciBus::set_gnt_n(uint32_t gnt_n_mask) {
    if (gnt_n_mask == m_next.gnt_n) return;
    m_next.gnt_n = gnt_n_mask;
    m_p2p_dirty = true;
    m_wires->touch();
}

void PciBus::set_idsel(uint32_t mask) {
    if (mask == m_next.idsel) return;
    m_next.idsel = mask;
    m_p2p_dirty = true;
    m_wires->touch();
}

void PciBus::set_inta(unsigned device, bool asserted) {
    const uint32_t bit = 1u << device;
    const uint32_t v = asserted ? (m_next.inta | bit) : (m_next.inta & ~bit);
    if (v == m_next.inta) return;
    m_next.inta = v;
    m_p2p_dirty = true;
    m_wires->touch();
}

void PciBus::assert_reset(unsigned clocks) {
    m_reset_left = clocks == 0 ? 1 : clocks;
    m_next.rst_n = false;
    m_p2p_dirty = true;
    m_wires->touch();
    CLK.wake(m_reset_agent);
}

uint64_t PciBus::clock_at_now() const {
    return sc_time_stamp().value() / m_period.value();
}

void PciBus::clock_edge() {
    if (m_reset_left > 0 && --m_reset_left == 0) {
        m_next.rst_n = true;
        m_p2p_dirty = true;
        m_wires->touch();
    }
    if (m_reset_left == 0) CLK.sleep(m_reset_agent, false);  // nothing to do until reset is asserted again
}

bool PciBus::batchable() const {
    return !m_changed_used && (m_trace == nullptr || m_trace->batchable());
}

void PciBus::settle() {
    m_wires->settle();
}

void PciBus::resolve() {
    const uint32_t dirty = m_dirty;
    m_dirty = 0;
    // In a burst one agent drives new data (AD, C/BE#, PAR) on each clock and nobody changes an output enable: its
    // lines can then be replaced in place instead of resolving every driver again.
    if (dirty == 0) {  // only point-to-point lines were written
        publish(m_now.driven, m_now.contention, m_now.level, m_now.ad, m_now.cbe_n);
        return;
    }
    if ((dirty & (dirty - 1)) == 0 && dirty != 1u << 31 && resolve_one(static_cast<DriverId>(__builtin_ctz(dirty))))
        return;
    uint32_t driven = 0, contention = 0, low = 0;
    uint64_t ad = 0;
    uint32_t cbe_n = 0xFF;
    for (Slot& s : m_drivers) {
        s.cur = s.next;
        const uint32_t oe = s.cur.oe;
        if (oe == 0) continue;
        contention |= driven & oe;
        driven |= oe;
        low |= ~s.cur.level & oe;
        // Masks instead of branches per half: the AD and C/BE# drivers change hands within a transaction.
        const uint64_t ad_mask = ((oe & kAdLo) ? 0xFFFFFFFFull : 0) | ((oe & kAdHi) ? ~0xFFFFFFFFull : 0);
        const uint32_t cbe_mask = ((oe & kCbeLo) ? 0x0Fu : 0) | ((oe & kCbeHi) ? 0xF0u : 0);
        ad = (ad & ~ad_mask) | (s.cur.ad & ad_mask);
        cbe_n = (cbe_n & ~cbe_mask) | (s.cur.cbe_n & cbe_mask);
    }
    contention &= ~kSerr;  // SERR# is open drain
    const uint32_t level = ~(low & kSingleBitLines);
    publish(driven, contention, level, ad, static_cast<uint8_t>(cbe_n));
}

bool PciBus::resolve_one(DriverId id) {
    Slot& s = m_drivers[id];
    const uint32_t oe = s.cur.oe;
    // With the same enables and no other driver on its lines (no contention there, SERR# aside: open drain), each of
    // its lines carries exactly what it drives, as the full resolution would find.
    if (s.next.oe != oe || (m_now.contention & oe) != 0 || (oe & kSerr) != 0) return false;
    s.cur = s.next;
    const uint32_t single = oe & kSingleBitLines;
    const uint32_t level = (m_now.level & ~single) | (s.cur.level & single);
    const uint64_t ad_mask = ((oe & kAdLo) ? 0xFFFFFFFFull : 0) | ((oe & kAdHi) ? ~0xFFFFFFFFull : 0);
    const uint32_t cbe_mask = ((oe & kCbeLo) ? 0x0Fu : 0) | ((oe & kCbeHi) ? 0xF0u : 0);
    const uint64_t ad = (m_now.ad & ~ad_mask) | (s.cur.ad & ad_mask);
    const uint32_t cbe_n = (m_now.cbe_n & ~cbe_mask) | (s.cur.cbe_n & cbe_mask);
    publish(m_now.driven, m_now.contention, level, ad, static_cast<uint8_t>(cbe_n));
    return true;
}

void PciBus::publish(uint32_t driven, uint32_t contention, uint32_t level, uint64_t ad, uint8_t cbe_n) {
    if (m_control_dirty) {
        m_control_dirty = false;
        ++m_control_gen;
    }
    bool changed = driven != m_now.driven || level != m_now.level || ad != m_now.ad || cbe_n != m_now.cbe_n ||
                   contention != m_now.contention;
    m_now.driven = driven;
    m_now.contention = contention;
    m_now.level = level;
    m_now.ad = ad;
    m_now.cbe_n = cbe_n;
    // The point-to-point lines are compared only when one of their setters wrote a new value in this phase.
    bool inta_changed = false, reset_asserted = false, reset_released = false;
    if (m_p2p_dirty) {
        m_p2p_dirty = false;
        const Lines& r = m_next;
        inta_changed = r.inta != m_now.inta;
        reset_asserted = m_now.rst_n && !r.rst_n;
        reset_released = !m_now.rst_n && r.rst_n;
        changed = changed || r.req_n != m_now.req_n || r.gnt_n != m_now.gnt_n || r.idsel != m_now.idsel ||
                  r.rst_n != m_now.rst_n;
        m_now.req_n = r.req_n;
        m_now.gnt_n = r.gnt_n;
        m_now.idsel = r.idsel;
        m_now.inta = r.inta;
        m_now.rst_n = r.rst_n;
    }
    if (changed) ++m_line_gen;
    if (!changed && !inta_changed) return;
    CLK.bus_changed(!changed);
    if (m_changed_used) m_changed.notify(SC_ZERO_TIME);
    if (inta_changed && (m_inta_watched || m_inta_awaited)) {
        m_inta_awaited = false;
        m_inta_changed.notify(SC_ZERO_TIME);
    }
    if (reset_asserted) m_reset_asserted.notify(SC_ZERO_TIME);
    if (reset_released) m_reset_released.notify(SC_ZERO_TIME);
    if (m_trace) m_trace->changed(m_now);
}

namespace {
/// "top.dut.nic" -> "nic": hierarchical agent names would otherwise open VCD scopes of their own.
std::string leaf(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}
}  // namespace

void PciBus::trace(sc_trace_file* tf, const TraceOptions& options) {
    if (!tf) return;
    if (m_trace) throw std::logic_error("PciBus::trace called twice");
    BusTraceSignals::Layout layout;
    layout.prefix = options.scope + ".";
    layout.wide = is64();
    for (const std::string& m : m_masters) layout.masters.push_back(leaf(m));
    for (const std::string& d : m_devices) layout.devices.push_back(leaf(d));
    layout.command = options.command;
    CLK.trace(tf, layout.prefix + "CLK");
    m_trace = new BusTrace(tf, layout, m_now);
}

bool PciBus::first_address_phase(sc_time& at) const {
    return m_trace && m_trace->first_address_phase(at);
}

}  // namespace nicsim::pci
