// The 82540EM's EEPROM interface: the Microwire part (MicrowireEeprom, 64 x 16-bit words) reached two ways. EECD
// gives software the part's pins once it has asked for them (EE_REQ) and the device has granted them (EE_GNT), with
// EE_PRES and EE_SIZE telling what is fitted (8254x SDM section 13.4.3). EERD has the device read a word itself, done
// a few clocks after START (section 13.4.4). The MAC address is in words 0..2; word 0x3F makes the sum of all words
// 0xBABA.
#pragma once

#include <cstdint>

#include "model/nic/e1000_regs.h"
#include "model/nic/eeprom_image.h"
#include "model/nic/microwire_eeprom.h"

namespace nicsim::nic {

class Eeprom {
  public:
    static constexpr unsigned kDefaultReadClocks = 4;  ///< bus clocks from EERD.START to EERD.DONE

    /// The default image for this MAC address (default_eeprom_image).
    explicit Eeprom(const uint8_t mac[6], unsigned read_clocks = kDefaultReadClocks);
    /// A given image (e.g. from --eeprom FILE), used as it is.
    explicit Eeprom(const EepromWords& words, unsigned read_clocks = kDefaultReadClocks);

    uint16_t word(unsigned addr) const { return m_part.word(addr); }
    /// Overwrite a word (tests, corrupted-EEPROM scenarios); the checksum is not recomputed.
    void set_word(unsigned addr, uint16_t value) { m_part.set_word(addr, value); }
    /// Recompute word 0x3F so the sum of words 0..0x3F is 0xBABA.
    void fix_checksum();
    uint16_t sum() const { return eeprom_sum(m_part.words()); }
    /// The MAC address as stored in words 0..2 (little-endian within each word).
    void mac(uint8_t out[6]) const;
    const MicrowireEeprom& part() const { return m_part; }

    /// EECD write. Returns false when software moved SK, CS or DI without holding the grant: the pins stay where they
    /// were (the caller notes it).
    bool write_eecd(uint32_t value);
    /// EECD as software reads it: its own bits, DO from the part while granted, EE_GNT, EE_PRES, EE_SIZE = 0.
    uint32_t eecd() const;
    /// True while software holds the pins (EE_REQ granted): an EERD read then waits for the release.
    bool software_owns() const { return m_granted; }

    /// EERD write: START begins a read of ADDR; a write without START is ignored (the register keeps its state).
    /// Returns false (a diagnostic for the caller) when ADDR is outside the 64 words.
    bool write_eerd(uint32_t value);
    /// EERD as software reads it.
    uint32_t eerd() const { return m_eerd; }
    /// True while a read is in progress (the device must tick).
    bool busy() const { return m_left != 0; }
    /// One bus clock.
    void tick();
    /// Device reset: abort a read in progress, EERD reads 0, EECD returns to its reset value (pins low, no grant).
    void reset();

  private:
    static constexpr uint32_t kSoftwareBits = e1000::eecd::SK::mask | e1000::eecd::CS::mask | e1000::eecd::DI::mask |
                                              e1000::eecd::FWE::mask | e1000::eecd::EE_REQ::mask;
    static constexpr uint32_t kPinBits = e1000::eecd::SK::mask | e1000::eecd::CS::mask | e1000::eecd::DI::mask;

    void drive_pins();
    void update_grant();

    MicrowireEeprom m_part;
    unsigned m_read_clocks;
    unsigned m_left = 0;
    uint32_t m_eerd = 0;
    uint32_t m_eecd = 0;  // the bits software wrote (kSoftwareBits)
    bool m_granted = false;
};

}  // namespace nicsim::nic
