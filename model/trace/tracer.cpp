#include "tracer.h"

namespace nicsim {

Tracer::Tracer(const std::string& path) {
    if (path.empty()) return;
    std::string base = path;
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
    m_path = base + ".vcd";
    m_file = sc_core::sc_create_vcd_trace_file(base.c_str());
    m_file->set_time_unit(100, sc_core::SC_PS);  // 66 MHz has a 7.5 ns half period
}

Tracer::~Tracer() {
    if (m_file) sc_core::sc_close_vcd_trace_file(m_file);
}

}  // namespace nicsim
