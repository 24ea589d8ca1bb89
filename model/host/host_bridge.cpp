#include "host_bridge.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "model/common/hex.h"
#include "model/common/splitmix64.h"
#include "model/pci/byte_lanes.h"

namespace nicsim::host {

using namespace sc_core;
using pci::MasterStatus;
using pci::TargetReply;

HostBridge::HostBridge(sc_module_name name, pci::PciBus& bus, const HostBridgeParams& params)
    : sc_module(name),
      mem("mem"),
      cpu_mem("cpu_mem"),
      cpu_io("cpu_io"),
      cpu_cfg("cpu_cfg"),
      m_bus(bus),
      m_params(params),
      m_master(bus, "bridge", *this),
      m_target(bus, "bridge_target", *this),
      m_ext(new PciMasterExtension) {
    m_gp.set_extension(m_ext);  // the payload owns it and frees it with itself
    mem.register_invalidate_direct_mem_ptr(this, &HostBridge::invalidate_direct_mem_ptr);
    cpu_mem.register_b_transport(this, &HostBridge::cpu_mem_transport);
    cpu_io.register_b_transport(this, &HostBridge::cpu_io_transport);
    cpu_cfg.register_b_transport(this, &HostBridge::cpu_cfg_transport);
    m_master.config().dac_capable = true;  // the CPU may reach 64-bit BARs
    m_master.config().use_req64 = bus.is64();
    m_target.timing().devsel = params.devsel;
    m_target.timing().ack64 = bus.is64();
    m_target.set_parity_response(params.parity_response, params.parity_response);
    m_agent = bus.CLK.attach(*this, basename());
}

HostBridge::~HostBridge() = default;

void HostBridge::end_of_elaboration() {
    // Map every bus driver to the master registered under the same name, to tell who runs a transaction.
    for (pci::DriverId id = 0;; ++id) {
        const std::string* name = nullptr;
        try {
            name = &m_bus.driver_name(id);
        } catch (const std::out_of_range&) {
            break;
        }
        unsigned master = PciMasterExtension::kUnknownMaster;
        for (unsigned m = 0; m < m_bus.master_count(); ++m)
            if (m_bus.master_name(m) == *name) master = m;
        m_driver_master.push_back(master);
    }
}

void HostBridge::sleep() {
    m_bus.CLK.sleep(m_agent);  // until a line changes or the CPU queues a request
}

void HostBridge::clock_edge() {
    ++m_stats.active_clocks;
    const pci::Lines& l = m_bus.lines();
    if (!l.rst_n) {
        if (!m_in_reset) {
            m_in_reset = true;
            m_master.reset();
            m_target.reset();
            m_tx = Transaction{};
            m_dt = Delayed{};
            if (m_cpu.state == CpuState::Running) {
                m_cpu.status = MasterStatus::MasterAbort;
                m_cpu.state = CpuState::Done;
                m_cpu_event.notify(SC_ZERO_TIME);
            }
        }
        sleep();
        return;
    }
    m_in_reset = false;
    if (m_bus.CLK.batch_edge()) {  // steady_edge() vouched for it: the CPU side is idle, the target streams
        m_target.steady_tick();
        expire_delayed();
        return;
    }

    if (m_cpu.state == CpuState::Queued && m_master.can_start()) {
        m_master.start(m_cpu.rq);
        m_cpu.state = CpuState::Running;
    }
    if (m_master.needs_tick()) m_master.tick();  // includes following GNT# for bus parking (as the NIC does)
    if (!l.idle() || m_target.active()) m_target.tick();
    expire_delayed();

    // Cheapest first: on a busy bus the master engine's own test is not needed.
    const bool busy =
        !m_bus.lines().idle() || m_cpu.state == CpuState::Queued || m_target.active() || m_master.needs_tick();
    if (!busy) sleep();
}

// A device burst streaming through DMI with the CPU side idle: the next edge completes a phase and answers the next
// one from memory (no retry, disconnect, abort, memory error or fault draw can come of it). The CPU side, the fault
// plan and the claim change only outside the agents' edges, so they are looked at once per kernel activation.
bool HostBridge::steady_edge() const {
    if (m_steady_serial != m_bus.CLK.batch_serial()) {
        m_steady_serial = m_bus.CLK.batch_serial();
        m_streaming = !m_in_reset && m_cpu.state != CpuState::Queued && !m_master.needs_tick() && m_params.use_dmi &&
                      !(m_faults.retry > 0 || m_faults.disconnect > 0 || m_faults.latency_spike > 0) && m_tx.claimed &&
                      (m_tx.write || m_tx.first_done);
    }
    if (!m_streaming || !m_target.steady()) return false;
    const pci::TargetAccess& a = m_target.access();
    const unsigned n = a.wide ? 8 : 4;
    const uint64_t next = a.addr + n;
    if (in_mmio_window(next)) return false;
    if (!m_target.writing()) {
        m_stream_dmi = dmi_entry(next & ~uint64_t(n - 1), n, false);
        return m_stream_dmi != nullptr;
    }
    const pci::Lines& l = m_bus.lines();
    const uint8_t be = static_cast<uint8_t>(~l.cbe_n) & static_cast<uint8_t>((1u << n) - 1);
    m_stream_dmi = be == 0 ? nullptr : dmi_entry(a.addr & ~uint64_t(n - 1), n, true);
    return be == 0 || m_stream_dmi != nullptr;
}

// The entry mem_access() would move these bytes through, or nullptr.
const HostBridge::DmiEntry* HostBridge::dmi_entry(uint64_t addr, unsigned len, bool write) const {
    for (const DmiEntry& e : m_dmi)
        if (e.valid && addr >= e.start && addr + (len - 1) <= e.end && (!write || e.writable)) return &e;
    return nullptr;
}

// A read data phase of a batch edge: steady_edge() found it outside the MMIO window, with no fault to draw, inside
// the DMI grant m_stream_dmi; what target_read() would do there.
TargetReply HostBridge::stream_read(const pci::TargetAccess& a, uint64_t& data) {
    const unsigned n = a.wide ? 8 : 4;
    uint8_t buf[8] = {};
    dmi_move(*m_stream_dmi, false, a.addr & ~uint64_t(n - 1), buf, n, 0xFF);
    data = pci::lanes_from_bytes(buf, n);
    m_stats.dma_read_bytes += n;
    return TargetReply::Data;
}

// ---------------------------------------------------------------- CPU side

bool HostBridge::cpu_request_ok(Space space, tlm::tlm_generic_payload& gp) {
    const uint32_t len = gp.get_data_length();
    const uint64_t a = gp.get_address();
    const char* why = cpu_request_problem(gp, space == Space::Mem, space == Space::Cfg, kMaxCpuBytes);
    if (!why) return true;
    ++m_stats.cpu_errors;
    SC_REPORT_WARNING("nicsim/host/bridge-cpu-request",
                      ("CPU request of " + std::to_string(len) + " bytes at " + hex(a) + " refused: " + why).c_str());
    return false;
}

void HostBridge::cpu_transport(Space space, tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (delay > SC_ZERO_TIME) {
        wait(delay);
        delay = SC_ZERO_TIME;
    }
    if (!cpu_request_ok(space, gp)) return;
    while (m_cpu.state != CpuState::Idle) wait(m_cpu_event);  // another CPU thread owns the master
    const uint32_t len = gp.get_data_length();
    queue_cpu_request(space, gp);
    while (m_cpu.state != CpuState::Done) wait(m_cpu_event);
    gp.set_response_status(cpu_response(space, gp));
    if (!gp.is_write()) std::memcpy(gp.get_data_ptr(), m_cpu.buf, len);
    m_cpu.state = CpuState::Idle;
    m_cpu_event.notify(SC_ZERO_TIME);  // a CPU thread waiting for the master may go
}

// The PCI cycle the CPU's access becomes, handed to the master engine on the next clock edge.
void HostBridge::queue_cpu_request(Space space, const tlm::tlm_generic_payload& gp) {
    const bool write = gp.is_write();
    const uint32_t len = gp.get_data_length();
    const uint64_t a = gp.get_address();
    pci::MasterRequest& rq = m_cpu.rq;
    rq = pci::MasterRequest{};
    rq.data = m_cpu.buf;
    rq.len = len;
    switch (space) {
        case Space::Mem:
            rq.cmd = write ? pci::Cmd::MemWrite : pci::Cmd::MemRead;
            rq.addr = a;
            ++m_stats.cpu_mem_cycles;
            break;
        case Space::Io:
            rq.cmd = write ? pci::Cmd::IoWrite : pci::Cmd::IoRead;
            rq.addr = a & 0xFFFFFFFFull;
            ++m_stats.cpu_io_cycles;
            break;
        case Space::Cfg: {
            const unsigned device = static_cast<unsigned>(a >> 11) & 0x1F;
            rq.cmd = write ? pci::Cmd::ConfigWrite : pci::Cmd::ConfigRead;
            rq.addr = a & 0x7FF;                                          // function << 8 | register byte offset
            rq.idsel = device < m_bus.device_count() ? 1u << device : 0;  // no device there: nobody answers
            ++m_stats.cpu_cfg_cycles;
            break;
        }
    }
    if (write)
        std::memcpy(m_cpu.buf, gp.get_data_ptr(), len);
    else
        std::memset(m_cpu.buf, 0, len);
    m_cpu.space = space;
    m_cpu.state = CpuState::Queued;
    m_bus.CLK.wake(m_agent);
}

// The TLM response for how the master engine ended the CPU's cycle; failed reads return all ones, as on a PC.
tlm::tlm_response_status HostBridge::cpu_response(Space space, const tlm::tlm_generic_payload& gp) {
    const MasterStatus st = m_cpu.status;
    const uint32_t len = gp.get_data_length();
    auto what = [&] {
        return std::string(pci::cmd_name(m_cpu.rq.cmd)) + " of " + std::to_string(len) + " bytes at " +
               hex(gp.get_address());
    };
    switch (st) {
        case MasterStatus::Ok:
            return tlm::TLM_OK_RESPONSE;
        case MasterStatus::MasterAbort:
            ++m_stats.cpu_master_aborts;
            std::memset(m_cpu.buf, 0xFF, len);
            if (space == Space::Cfg) return tlm::TLM_OK_RESPONSE;  // an empty slot is normal during enumeration
            SC_REPORT_WARNING("nicsim/host/bridge-master-abort",
                              (what() + ": no target claimed it (master abort)").c_str());
            return tlm::TLM_ADDRESS_ERROR_RESPONSE;
        case MasterStatus::TargetAbort:
            ++m_stats.cpu_target_aborts;
            std::memset(m_cpu.buf, 0xFF, len);
            SC_REPORT_WARNING("nicsim/host/bridge-received-target-abort", (what() + ": the target aborted it").c_str());
            return tlm::TLM_GENERIC_ERROR_RESPONSE;
        case MasterStatus::RetryLimit:
        case MasterStatus::ParityError:
            ++m_stats.cpu_errors;
            if (st == MasterStatus::RetryLimit) std::memset(m_cpu.buf, 0xFF, len);
            SC_REPORT_WARNING(
                st == MasterStatus::RetryLimit ? "nicsim/host/bridge-retry-limit" : "nicsim/host/bridge-parity",
                (what() + ": " + pci::master_status_name(st)).c_str());
            return tlm::TLM_GENERIC_ERROR_RESPONSE;
    }
    return tlm::TLM_GENERIC_ERROR_RESPONSE;
}

void HostBridge::master_done(const pci::MasterRequest& rq, MasterStatus status, uint32_t bytes_done) {
    m_cpu.status = status;
    m_cpu.state = CpuState::Done;
    m_cpu_event.notify(SC_ZERO_TIME);
}

// ---------------------------------------------------------------- device side

unsigned HostBridge::initiator_master() const {
    unsigned by_irdy = PciMasterExtension::kUnknownMaster;
    for (pci::DriverId id = 0; id < m_driver_master.size(); ++id) {
        const pci::Drive& d = m_bus.driven_by(id);
        if ((d.oe & pci::kFrame) && !(d.level & pci::kFrame)) return m_driver_master[id];
        if ((d.oe & pci::kIrdy) && !(d.level & pci::kIrdy)) by_irdy = m_driver_master[id];
    }
    return by_irdy;  // last data phase: FRAME# already released, IRDY# still asserted
}

void HostBridge::expire_delayed() {
    if (m_dt.state == DtState::Empty) return;
    if (m_bus.clock_count() <= m_dt.ready_clock + m_params.discard_timeout) return;
    m_dt = Delayed{};
    ++m_stats.delayed_discarded;
}

bool HostBridge::target_claim(const pci::TargetAccess& a) {
    if (!pci::cmd_is_memory(a.cmd) || in_mmio_window(a.addr)) return false;
    const unsigned master = initiator_master();
    if (master == m_master.master_index()) return false;  // the CPU's own cycles go to PCI targets only
    const uint64_t nth = ++m_stats.device_transactions;
    if (nth == m_faults.master_abort_at) {
        ++m_stats.injected_master_aborts;
        SC_REPORT_WARNING("nicsim/host/bridge-fault", ("device transaction " + std::to_string(nth) + " at " +
                                                       hex(a.addr) + " left unclaimed (injected master abort)")
                                                          .c_str());
        return false;
    }
    expire_delayed();
    m_tx = Transaction{};
    m_tx.abort = nth == m_faults.target_abort_at;
    m_tx.latency = m_params.read_latency;
    if (!pci::cmd_is_write(a.cmd) && draw(m_faults.latency_spike)) {
        m_tx.latency += m_faults.spike_clocks;
        ++m_stats.latency_spikes;
    }
    m_tx.claimed = true;
    m_tx.write = pci::cmd_is_write(a.cmd);
    m_tx.master = master;
    m_tx.cmd = a.cmd;
    m_tx.start = a.addr;
    m_tx.claim_clock = m_bus.clock_count();
    if (m_tx.write) {
        ++m_stats.dma_writes;
        return true;
    }
    ++m_stats.dma_reads;
    if (m_dt.state != DtState::Empty)
        m_tx.mode = (m_dt.master == master && m_dt.cmd == a.cmd && m_dt.addr == a.addr) ? ReadMode::Complete
                                                                                        : ReadMode::RetryOther;
    else if (m_tx.latency + 2 > m_params.retry_threshold)
        m_tx.mode = ReadMode::Latch;
    else
        m_tx.mode = ReadMode::Immediate;
    return true;
}

// A read target supplies the whole data phase: a zero-wait target provides phase k+1's data on the edge where the
// master only starts driving that phase's byte enables, so reads fetch every byte of the phase.
bool HostBridge::fetch(uint64_t addr, bool wide, uint64_t& data) {
    const unsigned n = wide ? 8 : 4;
    uint8_t buf[8] = {};
    const bool ok = mem_access(false, addr & ~uint64_t(n - 1), buf, n, 0xFF);
    data = pci::lanes_from_bytes(buf, n);
    return ok;
}

TargetReply HostBridge::target_read(const pci::TargetAccess& a, uint64_t& data) {
    if (m_bus.CLK.batch_edge()) return stream_read(a, data);
    const unsigned n = a.wide ? 8 : 4;
    if (a.phase > 0 && in_mmio_window(a.addr)) return TargetReply::Retry;  // the burst runs into the window
    if (TargetReply r; injected(a, r)) return r;
    const uint64_t now = m_bus.clock_count();
    switch (m_tx.mode) {
        case ReadMode::RetryOther:
            ++m_stats.retries;
            return TargetReply::Retry;
        case ReadMode::Latch:
            if (m_dt.state == DtState::Empty) {
                m_dt.state = DtState::Latched;
                m_dt.master = m_tx.master;
                m_dt.cmd = m_tx.cmd;
                m_dt.addr = m_tx.start;
                m_dt.wide = a.wide;
                m_dt.ready_clock = m_tx.claim_clock + m_tx.latency;
                m_dt.ok = fetch(a.addr, a.wide, m_dt.data);
                m_dt.status = m_gp.get_response_status();
                ++m_stats.delayed_latched;
            }
            ++m_stats.retries;
            return TargetReply::Retry;
        case ReadMode::Complete:
            if (!m_tx.first_done) {
                if (now < m_dt.ready_clock) {
                    ++m_stats.retries;
                    return TargetReply::Retry;
                }
                if (a.wide != m_dt.wide) {  // repeated with another width: fetch what this attempt needs
                    m_dt.ok = fetch(a.addr, a.wide, m_dt.data);
                    m_dt.status = m_gp.get_response_status();
                }
                const Delayed dt = m_dt;
                m_dt = Delayed{};
                ++m_stats.delayed_completed;
                if (!dt.ok) {
                    signal_abort(false, a.addr, n, dt.status);
                    return TargetReply::Abort;
                }
                data = dt.data;
                m_tx.first_done = true;
                m_stats.dma_read_bytes += n;
                return TargetReply::Data;
            }
            break;  // later data phases stream from memory
        case ReadMode::Immediate:
            if (!m_tx.first_done && now < m_tx.claim_clock + m_tx.latency) return TargetReply::Wait;
            break;
    }
    if (!fetch(a.addr, a.wide, data)) {
        signal_abort(false, a.addr, n, m_gp.get_response_status());
        return TargetReply::Abort;
    }
    m_tx.first_done = true;
    m_stats.dma_read_bytes += n;
    return TargetReply::Data;
}

TargetReply HostBridge::target_write_ready(const pci::TargetAccess& a) {
    if (m_bus.CLK.batch_edge()) return TargetReply::Data;  // steady_edge(): outside the window, no fault to draw
    if (a.phase > 0 && in_mmio_window(a.addr)) return TargetReply::Retry;  // the burst runs into the window
    if (TargetReply r; injected(a, r)) return r;
    return TargetReply::Data;  // posted: accepted at once
}

TargetReply HostBridge::target_write(const pci::TargetAccess& a, uint64_t data, uint8_t byte_enables) {
    const unsigned n = a.wide ? 8 : 4;
    const uint8_t be = byte_enables & static_cast<uint8_t>((1u << n) - 1);
    if (be == 0) return TargetReply::Data;  // a data phase with no byte enabled moves nothing
    uint8_t buf[8];
    pci::bytes_from_lanes(buf, data, n);
    if (m_bus.CLK.batch_edge()) {  // steady_edge() found the grant these bytes go through
        dmi_move(*m_stream_dmi, true, a.addr & ~uint64_t(n - 1), buf, n, be);
    } else if (!mem_access(true, a.addr & ~uint64_t(n - 1), buf, n, be)) {
        signal_abort(true, a.addr, n, m_gp.get_response_status());
        return TargetReply::Abort;
    }
    unsigned enabled = be;  // bytes enabled: a bit count without the libgcc popcount call (no -mpopcnt)
    enabled = (enabled & 0x55u) + ((enabled >> 1) & 0x55u);
    enabled = (enabled & 0x33u) + ((enabled >> 2) & 0x33u);
    enabled = (enabled & 0x0Fu) + (enabled >> 4);
    m_stats.dma_write_bytes += enabled;
    return TargetReply::Data;
}

bool HostBridge::draw(double probability) {
    if (!(probability > 0)) return false;
    return splitmix64_unit(m_fault_rng) < probability;
}

bool HostBridge::injected(const pci::TargetAccess& a, TargetReply& reply) {
    if (a.phase == 0 && !m_tx.first_done) {
        if (m_tx.abort) {
            m_tx.abort = false;
            if (m_tx.mode == ReadMode::Complete) m_dt = Delayed{};  // the master will not repeat an aborted read
            ++m_stats.injected_target_aborts;
            ++m_stats.target_aborts;
            SC_REPORT_WARNING(
                "nicsim/host/bridge-fault",
                (std::string(pci::cmd_name(a.cmd)) + " at " + hex(a.addr) + ": injected target abort").c_str());
            reply = TargetReply::Abort;
            return true;
        }
        if (m_tx.mode != ReadMode::Complete && draw(m_faults.retry)) {  // a latched delayed read completes as usual
            ++m_stats.injected_retries;
            ++m_stats.retries;
            reply = TargetReply::Retry;
            return true;
        }
    } else if (a.phase > 0 && draw(m_faults.disconnect)) {
        ++m_stats.injected_disconnects;
        reply = TargetReply::Retry;  // after the first phase: disconnect without data
        return true;
    }
    return false;
}

void HostBridge::target_end(const pci::TargetAccess& a) {
    m_tx = Transaction{};
}

void HostBridge::target_parity_error(const pci::TargetAccess& a, bool address_phase) {
    ++m_stats.parity_errors;
    SC_REPORT_WARNING("nicsim/host/bridge-parity",
                      (std::string(address_phase ? "address" : "data") + " parity error on " + pci::cmd_name(a.cmd) +
                       " at " + hex(a.addr) + (address_phase ? " (SERR#)" : " (PERR#); the data was written"))
                          .c_str());
}

void HostBridge::signal_abort(bool write, uint64_t addr, unsigned len, tlm::tlm_response_status status) {
    ++m_stats.target_aborts;
    std::string who = "master ?";
    if (m_tx.master != PciMasterExtension::kUnknownMaster)
        who = "master " + std::to_string(m_tx.master) + " (" + m_bus.master_name(m_tx.master) + ")";
    tlm::tlm_generic_payload tmp;
    tmp.set_response_status(status);
    SC_REPORT_WARNING(
        "nicsim/host/bridge-signaled-target-abort",
        (std::string("device ") + (write ? "write" : "read") + " of " + std::to_string(len) + " bytes at " + hex(addr) +
         " by " + who + ": host memory answered " + tmp.get_response_string() + ", target abort")
            .c_str());
}

void HostBridge::dmi_move(const DmiEntry& e, bool write, uint64_t addr, uint8_t* buf, unsigned len, uint8_t be) {
    const uint8_t all = static_cast<uint8_t>((1u << len) - 1);
    uint8_t* p = e.ptr + (addr - e.start);
    if (write && (be & all) == all) {
        std::memcpy(p, buf, len);
    } else if (write) {
        for (unsigned i = 0; i < len; ++i)
            if ((be >> i) & 1u) p[i] = buf[i];
    } else {
        std::memcpy(buf, p, len);
    }
    ++m_stats.dmi_accesses;
}

bool HostBridge::mem_access(bool write, uint64_t addr, uint8_t* buf, unsigned len, uint8_t be) {
    const uint8_t all = static_cast<uint8_t>((1u << len) - 1);
    if (m_params.use_dmi) {
        if (const DmiEntry* e = dmi_entry(addr, len, write)) {
            dmi_move(*e, write, addr, buf, len, be);
            return true;
        }
    }
    m_ext->master = m_tx.master;
    m_ext->cmd = m_tx.cmd;
    m_gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    m_gp.set_address(addr);
    m_gp.set_data_ptr(buf);
    m_gp.set_data_length(len);
    m_gp.set_streaming_width(len);
    if (!write || (be & all) == all) {
        m_gp.set_byte_enable_ptr(nullptr);
        m_gp.set_byte_enable_length(0);
    } else {
        for (unsigned i = 0; i < len; ++i) m_be[i] = ((be >> i) & 1u) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
        m_gp.set_byte_enable_ptr(m_be);
        m_gp.set_byte_enable_length(len);
    }
    m_gp.set_dmi_allowed(false);
    m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;  // memory timing is the bridge's read_latency, counted in clocks
    mem->b_transport(m_gp, delay);
    ++m_stats.tlm_transactions;
    if (!m_gp.is_response_ok()) return false;
    if (m_params.use_dmi && m_gp.is_dmi_allowed()) {
        tlm::tlm_dmi dmi;
        if (mem->get_direct_mem_ptr(m_gp, dmi) && dmi.is_read_allowed()) {
            DmiEntry& e = m_dmi[m_dmi_next];
            m_dmi_next = (m_dmi_next + 1) % kDmiEntries;
            e.valid = true;
            e.writable = dmi.is_write_allowed();
            e.start = dmi.get_start_address();
            e.end = dmi.get_end_address();
            e.ptr = dmi.get_dmi_ptr();
        }
    }
    return true;
}

void HostBridge::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    for (DmiEntry& e : m_dmi)
        if (e.valid && e.start <= end && e.end >= start) e.valid = false;
}

}  // namespace nicsim::host
