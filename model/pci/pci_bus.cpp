#include "pci_bus.h"

#include <stdexcept>

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

/// Values GTKWave sees: kept only while tracing is on, refreshed only when a line changes.
struct PciBus::TraceMirror {
    sc_dt::sc_lv_base ad;
    sc_dt::sc_lv_base cbe_n;
    sc_dt::sc_logic par, par64, frame_n, irdy_n, trdy_n, devsel_n, stop_n, req64_n, ack64_n, perr_n, serr_n;
    sc_dt::sc_logic rst_n, inta_n;
    std::vector<sc_dt::sc_logic> req_n, gnt_n, idsel;
    sc_dt::sc_lv_base cmd{4};        // TraceOptions::command
    bool command = false;            // cmd is traced
    bool frame_was = false;          // FRAME# was asserted at the previous refresh
    bool dac_first = false;          // the previous refresh was the first clock of a DAC
    bool any_address = false;        // first_address is valid
    sc_core::sc_time first_address;  // the first address phase traced
    Lines shown;                     // the lines the mirror shows
    bool shown_valid = false;        // shown holds them (false: refresh everything)

    TraceMirror(unsigned width, size_t masters, size_t devices)
        : ad(static_cast<int>(width)),
          cbe_n(static_cast<int>(width / 8)),
          req_n(masters),
          gnt_n(masters),
          idsel(devices) {}
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

uint64_t PciBus::clock_count() const {
    if (CLK.dispatching()) return CLK.edges() - 1;  // the agents ask on every clock: no division there
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

void PciBus::resolve() {
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
    if (m_control_dirty) {
        m_control_dirty = false;
        ++m_control_gen;
    }
    contention &= ~kSerr;  // SERR# is open drain
    const uint32_t level = ~(low & kSingleBitLines);
    bool changed = driven != m_now.driven || level != m_now.level || ad != m_now.ad || cbe_n != m_now.cbe_n ||
                   contention != m_now.contention;
    m_now.driven = driven;
    m_now.contention = contention;
    m_now.level = level;
    m_now.ad = ad;
    m_now.cbe_n = static_cast<uint8_t>(cbe_n);
    // The point-to-point lines are compared only when one of their setters wrote a new value in this phase.
    bool inta_changed = false, reset_asserted = false;
    if (m_p2p_dirty) {
        m_p2p_dirty = false;
        const Lines& r = m_next;
        inta_changed = r.inta != m_now.inta;
        reset_asserted = m_now.rst_n && !r.rst_n;
        changed = changed || inta_changed || r.req_n != m_now.req_n || r.gnt_n != m_now.gnt_n ||
                  r.idsel != m_now.idsel || r.rst_n != m_now.rst_n;
        m_now.req_n = r.req_n;
        m_now.gnt_n = r.gnt_n;
        m_now.idsel = r.idsel;
        m_now.inta = r.inta;
        m_now.rst_n = r.rst_n;
    }
    if (!changed) return;
    CLK.bus_changed();
    if (m_changed_used) m_changed.notify(SC_ZERO_TIME);
    if (inta_changed) m_inta_changed.notify(SC_ZERO_TIME);
    if (reset_asserted) m_reset_asserted.notify(SC_ZERO_TIME);
    if (m_trace) refresh_trace();
}

namespace {
sc_dt::sc_logic logic_of(const Lines& l, Line line) {
    if (l.contention & line) return sc_dt::SC_LOGIC_X;
    if (!(l.driven & line)) return sc_dt::SC_LOGIC_Z;
    return l.high(line) ? sc_dt::SC_LOGIC_1 : sc_dt::SC_LOGIC_0;
}

void set_vector(sc_dt::sc_lv_base& v, int lo, int n, uint64_t value, sc_dt::sc_logic state_if_not_driven, bool driven,
                bool conflict) {
    // Whole 32-bit words of value/control bits at once (0 = 00, 1 = 10, Z = 01, X = 11), not bit by bit: the mirror
    // is refreshed on every bus change while tracing.
    const int word = lo / 32;
    const int shift = lo % 32;
    const sc_dt::sc_digit mask = (n >= 32 ? ~sc_dt::sc_digit(0) : ((sc_dt::sc_digit(1) << n) - 1u)) << shift;
    sc_dt::sc_digit data, ctrl;
    if (conflict) {
        data = ctrl = ~sc_dt::sc_digit(0);
    } else if (!driven) {
        const sc_dt::sc_logic_value_t s = state_if_not_driven.value();
        data = (s & 1) ? ~sc_dt::sc_digit(0) : 0;
        ctrl = (s & 2) ? ~sc_dt::sc_digit(0) : 0;
    } else {
        data = static_cast<sc_dt::sc_digit>(value) << shift;
        ctrl = 0;
    }
    v.set_word(word, (v.get_word(word) & ~mask) | (data & mask));
    v.set_cword(word, (v.get_cword(word) & ~mask) | (ctrl & mask));
}
}  // namespace

void PciBus::refresh_trace() {
    TraceMirror& t = *m_trace;
    const Lines& l = m_now;
    const Lines& was = t.shown;
    // Only the parts whose inputs changed since the last refresh are rewritten (a bus change is usually one or two
    // lines); `stale` has a bit for every line whose driven, contention or level bit moved.
    const bool all = !t.shown_valid;
    const uint32_t stale =
        all ? ~0u : (l.driven ^ was.driven) | (l.contention ^ was.contention) | (l.level ^ was.level);
    const uint64_t ad_moved = all ? ~0ull : l.ad ^ was.ad;
    const uint8_t cbe_moved = all ? 0xFF : static_cast<uint8_t>(l.cbe_n ^ was.cbe_n);
    if ((stale & kAdLo) || static_cast<uint32_t>(ad_moved))
        set_vector(t.ad, 0, 32, l.ad, sc_dt::SC_LOGIC_Z, l.driven & kAdLo, l.contention & kAdLo);
    if ((stale & kCbeLo) || (cbe_moved & 0x0F))
        set_vector(t.cbe_n, 0, 4, l.cbe_n, sc_dt::SC_LOGIC_Z, l.driven & kCbeLo, l.contention & kCbeLo);
    if (is64()) {
        if ((stale & kAdHi) || (ad_moved >> 32))
            set_vector(t.ad, 32, 32, l.ad >> 32, sc_dt::SC_LOGIC_Z, l.driven & kAdHi, l.contention & kAdHi);
        if ((stale & kCbeHi) || (cbe_moved & 0xF0))
            set_vector(t.cbe_n, 4, 4, l.cbe_n >> 4, sc_dt::SC_LOGIC_Z, l.driven & kCbeHi, l.contention & kCbeHi);
        if (stale & kPar64) t.par64 = logic_of(l, kPar64);
        if (stale & kReq64) t.req64_n = logic_of(l, kReq64);
        if (stale & kAck64) t.ack64_n = logic_of(l, kAck64);
    }
    if (stale & kControlLines & ~kSerr) refresh_controls(t, l, stale);
    if (stale & kSerr)
        t.serr_n = (l.driven & kSerr) ? (l.high(kSerr) ? sc_dt::SC_LOGIC_Z : sc_dt::SC_LOGIC_0) : sc_dt::SC_LOGIC_Z;
    if (stale & kPar) t.par = logic_of(l, kPar);
    if (all || l.rst_n != was.rst_n) t.rst_n = l.rst_n ? sc_dt::SC_LOGIC_1 : sc_dt::SC_LOGIC_0;
    if (all || (l.inta != 0) != (was.inta != 0))
        t.inta_n = l.inta ? sc_dt::SC_LOGIC_0 : sc_dt::SC_LOGIC_Z;  // open drain, pulled up
    if (all || l.req_n != was.req_n || l.gnt_n != was.gnt_n) {
        for (size_t i = 0; i < t.req_n.size(); ++i) {
            t.req_n[i] = ((l.req_n >> i) & 1u) ? sc_dt::SC_LOGIC_1 : sc_dt::SC_LOGIC_0;
            t.gnt_n[i] = ((l.gnt_n >> i) & 1u) ? sc_dt::SC_LOGIC_1 : sc_dt::SC_LOGIC_0;
        }
    }
    if (all || l.idsel != was.idsel)
        for (size_t i = 0; i < t.idsel.size(); ++i)
            t.idsel[i] = ((l.idsel >> i) & 1u) ? sc_dt::SC_LOGIC_1 : sc_dt::SC_LOGIC_0;
    t.shown = l;
    t.shown_valid = true;
    if (t.command) refresh_command(t, l);
}

void PciBus::refresh_controls(TraceMirror& t, const Lines& l, uint32_t stale) {
    if (stale & kFrame) t.frame_n = logic_of(l, kFrame);
    if (stale & kIrdy) t.irdy_n = logic_of(l, kIrdy);
    if (stale & kTrdy) t.trdy_n = logic_of(l, kTrdy);
    if (stale & kDevsel) t.devsel_n = logic_of(l, kDevsel);
    if (stale & kStop) t.stop_n = logic_of(l, kStop);
    if (stale & kPerr) t.perr_n = logic_of(l, kPerr);
}

void PciBus::refresh_command(TraceMirror& t, const Lines& l) {
    // The lines change in every clock of a transaction by this bus's masters (the first data phase asserts IRDY#,
    // a DAC's second address clock moves AD and C/BE#), so a refresh per change is a refresh per clock here.
    const bool frame = (l.driven & kFrame) && !l.high(kFrame) && !(l.contention & kFrame);
    const bool address = frame && (!t.frame_was || t.dac_first);
    const uint8_t cmd = l.cbe_n & 0x0F;
    set_vector(t.cmd, 0, 4, cmd, sc_dt::SC_LOGIC_Z, address && (l.driven & kCbeLo), l.contention & kCbeLo);
    t.dac_first = address && !t.dac_first && cmd == static_cast<uint8_t>(Cmd::DualAddress);
    t.frame_was = frame;
    if (address && !t.any_address) {
        t.any_address = true;
        t.first_address = sc_time_stamp();
    }
}

bool PciBus::first_address_phase(sc_time& at) const {
    if (!m_trace || !m_trace->any_address) return false;
    at = m_trace->first_address;
    return true;
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
    m_trace = new TraceMirror(m_config.width_bits, m_masters.size(), m_devices.size());
    TraceMirror& t = *m_trace;
    const std::string p = options.scope + ".";
    CLK.trace(tf, p + "CLK");
    sc_trace(tf, t.rst_n, p + "RST_n");
    sc_trace(tf, t.ad, p + "AD");
    sc_trace(tf, t.cbe_n, p + "CBE_n");
    sc_trace(tf, t.par, p + "PAR");
    sc_trace(tf, t.frame_n, p + "FRAME_n");
    sc_trace(tf, t.irdy_n, p + "IRDY_n");
    sc_trace(tf, t.trdy_n, p + "TRDY_n");
    sc_trace(tf, t.devsel_n, p + "DEVSEL_n");
    sc_trace(tf, t.stop_n, p + "STOP_n");
    if (is64()) {
        sc_trace(tf, t.par64, p + "PAR64");
        sc_trace(tf, t.req64_n, p + "REQ64_n");
        sc_trace(tf, t.ack64_n, p + "ACK64_n");
    }
    sc_trace(tf, t.perr_n, p + "PERR_n");
    sc_trace(tf, t.serr_n, p + "SERR_n");
    sc_trace(tf, t.inta_n, p + "INTA_n");
    for (size_t i = 0; i < m_masters.size(); ++i) {
        sc_trace(tf, t.req_n[i], p + "REQ_n_" + leaf(m_masters[i]));
        sc_trace(tf, t.gnt_n[i], p + "GNT_n_" + leaf(m_masters[i]));
    }
    for (size_t i = 0; i < m_devices.size(); ++i) sc_trace(tf, t.idsel[i], p + "IDSEL_" + leaf(m_devices[i]));
    if (options.command) {
        t.command = true;
        sc_trace(tf, t.cmd, p + "CMD");
    }
    refresh_trace();
}

}  // namespace nicsim::pci
