#include "master_engine.h"

#include <sstream>

#include "byte_lanes.h"

namespace nicsim::pci {

namespace {
constexpr uint64_t k4GiB = 1ull << 32;
constexpr uint32_t kParkLines = kAdLo | kCbeLo | kPar;  // what a parked master drives
constexpr unsigned kMasterAbortClock = 4;  // clocks after the address phase: DEVSEL# due by clock 5 (subtractive)
constexpr unsigned kRetryHoldoff = 2;      // clocks REQ# stays deasserted after a Retry
}  // namespace

const char* master_status_name(MasterStatus s) {
    switch (s) {
        case MasterStatus::Ok:
            return "Ok";
        case MasterStatus::MasterAbort:
            return "MasterAbort";
        case MasterStatus::TargetAbort:
            return "TargetAbort";
        case MasterStatus::RetryLimit:
            return "RetryLimit";
        case MasterStatus::ParityError:
            return "ParityError";
    }
    return "?";
}

struct PciMasterEngine::Impl {
    enum class St : uint8_t {
        Idle,    // no request
        Fail,    // request refused before touching the bus: completes on the next tick
        Req,     // REQ# asserted, waiting for GNT# on an idle bus
        AddrLo,  // DAC low dword visible now: drive the high dword and the real command
        Addr,    // (final) address phase visible now: drive the first data phase
        Data,    // a data phase is visible now
        Abort2,  // master abort: FRAME# was deasserted, now IRDY#
    };
    enum class Term : uint8_t { None, Retry, Disconnect, TargetAbort, MasterAbort };

    St st = St::Idle;
    MasterStatus fail_status = MasterStatus::Ok;
    MasterRequest rq;
    uint64_t s0 = 0, e0 = 0;  // request byte range
    uint64_t done_to = 0;     // bytes below this address have moved
    bool rq_parity = false;   // parity error seen for this request
    unsigned consec_retries = 0;
    unsigned holdoff = 0;
    bool req = false;

    // The transaction in progress.
    Cmd cmd = Cmd::MemRead;
    bool write = false;
    bool dac = false;
    bool wide = false;   // REQ64# asserted
    bool ack64 = false;  // ACK64# seen with DEVSEL#
    bool devsel_seen = false;
    uint64_t tx_start = 0, tx_end = 0;
    uint64_t addr_ad = 0;  // AD of the (first) address phase
    uint64_t P = 0;        // address of the data phase on the bus
    unsigned w = 4;        // its width in bytes (8 while a 64-bit transfer may still be acknowledged)
    bool last = false;     // FRAME# deasserted with this data phase
    bool irdy_on = false;  // IRDY# asserted as driven on the previous tick (visible now)
    bool moved = false;    // a data phase completed with TRDY# in this transaction
    bool lt_ended = false;
    bool idsel_on = false;
    Term term = Term::None;
    unsigned clk = 0;     // clocks since the final address phase
    unsigned lt_clk = 0;  // clocks since FRAME# was asserted (latency timer)
    unsigned cls = 0;     // cache line in bytes for this transaction

    // The lines this engine drives.
    Drive drv;
    uint32_t release_next = 0;   // s/t/s lines driven high this tick, released on the next
    bool par_bad = false;        // invert PAR covering the AD driven now (fault injection)
    bool bad_data_hold = false;  // keep the inverted PAR for the whole faulty data phase
    bool parked = false;

    // Parity checking.
    bool rd_check = false;  // a read data phase completed on the previous edge: check PAR now
    uint64_t rd_ad = 0;
    uint8_t rd_cbe = 0xFF;
    bool rd_hi = false;
    uint8_t perr_watch = 0;  // bit 0: sample PERR# on this tick (writes: two clocks after the data phase)
    bool perr_on = false;    // PERR# asserted as driven on the previous tick

    // A request whose bus work is over but whose PERR# window is still open.
    bool done_pending = false;
    MasterRequest done_rq;
    MasterStatus done_status = MasterStatus::Ok;
    uint32_t done_bytes = 0;
    bool done_parity = false;
};

PciMasterEngine::PciMasterEngine(PciBus& bus, const std::string& name, MasterClient& client)
    : m(new Impl), m_bus(bus), m_client(client), m_driver(bus.attach(name)), m_master(bus.add_master(name)) {}

PciMasterEngine::~PciMasterEngine() {
    delete m;
}

bool PciMasterEngine::busy() const {
    return m->st != Impl::St::Idle || m->done_pending;
}
bool PciMasterEngine::can_start() const {
    return m->st == Impl::St::Idle;
}
bool PciMasterEngine::parked() const {
    return m->parked;
}

bool PciMasterEngine::needs_tick() const {
    if (m->st != Impl::St::Idle || m->done_pending || m->release_next || m->rd_check || m->perr_watch || m->perr_on)
        return true;
    const Lines& l = m_bus.lines();
    if ((l.rst_n && l.gnt(m_master) && l.idle()) != m->parked) return true;  // start or end bus parking
    if (m->drv.oe & ~kParkLines) return true;
    if (m->parked) return (m->drv.oe & kPar) == 0;  // PAR follows AD one clock later, then the park is stable
    return (m->drv.oe & kParkLines) != 0;           // still releasing a park
}

bool PciMasterEngine::steady() const {
    const Impl& s = *m;
    const Lines& l = m_bus.lines();
    if (!l.rst_n || s.st != Impl::St::Data || !s.irdy_on || s.last || s.done_pending || s.perr_on) return false;
    if (!l.asserted(kTrdy) || l.asserted(kStop) || !l.asserted(kDevsel) || l.asserted(kPerr)) return false;
    if (s.par_bad || s.bad_data_hold || m_faults.bad_data_parity) return false;
    if (!s.rd_check) return true;
    bool ok = l.high(kPar) == parity_of(static_cast<uint32_t>(s.rd_ad), s.rd_cbe & 0xF);
    if (s.rd_hi) ok = ok && l.high(kPar64) == parity_of(static_cast<uint32_t>(s.rd_ad >> 32), s.rd_cbe >> 4);
    return ok;
}

void PciMasterEngine::reset() {
    if (m->idsel_on) m_bus.set_idsel(0);
    *m = Impl{};  // the owner resets itself too: the dropped request is not reported
    m_bus.drive(m_driver, Drive{});
    m_bus.set_req(m_master, false);
}

void PciMasterEngine::start(const MasterRequest& rq) {
    if (m->st != Impl::St::Idle) {
        SC_REPORT_ERROR("nicsim/pci/master/busy", "start() while a request is still on the bus");
        return;
    }
    m->rq = rq;
    m->s0 = rq.addr;
    m->e0 = rq.addr + rq.len;
    m->done_to = rq.addr;
    m->rq_parity = false;
    m->consec_retries = 0;
    m->holdoff = 0;
    m->st = Impl::St::Req;

    const char* bad = nullptr;
    const Cmd c = rq.cmd;
    if (rq.len == 0) {
        m->st = Impl::St::Fail;
        m->fail_status = MasterStatus::Ok;
        return;
    }
    if (rq.data == nullptr)
        bad = "no data buffer";
    else if (m->e0 < m->s0)
        bad = "address + length wraps past 2^64";
    else if (cmd_is_io(c) || cmd_is_config(c)) {
        if ((rq.addr & 3u) + rq.len > 4)
            bad = "I/O and configuration requests move at most one dword";
        else if (cmd_is_io(c) && m->e0 > k4GiB)
            bad = "I/O address above 4 GiB";
        else if (cmd_is_config(c) && rq.addr > 0x7FF)
            bad = "configuration address beyond function 7 register 0xFF";
    } else if (!cmd_is_memory(c)) {
        bad = "command is not a memory, I/O or configuration command";
    }
    if (bad) {
        std::ostringstream os;
        os << cmd_name(c) << " request at 0x" << std::hex << rq.addr << " len " << std::dec << rq.len << ": " << bad;
        SC_REPORT_WARNING("nicsim/pci/master/bad-request", os.str().c_str());
        m->st = Impl::St::Fail;
        m->fail_status = MasterStatus::MasterAbort;
        return;
    }
    if (cmd_is_memory(c) && m->e0 > k4GiB && !m_config.dac_capable) {
        std::ostringstream os;
        os << "address 0x" << std::hex << (m->e0 > k4GiB && m->s0 < k4GiB ? k4GiB : m->s0)
           << " is above 4 GiB and this master is not DAC capable";
        SC_REPORT_WARNING("nicsim/pci/master/no-dac", os.str().c_str());
        m->st = Impl::St::Fail;
        m->fail_status = MasterStatus::MasterAbort;
    }
}

void PciMasterEngine::fire_done() {
    m->done_pending = false;
    MasterStatus st = m->done_status;
    if (st == MasterStatus::Ok && m->done_parity && m_config.check_parity) st = MasterStatus::ParityError;
    m_client.master_done(m->done_rq, st, m->done_bytes);
}

void PciMasterEngine::finish(MasterStatus status) {
    if (m->done_pending) fire_done();  // an older request's PERR# window is cut short
    m->done_pending = true;
    m->done_rq = m->rq;
    m->done_status = status;
    m->done_bytes = static_cast<uint32_t>(m->done_to - m->s0);
    m->done_parity = m->rq_parity;
    m->st = Impl::St::Idle;
    m->req = false;
}

// The bus command for a memory transfer from `a` to s.tx_end (PCI Local Bus Specification 2.3, sections 3.1.1
// and 3.1.2: MWI for whole cache lines, MRL within one line, MRM across lines), trimming s.tx_end where the command
// changes.
void PciMasterEngine::plan_memory_command(uint64_t a) {
    Impl& s = *m;
    const Cmd rc = s.rq.cmd;
    if (s.write) {
        s.cmd = Cmd::MemWrite;
        if (!m_config.mwi_enable || s.cls == 0) return;
        if (a % s.cls == 0 && s.tx_end - a >= s.cls) {
            s.cmd = Cmd::MemWriteInvalidate;
            s.tx_end = a + (s.tx_end - a) / s.cls * s.cls;
        } else {
            const uint64_t line_end = (a / s.cls + 1) * s.cls;  // MW up to the line, MWI after it
            if (s.tx_end >= line_end + s.cls) s.tx_end = line_end;
        }
    } else if (rc == Cmd::MemRead) {
        if (s.cls == 0 || (a >> 2) == ((s.tx_end - 1) >> 2))
            s.cmd = Cmd::MemRead;
        else if (a / s.cls == (s.tx_end - 1) / s.cls)
            s.cmd = Cmd::MemReadLine;
        else
            s.cmd = Cmd::MemReadMultiple;
    } else {
        s.cmd = rc;  // an explicit MRL or MRM
    }
}

// What the next transaction of the request moves and how: range, width, DAC, command; its per-transaction state.
void PciMasterEngine::plan_transaction() {
    Impl& s = *m;
    const uint64_t a = s.done_to;
    const Cmd rc = s.rq.cmd;
    s.tx_start = a;
    s.tx_end = s.e0;
    s.wide = false;
    s.dac = false;
    s.cls = m_config.cache_line_dwords * 4u;
    s.write = cmd_is_write(rc);
    if (cmd_is_memory(rc)) {
        if (a < k4GiB && s.e0 > k4GiB) s.tx_end = k4GiB;  // one address phase never crosses 4 GiB
        s.wide = m_bus.is64() && m_config.use_req64 && (a >> 2) != ((s.tx_end - 1) >> 2);
        const uint64_t align = s.wide ? 8 : 4;
        s.P = a & ~(align - 1);
        s.addr_ad = s.P;
        s.dac = (s.P >> 32) != 0;
        plan_memory_command(a);
    } else {
        s.cmd = rc;
        s.P = a & ~3ull;
        s.addr_ad = cmd_is_config(rc) ? (a & 0x7FCu) : a;  // type 0: AD[1:0] = 00
    }
    s.w = s.wide ? 8 : 4;
    s.ack64 = false;
    s.devsel_seen = false;
    s.moved = false;
    s.lt_ended = false;
    s.term = Impl::Term::None;
    s.irdy_on = false;
    s.lt_clk = 0;
    s.clk = 0;
}

// The (first) address phase of the next transaction of the request (GNT# sampled on an idle bus).
void PciMasterEngine::start_transaction(Drive& d) {
    Impl& s = *m;
    plan_transaction();
    d.release(kIrdy | kAdHi | kCbeHi);
    d.assert_n(kFrame, true);
    if (s.wide) d.assert_n(kReq64, true);
    d.oe |= kAdLo | kCbeLo;
    d.ad = s.dac ? (s.addr_ad & 0xFFFFFFFFu) : s.addr_ad;
    d.cbe_n =
        static_cast<uint8_t>(0xF0 | (s.dac ? static_cast<uint8_t>(Cmd::DualAddress) : static_cast<uint8_t>(s.cmd)));
    if (s.dac && s.wide) {
        // PCI Local Bus Specification 2.3, section 3.9: a DAC with REQ64# asserted carries the whole address in its
        // first phase, the high dword on AD[63:32] and the real command on C/BE#[7:4] (PAR64 covers them).
        d.oe |= kAdHi | kCbeHi;
        d.ad = s.addr_ad;
        d.cbe_n = static_cast<uint8_t>((static_cast<uint8_t>(s.cmd) << 4) | static_cast<uint8_t>(Cmd::DualAddress));
    }
    if (m_faults.bad_address_parity) {
        m_faults.bad_address_parity = false;
        s.par_bad = true;
    }
    if (cmd_is_config(s.cmd) && s.rq.idsel) {
        m_bus.set_idsel(s.rq.idsel);
        s.idsel_on = true;
    }
    ++m_stats.transactions;
    ++m_stats.by_cmd[static_cast<uint8_t>(s.cmd) & 0xF];
    if (s.dac) ++m_stats.dac_cycles;
    s.req = s.tx_end < s.e0;  // keep REQ# only when another transaction is already known to follow
    s.parked = false;
    s.st = s.dac ? Impl::St::AddrLo : Impl::St::Addr;
}

// Drives the data phase at s.P (IRDY#, byte enables, write data); FRAME# deasserted when it is the last.
void PciMasterEngine::drive_phase(Drive& d, bool last) {
    Impl& s = *m;
    uint8_t be = 0;
    uint64_t ad = 0;
    const unsigned n = s.w;
    if (s.P >= s.tx_start && s.P + n <= s.tx_end) {  // the usual phase: every byte lane inside the transfer
        be = static_cast<uint8_t>((1u << n) - 1u);
        if (s.write) ad = lanes_from_bytes(s.rq.data + (s.P - s.s0), n);
    } else {
        for (unsigned b = 0; b < n; ++b) {
            const uint64_t a = s.P + b;
            if (a < s.tx_start || a >= s.tx_end) continue;
            be |= static_cast<uint8_t>(1u << b);
            if (s.write) ad |= static_cast<uint64_t>(s.rq.data[a - s.s0]) << (8 * b);
        }
    }
    d.assert_n(kIrdy, true);
    s.irdy_on = true;
    d.oe |= kCbeLo;
    if (s.wide && s.w == 8) {
        d.oe |= kCbeHi;
        d.cbe_n = static_cast<uint8_t>(~be);
    } else {
        d.release(kCbeHi | kAdHi);
        d.cbe_n = static_cast<uint8_t>(0xF0 | (~be & 0xF));
    }
    if (s.write) {
        d.oe |= kAdLo;
        if (s.wide && s.w == 8) d.oe |= kAdHi;
        d.ad = ad;
        if (m_faults.bad_data_parity) {
            m_faults.bad_data_parity = false;
            s.bad_data_hold = true;
        }
    } else {
        d.release(kAdLo | kAdHi);
    }
    if (last) {
        d.assert_n(kFrame, false);
        s.release_next |= kFrame;
        if (s.wide) {
            d.assert_n(kReq64, false);
            s.release_next |= kReq64;
        }
    }
    s.last = last;
}

void PciMasterEngine::end_transaction(Drive& d) {
    Impl& s = *m;
    d.assert_n(kIrdy, false);
    s.release_next |= kIrdy;
    s.irdy_on = false;
    d.release(kAdLo | kAdHi | kCbeLo | kCbeHi);
    if ((d.oe & kFrame) && !(s.release_next & kFrame)) {  // FRAME# still low (cannot happen on the legal paths)
        d.assert_n(kFrame, false);
        s.release_next |= kFrame;
    }
    s.bad_data_hold = false;
    if (s.lt_ended) ++m_stats.latency_expiries;
    switch (s.term) {
        case Impl::Term::TargetAbort:
            ++m_stats.target_aborts;
            finish(MasterStatus::TargetAbort);
            return;
        case Impl::Term::MasterAbort:
            ++m_stats.master_aborts;
            finish(MasterStatus::MasterAbort);
            return;
        case Impl::Term::Retry:
            ++m_stats.retries;
            if (++s.consec_retries > m_config.max_retries) {
                finish(MasterStatus::RetryLimit);
                return;
            }
            s.holdoff = kRetryHoldoff;
            s.req = false;
            s.st = Impl::St::Req;
            return;
        case Impl::Term::Disconnect:
            ++m_stats.disconnects;
            break;
        case Impl::Term::None:
            break;
    }
    if (s.done_to < s.e0) {
        s.req = true;
        s.st = Impl::St::Req;
    } else {
        finish(MasterStatus::Ok);
    }
}

// A data phase (or the master abort's last clock) is on the bus: wait, complete it, or end the transaction.
void PciMasterEngine::data_tick(Drive& d, const Lines& l) {
    Impl& s = *m;
    ++s.clk;
    ++s.lt_clk;
    ++m_stats.busy_clocks;
    const bool trdy = l.asserted(kTrdy), stop = l.asserted(kStop), devsel = l.asserted(kDevsel);
    if (!s.devsel_seen && devsel) {
        s.devsel_seen = true;
        s.ack64 = s.wide && l.asserted(kAck64);
    }
    if (s.st == Impl::St::Abort2) {
        s.term = Impl::Term::MasterAbort;
        end_transaction(d);
        return;
    }
    if (!(s.irdy_on && (trdy || stop))) {
        wait_state(d, stop);
        return;
    }
    const unsigned moved_w = trdy ? move_data(l) : 0;
    if (stop && s.term == Impl::Term::None) {
        if (!devsel)
            s.term = Impl::Term::TargetAbort;
        else if (!s.moved)
            s.term = Impl::Term::Retry;
        else
            s.term = Impl::Term::Disconnect;
    }
    if (s.last) {
        end_transaction(d);
        return;
    }
    next_phase(d, l, moved_w);
}

// The helpers of the per-clock functions are always inlined, defined and called in this file only: the compiler folds
// them back into their one caller, so the split by protocol phase costs no call per clock.

// No TRDY# or STOP# yet: everything holds, unless no DEVSEL# came in time (master abort, PCI Local Bus
// Specification 2.3, section 3.3.3.1: FRAME# first, IRDY# on the next clock).
[[gnu::always_inline]] inline void PciMasterEngine::wait_state(Drive& d, bool stop) {
    Impl& s = *m;
    if (s.devsel_seen || stop || s.clk < kMasterAbortClock) return;
    if (s.last) {
        s.term = Impl::Term::MasterAbort;
        end_transaction(d);
        return;
    }
    d.assert_n(kFrame, false);
    s.release_next |= kFrame;
    if (s.wide) {
        d.assert_n(kReq64, false);
        s.release_next |= kReq64;
    }
    s.last = true;
    s.st = Impl::St::Abort2;
}

// The data phase completes with TRDY#: move its bytes (reads into the request's buffer) and note the parity
// obligations of its data. Returns the phase's width in bytes.
[[gnu::always_inline]] inline unsigned PciMasterEngine::move_data(const Lines& l) {
    Impl& s = *m;
    const unsigned moved_w = (s.wide && s.w == 8 && s.ack64) ? 8 : 4;
    s.moved = true;
    s.consec_retries = 0;
    ++m_stats.data_phases;
    if (s.P >= s.tx_start && s.P + moved_w <= s.tx_end) {  // every byte lane inside the transfer
        if (!s.write) bytes_from_lanes(s.rq.data + (s.P - s.s0), l.ad, moved_w);
        m_stats.bytes += moved_w;
    } else {
        for (unsigned b = 0; b < moved_w; ++b) {
            const uint64_t a = s.P + b;
            if (a < s.tx_start || a >= s.tx_end) continue;
            if (!s.write) s.rq.data[a - s.s0] = static_cast<uint8_t>(l.ad >> (8 * b));
            ++m_stats.bytes;
        }
    }
    const uint64_t end = s.P + moved_w;
    if (end > s.done_to) s.done_to = end < s.tx_end ? end : s.tx_end;
    if (s.write) {
        s.perr_watch |= 1u << 1;
    } else {
        s.rd_check = true;
        s.rd_ad = l.ad;
        s.rd_cbe = l.cbe_n;
        s.rd_hi = moved_w == 8;
    }
    s.bad_data_hold = false;
    return moved_w;
}

// Drives the next data phase; it is the last when the target stopped, the transfer ends, or the latency timer has
// expired with GNT# removed (PCI Local Bus Specification 2.3, section 3.3.3.1; an MWI ends at a cache line boundary).
[[gnu::always_inline]] inline void PciMasterEngine::next_phase(Drive& d, const Lines& l, unsigned moved_w) {
    Impl& s = *m;
    s.P += moved_w;
    if (s.devsel_seen && !s.ack64 && s.w == 8) s.w = 4;  // no ACK64#: 32-bit data phases from here on
    bool last = s.term != Impl::Term::None || s.P + s.w >= s.tx_end;
    if (!last && s.lt_clk >= m_config.latency_timer && !l.gnt(m_master)) {
        const bool line_end = s.cmd != Cmd::MemWriteInvalidate || s.cls == 0 || (s.P + s.w) % s.cls == 0;
        if (line_end) {
            last = true;
            s.lt_ended = true;
        }
    }
    if (s.P >= s.tx_end) s.P = (s.tx_end - 1) & ~3ull;  // defensive: a phase reaching tx_end is always the last
    drive_phase(d, last);
}

// RST# asserted: release everything; a transaction cut short ends with MasterAbort.
void PciMasterEngine::reset_tick() {
    Impl& s = *m;
    const bool cut =
        s.st == Impl::St::AddrLo || s.st == Impl::St::Addr || s.st == Impl::St::Data || s.st == Impl::St::Abort2;
    if (s.idsel_on) m_bus.set_idsel(0);
    s.idsel_on = false;
    s.drv = Drive{};
    s.release_next = 0;
    s.parked = false;
    s.rd_check = false;
    s.perr_watch = 0;
    s.perr_on = false;
    s.req = false;
    m_bus.drive(m_driver, s.drv);
    m_bus.set_req(m_master, false);
    if (cut)
        finish(MasterStatus::MasterAbort);
    else if (s.st == Impl::St::Fail)
        finish(s.fail_status);
    if (s.done_pending) fire_done();
}

// PAR/PAR64 cover the AD and C/BE# this engine drove on the previous clock (PCI Local Bus Specification 2.3,
// section 3.7.1).
[[gnu::always_inline]] inline void PciMasterEngine::drive_parity(Drive& d, const Drive& prev) {
    Impl& s = *m;
    const bool bad = s.par_bad || s.bad_data_hold;
    s.par_bad = false;
    if (prev.oe & kAdLo)
        d.set(kPar, parity_of(static_cast<uint32_t>(prev.ad), prev.cbe_n & 0xF) != bad);
    else
        d.release(kPar);
    if (prev.oe & kAdHi)
        d.set(kPar64, parity_of(static_cast<uint32_t>(prev.ad >> 32), prev.cbe_n >> 4) != bad);
    else
        d.release(kPar64);
}

[[gnu::always_inline]] inline void PciMasterEngine::note_parity_error() {
    Impl& s = *m;
    ++m_stats.parity_errors;
    if (s.done_pending)
        s.done_parity = true;
    else
        s.rq_parity = true;
}

// Read data: PAR one clock after the data, PERR# two clocks after the bad data phase. Write data: the target
// reports a parity error with PERR# two clocks after the data phase (PCI Local Bus Specification 2.3, section 3.7.4.1).
[[gnu::always_inline]] inline void PciMasterEngine::check_data_parity(Drive& d, const Lines& l) {
    Impl& s = *m;
    if (s.perr_on) {
        d.assert_n(kPerr, false);
        s.release_next |= kPerr;
        s.perr_on = false;
    }
    if (s.rd_check) {
        s.rd_check = false;
        bool ok = l.high(kPar) == parity_of(static_cast<uint32_t>(s.rd_ad), s.rd_cbe & 0xF);
        if (s.rd_hi) ok = ok && l.high(kPar64) == parity_of(static_cast<uint32_t>(s.rd_ad >> 32), s.rd_cbe >> 4);
        if (!ok) {
            note_parity_error();
            if (m_config.check_parity) {
                d.assert_n(kPerr, true);
                s.release_next &= ~kPerr;
                s.perr_on = true;
            }
        }
    }
    if ((s.perr_watch & 1u) && l.asserted(kPerr)) note_parity_error();
    s.perr_watch >>= 1;
}

// Waiting for the bus: REQ# (after a Retry's hold-off), and the address phase once GNT# is sampled on an idle bus.
[[gnu::always_inline]] inline void PciMasterEngine::request_tick(Drive& d, const Lines& l) {
    Impl& s = *m;
    if (s.holdoff > 0) {
        --s.holdoff;
        s.req = false;
        return;
    }
    if (s.req) ++m_stats.wait_clocks;
    s.req = true;
    if (l.gnt(m_master) && l.idle()) start_transaction(d);
}

// A DAC's first address phase is on the bus: drive the second (the high dword and the real command).
[[gnu::always_inline]] inline void PciMasterEngine::second_address(Drive& d) {
    Impl& s = *m;
    ++s.lt_clk;
    ++m_stats.busy_clocks;
    d.ad = s.addr_ad >> 32;
    d.cbe_n = static_cast<uint8_t>(0xF0 | static_cast<uint8_t>(s.cmd));
    if (s.wide) {  // the second phase repeats the high dword and the command on the upper half
        d.ad |= (s.addr_ad >> 32) << 32;
        d.cbe_n = static_cast<uint8_t>((static_cast<uint8_t>(s.cmd) << 4) | static_cast<uint8_t>(s.cmd));
    }
    if (m_faults.bad_address_parity) {
        m_faults.bad_address_parity = false;
        s.par_bad = true;
    }
    s.st = Impl::St::Addr;
}

// The (final) address phase is on the bus: drive the first data phase.
[[gnu::always_inline]] inline void PciMasterEngine::first_data_phase(Drive& d) {
    Impl& s = *m;
    ++s.lt_clk;
    ++m_stats.busy_clocks;
    s.clk = 0;
    if (s.idsel_on) {
        m_bus.set_idsel(0);
        s.idsel_on = false;
    }
    drive_phase(d, s.P + s.w >= s.tx_end);
    s.st = Impl::St::Data;
}

// Bus parking (PCI Local Bus Specification 2.3, section 3.4.3): granted on an idle bus without a transaction to run,
// drive AD, C/BE# (PAR follows).
[[gnu::always_inline]] inline void PciMasterEngine::park(Drive& d, const Lines& l) {
    Impl& s = *m;
    const bool outside = s.st == Impl::St::Idle || s.st == Impl::St::Req;
    if (outside && l.gnt(m_master) && l.idle()) {
        if (!s.parked) {
            d.oe |= kAdLo | kCbeLo;
            d.ad = 0;
            d.cbe_n = 0xF0;
            s.parked = true;
        }
    } else if (s.parked) {
        s.parked = false;
        if (outside) d.release(kAdLo | kCbeLo);
    }
}

void PciMasterEngine::tick() {
    Impl& s = *m;
    const Lines& l = m_bus.lines();
    if (!l.rst_n) {
        reset_tick();
        return;
    }
    const Drive prev = s.drv;
    Drive d = prev;
    d.release(s.release_next);
    s.release_next = 0;
    drive_parity(d, prev);
    check_data_parity(d, l);
    switch (s.st) {
        case Impl::St::Idle:
            break;
        case Impl::St::Fail:
            finish(s.fail_status);
            break;
        case Impl::St::Req:
            request_tick(d, l);
            break;
        case Impl::St::AddrLo:
            second_address(d);
            break;
        case Impl::St::Addr:
            first_data_phase(d);
            break;
        case Impl::St::Data:
        case Impl::St::Abort2:
            data_tick(d, l);
            break;
    }
    park(d, l);
    s.drv = d;
    m_bus.drive(m_driver, d);
    m_bus.set_req(m_master, s.req);
    if (s.done_pending && s.perr_watch == 0 && !s.rd_check) fire_done();
}

// tick() on an edge steady() held for: the data phase on the bus completes with TRDY# (no STOP#, PERR# or parity
// error) and the next one, not the last, is driven; nothing is reported.
void PciMasterEngine::steady_tick() {
    Impl& s = *m;
    const Lines& l = m_bus.lines();
    const Drive prev = s.drv;
    Drive d = prev;
    d.release(s.release_next);
    s.release_next = 0;
    drive_parity(d, prev);
    s.rd_check = false;  // steady(): the previous read phase's PAR was good and PERR# is not asserted
    s.perr_watch >>= 1;
    ++s.clk;
    ++s.lt_clk;
    ++m_stats.busy_clocks;
    if (!s.devsel_seen) {
        s.devsel_seen = true;
        s.ack64 = s.wide && l.asserted(kAck64);
    }
    next_phase(d, l, move_data(l));
    park(d, l);
    s.drv = d;
    m_bus.drive(m_driver, d);
    m_bus.set_req(m_master, s.req);
}

}  // namespace nicsim::pci
