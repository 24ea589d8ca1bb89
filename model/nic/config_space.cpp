#include "model/nic/config_space.h"

namespace nicsim::nic {

using namespace nicsim::pci;

ConfigSpace::ConfigSpace(bool capable_66mhz, uint16_t device_id) : m_66mhz(capable_66mhz), m_device(device_id) {
    power_on();
}

void ConfigSpace::power_on() {
    reset();
    m_pm_control = 0;
    m_pme_status = false;
}

uint16_t ConfigSpace::pmcsr() const {
    return static_cast<uint16_t>(m_power | m_pm_control | (m_pme_status ? kPmcsrPmeStatus : 0));
}

void ConfigSpace::reset() {
    m_power = kD0;
    m_pm_control &= kPmcsrPmeEn;
    m_command = 0;
    m_status = 0;
    m_cache_line = 0;
    m_latency = 0;
    m_bar0 = 0;
    m_bar2 = 0;
    m_int_line = 0;
}

uint32_t ConfigSpace::read(uint16_t offset) const {
    switch (offset & 0xFCu) {
        case 0x00:
            return kVendor | (static_cast<uint32_t>(m_device) << 16);
        case 0x04: {
            const uint16_t sts = static_cast<uint16_t>(m_status | cfg::kStsCapList | (m_66mhz ? cfg::kSts66MHz : 0) |
                                                       (static_cast<uint16_t>(m_devsel) << 9));
            return m_command | (static_cast<uint32_t>(sts) << 16);
        }
        case 0x08:
            return kRevision | (kClass << 8);
        case 0x0C:
            return m_cache_line | (static_cast<uint32_t>(m_latency) << 8);  // header type 0, no BIST
        case 0x10:
            return m_bar0;  // 32-bit, non-prefetchable memory: type/prefetch bits read 0
        case 0x18:
            return m_bar2 | cfg::kBarIo;
        case 0x2C:
            return kSubsysVendor | (static_cast<uint32_t>(kSubsysId) << 16);
        case cfg::kCapabilitiesPtr:
            return kCapPtr;
        case 0x3C:
            return m_int_line | (1u << 8) | (static_cast<uint32_t>(kMinGnt) << 16) |
                   (static_cast<uint32_t>(kMaxLat) << 24);  // interrupt pin 1 = INTA#
        case kCapPtr:
            return kPmCapId | (0u << 8) | (static_cast<uint32_t>(kPmc) << 16);  // next pointer 00h: the last entry
        case kCapPtr + 4:
            return pmcsr();  // PMCSR_BSE and Data read 0
        default:
            return 0;  // unimplemented BARs, expansion ROM
    }
}

unsigned ConfigSpace::write(uint16_t offset, uint32_t data, uint8_t be) {
    auto byte = [&](unsigned i) { return static_cast<uint8_t>(data >> (8 * i)); };
    auto merge = [&](uint32_t old) {
        uint32_t mask = 0;
        for (unsigned i = 0; i < 4; ++i)
            if (be & (1u << i)) mask |= 0xFFu << (8 * i);
        return (old & ~mask) | (data & mask);
    };
    unsigned changes = kNone;
    switch (offset & 0xFCu) {
        case 0x04: {
            if (be & 0x3) {
                const uint16_t old = m_command;
                const uint16_t v = static_cast<uint16_t>(merge(m_command) & kCommandWritable);
                m_command = v;
                if (v != old) changes |= kCommandChanged;
                if ((v ^ old) & cfg::kCmdMwiEnable) changes |= kMasterConfig;
                if ((v ^ old) & (cfg::kCmdMemSpace | cfg::kCmdIoSpace)) changes |= kDecode;
            }
            if (be & 0xC) {
                const uint16_t clear = static_cast<uint16_t>(merge(0) >> 16);
                m_status = static_cast<uint16_t>(m_status & ~(clear & kStatusW1C));
            }
            break;
        }
        case 0x0C:
            if (be & 0x1) m_cache_line = byte(0);
            if (be & 0x2) m_latency = byte(1);
            if (be & 0x3) changes |= kMasterConfig;
            break;
        case 0x10:
            m_bar0 = merge(m_bar0) & ~(kBar0Size - 1);
            changes |= kDecode;
            break;
        case 0x18:
            m_bar2 = merge(m_bar2) & ~(kBar2Size - 1);
            changes |= kDecode;
            break;
        case 0x3C:
            if (be & 0x1) m_int_line = byte(0);
            break;
        case kCapPtr + 4:
            if (be & 0x3) changes |= write_pmcsr(static_cast<uint16_t>(merge(pmcsr())), be);
            break;
        default:
            break;  // read-only or unimplemented: ignored
    }
    return changes;
}

// PMCSR: PowerState takes D0 and D3hot; D1 and D2, which the part does not support, leave it unchanged (PCI PM 1.1,
// section 3.2.4). PME_Status is write-1-to-clear.
unsigned ConfigSpace::write_pmcsr(uint16_t v, uint8_t be) {
    unsigned changes = kNone;
    if (be & 0x1) {
        const uint8_t state = static_cast<uint8_t>(v & kPmcsrPowerState);
        if ((state == kD0 || state == kD3hot) && state != m_power) {
            changes |= state == kD3hot ? kPowerDown : kPowerUp;
            m_power = state;
        }
    }
    if (be & 0x2) {
        m_pm_control = static_cast<uint16_t>(v & (kPmcsrPmeEn | kPmcsrDataSelect));
        if (v & kPmcsrPmeStatus) m_pme_status = false;
    }
    return changes;
}

int64_t ConfigSpace::memory_offset(uint64_t addr) const {
    if (!memory_enabled() || addr < m_bar0 || addr >= static_cast<uint64_t>(m_bar0) + kBar0Size) return -1;
    return static_cast<int64_t>(addr - m_bar0);
}

int64_t ConfigSpace::io_offset(uint64_t addr) const {
    if (!io_enabled() || addr < m_bar2 || addr >= static_cast<uint64_t>(m_bar2) + kBar2Size) return -1;
    return static_cast<int64_t>(addr - m_bar2);
}

}  // namespace nicsim::nic
