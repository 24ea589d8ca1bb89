// Reading VCD files back in tests: the whole file as text, and the file without its $date block (SystemC's writer
// puts the wall clock there, so two writers' files are compared without it).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace nicsim::test {

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The file without its "$date ... $end" block.
inline std::string without_date(const std::string& vcd) {
    const size_t start = vcd.find("$date");
    const size_t end = vcd.find("$end", start);
    if (start == std::string::npos || end == std::string::npos) return vcd;
    return vcd.substr(0, start) + vcd.substr(end);
}

}  // namespace nicsim::test
