// The host CPU: runs a program (std::function<void()>, e.g. host software behind an adapter that implements the
// software's platform interface with these calls) in its SC_THREAD and offers it the CPU's cycles. Configuration, MMIO
// and I/O calls are b_transport into the host bridge's CPU sockets, so each is a real bus cycle that takes simulated
// time; stall_ns lets simulated time pass; the interrupt controller dispatches INTA# to connected ISRs while the
// program stalls, or after it returned, never re-entrantly. Host memory is a separate block (HostMemory), reached by
// the program directly (zero-time CPU access).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <systemc>
#include <tlm>

#include "model/common/sim_now.h"
#include "model/pci/pci_bus.h"

namespace nicsim::host {

struct HostCpuStats {
    uint64_t config_cycles = 0;  ///< config_read/config_write calls that reached the bus
    uint64_t mmio_cycles = 0;    ///< mmio_read/mmio_write calls that reached the bus
    uint64_t io_cycles = 0;      ///< io_read/io_write calls that reached the bus
    uint64_t bus_errors = 0;     ///< cycles answered with an error response (master/target abort)
    uint64_t bad_calls = 0;      ///< calls refused for a bad size, alignment or offset
    uint64_t interrupts = 0;     ///< ISR invocations
    uint64_t stall_ns = 0;       ///< simulated time spent in stall_ns
    uint64_t syncs = 0;          ///< temporal decoupling: synchronisations with the kernel (set_quantum)
};

class HostCpu : public sc_core::sc_module {
  public:
    using Program = std::function<void()>;
    /// An interrupt service routine; an empty one disconnects.
    using Isr = std::function<void()>;

    tlm_utils::simple_initiator_socket<HostCpu> cpu_mem;  ///< to HostBridge::cpu_mem (memory cycles)
    tlm_utils::simple_initiator_socket<HostCpu> cpu_io;   ///< to HostBridge::cpu_io (I/O cycles)
    tlm_utils::simple_initiator_socket<HostCpu> cpu_cfg;  ///< to HostBridge::cpu_cfg (configuration cycles)

    HostCpu(sc_core::sc_module_name name, pci::PciBus& bus);

    /// The program the CPU runs from time 0 (set before sc_start).
    void set_program(Program program) { m_program = std::move(program); }
    /// Call sc_stop() when the program returns (default: keep dispatching interrupts).
    void set_stop_when_done(bool stop) { m_stop_when_done = stop; }
    /// While INTA# stays asserted after its ISR returned, the ISR is called again after this long (default 1 us).
    void set_irq_recheck(const sc_core::sc_time& t) { m_irq_recheck = t; }
    /// Temporal decoupling (the loosely-timed machine): a cycle's annotated delay is added to the CPU's local time
    /// and the thread synchronises with the kernel only once the local time runs `quantum` ahead (and before it
    /// stalls, waits for an interrupt or ends), instead of waiting out every cycle. Zero (the default): every cycle
    /// waits its delay. Call before sc_start.
    void set_quantum(const sc_core::sc_time& quantum);
    const sc_core::sc_time& quantum() const { return m_qk.quantum(); }
    bool program_done() const { return m_done; }
    const sc_core::sc_event& done_event() const { return m_done_event; }
    const HostCpuStats& stats() const { return m_stats; }

    /// Type 0 configuration cycle to `device` (its IDSEL line), `size` = 1, 2 or 4 bytes at `offset`.
    uint32_t config_read(unsigned device, unsigned offset, unsigned size);
    void config_write(unsigned device, unsigned offset, unsigned size, uint32_t value);
    /// Memory cycle (MMIO) of `size` = 1, 2 or 4 bytes, naturally aligned.
    uint32_t mmio_read(uint64_t phys, unsigned size);
    void mmio_write(uint64_t phys, unsigned size, uint32_t value);
    /// I/O cycle of `size` = 1, 2 or 4 bytes, naturally aligned.
    uint32_t io_read(uint32_t port, unsigned size);
    void io_write(uint32_t port, unsigned size, uint32_t value);
    /// Let `ns` of simulated time pass in the program, servicing interrupts meanwhile (not inside an ISR).
    void stall_ns(uint64_t ns) { stall_ns(ns, nullptr, nullptr); }
    /// The same, returning early once an interrupt serviced meanwhile left `woken(ctx)` true (a thread waiting for
    /// an event its driver's completion handlers signal, with `ns` as its timeout).
    void stall_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx);
    uint64_t now_ns() const;
    /// `isr` runs whenever INTA# of `device` is asserted and the CPU is not already inside an ISR (while the
    /// program stalls, or after it returned).
    void connect_interrupt(unsigned device, Isr isr);

  private:
    /// A quantum keeper with its own quantum instead of the global one (two machines may differ).
    class QuantumKeeper : public tlm_utils::tlm_quantumkeeper {
      public:
        void set_quantum(const sc_core::sc_time& q) { m_quantum = q; }
        const sc_core::sc_time& quantum() const { return m_quantum; }
        // The base class's arithmetic, with the time read inline (sim_now()) instead of by sc_time_stamp().
        bool need_sync() const override { return sim_now() + m_local_time >= m_next_sync_point; }
        void reset() override;
        sc_core::sc_time get_current_time() const override { return sim_now() + m_local_time; }

      protected:
        sc_core::sc_time compute_local_quantum() override;

      private:
        sc_core::sc_time m_quantum = sc_core::SC_ZERO_TIME;
    };

    void run();
    /// Bring the kernel's time up to the CPU's local time (temporal decoupling), before anything that waits.
    void sync();
    /// One bus cycle through `socket`; returns the read value (all-ones on an error response).
    uint32_t cycle(tlm_utils::simple_initiator_socket<HostCpu>& socket, bool write, uint64_t addr, unsigned size,
                   uint32_t value);
    bool valid_size(const char* what, uint64_t addr, unsigned size) {
        return ((size == 1 || size == 2 || size == 4) && addr % size == 0) || bad_size(what, addr, size);
    }
    /// Counts and reports a call valid_size() refused; false. Out of line: it builds the message.
    [[gnu::cold, gnu::noinline]] bool bad_size(const char* what, uint64_t addr, unsigned size);
    /// Calls the ISR of every asserted, connected device once; returns the devices still pending afterwards.
    uint32_t service_interrupts();
    uint32_t pending() const { return m_bus.lines().inta & m_connected; }
    /// A waiting thread's wait until `until` or the next INTA# change.
    void wait_timeout_or_inta(const sc_core::sc_time& until, const sc_core::sc_time& now);

    pci::PciBus& m_bus;
    Program m_program;
    bool m_stop_when_done = false;
    bool m_done = false;
    bool m_in_isr = false;
    sc_core::sc_time m_irq_recheck{1, sc_core::SC_US};
    sc_core::sc_event m_done_event;
    // The timeout of a stall, kept pending while its deadline stays the same: a wait(time, event) per wait would
    // leave a cancelled timeout in the kernel's timed queue at every wake by INTA#.
    sc_core::sc_event m_timeout;
    sc_core::sc_time m_timeout_at;
    sc_core::sc_event_or_list m_timeout_or_inta;  // built at the first wait
    std::array<Isr, 32> m_isr{};
    uint32_t m_connected = 0;  // devices with an ISR
    QuantumKeeper m_qk;
    bool m_decoupled = false;
    tlm::tlm_generic_payload m_gp;
    uint8_t m_buf[4] = {};
    HostCpuStats m_stats;
};

}  // namespace nicsim::host
