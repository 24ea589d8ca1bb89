#include "run_config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

namespace nicsim::tb {
namespace {

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& expected) {
    throw UsageError("--" + key + ": expected " + expected + ", got '" + value + "'");
}

/// Unsigned integer with an optional K/M/G (x1024) suffix, within [lo, hi].
uint64_t parse_uint(const std::string& key, const std::string& v, uint64_t lo, uint64_t hi) {
    const std::string what = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (v.empty() || v[0] == '-' || v[0] == '+') bad(key, v, what);
    errno = 0;
    char* end = nullptr;
    unsigned long long n = std::strtoull(v.c_str(), &end, 0);
    if (errno != 0 || end == v.c_str()) bad(key, v, what);
    std::string suffix(end);
    uint64_t mul = 1;
    if (suffix == "K" || suffix == "k" || suffix == "KiB")
        mul = 1024;
    else if (suffix == "M" || suffix == "MiB")
        mul = 1024 * 1024;
    else if (suffix == "G" || suffix == "GiB")
        mul = 1024ull * 1024 * 1024;
    else if (!suffix.empty())
        bad(key, v, what);
    if (n > hi / mul || n * mul < lo || n * mul > hi) bad(key, v, what);
    return n * mul;
}

unsigned parse_choice(const std::string& key, const std::string& v, std::initializer_list<unsigned> allowed) {
    std::string what;
    size_t i = 0;
    for (unsigned a : allowed) {
        if (i > 0) what += (i + 1 == allowed.size()) ? " or " : ", ";
        what += std::to_string(a);
        ++i;
    }
    for (unsigned a : allowed)
        if (v == std::to_string(a)) return a;
    bad(key, v, what);
}

bool parse_bool(const std::string& key, const std::string& v) {
    if (v.empty() || v == "1" || v == "true" || v == "yes" || v == "on") return true;
    if (v == "0" || v == "false" || v == "no" || v == "off") return false;
    bad(key, v, "true or false");
}

/// Simulated time: a number with ns, us, ms or s.
uint64_t parse_time_ns(const std::string& key, const std::string& v) {
    const std::string what = "a time such as 500us, 10ms or 1s";
    char* end = nullptr;
    errno = 0;
    double t = std::strtod(v.c_str(), &end);
    if (errno != 0 || end == v.c_str() || !(t > 0)) bad(key, v, what);
    const std::string unit(end);
    double mul;
    if (unit == "ns")
        mul = 1;
    else if (unit == "us")
        mul = 1e3;
    else if (unit == "ms")
        mul = 1e6;
    else if (unit == "s")
        mul = 1e9;
    else
        bad(key, v, what);
    const double ns = t * mul;
    if (ns < 1 || ns > 3.6e12) bad(key, v, "a time from 1ns to 3600s");
    return static_cast<uint64_t>(ns);
}

SizeDist parse_size(const std::string& key, const std::string& v) {
    SizeDist d;
    const std::string what = "a frame size from 60 to 1514, MIN..MAX, or imix";
    if (v == "imix") {
        d.kind = SizeDist::Imix;
        d.min = 60;
        d.max = 1514;
        return d;
    }
    const auto dots = v.find("..");
    if (dots == std::string::npos) {
        d.kind = SizeDist::Fixed;
        d.min = d.max = static_cast<uint32_t>(parse_uint(key, v, 60, 1514));
        return d;
    }
    d.kind = SizeDist::Uniform;
    try {
        d.min = static_cast<uint32_t>(parse_uint(key, v.substr(0, dots), 60, 1514));
        d.max = static_cast<uint32_t>(parse_uint(key, v.substr(dots + 2), 60, 1514));
    } catch (const UsageError&) {
        bad(key, v, what);
    }
    if (d.min > d.max) bad(key, v, what + " (MIN not above MAX)");
    return d;
}

std::string parse_trace(const std::string& key, const std::string& v) {
    std::stringstream ss(v);
    std::string item;
    bool any = false;
    while (std::getline(ss, item, ',')) {
        if (item != "bus" && item != "dma" && item != "desc" && item != "mac" && item != "all")
            bad(key, v, "a comma-separated list of bus, dma, desc, mac or all");
        any = true;
    }
    if (!any) bad(key, v, "a comma-separated list of bus, dma, desc, mac or all");
    return v;
}

std::string parse_path(const std::string& key, const std::string& v) {
    if (v.empty()) bad(key, v, "a file path");
    return v;
}

/// An EEPROM image file: exactly 64 little-endian 16-bit words (its checksum is the driver's business).
std::string parse_eeprom_file(const std::string& key, const std::string& v) {
    std::ifstream f(parse_path(key, v), std::ios::binary | std::ios::ate);
    if (!f || f.tellg() != std::streampos(128)) bad(key, v, "a readable file of 128 bytes (64 little-endian words)");
    return v;
}

double parse_probability(const std::string& key, const std::string& v) {
    char* end = nullptr;
    errno = 0;
    const double p = std::strtod(v.c_str(), &end);
    if (v.empty() || errno != 0 || *end != '\0' || !(p >= 0 && p <= 0.5)) bad(key, v, "a probability from 0 to 0.5");
    return p;
}

/// --fault NAME[:VALUE],...: adds to the faults already set (several --fault options accumulate).
void parse_faults(FaultConfig& f, const std::string& key, const std::string& v) {
    std::stringstream ss(v);
    std::string item;
    bool any = false;
    while (std::getline(ss, item, ',')) {
        any = true;
        const auto colon = item.find(':');
        const std::string name = item.substr(0, colon);
        const std::string val = colon == std::string::npos ? "" : item.substr(colon + 1);
        const std::string k = key + " " + name;
        auto need = [&] {
            if (colon == std::string::npos) bad(key, v, "'" + name + ":VALUE'");
        };
        if (name == "retry")
            need(), f.retry = parse_probability(k, val);
        else if (name == "disconnect")
            need(), f.disconnect = parse_probability(k, val);
        else if (name == "latency-spike")
            need(), f.latency_spike = parse_probability(k, val);
        else if (name == "spike-clocks")
            need(), f.spike_clocks = static_cast<unsigned>(parse_uint(k, val, 1, 4096));
        else if (name == "target-abort")
            need(), f.target_abort_at = parse_uint(k, val, 1, UINT64_MAX);
        else if (name == "master-abort")
            need(), f.master_abort_at = parse_uint(k, val, 1, UINT64_MAX);
        else if (name == "parity-address")
            need(), f.parity_address_ns = parse_time_ns(k, val);
        else if (name == "parity-data")
            need(), f.parity_data_ns = parse_time_ns(k, val);
        else if (name == "parity-read")
            need(), f.parity_read_ns = parse_time_ns(k, val);
        else if (name == "rx-flood") {
            if (colon != std::string::npos) bad(key, v, "'rx-flood' without a value");
            f.rx_flood = true;
        } else if (name == "link-flap")
            need(), f.link_flap_ns = parse_time_ns(k, val);
        else if (name == "link-down-for")
            need(), f.link_down_ns = parse_time_ns(k, val);
        else if (name == "reset-at")
            need(), f.reset_at_ns = parse_time_ns(k, val);
        else
            bad(key, v,
                "a comma-separated list of retry:P, disconnect:P, latency-spike:P, spike-clocks:N, target-abort:N, "
                "master-abort:N, parity-address:T, parity-data:T, parity-read:T, rx-flood, link-flap:T, "
                "link-down-for:T, reset-at:T");
    }
    if (!any) bad(key, v, "a fault list such as retry:0.01,reset-at:200us");
}

struct Option {
    OptionInfo info;
    std::function<void(RunConfig&, const std::string& key, const std::string& value)> set;
};

const std::vector<Option>& options() {
    static const std::vector<Option> table = {
        {{"bus-width", "BITS", "PCI bus width: 32 or 64 (default 32)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.bus_width = parse_choice(k, v, {32, 64});
         }},
        {{"bus-clock", "MHZ", "PCI clock: 33 or 66 (default 33)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.bus_mhz = parse_choice(k, v, {33, 66});
         }},
        {{"bus-model", "MODEL",
          "pin: cycle-accurate PCI bus (default); tlm: TLM-2.0 fast mode, no bus phases (faster, no bus statistics)"},
         [](RunConfig& c, auto& k, auto& v) {
             if (v == "pin")
                 c.bus_model = BusModel::Pin;
             else if (v == "tlm")
                 c.bus_model = BusModel::Tlm;
             else
                 bad(k, v, "pin or tlm");
         }},
        {{"mem-latency", "CLOCKS", "host memory read latency in bus clocks, 0..64 (default 4)"},
         [](RunConfig& c, auto& k, auto& v) { c.mem_latency = static_cast<unsigned>(parse_uint(k, v, 0, 64)); }},
        {{"dma-bits", "BITS", "NIC DMA address capability: 32 or 64 (default 64)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.dma_bits = parse_choice(k, v, {32, 64});
         }},
        {{"jumbo", "BYTES", "largest frame without FCS the driver accepts (*JumboPacket), 1514..16110 (default 1514)"},
         [](RunConfig& c, auto& k, auto& v) { c.jumbo = static_cast<uint32_t>(parse_uint(k, v, 1514, 16110)); }},
        {{"nic-data-path", "BITS", "NIC PCI data path: 32 (82540EM, default) or 64 (82545EM variant: REQ64#)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.nic_data_bits = parse_choice(k, v, {32, 64});
         }},
        {{"max-transfer", "BYTES", "most bytes one NIC DMA operation moves, 64..64K (default 4096)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.max_transfer = static_cast<uint32_t>(parse_uint(k, v, 64, 64 * 1024));
         }},
        {{"link", "MBPS", "link speed: 10, 100 or 1000 (default 1000)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.link_mbps = parse_choice(k, v, {10, 100, 1000});
         }},
        {{"autoneg", "TIME",
          "PHY autonegotiation time after a PHY reset or the cable plugged in, e.g. 2s as on real hardware "
          "(default 10us)"},
         [](RunConfig& c, auto& k, auto& v) { c.autoneg_ns = parse_time_ns(k, v); }},
        {{"eeprom", "FILE", "EEPROM image: 128 bytes, 64 little-endian 16-bit words (default: built-in image)"},
         [](RunConfig& c, auto& k, auto& v) { c.eeprom = parse_eeprom_file(k, v); }},
        {{"max-physical-mapping", "BYTES",
          "MaximumPhysicalMapping given to NdisMInitializeScatterGatherDma, 1514..64K (default 1514)"},
         [](RunConfig& c, auto& k, auto& v) {
             c.max_physical_mapping = static_cast<uint32_t>(parse_uint(k, v, 1514, 64 * 1024));
         }},
        {{"lso", "BYTES", "Large Send Offload packet size (0 = off, else 1515..64K); implies the mapping size"},
         [](RunConfig& c, auto& k, auto& v) {
             const uint64_t n = parse_uint(k, v, 0, 64 * 1024);
             if (n != 0 && n < 1515) bad(k, v, "0 or a size from 1515 to 65536");
             c.lso = static_cast<uint32_t>(n);
             if (n != 0) c.max_physical_mapping = c.lso;
         }},
        {{"placement", "WHERE", "host pages for buffers: low, high, scattered or fragmented (default scattered)"},
         [](RunConfig& c, auto& k, auto& v) {
             if (v == "low")
                 c.placement = Placement::Low;
             else if (v == "high")
                 c.placement = Placement::High;
             else if (v == "scattered")
                 c.placement = Placement::Scattered;
             else if (v == "fragmented")
                 c.placement = Placement::Fragmented;
             else
                 bad(k, v, "low, high, scattered or fragmented");
         }},
        {{"map-registers", "N", "map registers the host grants (0 = as many as asked, default 0)"},
         [](RunConfig& c, auto& k, auto& v) { c.map_registers = static_cast<unsigned>(parse_uint(k, v, 0, 4096)); }},
        {{"packets", "N", "packets per direction, 0..100M (default 32)"},
         [](RunConfig& c, auto& k, auto& v) { c.packets = parse_uint(k, v, 0, 100'000'000); }},
        {{"size", "SIZE", "frame size: N, MIN..MAX (uniform) or imix, 60..1514 (default 1514)"},
         [](RunConfig& c, auto& k, auto& v) { c.size = parse_size(k, v); }},
        {{"direction", "DIR", "traffic direction: tx, rx or both (default both)"},
         [](RunConfig& c, auto& k, auto& v) {
             if (v == "tx")
                 c.direction = Direction::Tx;
             else if (v == "rx")
                 c.direction = Direction::Rx;
             else if (v == "both")
                 c.direction = Direction::Both;
             else
                 bad(k, v, "tx, rx or both");
         }},
        {{"fragments", "N", "buffers per sent packet, 1..16 (default 2)"},
         [](RunConfig& c, auto& k, auto& v) { c.fragments = static_cast<unsigned>(parse_uint(k, v, 1, 16)); }},
        {{"seed", "N", "seed of traffic, placement and faults (default 1)"},
         [](RunConfig& c, auto& k, auto& v) { c.seed = parse_uint(k, v, 0, UINT64_MAX); }},
        {{"fault", "LIST",
          "inject faults, e.g. retry:0.01,disconnect:0.01,latency-spike:0.05,target-abort:N,master-abort:N,"
          "parity-address:T,parity-data:T,parity-read:T,rx-flood,link-flap:T,link-down-for:T,reset-at:T"},
         [](RunConfig& c, auto& k, auto& v) { parse_faults(c.faults, k, v); }},
        {{"randomize", nullptr,
          "pick the scenario (bus, NIC, memory, mapping, sizes, fragments, direction) from --seed"},
         [](RunConfig& c, auto& k, auto& v) { c.randomize = parse_bool(k, v); }},
        {{"back-to-back", nullptr, "two NICs joined back to back on one wire"},
         [](RunConfig& c, auto& k, auto& v) { c.back_to_back = parse_bool(k, v); }},
        {{"pcap-in", "FILE", "frames arriving from the wire (classic pcap, Ethernet)"},
         [](RunConfig& c, auto& k, auto& v) { c.pcap_in = parse_path(k, v); }},
        {{"pcap-out", "FILE",
          "write the frames on the wire, both directions (default nicsim-out/nicsim.pcap; none = off)"},
         [](RunConfig& c, auto& k, auto& v) { c.pcap_out = parse_path(k, v); }},
        {{"vcd", "FILE", "write a VCD for GTKWave (default nicsim-out/nicsim.vcd; none = off)"},
         [](RunConfig& c, auto& k, auto& v) { c.vcd = parse_path(k, v); }},
        {{"trace", "WHAT", "signals in the VCD: bus,dma,desc,mac or all (default bus)"},
         [](RunConfig& c, auto& k, auto& v) { c.trace = parse_trace(k, v); }},
        {{"stats-json", "FILE", "write the statistics as JSON"},
         [](RunConfig& c, auto& k, auto& v) { c.stats_json = parse_path(k, v); }},
        {{"max-time", "TIME", "simulated time limit, e.g. 500us, 10ms (default 50ms)"},
         [](RunConfig& c, auto& k, auto& v) { c.max_time_ns = parse_time_ns(k, v); }},
        {{"max-clocks", "N", "bus clock limit (default none)"},
         [](RunConfig& c, auto& k, auto& v) { c.max_clocks = parse_uint(k, v, 1, UINT64_MAX); }},
        {{"progress", nullptr, "show progress on stderr (default: when stderr is a terminal)"},
         [](RunConfig& c, auto& k, auto& v) { c.progress = parse_bool(k, v); }},
        {{"quiet", nullptr, "do not print the statistics table"},
         [](RunConfig& c, auto& k, auto& v) { c.quiet = parse_bool(k, v); }},
    };
    return table;
}

struct Preset {
    PresetInfo info;
    std::vector<std::pair<const char*, const char*>> keys;
};

const std::vector<Preset>& presets() {
    static const std::vector<Preset> table = {
        {{"default", "a short demonstration: 32 packets each way, 2 fragments, scattered memory"}, {}},
        {{"smoke", "the smallest meaningful run: 4 packets each way"}, {{"packets", "4"}, {"size", "60..1514"}}},
        {{"dma32-high", "32-bit NIC with every buffer above 4 GiB: all sends bounce"},
         {{"dma-bits", "32"}, {"placement", "high"}}},
        {{"dac64", "64-bit addressing on a 64-bit/66 MHz bus, buffers above 4 GiB: DACs, 32-bit data phases"},
         {{"bus-width", "64"}, {"bus-clock", "66"}, {"dma-bits", "64"}, {"placement", "high"}}},
        {{"dac64-wide", "dac64 with the 82545EM's 64-bit data path: DACs with REQ64#, 64-bit data phases"},
         {{"bus-width", "64"},
          {"bus-clock", "66"},
          {"dma-bits", "64"},
          {"nic-data-path", "64"},
          {"placement", "high"}}},
        {{"lso64k", "Large Send Offload of 64 KiB packets (MaximumPhysicalMapping 64 KiB)"},
         {{"lso", "65536"}, {"direction", "tx"}, {"packets", "8"}, {"fragments", "4"}}},
        {{"small-packets", "60-byte frames both ways at 100 Mb/s (at 1 Gb/s the host cannot keep up: RX overrun)"},
         {{"size", "60"}, {"packets", "256"}, {"link", "100"}}},
        {{"saturate", "saturated bidirectional 1 GbE on a 64-bit/66 MHz bus"},
         {{"bus-width", "64"},
          {"bus-clock", "66"},
          {"packets", "2000"},
          {"size", "1514"},
          {"fragments", "1"},
          {"vcd", "none"}}},
        {{"b2b", "two NICs back to back on one wire"}, {{"back-to-back", "true"}}},
    };
    return table;
}

bool is_flag(const std::string& key) {
    for (const Option& o : options())
        if (key == o.info.name) return o.info.arg == nullptr;
    return false;
}

}  // namespace

bool FaultConfig::any() const {
    return retry > 0 || disconnect > 0 || latency_spike > 0 || target_abort_at || master_abort_at ||
           parity_address_ns || parity_data_ns || parity_read_ns || rx_flood || link_flap_ns || reset_at_ns;
}

const char* FaultConfig::first_needing_bus() const {
    if (retry > 0) return "retry";
    if (disconnect > 0) return "disconnect";
    if (latency_spike > 0) return "latency-spike";
    if (target_abort_at) return "target-abort";
    if (master_abort_at) return "master-abort";
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
    if (target_abort_at) add("target-abort:" + std::to_string(target_abort_at));
    if (master_abort_at) add("master-abort:" + std::to_string(master_abort_at));
    if (parity_address_ns) add("parity-address:" + ns(parity_address_ns));
    if (parity_data_ns) add("parity-data:" + ns(parity_data_ns));
    if (parity_read_ns) add("parity-read:" + ns(parity_read_ns));
    if (rx_flood) add("rx-flood");
    if (link_flap_ns) add("link-flap:" + ns(link_flap_ns) + ",link-down-for:" + ns(link_down_ns));
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

const char* bus_model_name(BusModel m) {
    return m == BusModel::Tlm ? "tlm" : "pin";
}

const char* placement_name(Placement p) {
    switch (p) {
        case Placement::Low:
            return "low";
        case Placement::High:
            return "high";
        case Placement::Scattered:
            return "scattered";
        case Placement::Fragmented:
            return "fragmented";
    }
    return "?";
}

const std::vector<OptionInfo>& option_table() {
    static const std::vector<OptionInfo> infos = [] {
        std::vector<OptionInfo> v;
        for (const Option& o : options()) v.push_back(o.info);
        return v;
    }();
    return infos;
}

void set_option(RunConfig& cfg, const std::string& key, const std::string& value) {
    for (const Option& o : options()) {
        if (key == o.info.name) {
            o.set(cfg, key, value);
            return;
        }
    }
    throw UsageError("unknown option '--" + key + "' (see nicsim --help)");
}

const std::vector<PresetInfo>& preset_table() {
    static const std::vector<PresetInfo> infos = [] {
        std::vector<PresetInfo> v;
        for (const Preset& p : presets()) v.push_back(p.info);
        return v;
    }();
    return infos;
}

void apply_preset(RunConfig& cfg, const std::string& name) {
    for (const Preset& p : presets()) {
        if (name == p.info.name) {
            for (const auto& [k, v] : p.keys) set_option(cfg, k, v);
            cfg.scenario = name;
            return;
        }
    }
    throw UsageError("--scenario: unknown scenario '" + name + "' (nicsim --list-scenarios names them)");
}

void load_scenario_file(RunConfig& cfg, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UsageError("--scenario-file: cannot read '" + path + "'");
    std::string line;
    unsigned lineno = 0;
    auto trim = [](std::string s) {
        const auto b = s.find_first_not_of(" \t\r");
        const auto e = s.find_last_not_of(" \t\r");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    while (std::getline(in, line)) {
        ++lineno;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        line = trim(line);
        if (line.empty()) continue;
        const auto eq = line.find('=');
        const std::string where = path + ":" + std::to_string(lineno) + ": ";
        if (eq == std::string::npos) {
            if (is_flag(line)) {
                set_option(cfg, line, "true");
                continue;
            }
            throw UsageError(where + "expected 'key = value', got '" + line + "'");
        }
        const std::string key = trim(line.substr(0, eq));
        const std::string value = trim(line.substr(eq + 1));
        try {
            if (key == "scenario")
                apply_preset(cfg, value);
            else if (key == "scenario-file")
                throw UsageError("scenario files do not include other files");
            else
                set_option(cfg, key, value);
        } catch (const UsageError& e) {
            std::string msg = e.what();
            if (msg.rfind("unknown option", 0) == 0) msg = "unknown key '" + key + "'";
            throw UsageError(where + msg);
        }
    }
    if (in.bad()) throw UsageError("--scenario-file: error reading '" + path + "'");
}

CliAction parse_command_line(int argc, char** argv, RunConfig& cfg) {
    std::vector<std::pair<std::string, std::string>> rest;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") return CliAction::Help;
        if (a == "--version") return CliAction::Version;
        if (a == "--list-scenarios") return CliAction::ListScenarios;
        if (a.rfind("--", 0) != 0 || a.size() == 2)
            throw UsageError("unexpected argument '" + a + "' (see nicsim --help)");
        std::string key = a.substr(2), value;
        const auto eq = key.find('=');
        bool has_value = eq != std::string::npos;
        if (has_value) {
            value = key.substr(eq + 1);
            key.resize(eq);
        }
        const bool known = key == "scenario" || key == "scenario-file" ||
                           std::any_of(option_table().begin(), option_table().end(),
                                       [&](const OptionInfo& o) { return key == o.name; });
        if (!known) throw UsageError("unknown option '--" + key + "' (see nicsim --help)");
        if (!has_value) {
            if (is_flag(key)) {
                value = "true";
            } else {
                if (i + 1 >= argc) throw UsageError("--" + key + ": missing value");
                value = argv[++i];
            }
        }
        rest.emplace_back(key, value);
    }
    // Presets and scenario files first, in command-line order, so explicit options override them.
    for (const auto& [k, v] : rest) {
        if (k == "scenario")
            apply_preset(cfg, v);
        else if (k == "scenario-file")
            load_scenario_file(cfg, v);
    }
    bool randomize = cfg.randomize;
    for (const auto& [k, v] : rest) {
        if (k == "seed") set_option(cfg, k, v);
        if (k == "randomize") randomize = parse_bool(k, v);
    }
    if (randomize) apply_random_scenario(cfg);
    for (const auto& [k, v] : rest)
        if (k != "scenario" && k != "scenario-file") set_option(cfg, k, v);
    validate(cfg);
    return CliAction::Run;
}

void apply_random_scenario(RunConfig& cfg) {
    // splitmix64, as the traffic generator's: the same choices on every platform.
    uint64_t state = cfg.seed ^ 0x52414E444F4D21ull;
    auto next = [&state] {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    auto pick = [&](uint64_t n) { return next() % n; };
    cfg.bus_width = pick(2) ? 64 : 32;
    cfg.bus_mhz = pick(2) ? 66 : 33;
    cfg.dma_bits = pick(2) ? 64 : 32;
    cfg.mem_latency = static_cast<unsigned>(pick(4) == 0 ? 8 + pick(30) : pick(8));
    const Placement places[] = {Placement::Low, Placement::High, Placement::Scattered, Placement::Fragmented};
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
    cfg.lso = 0;
    switch (pick(4)) {
        case 0:
            cfg.max_physical_mapping = 32 * 1024;
            break;
        case 1:
            cfg.lso = static_cast<uint32_t>(1515 + pick(64 * 1024 - 1515 + 1));
            cfg.max_physical_mapping = cfg.lso;
            break;
        default:
            cfg.max_physical_mapping = 1514;
            break;
    }
    cfg.packets = cfg.lso ? 2 + pick(4) : 8 + pick(25);
    cfg.nic_data_bits = pick(4) == 0 ? 64 : 32;  // the 82545EM variant now and then
    cfg.scenario = "random";
}

void validate(const RunConfig& cfg) {
    if (cfg.lso != 0 && cfg.max_physical_mapping < cfg.lso)
        throw UsageError("--max-physical-mapping: " + std::to_string(cfg.max_physical_mapping) +
                         " is smaller than --lso " + std::to_string(cfg.lso));
    if (cfg.faults.any() && cfg.back_to_back)
        throw UsageError("--fault: not available with --back-to-back (faults are injected on the DUT's machine)");
    if (cfg.faults.rx_flood && cfg.direction == Direction::Tx)
        throw UsageError("--fault: rx-flood needs received traffic (--direction rx or both)");
    if (cfg.faults.rx_flood && cfg.packets < kRxFloodMinPackets)
        throw UsageError("--fault: rx-flood needs --packets " + std::to_string(kRxFloodMinPackets) +
                         " or more to overrun the receive ring (got " + std::to_string(cfg.packets) + ")");
    if (cfg.back_to_back && !cfg.pcap_in.empty())
        throw UsageError("--pcap-in: not available with --back-to-back (the second NIC is the wire's other end)");
    if (cfg.bus_model == BusModel::Tlm) {
        // The fast mode has no host bridge and no bus lines: faults injected there have nothing to act on.
        if (const char* f = cfg.faults.first_needing_bus())
            throw UsageError(std::string("--fault ") + f +
                             ": not available with --bus-model tlm (it acts on the host bridge or the PCI bus lines)");
        // An explicit VCD must not silently lack the bus it was asked for (without --vcd, main leaves it off).
        const bool vcd_asked = !cfg.vcd.empty() && cfg.vcd != "none";
        if (const char* t = trace_needing_bus(cfg.trace); t && vcd_asked)
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

std::string usage_text() {
    std::ostringstream o;
    o << "usage: nicsim [options]\n"
         "Runs a whole simulated system (host CPU, NDIS miniport, host bridge, PCI bus, 82540EM-style NIC, wire)\n"
         "and prints its statistics. Exit status: 0 ok, 1 a check failed, 2 bad input.\n\n"
         "  --scenario NAME        start from a named preset (--list-scenarios)\n"
         "  --scenario-file FILE   'key = value' lines using the option names below\n";
    for (const OptionInfo& i : option_table()) {
        std::string left = std::string("  --") + i.name + (i.arg ? std::string(" ") + i.arg : "");
        if (left.size() < 25)
            left.resize(25, ' ');
        else
            left += ' ';
        o << left << i.help << "\n";
    }
    o << "  --list-scenarios       name the presets\n"
         "  --version, --help\n";
    return o.str();
}

}  // namespace nicsim::tb
