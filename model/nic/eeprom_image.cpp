#include "model/nic/eeprom_image.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "model/nic/config_space.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

namespace {
constexpr size_t kImageBytes = 2 * kEepromWords;
// Values of the default image (8254x SDM section 5.6, EEPROM map of the 82540EP/EM).
constexpr uint16_t kCompat = 0x0000;     // no LOM/server/client options
constexpr uint16_t kIdLed = 0xFFFF;      // "use the default ID LED modes" (drivers treat 0x0000/0xFFFF so)
constexpr uint16_t kVersion = 0x1000;    // image version 1.0
constexpr uint16_t kPba0 = 0x0012;       // PBA number 001234-001, as drivers print it
constexpr uint16_t kPba1 = 0x3401;       //
constexpr uint16_t kInitCtrl1 = 0x4400;  // signature 01b (15:14), FD (bit 10): CTRL.FD's reset value
constexpr uint16_t kInitCtrl2 = 0x3000;  // PAUSE and ASM_DIR (13:12): symmetric and asymmetric flow control
constexpr uint16_t kInitCtrl3 = 0x0000;  // APM wake disabled (bit 10): WUC.APME resets to 0
constexpr uint16_t kUnused = 0xFFFF;     // words the 82540EM does not define read as an erased part
}  // namespace

EepromWords default_eeprom_image(const uint8_t mac[6]) {
    EepromWords w;
    w.fill(kUnused);
    for (unsigned i = 0; i < 3; ++i) w[i] = static_cast<uint16_t>(mac[2 * i] | (mac[2 * i + 1] << 8));
    w[kEeWordCompat] = kCompat;
    w[kEeWordIdLed] = kIdLed;
    w[kEeWordVersion] = kVersion;
    w[kEeWordPba0] = kPba0;
    w[kEeWordPba1] = kPba1;
    w[kEeWordInitCtrl1] = kInitCtrl1;
    w[kEeWordSubsysId] = ConfigSpace::kSubsysId;
    w[kEeWordSubsysVid] = ConfigSpace::kSubsysVendor;
    w[kEeWordDeviceId] = ConfigSpace::kDevice;
    w[kEeWordVendorId] = ConfigSpace::kVendor;
    w[kEeWordInitCtrl2] = kInitCtrl2;
    w[kEeWordInitCtrl3] = kInitCtrl3;
    fix_eeprom_checksum(w);
    return w;
}

uint16_t eeprom_sum(const EepromWords& words) {
    uint16_t s = 0;
    for (uint16_t v : words) s = static_cast<uint16_t>(s + v);
    return s;
}

void fix_eeprom_checksum(EepromWords& words) {
    words[kEepromChecksumWord] = 0;
    words[kEepromChecksumWord] = static_cast<uint16_t>(kEepromSum - eeprom_sum(words));
}

bool load_eeprom_file(const std::string& path, EepromWords& words, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open " + path;
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() != kImageBytes) {
        error = path + " holds " + std::to_string(bytes.size()) + " bytes, not " + std::to_string(kImageBytes) +
                " (64 little-endian 16-bit words)";
        return false;
    }
    for (unsigned i = 0; i < kEepromWords; ++i)
        words[i] =
            static_cast<uint16_t>(static_cast<uint8_t>(bytes[2 * i]) | (static_cast<uint8_t>(bytes[2 * i + 1]) << 8));
    return true;
}

}  // namespace nicsim::nic
