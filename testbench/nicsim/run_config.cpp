#include "testbench/nicsim/run_config.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "model/common/splitmix64.h"
#include "model/trace/fst_support.h"
#include "testbench/nicsim/value_parsers.h"

namespace nicsim::tb {
bool FaultConfig::any() const {
    return retry > 0 || disconnect > 0 || latency_spike > 0 || target_abort || master_abort || parity_address_ns ||
           parity_data_ns || parity_read_ns || rx_flood || link_flap_ns || reset_at_ns;
}

const char* FaultConfig::first_needing_bus() const {
    if (retry > 0) return "retry";
    if (disconnect > 0) return "disconnect";
    if (latency_spike > 0) return "latency-spike";
    if (target_abort) return "target-abort";
    if (master_abort) return "master-abort";
    if (parity_address_ns) return "parity-address";
    if (parity_data_ns) return "parity-data";
    if (parity_read_ns) return "parity-read";
    return nullptr;
}

bool FaultConfig::lossy() const {
    // Every fault may lose frames: even retries and latency spikes slow the bus until the RX FIFO overruns (MPC).
    return any();
}

std::string FaultConfig::text() const {
    std::string t;
    auto add = [&t](const std::string& s) { t += (t.empty() ? "" : ",") + s; };
    auto num = [](double d) {
        char b[32];
        std::snprintf(b, sizeof b, "%g", d);
        return std::string(b);
    };
    auto ns = [](uint64_t n) { return std::to_string(n) + "ns"; };
    if (retry > 0) add("retry:" + num(retry));
    if (disconnect > 0) add("disconnect:" + num(disconnect));
    if (latency_spike > 0) add("latency-spike:" + num(latency_spike) + ",spike-clocks:" + std::to_string(spike_clocks));
    if (target_abort) add("target-abort:" + std::to_string(target_abort));
    if (master_abort) add("master-abort:" + std::to_string(master_abort));
    if (parity_address_ns) add("parity-address:" + ns(parity_address_ns));
    if (parity_data_ns) add("parity-data:" + ns(parity_data_ns));
    if (parity_read_ns) add("parity-read:" + ns(parity_read_ns));
    if (rx_flood) add("rx-flood");
    if (link_flap_ns) add("link-flap:" + ns(link_flap_ns) + ",link-down-for:" + ns(link_down_for_ns));
    if (reset_at_ns) add("reset-at:" + ns(reset_at_ns));
    return t.empty() ? "none" : t;
}

std::string SizeDist::text() const {
    switch (kind) {
        case Fixed:
            return std::to_string(min);
        case Uniform:
            return std::to_string(min) + ".." + std::to_string(max);
        case Imix:
            return "imix";
    }
    return "?";
}

const char* direction_name(Direction d) {
    return d == Direction::Tx ? "tx" : d == Direction::Rx ? "rx" : "both";
}

const char* trace_format_name(TraceFormat f) {
    return f == TraceFormat::Fst ? "fst" : "vcd";
}

const char* default_trace_path(const RunConfig& cfg) {
    return cfg.trace_format == TraceFormat::Fst ? kDefaultFst : kDefaultVcd;
}

std::string DetailFrom::text() const {
    if (packet) return "packet:" + std::to_string(packet);
    return ns ? values::time_text(ns) : "none";
}

const char* bus_model_name(BusModel m) {
    return m == BusModel::Tlm ? "tlm" : "pin";
}

void apply_random_scenario(RunConfig& cfg) {
    // The seeded generator of the traffic: the same choices on every platform.
    uint64_t state = cfg.seed ^ 0x52414E444F4D21ull;
    auto pick = [&](uint64_t n) { return splitmix64(state) % n; };
    cfg.bus_width = pick(2) ? 64 : 32;
    cfg.bus_clock_mhz = pick(2) ? 66 : 33;
    cfg.dma_address_bits = pick(2) ? 64 : 32;
    cfg.mem_latency = static_cast<unsigned>(pick(4) == 0 ? 8 + pick(30) : pick(8));
    const ndis::Placement places[] = {ndis::Placement::Low, ndis::Placement::High, ndis::Placement::Scattered,
                                      ndis::Placement::Fragmented};
    cfg.placement = places[pick(4)];
    const uint32_t transfers[] = {256, 1024, 4096, 4096};
    cfg.max_transfer = transfers[pick(4)];
    const Direction dirs[] = {Direction::Tx, Direction::Rx, Direction::Both, Direction::Both};
    cfg.direction = dirs[pick(4)];
    cfg.fragments = static_cast<unsigned>(1 + pick(6));
    switch (pick(3)) {
        case 0:
            cfg.size = SizeDist{SizeDist::Imix, 60, 1514};
            break;
        case 1: {
            const uint32_t a = static_cast<uint32_t>(60 + pick(1455)), b = static_cast<uint32_t>(60 + pick(1455));
            cfg.size = SizeDist{SizeDist::Uniform, std::min(a, b), std::max(a, b)};
            break;
        }
        default: {
            const uint32_t n = static_cast<uint32_t>(60 + pick(1455));
            cfg.size = SizeDist{SizeDist::Fixed, n, n};
            break;
        }
    }
    cfg.lso_max_size = 0;
    switch (pick(4)) {
        case 0:
            cfg.maximum_physical_mapping = 32 * 1024;
            break;
        case 1:
            cfg.lso_max_size = static_cast<uint32_t>(1515 + pick(64 * 1024 - 1515 + 1));
            cfg.maximum_physical_mapping = cfg.lso_max_size;
            break;
        default:
            cfg.maximum_physical_mapping = 1514;
            break;
    }
    cfg.packets = cfg.lso_max_size ? 2 + pick(4) : 8 + pick(25);
    cfg.nic_data_path = pick(4) == 0 ? 64 : 32;  // the 82545EM variant now and then
    cfg.scenario = "random";
}

namespace {

/// Faults that fire at a time must fire within the run: one after --max-time could never take effect.
void validate_fault_times(const RunConfig& cfg) {
    const FaultConfig& f = cfg.fault;
    if (f.link_down_for_given && !f.link_flap_ns)
        throw UsageError("--fault: link-down-for needs link-flap (it says how long the link stays down)");
    if (!cfg.max_time_ns) return;
    const std::pair<const char*, uint64_t> timed[] = {{"reset-at", f.reset_at_ns},
                                                      {"link-flap", f.link_flap_ns},
                                                      {"parity-address", f.parity_address_ns},
                                                      {"parity-data", f.parity_data_ns},
                                                      {"parity-read", f.parity_read_ns}};
    for (const auto& [name, ns] : timed)
        if (ns >= cfg.max_time_ns)
            throw UsageError(std::string("--fault ") + name + ": " + values::time_text(ns) +
                             " is not before --max-time " + values::time_text(cfg.max_time_ns) +
                             " (the fault could never happen)");
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// GTKWave picks a trace file's reader by its name (.vcd, .fst): a name that says the other format would not open.
void validate_trace_file(const RunConfig& cfg) {
    if (cfg.vcd.empty() || cfg.vcd == "none") return;
    if (cfg.trace_format == TraceFormat::Fst) {
        if (!fst_writer_built())
            throw UsageError(
                "--trace-format fst: this nicsim was built without GTKWave's FST writer (fstapi.c, installed by "
                "the Debian package verilator); install it and rebuild, or use --trace-format vcd");
        if (cfg.vcd == "-")
            throw UsageError(
                "--trace-format fst: the FST cannot go to standard output (its writer completes the file's header "
                "at the end); name a file such as --vcd run.fst");
        if (!ends_with(cfg.vcd, ".fst"))
            throw UsageError("--trace-format fst: --vcd '" + cfg.vcd +
                             "' must end in .fst (GTKWave reads a file by its name's ending)");
    } else if (ends_with(cfg.vcd, ".fst")) {
        throw UsageError("--vcd '" + cfg.vcd + "': an .fst name needs --trace-format fst (this run writes a VCD)");
    }
}

/// The detailed window starts in the fast mode and carries the DUT's machine over to the pin-level bus.
void validate_detail_window(const RunConfig& cfg) {
    if (cfg.detail_for_ns && !cfg.detail_from.any())
        throw UsageError("--detail-for: needs --detail-from (the window's start)");
    if (!cfg.detail_from.any()) return;
    if (cfg.bus_model != BusModel::Tlm)
        throw UsageError(
            "--detail-from: needs --bus-model tlm (the run is fast up to the window; with pin it is "
            "detailed throughout)");
    if (cfg.max_time_ns && cfg.detail_from.ns >= cfg.max_time_ns)
        throw UsageError("--detail-from " + cfg.detail_from.text() + ": not before --max-time " +
                         values::time_text(cfg.max_time_ns));
}

}  // namespace

void validate(const RunConfig& cfg) {
    validate_trace_file(cfg);
    if (cfg.lso_max_size != 0 && cfg.maximum_physical_mapping < cfg.lso_max_size)
        throw UsageError("--maximum-physical-mapping: " + std::to_string(cfg.maximum_physical_mapping) +
                         " is smaller than --lso-max-size " + std::to_string(cfg.lso_max_size));
    validate_fault_times(cfg);
    if (cfg.fault.any() && cfg.back_to_back)
        throw UsageError("--fault: not available with --back-to-back (faults are injected on the DUT's machine)");
    if (cfg.fault.rx_flood && cfg.direction == Direction::Tx)
        throw UsageError("--fault: rx-flood needs received traffic (--direction rx or both)");
    if (cfg.fault.rx_flood && cfg.packets < kRxFloodMinPackets)
        throw UsageError("--fault: rx-flood needs --packets " + std::to_string(kRxFloodMinPackets) +
                         " or more to overrun the receive ring (got " + std::to_string(cfg.packets) + ")");
    if (!cfg.peer_miniport.empty() && !cfg.back_to_back)
        throw UsageError("--peer-miniport: needs --back-to-back (the peer is otherwise not a machine)");
    if (cfg.back_to_back && !cfg.pcap_in.empty())
        throw UsageError("--pcap-in: not available with --back-to-back (the second NIC is the wire's other end)");
    validate_detail_window(cfg);
    if (cfg.bus_model == BusModel::Tlm) {
        // The fast mode has no host bridge and no bus lines: faults injected there have nothing to act on.
        if (const char* f = cfg.fault.first_needing_bus())
            throw UsageError(std::string("--fault ") + f +
                             ": not available with --bus-model tlm (it acts on the host bridge or the PCI bus lines)");
        // An explicit VCD must not silently lack the bus it was asked for (without --vcd, main leaves it off).
        const bool vcd_asked = !cfg.vcd.empty() && cfg.vcd != "none";
        if (const char* t = trace_needing_bus(cfg.trace); t && vcd_asked && !cfg.detail_from.any())
            throw UsageError(std::string("--trace ") + t +
                             ": not available with --bus-model tlm (no pin-level bus to trace); use --trace "
                             "dma,desc,mac or --vcd none");
    }
}

const char* trace_needing_bus(const std::string& trace) {
    std::stringstream ss(trace);
    std::string item;
    while (std::getline(ss, item, ','))
        if (item == "bus" || item == "all") return item == "bus" ? "bus" : "all";
    return nullptr;
}

}  // namespace nicsim::tb
