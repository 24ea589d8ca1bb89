#include "model/nic/eeprom.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

namespace {
constexpr uint16_t kWordCompat = 0x03;     // compatibility word
constexpr uint16_t kWordInitCtrl1 = 0x0A;  // initialization control 1
constexpr uint16_t kWordSubsysId = 0x0B;   // subsystem ID
constexpr uint16_t kWordSubsysVid = 0x0C;  // subsystem vendor ID
constexpr uint16_t kWordVendorId = 0x0E;   // vendor ID
}  // namespace

Eeprom::Eeprom(const uint8_t mac[6], unsigned read_clocks) : m_read_clocks(read_clocks == 0 ? 1 : read_clocks) {
    for (unsigned i = 0; i < 3; ++i) m_words[i] = static_cast<uint16_t>(mac[2 * i] | (mac[2 * i + 1] << 8));
    m_words[kWordCompat] = 0x0000;
    m_words[kWordInitCtrl1] = 0x4408;
    m_words[kWordSubsysId] = 0x001E;
    m_words[kWordSubsysVid] = 0x8086;
    m_words[kDeviceIdWord] = 0x100E;
    m_words[kWordVendorId] = 0x8086;
    fix_checksum();
}

void Eeprom::set_word(unsigned addr, uint16_t value) {
    if (addr < kEepromWords) m_words[addr] = value;
}

uint16_t Eeprom::sum() const {
    uint16_t s = 0;
    for (uint16_t w : m_words) s = static_cast<uint16_t>(s + w);
    return s;
}

void Eeprom::fix_checksum() {
    m_words[kEepromChecksumWord] = 0;
    m_words[kEepromChecksumWord] = static_cast<uint16_t>(kEepromSum - sum());
}

void Eeprom::mac(uint8_t out[6]) const {
    for (unsigned i = 0; i < 3; ++i) {
        out[2 * i] = static_cast<uint8_t>(m_words[i]);
        out[2 * i + 1] = static_cast<uint8_t>(m_words[i] >> 8);
    }
}

bool Eeprom::write_eerd(uint32_t value) {
    if (!eerd::START::get(value)) return true;
    const uint32_t addr = eerd::ADDR::get(value);
    m_eerd = eerd::ADDR::make(addr) | eerd::START::make(1);
    m_left = m_read_clocks;
    return addr < kEepromWords;
}

void Eeprom::tick() {
    if (m_left == 0) return;
    if (--m_left != 0) return;
    const uint32_t addr = eerd::ADDR::get(m_eerd);
    // A word beyond the part reads as all ones (nothing drives the serial data line).
    m_eerd = eerd::ADDR::make(addr) | eerd::DONE::make(1) | eerd::DATA::make(word(addr));
}

void Eeprom::reset() {
    m_left = 0;
    m_eerd = 0;
}

}  // namespace nicsim::nic
