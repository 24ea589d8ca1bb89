#pragma once
// When a run counts as stalled: nothing sent, received or on the wire for kStallNs once the driver is up, or for
// kInitStallNs while it comes up (a driver's bring-up sleeps without traffic: the 8254x shared code waits 10 ms and
// 5 ms around a reset, drivers wait for autonegotiation, about 2 s on real hardware). The quiet of the bring-up does
// not carry over into the running driver's count.

#include <cstdint>

namespace nicsim::tb {

class StallWatch {
  public:
    /// Far longer than any pause the model makes on purpose (a reset, a link flap, a 1514-byte frame at 10 Mb/s).
    static constexpr uint64_t kStallNs = 10'000'000;
    static constexpr uint64_t kInitStallNs = 10'000'000'000;

    explicit StallWatch(uint64_t moved) : m_last(moved) {}

    /// One sample `step_ns` after the previous one: what has moved so far and whether the driver is up. True when
    /// the run has stalled.
    bool sample(uint64_t moved, bool driver_up, uint64_t step_ns) {
        m_still_ns = moved == m_last && driver_up == m_up ? m_still_ns + step_ns : 0;
        m_last = moved;
        m_up = driver_up;
        return m_still_ns >= (driver_up ? kStallNs : kInitStallNs);
    }

  private:
    uint64_t m_last;
    bool m_up = false;
    uint64_t m_still_ns = 0;
};

}  // namespace nicsim::tb
