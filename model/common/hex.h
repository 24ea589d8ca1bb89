// Hexadecimal numbers in the model's diagnostics: "0x" and lower-case digits without leading zeros (0x0, 0x3818).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace nicsim {

inline std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace nicsim
