// The value syntaxes nicsim parameters share (numbers with K/M/G, times with units, probabilities, lists). Each
// parser names the parameter and the value in its UsageError, so every bad value reads the same way.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "testbench/nicsim/run_config.h"

namespace nicsim::tb::values {

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& expected);

/// Decimal (or 0x-prefixed hexadecimal) unsigned integer with an optional K/M/G (x1024) suffix, within [lo, hi].
/// A leading zero is decimal: "08" is 8.
uint64_t parse_uint(const std::string& key, const std::string& v, uint64_t lo, uint64_t hi);
unsigned parse_choice(const std::string& key, const std::string& v, std::initializer_list<unsigned> allowed);
bool parse_bool(const std::string& key, const std::string& v);
/// Simulated time: a number with ns, us, ms or s, from 1 ns to 3600 s.
uint64_t parse_time_ns(const std::string& key, const std::string& v);
/// --detail-from: a time (parse_time_ns) or packet:N with N from 1.
DetailFrom parse_detail_from(const std::string& key, const std::string& v);
SizeDist parse_size(const std::string& key, const std::string& v);
/// A comma-separated list of bus, dma, desc, mac, all.
std::string parse_trace(const std::string& key, const std::string& v);
std::string parse_path(const std::string& key, const std::string& v);
/// An EEPROM image file: exactly 64 little-endian 16-bit words (its checksum is the driver's business).
std::string parse_eeprom_file(const std::string& key, const std::string& v);
double parse_probability(const std::string& key, const std::string& v);
/// --registry NAME=VALUE,...: adds integer registry values (VALUE as parse_uint, up to 0xFFFFFFFF) to `r`; a
/// keyword is a registry value name (letters, digits, '_', '*' as in *JumboPacket) given at most once.
void parse_registry(RegistryValues& r, const std::string& key, const std::string& v);
/// One fault kind of --fault: NAME:ARG (or NAME alone when arg is nullptr) and what it does.
struct FaultKind {
    const char* name;
    const char* arg;
    const char* help;
};
const std::vector<FaultKind>& fault_kinds();
/// --fault NAME[:VALUE],...: adds to the faults already set (several --fault options accumulate).
void parse_faults(FaultConfig& f, const std::string& key, const std::string& v);

/// A time as the shortest exact text with a unit ("50ms", "100us", "1500ns"): what parse_time_ns reads back.
std::string time_text(uint64_t ns);

}  // namespace nicsim::tb::values
