// The host bridge (PCI host controller): on the PCI side a target that claims memory cycles outside the MMIO window
// and forwards them to host memory over TLM (device DMA), and a bus master ("bridge") that runs the CPU's
// configuration, memory and I/O cycles. A clocked agent of the bus (BusClock) steps both engines and sleeps while the
// bus is idle.
//
// Device reads the bridge cannot serve within retry_threshold clocks are answered with Retry and run as a delayed
// transaction: the request is latched, the first data phase fetched from memory in the background, and the read
// completes when the same master repeats it (discarded after discard_timeout clocks). Writes are posted. Every TLM
// response is checked: an error becomes a target abort with a named warning.
//
// CPU side: b_transport on cpu_mem / cpu_io / cpu_cfg blocks the calling SC_THREAD until the bus cycle completes.
// cpu_cfg addresses are pci::config_address(device, function, reg) plus the byte offset within the dword.
#pragma once

#include <cstdint>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "model/host/pci_tlm.h"
#include "model/pci/master_engine.h"
#include "model/pci/pci_bus.h"
#include "model/pci/target_engine.h"

namespace nicsim::host {

/// Runtime parameters (defaults in one place).
struct HostBridgeParams {
    uint64_t mmio_base = 0xE000'0000ull;  ///< PCI MMIO window for device BARs: the bridge's target never claims it
    uint64_t mmio_size = 0x2000'0000ull;  ///< window size (default: 0xE000_0000..0xFFFF_FFFF)
    unsigned read_latency = 4;            ///< clocks from the address phase until host memory read data is ready
    unsigned retry_threshold = 16;        ///< reads not served within this many clocks of FRAME# get Retry (rule 7)
    unsigned discard_timeout = 32768;     ///< clocks a fetched delayed read waits for its master before discard
    pci::DevselSpeed devsel = pci::DevselSpeed::Fast;  ///< DEVSEL# speed of the bridge's target
    bool use_dmi = true;                               ///< use DMI to host memory when it is granted
    bool parity_response = true;  ///< report data parity errors with PERR#, address parity with SERR#
};

/// Fault injection on device transactions (the regression's --fault): seeded, deterministic, off by default. The
/// random draws are made only while a probability is nonzero, so a run without faults is unchanged.
struct HostBridgeFaults {
    double retry = 0;              ///< probability a first data phase is answered with Retry
    double disconnect = 0;         ///< probability a later data phase ends the burst (disconnect without data)
    double latency_spike = 0;      ///< probability a read waits spike_clocks more for memory (delayed if too long)
    unsigned spike_clocks = 40;    ///< extra memory latency of a spike, in clocks
    uint64_t target_abort_at = 0;  ///< the Nth device transaction (from 1) is target-aborted (0 = never)
    uint64_t master_abort_at = 0;  ///< the Nth device transaction is not claimed: a master abort (0 = never)
    uint64_t seed = 1;             ///< seed of the random draws
};

/// Bridge counters, for the statistics and the tests.
struct HostBridgeStats {
    uint64_t cpu_mem_cycles = 0;          ///< CPU memory requests run on the bus
    uint64_t cpu_io_cycles = 0;           ///< CPU I/O requests run on the bus
    uint64_t cpu_cfg_cycles = 0;          ///< CPU configuration requests run on the bus
    uint64_t cpu_master_aborts = 0;       ///< CPU requests no target claimed
    uint64_t cpu_target_aborts = 0;       ///< CPU requests a target aborted
    uint64_t cpu_errors = 0;              ///< CPU requests refused or ended by retry limit / parity error
    uint64_t dma_reads = 0;               ///< device read transactions claimed
    uint64_t dma_writes = 0;              ///< device write transactions claimed
    uint64_t dma_read_bytes = 0;          ///< bytes delivered to device reads
    uint64_t dma_write_bytes = 0;         ///< bytes written by devices (byte enables counted)
    uint64_t retries = 0;                 ///< Retry answers given to device reads
    uint64_t delayed_latched = 0;         ///< delayed reads latched
    uint64_t delayed_completed = 0;       ///< delayed reads completed to their master
    uint64_t delayed_discarded = 0;       ///< delayed reads discarded after discard_timeout
    uint64_t target_aborts = 0;           ///< target aborts signalled (memory answered with an error)
    uint64_t parity_errors = 0;           ///< parity errors detected by the bridge's target (data or address)
    uint64_t tlm_transactions = 0;        ///< b_transport calls to host memory
    uint64_t dmi_accesses = 0;            ///< accesses served through DMI
    uint64_t active_clocks = 0;           ///< clocks the bridge was evaluated (it sleeps while idle)
    uint64_t device_transactions = 0;     ///< device address phases seen (claimed or, by a fault, not)
    uint64_t injected_retries = 0;        ///< Retry answers injected by HostBridgeFaults::retry
    uint64_t injected_disconnects = 0;    ///< disconnects injected by HostBridgeFaults::disconnect
    uint64_t latency_spikes = 0;          ///< reads given HostBridgeFaults::spike_clocks more latency
    uint64_t injected_target_aborts = 0;  ///< target aborts injected (target_abort_at)
    uint64_t injected_master_aborts = 0;  ///< transactions left unclaimed (master_abort_at)
};

class HostBridge : public sc_core::sc_module,
                   private pci::MasterClient,
                   private pci::TargetClient,
                   private pci::ClockedAgent {
  public:
    static constexpr unsigned kMaxCpuBytes = 64;  ///< longest CPU memory request (the master engine splits it)

    tlm_utils::simple_initiator_socket<HostBridge> mem;   ///< device DMA to host memory (or the DMA verifier)
    tlm_utils::simple_target_socket<HostBridge> cpu_mem;  ///< CPU memory cycles (MMIO)
    tlm_utils::simple_target_socket<HostBridge> cpu_io;   ///< CPU I/O cycles
    tlm_utils::simple_target_socket<HostBridge> cpu_cfg;  ///< CPU configuration cycles

    HostBridge(sc_core::sc_module_name name, pci::PciBus& bus, const HostBridgeParams& params = {});
    ~HostBridge() override;

    const HostBridgeParams& params() const { return m_params; }
    const HostBridgeStats& stats() const { return m_stats; }
    /// Install a fault plan (restarts its random sequence from faults.seed).
    void set_faults(const HostBridgeFaults& faults) {
        m_faults = faults;
        m_fault_rng = faults.seed;
    }
    const HostBridgeFaults& faults() const { return m_faults; }
    pci::PciMasterEngine& master() { return m_master; }
    pci::PciTargetEngine& target() { return m_target; }
    /// REQ#/GNT# index of the bridge's master (the arbiter parks the bus on it).
    unsigned master_index() const { return m_master.master_index(); }
    /// True when `addr` lies in the MMIO window (never claimed by the bridge's target).
    bool in_mmio_window(uint64_t addr) const { return addr - m_params.mmio_base < m_params.mmio_size; }
    /// True while a delayed read is latched (fetching or waiting for its master).
    bool delayed_pending() const {
        return m_dt.state != DtState::Empty && m_bus.clock_count() <= m_dt.ready_clock + m_params.discard_timeout;
    }

  private:
    enum class Space : uint8_t { Mem, Io, Cfg };
    enum class CpuState : uint8_t { Idle, Queued, Running, Done };
    enum class ReadMode : uint8_t { Immediate, Latch, Complete, RetryOther };
    enum class DtState : uint8_t { Empty, Latched };

    struct CpuRequest {
        CpuState state = CpuState::Idle;
        Space space = Space::Mem;
        pci::MasterRequest rq;
        pci::MasterStatus status = pci::MasterStatus::Ok;
        uint8_t buf[kMaxCpuBytes] = {};
    };
    struct Transaction {  // the device transaction the target is in
        bool claimed = false;
        bool write = false;
        ReadMode mode = ReadMode::Immediate;
        unsigned master = PciMasterExtension::kUnknownMaster;
        pci::Cmd cmd = pci::Cmd::MemRead;
        uint64_t start = 0;
        uint64_t claim_clock = 0;
        bool first_done = false;  // the first data phase moved data
        unsigned latency = 0;     // clocks until memory data is ready (read_latency, plus a spike)
        bool abort = false;       // injected target abort
    };
    struct Delayed {  // the one delayed read buffer
        DtState state = DtState::Empty;
        unsigned master = PciMasterExtension::kUnknownMaster;
        pci::Cmd cmd = pci::Cmd::MemRead;
        uint64_t addr = 0;
        uint64_t ready_clock = 0;  // clock the fetched data is available
        bool ok = false;           // the fetch got TLM_OK
        tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
        bool wide = false;
        uint64_t data = 0;
    };
    struct DmiEntry {
        bool valid = false;
        bool writable = false;  // the grant allows writes (else reads only)
        uint64_t start = 0, end = 0;
        uint8_t* ptr = nullptr;
    };

    void clock_edge() override;
    bool steady_edge() const override;
    const DmiEntry* dmi_entry(uint64_t addr, unsigned len, bool write) const;
    pci::TargetReply stream_read(const pci::TargetAccess& a, uint64_t& data);
    void dmi_move(const DmiEntry& e, bool write, uint64_t addr, uint8_t* buf, unsigned len, uint8_t be);
    void end_of_elaboration() override;

    // CPU side
    void cpu_mem_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        cpu_transport(Space::Mem, gp, delay);
    }
    void cpu_io_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        cpu_transport(Space::Io, gp, delay);
    }
    void cpu_cfg_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        cpu_transport(Space::Cfg, gp, delay);
    }
    void cpu_transport(Space space, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    void queue_cpu_request(Space space, const tlm::tlm_generic_payload& gp);
    tlm::tlm_response_status cpu_response(Space space, const tlm::tlm_generic_payload& gp);
    bool cpu_request_ok(Space space, tlm::tlm_generic_payload& gp);
    void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) override;

    // Device side
    bool target_claim(const pci::TargetAccess& a) override;
    pci::TargetReply target_read(const pci::TargetAccess& a, uint64_t& data) override;
    pci::TargetReply target_write_ready(const pci::TargetAccess& a) override;
    /// The phase is already accepted (posted): a memory error is reported and aborts the next phase, if any.
    pci::TargetReply target_write(const pci::TargetAccess& a, uint64_t data, uint8_t byte_enables) override;
    void target_end(const pci::TargetAccess& a) override;
    void target_parity_error(const pci::TargetAccess& a, bool address_phase) override;
    unsigned initiator_master() const;  // the master driving FRAME# now
    void expire_delayed();
    /// Moves `len` bytes between host memory at `addr` and `buf` (writes: only bytes enabled in `be`).
    bool mem_access(bool write, uint64_t addr, uint8_t* buf, unsigned len, uint8_t be);
    bool fetch(uint64_t addr, bool wide, uint64_t& data);
    void signal_abort(bool write, uint64_t addr, unsigned len, tlm::tlm_response_status status);
    void sleep();
    bool draw(double probability);  // a seeded fault draw (false without a draw when probability is 0)
    bool injected(const pci::TargetAccess& a, pci::TargetReply& reply);  // a fault answers this data phase
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    pci::PciBus& m_bus;
    pci::BusClock::AgentId m_agent;
    HostBridgeParams m_params;
    pci::PciMasterEngine m_master;
    pci::PciTargetEngine m_target;
    HostBridgeStats m_stats;
    HostBridgeFaults m_faults;
    uint64_t m_fault_rng = 1;
    bool m_in_reset = false;
    sc_core::sc_event m_cpu_event;  // the CPU request state changed
    CpuRequest m_cpu;
    Transaction m_tx;
    Delayed m_dt;
    std::vector<unsigned> m_driver_master;  // bus driver id -> master index (same name), or kUnknownMaster
    tlm::tlm_generic_payload m_gp;          // reused for every memory access; owns m_ext
    PciMasterExtension* m_ext;
    uint8_t m_be[8] = {};
    mutable uint64_t m_steady_serial = ~uint64_t(0);  // pci::BusClock::batch_serial() m_streaming was worked out in
    mutable bool m_streaming = false;
    mutable const DmiEntry* m_stream_dmi = nullptr;  // the grant steady_edge() found for the batch edge's access
    static constexpr unsigned kDmiEntries = 4;
    DmiEntry m_dmi[kDmiEntries];
    unsigned m_dmi_next = 0;
};

}  // namespace nicsim::host
