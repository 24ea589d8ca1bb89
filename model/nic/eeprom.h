// The 82540EM's serial EEPROM (64 x 16-bit words) and the EERD read port: the MAC address in words 0..2, a
// checksum word 0x3F making the sum of all words 0xBABA, and a read that completes a few clocks after START.
#pragma once

#include <cstdint>

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

class Eeprom {
  public:
    static constexpr unsigned kDefaultReadClocks = 4;  ///< bus clocks from EERD.START to EERD.DONE
    static constexpr unsigned kDeviceIdWord = 0x0D;    ///< word holding the PCI device ID

    /// Contents from the MAC address; the other words hold fixed identity values, then the checksum.
    explicit Eeprom(const uint8_t mac[6], unsigned read_clocks = kDefaultReadClocks);

    uint16_t word(unsigned addr) const { return addr < e1000::kEepromWords ? m_words[addr] : 0xFFFF; }
    /// Overwrite a word (tests, corrupted-EEPROM scenarios); the checksum is not recomputed.
    void set_word(unsigned addr, uint16_t value);
    /// Recompute word 0x3F so the sum of words 0..0x3F is 0xBABA.
    void fix_checksum();
    uint16_t sum() const;
    /// The MAC address as stored in words 0..2 (little-endian within each word).
    void mac(uint8_t out[6]) const;

    /// EERD write: START begins a read of ADDR; a write without START is ignored (the register keeps its state).
    /// Returns false (a diagnostic for the caller) when ADDR is outside the 64 words.
    bool write_eerd(uint32_t value);
    /// EERD as software reads it.
    uint32_t eerd() const { return m_eerd; }
    /// True while a read is in progress (the device must tick).
    bool busy() const { return m_left != 0; }
    /// One bus clock.
    void tick();
    /// Device reset: abort a read in progress, EERD reads 0.
    void reset();

  private:
    uint16_t m_words[e1000::kEepromWords] = {};
    unsigned m_read_clocks;
    unsigned m_left = 0;
    uint32_t m_eerd = 0;
};

}  // namespace nicsim::nic
