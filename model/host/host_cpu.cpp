#include "host_cpu.h"

#include <algorithm>
#include <string>

#include "model/common/hex.h"
#include "model/pci/pci_types.h"

namespace nicsim::host {

using namespace sc_core;

namespace {
uint32_t all_ones(unsigned size) {
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}
}  // namespace

HostCpu::HostCpu(sc_module_name name, pci::PciBus& bus)
    : sc_module(name), cpu_mem("cpu_mem"), cpu_io("cpu_io"), cpu_cfg("cpu_cfg"), m_bus(bus) {
    SC_HAS_PROCESS(HostCpu);
    SC_THREAD(run);
}

void HostCpu::QuantumKeeper::reset() {
    m_local_time = SC_ZERO_TIME;
    m_next_sync_point = sim_now() + compute_local_quantum();
}

sc_time HostCpu::QuantumKeeper::compute_local_quantum() {
    if (m_quantum == SC_ZERO_TIME) return SC_ZERO_TIME;
    return m_quantum - sim_now() % m_quantum;  // quantum boundaries at k * quantum
}

void HostCpu::set_quantum(const sc_time& quantum) {
    m_qk.set_quantum(quantum);
    m_decoupled = quantum > SC_ZERO_TIME;
    m_qk.reset();
}

void HostCpu::sync() {
    if (!m_decoupled || m_qk.get_local_time() == SC_ZERO_TIME) return;
    ++m_stats.syncs;
    m_qk.sync();
}

void HostCpu::run() {
    if (m_decoupled) m_qk.reset();  // the local quantum starts at time 0, after elaboration
    if (m_program) m_program();
    sync();
    m_done = true;
    m_done_event.notify(SC_ZERO_TIME);
    if (m_stop_when_done) {
        sc_stop();
        return;
    }
    for (;;) {  // the program returned: the CPU idles and keeps taking interrupts
        const uint32_t still = service_interrupts();
        sync();
        if (still != 0)
            wait(m_irq_recheck);
        else
            wait(m_bus.next_inta_event());
    }
}

uint32_t HostCpu::service_interrupts() {
    if (m_in_isr) return 0;
    const uint32_t asserted = pending();
    for (uint32_t left = asserted; left != 0; left &= left - 1) {  // each asserted line, lowest device first
        const unsigned d = static_cast<unsigned>(__builtin_ctz(left));
        m_in_isr = true;
        ++m_stats.interrupts;
        const Isr isr = m_isr[d];  // a copy: the ISR may reconnect or disconnect itself
        isr();
        m_in_isr = false;
    }
    return asserted ? pending() : 0;
}

void HostCpu::stall_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) {
    const sc_time start = m_decoupled ? m_qk.get_current_time() : sim_now();
    const sc_time until = start + time_from_ns(ns);
    sync();
    if (m_in_isr) {  // an ISR that stalls just waits: interrupts are masked inside it
        m_stats.stall_ns += ns;
        if (until > sim_now()) wait(until - sim_now());
        return;
    }
    for (;;) {
        const uint32_t still = service_interrupts();
        sync();
        const sc_time now = sim_now();
        if (now >= until || (woken && woken(ctx))) {
            m_stats.stall_ns += (std::min(now, until) - start).value() / ticks_per_ns();
            return;
        }
        if (still != 0)
            wait(std::min(until - now, m_irq_recheck));
        else
            wait_timeout_or_inta(until, now);
    }
}

void HostCpu::wait_timeout_or_inta(const sc_time& until, const sc_time& now) {
    if (m_timeout_or_inta.size() == 0) {
        m_timeout_or_inta |= m_timeout;
        m_timeout_or_inta |= m_bus.next_inta_event();
    }
    if (m_timeout_at != until) {  // a new deadline (the last one came, or it moved)
        m_timeout.cancel();
        m_timeout.notify(until - now);
        m_timeout_at = until;
    }
    m_bus.next_inta_event();  // asks the bus to notify the next change
    wait(m_timeout_or_inta);
}

uint64_t HostCpu::now_ns() const {
    return m_decoupled ? m_qk.get_current_time().value() / ticks_per_ns() : sim_now_ns();
}

void HostCpu::connect_interrupt(unsigned device, Isr isr) {
    if (device >= m_isr.size()) {
        SC_REPORT_WARNING("nicsim/host/cpu-interrupt",
                          ("connect_interrupt: no device " + std::to_string(device)).c_str());
        return;
    }
    const bool connected = static_cast<bool>(isr);
    m_isr[device] = std::move(isr);
    m_connected = connected ? (m_connected | (1u << device)) : (m_connected & ~(1u << device));
}

bool HostCpu::bad_size(const char* what, uint64_t addr, unsigned size) {
    ++m_stats.bad_calls;
    SC_REPORT_WARNING("nicsim/host/cpu-access", (std::string(what) + " of size " + std::to_string(size) + " at " +
                                                 hex(addr) + ": size must be 1, 2 or 4 and naturally aligned")
                                                    .c_str());
    return false;
}

uint32_t HostCpu::cycle(tlm_utils::simple_initiator_socket<HostCpu>& socket, bool write, uint64_t addr, unsigned size,
                        uint32_t value) {
    for (unsigned i = 0; i < size; ++i) m_buf[i] = write ? static_cast<uint8_t>(value >> (8 * i)) : 0;
    m_gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    m_gp.set_address(addr);
    m_gp.set_data_ptr(m_buf);
    m_gp.set_data_length(size);
    m_gp.set_streaming_width(size);
    m_gp.set_byte_enable_ptr(nullptr);
    m_gp.set_byte_enable_length(0);
    m_gp.set_dmi_allowed(false);
    m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    if (m_decoupled) {
        delay = m_qk.get_local_time();
        socket->b_transport(m_gp, delay);
        m_qk.set(delay);
        if (m_qk.need_sync()) sync();
    } else {
        socket->b_transport(m_gp, delay);
        if (delay > SC_ZERO_TIME) wait(delay);
    }
    if (!m_gp.is_response_ok()) {
        ++m_stats.bus_errors;  // the bridge has already named the abort
        return write ? 0 : all_ones(size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= static_cast<uint32_t>(m_buf[i]) << (8 * i);
    return v;
}

uint32_t HostCpu::config_read(unsigned device, unsigned offset, unsigned size) {
    if (device >= 32 || offset > 0xFF || !valid_size("config_read", offset, size)) {
        if (device >= 32 || offset > 0xFF) {
            ++m_stats.bad_calls;
            SC_REPORT_WARNING("nicsim/host/cpu-access", ("config_read of device " + std::to_string(device) +
                                                         " offset " + hex(offset) + ": out of range")
                                                            .c_str());
        }
        return all_ones(size);
    }
    ++m_stats.config_cycles;
    return cycle(cpu_cfg, false, pci::config_address(device, 0, offset) | (offset & 3u), size, 0);
}

void HostCpu::config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) {
    if (device >= 32 || offset > 0xFF) {
        ++m_stats.bad_calls;
        SC_REPORT_WARNING(
            "nicsim/host/cpu-access",
            ("config_write of device " + std::to_string(device) + " offset " + hex(offset) + ": out of range").c_str());
        return;
    }
    if (!valid_size("config_write", offset, size)) return;
    ++m_stats.config_cycles;
    cycle(cpu_cfg, true, pci::config_address(device, 0, offset) | (offset & 3u), size, value);
}

uint32_t HostCpu::mmio_read(uint64_t phys, unsigned size) {
    if (!valid_size("mmio_read", phys, size)) return all_ones(size);
    ++m_stats.mmio_cycles;
    return cycle(cpu_mem, false, phys, size, 0);
}

void HostCpu::mmio_write(uint64_t phys, unsigned size, uint32_t value) {
    if (!valid_size("mmio_write", phys, size)) return;
    ++m_stats.mmio_cycles;
    cycle(cpu_mem, true, phys, size, value);
}

uint32_t HostCpu::io_read(uint32_t port, unsigned size) {
    if (!valid_size("io_read", port, size)) return all_ones(size);
    ++m_stats.io_cycles;
    return cycle(cpu_io, false, port, size, 0);
}

void HostCpu::io_write(uint32_t port, unsigned size, uint32_t value) {
    if (!valid_size("io_write", port, size)) return;
    ++m_stats.io_cycles;
    cycle(cpu_io, true, port, size, value);
}

}  // namespace nicsim::host
