// The GTKWave save file a nicsim run writes beside its VCD: the VCD and the translate filters named by absolute
// paths (so `gtkwave nicsim-out/nicsim.gtkw` works from any directory), the signal groups of what --trace asked
// for (the groups of traces/pci_bus.gtkw, nic_dma.gtkw and nic_desc.gtkw), and the window on the first bus
// transactions instead of time 0, where every line is still floating.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nicsim::tb {

/// One traced machine: the VCD scopes of its bus and NIC.
struct GtkwMachine {
    std::string label;                 ///< group name prefix ("" for the DUT, "partner " for the second machine)
    std::string bus_scope;             ///< e.g. "pci"; empty when its bus is not traced (--bus-model tlm)
    std::string nic_scope;             ///< e.g. "nic"; empty when no NIC part is traced
    std::vector<std::string> masters;  ///< REQ#/GNT# names of the bus masters ("bridge", "nic")
    std::vector<std::string> devices;  ///< IDSEL names of the devices ("nic")
};

struct GtkwView {
    std::string vcd;          ///< absolute path of the VCD
    std::string filters_dir;  ///< absolute directory of the translate filters (traces/filters); empty = none
    unsigned bus_bits = 32;   ///< 32 or 64: which vectors and the 64-bit extension exist
    unsigned nic_parts = 0;   ///< nic::TraceWhat bits traced (dma, desc, mac)
    std::string wire_scope;   ///< the wire's scope when traced (with mac), else empty
    std::vector<GtkwMachine> machines;
    uint64_t period_ps = 30000;  ///< one bus clock
    bool have_start = false;     ///< start_ps is the first address phase (else the view shows the whole run)
    uint64_t start_ps = 0;       ///< the first address phase
    uint64_t end_ps = 0;         ///< the end of the trace
};

/// Clocks shown before the first address phase, and in the whole window.
constexpr unsigned kGtkwLeadClocks = 4;
constexpr unsigned kGtkwWindowClocks = 24;

/// The save file's text.
std::string gtkw_save_text(const GtkwView& view);

/// The save file beside a VCD: "x.vcd" -> "x.gtkw", any other name gets ".gtkw" appended.
std::string gtkw_path_for(const std::string& vcd_path);

/// The translate filters' directory this build was configured with (the source tree's traces/filters), or empty
/// when it does not exist any more.
std::string installed_filters_dir();

}  // namespace nicsim::tb
