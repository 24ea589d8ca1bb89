// The bus arithmetic of one bus-master burst, as the pin-level bus obeys it: N data phases hold the bus for N + 2
// clocks on a write (address phase, N data phases, the turnaround before the next address phase) and N + 3 on a read
// (one more turnaround, after the address phase, for the target to take AD), one more with a dual address cycle, plus
// the target's wait states before the first data phase (PCI Local Bus Specification 2.3, sections 3.3.1, 3.3.2 and
// 3.5.1). testbench/tests/pci/test_bus_efficiency.cpp checks these numbers against back-to-back bursts on the
// pin-level bus; the fast mode (model/fast) charges them as annotated delays instead of running the phases.
#pragma once

#include <cstdint>

namespace nicsim::pci {

/// Data phases a burst of `len` bytes at `addr` takes on a data path `bytes_per_phase` wide (4 or 8): partial first
/// and last phases count whole.
constexpr uint64_t burst_data_phases(uint64_t addr, uint64_t len, unsigned bytes_per_phase) {
    if (len == 0 || bytes_per_phase == 0) return 0;
    const uint64_t first = addr % bytes_per_phase;
    return (first + len + bytes_per_phase - 1) / bytes_per_phase;
}

/// Clocks from a burst's address phase to the first clock the next transaction's address phase may take.
constexpr uint64_t burst_clocks(bool write, uint64_t data_phases, bool dac = false, uint64_t initial_waits = 0) {
    return data_phases + (write ? 2 : 3) + (dac ? 1 : 0) + initial_waits;
}

}  // namespace nicsim::pci
