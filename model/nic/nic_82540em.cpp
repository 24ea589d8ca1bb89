#include "model/nic/nic_82540em.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "model/common/hex.h"
#include "model/common/sim_now.h"
#include "model/nic/tx_engine.h"
#include "model/nic/work_cache.h"

namespace nicsim::nic {

using namespace nicsim::e1000;
using namespace sc_core;

void Nic82540em::MasterStatusTap::master_done(const pci::MasterRequest& rq, pci::MasterStatus status,
                                              uint32_t bytes_done) {
    using pci::MasterStatus;
    switch (status) {
        case MasterStatus::MasterAbort:
            nic->m_cfg.set_status_bits(pci::cfg::kStsReceivedMasterAbort);
            break;
        case MasterStatus::TargetAbort:
            nic->m_cfg.set_status_bits(pci::cfg::kStsReceivedTargetAbort);
            break;
        case MasterStatus::ParityError:
            nic->m_cfg.set_status_bits(pci::cfg::kStsDetectedParity |
                                       (nic->m_cfg.parity_response() ? pci::cfg::kStsMasterDataParity : 0));
            break;
        default:
            break;
    }
    nic->m_dp->master_done(rq, status, bytes_done);
}

WireSink* Nic82540em::WireTap::counted() {
    ++(nic->m_wire ? nic->m_stats.frames_to_wire : nic->m_stats.frames_dropped);
    return nic->m_wire;
}

void Nic82540em::WireTap::transmit(const Frame& frame) {
    if (WireSink* w = counted()) w->transmit(frame);
}

void Nic82540em::WireTap::transmit_swap(Frame& frame) {
    if (WireSink* w = counted()) w->transmit_swap(frame);
}

Nic82540em::Nic82540em(sc_module_name name, pci::PciBus& bus, const NicParams& params)
    : sc_module(name),
      m_params(params),
      m_bus(bus),
      m_device(bus.add_device(this->name())),
      m_master(bus, this->name(), m_master_tap),
      m_target(bus, std::string(this->name()) + ".target", *this),
      m_cfg(true, params.data_path_bits == 64 ? ConfigSpace::kDevice82545em : ConfigSpace::kDevice),
      m_eeprom(eeprom_image(params)),
      m_phy(phy_params(params)),
      m_regs(kBar0Size, kRegisterTable.data(), kRegisterRows),
      m_counters(&m_regs.word(kStatsFirst)) {
    if (bus.period().value() % ticks_per_ns() == 0) m_period_ns = bus.period().value() / ticks_per_ns();
    m_ticks_per_ns = ticks_per_ns();
    m_exact_ns = nicsim::detail::ns_scale().exact_ns;
    m_master_tap.nic = this;
    m_wire_tap.nic = this;
    if (m_params.dma_address_bits != 32 && m_params.dma_address_bits != 64) {
        diagnostic("params",
                   "dma_address_bits " + std::to_string(m_params.dma_address_bits) + " is not 32 or 64; using 32");
        m_params.dma_address_bits = 32;
    }
    if (m_params.data_path_bits != 32 && m_params.data_path_bits != 64) {
        diagnostic("params",
                   "data_path_bits " + std::to_string(m_params.data_path_bits) + " is not 32 or 64; using 32");
        m_params.data_path_bits = 32;
    }
    if (m_params.link_mbps != 10 && m_params.link_mbps != 100 && m_params.link_mbps != 1000) {
        diagnostic("params", "link_mbps " + std::to_string(m_params.link_mbps) + " is not 10, 100 or 1000; using 1000");
        m_params.link_mbps = 1000;
    }
    m_dp = std::make_unique<NicDataPath>(*this, m_wire_tap);
    m_cfg.set_devsel_timing(m_target.timing().devsel);
    m_target.timing().ack64 = false;  // the 82540EM is a 32-bit PCI device
    m_target.set_idsel_device(m_device);

    wire_registers();
    classify_stat_counters();
    use_stat_counters(&m_counters);
    use_register_file(&m_regs);
    reset_registers();
    update_master_config();
    m_dp->set_link(link_up(), mac_mbps());

    m_agent = m_bus.CLK.attach(*this, basename());
}

Nic82540em::~Nic82540em() = default;

void Nic82540em::use_dma_port(DmaPort& port) {
    m_dma_event_driven = true;
    m_dp = std::make_unique<NicDataPath>(*this, m_wire_tap, port);
    m_dp->set_link(link_up(), mac_mbps());
}

void Nic82540em::dma_path_changed(bool event_driven) {
    m_dma_event_driven = event_driven;
    wake();
}

void Nic82540em::dma_port_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done,
                               const sc_time& at) {
    // One request is in flight at a time; an untaken earlier one goes first all the same (rare: out of line).
    if (m_dma_done.pending) take_earlier_dma_done();
    m_dma_done.pending = true;
    m_dma_done.rq = rq;
    m_dma_done.status = status;
    m_dma_done.bytes = bytes_done;
    m_dma_done.at = at;
    set_dma_alarm();
}

void Nic82540em::dma_port_moved(const sc_time& at) {
    m_dma_done.at = at;
    set_dma_alarm();
}

// An awake device sets it when it falls asleep (evaluate_edge()).
void Nic82540em::set_dma_alarm() {
    if (m_dma_done.pending && !m_bus.CLK.awake(m_agent)) m_bus.CLK.set_alarm(m_agent, m_dma_done.at);
}

void Nic82540em::take_earlier_dma_done() {
    take_dma_done();
}

void Nic82540em::take_pending_dma_done() {
    m_dma_done.pending = false;
    m_master_tap.master_done(m_dma_done.rq, m_dma_done.status, m_dma_done.bytes);
}

void Nic82540em::reset_registers() {
    m_regs.reset();
    m_ioaddr = 0;
    load_mac_from_eeprom();
}

void Nic82540em::load_mac_from_eeprom() {
    uint8_t mac[6];
    m_eeprom.mac(mac);
    m_regs.word(RAL0) = mac[0] | (mac[1] << 8) | (mac[2] << 16) | (static_cast<uint32_t>(mac[3]) << 24);
    m_regs.word(RAH0) = rahf::RAH::make(mac[4] | (mac[5] << 8)) | rahf::AV::make(1);
}

void Nic82540em::reset() {
    m_cfg.power_on();
    reset_registers();
    m_eeprom.reset();
    m_phy.power_on();
    m_mdio.reset();
    m_irq.reset();
    m_dp->reset();
    m_master.reset();
    m_target.reset();
    forget_engines_idle();
    m_target.set_parity_response(false, false);
    update_master_config();
    m_dp->set_link(link_up(), mac_mbps());
    if (m_inta) m_bus.set_inta(m_device, false);
    m_inta = false;
}

void Nic82540em::trace(sc_trace_file* tf) {
    trace(tf, name(), 0);
}

void Nic82540em::trace(sc_trace_file* tf, const std::string& prefix, unsigned what) {
    if (!tf) return;
    m_dp->trace(tf, prefix, what);
    const std::string p = prefix + ".";
    sc_trace(tf, m_inta, p + "INTA");
    sc_trace(tf, m_awake, p + "awake");
    sc_trace(tf, m_irq.icr_ref(), p + "ICR");
    sc_trace(tf, m_irq.ims_ref(), p + "IMS");
    const std::pair<uint32_t, const char*> regs[] = {{CTRL, "CTRL"}, {RCTL, "RCTL"}, {TCTL, "TCTL"}, {TDH, "TDH"},
                                                     {TDT, "TDT"},   {RDH, "RDH"},   {RDT, "RDT"}};
    for (const auto& r : regs) sc_trace(tf, m_regs.word(r.first), p + r.second);
}

void Nic82540em::software_reset() {
    ++m_stats.software_resets;
    reset_registers();
    m_eeprom.reset();
    m_mdio.reset();
    m_phy.set_reset(false, now_ns());  // CTRL.PHY_RST reads 0 again; the PHY itself is not reset by CTRL.RST
    m_irq.reset();
    m_dp->reset();
    m_dp->set_link(link_up(), mac_mbps());  // CTRL.SLU is clear again: the MAC sees the link down
    m_master.reset();
    forget_engines_idle();
    update_irq();
}

// D3hot to D0: the 82540EM implements PCI PM 1.1, which has no No_Soft_Reset bit, so the function goes to "D0
// uninitialised" (PCI PM 1.1, section 5.4.1; 8254x manual, section 6.3.3.3, DSI): configuration space (but PME_En,
// PME_Status) and the device's registers, EEPROM-loaded values and data path are reset as by RST#; the PHY keeps its
// link.
void Nic82540em::power_up_reset() {
    m_cfg.reset();
    software_reset();
    m_target.set_parity_response(false, false);
    update_master_config();
}

void Nic82540em::update_master_config() {
    forget_engines_idle();
    pci::MasterConfig& c = m_master.config();
    c.dac_capable = m_params.dma_address_bits == 64;
    c.use_req64 = m_params.data_path_bits == 64;
    c.mwi_enable = m_cfg.mwi_enabled();
    c.cache_line_dwords = m_cfg.cache_line_dwords();
    c.latency_timer = m_cfg.latency_timer();
    c.check_parity = m_cfg.parity_response();
}

uint64_t Nic82540em::now_ns() const {
    return time_ns();
}

void Nic82540em::diagnostic(const char* what, const std::string& detail) {
    ++m_stats.diagnostics;
    const std::string type = std::string("nicsim/nic/") + what;
    SC_REPORT_WARNING(type.c_str(), (std::string(name()) + ": " + detail).c_str());
}

void Nic82540em::note(const char* what, const std::string& detail) {
    ++m_stats.notes;
    const std::string type = std::string("nicsim/nic/note/") + what;
    SC_REPORT_INFO(type.c_str(), (std::string(name()) + ": " + detail).c_str());
}

// ---- clocked behaviour ----

bool Nic82540em::needs_clock() const {
    // A data path that only waits for the wire (TX FIFO head behind the frame on the wire) needs no clock until
    // the wire is free: clock_edge() sleeps with a timed wake instead.
    // The loosely-timed back-end (use_dma_port) also sleeps while the data path waits for a DMA completion: the
    // completion's alarm wakes it, so no clock is evaluated between a request and its completion. In D3hot the data
    // path does nothing.
    // Cheapest first: on a busy bus (nearly every clock of a saturated run) the bus lines alone decide.
    if (m_in_reset || !bus_engines_idle() || m_eeprom.busy()) return true;
    const uint64_t now = time_ns();
    return data_path_needs_clock(now) || m_irq.next_deadline() <= now;
}

// After Interrupts::evaluate(now) no interrupt deadline is at or before now: the timers due have fired (kNever) and a
// throttle ends after now. So the edge's needs_clock(), right after its update_irq(), leaves that test out.
inline bool Nic82540em::needs_clock_irq_evaluated() const {
    if (m_in_reset || !bus_engines_idle() || m_eeprom.busy()) return true;
    const uint64_t now = time_ns();
#ifdef NICSIM_CHECK_WORK_CACHE
    if (m_irq.next_deadline() <= now) work_cache_stale("interrupt");
#endif
    return data_path_needs_clock(now);
}

inline bool Nic82540em::data_path_needs_clock(uint64_t now) const {
    return !m_cfg.powered_down() &&
           (m_dma_event_driven ? m_dp->has_work(now) : m_dp->busy() && m_dp->quiet_until_ns(now) == 0);
}

bool Nic82540em::bus_engines_idle() const {
    if (!m_bus.lines().idle()) return false;
    const uint64_t gen = m_bus.line_generation();
    if (gen == m_engines_idle_gen) return true;
    if (m_target.active() || m_master.needs_tick()) return false;
    m_engines_idle_gen = gen;
    return true;
}

void Nic82540em::tick_bus_engines() {
    forget_engines_idle();
    if (!m_bus.lines().idle() || m_target.active()) m_target.tick();
    if (m_master.needs_tick()) m_master.tick();
}

void Nic82540em::clock_edge() {
    m_defer_irq = true;
    take_dma_done();
    const pci::BusClock& clk = m_bus.CLK;
    m_edge_ns = clk.dispatching() && m_period_ns != 0 ? (clk.edges() - 1) * m_period_ns : now_ns();
    m_in_edge = true;
    evaluate_edge();
    m_in_edge = false;
}

void Nic82540em::end_irq_deferral() {
    m_defer_irq = false;
    if (m_irq_stale) update_irq();
}

inline void Nic82540em::evaluate_edge() {
    ++m_stats.awake_clocks;
    if (m_bus.CLK.batch_edge()) {
        end_irq_deferral();
        steady_evaluate();
        return;
    }
    const pci::Lines& l = m_bus.lines();
    if (!l.rst_n) {
        end_irq_deferral();
        if (!m_in_reset) reset();
        m_in_reset = true;
        return;
    }
    m_in_reset = false;
    service_phy();
    if (!bus_engines_idle()) tick_bus_engines();
    if (m_eeprom.busy()) m_eeprom.tick();
    if (!m_cfg.powered_down()) m_dp->tick();  // no bus mastering from D3hot
    m_defer_irq = false;
    update_irq();
    if (needs_clock_irq_evaluated()) return;
    // Asleep until a line changes, wake() (a frame, the link, a register write, DMA done) or the next deadline: a
    // moderation timer, or the wire becoming free for a data path that only waits for it.
    m_awake = false;
    // The device drives INTA# and never samples it. In the fast mode its own INTA# change, published after it fell
    // asleep, does not wake it for an edge with nothing to do; the pin level keeps that edge (and its `awake` trace).
    m_bus.CLK.sleep(m_agent, true, !m_dma_event_driven);
    m_asked_wake = kNoWake;
    wake_at_deadline();
    set_dma_alarm();
}

void Nic82540em::wake_at_deadline() {
    uint64_t deadline = std::min(m_irq.next_deadline(), phy_deadline_ns());
    if (!m_cfg.powered_down())
        deadline = std::min(deadline, m_dma_event_driven ? m_dp->next_deadline_ns() : pin_data_path_deadline_ns());
    if (deadline != Interrupts::kNever) wake_at_ns(deadline);  // nearly always kNever in a saturated run
}

uint64_t Nic82540em::pin_data_path_deadline_ns() const {
    return m_dp->busy() ? m_dp->quiet_until_ns(time_ns()) : Interrupts::kNever;
}

void Nic82540em::wake_at_ns(uint64_t deadline) {
    const uint64_t ns = deadline - time_ns();
    if (ns >= m_exact_ns) return wake_at_far(ns);
    // sim_now() + time_from_ns(ns): sc_time's + adds the values.
    const uint64_t at = sim_now().value() + ns * m_ticks_per_ns;
    // The sleeping device asks again after each frame or register write, mostly for the wake it already waits for:
    // one no earlier than a wake asked since it fell asleep changes nothing (BusClock::wake_at(): an earlier wake
    // wins, and the clock keeps it until the device wakes).
    if (at >= m_asked_wake) {
#ifdef NICSIM_CHECK_WORK_CACHE
        if (!m_bus.CLK.holds_wake_by(m_agent, time_from_value(at))) work_cache_stale("clock wake");
#endif
        return;
    }
    m_asked_wake = at;
    m_bus.CLK.wake_at(m_agent, time_from_value(at));
}

void Nic82540em::wake_at_far(uint64_t ns) {
    m_bus.CLK.wake_at(m_agent, sim_now() + time_from_ns(ns));
}

// The NIC's own burst on the bus with nothing else due on this edge: the data path has no work at the edge's time
// (its engines wait for the DMA in flight), no PHY, EEPROM, interrupt or target activity. Only time and the master
// engine change that within one kernel activation, so the rest is worked out once per activation (quiet_until()).
bool Nic82540em::steady_edge() const {
    const uint64_t t = m_bus.CLK.edges() * m_period_ns;
    if (m_quiet_serial != m_bus.CLK.batch_serial()) {
        m_quiet_serial = m_bus.CLK.batch_serial();
        m_quiet_until = quiet_until(t);
    }
    return t < m_quiet_until && m_master.steady();
}

uint64_t Nic82540em::quiet_until(uint64_t t) const {
    if (m_in_reset || m_period_ns == 0 || m_dma_event_driven || m_dma_done.pending || m_eeprom.busy() ||
        !m_target.quiet())
        return 0;
    if ((m_irq.asserted() && !m_cfg.powered_down()) != m_inta) return 0;
    uint64_t until = std::min(phy_deadline_ns(), m_irq.settled_until(t));
    if (!m_cfg.powered_down() && m_dp->busy()) until = std::min(until, m_dp->idle_until_ns(t));
    return until;
}

// An edge steady_edge() vouched for: the data path has nothing to do (its tick() is only counted), and the PHY,
// the EEPROM and the interrupt line stay as they are. The target is a quiet bystander (quiet_until()) of the
// master's own burst, whose FRAME# the master holds asserted: its tick() would change nothing.
void Nic82540em::steady_evaluate() {
    forget_engines_idle();
    m_master.steady_tick();
    if (m_dp->busy() && !m_cfg.powered_down()) m_dp->idle_tick();
}

// Outside an evaluation something changed the sleeping device (a frame arrived, an interrupt cause was raised). In
// the fast mode an edge is evaluated only when that gave it work: else that edge would only fall asleep again with
// the deadlines the change may have moved, and those are scheduled here instead.
void Nic82540em::changed() {
    if (m_bus.CLK.awake(m_agent)) return;
    if (!m_dma_event_driven || needs_clock())
        wake();
    else
        wake_at_deadline();
}

void Nic82540em::woken() {
    m_awake = true;
}

void Nic82540em::update_irq() {
    m_irq_stale = false;
    const bool line = m_irq.evaluate(time_ns()) && !m_cfg.powered_down();  // no interrupts from D3hot
    if (line != m_inta) {
        m_inta = line;
        m_bus.set_inta(m_device, line);
    }
}

void Nic82540em::receive(const Frame& frame) {
    if (m_cfg.powered_down()) {  // the receiver's wake-up filters are not modelled: in D3hot frames are not taken
        ++m_stats.frames_ignored_d3;
        return;
    }
    // A completion of an earlier instant was due before this frame; one of this instant waits for the edge.
    if (m_dma_done.pending && m_dma_done.at < sim_now()) take_pending_dma_done();
    m_taking_frame = m_dma_event_driven;
    m_dp->receive(frame);
    m_taking_frame = false;
    changed();
}

bool Nic82540em::link_up() const {
    return m_phy.mac_link() && ctrl::SLU::get(m_regs.word(CTRL));
}

void Nic82540em::link_changed(bool was_up) {
    m_dp->set_link(link_up(), mac_mbps());  // also a speed forced (CTRL.FRCSPD) while the link stays up
    m_dp->set_phy_loopback(m_phy.loopback());
    if (link_up() == was_up) return;
    m_irq.raise(icr::LSC);
    update_irq();
    wake();
}

void Nic82540em::set_link(bool up) {
    const bool was = link_up();
    m_phy.set_partner_present(up, now_ns());
    link_changed(was);
    wake();  // a link attempt finishes at a deadline
}

uint32_t Nic82540em::status_value() const {
    uint32_t v = status::FD::make(mac_full_duplex() ? 1 : 0) | status::LU::make(link_up() ? 1 : 0);
    const uint32_t speed = mac_mbps() == 10    ? status::kSpeed10
                           : mac_mbps() == 100 ? status::kSpeed100
                                               : status::kSpeed1000;
    v = status::SPEED::set(v, speed);
    if (m_bus.config().clock_mhz == 66) v |= status::PCI66::make(1);
    if (m_bus.is64()) v |= status::BUS64::make(1);
    return v;
}

// ---- NicContext ----

void Nic82540em::raise_irq(uint32_t icr_bits) {
    m_irq.raise(icr_bits);
    if (defer_irq()) return;
    update_irq();
    if (!m_taking_frame) changed();  // a sleeping device must schedule the moderation timer / throttle deadline
}

void Nic82540em::tx_done_event(bool immediate) {
    m_irq.tx_done(immediate, now_ns());
    if (defer_irq()) return;
    update_irq();
    wake();  // a sleeping device must schedule the moderation timer / throttle deadline
}

void Nic82540em::rx_done_event(bool immediate) {
    m_irq.rx_done(immediate, now_ns());
    if (defer_irq()) return;
    update_irq();
    wake();  // a sleeping device must schedule the moderation timer / throttle deadline
}

uint32_t Nic82540em::reg(uint32_t offset) const {
    return m_regs.peek(offset & ~3u);
}

const uint32_t* Nic82540em::reg_storage(uint32_t offset) const {
    const RegisterSpec* s = m_regs.spec(offset);
    return s && !(s->hooks & kPeek) ? &m_regs.word(offset) : nullptr;
}

uint32_t* Nic82540em::reg_poke_storage(uint32_t offset) {
    const RegisterSpec* s = offset < kBar0Size && (offset & 3u) == 0 ? m_regs.spec(offset) : nullptr;
    const bool plain = s && !(s->hooks & (kPeek | kPoke)) && s->access != Access::WO;  // RegisterFile::poke's store
    return plain ? &m_regs.word(offset) : nullptr;
}

void Nic82540em::set_reg(uint32_t offset, uint32_t value) {
    if (offset >= kBar0Size || (offset & 3u) != 0) {
        diagnostic("set-reg", "register offset " + hex(offset) + " outside BAR0 or unaligned");
        return;
    }
    m_regs.poke(offset, value);
}

void Nic82540em::classify_stat_counters() {
    for (uint32_t offset = kStatsFirst; offset <= kStatsLast; offset += 4) {
        const RegisterSpec* s = m_regs.spec(offset);
        StatCounters::Kind kind = StatCounters::Kind::None;
        if (s && s->access == Access::ReadClear)
            kind = s->bits == 64 && offset == s->offset ? StatCounters::Kind::Low64 : StatCounters::Kind::Counter32;
        m_counters.set_kind(offset, kind);
    }
}

void Nic82540em::add_stat(uint32_t offset, uint64_t amount) {
    if (!m_counters.add(offset, amount)) not_a_stat(offset);
}

void Nic82540em::not_a_stat(uint32_t offset) {
    diagnostic("add-stat", "offset " + hex(offset) + " is not a statistics counter");
}

// ---- the register file's handlers ----

void Nic82540em::wire_registers() {
    m_regs.events().written = [this](uint32_t offset, uint32_t stored) { register_written(offset, stored); };
    m_regs.events().unknown = [this](bool write, uint32_t offset, uint32_t value) {
        unknown_register(write, offset, value);
    };
    m_regs.events().note = [this](RegisterFile::Note kind, uint32_t offset, uint32_t value) {
        register_note(kind, offset, value);
    };
    m_regs.handlers(CTRL).on_write = [this](uint32_t v) { write_ctrl(v); };
    m_regs.handlers(STATUS).peek = [this] { return status_value(); };
    m_regs.handlers(EERD).peek = [this] { return m_eeprom.eerd(); };
    m_regs.handlers(EERD).on_write = [this](uint32_t v) { write_eerd(v); };
    m_regs.handlers(EECD).peek = [this] { return m_eeprom.eecd(); };
    m_regs.handlers(EECD).on_write = [this](uint32_t v) { write_eecd(v); };
    m_regs.handlers(MDIC).peek = [this] { return m_mdio.value(); };
    m_regs.handlers(MDIC).on_write = [this](uint32_t v) { write_mdic(v); };
    m_regs.handlers(PBA).on_write = [this](uint32_t v) { write_pba(v); };
    wire_interrupt_registers();
    m_regs.check_bindings();
}

void Nic82540em::wire_interrupt_registers() {
    RegisterFile::Handlers& icr = m_regs.handlers(ICR);
    icr.peek = [this] { return m_irq.icr(); };
    icr.poke = [this](uint32_t v) {
        m_irq.set_icr(v);
        update_irq();
    };
    icr.on_read = [this] {
        const uint32_t v = m_irq.read_icr();
        update_irq();
        return v;
    };
    icr.on_write = [this](uint32_t v) {
        m_irq.write_icr(v);
        interrupt_registers_changed();
    };
    RegisterFile::Handlers& ims = m_regs.handlers(IMS);
    ims.peek = [this] { return m_irq.ims(); };
    ims.poke = [this](uint32_t v) {
        m_irq.set_ims(v);
        update_irq();
    };
    ims.on_write = [this](uint32_t v) {
        m_irq.write_ims(v);
        interrupt_registers_changed();
    };
    m_regs.handlers(ICS).on_write = [this](uint32_t v) {
        m_irq.write_ics(v);
        interrupt_registers_changed();
    };
    m_regs.handlers(IMC).on_write = [this](uint32_t v) {
        m_irq.write_imc(v);
        interrupt_registers_changed();
    };
    RegisterFile::Handlers& itr = m_regs.handlers(ITR);
    itr.peek = [this] { return m_irq.itr(); };
    itr.poke = [this](uint32_t v) { m_irq.write_itr(v); };
    itr.on_write = [this](uint32_t v) {
        m_irq.write_itr(v);
        interrupt_registers_changed();
    };
    wire_delay_timer(TIDV, true);
    wire_delay_timer(TADV, false);
    wire_delay_timer(RDTR, true);
    wire_delay_timer(RADV, false);
}

// The four moderation timers' registers live in Interrupts. TIDV and RDTR also carry FPD: a write stores the delay,
// lets the data path flush its partial descriptor write-back, then flushes the timer.
void Nic82540em::wire_delay_timer(uint32_t offset, bool flushes) {
    RegisterFile::Handlers& h = m_regs.handlers(offset);
    const bool tx = offset == TIDV || offset == TADV;
    if (flushes) {
        auto set = tx ? &Interrupts::write_tidv : &Interrupts::write_rdtr;
        h.peek = [this, tx] { return tx ? m_irq.tidv() : m_irq.rdtr(); };
        h.poke = [this, set](uint32_t v) { (m_irq.*set)(v & ~delay::FPD::mask, now_ns()); };
        h.on_write = [this, set, offset](uint32_t v) {
            const uint64_t now = now_ns();
            (m_irq.*set)(v & ~delay::FPD::mask, now);
            m_dp->register_written(offset, v);
            (m_irq.*set)(v, now);
            interrupt_registers_changed();
        };
    } else {
        auto set = tx ? &Interrupts::write_tadv : &Interrupts::write_radv;
        h.peek = [this, tx] { return tx ? m_irq.tadv() : m_irq.radv(); };
        h.poke = [this, set](uint32_t v) { (m_irq.*set)(v); };
        h.on_write = [this, set](uint32_t v) {
            (m_irq.*set)(v);
            interrupt_registers_changed();
        };
    }
}

void Nic82540em::interrupt_registers_changed() {
    update_irq();
    wake();
}

void Nic82540em::register_written(uint32_t offset, uint32_t stored) {
    m_dp->register_written(offset, stored);
    changed();
}

void Nic82540em::unknown_register(bool write, uint32_t offset, uint32_t value) {
    ++m_stats.unknown_accesses;
    if (write)
        diagnostic("unknown-register",
                   "write of " + hex(value) + " to unimplemented register " + hex(offset) + " ignored");
    else
        diagnostic("unknown-register", "read of unimplemented register " + hex(offset) + " returns 0");
}

void Nic82540em::register_note(RegisterFile::Note kind, uint32_t offset, uint32_t value) {
    const RegisterSpec* s = m_regs.spec(offset);
    const std::string reg = std::string(s ? s->name : "?") + " (" + hex(offset) + ")";
    switch (kind) {
        case RegisterFile::Note::ReadOnlyWrite:
            note("ro-write", "write of " + hex(value) + " to read-only register " + reg + " ignored");
            return;
        case RegisterFile::Note::AbsentRead:
            note("absent-register", "read of " + reg + ", a register of other 8254x/8257x parts, returns 0");
            return;
        case RegisterFile::Note::AbsentWrite:
            note("absent-register",
                 "write of " + hex(value) + " to " + reg + ", a register of other 8254x/8257x parts, ignored");
            return;
    }
}

void Nic82540em::write_ctrl(uint32_t value) {
    if (ctrl::RST::get(value)) {
        software_reset();
        return;
    }
    const bool was_up = link_up();
    const uint32_t stored = m_regs.store(CTRL, value);  // RST is outside the write mask
    write_phy_reset(ctrl::PHY_RST::get(value));
    link_changed(was_up);
    m_dp->register_written(CTRL, stored);
}

void Nic82540em::write_eerd(uint32_t value) {
    if (!m_eeprom.write_eerd(value))
        diagnostic("eeprom-address", "EERD read of word " + hex(eerd::ADDR::get(value)) + " beyond the 64 words");
    wake();
}

// PBA: software sets RXA (KB of receive packet buffer); TXA, read-only, is the rest of the 64 KB (8254x manual,
// section 13.4.16).
void Nic82540em::write_pba(uint32_t value) {
    const uint32_t rxa = m_regs.store(PBA, value);
    m_regs.word(PBA) = rxa | ((rxa <= 64 ? 64 - rxa : 0) << 16);
}

// ---- the register file as software sees it ----

uint32_t Nic82540em::read_register(uint32_t offset) {
    software_access();
    ++m_stats.reg_reads;
    if (offset >= kBar0Size) {
        diagnostic("register-offset", "read of offset " + hex(offset) + " outside the 128 KiB register space");
        return 0;
    }
    return m_regs.read(offset & ~3u);
}

void Nic82540em::write_register(uint32_t offset, uint32_t value, uint8_t byte_enables) {
    software_access();
    ++m_stats.reg_writes;
    if (offset >= kBar0Size) {
        diagnostic("register-offset", "write of offset " + hex(offset) + " outside the 128 KiB register space");
        return;
    }
    m_regs.write(offset & ~3u, value, byte_enables);
}

// ---- the PCI target ----

bool Nic82540em::target_claim(const pci::TargetAccess& a) {
    if (pci::cmd_is_config(a.cmd)) return a.idsel && ((a.addr >> 8) & 7u) == 0 && (a.addr & 3u) == 0;
    if (pci::cmd_is_memory(a.cmd)) return m_cfg.memory_offset(a.addr) >= 0;
    if (pci::cmd_is_io(a.cmd)) return m_cfg.io_offset(a.addr) >= 0;
    return false;
}

pci::TargetReply Nic82540em::target_read(const pci::TargetAccess& a, uint64_t& data) {
    software_access();  // software sees a completion of this instant, as when the port's own method reported it
    if (pci::cmd_is_config(a.cmd)) {
        ++m_stats.config_reads;
        data = m_cfg.read(static_cast<uint16_t>(a.addr & 0xFCu));
        return a.phase == 0 ? pci::TargetReply::Data : pci::TargetReply::Retry;  // single-dword cycles
    }
    if (pci::cmd_is_io(a.cmd)) {
        const int64_t off = m_cfg.io_offset(a.addr);
        if (off < 0 || a.phase != 0) return pci::TargetReply::Retry;
        data = (off & 4) ? read_register(m_ioaddr) : m_ioaddr;
        return pci::TargetReply::Data;
    }
    const int64_t off = m_cfg.memory_offset(a.addr);
    if (off < 0) return pci::TargetReply::Retry;  // burst ran past BAR0: disconnect without data
    data = read_register(static_cast<uint32_t>(off));
    return off + 4 >= kBar0Size ? pci::TargetReply::Disconnect : pci::TargetReply::Data;
}

pci::TargetReply Nic82540em::target_write_ready(const pci::TargetAccess& a) {
    // Configuration and I/O cycles move one dword; a memory burst may not run past BAR0. Refused phases end the
    // transaction without data (disconnect), before the master's data is accepted.
    if (pci::cmd_is_config(a.cmd)) return a.phase == 0 ? pci::TargetReply::Data : pci::TargetReply::Retry;
    if (pci::cmd_is_io(a.cmd))
        return a.phase == 0 && m_cfg.io_offset(a.addr) >= 0 ? pci::TargetReply::Data : pci::TargetReply::Retry;
    return m_cfg.memory_offset(a.addr) >= 0 ? pci::TargetReply::Data : pci::TargetReply::Retry;
}

pci::TargetReply Nic82540em::target_write(const pci::TargetAccess& a, uint64_t data, uint8_t byte_enables) {
    software_access();
    const uint32_t v = static_cast<uint32_t>(data);
    if (pci::cmd_is_config(a.cmd)) {
        ++m_stats.config_writes;
        const unsigned changes = m_cfg.write(static_cast<uint16_t>(a.addr & 0xFCu), v, byte_enables);

        if (changes & ConfigSpace::kPowerUp) power_up_reset();
        if (changes & (ConfigSpace::kPowerDown | ConfigSpace::kPowerUp)) {
            update_irq();
            wake();
        }
        if (changes & (ConfigSpace::kMasterConfig | ConfigSpace::kCommandChanged)) update_master_config();
        if (changes & ConfigSpace::kCommandChanged) {
            m_target.set_parity_response(m_cfg.parity_response(), m_cfg.serr_enabled());
            update_irq();
            wake();
        }
        return pci::TargetReply::Disconnect;  // no further phase
    }
    if (pci::cmd_is_io(a.cmd)) {
        const int64_t off = m_cfg.io_offset(a.addr);
        if (off < 0) return pci::TargetReply::Disconnect;
        if (off & 4) {
            write_register(m_ioaddr, v, byte_enables);
        } else {
            uint32_t mask = 0;
            for (unsigned b = 0; b < 4; ++b)
                if (byte_enables & (1u << b)) mask |= 0xFFu << (8 * b);
            m_ioaddr = (m_ioaddr & ~mask) | (v & mask);
        }
        return pci::TargetReply::Disconnect;
    }
    const int64_t off = m_cfg.memory_offset(a.addr);
    if (off < 0) return pci::TargetReply::Disconnect;
    write_register(static_cast<uint32_t>(off), v, byte_enables);
    return off + 4 >= kBar0Size ? pci::TargetReply::Disconnect : pci::TargetReply::Data;
}

void Nic82540em::target_parity_error(const pci::TargetAccess& a, bool address_phase) {
    uint16_t bits = pci::cfg::kStsDetectedParity;
    if (address_phase && m_cfg.serr_enabled() && m_cfg.parity_response()) bits |= pci::cfg::kStsSignaledSystemError;
    m_cfg.set_status_bits(bits);
    diagnostic("parity", std::string(address_phase ? "address" : "data") + " parity error as target at " + hex(a.addr));
}

}  // namespace nicsim::nic
