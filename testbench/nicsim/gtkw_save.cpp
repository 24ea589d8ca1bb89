#include "testbench/nicsim/gtkw_save.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "model/nic/nic_82540em.h"

namespace nicsim::tb {

namespace {

// Trace flags of GTKWave save files (the numbers GTKWave itself writes after '@'): a group's begin and end, a bit
// in binary, a vector in hex or decimal, and a hex vector shown through a translate filter.
constexpr const char* kGroupBegin = "@800200";
constexpr const char* kGroupEnd = "@1000200";
constexpr const char* kBinary = "@28";
constexpr const char* kHex = "@22";
constexpr const char* kDecimal = "@24";
constexpr const char* kTranslated = "@2022";
constexpr int kWavePixels = 800;  // the wave area of a [size] 1400 window beside the tree and the signal list
// GTKWave 3.3.118 shows 2^-zoom / 200 ps per pixel for a VCD with nicsim's 100 ps timescale (measured on its
// screenshots: zoom -17 draws 100 ns in 153 pixels, zoom -20 draws 1 us in 190 pixels).
constexpr double kZoomUnitsPerPs = 200;

// Filter numbers: GTKWave refers to each file by the number it is loaded under ('^N path').
enum Filter { kPciCmd = 1, kDmaState, kDmaOp, kTxState, kRxState };
constexpr const char* kFilterFiles[] = {
    "", "pci_cmd.txt", "nic_dma_state.txt", "nic_dma_op.txt", "nic_tx_state.txt", "nic_rx_state.txt"};

class SaveText {
  public:
    explicit SaveText(const GtkwView& v) : m_view(v) {}
    std::ostringstream out;

    void group(const std::string& name, bool begin) {
        out << (begin ? kGroupBegin : kGroupEnd) << "\n-" << name << "\n";
        m_flag = nullptr;
    }
    void flag(const char* f) {
        if (m_flag != f) out << f << "\n";
        m_flag = f;
    }
    void signal(const char* f, const std::string& name, const std::string& alias = "") {
        flag(f);
        out << (alias.empty() ? "" : "+{" + alias + "} ") << "SystemC." << name << "\n";
    }
    /// A vector through a translate filter; plain hex when the filters are not there.
    void translated(Filter filter, const std::string& name, const std::string& alias) {
        if (m_view.filters_dir.empty()) return signal(kHex, name, alias);
        m_flag = nullptr;
        flag(kTranslated);
        out << "^" << filter << " " << m_view.filters_dir << "/" << kFilterFiles[filter] << "\n";
        signal(kTranslated, name, alias);
    }

  private:
    const GtkwView& m_view;
    const char* m_flag = nullptr;
};

std::string vec(const std::string& name, unsigned bits) {
    return name + "[" + std::to_string(bits - 1) + ":0]";
}

void bus_groups(SaveText& s, const GtkwView& v, const GtkwMachine& m) {
    const std::string p = m.bus_scope + ".";
    const std::string l = m.label;
    s.group(l + "clock/reset", true);
    s.signal(kBinary, p + "CLK");
    s.signal(kBinary, p + "RST_n");
    s.group(l + "clock/reset", false);
    s.group(l + "address/data/command", true);
    s.signal(kHex, vec(p + "AD", v.bus_bits));
    s.signal(kHex, vec(p + "CBE_n", v.bus_bits / 8));
    s.translated(kPciCmd, vec(p + "CMD", 4), "CMD (address phase)");
    s.signal(kBinary, p + "PAR");
    s.group(l + "address/data/command", false);
    s.group(l + "control", true);
    for (const char* n : {"FRAME_n", "IRDY_n", "TRDY_n", "DEVSEL_n", "STOP_n"}) s.signal(kBinary, p + n);
    s.group(l + "control", false);
    if (v.bus_bits == 64) {
        s.group(l + "64-bit extension", true);
        for (const char* n : {"REQ64_n", "ACK64_n", "PAR64"}) s.signal(kBinary, p + n);
        s.group(l + "64-bit extension", false);
    }
    s.group(l + "arbitration and configuration", true);
    for (const std::string& n : m.masters) {
        s.signal(kBinary, p + "REQ_n_" + n);
        s.signal(kBinary, p + "GNT_n_" + n);
    }
    for (const std::string& n : m.devices) s.signal(kBinary, p + "IDSEL_" + n);
    s.group(l + "arbitration and configuration", false);
    s.group(l + "errors and interrupt", true);
    for (const char* n : {"PERR_n", "SERR_n", "INTA_n"}) s.signal(kBinary, p + n);
    s.group(l + "errors and interrupt", false);
}

void dma_groups(SaveText& s, const GtkwMachine& m) {
    const std::string p = m.nic_scope + ".";
    const std::string l = m.label;
    s.group(l + "DMA engine", true);
    s.translated(kDmaState, vec(p + "dma.state", 4), "dma state");
    s.translated(kDmaOp, vec(p + "dma.op", 4), "dma op");
    s.signal(kHex, vec(p + "dma.addr", 64), "op address");
    s.signal(kDecimal, vec(p + "dma.len", 32), "op length");
    s.signal(kHex, vec(p + "dma.req_addr", 64), "request address");
    s.signal(kDecimal, vec(p + "dma.req_len", 32), "request length");
    s.signal(kDecimal, vec(p + "dma.depth", 32), "queue depth");
    s.signal(kDecimal, vec(p + "dma.requests", 32), "requests");
    s.group(l + "DMA engine", false);
    s.group(l + "TX and RX engines", true);
    s.translated(kTxState, vec(p + "tx.state", 4), "tx state");
    s.signal(kDecimal, vec(p + "tx.frame_len", 32), "tx frame bytes");
    s.signal(kDecimal, vec(p + "tx.fifo_frames", 32), "tx fifo frames");
    s.translated(kRxState, vec(p + "rx.state", 4), "rx state");
    s.signal(kDecimal, vec(p + "rx.offset", 32), "rx bytes written");
    s.signal(kDecimal, vec(p + "rx.fifo_frames", 32), "rx fifo frames");
    s.group(l + "TX and RX engines", false);
}

void ring_group(SaveText& s, const GtkwMachine& m, const std::string& ring) {
    const std::string p = m.nic_scope + ".";
    const std::string d = p + ring + "desc.";
    const std::string r = ring == "tx" ? "T" : "R";
    const std::string name = m.label + (ring == "tx" ? "TX ring" : "RX ring");
    s.group(name, true);
    s.signal(kDecimal, vec(p + r + "DT", 32), r + "DT (register)");
    s.signal(kDecimal, vec(p + r + "DH", 32), r + "DH (register)");
    s.signal(kDecimal, vec(d + "tail", 32), "tail (cache)");
    s.signal(kDecimal, vec(d + "head", 32), "head (cache)");
    s.signal(kDecimal, vec(d + "cached", 32), "cached");
    s.signal(kDecimal, vec(d + "finished", 32), "finished");
    s.signal(kBinary, d + "fetch_inflight", "fetch in flight");
    s.signal(kBinary, d + "wb_pending", "write-back pending");
    s.signal(kBinary, d + "wb_inflight", "write-back in flight");
    s.signal(kDecimal, vec(d + "fetches", 32), "fetch bursts");
    s.signal(kDecimal, vec(d + "writebacks", 32), "write-back bursts");
    s.group(name, false);
}

void mac_group(SaveText& s, const GtkwMachine& m) {
    const std::string p = m.nic_scope + ".mac.";
    s.group(m.label + "MAC", true);
    s.signal(kBinary, p + "tx", "mac tx");
    s.signal(kDecimal, vec(p + "tx_len", 32), "mac tx bytes");
    s.signal(kDecimal, vec(p + "tx_frames", 32), "mac tx frames");
    s.signal(kDecimal, vec(p + "rx_len", 32), "mac rx bytes");
    s.signal(kDecimal, vec(p + "rx_frames", 32), "mac rx frames");
    s.signal(kBinary, p + "link_up", "link up");
    s.group(m.label + "MAC", false);
}

void interrupt_group(SaveText& s, const GtkwMachine& m) {
    const std::string p = m.nic_scope + ".";
    s.group(m.label + "NIC interrupt", true);
    s.signal(kBinary, p + "INTA", "INTA (device)");
    s.signal(kHex, vec(p + "ICR", 32), "ICR");
    s.signal(kHex, vec(p + "IMS", 32), "IMS");
    s.group(m.label + "NIC interrupt", false);
}

void wire_group(SaveText& s, const std::string& scope) {
    s.group("wire", true);
    for (const char* dir : {"a_to_b", "b_to_a"}) {
        const std::string p = scope + "." + dir + ".";
        s.signal(kBinary, p + "carrier", std::string(dir) + " carrier");
        s.signal(kDecimal, vec(p + "len", 32), std::string(dir) + " length");
        s.signal(kDecimal, vec(p + "frames", 32), std::string(dir) + " frames");
    }
    s.group("wire", false);
}

void header(SaveText& s, const GtkwView& v) {
    // Times in a save file are in the SI unit of the VCD's timescale: picoseconds for nicsim's 100 ps.
    const uint64_t lead = kGtkwLeadClocks * v.period_ps;
    const uint64_t start = v.have_start && v.start_ps > lead ? v.start_ps - lead : 0;
    // Without a traced bus (--bus-model tlm) there is no first transaction to open on: the whole run is shown.
    const uint64_t width = v.have_start || v.end_ps == 0 ? kGtkwWindowClocks * v.period_ps : v.end_ps;
    const double ps_per_pixel = static_cast<double>(width) / kWavePixels;
    char zoom[160];
    std::snprintf(zoom, sizeof zoom, "*%.6f %lld", -std::log2(ps_per_pixel * kZoomUnitsPerPs),
                  v.have_start ? static_cast<long long>(v.start_ps) : -1LL);
    s.out
        << "[*]\n[*] nicsim: written beside the trace by the run; the marker is on the first bus address phase.\n[*]\n";
    s.out << "[dumpfile] \"" << v.vcd << "\"\n";
    s.out << "[timestart] " << start << "\n[size] 1400 900\n[pos] -1 -1\n" << zoom;
    for (int i = 0; i < 26; ++i) s.out << " -1";  // the named markers A..Z: none
    s.out << "\n[sst_width] 220\n[signals_width] 260\n[sst_expanded] 1\n[sst_vpaned_height] 200\n";
}

}  // namespace

std::string gtkw_save_text(const GtkwView& v) {
    SaveText s(v);
    header(s, v);
    for (const GtkwMachine& m : v.machines) {
        if (!m.bus_scope.empty()) bus_groups(s, v, m);
        if (m.nic_scope.empty()) continue;
        if (v.nic_parts & nic::kTraceDma) dma_groups(s, m);
        if (v.nic_parts & nic::kTraceDesc) {
            ring_group(s, m, "tx");
            ring_group(s, m, "rx");
        }
        if (v.nic_parts & nic::kTraceMac) mac_group(s, m);
        interrupt_group(s, m);
    }
    if (!v.wire_scope.empty()) wire_group(s, v.wire_scope);
    s.out << "[pattern_trace] 1\n[pattern_trace] 0\n";
    return s.out.str();
}

std::string gtkw_path_for(const std::string& vcd_path) {
    for (const std::string suffix : {".vcd", ".fst"}) {
        if (vcd_path.size() > suffix.size() &&
            vcd_path.compare(vcd_path.size() - suffix.size(), suffix.size(), suffix) == 0)
            return vcd_path.substr(0, vcd_path.size() - suffix.size()) + ".gtkw";
    }
    return vcd_path + ".gtkw";
}

std::string installed_filters_dir() {
    struct stat st {};
    const std::string dir = NICSIM_TRACES_DIR "/filters";
    return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? dir : std::string();
}

}  // namespace nicsim::tb
