#include "system_top.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

#include "hostdrv/miniport/e1000_miniport.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {

constexpr Mac kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr uint32_t kLsoMss = 1460;
constexpr size_t kSendWindow = 64;          // packets the protocol keeps outstanding
constexpr uint64_t kPollNs = 2'000;         // how often the protocol looks at completions
constexpr uint64_t kRxQuietNs = 1'000'000;  // after the peer is done, give up waiting for RX after this much quiet
constexpr uint64_t kWireQuietNs = 200'000;  // at the end, give up waiting for transmitted frames after this much quiet

pci::BusConfig bus_config(const RunConfig& c) {
    pci::BusConfig b;
    b.width_bits = c.bus_width;
    b.clock_mhz = c.bus_mhz;
    return b;
}

host::HostSystemParams host_params(const RunConfig& c) {
    host::HostSystemParams p;
    p.bridge.read_latency = c.mem_latency;
    p.verify_dma = true;
    return p;
}

nic::NicParams make_nic_params(const RunConfig& c, uint8_t last_mac_byte) {
    nic::NicParams p;
    p.dma_address_bits = c.dma_bits;
    p.max_transfer = c.max_transfer;
    p.link_mbps = c.link_mbps;
    p.mac[5] = last_mac_byte;
    return p;
}

fast::FastMachineParams fast_params(const RunConfig& c, const nic::NicParams& nic) {
    fast::FastMachineParams p;
    p.bus = bus_config(c);
    p.nic = nic;
    p.mem_latency = c.mem_latency;
    p.verify_dma = true;
    return p;
}

ndis::Placement to_ndis(Placement p) {
    switch (p) {
        case Placement::Low:
            return ndis::Placement::Low;
        case Placement::High:
            return ndis::Placement::High;
        case Placement::Scattered:
            return ndis::Placement::Scattered;
        case Placement::Fragmented:
            return ndis::Placement::Fragmented;
    }
    return ndis::Placement::Low;
}

std::vector<uint8_t> strip_fcs(const nic::Frame& f) {
    std::vector<uint8_t> b = f.bytes;
    if (f.fcs_included && b.size() >= 4) b.resize(b.size() - 4);
    return b;
}

/// Refuse an output path we cannot create, before the run writes anything anywhere.
void check_writable(const char* option, const std::string& path) {
    if (path.empty()) return;
    const std::string probe = path + ".nicsim-probe";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f) throw UsageError(std::string("--") + option + ": cannot write '" + path + "'");
    std::fclose(f);
    std::remove(probe.c_str());
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Machine

MachineBase::MachineBase(sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner)
    : sc_module(name),
      m_cfg(cfg),
      m_nic_params(make_nic_params(cfg, partner ? 0x57 : 0x56)),
      m_peer_mac(peer_mac),
      m_partner_role(partner),
      m_rx_board(std::string(basename()) + " rx") {}

void MachineBase::install_program(host::HostCpu& cpu) {
    cpu.set_program([this](host::HostPlatform& hp) { program(hp); });
}

Mac MachineBase::mac() const {
    Mac m;
    for (int i = 0; i < 6; ++i) m[i] = m_nic_params.mac[i];
    return m;
}

Machine::Machine(sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner)
    : MachineBase(name, cfg, peer_mac, partner),
      bus("pci", bus_config(cfg)),
      monitor("monitor", bus),
      host("host", bus, host_params(cfg)),
      nic("nic", bus, nic_params()),
      arbiter("arbiter", bus, pci::ArbiterConfig{0, 16}) {
    monitor.set_dac_capable(host.bridge.master_index(), true);
    monitor.set_dac_capable(nic.master().master_index(), cfg.dma_bits == 64);
    if (!partner && cfg.faults.any()) {
        host::HostBridgeFaults f;
        f.retry = cfg.faults.retry;
        f.disconnect = cfg.faults.disconnect;
        f.latency_spike = cfg.faults.latency_spike;
        f.spike_clocks = cfg.faults.spike_clocks;
        f.target_abort_at = cfg.faults.target_abort_at;
        f.master_abort_at = cfg.faults.master_abort_at;
        f.seed = cfg.seed ^ 0xFA017u;
        host.bridge.set_faults(f);
    }
    install_program(host.cpu);
}

TlmMachine::TlmMachine(sc_module_name name, const RunConfig& cfg, const Mac& peer_mac, bool partner)
    : MachineBase(name, cfg, peer_mac, partner), fast("tlm", fast_params(cfg, nic_params())) {
    // Faults on the host bridge or the bus lines are refused for tlm by validate(); the others act on the wire,
    // the peer or the driver and need nothing here.
    install_program(fast.cpu);
}

void MachineBase::drain_received() {
    // Taken, not just read: the NDIS host forgets what the protocol has consumed, so long runs stay flat.
    for (const ndis::ReceivedFrame& f : m_ndis->take_received()) {
        ++m_received;
        m_received_bytes += f.bytes.size();
        if (m_check_rx) m_rx_board.observe(f.bytes.data(), f.bytes.size());
        if (m_reset_end_ns) ++m_rx_after_reset;
    }
}

void MachineBase::program(host::HostPlatform& hp) {
    ndis::NdisHostConfig hc;
    hc.pci_device = nic_device().device_number();
    hc.buffer_placement = to_ndis(m_cfg.placement);
    hc.shared_placement = to_ndis(m_cfg.placement);
    hc.map_register_grant_limit = m_cfg.map_registers;
    hc.pages.seed = m_cfg.seed;
    m_ndis = std::make_unique<ndis::NdisHost>(hp, hc);
    m_ndis->set_report_sink(
        [](const std::string& type, const std::string& message) { SC_REPORT_WARNING(type.c_str(), message.c_str()); });
    m_ndis->set_config(miniport::kKeyDmaAddressBits, m_cfg.dma_bits);
    m_ndis->set_config(miniport::kKeyMaximumPhysicalMapping, m_cfg.max_physical_mapping);
    if (m_cfg.lso) m_ndis->set_config(miniport::kKeyLsoMaxSize, m_cfg.lso);

    NDIS_STATUS st = m_ndis->load_driver(NicsimE1000DriverEntry);
    if (st == NDIS_STATUS_SUCCESS) st = m_ndis->initialize();
    if (st != NDIS_STATUS_SUCCESS) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "driver initialisation failed with NDIS status 0x%08X", unsigned(st));
        m_failure = buf;
        m_traffic_done = true;
        return;
    }
    m_map_registers = m_ndis->map_registers_reserved();
    m_driver_up = true;
    m_up_event.notify(SC_ZERO_TIME);

    const bool sends = m_partner_role ? m_cfg.direction != Direction::Tx : m_cfg.direction != Direction::Rx;
    const uint64_t to_send = sends ? m_cfg.packets : 0;
    TrafficGen gen(m_cfg.seed, m_partner_role ? 2 : 1, m_cfg.size, m_peer_mac, mac());
    Rng frag_rng(m_cfg.seed ^ 0xF4A6u);
    std::map<uint64_t, uint64_t> seq_of;  // send id -> traffic sequence
    uint64_t last_progress = 0, quiet_since = hp.now_ns();

    for (;;) {
        while (m_sent < to_send && m_ndis->sends_outstanding() < kSendWindow) {
            std::vector<uint8_t> frame;
            ndis::SendLayout layout;
            const uint64_t seq = m_sent;
            if (m_cfg.lso) {
                frame = make_tcp_frame(m_cfg.seed, seq, m_cfg.lso, m_peer_mac, mac());
                layout.lso_mss = kLsoMss;
                m_tx_board->expect_segmented(seq, frame);
            } else {
                frame = gen.next();
                m_tx_board->expect(frame);
            }
            layout.fragments = fragment_layout(frag_rng, static_cast<uint32_t>(frame.size()), m_cfg.fragments);
            // The HAL reserved BYTES_TO_PAGES(MaximumPhysicalMapping) + 1 map registers: a send spanning more pages
            // would be refused, so the protocol merges buffers until the layout fits.
            if (fit_map_registers(layout.fragments, layout.page_offset, map_registers_for(m_cfg.max_physical_mapping)))
                ++m_layouts_merged;
            layout.fragments.pop_back();  // the last buffer takes the rest
            seq_of[m_ndis->send(frame, layout)] = seq;
            ++m_sent;
            m_sent_bytes += frame.size();
        }
        if (m_cfg.faults.reset_at_ns && !m_partner_role && m_reset_start_ns == 0 &&
            hp.now_ns() >= m_cfg.faults.reset_at_ns) {
            // Driver reset in the middle of traffic: outstanding sends complete or fail with a status below.
            m_reset_start_ns = hp.now_ns();
            m_reset_status = m_ndis->reset();
            m_reset_end_ns = hp.now_ns();
            m_sent_at_reset = m_sent;
        }
        for (const ndis::SendResult& res : m_ndis->take_send_results()) {
            const auto it = seq_of.find(res.id);
            if (it == seq_of.end()) continue;
            if (m_reset_end_ns && res.status == NDIS_STATUS_SUCCESS) ++m_tx_after_reset;
            if (res.status != NDIS_STATUS_SUCCESS) {
                if (m_sends_refused++ == 0) m_first_refusal = res.status;
                m_tx_board->withdraw(it->second);
            }
            seq_of.erase(it);
        }
        drain_received();

        // Sends complete when the NIC has read the buffers; the frames may still be in its FIFO or on the wire, and
        // halting would reset them away. So wait until both scoreboards stop expecting frames (or stop moving).
        const uint64_t now = hp.now_ns();
        const uint64_t progress = m_rx_board.counts().matched + m_rx_board.counts().corrupted +
                                  m_tx_board->counts().matched + m_tx_board->counts().corrupted +
                                  m_tx_board->counts().segments + m_received;
        const bool tx_done = m_sent >= to_send && m_ndis->sends_outstanding() == 0;
        if (progress != last_progress || !tx_done) {  // the quiet clock starts once every send has completed
            last_progress = progress;
            quiet_since = now;
        }
        const bool rx_done = rx_expected_total == 0 || m_rx_board.counts().expected >= rx_expected_total;
        // Frames from a pcap file are not expected one by one: wait until the file is played and receive is quiet.
        const bool all_arrived = m_rx_board.missing() == 0 && m_tx_board->missing() == 0 && !m_rx_source_done;
        const bool source_done = !m_rx_source_done || m_rx_source_done();
        if (tx_done && rx_done && source_done && (all_arrived || now - quiet_since > kRxQuietNs)) break;
        m_ndis->run_for_ns(kPollNs);
    }
    m_ndis->halt();  // MiniportHalt quiesces DMA first: the run ends only after it returned
    m_traffic_done = true;
}

// ---------------------------------------------------------------------------------------------------------------
// Peer

Peer::Peer(sc_module_name name, const RunConfig& cfg, wire::Wire& wire, MachineBase& dut)
    : sc_module(name), m_cfg(cfg), m_wire(wire), m_dut(dut) {
    SC_THREAD(inject);
}

void Peer::receive(const nic::Frame& frame) {
    const std::vector<uint8_t> b = strip_fcs(frame);
    m_tx_board.observe(b.data(), b.size());
}

void Peer::inject() {
    if (m_cfg.direction == Direction::Tx || m_cfg.packets == 0 || !m_cfg.pcap_in.empty()) {
        m_done = true;
        return;
    }
    if (!m_dut.driver_up()) wait(m_dut.driver_up_event());
    TrafficGen gen(m_cfg.seed, 0, m_cfg.size, m_dut.mac(), kPeerMac);
    const double bit_ns = 1000.0 / m_cfg.link_mbps;
    for (uint64_t i = 0; i < m_cfg.packets; ++i) {
        nic::Frame f;
        f.bytes = gen.next();
        f.fcs_included = false;
        f.time_ns = static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9);
        m_dut.rx_board().expect(f.bytes);
        if (m_cfg.faults.reset_at_ns) m_inject_ns.push_back(f.time_ns);
        ++m_injected;
        if (m_cfg.faults.rx_flood && i < m_cfg.packets / 2) {
            // The first half straight into the NIC, faster than any wire: its FIFO and ring overrun (RXO/MPC).
            m_dut.nic_device().receive(f);
            wait(sc_time(100, SC_NS));
            continue;
        }
        m_wire.end_b().transmit(f);
        wait(sc_time(static_cast<double>(m_wire.duration_ns(f)) + 96 * bit_ns, SC_NS));
    }
    m_done = true;
}

uint64_t Peer::injected_between(uint64_t from_ns, uint64_t to_ns) const {
    uint64_t n = 0;
    for (uint64_t t : m_inject_ns) n += t >= from_ns && t <= to_ns;
    return n;
}

// ---------------------------------------------------------------------------------------------------------------
// SystemTop

SystemTop::SystemTop(sc_module_name name, const RunConfig& cfg)
    : sc_module(name), m_cfg(cfg), m_wire("wire", cfg.link_mbps) {
    // Inputs are checked and outputs probed before anything is written, so bad input leaves no files behind.
    if (!m_cfg.pcap_in.empty()) {
        wire::PcapReader r;
        if (!r.open(m_cfg.pcap_in)) throw UsageError("--pcap-in: " + r.error());
        wire::PcapRecord rec;
        while (r.next(rec)) {
        }
        if (!r.error().empty()) throw UsageError("--pcap-in: " + r.error());
    }
    check_writable("vcd", m_cfg.vcd);
    check_writable("pcap-out", m_cfg.pcap_out);
    check_writable("stats-json", m_cfg.stats_json);

    auto make_machine = [this](const char* who, const Mac& peer, bool partner) -> std::unique_ptr<MachineBase> {
        if (m_cfg.bus_model == BusModel::Tlm) return std::make_unique<TlmMachine>(who, m_cfg, peer, partner);
        return std::make_unique<Machine>(who, m_cfg, peer, partner);
    };
    m_dut = make_machine("dut", kPeerMac, false);
    m_dut->set_check_rx(m_cfg.pcap_in.empty());  // frames from a pcap are not ours to check byte for byte
    if (m_cfg.back_to_back) {
        m_partner = make_machine("partner", m_dut->mac(), true);
        m_dut->set_peer_mac(m_partner->mac());
        m_dut->set_tx_board(&m_partner->rx_board());
        m_partner->set_tx_board(&m_dut->rx_board());
        m_dut->rx_expected_total = m_cfg.direction == Direction::Tx ? 0 : m_cfg.packets;
        m_partner->rx_expected_total = m_cfg.direction == Direction::Rx ? 0 : m_cfg.packets;
        m_dut->nic_device().set_wire(&m_wire.end_a());
        m_partner->nic_device().set_wire(&m_wire.end_b());
        m_wire.connect_a([this](const nic::Frame& f) { m_dut->nic_device().receive(f); });
        m_wire.connect_b([this](const nic::Frame& f) { m_partner->nic_device().receive(f); });
    } else {
        m_peer = std::make_unique<Peer>("peer", m_cfg, m_wire, *m_dut);
        m_dut->set_tx_board(&m_peer->tx_board());
        m_dut->rx_expected_total = (m_cfg.direction == Direction::Tx || !m_cfg.pcap_in.empty()) ? 0 : m_cfg.packets;
        m_dut->nic_device().set_wire(&m_wire.end_a());
        m_wire.connect_a([this](const nic::Frame& f) { m_dut->nic_device().receive(f); });
        m_wire.connect_b([this](const nic::Frame& f) { m_peer->receive(f); });
        m_wire.on_link_change_a([this](bool up) { m_dut->nic_device().set_link(up); });
        if (!m_cfg.pcap_in.empty()) {
            m_pcap_gate = std::make_unique<HoldUntilDriverUp>(m_wire.end_b());
            m_pcap_in = std::make_unique<wire::PcapSource>("pcap_in", m_cfg.pcap_in, *m_pcap_gate, m_cfg.link_mbps);
            SC_THREAD(open_pcap_gate);
            m_dut->set_rx_source_done([this] { return m_pcap_in->done() && m_pcap_gate->is_open(); });
        }
    }

    if (!m_cfg.pcap_out.empty()) {
        m_pcap_out = std::make_unique<wire::PcapWriter>();
        if (!m_pcap_out->open(m_cfg.pcap_out)) throw UsageError("--pcap-out: " + m_pcap_out->error());
        m_wire.set_tap(m_pcap_out.get());
    }
    if (!m_cfg.vcd.empty()) {
        m_tracer = std::make_unique<Tracer>(m_cfg.vcd);
        // The bus lines exist only on the pin-level bus (validate() refuses --trace bus with an explicit --vcd in
        // tlm mode, and without one main leaves the VCD off); the NIC's internals are traced on either.
        if (Machine* pin = m_dut->pin()) pin->bus.trace(m_tracer->file());
        const std::string& t = m_cfg.trace;
        const bool all = t.find("all") != std::string::npos;
        unsigned what = 0;  // the NIC's internal state beside the bus, as asked (traces/nic_*.gtkw show it)
        if (all || t.find("dma") != std::string::npos) what |= nic::kTraceDma;
        if (all || t.find("desc") != std::string::npos) what |= nic::kTraceDesc;
        if (all || t.find("mac") != std::string::npos) what |= nic::kTraceMac;
        if (what) m_dut->nic_device().trace(m_tracer->file(), "nic", what);
        if (what && m_partner) m_partner->nic_device().trace(m_tracer->file(), "partner_nic", what);
        if (what & nic::kTraceMac) m_wire.trace(m_tracer->file());
    }
    SC_THREAD(watch);
    const FaultConfig& f = m_cfg.faults;
    if (f.parity_address_ns || f.parity_data_ns || f.parity_read_ns || f.link_flap_ns) SC_THREAD(timed_faults);
}

void SystemTop::timed_faults() {
    // The timed faults in time order; each is a one-shot hook of the engine or the wire.
    const FaultConfig& f = m_cfg.faults;
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
        events.push_back({f.link_flap_ns + f.link_down_ns, 4});
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
    if (f.target_abort_at || f.master_abort_at) {
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

void HoldUntilDriverUp::transmit(const nic::Frame& frame) {
    if (m_open) {
        m_target.transmit(frame);
        return;
    }
    m_held.push_back(frame);
    ++m_held_total;
}

void HoldUntilDriverUp::release(uint64_t now_ns) {
    m_open = true;
    for (nic::Frame& f : m_held) {
        f.time_ns = now_ns;  // the wire sends them back to back from now, in their order
        m_target.transmit(f);
    }
    m_held.clear();
    m_held.shrink_to_fit();
}

void SystemTop::open_pcap_gate() {
    if (!m_dut->driver_up()) wait(m_dut->driver_up_event());
    m_pcap_gate->release(static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9));
}

void SystemTop::watch() {
    // The run ends when every program has finished and the wire has gone quiet. A send completes when the NIC has
    // read its buffers, so the frames (an LSO packet's segments) may still be leaving: wait until every frame the
    // far end expects has arrived, or nothing has moved on the wire for kWireQuietNs.
    const sc_time poll(10, SC_US);
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

void SystemTop::close_outputs() {
    if (m_pcap_out) m_pcap_out->close();
    if (m_tracer) {
        m_tracer.reset();
        normalize_vcd_date(m_cfg.vcd);
    }
}

bool normalize_vcd_date(const std::string& path) {
    // SystemC writes the wall-clock date into the VCD header; overwrite it in place with a fixed text of the same
    // length, so two runs of one seed give byte-identical files without rewriting a large trace.
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    if (!f) return false;
    char head[256];
    const size_t n = std::fread(head, 1, sizeof head, f);
    const std::string h(head, n);
    const size_t start = h.rfind("$date\n", 0) == 0 ? 6 : std::string::npos;
    const size_t end = start == std::string::npos ? start : h.find("\n$end", start);
    bool ok = false;
    if (end != std::string::npos) {
        std::string fixed = "     no date (reproducible)";
        fixed.resize(end - start, ' ');
        ok = std::fseek(f, static_cast<long>(start), SEEK_SET) == 0 &&
             std::fwrite(fixed.data(), 1, fixed.size(), f) == fixed.size();
    }
    return std::fclose(f) == 0 && ok;
}

}  // namespace nicsim::tb
