#include "tracer.h"

#include "model/trace/fast_vcd_file.h"
#ifdef NICSIM_HAVE_FST
#include "model/trace/fst_file.h"
#endif

namespace nicsim {

namespace {
constexpr double kUnitPs = 100;  // 66 MHz has a 7.5 ns half period

PolledTraceFile* own_writer(sc_core::sc_trace_file* f, Tracer::Writer w) {
    return w == Tracer::Writer::SystemC ? nullptr : static_cast<PolledTraceFile*>(f);
}
}  // namespace

Tracer::Tracer(const std::string& path, Writer writer) : m_writer(writer) {
    if (path.empty()) return;
    if (m_writer == Writer::Fst) {
        m_path = path;
#ifdef NICSIM_HAVE_FST
        auto* f = new FstFile(m_path);
        if (!f->ok()) {
            delete f;  // reported by FstFile (nicsim/trace/open): tracing stays off
            return;
        }
        m_file = f;
#else
        SC_REPORT_WARNING("nicsim/trace/open", ("this build has no FST writer, not traced: " + m_path).c_str());
        return;
#endif
        m_file->set_time_unit(kUnitPs, sc_core::SC_PS);
        return;
    }
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
    m_file->set_time_unit(kUnitPs, sc_core::SC_PS);
}

Tracer::Tracer(std::FILE* stream, const std::string& name) : m_writer(Writer::Fast), m_path(name) {
    if (!stream) return;
    m_file = new FastVcdFile(stream, name);
    m_file->set_time_unit(kUnitPs, sc_core::SC_PS);
}

void Tracer::hold_until_window() {
    if (PolledTraceFile* f = own_writer(m_file, m_writer)) f->hold_until_window();
}

void Tracer::open_window() {
    if (PolledTraceFile* f = own_writer(m_file, m_writer)) f->open_window();
}

void Tracer::close_window() {
    if (PolledTraceFile* f = own_writer(m_file, m_writer)) f->close_window();
}

Tracer::~Tracer() {
    if (!m_file) return;
    if (m_writer == Writer::SystemC)
        sc_core::sc_close_vcd_trace_file(m_file);
    else
        delete static_cast<PolledTraceFile*>(m_file);
}

}  // namespace nicsim
