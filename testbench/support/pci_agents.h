// Test agents built on the real engines: a TestMaster that runs a queue of requests through a PciMasterEngine, a
// TestTarget with a memory/I/O/configuration window behind a PciTargetEngine and scripted faults, and a BusProbe
// that records every address phase (clock, command, address, master) for exact timing checks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

#include <systemc>

#include "model/pci/arbiter.h"
#include "model/pci/bus_monitor.h"
#include "model/pci/master_engine.h"
#include "model/pci/pci_bus.h"
#include "model/pci/target_engine.h"

namespace nicsim::test {

/// One request of a TestMaster and, once done, its outcome.
struct MasterResult {
    pci::MasterRequest rq;
    std::vector<uint8_t> data;  ///< write data, or the bytes read
    bool done = false;
    pci::MasterStatus status = pci::MasterStatus::Ok;
    uint32_t bytes = 0;  ///< bytes_done reported by the engine
    uint64_t done_clock = 0;
};

/// A bus master that runs queued requests back to back (the next starts as soon as the engine can take it).
class TestMaster : public sc_core::sc_module, private pci::MasterClient {
  public:
    TestMaster(sc_core::sc_module_name name, pci::PciBus& bus);

    pci::PciMasterEngine& engine() { return m_engine; }
    pci::MasterConfig& config() { return m_engine.config(); }
    unsigned index() const { return m_engine.master_index(); }
    pci::PciBus& bus() { return m_bus; }

    /// Queue a request; returns its index in results(). Writes copy `bytes`; reads allocate `len` bytes (0xEE).
    size_t write(uint64_t addr, const std::vector<uint8_t>& bytes, pci::Cmd cmd = pci::Cmd::MemWrite,
                 uint32_t idsel = 0);
    size_t read(uint64_t addr, uint32_t len, pci::Cmd cmd = pci::Cmd::MemRead, uint32_t idsel = 0);

    const MasterResult& result(size_t i) const { return m_results.at(i); }
    size_t result_count() const { return m_results.size(); }
    /// Nothing queued, nothing on the bus, every completion reported.
    bool idle() const { return m_next == m_results.size() && !m_engine.busy(); }

  private:
    void clock();
    void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) override;
    size_t queue(pci::Cmd cmd, uint64_t addr, std::vector<uint8_t> data, uint32_t idsel);

    pci::PciBus& m_bus;
    pci::PciMasterEngine m_engine;
    std::deque<MasterResult> m_results;  // stable addresses: the engine points into data
    size_t m_next = 0;                   // first request not started yet
    bool m_sleeping = false;
    sc_core::sc_event m_kick;
};

/// Faults a TestTarget plays, by transaction and data phase.
struct TargetScript {
    unsigned retry_first = 0;           ///< answer Retry to the first N transactions it claims
    unsigned disconnect_after = 0;      ///< K > 0: Disconnect with data on data phase K (K phases per transaction)
    unsigned disconnect_nodata_at = 0;  ///< K > 0: STOP# without TRDY# on data phase K+1 (after K phases)
    uint64_t abort_addr = ~0ull;        ///< target abort on the data phase covering this address
};

/// A target with a memory window (and optional I/O window and configuration space) and scripted faults.
class TestTarget : public sc_core::sc_module, private pci::TargetClient {
  public:
    TestTarget(sc_core::sc_module_name name, pci::PciBus& bus, uint64_t mem_base, uint32_t mem_size,
               const pci::TargetTiming& timing = {});

    pci::PciTargetEngine& engine() { return m_engine; }
    TargetScript& script() { return m_script; }
    /// Claim I/O cycles in [base, base + size).
    void set_io_window(uint32_t base, uint32_t size);
    /// Register an IDSEL line (device number returned) and answer type 0 configuration cycles to function 0.
    unsigned enable_config();

    std::vector<uint8_t> mem;  ///< the memory window's bytes
    std::vector<uint8_t> io;   ///< the I/O window's bytes
    std::vector<uint8_t> cfg;  ///< 256 bytes of configuration space
    uint64_t mem_base;

    struct Claim {
        pci::Cmd cmd;
        uint64_t addr;
        bool wide;
    };
    const std::vector<Claim>& claims() const { return m_claims; }
    /// TargetAccess::byte_enables of every read data phase answered with data.
    const std::vector<uint8_t>& read_byte_enables() const { return m_read_be; }
    unsigned address_parity_errors() const { return m_addr_perr; }
    unsigned data_parity_errors() const { return m_data_perr; }

  private:
    void clock();
    bool target_claim(const pci::TargetAccess& a) override;
    pci::TargetReply target_read(const pci::TargetAccess& a, uint64_t& data) override;
    pci::TargetReply target_write_ready(const pci::TargetAccess& a) override;
    pci::TargetReply target_write(const pci::TargetAccess& a, uint64_t data, uint8_t byte_enables) override;
    void target_parity_error(const pci::TargetAccess& a, bool address_phase) override;
    pci::TargetReply scripted(const pci::TargetAccess& a);
    uint8_t* bytes_at(const pci::TargetAccess& a, unsigned n);

    pci::PciBus& m_bus;
    pci::PciTargetEngine m_engine;
    TargetScript m_script;
    uint32_t m_io_base = 0;
    bool m_config = false;
    unsigned m_retried = 0;
    std::vector<Claim> m_claims;
    std::vector<uint8_t> m_read_be;
    unsigned m_addr_perr = 0;
    unsigned m_data_perr = 0;
};

/// Records every address phase on the bus and counts completed data phases and PERR#/SERR# clocks.
class BusProbe : public sc_core::sc_module {
  public:
    struct Address {
        uint64_t clock;  ///< clock of the (last) address phase
        pci::Cmd cmd;    ///< the real command (after a DAC)
        uint64_t addr;
        bool dac;
        bool req64;
        int master;            ///< master whose GNT# was sampled on the clock before FRAME#, -1 if none
        unsigned data_phases;  ///< completed with TRDY# (filled in as they happen)
    };
    BusProbe(sc_core::sc_module_name name, pci::PciBus& bus);
    const std::vector<Address>& addresses() const { return m_addr; }
    uint64_t perr_clocks() const { return m_perr; }
    uint64_t serr_clocks() const { return m_serr; }
    uint64_t ack64_clocks() const { return m_ack64; }

  private:
    void clock();
    pci::PciBus& m_bus;
    std::vector<Address> m_addr;
    bool m_prev_frame = false;
    bool m_dac_next = false;
    uint32_t m_prev_gnt_n = ~0u;
    uint64_t m_perr = 0, m_serr = 0, m_ack64 = 0;
};

/// Run the simulation clock by clock until every master is idle (then `settle` more clocks so the last lines are
/// released), at most `max_clocks`. Returns false on timeout.
bool run_until_idle(std::initializer_list<TestMaster*> masters, uint64_t max_clocks = 200000, unsigned settle = 4);

inline pci::BusConfig bus_config(unsigned width = 32, unsigned mhz = 33) {
    pci::BusConfig c;
    c.width_bits = width;
    c.clock_mhz = mhz;
    return c;
}

/// Deterministic test bytes: len bytes starting from `seed`.
inline std::vector<uint8_t> pattern(size_t len, unsigned seed) {
    std::vector<uint8_t> v(len);
    for (size_t i = 0; i < len; ++i) v[i] = static_cast<uint8_t>(seed * 31u + i * 7u + 3u);
    return v;
}

/// A complete little PCI system: bus, arbiter, one TestMaster, one TestTarget, a probe and the bus monitor.
struct Rig {
    pci::PciBus bus;
    pci::Arbiter arbiter;
    TestMaster master;
    TestTarget target;
    BusProbe probe;
    pci::BusMonitor monitor;

    explicit Rig(const pci::BusConfig& cfg = bus_config(), const pci::TargetTiming& timing = {},
                 uint64_t base = 0x10000, uint32_t size = 4096)
        : bus("pci", cfg),
          arbiter("arbiter", bus),
          master("master", bus),
          target("target", bus, base, size, timing),
          probe("probe", bus),
          monitor("monitor", bus) {
        master_setup(false, 64);
    }

    /// Tell the monitor (and the engine) the master's DAC capability and latency timer.
    void master_setup(bool dac, uint8_t latency_timer) {
        master.config().dac_capable = dac;
        master.config().latency_timer = latency_timer;
        monitor.set_dac_capable(master.index(), dac);
        monitor.set_latency_timer(master.index(), latency_timer);
    }

    std::vector<uint8_t> mem_at(uint64_t addr, size_t len) const {
        const size_t off = static_cast<size_t>(addr - target.mem_base);
        return std::vector<uint8_t>(target.mem.begin() + off, target.mem.begin() + off + len);
    }
    void fill(uint64_t addr, const std::vector<uint8_t>& bytes) {
        std::copy(bytes.begin(), bytes.end(), target.mem.begin() + static_cast<long>(addr - target.mem_base));
    }
};

}  // namespace nicsim::test
