// The current simulation time, read inline. sc_core::sc_time_stamp() is an out-of-line call into the SystemC
// library (about 15 instructions with the call); the fast mode asks for the time a few dozen times per frame, so
// the hot paths read the current context's time here instead (the same value: sc_time_stamp() returns exactly this).
#pragma once

#include <systemc>

namespace nicsim {

/// The current simulation time (as sc_core::sc_time_stamp()).
inline const sc_core::sc_time& sim_now() {
    return sc_core::sc_get_curr_simcontext()->time_stamp();
}

}  // namespace nicsim
