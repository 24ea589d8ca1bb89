#include "testbench/machine/traffic_harness.h"

#include <cstring>

#include "model/common/le_bytes.h"
#include "model/common/sim_now.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/seeded_bytes.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {
constexpr uint8_t kPeerMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
// The program waits on the event its send-complete and receive handlers signal, and on its periodic timer.
constexpr uint64_t kTickNs = 100'000;

}  // namespace

TrafficHarness::TrafficHarness(sc_module_name name, const HarnessConfig& cfg, MachineBase& machine)
    : sc_module(name), m_cfg(cfg), m_nic(machine.nic_device()) {
    if (m_cfg.frame_size < 22) m_cfg.frame_size = 22;
    if (m_cfg.window == 0) m_cfg.window = 1;
    install_program(machine, [this](hostdrv::HostPlatform& hp) { program(hp); });
    m_nic.set_wire(this);
    SC_THREAD(inject);
}

TrafficHarness::~TrafficHarness() = default;

std::vector<uint8_t> TrafficHarness::make_frame(uint64_t seed, uint8_t dir, uint64_t index, uint32_t size,
                                                const uint8_t dst[6], const uint8_t src[6]) {
    std::vector<uint8_t> f;
    make_frame_into(f, seed, dir, index, size, dst, src);
    return f;
}

void TrafficHarness::make_frame_into(std::vector<uint8_t>& f, uint64_t seed, uint8_t dir, uint64_t index, uint32_t size,
                                     const uint8_t dst[6], const uint8_t src[6]) {
    const size_t n = size < 22 ? 22 : size;
    f.resize(n);  // every byte is written below; a reused vector of the same size is not touched
    // Through a local pointer and length: a byte store may alias the vector's own pointers, so the compiler would
    // otherwise reload them after every store.
    uint8_t* const p = f.data();
    std::memcpy(p, dst, 6);
    std::memcpy(p + 6, src, 6);
    p[12] = 0x88;
    p[13] = 0xB5;
    store_le64(p + 14, index);
    uint64_t state = seed ^ (static_cast<uint64_t>(dir) << 56) ^ (index * 0xD1B54A32D192ED03ull);
    splitmix64_bytes(state, p + 22, n - 22);
}

void TrafficHarness::transmit(const net::Frame& frame) {
    ++m_tx_frames;
    if (!m_cfg.keep_frames) return;
    const size_t n = frame.fcs_included && frame.bytes.size() >= 4 ? frame.bytes.size() - 4 : frame.bytes.size();
    m_transmitted.emplace_back(frame.bytes.begin(), frame.bytes.begin() + static_cast<std::ptrdiff_t>(n));
}

void TrafficHarness::program(hostdrv::HostPlatform& hp) {
    DriverSettings s;  // the miniport's registry defaults, and the configuration's values
    for (const auto& [key, value] : m_cfg.registry) s.registry.emplace_back(key, value);
    s.host.pci_device = m_nic.device_number();
    s.host.pages.seed = m_cfg.seed;
    const NDIS_STATUS st = bring_up_driver(hp, s, m_ndis);
    if (st != NDIS_STATUS_SUCCESS) {
        m_failure = driver_failure(st);
        m_done = true;
        m_done_event.notify(SC_ZERO_TIME);
        return;
    }
    m_up = true;
    m_up_event.notify(SC_ZERO_TIME);
    const uint8_t* own = m_nic.params().mac;
    uint64_t sent = 0;
    for (;;) {
        while (sent < m_cfg.tx_packets && m_ndis->sends_outstanding() < m_cfg.window) {
            make_frame_into(m_tx_frame, m_cfg.seed, 1, sent, m_cfg.frame_size, kPeerMac, own);
            m_ndis->send(m_tx_frame);
            ++sent;
        }
        if (!m_cfg.keep_frames) {  // counts only: memory flat, and the taken frames' storage is reused for the next
            m_ndis->take_received(m_taken);
            m_dropped_received += m_taken.size();
        }
        if (sent >= m_cfg.tx_packets && m_ndis->sends_outstanding() == 0 && received() >= m_cfg.rx_packets) break;
        m_ndis->run_until_work_ns(kTickNs - hp.now_ns() % kTickNs);
    }
    m_done = true;
    m_done_event.notify(SC_ZERO_TIME);
}

void TrafficHarness::inject() {
    if (m_cfg.rx_packets == 0) return;
    if (!m_up) wait(m_up_event);
    const uint32_t mbps = m_nic.params().link_mbps;
    const double bit_ns = 1000.0 / mbps;
    // At 10, 100 and 1000 Mb/s a bit is whole nanoseconds: the gap is built from integers, the same time.
    const uint64_t whole_bit_ns = 1000 % mbps == 0 ? 1000 / mbps : 0;
    net::Frame f;  // one frame's storage for every injected frame (the NIC copies what it receives)
    f.fcs_included = false;
    for (uint64_t i = 0; i < m_cfg.rx_packets; ++i) {
        make_frame_into(f.bytes, m_cfg.seed, 0, i, m_cfg.frame_size, m_nic.params().mac, kPeerMac);
        f.time_ns = sim_now_ns();
        const size_t wire_bytes = f.bytes.size() + 4 + 8 + 12;  // FCS, preamble and SFD, inter-frame gap
        m_nic.receive(f);
        ++m_injected;
        wait(whole_bit_ns ? time_from_ns(wire_bytes * 8 * whole_bit_ns)
                          : sc_time(static_cast<double>(wire_bytes * 8) * bit_ns, SC_NS));
    }
}

}  // namespace nicsim::tb
