#include "model/nic/eeprom.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

namespace {
constexpr uint32_t kEecdReset = eecd::FWE::make(eecd::kFweDisabled);
}  // namespace

Eeprom::Eeprom(const uint8_t mac[6], unsigned read_clocks) : Eeprom(default_eeprom_image(mac), read_clocks) {}

Eeprom::Eeprom(const EepromWords& words, unsigned read_clocks)
    : m_part(words), m_read_clocks(read_clocks == 0 ? 1 : read_clocks), m_eecd(kEecdReset) {}

void Eeprom::fix_checksum() {
    EepromWords w = m_part.words();
    fix_eeprom_checksum(w);
    m_part.set_word(kEepromChecksumWord, w[kEepromChecksumWord]);
}

void Eeprom::mac(uint8_t out[6]) const {
    for (unsigned i = 0; i < 3; ++i) {
        out[2 * i] = static_cast<uint8_t>(word(i));
        out[2 * i + 1] = static_cast<uint8_t>(word(i) >> 8);
    }
}

bool Eeprom::write_eecd(uint32_t value) {
    const uint32_t old = m_eecd;
    m_eecd = value & kSoftwareBits;
    update_grant();
    if (m_granted) {
        drive_pins();
        return true;
    }
    // Without the grant the pins keep their last state: software's writes of SK/CS/DI do not reach the part.
    const bool moved = ((old ^ m_eecd) & kPinBits) != 0;
    m_eecd = (m_eecd & ~kPinBits) | (old & kPinBits);
    return !moved;
}

uint32_t Eeprom::eecd() const {
    uint32_t v = m_eecd | eecd::EE_PRES::make(1);
    if (m_granted) v |= eecd::EE_GNT::make(1) | eecd::DO::make(m_part.data_out() ? 1 : 0);
    return v;
}

void Eeprom::drive_pins() {
    m_part.set_pins(eecd::CS::get(m_eecd), eecd::SK::get(m_eecd), eecd::DI::get(m_eecd));
}

void Eeprom::update_grant() {
    // The device grants the pins when it is not reading the part itself (an EERD read in progress finishes first).
    m_granted = eecd::EE_REQ::get(m_eecd) && m_left == 0;
    if (!m_granted) m_part.set_pins(false, false, false);
}

bool Eeprom::write_eerd(uint32_t value) {
    if (!eerd::START::get(value)) return true;
    const uint32_t addr = eerd::ADDR::get(value);
    m_eerd = eerd::ADDR::make(addr) | eerd::START::make(1);
    m_left = m_read_clocks;
    return addr < kEepromWords;
}

void Eeprom::tick() {
    if (m_left == 0 || m_granted) return;  // software holds the pins: the read waits
    if (--m_left != 0) return;
    const uint32_t addr = eerd::ADDR::get(m_eerd);
    // A word beyond the part reads as all ones (nothing drives the serial data line).
    m_eerd = eerd::ADDR::make(addr) | eerd::DONE::make(1) | eerd::DATA::make(word(addr));
    if (eecd::EE_REQ::get(m_eecd)) update_grant();
}

void Eeprom::reset() {
    m_left = 0;
    m_eerd = 0;
    m_eecd = kEecdReset;
    m_granted = false;
    m_part.set_pins(false, false, false);
}

}  // namespace nicsim::nic
