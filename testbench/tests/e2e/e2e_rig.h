// The end-to-end rig: the pin-level machine nicsim runs (build_machine: PCI bus with the protocol monitor, arbiter,
// host bridge, host memory behind the DMA verifier, host CPU, the 82540EM model) with the test's own CPU program in
// place of the run's traffic program, and the wire with a peer at its other end (the peer records what the NIC
// transmits and injects frames the NIC receives). The CPU program brings the driver up with start_driver
// (bring_up_driver). Built by each test case (one elaboration per process).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hostdrv/miniport/e1000_miniport.h"
#include "hostdrv/ndis/ndis_host.h"
#include "model/nic/e1000_regs.h"
#include "model/wire/wire.h"
#include "testbench/machine/driver_bringup.h"
#include "testbench/machine/machine.h"

namespace nicsim::e2e {

/// What a test chooses about the system.
struct RigOptions {
    unsigned dma_address_bits = 64;                  ///< the NIC's DMA address capability (and the driver's)
    ndis::Placement buffers = ndis::Placement::Low;  ///< physical pages of the protocol's packet buffers
    ndis::Placement shared = ndis::Placement::Low;   ///< physical pages of shared memory
    uint32_t lso_max_size = 0;                       ///< driver LsoMaxSize (0: MaximumPhysicalMapping 1514)
    uint32_t tx_ring = 0;                            ///< driver TxRingSize (0: default)
    uint32_t rx_ring = 0;                            ///< driver RxRingSize (0: default)
    uint32_t nic_max_transfer = 4096;                ///< NIC max_transfer
    bool hold_received = false;                      ///< protocol keeps indicated packets
    uint32_t jumbo_packet = 0;                       ///< driver *JumboPacket (0: not set, 1514)
    uint32_t rx_buffer = 0;                          ///< driver RxBufferSize (0: not set, 2048)
    int32_t itr = -1;                                ///< driver ITR (negative: not set, the driver's default)
};

struct Rig {
    std::unique_ptr<tb::MachineBase> machine;
    tb::Machine& pin;
    pci::PciBus& bus;
    pci::BusMonitor& monitor;
    host::HostMemory& mem;
    host::DmaVerifier& verifier;
    host::HostBridge& bridge;
    host::HostCpu& cpu;
    nic::Nic82540em& nic;
    wire::Wire wire;
    RigOptions opt;
    /// Made by the CPU program (start_driver), inspected after the run; destroyed before the machine it drives.
    std::unique_ptr<ndis::NdisHost> host;
    std::vector<net::Frame> peer_rx;  ///< what the NIC put on the wire, in order
    uint64_t bar0 = 0;                ///< BAR0 as the PnP manager assigned it

    static tb::MachineConfig machine_config(const RigOptions& o) {
        tb::MachineConfig c;
        c.nic.dma_address_bits = o.dma_address_bits;
        c.nic.max_transfer = o.nic_max_transfer;
        c.nic.autoneg_ns = 20'000;  // a link flap's return within a short run, not the 2 s of real hardware
        return c;
    }

    explicit Rig(const RigOptions& o = {})
        : machine(tb::build_machine("dut", machine_config(o))),
          pin(*machine->pin()),
          bus(pin.bus),
          monitor(pin.monitor),
          mem(pin.host.memory),
          verifier(pin.host.verifier),
          bridge(pin.host.bridge),
          cpu(pin.host.cpu),
          nic(pin.nic),
          wire("wire", 1000),
          opt(o) {
        nic.set_wire(&wire.end_a());
        wire.connect_a([this](const net::Frame& f) { nic.receive(f); });
        wire.connect_b([this](const net::Frame& f) { peer_rx.push_back(f); });
        cpu.set_stop_when_done(true);
    }

    /// In the CPU program: the NDIS host with the options' registry, DriverEntry and MiniportInitialize.
    NDIS_STATUS start_driver(hostdrv::HostPlatform& hp, bool initialize = true,
                             const std::function<void(ndis::NdisHostConfig&)>& tweak = {}) {
        tb::DriverSettings s;
        s.host.pci_device = nic.device_number();
        s.host.buffer_placement = opt.buffers;
        s.host.shared_placement = opt.shared;
        s.host.hold_received_packets = opt.hold_received;
        if (tweak) tweak(s.host);
        s.registry.emplace_back(miniport::kKeyDmaAddressBits, opt.dma_address_bits);
        if (opt.lso_max_size) s.registry.emplace_back(miniport::kKeyLsoMaxSize, opt.lso_max_size);
        if (opt.tx_ring) s.registry.emplace_back(miniport::kKeyTxRingSize, opt.tx_ring);
        if (opt.rx_ring) s.registry.emplace_back(miniport::kKeyRxRingSize, opt.rx_ring);
        if (opt.jumbo_packet) s.registry.emplace_back(miniport::kKeyJumboPacket, opt.jumbo_packet);
        if (opt.rx_buffer) s.registry.emplace_back(miniport::kKeyRxBufferSize, opt.rx_buffer);
        if (opt.itr >= 0) s.registry.emplace_back(miniport::kKeyItr, static_cast<ULONG>(opt.itr));
        s.reports = nullptr;   // on stderr: the tests check NdisHost::violations() themselves
        s.initialize = false;  // MiniportInitialize below, then BAR0 as it left it
        const NDIS_STATUS st = tb::bring_up_driver(hp, s, host);
        if (st != NDIS_STATUS_SUCCESS || !initialize) return st;
        const NDIS_STATUS init = host->initialize();
        bar0 = hp.config_read(nic.device_number(), 0x10, 4) & ~0xFull;
        return init;
    }

    /// Register read over the bus (a real memory cycle, for checks).
    uint32_t reg(hostdrv::HostPlatform& hp, uint32_t offset) { return hp.mmio_read(bar0 + offset, 4); }

    /// Lets simulated time pass in the CPU program until `done` or `limit_ns` (timers and interrupts run).
    bool run_until(const std::function<bool()>& done, uint64_t limit_ns = 20'000'000, uint64_t step_ns = 2'000) {
        const uint64_t end = host->platform().now_ns() + limit_ns;
        while (!done()) {
            if (host->platform().now_ns() >= end) return false;
            host->run_for_ns(step_ns);
        }
        return true;
    }

    /// The peer transmits `frame` (no FCS) towards the NIC now.
    void peer_send(const std::vector<uint8_t>& frame) {
        net::Frame f;
        f.bytes = frame;
        f.fcs_included = false;
        f.time_ns = host ? host->platform().now_ns() : 0;
        wire.end_b().transmit(f);
    }

    /// Runs the program in the CPU thread until it returns (or `limit` passes).
    bool run(const std::function<void(hostdrv::HostPlatform&)>& program, const sc_core::sc_time& limit) {
        tb::install_program(*machine, program);
        sc_core::sc_start(limit);
        return cpu.program_done();
    }

    std::string ndis_violations() const {
        std::string s;
        if (host)
            for (const auto& v : host->violations()) s += v.type + ": " + v.message + "\n";
        return s;
    }

    /// The bus monitor, the DMA verifier and the NDIS host's contract checks all saw nothing wrong.
    void no_violations() {
        INFO("bus monitor: " << monitor.summary());
        CHECK(monitor.violations() == 0);
        INFO("DMA verifier: " << verifier.violations() << " refused accesses");
        CHECK(verifier.violations() == 0);
        INFO("NDIS contract: " << ndis_violations());
        CHECK((host && host->violations().empty()));
    }
};

/// The frame bytes the NIC put on the wire, without the FCS it appended.
inline std::vector<uint8_t> wire_payload(const net::Frame& f) {
    std::vector<uint8_t> b = f.bytes;
    if (f.fcs_included && b.size() >= 4) b.resize(b.size() - 4);
    return b;
}

/// A deterministic Ethernet frame of `len` bytes from `src` to `dst` with a pattern body.
inline std::vector<uint8_t> make_frame(size_t len, unsigned seed, const uint8_t* dst, const uint8_t* src) {
    constexpr size_t kHeader = 14;  // destination, source, EtherType
    if (len < kHeader) throw std::invalid_argument("make_frame: shorter than an Ethernet header");
    std::vector<uint8_t> f(dst, dst + 6);
    f.reserve(len);
    f.insert(f.end(), src, src + 6);
    f.push_back(0x88);  // local experimental EtherType 0x88B5
    f.push_back(0xB5);
    for (size_t i = kHeader; i < len; ++i) f.push_back(static_cast<uint8_t>(seed * 31 + i * 7 + (i >> 8)));
    return f;
}

constexpr uint8_t kPeerMac[6] = {0x02, 0x00, 0x00, 0xAA, 0xBB, 0xCC};  // the peer's address
constexpr uint8_t kBroadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

}  // namespace nicsim::e2e
