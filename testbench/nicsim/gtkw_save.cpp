#include "testbench/nicsim/gtkw_save.h"

#include <sys/stat.h>

#include <cctype>
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

/// Which scope a group's signal names are relative to, and when the group is written.
enum class Scope { Bus, Bus64, Nic, Wire };
/// Signals repeated for each entry of a list: the bus masters (REQ#/GNT#), devices (IDSEL) or wire directions.
enum class Each { Once, Master, Device, Direction };
constexpr unsigned kBit = 0;             ///< a single wire, no vector range
constexpr unsigned kBusBits = ~0u;       ///< AD: as wide as the bus
constexpr unsigned kBusBytes = ~0u - 1;  ///< C/BE#: one per byte lane

/// One signal of a group. In `name` and `alias`, '$' stands for the list entry (Each) or the group's part, '#' for
/// the part's first letter in capitals (the ring's register prefix). Consecutive signals with the same Each form a
/// block written once per entry.
struct Sig {
    const char* flag;
    const char* name;
    unsigned bits = kBit;
    const char* alias = "";
    Each each = Each::Once;
    Filter filter = Filter(0);  ///< a translate filter, or 0
};

struct Group {
    const char* name;  ///< after the machine's label; '$' stands for `part`
    Scope scope;
    unsigned needs = 0;     ///< nic::TraceWhat bits the group shows (0: whenever its scope is traced)
    const char* part = "";  ///< what '$' stands for in the names
    std::vector<Sig> sigs;
};

/// A descriptor ring ("tx" or "rx"): its registers (TDT/TDH), and the on-chip descriptor cache.
Group ring_group(const char* name, const char* part) {
    return {name,
            Scope::Nic,
            nic::kTraceDesc,
            part,
            {{kDecimal, "#DT", 32, "#DT (register)"},
             {kDecimal, "#DH", 32, "#DH (register)"},
             {kDecimal, "$desc.tail", 32, "tail (cache)"},
             {kDecimal, "$desc.head", 32, "head (cache)"},
             {kDecimal, "$desc.cached", 32, "cached"},
             {kDecimal, "$desc.finished", 32, "finished"},
             {kBinary, "$desc.fetch_inflight", kBit, "fetch in flight"},
             {kBinary, "$desc.wb_pending", kBit, "write-back pending"},
             {kBinary, "$desc.wb_inflight", kBit, "write-back in flight"},
             {kDecimal, "$desc.fetches", 32, "fetch bursts"},
             {kDecimal, "$desc.writebacks", 32, "write-back bursts"}}};
}

/// The groups of traces/pci_bus.gtkw, nic_dma.gtkw and nic_desc.gtkw, in the order a machine's are written.
const std::vector<Group>& machine_groups() {
    using nic::kTraceDesc, nic::kTraceDma, nic::kTraceMac;
    static const std::vector<Group> groups = {
        {"clock/reset", Scope::Bus, 0, "", {{kBinary, "CLK"}, {kBinary, "RST_n"}}},
        {"address/data/command",
         Scope::Bus,
         0,
         "",
         {{kHex, "AD", kBusBits},
          {kHex, "CBE_n", kBusBytes},
          {kHex, "CMD", 4, "CMD (address phase)", Each::Once, kPciCmd},
          {kBinary, "PAR"}}},
        {"control",
         Scope::Bus,
         0,
         "",
         {{kBinary, "FRAME_n"}, {kBinary, "IRDY_n"}, {kBinary, "TRDY_n"}, {kBinary, "DEVSEL_n"}, {kBinary, "STOP_n"}}},
        {"64-bit extension", Scope::Bus64, 0, "", {{kBinary, "REQ64_n"}, {kBinary, "ACK64_n"}, {kBinary, "PAR64"}}},
        {"arbitration and configuration",
         Scope::Bus,
         0,
         "",
         {{kBinary, "REQ_n_$", kBit, "", Each::Master},
          {kBinary, "GNT_n_$", kBit, "", Each::Master},
          {kBinary, "IDSEL_$", kBit, "", Each::Device}}},
        {"errors and interrupt", Scope::Bus, 0, "", {{kBinary, "PERR_n"}, {kBinary, "SERR_n"}, {kBinary, "INTA_n"}}},
        {"DMA engine",
         Scope::Nic,
         kTraceDma,
         "",
         {{kHex, "dma.state", 4, "dma state", Each::Once, kDmaState},
          {kHex, "dma.op", 4, "dma op", Each::Once, kDmaOp},
          {kHex, "dma.addr", 64, "op address"},
          {kDecimal, "dma.len", 32, "op length"},
          {kHex, "dma.req_addr", 64, "request address"},
          {kDecimal, "dma.req_len", 32, "request length"},
          {kDecimal, "dma.depth", 32, "queue depth"},
          {kDecimal, "dma.requests", 32, "requests"}}},
        {"TX and RX engines",
         Scope::Nic,
         kTraceDma,
         "",
         {{kHex, "tx.state", 4, "tx state", Each::Once, kTxState},
          {kDecimal, "tx.frame_len", 32, "tx frame bytes"},
          {kDecimal, "tx.fifo_frames", 32, "tx fifo frames"},
          {kHex, "rx.state", 4, "rx state", Each::Once, kRxState},
          {kDecimal, "rx.offset", 32, "rx bytes written"},
          {kDecimal, "rx.fifo_frames", 32, "rx fifo frames"}}},
        ring_group("TX ring", "tx"),
        ring_group("RX ring", "rx"),
        {"MAC",
         Scope::Nic,
         kTraceMac,
         "",
         {{kBinary, "mac.tx", kBit, "mac tx"},
          {kDecimal, "mac.tx_len", 32, "mac tx bytes"},
          {kDecimal, "mac.tx_frames", 32, "mac tx frames"},
          {kDecimal, "mac.rx_len", 32, "mac rx bytes"},
          {kDecimal, "mac.rx_frames", 32, "mac rx frames"},
          {kBinary, "mac.link_up", kBit, "link up"}}},
        {"NIC interrupt",
         Scope::Nic,
         0,
         "",
         {{kBinary, "INTA", kBit, "INTA (device)"}, {kHex, "ICR", 32, "ICR"}, {kHex, "IMS", 32, "IMS"}}},
    };
    return groups;
}

const Group kWireGroup = {"wire",
                          Scope::Wire,
                          0,
                          "",
                          {{kBinary, "$.carrier", kBit, "$ carrier", Each::Direction},
                           {kDecimal, "$.len", 32, "$ length", Each::Direction},
                           {kDecimal, "$.frames", 32, "$ frames", Each::Direction}}};

/// `text` with '$' replaced by `entry` and '#' by the first letter of `entry` in capitals.
std::string expand(const char* text, const std::string& entry) {
    std::string out;
    for (const char* c = text; *c; ++c) {
        if (*c == '$')
            out += entry;
        else if (*c == '#')
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(entry[0])));
        else
            out += *c;
    }
    return out;
}

/// Where a group's signals live in the VCD, and the lists its blocks repeat over.
struct GroupContext {
    std::string scope;  ///< prefix of every signal name, ending in '.'
    std::string label;  ///< prefix of the group's name
    unsigned bus_bits = 32;
    std::vector<std::string> masters, devices;
};

const std::vector<std::string> kWireDirections = {"a_to_b", "b_to_a"};

void write_signal(SaveText& s, const GroupContext& c, const Sig& sig, const std::string& entry) {
    std::string name = c.scope + expand(sig.name, entry);
    const unsigned bits = sig.bits == kBusBits ? c.bus_bits : sig.bits == kBusBytes ? c.bus_bits / 8 : sig.bits;
    if (bits != kBit) name += "[" + std::to_string(bits - 1) + ":0]";
    const std::string alias = expand(sig.alias, entry);
    if (sig.filter)
        s.translated(sig.filter, name, alias);
    else
        s.signal(sig.flag, name, alias);
}

void write_group(SaveText& s, const GroupContext& c, const Group& g) {
    const std::string name = c.label + g.name;
    s.group(name, true);
    for (size_t i = 0; i < g.sigs.size();) {
        const Each each = g.sigs[i].each;
        size_t end = i;
        while (end < g.sigs.size() && g.sigs[end].each == each) ++end;
        const std::vector<std::string> once = {g.part};
        const std::vector<std::string>& entries = each == Each::Master      ? c.masters
                                                  : each == Each::Device    ? c.devices
                                                  : each == Each::Direction ? kWireDirections
                                                                            : once;
        for (const std::string& entry : entries)
            for (size_t k = i; k < end; ++k) write_signal(s, c, g.sigs[k], entry);
        i = end;
    }
    s.group(name, false);
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

/// Whether `g` is written for a machine traced as `v` and `m` says.
bool shown(const Group& g, const GtkwView& v, const GtkwMachine& m) {
    switch (g.scope) {
        case Scope::Bus:
            return !m.bus_scope.empty();
        case Scope::Bus64:
            return !m.bus_scope.empty() && v.bus_bits == 64;
        case Scope::Nic:
            return !m.nic_scope.empty() && (!g.needs || (v.nic_parts & g.needs));
        case Scope::Wire:
            return false;
    }
    return false;
}

std::string gtkw_save_text(const GtkwView& v) {
    SaveText s(v);
    header(s, v);
    for (const GtkwMachine& m : v.machines)
        for (const Group& g : machine_groups()) {
            if (!shown(g, v, m)) continue;
            const bool bus = g.scope == Scope::Bus || g.scope == Scope::Bus64;
            write_group(s, {(bus ? m.bus_scope : m.nic_scope) + ".", m.label, v.bus_bits, m.masters, m.devices}, g);
        }
    if (!v.wire_scope.empty()) write_group(s, {v.wire_scope + ".", "", v.bus_bits, {}, {}}, kWireGroup);
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
