// Reusable PCI bus-master state machine. A device owns one and calls tick() from its clocked agent on every
// rising edge while busy(); the engine requests the bus, runs address (and DAC) phases and data phases, and reports
// completion to its client.
#pragma once

#include <cstdint>

#include "pci_bus.h"

namespace nicsim::pci {

enum class MasterStatus : uint8_t {
    Ok,           ///< every byte moved
    MasterAbort,  ///< no target claimed the address (DEVSEL# timeout)
    TargetAbort,  ///< the target signalled target abort
    RetryLimit,   ///< the target kept answering Retry more than MasterConfig::max_retries times in a row
    ParityError,  ///< data moved, but a data parity error was detected or reported (PERR#)
};
const char* master_status_name(MasterStatus s);

/// Live configuration: the owning device updates it when its config-space registers change.
struct MasterConfig {
    bool dac_capable = false;       ///< may issue Dual Address Cycles (device addresses 64 bits)
    bool use_req64 = true;          ///< request 64-bit transfers (REQ64#) when the bus is 64 bits wide
    bool mwi_enable = false;        ///< Command register MWI enable: whole aligned cache lines use MWI
    uint8_t cache_line_dwords = 0;  ///< config 0x0C, in dwords; 0 = not programmed
    uint8_t latency_timer = 0;      ///< config 0x0D, in clocks
    unsigned max_retries = 100000;  ///< consecutive Retry answers before giving up with RetryLimit
    bool check_parity = true;       ///< Command register Parity Error Response
};

/// One transfer. Memory requests may be any length and alignment: the engine splits them into legal transactions
/// (byte enables, latency timer, disconnects) and reports once, when all are done.
struct MasterRequest {
    Cmd cmd = Cmd::MemRead;   ///< MemRead = "read memory, the engine picks MR/MRL/MRM"; MemWrite = MW or MWI when
                              ///< allowed; IoRead/IoWrite/ConfigRead/ConfigWrite: at most one dword
    uint64_t addr = 0;        ///< byte address (config: register offset | function << 8)
    uint8_t* data = nullptr;  ///< len bytes to write from / read into; owned by the client until master_done()
    uint32_t len = 0;
    uint32_t idsel = 0;  ///< config cycles: IDSEL mask the bridge drives during the address phase
    uint64_t tag = 0;    ///< the client's cookie, handed back
};

/// Fault injection for tests and the regression (one-shot unless stated).
struct MasterFaults {
    bool bad_address_parity = false;  ///< next address phase gets inverted PAR
    bool bad_data_parity = false;     ///< next write data phase gets inverted PAR
};

/// Counters per engine, for statistics and tests.
struct MasterStats {
    uint64_t transactions = 0;  ///< FRAME# assertions (address phases)
    uint64_t data_phases = 0;   ///< completed data phases
    uint64_t bytes = 0;
    uint64_t retries = 0;
    uint64_t disconnects = 0;
    uint64_t master_aborts = 0;
    uint64_t target_aborts = 0;
    uint64_t parity_errors = 0;
    uint64_t dac_cycles = 0;
    uint64_t latency_expiries = 0;    ///< bursts ended by the latency timer
    uint64_t by_cmd[kCmdCount] = {};  ///< transactions per bus command
    uint64_t busy_clocks = 0;         ///< clocks from FRAME# asserted to the end of the transaction
    uint64_t wait_clocks = 0;         ///< clocks REQ# was asserted without a transaction running
};

class MasterClient {
  public:
    virtual ~MasterClient() = default;
    /// `bytes_done` bytes from the start of the request moved before `status` ended it.
    virtual void master_done(const MasterRequest& rq, MasterStatus status, uint32_t bytes_done) = 0;
};

class PciMasterEngine {
  public:
    /// Registers a driver slot and a REQ#/GNT# pair named `name` on `bus`.
    PciMasterEngine(PciBus& bus, const std::string& name, MasterClient& client);
    ~PciMasterEngine();
    PciMasterEngine(const PciMasterEngine&) = delete;
    PciMasterEngine& operator=(const PciMasterEngine&) = delete;

    MasterConfig& config() { return m_config; }
    const MasterStats& stats() const { return m_stats; }
    MasterFaults& faults() { return m_faults; }
    unsigned master_index() const { return m_master; }
    DriverId driver() const { return m_driver; }

    /// Starts a request; only while !busy() (or can_start()). Completion comes through MasterClient::master_done from
    /// tick().
    void start(const MasterRequest& rq);
    /// True from start() until master_done() has been called for the request.
    bool busy() const;
    /// True once the bus work of the current request is over, though master_done() may still wait up to two clocks
    /// for PERR#: a client that starts its next request here keeps back-to-back transactions at N+2 / N+3 clocks.
    bool can_start() const;
    /// True while tick() has anything to do on the next edge. When false, the owner may sleep until a bus line
    /// changes (BusClock::sleep; a GNT# change wakes it for bus parking) or it calls start().
    bool needs_tick() const;
    /// True when the next tick() is a zero-wait data phase in the middle of a burst: the phase on the bus completes
    /// with TRDY#, the engine drives the next one, and nothing ends, reports or checks out of the ordinary (a batch
    /// may evaluate it early: BusClock::set_batching).
    bool steady() const;
    /// Call on every rising CLK edge while busy() (and while parked on the bus: see parked()).
    void tick();
    /// The next tick(), when the owner has just seen steady() hold with nothing changed since (a batch edge,
    /// BusClock::batch_edge()): the same changes, without the decisions steady() already took.
    void steady_tick();
    /// True while the arbiter parks the bus on this master and it therefore drives AD, C/BE# and PAR.
    bool parked() const;
    /// Return to idle at once, releasing every line (RST#, or the device's software reset). The dropped request, if
    /// any, is not reported through master_done(): the owner resets with it. (RST# seen by tick() without a reset()
    /// ends a running transaction with MasterAbort.)
    void reset();

  private:
    struct Impl;
    void finish(MasterStatus status);
    void end_transaction(Drive& d);
    void drive_phase(Drive& d, bool last);
    void plan_memory_command(uint64_t a);
    void plan_transaction();
    void start_transaction(Drive& d);
    void data_tick(Drive& d, const Lines& l);
    void wait_state(Drive& d, bool stop);
    unsigned move_data(const Lines& l);
    void next_phase(Drive& d, const Lines& l, unsigned moved_w);
    void reset_tick();
    void drive_parity(Drive& d, const Drive& prev);
    void check_data_parity(Drive& d, const Lines& l);
    void note_parity_error();
    void request_tick(Drive& d, const Lines& l);
    void second_address(Drive& d);
    void first_data_phase(Drive& d);
    void park(Drive& d, const Lines& l);
    void fire_done();
    Impl* m;
    PciBus& m_bus;
    MasterClient& m_client;
    DriverId m_driver;
    unsigned m_master;
    MasterConfig m_config;
    MasterFaults m_faults;
    MasterStats m_stats;
};

}  // namespace nicsim::pci
