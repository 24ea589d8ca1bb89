#include "tracer.h"

#include "model/trace/fast_vcd_file.h"

namespace nicsim {

Tracer::Tracer(const std::string& path, Writer writer) : m_writer(writer) {
    if (path.empty()) return;
    std::string base = path;
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
    m_path = base + ".vcd";
    if (m_writer == Writer::SystemC) {
        m_file = sc_core::sc_create_vcd_trace_file(base.c_str());
    } else {
        auto* f = new FastVcdFile(m_path);
        if (!f->ok()) {
            delete f;  // reported by FastVcdFile (nicsim/trace/open): tracing stays off
            return;
        }
        m_file = f;
    }
    m_file->set_time_unit(100, sc_core::SC_PS);  // 66 MHz has a 7.5 ns half period
}

Tracer::Tracer(std::FILE* stream, const std::string& name) : m_writer(Writer::Fast), m_path(name) {
    if (!stream) return;
    m_file = new FastVcdFile(stream, name);
    m_file->set_time_unit(100, sc_core::SC_PS);
}

void Tracer::hold_until_window() {
    if (m_file && m_writer == Writer::Fast) static_cast<FastVcdFile*>(m_file)->hold_until_window();
}

void Tracer::open_window() {
    if (m_file && m_writer == Writer::Fast) static_cast<FastVcdFile*>(m_file)->open_window();
}

void Tracer::close_window() {
    if (m_file && m_writer == Writer::Fast) static_cast<FastVcdFile*>(m_file)->close_window();
}

Tracer::~Tracer() {
    if (!m_file) return;
    if (m_writer == Writer::SystemC)
        sc_core::sc_close_vcd_trace_file(m_file);
    else
        delete static_cast<FastVcdFile*>(m_file);
}

}  // namespace nicsim
