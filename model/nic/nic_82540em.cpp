#include "model/nic/nic_82540em.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace nicsim::nic {

using namespace nicsim::e1000;
using namespace sc_core;

namespace {
constexpr uint32_t kRegCount = kBar0Size / 4;
constexpr uint32_t kMdicReady = 1u << 28;  // MDIC.R: the MDI access completed (no PHY model: data reads 0)

bool is_octet_low(uint32_t offset) {
    return offset == GORCL || offset == GOTCL || offset == TORL || offset == TOTL;
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

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

void Nic82540em::WireTap::transmit(const Frame& frame) {
    if (nic->m_wire) {
        ++nic->m_stats.frames_to_wire;
        nic->m_wire->transmit(frame);
    } else {
        ++nic->m_stats.frames_dropped;
    }
}

Nic82540em::Nic82540em(sc_module_name name, pci::PciBus& bus, const NicParams& params)
    : sc_module(name),
      m_params(params),
      m_bus(bus),
      m_device(bus.add_device(this->name())),
      m_master(bus, this->name(), m_master_tap),
      m_target(bus, std::string(this->name()) + ".target", *this),
      m_cfg(true, params.data_path_bits == 64 ? ConfigSpace::kDevice82545em : ConfigSpace::kDevice),
      m_eeprom(params.mac),
      m_regs(kRegCount, 0),
      m_reset(kRegCount, 0),
      m_wmask(kRegCount, 0),
      m_access(kRegCount, Access::None) {
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
    if (m_params.data_path_bits == 64) {  // the 82545EM's EEPROM names its own device ID
        m_eeprom.set_word(Eeprom::kDeviceIdWord, ConfigSpace::kDevice82545em);
        m_eeprom.fix_checksum();
    }
    if (m_params.link_mbps != 10 && m_params.link_mbps != 100 && m_params.link_mbps != 1000) {
        diagnostic("params", "link_mbps " + std::to_string(m_params.link_mbps) + " is not 10, 100 or 1000; using 1000");
        m_params.link_mbps = 1000;
    }
    m_dp = std::make_unique<NicDataPath>(*this, m_wire_tap);
    m_cfg.set_devsel_timing(m_target.timing().devsel);
    m_target.timing().ack64 = false;  // the 82540EM is a 32-bit PCI device
    m_target.set_idsel_device(m_device);

    define(CTRL, Access::Special, kCtrlReset);
    define(STATUS, Access::Special, 0);
    define(EECD, Access::RO, eecd::EE_PRES::make(1));
    define(EERD, Access::Special, 0);
    define(CTRL_EXT, Access::RW, 0);
    define(MDIC, Access::Special, 0);
    for (uint32_t off : {FCAL, FCAH, FCT, VET, FCTTV, TXCW, LEDCTL, FCRTL, FCRTH, TXDMAC, RSRPD, RXCSUM, WUC, WUFC})
        define(off, Access::RW, 0);
    define(TIPG, Access::RW, 0);
    define(RXCW, Access::RO, 0);
    define(PBA, Access::RW, 0x00000030);  // 48 KiB receive, 16 KiB transmit packet buffer
    define(ICR, Access::Special, 0);
    define(ITR, Access::Special, kItrReset);
    define(ICS, Access::Special, 0);
    define(IMS, Access::Special, 0);
    define(IMC, Access::Special, 0);
    define(RCTL, Access::RW, kRctlReset);
    define(TCTL, Access::RW, kTctlReset);
    for (uint32_t base : {TDBAL, RDBAL}) {
        define(base + 0x00, Access::RW, 0, 0xFFFFFFF0u);  // xDBAL: 16-byte aligned
        define(base + 0x04, Access::RW, 0);               // xDBAH
        define(base + 0x08, Access::RW, 0, 0x000FFFFFu);  // xDLEN (multiples of 128 checked by the data path)
        define(base + 0x10, Access::RW, 0, 0x0000FFFFu);  // xDH
        define(base + 0x18, Access::RW, 0, 0x0000FFFFu);  // xDT
    }
    define(TIDV, Access::Special, 0);
    define(TADV, Access::Special, 0);
    define(RDTR, Access::Special, 0);
    define(RADV, Access::Special, 0);
    define(TXDCTL, Access::RW, kTxdctlReset);
    define(RXDCTL, Access::RW, kRxdctlReset);
    for (unsigned i = 0; i < kRaEntries; ++i) {
        define(ral_n(i), Access::RW, 0);
        define(rah_n(i), Access::RW, 0, rahf::RAH::mask | rahf::ASEL::mask | rahf::AV::mask);
    }
    for (unsigned i = 0; i < kMtaEntries; ++i) {
        define(mta_n(i), Access::RW, 0);
        define(VFTA + 4 * i, Access::RW, 0);
    }
    for (uint32_t off = kStatsFirst; off <= kStatsLast; off += 4) {
        if (off == 0x4024 || off == 0x402C || off == 0x4044 || off == 0x4084 || (off >= 0x4098 && off <= 0x409C) ||
            (off >= 0x40B4 && off <= 0x40BC))
            continue;  // reserved or management counters the 82540EM lacks
        define(off, Access::ReadClear, 0);
    }
    reset_registers();
    m_link = m_params.link_up;
    update_master_config();
    m_dp->set_link(link_up(), m_params.link_mbps);

    m_agent = m_bus.CLK.attach(*this, basename());
}

Nic82540em::~Nic82540em() = default;

void Nic82540em::use_dma_port(DmaPort& port) {
    m_dp = std::make_unique<NicDataPath>(*this, m_wire_tap, port);
    m_dp->set_link(link_up(), m_params.link_mbps);
}

void Nic82540em::dma_port_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) {
    m_master_tap.master_done(rq, status, bytes_done);
    wake();
}

void Nic82540em::define(uint32_t offset, Access access, uint32_t reset_value, uint32_t write_mask) {
    const uint32_t i = offset / 4;
    m_access[i] = access;
    m_reset[i] = reset_value;
    m_wmask[i] = write_mask;
}

Nic82540em::Access Nic82540em::access(uint32_t offset) const {
    return offset < kBar0Size ? m_access[offset / 4] : Access::None;
}

void Nic82540em::reset_registers() {
    std::copy(m_reset.begin(), m_reset.end(), m_regs.begin());  // in place: traced registers keep their address
    m_ioaddr = 0;
    load_mac_from_eeprom();
}

void Nic82540em::load_mac_from_eeprom() {
    uint8_t mac[6];
    m_eeprom.mac(mac);
    m_regs[RAL0 / 4] = mac[0] | (mac[1] << 8) | (mac[2] << 16) | (static_cast<uint32_t>(mac[3]) << 24);
    m_regs[RAH0 / 4] = rahf::RAH::make(mac[4] | (mac[5] << 8)) | rahf::AV::make(1);
}

void Nic82540em::reset() {
    m_cfg.reset();
    reset_registers();
    m_eeprom.reset();
    m_irq.reset();
    m_dp->reset();
    m_master.reset();
    m_target.reset();
    m_target.set_parity_response(false, false);
    update_master_config();
    m_dp->set_link(link_up(), m_params.link_mbps);
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
    for (const auto& r : regs) sc_trace(tf, m_regs[r.first / 4], p + r.second);
}

void Nic82540em::software_reset() {
    ++m_stats.software_resets;
    reset_registers();
    m_eeprom.reset();
    m_irq.reset();
    m_dp->reset();
    m_dp->set_link(link_up(), m_params.link_mbps);  // CTRL.SLU is clear again: the MAC sees the link down
    m_master.reset();
    update_irq();
}

void Nic82540em::update_master_config() {
    pci::MasterConfig& c = m_master.config();
    c.dac_capable = m_params.dma_address_bits == 64;
    c.use_req64 = m_params.data_path_bits == 64;
    c.mwi_enable = m_cfg.mwi_enabled();
    c.cache_line_dwords = m_cfg.cache_line_dwords();
    c.latency_timer = m_cfg.latency_timer();
    c.check_parity = m_cfg.parity_response();
}

uint64_t Nic82540em::now_ns() const {
    static const uint64_t ns_ticks = sc_time(1, SC_NS).value();  // fixed once time exists; built once, not per call
    return sc_time_stamp().value() / ns_ticks;
}

void Nic82540em::diagnostic(const char* what, const std::string& detail) {
    ++m_stats.diagnostics;
    const std::string type = std::string("nicsim/nic/") + what;
    SC_REPORT_WARNING(type.c_str(), (std::string(name()) + ": " + detail).c_str());
}

// ---- clocked behaviour ----

bool Nic82540em::needs_clock() const {
    // A data path that only waits for the wire (TX FIFO head behind the frame on the wire) needs no clock until
    // the wire is free: clock_edge() sleeps with a timed wake instead.
    return m_in_reset || !m_bus.lines().idle() || m_target.active() || m_master.needs_tick() ||
           (m_dp->busy() && m_dp->quiet_until_ns(now_ns()) == 0) || m_eeprom.busy() ||
           m_irq.next_deadline() <= now_ns();
}

void Nic82540em::clock_edge() {
    ++m_stats.awake_clocks;
    const pci::Lines& l = m_bus.lines();
    if (!l.rst_n) {
        if (!m_in_reset) reset();
        m_in_reset = true;
        return;
    }
    m_in_reset = false;
    if (!l.idle() || m_target.active()) m_target.tick();
    if (m_master.needs_tick()) m_master.tick();
    if (m_eeprom.busy()) m_eeprom.tick();
    if (m_dp->busy()) m_dp->tick();
    update_irq();
    if (needs_clock()) return;
    // Asleep until a line changes, wake() (a frame, the link, a register write, DMA done) or the next deadline: a
    // moderation timer, or the wire becoming free for a data path that only waits for it.
    m_awake = false;
    m_bus.CLK.sleep(m_agent);
    const uint64_t now = now_ns();
    uint64_t deadline = m_irq.next_deadline();
    if (m_dp->busy()) deadline = std::min(deadline, m_dp->quiet_until_ns(now));
    if (deadline != Interrupts::kNever)
        m_bus.CLK.wake_at(m_agent, sc_time_stamp() + sc_time(static_cast<double>(deadline - now), SC_NS));
}

void Nic82540em::woken() {
    m_awake = true;
}

void Nic82540em::update_irq() {
    const bool line = m_irq.evaluate(now_ns(), m_cfg.intx_disabled());
    if (line != m_inta) {
        m_inta = line;
        m_bus.set_inta(m_device, line);
    }
}

void Nic82540em::receive(const Frame& frame) {
    m_dp->receive(frame);
    wake();
}

bool Nic82540em::link_up() const {
    return m_link && ctrl::SLU::get(m_regs[CTRL / 4]);
}

void Nic82540em::link_changed(bool was_up) {
    if (link_up() == was_up) return;
    m_dp->set_link(link_up(), m_params.link_mbps);
    m_irq.raise(icr::LSC);
    update_irq();
    wake();
}

void Nic82540em::set_link(bool up) {
    const bool was = link_up();
    m_link = up;
    link_changed(was);
}

uint32_t Nic82540em::status_value() const {
    uint32_t v = status::FD::make(1) | status::LU::make(link_up() ? 1 : 0);
    const uint32_t speed = m_params.link_mbps == 10    ? status::kSpeed10
                           : m_params.link_mbps == 100 ? status::kSpeed100
                                                       : status::kSpeed1000;
    v = status::SPEED::set(v, speed);
    if (m_bus.config().clock_mhz == 66) v |= status::PCI66::make(1);
    if (m_bus.is64()) v |= status::BUS64::make(1);
    return v;
}

// ---- NicContext ----

void Nic82540em::raise_irq(uint32_t icr_bits) {
    m_irq.raise(icr_bits);
    update_irq();
    wake();  // a sleeping device must schedule the moderation timer / throttle deadline
}

void Nic82540em::tx_done_event(bool immediate) {
    m_irq.tx_done(immediate, now_ns());
    update_irq();
    wake();  // a sleeping device must schedule the moderation timer / throttle deadline
}

void Nic82540em::rx_done_event(bool immediate) {
    m_irq.rx_done(immediate, now_ns());
    update_irq();
    wake();  // a sleeping device must schedule the moderation timer / throttle deadline
}

uint32_t Nic82540em::reg(uint32_t offset) const {
    if (offset >= kBar0Size) return 0;
    offset &= ~3u;
    switch (offset) {
        case STATUS:
            return status_value();
        case EERD:
            return m_eeprom.eerd();
        case ICR:
            return m_irq.icr();
        case IMS:
            return m_irq.ims();
        case ITR:
            return m_irq.itr();
        case TIDV:
            return m_irq.tidv();
        case TADV:
            return m_irq.tadv();
        case RDTR:
            return m_irq.rdtr();
        case RADV:
            return m_irq.radv();
        case ICS:
        case IMC:
            return 0;
        default:
            return m_regs[offset / 4];
    }
}

void Nic82540em::set_reg(uint32_t offset, uint32_t value) {
    if (offset >= kBar0Size || (offset & 3u) != 0) {
        diagnostic("set-reg", "register offset " + hex(offset) + " outside BAR0 or unaligned");
        return;
    }
    switch (offset) {
        case ICR:
            m_irq.set_icr(value);
            update_irq();
            return;
        case IMS:
            m_irq.set_ims(value);
            update_irq();
            return;
        case ITR:
            m_irq.write_itr(value);
            return;
        case TIDV:
            m_irq.write_tidv(value & ~delay::FPD::mask, now_ns());
            return;
        case TADV:
            m_irq.write_tadv(value);
            return;
        case RDTR:
            m_irq.write_rdtr(value & ~delay::FPD::mask, now_ns());
            return;
        case RADV:
            m_irq.write_radv(value);
            return;
        case STATUS:
        case EERD:
        case ICS:
        case IMC:
            return;  // derived state
        default:
            m_regs[offset / 4] = value;
            return;
    }
}

void Nic82540em::add_stat(uint32_t offset, uint64_t amount) {
    if (offset < kStatsFirst || offset > kStatsLast || (offset & 3u) != 0 || access(offset) != Access::ReadClear) {
        diagnostic("add-stat", "offset " + hex(offset) + " is not a statistics counter");
        return;
    }
    const uint32_t i = offset / 4;
    if (is_octet_low(offset)) {
        const uint64_t cur = m_regs[i] | (static_cast<uint64_t>(m_regs[i + 1]) << 32);
        const uint64_t sum = cur + amount < cur ? ~0ull : cur + amount;
        m_regs[i] = static_cast<uint32_t>(sum);
        m_regs[i + 1] = static_cast<uint32_t>(sum >> 32);
    } else {
        const uint64_t sum = m_regs[i] + amount;
        m_regs[i] = sum > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<uint32_t>(sum);
    }
}

// ---- the register file as software sees it ----

uint32_t Nic82540em::read_register(uint32_t offset) {
    ++m_stats.reg_reads;
    if (offset >= kBar0Size) {
        diagnostic("register-offset", "read of offset " + hex(offset) + " outside the 128 KiB register space");
        return 0;
    }
    offset &= ~3u;
    const uint32_t i = offset / 4;
    switch (m_access[i]) {
        case Access::None:
            ++m_stats.unknown_accesses;
            diagnostic("unknown-register", "read of unimplemented register " + hex(offset) + " returns 0");
            return 0;
        case Access::RW:
        case Access::RO:
            return m_regs[i];
        case Access::WO:
            return 0;
        case Access::ReadClear: {
            const uint32_t v = m_regs[i];
            m_regs[i] = 0;
            return v;
        }
        case Access::Special:
            return read_special(offset);
    }
    return 0;
}

uint32_t Nic82540em::read_special(uint32_t offset) {
    if (offset == ICR) {
        const uint32_t v = m_irq.read_icr();
        update_irq();
        return v;
    }
    return reg(offset);
}

void Nic82540em::write_register(uint32_t offset, uint32_t value, uint8_t byte_enables) {
    ++m_stats.reg_writes;
    if (offset >= kBar0Size) {
        diagnostic("register-offset", "write of offset " + hex(offset) + " outside the 128 KiB register space");
        return;
    }
    offset &= ~3u;
    const uint32_t i = offset / 4;
    if ((byte_enables & 0xF) != 0xF) {
        uint32_t mask = 0;
        for (unsigned b = 0; b < 4; ++b)
            if (byte_enables & (1u << b)) mask |= 0xFFu << (8 * b);
        if (mask == 0) return;
        value = (reg(offset) & ~mask) | (value & mask);
    }
    switch (m_access[i]) {
        case Access::None:
            ++m_stats.unknown_accesses;
            diagnostic("unknown-register",
                       "write of " + hex(value) + " to unimplemented register " + hex(offset) + " ignored");
            return;
        case Access::RO:
        case Access::ReadClear:
            return;  // read-only: writes have no effect
        case Access::RW:
            m_regs[i] = value & m_wmask[i];
            m_dp->register_written(offset, m_regs[i]);
            wake();
            return;
        case Access::WO:
        case Access::Special:
            write_special(offset, value);
            return;
    }
}

void Nic82540em::write_special(uint32_t offset, uint32_t value) {
    const uint64_t now = now_ns();
    switch (offset) {
        case CTRL: {
            if (ctrl::RST::get(value)) {
                software_reset();
                return;
            }
            const bool was_up = link_up();
            m_regs[CTRL / 4] = value & ~(ctrl::RST::mask | ctrl::PHY_RST::mask);
            link_changed(was_up);
            m_dp->register_written(CTRL, m_regs[CTRL / 4]);
            return;
        }
        case STATUS:
            return;  // read-only
        case EERD:
            if (!m_eeprom.write_eerd(value))
                diagnostic("eeprom-address",
                           "EERD read of word " + hex(eerd::ADDR::get(value)) + " beyond the 64 words");
            wake();
            return;
        case MDIC:
            m_regs[MDIC / 4] = (value & 0xFFFF0000u) | kMdicReady;
            return;
        case ICR:
            m_irq.write_icr(value);
            break;
        case ICS:
            m_irq.write_ics(value);
            break;
        case IMS:
            m_irq.write_ims(value);
            break;
        case IMC:
            m_irq.write_imc(value);
            break;
        case ITR:
            m_irq.write_itr(value);
            break;
        case TIDV:  // store, let the data path flush its partial write-back (FPD), then flush the timer
            m_irq.write_tidv(value & ~delay::FPD::mask, now);
            m_dp->register_written(TIDV, value);
            m_irq.write_tidv(value, now);
            break;
        case TADV:
            m_irq.write_tadv(value);
            break;
        case RDTR:
            m_irq.write_rdtr(value & ~delay::FPD::mask, now);
            m_dp->register_written(RDTR, value);
            m_irq.write_rdtr(value, now);
            break;
        case RADV:
            m_irq.write_radv(value);
            break;
        default:
            return;
    }
    update_irq();
    wake();
}

// ---- the PCI target ----

bool Nic82540em::target_claim(const pci::TargetAccess& a) {
    if (pci::cmd_is_config(a.cmd)) return a.idsel && ((a.addr >> 8) & 7u) == 0 && (a.addr & 3u) == 0;
    if (pci::cmd_is_memory(a.cmd)) return m_cfg.memory_offset(a.addr) >= 0;
    if (pci::cmd_is_io(a.cmd)) return m_cfg.io_offset(a.addr) >= 0;
    return false;
}

pci::TargetReply Nic82540em::target_read(const pci::TargetAccess& a, uint64_t& data) {
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
    const uint32_t v = static_cast<uint32_t>(data);
    if (pci::cmd_is_config(a.cmd)) {
        ++m_stats.config_writes;
        const unsigned changes = m_cfg.write(static_cast<uint16_t>(a.addr & 0xFCu), v, byte_enables);
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
