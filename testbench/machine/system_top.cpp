#include "testbench/machine/system_top.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace nicsim::tb {

using namespace sc_core;

namespace {

constexpr uint64_t kWireQuietNs = 200'000;  // at the end, give up waiting for transmitted frames after this much quiet

/// --miniport FILE / --peer-miniport FILE: the shared object opened and its DriverEntry found before anything runs
/// (null when not asked for); a file that cannot be loaded is bad input.
std::unique_ptr<machine::MiniportLibrary> open_miniport(const char* option, const std::string& path) {
    if (path.empty()) return nullptr;
    std::string error;
    std::unique_ptr<machine::MiniportLibrary> lib = machine::MiniportLibrary::open(path, error);
    if (!lib) throw UsageError(std::string("--") + option + ": " + error);
    return lib;
}

}  // namespace

SystemTop::SystemTop(sc_module_name name, const RunConfig& cfg)
    : sc_module(name), m_cfg(cfg), m_wire("wire", cfg.link_mbps) {
    // Inputs are checked before anything is written, so bad input leaves no files behind.
    if (!m_cfg.pcap_in.empty()) {
        wire::PcapReader r;
        if (!r.open(m_cfg.pcap_in)) throw UsageError("--pcap-in: " + r.error());
        wire::PcapRecord rec;
        while (r.next(rec)) {
        }
        if (!r.error().empty()) throw UsageError("--pcap-in: " + r.error());
    }
    m_dut_miniport = open_miniport("miniport", m_cfg.miniport);
    const bool partner_builtin = m_cfg.peer_miniport == kBuiltinMiniport;
    if (!partner_builtin) m_partner_miniport = open_miniport("peer-miniport", m_cfg.peer_miniport);
    // The outputs are attached after elaboration (attach_outputs), so the machines are built without a trace file.
    MachineConfig dut = machine_config(m_cfg, false, kPeerMac);
    dut.miniport = m_dut_miniport.get();
    m_dut = build_machine("dut", dut);
    if (!m_cfg.pcap_in.empty()) m_dut->set_pcap_board(&m_pcap_board);
    if (DetailMachine* d = m_dut->detail())
        m_detail = std::make_unique<DetailWindow>("detail", m_cfg, *d, m_wire.end_a());
    if (m_cfg.back_to_back) {
        MachineConfig partner = machine_config(m_cfg, true, m_dut->mac());
        partner.miniport = m_partner_miniport ? m_partner_miniport.get()
                           : partner_builtin  ? nullptr
                                              : m_dut_miniport.get();
        m_partner = build_machine("partner", partner);
        m_dut->set_peer_mac(m_partner->mac());
        m_dut->set_partner(m_partner.get());
        m_partner->set_partner(m_dut.get());
        m_dut->set_tx_board(&m_partner->rx_board());
        m_partner->set_tx_board(&m_dut->rx_board());
        m_dut->rx_expected_total = m_cfg.direction == Direction::Tx ? 0 : m_cfg.packets;
        m_partner->rx_expected_total = m_cfg.direction == Direction::Rx ? 0 : m_cfg.packets;
        m_dut->nic_device().set_wire(&dut_wire_sink());
        m_partner->nic_device().set_wire(&m_wire.end_b());
        m_wire.connect_a([this](const net::Frame& f) { m_dut->nic_device().receive(f); });
        m_wire.connect_b([this](const net::Frame& f) { m_partner->nic_device().receive(f); });
    } else {
        m_peer = std::make_unique<Peer>("peer", m_cfg, m_wire, *m_dut);
        m_dut->set_tx_board(&m_peer->tx_board());
        m_dut->rx_expected_total = (m_cfg.direction == Direction::Tx || !m_cfg.pcap_in.empty()) ? 0 : m_cfg.packets;
        m_dut->nic_device().set_wire(&dut_wire_sink());
        m_wire.connect_a([this](const net::Frame& f) { m_dut->nic_device().receive(f); });
        m_wire.connect_b_on_demand([this](const net::Frame& f) { m_peer->receive(f); });
        m_wire.on_link_change_a([this](bool up) { m_dut->nic_device().set_link(up); });
        if (!m_cfg.pcap_in.empty()) {
            m_pcap_gate = std::make_unique<HoldUntilDriverUp>(m_wire.end_b(), m_pcap_board);
            m_pcap_in = std::make_unique<wire::PcapSource>("pcap_in", m_cfg.pcap_in, *m_pcap_gate, m_cfg.link_mbps);
            SC_THREAD(open_pcap_gate);
            m_dut->set_rx_source_done([this] { return m_pcap_in->done() && m_pcap_gate->is_open(); });
        }
    }

    SC_THREAD(watch);
    const FaultConfig& f = m_cfg.fault;
    if (f.parity_address_ns || f.parity_data_ns || f.parity_read_ns || f.link_flap_ns) SC_THREAD(timed_faults);
}

void SystemTop::timed_faults() {
    // The timed faults in time order; each is a one-shot hook of the engine or the wire.
    const FaultConfig& f = m_cfg.fault;
    struct Event {
        uint64_t ns;
        int what;
    };
    std::vector<Event> events;
    if (f.parity_address_ns) events.push_back({f.parity_address_ns, 0});
    if (f.parity_data_ns) events.push_back({f.parity_data_ns, 1});
    if (f.parity_read_ns) events.push_back({f.parity_read_ns, 2});
    if (f.link_flap_ns) {
        events.push_back({f.link_flap_ns, 3});
        events.push_back({f.link_flap_ns + f.link_down_for_ns, 4});
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.ns < b.ns; });
    for (const Event& e : events) {
        const sc_time at(static_cast<double>(e.ns), SC_NS);
        if (at > sc_time_stamp()) wait(at - sc_time_stamp());
        switch (e.what) {
            case 0:
                dut().nic.master().faults().bad_address_parity = true;  // parity faults: pin only (validate())
                break;
            case 1:
                dut().nic.master().faults().bad_data_parity = true;
                break;
            case 2:
                dut().host.bridge.target().faults().bad_read_parity = true;
                break;
            case 3:
                m_wire.set_link_up(false);
                break;
            case 4:
                m_wire.set_link_up(true);
                m_link_up_frames = m_wire.stats(true).frames + m_wire.stats(false).frames;
                m_link_up_lost = m_wire.stats(true).link_down + m_wire.stats(false).link_down;
                m_link_restored = true;
                break;
        }
    }
}

std::vector<std::string> expected_fault_reports(const FaultConfig& f) {
    std::vector<std::string> t;
    if (f.target_abort || f.master_abort) {
        t.push_back("nicsim/host/bridge-fault");
        t.push_back("nicsim/nic/dma-bus-error");
    }
    if (f.parity_address_ns || f.parity_data_ns || f.parity_read_ns) {
        t.push_back("nicsim/host/bridge-parity");
        t.push_back("nicsim/nic/parity");
        t.push_back("nicsim/pci/monitor/rule9-parity");
        t.push_back("nicsim/nic/dma-bus-error");
    }
    return t;
}

net::WireSink& SystemTop::dut_wire_sink() {
    return m_detail ? m_detail->nic_sink() : m_wire.end_a();
}

Machine& SystemTop::dut() {
    if (Machine* pin = m_dut->pin()) return *pin;
    throw std::logic_error("SystemTop::dut(): no pin-level machine with --bus-model tlm (use machine())");
}

SystemTop::~SystemTop() {
    close_outputs();
}

bool SystemTop::finished() const {
    if (!m_dut->traffic_done()) return false;
    if (m_partner && !m_partner->traffic_done()) return false;
    if (m_peer && !m_peer->done()) return false;
    if (m_pcap_in && !m_pcap_in->done()) return false;
    return true;
}

void SystemTop::open_pcap_gate() {
    if (!m_dut->driver_up()) wait(m_dut->driver_up_event());
    m_pcap_gate->release(static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9));
}

void SystemTop::watch() {
    // The run ends when every program has finished and the wire has gone quiet. A send completes when the NIC has
    // read its buffers, so the frames (an LSO packet's segments) may still be leaving: wait until every frame the
    // far end expects has arrived, or nothing has moved on the wire for kWireQuietNs.
    // The machine's own program ends last in most runs (it waits for what its partner or peer sends): its end
    // wakes this thread; a partner, peer or pcap source still busy then is polled.
    const sc_time poll(10, SC_US);
    if (!m_dut->traffic_done()) wait(m_dut->done_event());
    while (!finished()) wait(poll);
    wait(sc_time(20, SC_US));
    Scoreboard& far = m_partner ? m_partner->rx_board() : m_peer->tx_board();
    uint64_t frames = m_wire.stats(true).frames + m_wire.stats(false).frames;
    sc_time quiet = SC_ZERO_TIME;
    while (far.missing() != 0 && quiet < sc_time(static_cast<double>(kWireQuietNs), SC_NS)) {
        wait(poll);
        const uint64_t now = m_wire.stats(true).frames + m_wire.stats(false).frames;
        quiet = now == frames ? quiet + poll : SC_ZERO_TIME;
        frames = now;
    }
    sc_stop();
}

void SystemTop::attach_outputs(std::FILE* vcd, std::FILE* pcap, const std::string& fst) {
    if (pcap) {
        m_pcap_out = std::make_unique<wire::PcapWriter>();
        m_pcap_out->open(pcap, m_cfg.pcap_out);  // a header that cannot be written is reported by pcap_error()
        m_wire.set_tap(m_pcap_out.get());
    }
    if (!fst.empty())
        m_tracer = std::make_unique<Tracer>(fst, Tracer::Writer::Fst);
    else if (vcd)
        m_tracer = std::make_unique<Tracer>(vcd, m_cfg.vcd);
    if (!m_tracer || !m_tracer->on()) return;
    m_dut->trace(m_tracer->file());
    if (m_partner) m_partner->trace(m_tracer->file());
    if (m_detail) m_detail->set_tracer(m_tracer.get());
    if (traced_nic_parts() & nic::kTraceMac) m_wire.trace(m_tracer->file());
}

unsigned SystemTop::traced_nic_parts() const {
    return m_dut->config().trace_nic;
}

bool SystemTop::first_address_phase(sc_time& at) const {
    const Machine* pin = m_dut->pin();
    return pin && pin->bus.first_address_phase(at);
}

void SystemTop::close_outputs() {
    m_wire.settle();  // the pcap records every frame delivered by now
    if (m_pcap_out) m_pcap_out->close();
    m_tracer.reset();  // writes the VCD's last time stamp into its stream; completes the FST
}

}  // namespace nicsim::tb
