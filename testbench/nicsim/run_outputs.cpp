#include "testbench/nicsim/run_outputs.h"

#include <sys/stat.h>

#include <cerrno>

#include "testbench/machine/system_top.h"
#include "testbench/nicsim/fst_output.h"
#include "testbench/nicsim/gtkw_save.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

namespace {

/// A VCD that is (or will be) a file gets a save file beside it; a device, a FIFO or standard output does not.
bool names_a_file(const std::string& path) {
    if (path == "-") return false;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return S_ISREG(st.st_mode);
    return errno == ENOENT;
}

std::string leaf(const std::string& name) {
    const size_t dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

uint64_t to_ps(const sc_core::sc_time& t) {
    return static_cast<uint64_t>(t.to_seconds() * 1e12 + 0.5);
}

GtkwMachine machine_view(MachineBase& m, const std::string& label, const std::string& bus, const std::string& nic) {
    GtkwMachine v;
    v.label = label;
    v.nic_scope = nic;
    if (Machine* pin = m.pin()) {
        v.bus_scope = bus;
        for (unsigned i = 0; i < pin->bus.master_count(); ++i) v.masters.push_back(leaf(pin->bus.master_name(i)));
        for (unsigned i = 0; i < pin->bus.device_count(); ++i) v.devices.push_back(leaf(pin->bus.device_name(i)));
    }
    return v;
}

}  // namespace

RunOutputs::RunOutputs(const RunConfig& cfg) : m_cfg(cfg) {
    m_plan.add_input("--pcap-in", cfg.pcap_in);
    for (const std::string& file : cfg.scenario_file) m_plan.add_input("--scenario-file", file);
    if (!cfg.vcd.empty()) {
        m_vcd = &m_plan.add_output("--vcd", cfg.vcd);
        if (cfg.trace_format == TraceFormat::Fst) m_vcd->write_by_name(fst_writer());
        if (names_a_file(cfg.vcd)) {
            m_gtkw_path = gtkw_path_for(cfg.vcd);
            m_gtkw = &m_plan.add_output("--vcd (its GTKWave save file)", m_gtkw_path);
        }
    }
    if (!cfg.pcap_out.empty()) m_pcap = &m_plan.add_output("--pcap-out", cfg.pcap_out);
    if (!cfg.stats_json.empty()) m_stats = &m_plan.add_output("--stats-json", cfg.stats_json);
}

bool RunOutputs::attach(SystemTop& top, std::string& error) {
    for (OutputFile* out : {m_vcd, m_pcap}) {
        if (out && !out->open()) {
            error = out->error();
            if (m_vcd) m_vcd->abandon();
            return false;
        }
    }
    const bool fst = m_vcd && m_cfg.trace_format == TraceFormat::Fst;
    top.attach_outputs(m_vcd ? m_vcd->stream() : nullptr, m_pcap ? m_pcap->stream() : nullptr,
                       fst ? m_vcd->temp_name() : std::string());
    return true;
}

std::string RunOutputs::write_failure() const {
    const OutputFile* f = m_plan.first_failed();
    return f ? f->option() + ": " + "'" + f->path() + "': a write failed" : std::string();
}

void RunOutputs::finish_traces(SystemTop& top, std::vector<std::string>& errors) {
    top.close_outputs();
    if (m_pcap && !m_pcap->commit())
        errors.push_back(m_pcap->error());
    else if (!top.pcap_error().empty())
        errors.push_back("--pcap-out: " + top.pcap_error());
    if (!m_vcd) return;
    const bool vcd_ok = m_vcd->commit();
    if (!vcd_ok) errors.push_back(m_vcd->error());
    if (vcd_ok && m_gtkw && m_vcd->kind() == OutputFile::Kind::Replace) write_save_file(top, errors);
    if (!m_gtkw_path.empty() && (!vcd_ok || m_vcd->kind() != OutputFile::Kind::Replace)) m_gtkw_path.clear();
}

void RunOutputs::write_save_file(SystemTop& top, std::vector<std::string>& errors) {
    GtkwView v;
    v.vcd = m_vcd->identity().name;
    v.filters_dir = installed_filters_dir();
    v.bus_bits = m_cfg.bus_width;
    v.nic_parts = top.traced_nic_parts();
    v.period_ps = to_ps(top.machine().pci_bus().period());
    sc_core::sc_time first;
    v.have_start = top.first_address_phase(first);
    if (v.have_start) v.start_ps = to_ps(first);
    v.end_ps = to_ps(sc_core::sc_time_stamp());
    const std::string nic = v.nic_parts ? "nic" : "";
    v.machines.push_back(machine_view(top.machine(), "", "pci", nic));
    if (MachineBase* partner = top.partner())
        v.machines.push_back(machine_view(*partner, "partner ", "partner_pci", v.nic_parts ? "partner_nic" : ""));
    if (v.nic_parts & nic::kTraceMac) v.wire_scope = top.wire().name();
    if (!write_whole(*m_gtkw, gtkw_save_text(v))) {
        errors.push_back(m_gtkw->error());
        m_gtkw_path.clear();
    }
}

void RunOutputs::write_stats(const std::string& json, std::vector<std::string>& errors) {
    if (m_stats && !write_whole(*m_stats, json)) errors.push_back(m_stats->error());
}

}  // namespace nicsim::tb
