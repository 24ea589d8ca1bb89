#include "model/fast/fast_bridge.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "model/common/hex.h"
#include "model/common/sim_now.h"
#include "model/host/pci_tlm.h"

namespace nicsim::fast {

using namespace sc_core;

namespace {
constexpr unsigned kMaxWaits = 16;  // wait states accepted from a device before the request fails (as a retry)

// The CPU's bytes on the byte lanes of the data phase (byte i of the request on lane shift + i) and back. The driver's
// register accesses are whole aligned dwords: one load or store on a little-endian host.
uint64_t lanes_from_bytes(const uint8_t* data, unsigned shift, uint32_t len) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        if (shift == 0 && len == 4) {
            uint32_t w;
            std::memcpy(&w, data, 4);
            return w;
        }
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < len; ++i) v |= static_cast<uint64_t>(data[i]) << (8 * (shift + i));
    return v;
}

void bytes_from_lanes(uint64_t v, unsigned shift, uint32_t len, uint8_t* data) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        if (shift == 0 && len == 4) {
            const auto w = static_cast<uint32_t>(v);
            std::memcpy(data, &w, 4);
            return;
        }
    }
    for (unsigned i = 0; i < len; ++i) data[i] = static_cast<uint8_t>(v >> (8 * (shift + i)));
}
}  // namespace

FastBridge::FastBridge(sc_module_name name, const FastBridgeParams& params, const pci::PciBus* bus,
                       BusTimeline* timeline)
    : sc_module(name),
      cpu_mem("cpu_mem"),
      cpu_io("cpu_io"),
      cpu_cfg("cpu_cfg"),
      m_params(params),
      m_bus(bus),
      m_own_timeline(sc_time(params.clock_ns, SC_NS)),
      m_timeline(timeline ? timeline : &m_own_timeline),
      m_clock(params.clock_ns, SC_NS) {
    cpu_mem.register_b_transport(this, &FastBridge::mem_transport);
    cpu_io.register_b_transport(this, &FastBridge::io_transport);
    cpu_cfg.register_b_transport(this, &FastBridge::cfg_transport);
}

void FastBridge::add_device(unsigned device, pci::TargetClient& client) {
    m_devices.push_back(Device{device, &client});
}

bool FastBridge::request_ok(Space space, tlm::tlm_generic_payload& gp) {
    const uint32_t len = gp.get_data_length();
    const uint64_t a = gp.get_address();
    const char* why = host::cpu_request_problem(gp, space == Space::Mem, space == Space::Cfg, 4);
    if (!why) return true;
    ++m_stats.errors;
    SC_REPORT_WARNING("nicsim/fast/cpu-request",
                      ("CPU request of " + std::to_string(len) + " bytes at " + hex(a) + " refused: " + why).c_str());
    return false;
}

void FastBridge::transport(Space space, tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (!request_ok(space, gp)) return;
    if (m_bus)
        while (!m_bus->lines().rst_n) wait(m_bus->reset_released_event());  // no cycle runs while RST# is asserted
    const bool write = gp.is_write();
    take_bus_time(write, delay);
    unsigned device = ~0u;
    pci::TargetAccess acc = address_phase(space, gp, device);
    pci::TargetClient* target = claim(space, acc, device);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    if (!target) {
        master_abort(space, gp, acc);
        return;
    }
    const pci::TargetReply reply = data_phase(*target, acc, gp, delay);
    if (reply == pci::TargetReply::Data || reply == pci::TargetReply::Disconnect) return;
    ++m_stats.errors;
    const uint32_t len = gp.get_data_length();
    if (!write) std::fill(gp.get_data_ptr(), gp.get_data_ptr() + len, uint8_t(0xFF));
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    SC_REPORT_WARNING("nicsim/fast/target-retry",
                      (std::string(pci::cmd_name(acc.cmd)) + " of " + std::to_string(len) + " bytes at " +
                       hex(gp.get_address()) + ": the device refused the data phase")
                          .c_str());
}

void FastBridge::take_bus_time(bool write, sc_time& delay) {
    // The cycle asks at the CPU's (possibly decoupled) local time. A write's master samples PERR# one clock after the
    // bus is free again (PCI Local Bus Specification 2.3, section 3.7.4.1): the bus is the NIC's for that clock.
    const uint64_t done = write ? m_params.write_clocks : m_params.read_clocks;
    delay = m_timeline->occupy(sim_now() + delay, write ? done - 1 : done, done) - sim_now();
}

// The access a PCI target would decode from the cycle's address phase; `device` is the configuration slot.
pci::TargetAccess FastBridge::address_phase(Space space, const tlm::tlm_generic_payload& gp, unsigned& device) {
    const bool write = gp.is_write();
    const uint64_t a = gp.get_address();
    pci::TargetAccess acc;
    acc.byte_enables = static_cast<uint8_t>(((1u << gp.get_data_length()) - 1u) << (a & 3u));
    switch (space) {
        case Space::Mem:
            acc.cmd = write ? pci::Cmd::MemWrite : pci::Cmd::MemRead;
            acc.addr = a & ~uint64_t(3);
            ++m_stats.mem_cycles;
            break;
        case Space::Io:
            acc.cmd = write ? pci::Cmd::IoWrite : pci::Cmd::IoRead;
            acc.addr = a & 0xFFFFFFFCull;
            ++m_stats.io_cycles;
            break;
        case Space::Cfg:
            acc.cmd = write ? pci::Cmd::ConfigWrite : pci::Cmd::ConfigRead;
            acc.addr = a & 0x7FCu;  // function << 8 | dword register offset
            device = static_cast<unsigned>(a >> 11) & 0x1F;
            ++m_stats.cfg_cycles;
            break;
    }
    return acc;
}

pci::TargetClient* FastBridge::claim(Space space, pci::TargetAccess& acc, unsigned device) {
    for (const Device& d : m_devices) {
        acc.idsel = space == Space::Cfg && d.number == device;
        if (d.client->target_claim(acc)) return d.client;
    }
    return nullptr;
}

void FastBridge::master_abort(Space space, tlm::tlm_generic_payload& gp, const pci::TargetAccess& acc) {
    ++m_stats.master_aborts;
    const uint32_t len = gp.get_data_length();
    if (!gp.is_write()) std::fill(gp.get_data_ptr(), gp.get_data_ptr() + len, uint8_t(0xFF));  // all ones, as on a PC
    if (space == Space::Cfg) return;  // an empty configuration slot is normal during enumeration
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    SC_REPORT_WARNING("nicsim/fast/master-abort",
                      (std::string(pci::cmd_name(acc.cmd)) + " of " + std::to_string(len) + " bytes at " +
                       hex(gp.get_address()) + ": no target claimed it (master abort)")
                          .c_str());
}

// The one data phase, asked again (one clock each) while the device inserts wait states.
pci::TargetReply FastBridge::data_phase(pci::TargetClient& target, const pci::TargetAccess& acc,
                                        tlm::tlm_generic_payload& gp, sc_time& delay) {
    const uint32_t len = gp.get_data_length();
    const unsigned shift = static_cast<unsigned>(gp.get_address() & 3u);
    uint8_t* data = gp.get_data_ptr();
    pci::TargetReply reply;
    uint64_t v = 0;
    if (gp.is_write()) {
        v = lanes_from_bytes(data, shift, len);
        reply = target.target_write_ready(acc);
        for (unsigned tries = 0; reply == pci::TargetReply::Wait && tries < kMaxWaits; ++tries) {
            delay += m_clock;
            reply = target.target_write_ready(acc);
        }
        if (reply == pci::TargetReply::Data || reply == pci::TargetReply::Disconnect)
            target.target_write(acc, v, acc.byte_enables);
        return reply;
    }
    reply = target.target_read(acc, v);
    for (unsigned tries = 0; reply == pci::TargetReply::Wait && tries < kMaxWaits; ++tries) {
        delay += m_clock;
        reply = target.target_read(acc, v);
    }
    if (reply == pci::TargetReply::Data || reply == pci::TargetReply::Disconnect) bytes_from_lanes(v, shift, len, data);
    return reply;
}

}  // namespace nicsim::fast
