// The contents of the 82540EM's 64-word EEPROM: the default image (every word the 8254x SDM's EEPROM map defines
// for this part, section 5.6) and an image read from a file.
#pragma once

#include <string>

#include "model/nic/microwire_eeprom.h"

namespace nicsim::nic {

using EepromWords = MicrowireEeprom::Words;

/// The default image for a given MAC address; word 0x3F makes the sum of words 0..0x3F equal 0xBABA.
EepromWords default_eeprom_image(const uint8_t mac[6]);
/// The 16-bit sum of all 64 words (0xBABA for a valid image).
uint16_t eeprom_sum(const EepromWords& words);
/// Set word 0x3F so that the sum is 0xBABA.
void fix_eeprom_checksum(EepromWords& words);
/// Read an image file: exactly 128 bytes, 64 little-endian 16-bit words in address order (the layout of a raw EEPROM
/// dump). Returns false with a one-line reason in `error` when the file cannot be read or has another size; the
/// checksum is not checked (a bad one is for the driver to find).
bool load_eeprom_file(const std::string& path, EepromWords& words, std::string& error);

}  // namespace nicsim::nic
