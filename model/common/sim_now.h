// The current simulation time, read inline, and times built from a value in the time resolution without a library
// call. sc_core::sc_time_stamp() and sc_core::sc_time::from_value() are out-of-line calls into the SystemC library
// (about 15 and 25 instructions with the call); the fast mode asks for the time a few dozen times per frame and
// builds several times from clock edges, so its hot paths use these instead (the same values).
#pragma once

#include <cstdint>
#include <type_traits>

#include <systemc>

namespace nicsim {

/// The current simulation time (as sc_core::sc_time_stamp()).
inline const sc_core::sc_time& sim_now() {
    return sc_core::sc_get_curr_simcontext()->time_stamp();
}

/// The time `value` units of the time resolution after zero, as sc_core::sc_time::from_value(value) gives it once
/// the resolution is fixed: that call stores the value, after fixing the resolution if nothing has yet. Any
/// non-zero sc_time fixes it, and elaboration does (every clock period and delay is one), so this is for times
/// built while the simulation runs.
inline sc_core::sc_time time_from_value(sc_core::sc_time::value_type value) {
    // sc_time holds its value and nothing else: a standard-layout object and its first member are
    // pointer-interconvertible, so the value is written through a pointer to that member.
    static_assert(std::is_standard_layout<sc_core::sc_time>::value &&
                      sizeof(sc_core::sc_time) == sizeof(sc_core::sc_time::value_type),
                  "sc_time is not a lone value_type");
    sc_core::sc_time t;
    *reinterpret_cast<sc_core::sc_time::value_type*>(&t) = value;
    return t;
}

namespace detail {
/// ticks_per_ns() and the nanoseconds below which time_from_ns() is exact, fixed together at the first call (the
/// resolution is fixed before the simulation runs): one guarded static and no division per call.
struct NsScale {
    sc_core::sc_time::value_type ticks;
    uint64_t exact_ns;
};
inline const NsScale& ns_scale() {
    static const NsScale scale = [] {
        const sc_core::sc_time::value_type ticks = sc_core::sc_time(1, sc_core::SC_NS).value();
        return NsScale{ticks, (uint64_t{1} << 52) / ticks};
    }();
    return scale;
}
}  // namespace detail

/// Time resolution units per nanosecond (the resolution is fixed before the simulation runs).
inline sc_core::sc_time::value_type ticks_per_ns() {
    return detail::ns_scale().ticks;
}

/// The current simulation time in whole nanoseconds (truncated).
inline uint64_t sim_now_ns() {
    return sim_now().value() / ticks_per_ns();
}

/// `ns` nanoseconds, as sc_core::sc_time(double(ns), SC_NS) gives them, without the double arithmetic where that
/// constructor's rounding (the product plus one half, truncated) is exact: below 2^52 resolution units, about 52 days
/// at 1 ps. Beyond, that constructor.
inline sc_core::sc_time time_from_ns(uint64_t ns) {
    const detail::NsScale& scale = detail::ns_scale();
    if (ns < scale.exact_ns) return time_from_value(ns * scale.ticks);
    return sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS);
}

}  // namespace nicsim
