// The seams inside the NIC: what the device front (config space, registers, interrupts: Nic82540em) offers the
// data path (descriptor rings, SG DMA, TX/RX engines: NicDataPath), and what the data path offers the MAC/wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/net/ethernet.h"
#include "model/nic/register_file.h"
#include "model/nic/stat_counters.h"

namespace nicsim::pci {
class PciMasterEngine;
}

namespace nicsim::nic {

/// Device parameters (defaults in one place; the CLI and scenario files set them by these names).
struct NicParams {
    unsigned dma_address_bits = 64;  ///< 32 or 64: a 32-bit device never drives a DAC nor reaches >= 4 GiB
    /// PCI data path: 32 (the 82540EM, a 32-bit device: never REQ64#, 4 bytes per data phase on any bus) or 64 (the
    /// 82545EM variant, device ID 0x100F: REQ64# on a 64-bit bus, 8 bytes per data phase when ACK64# answers).
    unsigned data_path_bits = 32;
    uint32_t max_transfer = 4096;         ///< most bytes one DMA operation (one bus-master request) may move
    unsigned desc_cache_entries = 64;     ///< on-chip descriptor cache per direction
    uint32_t tx_fifo_bytes = 16 * 1024;   ///< TX packet FIFO
    uint32_t rx_fifo_bytes = 48 * 1024;   ///< RX packet FIFO
    unsigned link_mbps = 1000;            ///< 10, 100 or 1000
    bool link_up = true;                  ///< cable plugged in at power-on: the link partner runs at link_mbps
    uint64_t autoneg_ns = 2'000'000'000;  ///< PHY reset/restart/plug-in to link up (1000BASE-T: about 2 s)
    uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};  ///< EEPROM words 0..2 of the default image
    std::vector<uint16_t> eeprom;  ///< 64 EEPROM words used as they are (e.g. --eeprom FILE); empty: default image
};

// The frame and the sink the MAC sends it to are Ethernet's (model/net), shared with the wire.
using net::Frame;
using net::WireSink;

/// The device front as seen by the data path.
class NicContext {
  public:
    virtual ~NicContext() = default;
    /// The same object for the context's lifetime (the DMA engine keeps a reference to it).
    virtual const NicParams& params() const = 0;
    /// The register file (offsets as in model/nic/e1000_regs.h); the data path updates TDH/RDH and statistics here.
    virtual uint32_t reg(uint32_t offset) const = 0;
    /// reg() inline, without the virtual call, when the context gave its register file (use_register_file()): the
    /// data path reads a few registers per frame.
    uint32_t read_reg(uint32_t offset) const { return m_reg_file ? m_reg_file->peek(offset & ~3u) : reg(offset); }
    virtual void set_reg(uint32_t offset, uint32_t value) = 0;
    /// Where the register at `offset` keeps its value when it lives in the register file (no peek hook), for a block
    /// that reads it on every evaluation; null otherwise (then reg()).
    virtual const uint32_t* reg_storage(uint32_t offset) const {
        (void)offset;
        return nullptr;
    }
    /// Where the register at `offset` keeps its value when NicContext::set_reg() on it is a plain store into the
    /// register file (no peek or poke hook, not write-only), for a block that sets it once per frame; null otherwise
    /// (then set_reg()).
    virtual uint32_t* reg_poke_storage(uint32_t offset) {
        (void)offset;
        return nullptr;
    }
    /// Add to a statistics counter register (GPRC, GOTCL...), saturating as the hardware does.
    virtual void add_stat(uint32_t offset, uint64_t amount) = 0;
    /// add_stat() inline when the context gave its counters (use_stat_counters): the data path counts several
    /// times per frame. An offset that is no counter still goes to add_stat(), which reports it.
    void count_stat(uint32_t offset, uint64_t amount) {
        if (!m_stat_counters || !m_stat_counters->add(offset, amount)) add_stat(offset, amount);
    }
    /// Raise interrupt causes (ICR bits); moderation timers are the front's business.
    virtual void raise_irq(uint32_t icr_bits) = 0;
    /// Start/restart a moderation timer on a TX/RX event (TIDV/TADV on TX descriptor done, RDTR/RADV on RX).
    virtual void tx_done_event(bool immediate) = 0;
    virtual void rx_done_event(bool immediate) = 0;
    /// Command register state: no DMA while Bus Master Enable is clear.
    virtual bool bus_master_enabled() const = 0;
    virtual pci::PciMasterEngine& master() = 0;
    /// Named diagnostic through sc_report (message type "nicsim/nic/<what>"), counted in the device's stats: a
    /// violation of the programming model (an SC_WARNING, which fails a run).
    virtual void diagnostic(const char* what, const std::string& detail) = 0;
    /// Named note (SC_INFO, message type "nicsim/nic/note/<what>"), counted in the device's stats: legal but worth
    /// knowing (a write to a read-only register, a register this part does not have, a tail written before enable).
    virtual void note(const char* what, const std::string& detail) = 0;
    virtual uint64_t now_ns() const = 0;

  protected:
    /// The counters add_stat() adds to, for count_stat() to add to them directly (the device front's); null: every
    /// count through add_stat().
    void use_stat_counters(StatCounters* counters) { m_stat_counters = counters; }
    /// The register file reg() reads (`reg(offset)` is `file->peek(offset & ~3)`), for read_reg() to read it
    /// directly; null: every read through reg().
    void use_register_file(const RegisterFile* file) { m_reg_file = file; }

  private:
    StatCounters* m_stat_counters = nullptr;
    const RegisterFile* m_reg_file = nullptr;
};

}  // namespace nicsim::nic
