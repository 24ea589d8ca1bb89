// The 82540EM's PCI configuration space (type 0 header): identity, Command/Status, cache line size and latency
// timer, BAR0 (128 KiB memory, registers) and BAR2 (8-byte I/O window), interrupt line/pin, and the capabilities list
// with its one entry, PCI power management (8254x manual, section 6.3.3). Address decode of the memory and I/O windows
// follows the Command register and the power state (none in D3hot).
#pragma once

#include <cstdint>

#include "model/pci/pci_types.h"

namespace nicsim::nic {

class ConfigSpace {
  public:
    static constexpr uint16_t kVendor = 0x8086;         ///< Intel
    static constexpr uint16_t kDevice = 0x100E;         ///< 82540EM desktop
    static constexpr uint16_t kDevice82545em = 0x100F;  ///< 82545EM copper: the variant with a 64-bit data path
    static constexpr uint32_t kClass = 0x020000;        ///< network controller, Ethernet
    static constexpr uint8_t kRevision = 0x02;          ///< revision ID
    static constexpr uint16_t kSubsysVendor = 0x8086;   ///< subsystem vendor ID
    static constexpr uint16_t kSubsysId = 0x001E;       ///< subsystem ID
    static constexpr uint32_t kBar0Size = 128 * 1024;   ///< BAR0: 32-bit non-prefetchable memory
    static constexpr uint32_t kBar2Size = 8;            ///< BAR2: I/O (IOADDR, IODATA)
    static constexpr uint16_t kBar2 = 0x18;             ///< BAR2 offset
    static constexpr uint8_t kMinGnt = 0xFF;            ///< Min_Gnt
    static constexpr uint8_t kMaxLat = 0x00;            ///< Max_Lat
    // A PCI 2.2 device: Command bits 15:10 are reserved, so there is no Interrupt Disable (bit 10, PCI 2.3).
    static constexpr uint16_t kCommandWritable =
        pci::cfg::kCmdIoSpace | pci::cfg::kCmdMemSpace | pci::cfg::kCmdBusMaster | pci::cfg::kCmdMwiEnable |
        pci::cfg::kCmdParityResponse | pci::cfg::kCmdSerrEnable;  ///< implemented Command bits
    // Power management (8254x manual, section 6.3.3; PCI Bus Power Management Interface Specification 1.1). The
    // list has this one entry: the PCI-X capability the next pointer names on other 8254x parts (E4h) is not
    // applicable to the 82540EM, and the part has neither VPD nor MSI capabilities, so the next pointer is 00h.
    static constexpr uint8_t kCapPtr = 0xDC;   ///< Cap_Ptr (config 34h): the PM capability
    static constexpr uint8_t kPmCapId = 0x01;  ///< capability ID: PCI power management
    /// PMC: PME_Support 11001b (PME# from D0, D3hot, D3cold: auxiliary power present), D1/D2 not supported,
    /// Aux_Current 000b, DSI 1 (the driver must initialise the part after D0 uninitialised), PME_Clock 0, Version
    /// 010b (PCI PM 1.1).
    static constexpr uint16_t kPmc = 0xC822;
    static constexpr uint16_t kPmcsrPowerState = 0x0003;  ///< PowerState 1:0: 00b D0, 11b D3hot
    static constexpr uint16_t kPmcsrPmeEn = 0x0100;       ///< PME_En 8
    static constexpr uint16_t kPmcsrDataSelect = 0x1E00;  ///< Data_Select 12:9 (Data and Data_Scale read 0)
    static constexpr uint16_t kPmcsrPmeStatus = 0x8000;   ///< PME_Status 15, write 1 to clear
    static constexpr uint8_t kD0 = 0, kD3hot = 3;
    static constexpr uint16_t kStatusW1C = pci::cfg::kStsMasterDataParity | pci::cfg::kStsSignaledTargetAbort |
                                           pci::cfg::kStsReceivedTargetAbort | pci::cfg::kStsReceivedMasterAbort |
                                           pci::cfg::kStsSignaledSystemError |
                                           pci::cfg::kStsDetectedParity;  ///< write-1-to-clear Status bits

    /// What a configuration write changed, so the device can update its engines.
    enum Change : unsigned {
        kNone = 0,
        kCommandChanged = 1u << 0,  ///< Command register
        kMasterConfig = 1u << 1,    ///< cache line size, latency timer or MWI enable
        kDecode = 1u << 2,          ///< a BAR or a space enable
        kPowerDown = 1u << 3,       ///< PowerState went from D0 to D3hot
        kPowerUp = 1u << 4,         ///< PowerState went from D3hot to D0: the function resets (No_Soft_Reset 0)
    };

    explicit ConfigSpace(bool capable_66mhz = true, uint16_t device_id = kDevice);
    uint16_t device_id() const { return m_device; }

    /// PCI reset (RST#), and the internal reset of a D3hot to D0 transition: every register to its reset value but
    /// PME_En and PME_Status, which auxiliary power keeps (section 6.3.3).
    void reset();
    /// Power-on (LAN_PWR_GOOD): reset() and PME_En, PME_Status cleared.
    void power_on();
    /// Dword read at a dword-aligned offset 0..0xFC.
    uint32_t read(uint16_t offset) const;
    /// Dword write with byte enables (bit i = byte i); returns a mask of Change.
    unsigned write(uint16_t offset, uint32_t data, uint8_t byte_enables);

    uint16_t command() const { return m_command; }
    uint16_t status() const { return m_status; }
    /// Memory and I/O decode: the Command register's enables, and only in D0 (PCI PM 1.1, section 5.4: a function
    /// in D3hot answers configuration cycles only).
    bool memory_enabled() const { return (m_command & pci::cfg::kCmdMemSpace) != 0 && m_power == kD0; }
    bool io_enabled() const { return (m_command & pci::cfg::kCmdIoSpace) != 0 && m_power == kD0; }
    uint8_t power_state() const { return m_power; }
    bool powered_down() const { return m_power != kD0; }
    uint16_t pmcsr() const;
    bool bus_master() const { return (m_command & pci::cfg::kCmdBusMaster) != 0; }
    bool mwi_enabled() const { return (m_command & pci::cfg::kCmdMwiEnable) != 0; }
    bool parity_response() const { return (m_command & pci::cfg::kCmdParityResponse) != 0; }
    bool serr_enabled() const { return (m_command & pci::cfg::kCmdSerrEnable) != 0; }
    uint8_t cache_line_dwords() const { return m_cache_line; }
    uint8_t latency_timer() const { return m_latency; }
    uint8_t interrupt_line() const { return m_int_line; }
    uint32_t bar0() const { return m_bar0; }
    uint32_t bar2() const { return m_bar2; }

    /// Memory address inside BAR0 while Memory Space is enabled: the register offset; else -1.
    int64_t memory_offset(uint64_t addr) const;
    /// I/O address inside BAR2 while I/O Space is enabled: the offset 0..7; else -1.
    int64_t io_offset(uint64_t addr) const;

    /// Latch error bits in the Status register (the engines report them).
    void set_status_bits(uint16_t bits) { m_status = static_cast<uint16_t>(m_status | (bits & kStatusW1C)); }
    /// DEVSEL timing the target engine uses (Status bits 10:9).
    void set_devsel_timing(pci::DevselSpeed speed) { m_devsel = static_cast<uint8_t>(speed) & 3u; }

  private:
    unsigned write_pmcsr(uint16_t value, uint8_t byte_enables);

    bool m_66mhz;
    uint16_t m_device;
    uint8_t m_devsel = 0;
    uint16_t m_command = 0;
    uint16_t m_status = 0;
    uint8_t m_cache_line = 0;
    uint8_t m_latency = 0;
    uint32_t m_bar0 = 0;
    uint32_t m_bar2 = 0;
    uint8_t m_int_line = 0;
    uint8_t m_power = kD0;
    uint16_t m_pm_control = 0;  // PME_En, Data_Select
    bool m_pme_status = false;
};

}  // namespace nicsim::nic
