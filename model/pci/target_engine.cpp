#include "target_engine.h"

namespace nicsim::pci {

namespace {
constexpr uint32_t kTargetStsLines = kTrdy | kStop | kDevsel | kAck64;  // released with a clock driven high
constexpr unsigned kNoDevice = ~0u;

bool asserted_in(const Drive& d, Line line) {
    return (d.oe & line) && !(d.level & line);
}
}  // namespace

struct PciTargetEngine::Impl {
    enum class St : uint8_t { Idle, DacHi, Claimed, Other };
    enum class Post : uint8_t { None, Stop, Abort };  // what a completed write phase asked for the next one

    St st = St::Idle;
    bool prev_frame = false;  // FRAME# asserted on the previous ticked edge
    TargetAccess acc;
    bool write = false;
    bool req64 = false;
    unsigned clk = 0;         // clocks since the (final) address phase
    unsigned devsel_clk = 0;  // clock (counted like clk) on which DEVSEL# is driven: visible one clock later
    unsigned wait_left = 0;
    bool devsel_on = false;      // DEVSEL# driven asserted (this tick or before)
    bool phase_open = false;     // TRDY#/STOP# driven for a data phase that has not completed yet
    bool stopping = false;       // STOP# held until the master's final phase
    bool completed_now = false;  // a data phase completed on this edge: the next one's C/BE# are not visible yet
    Post post = Post::None;

    Drive drv;
    Drive vis;  // what this engine drove on the previous tick (visible now)
    uint32_t release_next = 0;
    bool bad_read_hold = false;

    bool apar_check = false;
    uint32_t apar_ad = 0;
    uint8_t apar_cbe = 0xF;
    bool wpar_check = false;
    uint64_t wpar_ad = 0;
    uint8_t wpar_cbe = 0xFF;
    bool wpar_hi = false;
    bool perr_on = false;
    bool serr_on = false;

    bool perr_enable = false;
    bool serr_enable = false;
    unsigned device = kNoDevice;
};

PciTargetEngine::PciTargetEngine(PciBus& bus, const std::string& name, TargetClient& client)
    : m(new Impl), m_bus(bus), m_client(client), m_driver(bus.attach(name)) {}

PciTargetEngine::~PciTargetEngine() {
    delete m;
}

void PciTargetEngine::set_parity_response(bool perr_enable, bool serr_enable) {
    m->perr_enable = perr_enable;
    m->serr_enable = serr_enable;
}

void PciTargetEngine::set_idsel_device(unsigned device) {
    m->device = device;
}

bool PciTargetEngine::active() const {
    return m->st == Impl::St::Claimed || m->st == Impl::St::DacHi || m->drv.oe != 0 || m->release_next != 0 ||
           m->apar_check || m->wpar_check || m->perr_on || m->serr_on;
}

bool PciTargetEngine::steady() const {
    const Impl& s = *m;
    const Lines& l = m_bus.lines();
    if (!l.rst_n || s.st != Impl::St::Claimed || !s.prev_frame || !l.asserted(kFrame) || !l.asserted(kIrdy))
        return false;
    if (!asserted_in(s.drv, kTrdy) || asserted_in(s.drv, kStop) || !s.devsel_on) return false;
    if (s.post != Impl::Post::None || s.stopping || s.wait_left != 0 || m_timing.burst_wait != 0) return false;
    if (s.apar_check || s.perr_on || s.serr_on || s.bad_read_hold || m_faults.bad_read_parity) return false;
    if (!s.wpar_check) return true;
    bool ok = l.high(kPar) == parity_of(static_cast<uint32_t>(s.wpar_ad), s.wpar_cbe & 0xF);
    if (s.wpar_hi) ok = ok && l.high(kPar64) == parity_of(static_cast<uint32_t>(s.wpar_ad >> 32), s.wpar_cbe >> 4);
    return ok;
}

bool PciTargetEngine::quiet() const {
    const Impl& s = *m;
    const Lines& l = m_bus.lines();
    if (!l.rst_n || active() || (s.st != Impl::St::Other && s.st != Impl::St::Idle)) return false;
    return !l.asserted(kFrame) || s.prev_frame;
}

const TargetAccess& PciTargetEngine::access() const {
    return m->acc;
}

bool PciTargetEngine::writing() const {
    return m->write;
}

void PciTargetEngine::reset() {
    const bool claimed = m->st == Impl::St::Claimed;
    const TargetAccess acc = m->acc;
    const bool perr = m->perr_enable, serr = m->serr_enable;
    const unsigned dev = m->device;
    *m = Impl{};
    m->perr_enable = perr;
    m->serr_enable = serr;
    m->device = dev;
    m_bus.drive(m_driver, Drive{});
    if (claimed) m_client.target_end(acc);
}

void PciTargetEngine::end_claim(Drive& d) {
    Impl& s = *m;
    const uint32_t on = d.oe & kTargetStsLines;
    d.level |= on;  // deasserted for one clock, released on the next
    s.release_next |= on;
    d.release(kAdLo | kAdHi);
    s.st = Impl::St::Idle;
    s.stopping = false;
    s.phase_open = false;
    s.devsel_on = false;
    s.post = Impl::Post::None;
    s.bad_read_hold = false;
    m_client.target_end(s.acc);
}

void PciTargetEngine::decode(Drive& d, const Lines& l) {
    Impl& s = *m;
    s.clk = 0;
    s.write = cmd_is_write(s.acc.cmd);
    s.acc.wide = s.req64 && m_bus.is64() && m_timing.ack64 && cmd_is_memory(s.acc.cmd);
    s.acc.phase = 0;
    if (!m_client.target_claim(s.acc)) {
        s.st = Impl::St::Other;
        return;
    }
    ++m_stats.claims;
    s.st = Impl::St::Claimed;
    s.devsel_clk = static_cast<unsigned>(m_timing.devsel);
    s.wait_left = m_timing.initial_wait;
    s.devsel_on = false;
    s.phase_open = false;
    s.stopping = false;
    s.post = Impl::Post::None;
    claimed_tick(d, l);
}

// Answers one data phase: TRDY#, STOP#, read data (a decision taken now is visible on the next clock).
void PciTargetEngine::decide(Drive& d, const Lines& l) {
    Impl& s = *m;
    if (s.wait_left > 0) {
        --s.wait_left;
        ++m_stats.wait_states;
        return;
    }
    TargetReply r;
    uint64_t data = 0;
    if (s.post == Impl::Post::Abort) {
        r = TargetReply::Abort;
    } else if (s.post == Impl::Post::Stop) {
        r = TargetReply::Retry;
    } else if (s.write) {
        r = m_client.target_write_ready(s.acc);
    } else {
        const uint8_t all = s.acc.wide ? 0xFF : 0x0F;
        s.acc.byte_enables = s.completed_now ? all : static_cast<uint8_t>(~l.cbe_n) & all;
        r = m_client.target_read(s.acc, data);
    }
    switch (r) {
        case TargetReply::Wait:
            ++m_stats.wait_states;
            return;
        case TargetReply::Data:
            d.assert_n(kTrdy, true);
            break;
        case TargetReply::Disconnect:
            d.assert_n(kTrdy, true);
            d.assert_n(kStop, true);
            ++m_stats.disconnects;
            break;
        case TargetReply::Retry:
            d.assert_n(kStop, true);
            if (s.acc.phase == 0)
                ++m_stats.retries;
            else if (s.post != Impl::Post::Stop)
                ++m_stats.disconnects;
            break;
        case TargetReply::Abort:
            if (!asserted_in(s.vis, kDevsel)) {  // DEVSEL# must have been seen asserted before a target abort
                s.post = Impl::Post::Abort;
                return;
            }
            d.assert_n(kStop, true);
            d.assert_n(kDevsel, false);
            if (d.oe & kAck64) d.assert_n(kAck64, false);
            ++m_stats.aborts;
            break;
    }
    s.post = Impl::Post::None;
    s.phase_open = true;
    if (!s.write && (r == TargetReply::Data || r == TargetReply::Disconnect)) {
        d.oe |= kAdLo;
        if (s.acc.wide) d.oe |= kAdHi;
        d.ad = s.acc.wide ? data : (data & 0xFFFFFFFFull);
        if (m_faults.bad_read_parity) {
            m_faults.bad_read_parity = false;
            s.bad_read_hold = true;
        }
    }
    (void)l;
}

// The data phase completes with TRDY#: writes hand their data to the client; `continues` (FRAME# held, no STOP#):
// a write's reply shapes the next phase.
[[gnu::always_inline]] inline void PciTargetEngine::complete_phase(const Lines& l, bool continues) {
    Impl& s = *m;
    s.completed_now = true;
    ++m_stats.data_phases;
    if (s.write) {
        const uint64_t data = s.acc.wide ? l.ad : (l.ad & 0xFFFFFFFFull);
        const uint8_t be = static_cast<uint8_t>(~l.cbe_n) & (s.acc.wide ? 0xFF : 0x0F);
        s.wpar_check = true;
        s.wpar_ad = l.ad;
        s.wpar_cbe = l.cbe_n;
        s.wpar_hi = s.acc.wide;
        const TargetReply r = m_client.target_write(s.acc, data, be);
        if (continues) {  // the phase is already accepted: the reply shapes the next one
            if (r == TargetReply::Disconnect || r == TargetReply::Retry)
                s.post = Impl::Post::Stop;
            else if (r == TargetReply::Abort)
                s.post = Impl::Post::Abort;
            else if (r == TargetReply::Wait)
                ++s.wait_left;
            if (s.post == Impl::Post::Stop) ++m_stats.disconnects;
        }
    }
    s.acc.addr += s.acc.wide ? 8 : 4;
    ++s.acc.phase;
    s.wait_left += m_timing.burst_wait;
    s.bad_read_hold = false;
}

void PciTargetEngine::claimed_tick(Drive& d, const Lines& l) {
    Impl& s = *m;
    const bool frame = l.asserted(kFrame), irdy = l.asserted(kIrdy);
    const bool trdy_vis = asserted_in(s.vis, kTrdy), stop_vis = asserted_in(s.vis, kStop);
    s.completed_now = false;
    if (s.clk > 0 && !frame && !irdy) {  // the master is gone (it master-aborted before we answered)
        end_claim(d);
        return;
    }
    if (irdy && (trdy_vis || stop_vis)) {
        if (trdy_vis) complete_phase(l, !stop_vis && frame);
        if (!frame) {
            end_claim(d);
            return;
        }
        if (stop_vis) {
            if (trdy_vis) d.assert_n(kTrdy, false);
            s.stopping = true;
            return;
        }
        d.assert_n(kTrdy, false);
        s.phase_open = false;
    }
    if (s.stopping || s.phase_open) return;
    if (!s.devsel_on && s.clk >= s.devsel_clk) {  // DEVSEL# asserted; TRDY# and STOP# driven (high) with it
        d.assert_n(kDevsel, true);
        if (s.acc.wide) d.assert_n(kAck64, true);
        d.assert_n(kTrdy, false);
        d.assert_n(kStop, false);
        s.devsel_on = true;
    }
    if (!s.write && s.devsel_on && s.clk >= 1 && !(d.oe & kAdLo)) {  // a claimed read: AD driven after turnaround
        d.oe |= s.acc.wide ? (kAdLo | kAdHi) : kAdLo;
        d.ad = 0;
    }
    if (s.devsel_on && s.clk >= (s.write ? 0u : 1u)) decide(d, l);  // reads: AD turnaround clock first
}

// The helpers of the per-clock functions are always inlined, defined and called in this file only: the compiler folds
// them back into their one caller, so the split by protocol phase costs no call per clock.

// PAR/PAR64 for read data driven on the previous clock, over the C/BE# the master drives now (PCI Local Bus
// Specification 2.3, section 3.7.1).
[[gnu::always_inline]] inline void PciTargetEngine::drive_read_parity(Drive& d, const Lines& l) {
    const Impl& s = *m;
    const bool bad = s.bad_read_hold;
    if (s.vis.oe & kAdLo)
        d.set(kPar, parity_of(static_cast<uint32_t>(s.vis.ad), l.cbe_n & 0xF) != bad);
    else
        d.release(kPar);
    if (s.vis.oe & kAdHi)
        d.set(kPar64, parity_of(static_cast<uint32_t>(s.vis.ad >> 32), l.cbe_n >> 4) != bad);
    else
        d.release(kPar64);
}

// Address parity (SERR#) and write data parity (PERR#) one clock after the phase they cover, and the end of the
// one-clock SERR# and PERR# pulses (PCI Local Bus Specification 2.3, sections 3.7.3 and 3.7.4).
[[gnu::always_inline]] inline void PciTargetEngine::check_parity(Drive& d, const Lines& l) {
    Impl& s = *m;
    if (s.serr_on) {  // open drain: one clock low, then the pull-up
        d.release(kSerr);
        s.serr_on = false;
    }
    if (s.perr_on) {
        d.assert_n(kPerr, false);
        s.release_next |= kPerr;
        s.perr_on = false;
    }
    if (s.apar_check) {
        s.apar_check = false;
        if (l.high(kPar) != parity_of(s.apar_ad, s.apar_cbe)) {
            ++m_stats.parity_errors;
            m_client.target_parity_error(s.acc, true);
            if (s.perr_enable && s.serr_enable) {
                d.assert_n(kSerr, true);
                s.serr_on = true;
            }
        }
    }
    if (!s.wpar_check) return;
    s.wpar_check = false;
    bool ok = l.high(kPar) == parity_of(static_cast<uint32_t>(s.wpar_ad), s.wpar_cbe & 0xF);
    if (s.wpar_hi) ok = ok && l.high(kPar64) == parity_of(static_cast<uint32_t>(s.wpar_ad >> 32), s.wpar_cbe >> 4);
    if (ok) return;
    ++m_stats.parity_errors;
    m_client.target_parity_error(s.acc, false);
    if (s.perr_enable) {
        d.assert_n(kPerr, true);
        s.release_next &= ~kPerr;
        s.perr_on = true;
    }
}

// Someone else's transaction or an idle bus, with nothing driven and no parity or release pending: the full tick
// would only note FRAME# and the end of that transaction, so a bystander does just that (true), unless FRAME# starts
// an address phase it has to decode.
[[gnu::always_inline]] inline bool PciTargetEngine::quiet_bystander(const Lines& l) {
    Impl& s = *m;
    if ((s.st != Impl::St::Other && s.st != Impl::St::Idle) || s.drv.oe != 0 || s.release_next != 0 || s.apar_check ||
        s.wpar_check || s.perr_on || s.serr_on)
        return false;
    const bool frame = l.asserted(kFrame);
    if (frame && !s.prev_frame) return false;
    s.prev_frame = frame;
    if (s.st == Impl::St::Other && l.idle()) s.st = Impl::St::Idle;
    return true;
}

// FRAME# newly asserted: latch the (first) address phase; a DAC waits for its second.
[[gnu::always_inline]] inline void PciTargetEngine::address_phase(Drive& d, const Lines& l) {
    Impl& s = *m;
    if (s.st == Impl::St::Claimed) end_claim(d);  // a new transaction without an idle clock
    s.acc = TargetAccess{};
    s.acc.cmd = static_cast<Cmd>(l.cbe_n & 0xF);
    s.acc.addr = static_cast<uint32_t>(l.ad);
    s.acc.idsel = s.device != kNoDevice && ((l.idsel >> s.device) & 1u);
    s.req64 = m_bus.is64() && l.asserted(kReq64);
    s.apar_check = true;
    s.apar_ad = static_cast<uint32_t>(l.ad);
    s.apar_cbe = l.cbe_n & 0xF;
    if (s.acc.cmd == Cmd::DualAddress)
        s.st = Impl::St::DacHi;
    else
        decode(d, l);
}

// The clocks after the address phase: a DAC's second address, the claimed transaction, or someone else's.
[[gnu::always_inline]] inline void PciTargetEngine::follow(Drive& d, const Lines& l) {
    Impl& s = *m;
    switch (s.st) {
        case Impl::St::DacHi:
            s.acc.addr |= static_cast<uint64_t>(static_cast<uint32_t>(l.ad)) << 32;
            s.acc.cmd = static_cast<Cmd>(l.cbe_n & 0xF);
            s.apar_check = true;
            s.apar_ad = static_cast<uint32_t>(l.ad);
            s.apar_cbe = l.cbe_n & 0xF;
            decode(d, l);
            break;
        case Impl::St::Claimed:
            ++s.clk;
            claimed_tick(d, l);
            break;
        case Impl::St::Other:
            if (l.idle()) s.st = Impl::St::Idle;
            break;
        case Impl::St::Idle:
            break;
    }
}

// tick() on an edge steady() held for: the claimed burst's data phase completes with TRDY# (FRAME# and IRDY# held,
// no STOP#, no parity error, pulse or release pending but the s/t/s lines' own) and the next one is answered.
void PciTargetEngine::steady_tick() {
    Impl& s = *m;
    const Lines& l = m_bus.lines();
    s.vis = s.drv;
    Drive d = s.drv;
    d.release(s.release_next);
    s.release_next = 0;
    drive_read_parity(d, l);
    s.wpar_check = false;  // steady(): the previous write phase's PAR was good
    ++s.clk;
    complete_phase(l, true);
    d.assert_n(kTrdy, false);
    s.phase_open = false;
    if (!s.write && !(d.oe & kAdLo)) {
        d.oe |= s.acc.wide ? (kAdLo | kAdHi) : kAdLo;
        d.ad = 0;
    }
    decide(d, l);
    s.drv = d;
    m_bus.drive(m_driver, d);
}

void PciTargetEngine::tick() {
    Impl& s = *m;
    const Lines& l = m_bus.lines();
    if (!l.rst_n) {
        if (s.st != Impl::St::Idle || s.drv.oe) reset();
        s.prev_frame = false;
        return;
    }
    if (quiet_bystander(l)) return;  // drives nothing: what it drove before is read by no check this tick
    s.vis = s.drv;
    Drive d = s.drv;
    d.release(s.release_next);
    s.release_next = 0;
    drive_read_parity(d, l);
    check_parity(d, l);
    const bool frame = l.asserted(kFrame);
    const bool address = frame && !s.prev_frame;
    s.prev_frame = frame;
    if (address)
        address_phase(d, l);
    else
        follow(d, l);
    s.drv = d;
    m_bus.drive(m_driver, d);
}

}  // namespace nicsim::pci
