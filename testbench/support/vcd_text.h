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

/// Where two files' texts part: the first differing byte, with the 160 bytes around it in each (for a test's INFO).
inline std::string first_difference(const std::string& a, const std::string& a_name, const std::string& b,
                                    const std::string& b_name) {
    size_t d = 0;
    while (d < a.size() && d < b.size() && a[d] == b[d]) ++d;
    const size_t from = d > 60 ? d - 60 : 0;
    return a_name + ": first difference at byte " + std::to_string(d) + ":\n" + a.substr(from, 160) + "\n" + b_name +
           ":\n" + b.substr(from, 160);
}

}  // namespace nicsim::test
