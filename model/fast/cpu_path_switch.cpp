#include "model/fast/cpu_path_switch.h"
#include "model/common/sim_now.h"

namespace nicsim::fast {

using namespace sc_core;

CpuPathSwitch::CpuPathSwitch(sc_module_name name)
    : sc_module(name),
      cpu_mem("cpu_mem"),
      cpu_io("cpu_io"),
      cpu_cfg("cpu_cfg"),
      pin_mem("pin_mem"),
      pin_io("pin_io"),
      pin_cfg("pin_cfg"),
      fast_mem("fast_mem"),
      fast_io("fast_io"),
      fast_cfg("fast_cfg") {
    cpu_mem.register_b_transport(this, &CpuPathSwitch::mem_transport);
    cpu_io.register_b_transport(this, &CpuPathSwitch::io_transport);
    cpu_cfg.register_b_transport(this, &CpuPathSwitch::cfg_transport);
    cpu_mem.register_transport_dbg(this, &CpuPathSwitch::mem_dbg);
    cpu_io.register_transport_dbg(this, &CpuPathSwitch::io_dbg);
    cpu_cfg.register_transport_dbg(this, &CpuPathSwitch::cfg_dbg);
}

void CpuPathSwitch::select(bool pin) {
    m_pin = pin;
    m_held = false;
    m_released.notify();
}

tlm_utils::simple_initiator_socket<CpuPathSwitch>& CpuPathSwitch::socket(Space space) {
    switch (space) {
        case Space::Io:
            return m_pin ? pin_io : fast_io;
        case Space::Cfg:
            return m_pin ? pin_cfg : fast_cfg;
        case Space::Mem:
        default:
            return m_pin ? pin_mem : fast_mem;
    }
}

void CpuPathSwitch::transport(Space space, tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (m_held) {
        const sc_time at = sim_now() + delay;  // the cycle's own start time
        while (m_held) wait(m_released);
        delay = at > sim_now() ? at - sim_now() : SC_ZERO_TIME;
    }
    ++m_running;
    socket(space)->b_transport(gp, delay);
    --m_running;
}

}  // namespace nicsim::fast
