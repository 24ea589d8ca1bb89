#include "testbench/nicsim/params.h"

#include <strings.h>

#include "hostdrv/miniport/e1000_miniport.h"
#include "testbench/nicsim/scenario_file.h"
#include "testbench/nicsim/value_parsers.h"

namespace nicsim::tb {
namespace {

using namespace values;

constexpr const char* kGroupScenario = "Scenario";
constexpr const char* kGroupBus = "Bus and host";
constexpr const char* kGroupNic = "NIC";
constexpr const char* kGroupDriver = "NDIS and driver";
constexpr const char* kGroupTraffic = "Traffic";
constexpr const char* kGroupFiles = "Topology and files";
constexpr const char* kGroupLimits = "Limits and terminal";

std::string num(uint64_t v) {
    return std::to_string(v);
}
std::string yes_no(bool b) {
    return b ? "true" : "false";
}
std::string or_none(const std::string& s) {
    return s.empty() ? "none" : s;
}

template <typename E>
E parse_enum(const std::string& k, const std::string& v, std::initializer_list<std::pair<const char*, E>> names,
             const char* expected) {
    for (const auto& [n, e] : names)
        if (v == n) return e;
    bad(k, v, expected);
}

// Names (scripts/check_names.py checks them): a parameter's RunConfig field is its option name in snake_case
// (--dma-address-bits: dma_address_bits); a parameter whose value carries a unit, metavar TIME, MHZ or MBPS, adds the
// unit the field holds (_ns, _mhz, _mbps: --max-time: max_time_ns). A value that reaches the driver keeps that name
// as the registry keyword in CamelCase (DmaAddressBits) and as the miniport's Adapter field (dma_address_bits).
std::vector<Param> scenario_params() {
    return {
        {kScenarioKey, kGroupScenario, "NAME", "a preset name (--list-scenarios)",
         "start from a named preset; applied before every other option", nullptr,
         [](RunConfig& c, auto&, auto& v) { apply_preset(c, v); }, [](const RunConfig& c) { return c.scenario; }},
        {kScenarioFileKey, kGroupScenario, "FILE", "a TOML file of `name = value` lines",
         "read parameters from a scenario file; applied after --scenario, before other options", nullptr,
         [](RunConfig& c, auto&, auto& v) { load_scenario_file(c, v); },
         [](const RunConfig& c) {
             std::string t;
             for (const std::string& f : c.scenario_file) t += (t.empty() ? "" : ",") + f;
             return or_none(t);
         }},
        {"randomize", kGroupScenario, nullptr, "flag",
         "pick bus, NIC, memory, mapping, sizes, fragments and direction from --seed", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.randomize = parse_bool(k, v); },
         [](const RunConfig& c) { return yes_no(c.randomize); }},
        {"seed", kGroupScenario, "N", "0 to 2^64-1", "seed of traffic, placement, faults and --randomize", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.seed = parse_uint(k, v, 0, UINT64_MAX); },
         [](const RunConfig& c) { return num(c.seed); }},
    };
}

std::vector<Param> machine_params() {
    return {
        {"bus-width", kGroupBus, "BITS", "32 or 64", "PCI bus width", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.bus_width = parse_choice(k, v, {32, 64});
         },
         [](const RunConfig& c) { return num(c.bus_width); }},
        {"bus-clock", kGroupBus, "MHZ", "33 or 66", "PCI clock in MHz", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.bus_clock_mhz = parse_choice(k, v, {33, 66});
         },
         [](const RunConfig& c) { return num(c.bus_clock_mhz); }},
        {"bus-model", kGroupBus, "MODEL", "pin or tlm",
         "pin: cycle-accurate PCI bus; tlm: TLM-2.0 fast mode without bus phases", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.bus_model = parse_enum<BusModel>(k, v, {{"pin", BusModel::Pin}, {"tlm", BusModel::Tlm}}, "pin or tlm");
         },
         [](const RunConfig& c) { return std::string(bus_model_name(c.bus_model)); }},
        {"burst-batching", kGroupBus, "MODE", "on or off",
         "on: the steady clocks of a burst are evaluated in batches, with unchanged results; off: one by one", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.burst_batching = parse_enum<bool>(k, v, {{"on", true}, {"off", false}}, "on or off");
         },
         [](const RunConfig& c) { return std::string(c.burst_batching ? "on" : "off"); }},
        {"tlm-quantum", kGroupBus, "TIME", "0 or a time, e.g. 1us",
         "with --bus-model tlm: how far the CPU may run ahead of the rest of the machine before it synchronises "
         "(temporal decoupling); 0: every CPU cycle waits out its delay",
         nullptr, [](RunConfig& c, auto& k, auto& v) { c.tlm_quantum_ns = v == "0" ? 0 : parse_time_ns(k, v); },
         [](const RunConfig& c) { return c.tlm_quantum_ns ? time_text(c.tlm_quantum_ns) : "0"; }},
        {"detail-from", kGroupBus, "WHEN", "a time such as 5ms, packet:N, or none",
         "with --bus-model tlm: carry the running machine over to the cycle-accurate PCI bus at this time, or once the "
         "NIC has sent its Nth packet (at the DMA engine's next quiescent point); the VCD covers the detailed window",
         nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.detail_from = v == "none" ? DetailFrom{} : parse_detail_from(k, v); },
         [](const RunConfig& c) { return c.detail_from.text(); }},
        {"detail-for", kGroupBus, "TIME", "0 or a time, e.g. 1ms",
         "with --detail-from: return to the fast mode after this long on the pin-level bus (0: stay detailed)", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.detail_for_ns = v == "0" ? 0 : parse_time_ns(k, v); },
         [](const RunConfig& c) { return c.detail_for_ns ? time_text(c.detail_for_ns) : "0"; }},
        {"mem-latency", kGroupBus, "CLOCKS", "0 to 64", "host memory read latency in bus clocks", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.mem_latency = static_cast<unsigned>(parse_uint(k, v, 0, 64)); },
         [](const RunConfig& c) { return num(c.mem_latency); }},
        {"dma-address-bits", kGroupNic, "BITS", "32 or 64",
         "the NIC's DMA address capability (a 32-bit NIC's buffers above 4 GiB bounce)", miniport::kKeyDmaAddressBits,
         [](RunConfig& c, auto& k, auto& v) {
             c.dma_address_bits = parse_choice(k, v, {32, 64});
         },
         [](const RunConfig& c) { return num(c.dma_address_bits); }},
        {"max-transfer", kGroupNic, "BYTES", "64 to 64K", "most bytes one NIC bus-master request moves", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.max_transfer = static_cast<uint32_t>(parse_uint(k, v, 64, 64 * 1024));
         },
         [](const RunConfig& c) { return num(c.max_transfer); }},
        {"desc-cache", kGroupNic, "ENTRIES", "4 to 256", "on-chip descriptor cache per direction (the 82540EM has 64)",
         nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.desc_cache = static_cast<unsigned>(parse_uint(k, v, 4, 256)); },
         [](const RunConfig& c) { return num(c.desc_cache); }},
        {"link", kGroupNic, "MBPS", "10, 100 or 1000", "link speed of the MAC and the wire in Mb/s", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.link_mbps = parse_choice(k, v, {10, 100, 1000});
         },
         [](const RunConfig& c) { return num(c.link_mbps); }},
        {"nic-data-path", kGroupNic, "BITS", "32 or 64",
         "the NIC's PCI data path: 32 (the 82540EM) or 64 (the 82545EM variant, device ID 0x100F: REQ64#)", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.nic_data_path = parse_choice(k, v, {32, 64});
         },
         [](const RunConfig& c) { return num(c.nic_data_path); }},
        {"autoneg", kGroupNic, "TIME", "a time, e.g. 10us or 2s",
         "PHY autonegotiation time after a PHY reset or the cable plugged in (about 2s on real hardware)", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.autoneg_ns = parse_time_ns(k, v); },
         [](const RunConfig& c) { return time_text(c.autoneg_ns); }},
        {"eeprom", kGroupNic, "FILE", "128 bytes: 64 little-endian words",
         "EEPROM image the NIC starts with (none: the built-in 82540EM image)", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.eeprom = v == "none" ? "" : parse_eeprom_file(k, v); },
         [](const RunConfig& c) { return or_none(c.eeprom); }},
    };
}

std::string registry_text(const RegistryValues& r) {
    std::string t;
    for (const auto& kv : r) t += (t.empty() ? "" : ",") + kv.first + "=" + std::to_string(kv.second);
    return t.empty() ? "none" : t;
}

// The keywords nicsim itself writes from its options stay with those options: one value, one place to set it.
void set_registry(RegistryValues& r, const std::string& key, const std::string& v) {
    if (v == "none") {
        r.clear();
        return;
    }
    RegistryValues added = r;
    parse_registry(added, key, v);
    for (size_t i = r.size(); i < added.size(); ++i)
        for (const Param& p : param_table())
            if (p.registry && strcasecmp(p.registry, added[i].first.c_str()) == 0)
                bad(key, v,
                    std::string("a keyword nicsim does not set itself (") + p.registry + " is set by --" + p.name +
                        ")");
    r = std::move(added);
}

std::vector<Param> driver_params() {
    return {
        {"lso-max-size", kGroupDriver, "BYTES", "0, or 1515 to 64K",
         "largest TCP large-send packet (0: no LSO); the sender sends packets of this size", miniport::kKeyLsoMaxSize,
         [](RunConfig& c, auto& k, auto& v) {
             const uint64_t n = parse_uint(k, v, 0, 64 * 1024);
             if (n != 0 && n < 1515) bad(k, v, "0 or a size from 1515 to 65536");
             c.lso_max_size = static_cast<uint32_t>(n);
             if (c.lso_max_size > c.maximum_physical_mapping) c.maximum_physical_mapping = c.lso_max_size;
         },
         [](const RunConfig& c) { return num(c.lso_max_size); }},
        {"maximum-physical-mapping", kGroupDriver, "BYTES", "1514 to 64K",
         "MaximumPhysicalMapping for NdisMInitializeScatterGatherDma (at least lso-max-size)",
         miniport::kKeyMaximumPhysicalMapping,
         [](RunConfig& c, auto& k, auto& v) {
             c.maximum_physical_mapping = static_cast<uint32_t>(parse_uint(k, v, 1514, 64 * 1024));
         },
         [](const RunConfig& c) { return num(c.maximum_physical_mapping); }},
        {"placement", kGroupDriver, "WHERE", "low, high, scattered or fragmented",
         "which physical pages the host hands out for buffers and rings", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.placement = parse_enum<ndis::Placement>(k, v,
                                                       {{"low", ndis::Placement::Low},
                                                        {"high", ndis::Placement::High},
                                                        {"scattered", ndis::Placement::Scattered},
                                                        {"fragmented", ndis::Placement::Fragmented}},
                                                       "low, high, scattered or fragmented");
         },
         [](const RunConfig& c) { return std::string(ndis::placement_name(c.placement)); }},
        {"jumbo-packet", kGroupDriver, "BYTES", "1514 to 16110",
         "largest frame without FCS the driver accepts (above 1514 it sets RCTL.LPE)", miniport::kKeyJumboPacket,
         [](RunConfig& c, auto& k, auto& v) { c.jumbo_packet = static_cast<uint32_t>(parse_uint(k, v, 1514, 16110)); },
         [](const RunConfig& c) { return num(c.jumbo_packet); }},
        {"desc-prefetch-threshold", kGroupDriver, "N", "0 to 63",
         "descriptor prefetch threshold the driver writes to TXDCTL and RXDCTL (0: left at reset, fetch when empty)",
         miniport::kKeyDescPrefetchThreshold,
         [](RunConfig& c, auto& k, auto& v) {
             c.desc_prefetch_threshold = static_cast<unsigned>(parse_uint(k, v, 0, 63));
         },
         [](const RunConfig& c) { return num(c.desc_prefetch_threshold); }},
        {"miniport", kGroupDriver, "FILE", "a shared object exporting DriverEntry, or builtin",
         "run this NDIS miniport instead of the project's own (builtin or none: the built-in C++ miniport)", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.miniport = v == "none" || v == kBuiltinMiniport ? "" : parse_path(k, v);
         },
         [](const RunConfig& c) { return or_none(c.miniport); }},
        {"peer-miniport", kGroupDriver, "FILE", "a shared object exporting DriverEntry, builtin, or none",
         "the back-to-back partner's miniport (builtin: the project's C++ miniport; none: the same driver as the first "
         "machine)",
         nullptr, [](RunConfig& c, auto& k, auto& v) { c.peer_miniport = v == "none" ? "" : parse_path(k, v); },
         [](const RunConfig& c) { return or_none(c.peer_miniport); }},
        {"registry", kGroupDriver, "LIST", "NAME=VALUE,... (integers), or none",
         "more values in the driver's registry key, as its INF would set them; several --registry options add up",
         nullptr, [](RunConfig& c, auto& k, auto& v) { set_registry(c.registry, k, v); },
         [](const RunConfig& c) { return registry_text(c.registry); }},
        {"peer-registry", kGroupDriver, "LIST", "NAME=VALUE,... (integers), or none",
         "the same for the back-to-back partner's driver", nullptr,
         [](RunConfig& c, auto& k, auto& v) { set_registry(c.peer_registry, k, v); },
         [](const RunConfig& c) { return registry_text(c.peer_registry); }},
        {"map-registers", kGroupDriver, "N", "0 to 4096", "map registers the host grants (0: as many as asked)",
         nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.map_registers = static_cast<unsigned>(parse_uint(k, v, 0, 4096)); },
         [](const RunConfig& c) { return num(c.map_registers); }},
        {"check-for-hang", kGroupDriver, "TIME", "a time, e.g. 200us, or driver",
         "how often NDIS calls MiniportCheckForHang, resetting the adapter when it answers TRUE; stands for the "
         "adapter's CheckForHangTimeInSeconds registry value, scaled to runs of milliseconds (driver: the period the "
         "driver passed to NdisMSetAttributesEx, NDIS's 2 s if it passed 0)",
         nullptr, [](RunConfig& c, auto& k, auto& v) { c.check_for_hang_ns = v == "driver" ? 0 : parse_time_ns(k, v); },
         [](const RunConfig& c) { return c.check_for_hang_ns ? time_text(c.check_for_hang_ns) : "driver"; }},
    };
}

std::vector<Param> traffic_params() {
    return {
        {"packets", kGroupTraffic, "N", "0 to 100M", "packets per direction", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.packets = parse_uint(k, v, 0, 100'000'000); },
         [](const RunConfig& c) { return num(c.packets); }},
        {"size", kGroupTraffic, "SIZE", "N, MIN..MAX or imix (60 to 1514)", "frame size in bytes without FCS", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.size = parse_size(k, v); },
         [](const RunConfig& c) { return c.size.text(); }},
        {"direction", kGroupTraffic, "DIR", "tx, rx or both", "who sends: the host (tx), the peer (rx) or both",
         nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.direction = parse_enum<Direction>(
                 k, v, {{"tx", Direction::Tx}, {"rx", Direction::Rx}, {"both", Direction::Both}}, "tx, rx or both");
         },
         [](const RunConfig& c) { return std::string(direction_name(c.direction)); }},
        {"fragments", kGroupTraffic, "N", "1 to 16", "buffers per sent packet", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.fragments = static_cast<unsigned>(parse_uint(k, v, 1, 16)); },
         [](const RunConfig& c) { return num(c.fragments); }},
        {"fault", kGroupTraffic, "LIST", "NAME:VALUE,... (see Faults)", "inject faults; several --fault options add up",
         nullptr, [](RunConfig& c, auto& k, auto& v) { parse_faults(c.fault, k, v); },
         [](const RunConfig& c) { return c.fault.text(); }},
    };
}

std::vector<Param> file_params() {
    return {
        {"back-to-back", kGroupFiles, nullptr, "flag", "two complete machines joined by one wire", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.back_to_back = parse_bool(k, v); },
         [](const RunConfig& c) { return yes_no(c.back_to_back); }},
        {"pcap-in", kGroupFiles, "FILE", "classic pcap, Ethernet", "frames arriving from the wire come from FILE",
         nullptr, [](RunConfig& c, auto& k, auto& v) { c.pcap_in = parse_path(k, v); },
         [](const RunConfig& c) { return or_none(c.pcap_in); }},
        {"pcap-out", kGroupFiles, "FILE", "a path, or none", "every frame on the wire, both directions", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.pcap_out = parse_path(k, v); },
         [](const RunConfig& c) { return c.pcap_out.empty() ? kDefaultPcapOut : c.pcap_out; }},
        {"vcd", kGroupFiles, "FILE", "a path, or none",
         "the trace of the signals --trace names, for GTKWave (a VCD, or an FST with --trace-format fst)", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.vcd = parse_path(k, v); },
         [](const RunConfig& c) { return c.vcd.empty() ? default_trace_path(c) : c.vcd; }},
        {"trace-format", kGroupFiles, "FORMAT", "vcd or fst",
         "vcd: text VCD; fst: GTKWave's compressed FST, written by GTKWave's FST writer inside the run", nullptr,
         [](RunConfig& c, auto& k, auto& v) {
             c.trace_format =
                 parse_enum<TraceFormat>(k, v, {{"vcd", TraceFormat::Vcd}, {"fst", TraceFormat::Fst}}, "vcd or fst");
         },
         [](const RunConfig& c) { return std::string(trace_format_name(c.trace_format)); }},
        {"trace", kGroupFiles, "WHAT", "comma list of bus, dma, desc, mac, all", "what the VCD holds", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.trace = parse_trace(k, v); },
         [](const RunConfig& c) { return c.trace; }},
        {"stats-json", kGroupFiles, "FILE", "a path, or none", "the statistics as JSON", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.stats_json = parse_path(k, v) == "none" ? "" : v; },
         [](const RunConfig& c) { return or_none(c.stats_json); }},
    };
}

std::vector<Param> limit_params() {
    return {
        {"max-time", kGroupLimits, "TIME", "1ns to 3600s, or none",
         "end the run at this simulated time (none: when the traffic completes)", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.max_time_ns = v == "none" ? 0 : parse_time_ns(k, v); },
         [](const RunConfig& c) { return c.max_time_ns ? time_text(c.max_time_ns) : "none"; }},
        {"max-clocks", kGroupLimits, "N", "1 to 2^64-1, or none", "end the run after this many bus clocks", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.max_clocks = v == "none" ? 0 : parse_uint(k, v, 1, UINT64_MAX); },
         [](const RunConfig& c) { return c.max_clocks ? num(c.max_clocks) : "none"; }},
        {"progress", kGroupLimits, nullptr, "flag", "a progress line on stderr every half second of wall time", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.progress = parse_bool(k, v); },
         [](const RunConfig& c) { return c.progress ? "true" : "when stderr is a terminal"; }},
        {"quiet", kGroupLimits, nullptr, "flag", "no statistics table on stdout", nullptr,
         [](RunConfig& c, auto& k, auto& v) { c.quiet = parse_bool(k, v); },
         [](const RunConfig& c) { return yes_no(c.quiet); }},
    };
}

}  // namespace

const std::vector<Param>& param_table() {
    static const std::vector<Param> table = [] {
        std::vector<Param> t;
        for (auto part : {scenario_params, machine_params, driver_params, traffic_params, file_params, limit_params})
            for (Param& p : part()) t.push_back(std::move(p));
        return t;
    }();
    return table;
}

const std::vector<const char*>& param_groups() {
    static const std::vector<const char*> groups = {kGroupScenario, kGroupBus,   kGroupNic,   kGroupDriver,
                                                    kGroupTraffic,  kGroupFiles, kGroupLimits};
    return groups;
}

const Param* find_param(const std::string& name) {
    for (const Param& p : param_table())
        if (name == p.name) return &p;
    return nullptr;
}

void set_param(RunConfig& cfg, const std::string& name, const std::string& value) {
    const Param* p = find_param(name);
    if (!p) throw UsageError("unknown option '--" + name + "' (see nicsim --help)");
    p->set(cfg, name, value);
}

}  // namespace nicsim::tb
