// The CPU's path to the devices in a machine that has both bus models (--detail-from): the CPU's configuration, memory
// and I/O cycles go either to the pin-level host bridge (a bus cycle clock by clock) or to FastBridge (a direct call
// with an annotated delay), whichever select() chose. A change of path never cuts a cycle in two: hold() makes new
// cycles wait, idle() says when the last one on the old path has finished, select() picks the path and lets the
// waiting cycles go. A cycle that waited keeps its place in time: it starts at its (possibly decoupled) local time or,
// when that has passed during the hold, at once.
//
// Hardware interface: target sockets cpu_mem, cpu_io, cpu_cfg (from HostCpu); initiator sockets pin_* (to HostBridge)
// and fast_* (to FastBridge).
// Diagnostics: none (the bridges name what they refuse).
#pragma once

#include <cstdint>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

namespace nicsim::fast {

class CpuPathSwitch : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<CpuPathSwitch> cpu_mem;
    tlm_utils::simple_target_socket<CpuPathSwitch> cpu_io;
    tlm_utils::simple_target_socket<CpuPathSwitch> cpu_cfg;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> pin_mem;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> pin_io;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> pin_cfg;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> fast_mem;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> fast_io;
    tlm_utils::simple_initiator_socket<CpuPathSwitch> fast_cfg;

    /// Starts on the fast path.
    explicit CpuPathSwitch(sc_core::sc_module_name name);

    /// New cycles wait until select().
    void hold() { m_held = true; }
    /// No cycle is running on either path.
    bool idle() const { return m_running == 0; }
    /// Take the pin-level path (true) or the fast one, and let the held cycles go.
    void select(bool pin);
    bool pin() const { return m_pin; }

  private:
    enum class Space : uint8_t { Mem, Io, Cfg };
    void mem_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Mem, gp, delay); }
    void io_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Io, gp, delay); }
    void cfg_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { transport(Space::Cfg, gp, delay); }
    void transport(Space space, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned mem_dbg(tlm::tlm_generic_payload& gp) { return socket(Space::Mem)->transport_dbg(gp); }
    unsigned io_dbg(tlm::tlm_generic_payload& gp) { return socket(Space::Io)->transport_dbg(gp); }
    unsigned cfg_dbg(tlm::tlm_generic_payload& gp) { return socket(Space::Cfg)->transport_dbg(gp); }
    tlm_utils::simple_initiator_socket<CpuPathSwitch>& socket(Space space);

    bool m_pin = false;
    bool m_held = false;
    unsigned m_running = 0;
    sc_core::sc_event m_released;
};

}  // namespace nicsim::fast
