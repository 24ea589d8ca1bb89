// Reusable PCI target state machine. A device owns one, calls tick() on every rising edge while the bus is busy (or
// while active()), and answers address decode and data phases through TargetClient.
#pragma once

#include <cstdint>

#include "pci_bus.h"

namespace nicsim::pci {

/// A target's answer to one data phase.
enum class TargetReply : uint8_t {
    Data,        ///< complete this data phase (TRDY#)
    Wait,        ///< insert a wait state; the engine asks again next clock
    Retry,       ///< first data phase: Retry (STOP# without TRDY#); later: disconnect without data
    Disconnect,  ///< complete this data phase and stop (TRDY# with STOP#)
    Abort,       ///< target abort (STOP# with DEVSEL# deasserted)
};

/// Timing parameters of a target (the bus's devsel speed and wait states).
struct TargetTiming {
    DevselSpeed devsel = DevselSpeed::Fast;
    unsigned initial_wait = 0;  ///< wait states before the first data phase completes (beyond the read turnaround)
    unsigned burst_wait = 0;    ///< wait states before each later data phase
    bool ack64 = true;          ///< answer REQ64# with ACK64# on a 64-bit bus
};

/// Decoded address phase, as handed to the client.
struct TargetAccess {
    Cmd cmd = Cmd::MemRead;
    uint64_t addr = 0;   ///< address of the current data phase (advances by 4, or 8 with ACK64#)
    bool idsel = false;  ///< IDSEL was asserted in the address phase (configuration cycles)
    bool wide = false;   ///< 64-bit data phases (REQ64# answered with ACK64#)
    unsigned phase = 0;  ///< data phase number within this transaction, from 0
    /// Reads: C/BE# of this data phase, active high (disabled bytes are don't-care). Exact for the first data phase
    /// and after a wait state; in a zero-wait burst the master drives a phase's C/BE# only on the clock the engine
    /// must already answer it, so those phases report every byte enabled.
    uint8_t byte_enables = 0xFF;
};

class TargetClient {
  public:
    virtual ~TargetClient() = default;
    /// Address phase: return true to claim (assert DEVSEL#). Called once per transaction.
    virtual bool target_claim(const TargetAccess& a) = 0;
    /// Read data phase: fill `data` (bytes at a.addr.., 4 or 8 of them) when replying Data or Disconnect.
    virtual TargetReply target_read(const TargetAccess& a, uint64_t& data) = 0;
    /// Write data phase, as it completes: `byte_enables` bit i = byte i valid (active high, 4 or 8 bits). The engine
    /// asserts TRDY# one clock before the master's data is visible (registered logic), so the phase is already
    /// accepted here: Data continues, Disconnect stops after it; Retry ends the burst before the next phase
    /// (disconnect without data), Abort target-aborts the next phase, Wait adds a wait state before the next one.
    virtual TargetReply target_write(const TargetAccess& a, uint64_t data, uint8_t byte_enables) = 0;
    /// Write data phase, asked one clock before TRDY#/STOP# are driven for it (before its data is on the bus): Data
    /// accepts it, Wait inserts a wait state, Retry/Disconnect/Abort as for reads. Default: always Data.
    virtual TargetReply target_write_ready(const TargetAccess& a) { return TargetReply::Data; }
    /// The transaction is over (completed, retried, disconnected, aborted or master-aborted).
    virtual void target_end(const TargetAccess& a) {}
    /// A data parity error this target detected (it asserts PERR#) or an address parity error (SERR#).
    virtual void target_parity_error(const TargetAccess& a, bool address_phase) {}
};

struct TargetStats {
    uint64_t claims = 0;
    uint64_t data_phases = 0;
    uint64_t wait_states = 0;
    uint64_t retries = 0;
    uint64_t disconnects = 0;
    uint64_t aborts = 0;
    uint64_t parity_errors = 0;
};

struct TargetFaults {
    bool bad_read_parity = false;  ///< next read data phase gets inverted PAR (one shot)
};

class PciTargetEngine {
  public:
    PciTargetEngine(PciBus& bus, const std::string& name, TargetClient& client);
    ~PciTargetEngine();
    PciTargetEngine(const PciTargetEngine&) = delete;
    PciTargetEngine& operator=(const PciTargetEngine&) = delete;

    TargetTiming& timing() { return m_timing; }
    const TargetStats& stats() const { return m_stats; }
    TargetFaults& faults() { return m_faults; }
    DriverId driver() const { return m_driver; }
    /// Parity Error Response and SERR# enable from the owning device's Command register.
    void set_parity_response(bool perr_enable, bool serr_enable);
    /// The device number whose IDSEL line selects this target for configuration cycles (PciBus::add_device);
    /// without one, TargetAccess::idsel is always false.
    void set_idsel_device(unsigned device);

    /// Call on every rising CLK edge while the bus is not idle or active() is true.
    void tick();
    /// True while this target is in a transaction, or still driving a line (turnaround, PERR#).
    bool active() const;
    /// True when the next tick() completes a zero-wait data phase of the claimed transaction with FRAME# still
    /// asserted and asks the client for the next one: no wait state, stop, abort or parity error is due.
    bool steady() const;
    /// The next tick(), when the owner has just seen steady() hold with nothing changed since (a batch edge,
    /// BusClock::batch_edge()): the same changes, without the decisions steady() already took.
    void steady_tick();
    /// True when the next tick() is a bystander's: no claim, nothing driven, no address phase to decode.
    bool quiet() const;
    /// The claimed transaction's current data phase (before the next tick() completes it).
    const TargetAccess& access() const;
    bool writing() const;
    void reset();

  private:
    struct Impl;
    void decode(Drive& d, const Lines& l);
    void claimed_tick(Drive& d, const Lines& l);
    void complete_phase(const Lines& l, bool continues);
    void decide(Drive& d, const Lines& l);
    void end_claim(Drive& d);
    void drive_read_parity(Drive& d, const Lines& l);
    void check_parity(Drive& d, const Lines& l);
    void address_phase(Drive& d, const Lines& l);
    void follow(Drive& d, const Lines& l);
    bool quiet_bystander(const Lines& l);
    Impl* m;
    PciBus& m_bus;
    TargetClient& m_client;
    DriverId m_driver;
    TargetTiming m_timing;
    TargetStats m_stats;
    TargetFaults m_faults;
};

}  // namespace nicsim::pci
