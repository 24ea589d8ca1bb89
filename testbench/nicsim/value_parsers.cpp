#include "testbench/nicsim/value_parsers.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace nicsim::tb::values {

void bad(const std::string& key, const std::string& value, const std::string& expected) {
    throw UsageError("--" + key + ": expected " + expected + ", got '" + value + "'");
}

uint64_t parse_uint(const std::string& key, const std::string& v, uint64_t lo, uint64_t hi) {
    const std::string what = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (v.empty() || v[0] == '-' || v[0] == '+' || v[0] == ' ') bad(key, v, what);
    const bool hex = v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    if (hex && !std::isxdigit(static_cast<unsigned char>(v[2]))) bad(key, v, what);
    errno = 0;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str() + (hex ? 2 : 0), &end, hex ? 16 : 10);
    if (errno != 0 || end == v.c_str() + (hex ? 2 : 0)) bad(key, v, what);
    const std::string suffix(end);
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

uint64_t parse_time_ns(const std::string& key, const std::string& v) {
    const std::string what = "a time such as 500us, 10ms or 1s";
    char* end = nullptr;
    errno = 0;
    const double t = std::strtod(v.c_str(), &end);
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

DetailFrom parse_detail_from(const std::string& key, const std::string& v) {
    DetailFrom d;
    static const std::string kPacket = "packet:";
    const std::string what = "a time such as 5ms, or packet:N with N from 1 (after the Nth packet sent)";
    if (v.compare(0, kPacket.size(), kPacket) == 0) {
        const std::string n = v.substr(kPacket.size());
        if (n.empty() ||
            !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            bad(key, v, what);
        errno = 0;
        d.packet = std::strtoull(n.c_str(), nullptr, 10);
        if (errno != 0 || d.packet == 0) bad(key, v, what);
    } else if (!v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '.'))
        d.ns = parse_time_ns(key, v);
    else
        bad(key, v, what);
    return d;
}

std::string time_text(uint64_t ns) {
    if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
    if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
    if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
    return std::to_string(ns) + "ns";
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

namespace {

/// One fault kind: "retry:P" sets faults.retry, and so on. `value` is empty for rx-flood.
void set_fault(FaultConfig& f, const std::string& name, const std::string& val, const std::string& k) {
    // A fault probability of 0 would inject nothing: refused rather than run as a fault plan that cannot act.
    auto p = [&] {
        const double v = parse_probability(k, val);
        if (v == 0) bad(k, val, "a probability above 0, at most 0.5 (0 injects nothing)");
        return v;
    };
    if (name == "retry")
        f.retry = p();
    else if (name == "disconnect")
        f.disconnect = p();
    else if (name == "latency-spike")
        f.latency_spike = p();
    else if (name == "spike-clocks")
        f.spike_clocks = static_cast<unsigned>(parse_uint(k, val, 1, 4096));
    else if (name == "target-abort")
        f.target_abort = parse_uint(k, val, 1, UINT64_MAX);
    else if (name == "master-abort")
        f.master_abort = parse_uint(k, val, 1, UINT64_MAX);
    else if (name == "parity-address")
        f.parity_address_ns = parse_time_ns(k, val);
    else if (name == "parity-data")
        f.parity_data_ns = parse_time_ns(k, val);
    else if (name == "parity-read")
        f.parity_read_ns = parse_time_ns(k, val);
    else if (name == "link-flap")
        f.link_flap_ns = parse_time_ns(k, val);
    else if (name == "link-down-for")
        f.link_down_for_ns = parse_time_ns(k, val), f.link_down_for_given = true;
    else if (name == "reset-at")
        f.reset_at_ns = parse_time_ns(k, val);
}

}  // namespace

const std::vector<FaultKind>& fault_kinds() {
    static const std::vector<FaultKind> kinds = {
        {"retry", "P", "the host bridge answers a device transaction's first data phase with Retry (0 < P <= 0.5)"},
        {"disconnect", "P", "the host bridge ends a device burst after a data phase (Disconnect)"},
        {"latency-spike", "P", "a host memory read takes spike-clocks longer"},
        {"spike-clocks", "N", "length of a latency spike in bus clocks (default 40)"},
        {"target-abort", "N", "the Nth device transaction is target-aborted by the host bridge"},
        {"master-abort", "N", "the Nth device transaction is not claimed (master abort)"},
        {"parity-address", "T", "the NIC's next address phase after time T carries bad PAR"},
        {"parity-data", "T", "the NIC's next write data phase after time T carries bad PAR"},
        {"parity-read", "T", "the host bridge's next read data phase after time T carries bad PAR"},
        {"rx-flood", nullptr, "the peer sends its first half as 60-byte frames back to back at line rate"},
        {"link-flap", "T", "the cable is pulled at time T ..."},
        {"link-down-for", "T", "... and plugged back in this much later (default 100us; needs link-flap)"},
        {"reset-at", "T", "the NDIS host resets the adapter (MiniportReset) at time T"},
    };
    return kinds;
}

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

namespace {

struct ListItem {
    std::string name;
    std::string value;
    bool has_value;
};

// Splits "a:1,b,c:2" at the commas and each item at its first `sep`; an empty list is refused with `what`.
std::vector<ListItem> split_list(const std::string& key, const std::string& v, char sep, const std::string& what) {
    std::vector<ListItem> items;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto at = item.find(sep);
        const bool has_value = at != std::string::npos;
        items.push_back({item.substr(0, at), has_value ? item.substr(at + 1) : "", has_value});
    }
    if (items.empty()) bad(key, v, what);
    return items;
}

}  // namespace

void parse_registry(RegistryValues& r, const std::string& key, const std::string& v) {
    const char* what = "a comma-separated list of NAME=VALUE (an integer value), e.g. WaitAutoNegComplete=1";
    for (const ListItem& item : split_list(key, v, '=', what)) {
        const std::string& name = item.name;
        const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*';
        });
        if (!item.has_value || !name_ok) bad(key, v, what);
        // Registry value names are case-insensitive: one name twice would leave the driver one of them.
        for (const auto& kv : r)
            if (lower(kv.first) == lower(name)) bad(key, v, "each keyword once ('" + name + "' is given twice)");
        r.emplace_back(name, static_cast<uint32_t>(parse_uint(key, item.value, 0, 0xFFFFFFFFu)));
    }
}

void parse_faults(FaultConfig& f, const std::string& key, const std::string& v) {
    for (const ListItem& item : split_list(key, v, ':', "a fault list such as retry:0.01,reset-at:200us")) {
        const std::string& name = item.name;
        bool known = false;
        for (const FaultKind& k : fault_kinds()) known = known || name == k.name;
        if (!known)
            bad(key, v,
                "a comma-separated list of retry:P, disconnect:P, latency-spike:P, spike-clocks:N, target-abort:N, "
                "master-abort:N, parity-address:T, parity-data:T, parity-read:T, rx-flood, link-flap:T, "
                "link-down-for:T, reset-at:T");
        if (name == "rx-flood") {
            if (item.has_value) bad(key, v, "'rx-flood' without a value");
            f.rx_flood = true;
            continue;
        }
        if (!item.has_value) bad(key, v, "'" + name + ":VALUE'");
        set_fault(f, name, item.value, key + " " + name);
    }
}

}  // namespace nicsim::tb::values
