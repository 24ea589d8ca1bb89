// The 82540EM (8254x) programming model as the hardware model implements it: register offsets, bit fields,
// interrupt causes and descriptor layouts, used by model/nic and the tests. The miniport keeps its own view
// (hostdrv/miniport/e1000_hw.h); testbench/tests/layout checks it against this table. Plain C++17, no SystemC.
// Values from the 8254x Family Software Developer's Manual (Table 13-2, section 13.4, sections 3.2.3 and 3.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "model/common/le_bytes.h"

namespace nicsim::e1000 {

/// A bit field of a 32/64-bit register or descriptor word: Pos = lowest bit, Width = number of bits.
template <unsigned Pos, unsigned Width>
struct Field {
    static_assert(Width >= 1 && Pos + Width <= 64, "field outside a 64-bit word");
    static constexpr unsigned pos = Pos;
    static constexpr unsigned width = Width;
    static constexpr uint64_t mask64 = (Width == 64 ? ~0ull : ((1ull << Width) - 1)) << Pos;
    static constexpr uint32_t mask = static_cast<uint32_t>(mask64);  ///< the field's bits in a 32-bit register

    static constexpr uint64_t get64(uint64_t word) { return (word & mask64) >> Pos; }
    static constexpr uint32_t get(uint32_t word) { return static_cast<uint32_t>((word & mask) >> Pos); }
    static constexpr uint32_t set(uint32_t word, uint64_t value) {
        return static_cast<uint32_t>((word & ~mask) | ((value << Pos) & mask));
    }
    static constexpr uint64_t set64(uint64_t word, uint64_t value) {
        return (word & ~mask64) | ((value << Pos) & mask64);
    }
    static constexpr uint32_t make(uint64_t value) { return set(0u, value); }  ///< the field alone
};
/// A single bit.
template <unsigned Pos>
using Bit = Field<Pos, 1>;

// ---- Register offsets in BAR0 (memory) and through IOADDR/IODATA (I/O BAR2) ----
constexpr uint32_t kBar0Size = 128 * 1024;  // BAR0: register window, 128 KiB
constexpr uint32_t kBar2Size = 8;           // BAR2: I/O window, 8 bytes
constexpr uint32_t IOADDR = 0x00;           // I/O window: register offset to access
constexpr uint32_t IODATA = 0x04;           // I/O window: data of the register IOADDR selects

constexpr uint32_t CTRL = 0x0000;      // Device Control
constexpr uint32_t STATUS = 0x0008;    // Device Status (RO)
constexpr uint32_t EECD = 0x0010;      // EEPROM/Flash Control
constexpr uint32_t EERD = 0x0014;      // EEPROM Read
constexpr uint32_t CTRL_EXT = 0x0018;  // Extended Device Control
constexpr uint32_t MDIC = 0x0020;      // MDI Control
constexpr uint32_t FCAL = 0x0028;      // Flow Control Address Low
constexpr uint32_t FCAH = 0x002C;      // Flow Control Address High
constexpr uint32_t FCT = 0x0030;       // Flow Control Type
constexpr uint32_t VET = 0x0038;       // VLAN Ether Type
constexpr uint32_t ICR = 0x00C0;       // Interrupt Cause Read (read clears)
constexpr uint32_t ITR = 0x00C4;       // Interrupt Throttling, 256 ns units
constexpr uint32_t ICS = 0x00C8;       // Interrupt Cause Set (WO)
constexpr uint32_t IMS = 0x00D0;       // Interrupt Mask Set/Read
constexpr uint32_t IMC = 0x00D8;       // Interrupt Mask Clear (WO)
constexpr uint32_t RCTL = 0x0100;      // Receive Control
constexpr uint32_t FCTTV = 0x0170;     // Flow Control Transmit Timer Value
constexpr uint32_t TXCW = 0x0178;      // Transmit Configuration Word
constexpr uint32_t RXCW = 0x0180;      // Receive Configuration Word
constexpr uint32_t TCTL = 0x0400;      // Transmit Control
constexpr uint32_t TIPG = 0x0410;      // Transmit Inter-Packet Gap
constexpr uint32_t AIT = 0x0458;       // Adaptive IFS Throttle, 8 ns units
constexpr uint32_t LEDCTL = 0x0E00;    // LED Control
constexpr uint32_t PBA = 0x1000;       // Packet Buffer Allocation
constexpr uint32_t FCRTL = 0x2160;     // Flow Control Receive Threshold Low
constexpr uint32_t FCRTH = 0x2168;     // Flow Control Receive Threshold High
constexpr uint32_t RDFH = 0x2410;      // RX Data FIFO Head (diagnostic)
constexpr uint32_t RDFT = 0x2418;      // RX Data FIFO Tail (diagnostic)
constexpr uint32_t RDFHS = 0x2420;     // RX Data FIFO Head Saved (diagnostic)
constexpr uint32_t RDFTS = 0x2428;     // RX Data FIFO Tail Saved (diagnostic)
constexpr uint32_t RDFPC = 0x2430;     // RX Data FIFO Packet Count (diagnostic)
constexpr uint32_t RDBAL = 0x2800;     // RX Descriptor Base Address Low
constexpr uint32_t RDBAH = 0x2804;     // RX Descriptor Base Address High
constexpr uint32_t RDLEN = 0x2808;     // RX Descriptor ring Length in bytes (multiple of 128)
constexpr uint32_t RDH = 0x2810;       // RX Descriptor Head
constexpr uint32_t RDT = 0x2818;       // RX Descriptor Tail
constexpr uint32_t RDTR = 0x2820;      // RX Delay Timer, 1.024 us units
constexpr uint32_t RXDCTL = 0x2828;    // RX Descriptor Control (prefetch/write-back thresholds)
constexpr uint32_t RADV = 0x282C;      // RX Absolute interrupt Delay Value, 1.024 us units
constexpr uint32_t RSRPD = 0x2C00;     // RX Small Packet Detect
constexpr uint32_t TXDMAC = 0x3000;    // TX DMA Control
constexpr uint32_t TDFH = 0x3410;      // TX Data FIFO Head (diagnostic)
constexpr uint32_t TDFT = 0x3418;      // TX Data FIFO Tail (diagnostic)
constexpr uint32_t TDFHS = 0x3420;     // TX Data FIFO Head Saved (diagnostic)
constexpr uint32_t TDFTS = 0x3428;     // TX Data FIFO Tail Saved (diagnostic)
constexpr uint32_t TDFPC = 0x3430;     // TX Data FIFO Packet Count (diagnostic)
constexpr uint32_t TDBAL = 0x3800;     // TX Descriptor Base Address Low
constexpr uint32_t TDBAH = 0x3804;     // TX Descriptor Base Address High
constexpr uint32_t TDLEN = 0x3808;     // TX Descriptor ring Length in bytes (multiple of 128)
constexpr uint32_t TDH = 0x3810;       // TX Descriptor Head
constexpr uint32_t TDT = 0x3818;       // TX Descriptor Tail
constexpr uint32_t TIDV = 0x3820;      // TX Interrupt Delay Value, 1.024 us units
constexpr uint32_t TXDCTL = 0x3828;    // TX Descriptor Control (prefetch/write-back thresholds)
constexpr uint32_t TADV = 0x382C;      // TX Absolute interrupt Delay Value, 1.024 us units
constexpr uint32_t TSPMT = 0x3830;     // TCP Segmentation Pad and Minimum Threshold
constexpr uint32_t RXCSUM = 0x5000;    // RX Checksum Control
constexpr uint32_t MTA = 0x5200;       // Multicast Table Array, 128 dwords to 0x53FC
constexpr unsigned kMtaEntries = 128;  // MTA dwords
constexpr uint32_t RAL0 = 0x5400;      // Receive Address Low, entry 0
constexpr uint32_t RAH0 = 0x5404;      // Receive Address High, entry 0
constexpr unsigned kRaEntries = 16;    // RAL/RAH pairs (8 bytes apart)
constexpr uint32_t VFTA = 0x5600;      // VLAN Filter Table Array, 128 dwords
constexpr uint32_t WUC = 0x5800;       // Wake Up Control
constexpr uint32_t WUFC = 0x5808;      // Wake Up Filter Control
constexpr uint32_t WUS = 0x5810;       // Wake Up Status (write 1 to clear)
constexpr uint32_t MANC = 0x5820;      // Management Control
constexpr uint32_t IPAV = 0x5838;      // IP Address Valid
constexpr uint32_t IP4AT = 0x5840;     // IPv4 Address Table, 4 entries 8 bytes apart
constexpr uint32_t IP6AT = 0x5880;     // IPv6 Address Table, 4 dwords
constexpr uint32_t WUPL = 0x5900;      // Wake Up Packet Length
constexpr uint32_t WUPM = 0x5A00;      // Wake Up Packet Memory, 32 dwords
constexpr uint32_t FFLT = 0x5F00;      // Flexible Filter Length Table, 4 entries 8 bytes apart
constexpr uint32_t FFMT = 0x9000;      // Flexible Filter Mask Table, 128 entries 8 bytes apart
constexpr uint32_t FFVT = 0x9800;      // Flexible Filter Value Table, 128 entries 8 bytes apart
constexpr uint32_t PBM = 0x10000;      // Packet Buffer Memory (diagnostic), 16384 dwords to 0x1FFFC

// ---- Registers of other 8254x/8257x parts that drivers for the family touch (not on the 82540EM) ----
constexpr uint32_t FLA = 0x001C;       // Flash Access (82541xx, 82547xx)
constexpr uint32_t IAM = 0x00E0;       // Interrupt Acknowledge Auto Mask (8257x)
constexpr uint32_t TARC0 = 0x3840;     // TX Arbitration Count 0 (8257x)
constexpr uint32_t IAC = 0x4100;       // Interrupt Assertion Count (8257x)
constexpr uint32_t ICRXPTC = 0x4104;   // Interrupt Cause RX Packet Timer Expire Count (8257x)
constexpr uint32_t ICRXATC = 0x4108;   // Interrupt Cause RX Absolute Timer Expire Count (8257x)
constexpr uint32_t ICTXPTC = 0x410C;   // Interrupt Cause TX Packet Timer Expire Count (8257x)
constexpr uint32_t ICTXATC = 0x4110;   // Interrupt Cause TX Absolute Timer Expire Count (8257x)
constexpr uint32_t ICTXQEC = 0x4118;   // Interrupt Cause TX Queue Empty Count (8257x)
constexpr uint32_t ICTXQMTC = 0x411C;  // Interrupt Cause TX Queue Minimum Threshold Count (8257x)
constexpr uint32_t ICRXDMTC = 0x4120;  // Interrupt Cause RX Descriptor Minimum Threshold Count (8257x)
constexpr uint32_t ICRXOC = 0x4124;    // Interrupt Cause Receiver Overrun Count (8257x)
constexpr uint32_t TLPIC = 0x4148;     // EEE TX LPI Count (later parts)
constexpr uint32_t RLPIC = 0x414C;     // EEE RX LPI Count (later parts)
constexpr uint32_t MANC2H = 0x5860;    // Management Control To Host (8257x)
constexpr uint32_t GCR = 0x5B00;       // PCI Express Control (8257x)
constexpr uint32_t SWSM = 0x5B50;      // Software Semaphore (8257x)
constexpr uint32_t FWSM = 0x5B54;      // Firmware Semaphore (8257x)

constexpr uint32_t ral_n(unsigned n) {
    return RAL0 + 8 * n;
}  // Receive Address Low n
constexpr uint32_t rah_n(unsigned n) {
    return RAH0 + 8 * n;
}  // Receive Address High n
constexpr uint32_t mta_n(unsigned n) {
    return MTA + 4 * n;
}  // Multicast Table Array dword n

// ---- Statistics counters (all read-clear; 64-bit octet counters as low/high pairs, low first) ----
constexpr uint32_t CRCERRS = 0x4000;       // CRC Error Count
constexpr uint32_t ALGNERRC = 0x4004;      // Alignment Error Count
constexpr uint32_t SYMERRS = 0x4008;       // Symbol Error Count
constexpr uint32_t RXERRC = 0x400C;        // RX Error Count
constexpr uint32_t MPC = 0x4010;           // Missed Packets Count
constexpr uint32_t SCC = 0x4014;           // Single Collision Count
constexpr uint32_t ECOL = 0x4018;          // Excessive Collisions Count
constexpr uint32_t MCC = 0x401C;           // Multiple Collision Count
constexpr uint32_t LATECOL = 0x4020;       // Late Collisions Count
constexpr uint32_t COLC = 0x4028;          // Collision Count
constexpr uint32_t DC = 0x4030;            // Defer Count
constexpr uint32_t TNCRS = 0x4034;         // Transmit with No CRS
constexpr uint32_t SEC = 0x4038;           // Sequence Error Count
constexpr uint32_t CEXTERR = 0x403C;       // Carrier Extension Error Count
constexpr uint32_t RLEC = 0x4040;          // Receive Length Error Count
constexpr uint32_t XONRXC = 0x4048;        // XON Received Count
constexpr uint32_t XONTXC = 0x404C;        // XON Transmitted Count
constexpr uint32_t XOFFRXC = 0x4050;       // XOFF Received Count
constexpr uint32_t XOFFTXC = 0x4054;       // XOFF Transmitted Count
constexpr uint32_t FCRUC = 0x4058;         // FC Received Unsupported Count
constexpr uint32_t PRC64 = 0x405C;         // Packets Received, 64 bytes
constexpr uint32_t PRC127 = 0x4060;        // Packets Received, 65-127 bytes
constexpr uint32_t PRC255 = 0x4064;        // Packets Received, 128-255 bytes
constexpr uint32_t PRC511 = 0x4068;        // Packets Received, 256-511 bytes
constexpr uint32_t PRC1023 = 0x406C;       // Packets Received, 512-1023 bytes
constexpr uint32_t PRC1522 = 0x4070;       // Packets Received, 1024-1522 bytes
constexpr uint32_t GPRC = 0x4074;          // Good Packets Received Count
constexpr uint32_t BPRC = 0x4078;          // Broadcast Packets Received Count
constexpr uint32_t MPRC = 0x407C;          // Multicast Packets Received Count
constexpr uint32_t GPTC = 0x4080;          // Good Packets Transmitted Count
constexpr uint32_t GORCL = 0x4088;         // Good Octets Received Count, low
constexpr uint32_t GORCH = 0x408C;         // Good Octets Received Count, high
constexpr uint32_t GOTCL = 0x4090;         // Good Octets Transmitted Count, low
constexpr uint32_t GOTCH = 0x4094;         // Good Octets Transmitted Count, high
constexpr uint32_t RNBC = 0x40A0;          // Receive No Buffers Count
constexpr uint32_t RUC = 0x40A4;           // Receive Undersize Count
constexpr uint32_t RFC = 0x40A8;           // Receive Fragment Count
constexpr uint32_t ROC = 0x40AC;           // Receive Oversize Count
constexpr uint32_t RJC = 0x40B0;           // Receive Jabber Count
constexpr uint32_t MGTPRC = 0x40B4;        // Management Packets Received Count
constexpr uint32_t MGTPDC = 0x40B8;        // Management Packets Dropped Count
constexpr uint32_t MGTPTC = 0x40BC;        // Management Packets Transmitted Count
constexpr uint32_t TORL = 0x40C0;          // Total Octets Received, low
constexpr uint32_t TORH = 0x40C4;          // Total Octets Received, high
constexpr uint32_t TOTL = 0x40C8;          // Total Octets Transmitted, low
constexpr uint32_t TOTH = 0x40CC;          // Total Octets Transmitted, high
constexpr uint32_t TPR = 0x40D0;           // Total Packets Received
constexpr uint32_t TPT = 0x40D4;           // Total Packets Transmitted
constexpr uint32_t PTC64 = 0x40D8;         // Packets Transmitted, 64 bytes
constexpr uint32_t PTC127 = 0x40DC;        // Packets Transmitted, 65-127 bytes
constexpr uint32_t PTC255 = 0x40E0;        // Packets Transmitted, 128-255 bytes
constexpr uint32_t PTC511 = 0x40E4;        // Packets Transmitted, 256-511 bytes
constexpr uint32_t PTC1023 = 0x40E8;       // Packets Transmitted, 512-1023 bytes
constexpr uint32_t PTC1522 = 0x40EC;       // Packets Transmitted, 1024-1522 bytes
constexpr uint32_t MPTC = 0x40F0;          // Multicast Packets Transmitted Count
constexpr uint32_t BPTC = 0x40F4;          // Broadcast Packets Transmitted Count
constexpr uint32_t TSCTC = 0x40F8;         // TCP Segmentation Context Transmitted Count
constexpr uint32_t TSCTFC = 0x40FC;        // TCP Segmentation Context Transmit Fail Count
constexpr uint32_t kStatsFirst = CRCERRS;  // first statistics register
constexpr uint32_t kStatsLast = TSCTFC;    // last statistics register

// ---- CTRL ----
namespace ctrl {
using FD = Bit<0>;          // Full Duplex
using LRST = Bit<3>;        // Link Reset
using ASDE = Bit<5>;        // Auto-Speed Detection Enable
using SLU = Bit<6>;         // Set Link Up
using ILOS = Bit<7>;        // Invert Loss-Of-Signal
using SPEED = Field<8, 2>;  // Speed selection (00 10, 01 100, 10 1000 Mb/s)
using FRCSPD = Bit<11>;     // Force Speed
using FRCDPLX = Bit<12>;    // Force Duplex
using RST = Bit<26>;        // Device Reset (self-clearing)
using RFCE = Bit<27>;       // Receive Flow Control Enable
using TFCE = Bit<28>;       // Transmit Flow Control Enable
using VME = Bit<30>;        // VLAN Mode Enable
using PHY_RST = Bit<31>;    // PHY Reset
}  // namespace ctrl

// ---- STATUS ----
namespace status {
using FD = Bit<0>;                  // Full Duplex
using LU = Bit<1>;                  // Link Up
using FUNC_ID = Field<2, 2>;        // Function ID
using TXOFF = Bit<4>;               // Transmission paused (flow control)
using TBIMODE = Bit<5>;             // TBI mode
using SPEED = Field<6, 2>;          // Link speed (00 10, 01 100, 10/11 1000 Mb/s)
using ASDV = Field<8, 2>;           // Auto-speed detection value
using PCI66 = Bit<11>;              // PCI bus speed is 66 MHz
using BUS64 = Bit<12>;              // PCI bus is 64 bits wide
using PCIX_MODE = Bit<13>;          // PCI-X mode
constexpr uint32_t kSpeed10 = 0;    // SPEED value for 10 Mb/s
constexpr uint32_t kSpeed100 = 1;   // SPEED value for 100 Mb/s
constexpr uint32_t kSpeed1000 = 2;  // SPEED value for 1000 Mb/s
}  // namespace status

// ---- EECD / EERD ----
namespace eecd {
using SK = Bit<0>;                    // clock to the EEPROM (software drives it while granted)
using CS = Bit<1>;                    // chip select
using DI = Bit<2>;                    // data to the EEPROM
using DO = Bit<3>;                    // data from the EEPROM (read-only)
using FWE = Field<4, 2>;              // Flash write enable control (01b: writes disabled, 10b: enabled)
using EE_REQ = Bit<6>;                // software requests direct access to the EEPROM pins
using EE_GNT = Bit<7>;                // access granted (read-only)
using EE_PRES = Bit<8>;               // EEPROM present (read-only)
using EE_SIZE = Bit<9>;               // 0: 64-word part (6 address bits), 1: 256-word part (8 address bits) (read-only)
constexpr uint32_t kFweDisabled = 1;  // FWE reset value
}  // namespace eecd
namespace eerd {
using START = Bit<0>;        // Start Read
using DONE = Bit<4>;         // Read Done
using ADDR = Field<8, 8>;    // word address
using DATA = Field<16, 16>;  // word read
}  // namespace eerd
constexpr unsigned kEepromWords = 64;           // 82540EM: 64 x 16-bit words (Microwire, 1 Kbit)
constexpr uint16_t kEepromChecksumWord = 0x3F;  // word making the sum of words 0..0x3F equal kEepromSum
constexpr uint16_t kEepromSum = 0xBABA;         // sum of words 0..0x3F of a valid EEPROM
// Microwire (93C46) opcodes, sent after the start bit, MSB first (8254x SDM section 5.3).
constexpr unsigned kEeOpcodeBits = 2;
constexpr uint32_t kEeOpRead = 0x2;     // 10b: read a word (start bit + opcode = 110b)
constexpr uint32_t kEeOpWrite = 0x1;    // 01b: write a word
constexpr uint32_t kEeOpErase = 0x3;    // 11b: erase a word to 0xFFFF
constexpr uint32_t kEeOpMisc = 0x0;     // 00b: EWEN/EWDS/ERAL/WRAL by the two top address bits
constexpr unsigned kEeAddressBits = 6;  // 64-word part (EECD.EE_SIZE = 0)
// EEPROM words the driver reads (8254x SDM section 5.6).
constexpr uint16_t kEeWordCompat = 0x03;     // compatibility
constexpr uint16_t kEeWordIdLed = 0x04;      // ID LED settings
constexpr uint16_t kEeWordVersion = 0x05;    // EEPROM image version
constexpr uint16_t kEeWordPba0 = 0x08;       // printed board assembly number, high
constexpr uint16_t kEeWordPba1 = 0x09;       // printed board assembly number, low
constexpr uint16_t kEeWordInitCtrl1 = 0x0A;  // initialization control 1 (signature 15:14 = 01b)
constexpr uint16_t kEeWordSubsysId = 0x0B;   // subsystem ID
constexpr uint16_t kEeWordSubsysVid = 0x0C;  // subsystem vendor ID
constexpr uint16_t kEeWordDeviceId = 0x0D;   // device ID
constexpr uint16_t kEeWordVendorId = 0x0E;   // vendor ID
constexpr uint16_t kEeWordInitCtrl2 = 0x0F;  // initialization control 2 (pause bits 13:12)
constexpr uint16_t kEeWordInitCtrl3 = 0x24;  // initialization control 3 / APM (APM enable bit 10)

// ---- MDIC and the PHY behind it (8254x SDM sections 13.4.7 and 13.5) ----
namespace mdic {
using DATA = Field<0, 16>;    // data to write / data read
using REGADD = Field<16, 5>;  // PHY register
using PHYADD = Field<21, 5>;  // PHY address (the 82540EM's PHY answers at 1)
using OP = Field<26, 2>;      // 01b write, 10b read
using R = Bit<28>;            // ready: the access completed
using I = Bit<29>;            // raise ICR.MDAC on completion
using E = Bit<30>;            // error: no PHY answered a read, or a bad opcode
constexpr uint32_t kOpWrite = 1;
constexpr uint32_t kOpRead = 2;
}  // namespace mdic
constexpr unsigned kPhyAddress = 1;  // the internal PHY's MDIO address
namespace phy {
constexpr unsigned BMCR = 0;       // control
constexpr unsigned BMSR = 1;       // status
constexpr unsigned ID1 = 2;        // PHY identifier, OUI bits 3..18
constexpr unsigned ID2 = 3;        // PHY identifier, OUI bits 19..24, model, revision
constexpr unsigned ANAR = 4;       // autonegotiation advertisement
constexpr unsigned ANLPAR = 5;     // link partner ability
constexpr unsigned ANER = 6;       // autonegotiation expansion
constexpr unsigned NPTX = 7;       // next page transmit
constexpr unsigned LPNP = 8;       // link partner next page
constexpr unsigned GCR = 9;        // 1000BASE-T control
constexpr unsigned GSR = 10;       // 1000BASE-T status
constexpr unsigned EXTSR = 15;     // extended status
constexpr unsigned PSCR = 16;      // Marvell PHY specific control
constexpr unsigned PSSR = 17;      // Marvell PHY specific status
constexpr unsigned PIER = 18;      // Marvell interrupt enable
constexpr unsigned PISR = 19;      // Marvell interrupt status
constexpr unsigned EPSCR = 20;     // Marvell extended PHY specific control
constexpr unsigned RXERR = 21;     // Marvell receive error counter
constexpr unsigned LEDCTL = 24;    // Marvell LED control
constexpr uint16_t kId1 = 0x0141;  // Marvell OUI
constexpr uint16_t kId2 = 0x0C20;  // 88E1011 model, revision 0 (drivers mask the revision, bits 3:0)
namespace bmcr {
constexpr uint16_t SPEED_MSB = 1u << 6;   // with SPEED_LSB: 00 10, 01 100, 10 1000 Mb/s (forced)
constexpr uint16_t DUPLEX = 1u << 8;      // full duplex (forced)
constexpr uint16_t RESTART_AN = 1u << 9;  // self-clearing
constexpr uint16_t ISOLATE = 1u << 10;
constexpr uint16_t POWER_DOWN = 1u << 11;
constexpr uint16_t AN_ENABLE = 1u << 12;
constexpr uint16_t SPEED_LSB = 1u << 13;
constexpr uint16_t LOOPBACK = 1u << 14;
constexpr uint16_t RESET = 1u << 15;  // self-clearing
}  // namespace bmcr
namespace bmsr {
constexpr uint16_t EXT_CAP = 1u << 0;
constexpr uint16_t LINK = 1u << 2;  // latches low (IEEE 802.3 clause 22.2.4.2.13)
constexpr uint16_t AN_ABILITY = 1u << 3;
constexpr uint16_t AN_COMPLETE = 1u << 5;
constexpr uint16_t PREAMBLE_SUPP = 1u << 6;
constexpr uint16_t EXT_STATUS = 1u << 8;
constexpr uint16_t ABILITIES = 0x7800;  // 100BASE-TX FD/HD, 10BASE-T FD/HD
}  // namespace bmsr
namespace anar {
constexpr uint16_t SELECTOR_8023 = 0x0001;
constexpr uint16_t A10HD = 1u << 5;
constexpr uint16_t A10FD = 1u << 6;
constexpr uint16_t A100HD = 1u << 7;
constexpr uint16_t A100FD = 1u << 8;
constexpr uint16_t PAUSE = 1u << 10;
constexpr uint16_t ASM_DIR = 1u << 11;
constexpr uint16_t ACK = 1u << 14;  // ANLPAR: the partner acknowledged our page
constexpr uint16_t NEXT_PAGE = 1u << 15;
}  // namespace anar
namespace gcr {
constexpr uint16_t A1000HD = 1u << 8;
constexpr uint16_t A1000FD = 1u << 9;
}  // namespace gcr
namespace gsr {
constexpr uint16_t LP1000HD = 1u << 10;
constexpr uint16_t LP1000FD = 1u << 11;
constexpr uint16_t REMOTE_RX_OK = 1u << 12;
constexpr uint16_t LOCAL_RX_OK = 1u << 13;
constexpr uint16_t MASTER = 1u << 14;  // master/slave resolution: 1 master
}  // namespace gsr
namespace pssr {
constexpr uint16_t LINK = 1u << 10;      // real-time link
constexpr uint16_t RESOLVED = 1u << 11;  // speed and duplex resolved
constexpr uint16_t DUPLEX = 1u << 13;    // full duplex
using SPEED = Field<14, 2>;              // 00 10, 01 100, 10 1000 Mb/s
}  // namespace pssr
}  // namespace phy

// ---- Interrupt causes (ICR/ICS/IMS/IMC) ----
namespace icr {
constexpr uint32_t TXDW = 1u << 0;      // Transmit Descriptor Written back
constexpr uint32_t TXQE = 1u << 1;      // Transmit Queue Empty
constexpr uint32_t LSC = 1u << 2;       // Link Status Change
constexpr uint32_t RXSEQ = 1u << 3;     // Receive Sequence error
constexpr uint32_t RXDMT0 = 1u << 4;    // Receive Descriptor Minimum Threshold reached
constexpr uint32_t RXO = 1u << 6;       // Receiver Overrun
constexpr uint32_t RXT0 = 1u << 7;      // Receiver Timer interrupt
constexpr uint32_t MDAC = 1u << 9;      // MDI/O Access Complete
constexpr uint32_t RXCFG = 1u << 10;    // Receiving /C/ ordered sets
constexpr uint32_t GPI_EN0 = 1u << 11;  // General Purpose Interrupt 0 (SDP6)
constexpr uint32_t GPI_EN1 = 1u << 12;  // General Purpose Interrupt 1 (SDP7)
constexpr uint32_t GPI_EN2 = 1u << 13;  // General Purpose Interrupt 2
constexpr uint32_t GPI_EN3 = 1u << 14;  // General Purpose Interrupt 3
constexpr uint32_t TXD_LOW = 1u << 15;  // Transmit Descriptor Low threshold hit
constexpr uint32_t SRPD = 1u << 16;     // Small Receive Packet Detected
// Reserved bits 5 and 8 latch too: ICS sets them like any other cause (the 8254x drivers' interrupt self-test forces
// each of bits 0-9 through ICS and expects it in ICR).
constexpr uint32_t kValid = 0x0001FFFFu;  // the cause bits ICR latches and IMS holds: 16:0
}  // namespace icr

// ---- ITR and delay timers ----
namespace itr {
using INTERVAL = Field<0, 16>;     // minimum inter-interrupt interval, 256 ns units (0 = no throttling)
constexpr uint32_t kUnitNs = 256;  // one ITR unit
}  // namespace itr
namespace delay {
using VALUE = Field<0, 16>;         // TIDV/TADV/RDTR/RADV delay, 1.024 us units
using FPD = Bit<31>;                // RDTR/TIDV: Flush Partial Descriptor block (write-only, self-clearing)
constexpr uint32_t kUnitNs = 1024;  // one delay-timer unit
}  // namespace delay

// ---- RCTL ----
namespace rctl {
using EN = Bit<1>;           // Receiver Enable
using SBP = Bit<2>;          // Store Bad Packets
using UPE = Bit<3>;          // Unicast Promiscuous Enable
using MPE = Bit<4>;          // Multicast Promiscuous Enable
using LPE = Bit<5>;          // Long Packet reception Enable
using LBM = Field<6, 2>;     // Loopback Mode
using RDMTS = Field<8, 2>;   // RX Descriptor Minimum Threshold Size (1/2, 1/4, 1/8 of RDLEN)
using MO = Field<12, 2>;     // Multicast Offset (MTA bits used)
using BAM = Bit<15>;         // Broadcast Accept Mode
using BSIZE = Field<16, 2>;  // Receive Buffer Size (00 2048, 01 1024, 10 512, 11 256; x16 with BSEX)
using VFE = Bit<18>;         // VLAN Filter Enable
using CFIEN = Bit<19>;       // Canonical Form Indicator Enable
using CFI = Bit<20>;         // Canonical Form Indicator value
using DPF = Bit<22>;         // Discard Pause Frames
using PMCF = Bit<23>;        // Pass MAC Control Frames
using BSEX = Bit<25>;        // Buffer Size Extension
using SECRC = Bit<26>;       // Strip Ethernet CRC
/// Receive buffer size in bytes from RCTL.BSIZE/BSEX (BSEX with BSIZE=00 is reserved: 0).
constexpr uint32_t buffer_bytes(uint32_t rctl_value) {
    const uint32_t b = BSIZE::get(rctl_value);
    if (BSEX::get(rctl_value)) return b == 0 ? 0u : (32768u >> b);  // 01 16384, 10 8192, 11 4096
    return 2048u >> b;
}
}  // namespace rctl

// ---- TCTL ----
namespace tctl {
using EN = Bit<1>;           // Transmit Enable
using PSP = Bit<3>;          // Pad Short Packets
using CT = Field<4, 8>;      // Collision Threshold
using COLD = Field<12, 10>;  // Collision Distance
using SWXOFF = Bit<22>;      // Software XOFF transmission
using RTLC = Bit<24>;        // Re-transmit on Late Collision
using NRTU = Bit<25>;        // No Re-transmit on Underrun
}  // namespace tctl

// ---- TXDCTL / RXDCTL ----
namespace dctl {
using PTHRESH = Field<0, 6>;    // Prefetch Threshold
using HTHRESH = Field<8, 6>;    // Host Threshold
using WTHRESH = Field<16, 6>;   // Write-back Threshold
using GRAN = Bit<24>;           // Granularity (1 = descriptors, 0 = cache lines)
using LWTHRESH = Field<25, 7>;  // TXDCTL: Transmit descriptor Low Threshold (TXD_LOW)
}  // namespace dctl

// ---- RAH ----
namespace rahf {
using RAH = Field<0, 16>;   // Receive Address bytes 5:4
using ASEL = Field<16, 2>;  // Address Select (00 destination)
using AV = Bit<31>;         // Address Valid
}  // namespace rahf

// ---- Reset values of the registers the model implements ----
// CTRL: not confirmed against the manual (section 13.4.1's table was not available): SLU clear, the driver sets link
// up; no bits taken from the EEPROM's initialization control words.
constexpr uint32_t kCtrlReset = 0x00000000;
constexpr uint32_t kRctlReset = 0x00000000;    // RCTL
constexpr uint32_t kTctlReset = 0x00000000;    // TCTL
constexpr uint32_t kTxdctlReset = 0x00000000;  // TXDCTL: every field 0 (8254x manual, Table 13-86)
// RXDCTL: PTHRESH and HTHRESH 0 (8254x manual, Table 13-87); GRAN 1 (descriptors) and WTHRESH 1 are not confirmed
// against the manual (the table's rows for them were not available), they are what gem5's 8254x model uses.
constexpr uint32_t kRxdctlReset = 0x01010000;
constexpr uint32_t kItrReset = 0x00000000;  // ITR: no throttling

// ---- Descriptors (16 bytes, little-endian in host memory) ----
namespace detail {
inline uint16_t ld16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t ld32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
           (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t ld64(const uint8_t* p) {
    return load_le64(p);
}
inline void st16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
inline void st32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void st64(uint8_t* p, uint64_t v) {
    store_le64(p, v);
}
}  // namespace detail

constexpr unsigned kDescBytes = 16;        // every descriptor is 16 bytes
constexpr unsigned kRingAlignBytes = 128;  // TDLEN/RDLEN granularity (8 descriptors)

/// Raw 16 bytes as they sit in host memory; the typed views below read and write them little-endian.
struct RawDesc {
    uint8_t b[kDescBytes] = {};
};
static_assert(sizeof(RawDesc) == 16, "descriptor size");

/// Legacy transmit descriptor.
struct TxDesc {
    uint8_t b[kDescBytes] = {};
    // CMD bits [95:88]
    static constexpr uint8_t kCmdEop = 1u << 0;   // End Of Packet
    static constexpr uint8_t kCmdIfcs = 1u << 1;  // Insert FCS
    static constexpr uint8_t kCmdIc = 1u << 2;    // Insert Checksum (CSO/CSS)
    static constexpr uint8_t kCmdRs = 1u << 3;    // Report Status (write DD back)
    static constexpr uint8_t kCmdRps = 1u << 4;   // Report Packet Sent
    static constexpr uint8_t kCmdDext = 1u << 5;  // Descriptor Extension (0 = legacy)
    static constexpr uint8_t kCmdVle = 1u << 6;   // VLAN Packet Enable
    static constexpr uint8_t kCmdIde = 1u << 7;   // Interrupt Delay Enable (TIDV)
    // STA bits [99:96]
    static constexpr uint8_t kStaDd = 1u << 0;  // Descriptor Done
    static constexpr uint8_t kStaEc = 1u << 1;  // Excess Collisions
    static constexpr uint8_t kStaLc = 1u << 2;  // Late Collision
    static constexpr uint8_t kStaTu = 1u << 3;  // Transmit Underrun

    uint64_t addr() const { return detail::ld64(b + 0); }               // buffer address [63:0]
    uint16_t length() const { return detail::ld16(b + 8); }             // length [79:64]
    uint8_t cso() const { return b[10]; }                               // checksum offset [87:80]
    uint8_t cmd() const { return b[11]; }                               // command [95:88]
    uint8_t sta() const { return static_cast<uint8_t>(b[12] & 0x0F); }  // status [99:96]
    uint8_t css() const { return b[13]; }                               // checksum start [111:104]
    uint16_t special() const { return detail::ld16(b + 14); }           // special / VLAN [127:112]
    void set_addr(uint64_t v) { detail::st64(b + 0, v); }
    void set_length(uint16_t v) { detail::st16(b + 8, v); }
    void set_cso(uint8_t v) { b[10] = v; }
    void set_cmd(uint8_t v) { b[11] = v; }
    void set_sta(uint8_t v) { b[12] = static_cast<uint8_t>((b[12] & 0xF0) | (v & 0x0F)); }
    void set_css(uint8_t v) { b[13] = v; }
    void set_special(uint16_t v) { detail::st16(b + 14, v); }
};
static_assert(sizeof(TxDesc) == 16, "legacy TX descriptor is 16 bytes");

/// Descriptor type (DTYP) of extended TX descriptors.
constexpr uint8_t kDtypContext = 0x0;  // TCP/IP context descriptor
constexpr uint8_t kDtypData = 0x1;     // TCP/IP data descriptor

/// TCP/IP context descriptor (DEXT=1, DTYP=0000).
struct TxContextDesc {
    uint8_t b[kDescBytes] = {};
    using PAYLEN = Field<0, 20>;                    // dword 2: payload length (TSO)
    using DTYP = Field<20, 4>;                      // dword 2: descriptor type
    using TUCMD = Field<24, 8>;                     // dword 2: command
    static constexpr uint8_t kTucmdTcp = 1u << 0;   // packet is TCP (else UDP)
    static constexpr uint8_t kTucmdIp = 1u << 1;    // packet is IPv4 (else IPv6)
    static constexpr uint8_t kTucmdTse = 1u << 2;   // TCP Segmentation Enable
    static constexpr uint8_t kTucmdRs = 1u << 3;    // Report Status
    static constexpr uint8_t kTucmdDext = 1u << 5;  // Descriptor Extension (1)
    static constexpr uint8_t kTucmdIde = 1u << 7;   // Interrupt Delay Enable
    static constexpr uint8_t kStaDd = 1u << 0;      // Descriptor Done

    uint8_t ipcss() const { return b[0]; }                    // IP checksum start
    uint8_t ipcso() const { return b[1]; }                    // IP checksum offset
    uint16_t ipcse() const { return detail::ld16(b + 2); }    // IP checksum end (0 = to end of packet)
    uint8_t tucss() const { return b[4]; }                    // TCP/UDP checksum start
    uint8_t tucso() const { return b[5]; }                    // TCP/UDP checksum offset
    uint16_t tucse() const { return detail::ld16(b + 6); }    // TCP/UDP checksum end (0 = to end)
    uint32_t cmd_len() const { return detail::ld32(b + 8); }  // PAYLEN, DTYP, TUCMD
    uint32_t paylen() const { return PAYLEN::get(cmd_len()); }
    uint8_t dtyp() const { return static_cast<uint8_t>(DTYP::get(cmd_len())); }
    uint8_t tucmd() const { return static_cast<uint8_t>(TUCMD::get(cmd_len())); }
    uint8_t sta() const { return static_cast<uint8_t>(b[12] & 0x0F); }  // status
    uint8_t hdrlen() const { return b[13]; }                            // header length (TSO)
    uint16_t mss() const { return detail::ld16(b + 14); }               // maximum segment size (TSO)
    void set_ipcss(uint8_t v) { b[0] = v; }
    void set_ipcso(uint8_t v) { b[1] = v; }
    void set_ipcse(uint16_t v) { detail::st16(b + 2, v); }
    void set_tucss(uint8_t v) { b[4] = v; }
    void set_tucso(uint8_t v) { b[5] = v; }
    void set_tucse(uint16_t v) { detail::st16(b + 6, v); }
    void set_cmd_len(uint32_t paylen_bytes, uint8_t tucmd_bits) {
        detail::st32(b + 8,
                     PAYLEN::make(paylen_bytes) | DTYP::make(kDtypContext) | TUCMD::make(tucmd_bits | kTucmdDext));
    }
    void set_sta(uint8_t v) { b[12] = static_cast<uint8_t>((b[12] & 0xF0) | (v & 0x0F)); }
    void set_hdrlen(uint8_t v) { b[13] = v; }
    void set_mss(uint16_t v) { detail::st16(b + 14, v); }
};
static_assert(sizeof(TxContextDesc) == 16, "TX context descriptor is 16 bytes");

/// TCP/IP data descriptor (DEXT=1, DTYP=0001).
struct TxDataDesc {
    uint8_t b[kDescBytes] = {};
    using DTALEN = Field<0, 20>;                    // dword 2: data length
    using DTYP = Field<20, 4>;                      // dword 2: descriptor type
    using DCMD = Field<24, 8>;                      // dword 2: command
    static constexpr uint8_t kDcmdEop = 1u << 0;    // End Of Packet
    static constexpr uint8_t kDcmdIfcs = 1u << 1;   // Insert FCS
    static constexpr uint8_t kDcmdTse = 1u << 2;    // TCP Segmentation Enable
    static constexpr uint8_t kDcmdRs = 1u << 3;     // Report Status
    static constexpr uint8_t kDcmdDext = 1u << 5;   // Descriptor Extension (1)
    static constexpr uint8_t kDcmdVle = 1u << 6;    // VLAN Packet Enable
    static constexpr uint8_t kDcmdIde = 1u << 7;    // Interrupt Delay Enable
    static constexpr uint8_t kStaDd = 1u << 0;      // Descriptor Done
    static constexpr uint8_t kPoptsIxsm = 1u << 0;  // Insert IP checksum
    static constexpr uint8_t kPoptsTxsm = 1u << 1;  // Insert TCP/UDP checksum

    uint64_t addr() const { return detail::ld64(b + 0); }     // buffer address
    uint32_t cmd_len() const { return detail::ld32(b + 8); }  // DTALEN, DTYP, DCMD
    uint32_t dtalen() const { return DTALEN::get(cmd_len()); }
    uint8_t dtyp() const { return static_cast<uint8_t>(DTYP::get(cmd_len())); }
    uint8_t dcmd() const { return static_cast<uint8_t>(DCMD::get(cmd_len())); }
    uint8_t sta() const { return static_cast<uint8_t>(b[12] & 0x0F); }  // status
    uint8_t popts() const { return b[13]; }                             // packet options
    uint16_t special() const { return detail::ld16(b + 14); }           // VLAN tag
    void set_addr(uint64_t v) { detail::st64(b + 0, v); }
    void set_cmd_len(uint32_t len, uint8_t dcmd_bits) {
        detail::st32(b + 8, DTALEN::make(len) | DTYP::make(kDtypData) | DCMD::make(dcmd_bits | kDcmdDext));
    }
    void set_sta(uint8_t v) { b[12] = static_cast<uint8_t>((b[12] & 0xF0) | (v & 0x0F)); }
    void set_popts(uint8_t v) { b[13] = v; }
    void set_special(uint16_t v) { detail::st16(b + 14, v); }
};
static_assert(sizeof(TxDataDesc) == 16, "TX data descriptor is 16 bytes");

/// True when a TX descriptor's CMD/DCMD byte has DEXT set (context or data descriptor, not legacy).
inline bool tx_is_extended(const RawDesc& d) {
    return (d.b[11] & TxDesc::kCmdDext) != 0;
}
/// DTYP of an extended TX descriptor.
inline uint8_t tx_dtyp(const RawDesc& d) {
    return static_cast<uint8_t>((d.b[10] >> 4) & 0x0F);
}

/// Legacy receive descriptor.
struct RxDesc {
    uint8_t b[kDescBytes] = {};
    // status [103:96]
    static constexpr uint8_t kStaDd = 1u << 0;     // Descriptor Done
    static constexpr uint8_t kStaEop = 1u << 1;    // End Of Packet
    static constexpr uint8_t kStaIxsm = 1u << 2;   // Ignore checksum indication
    static constexpr uint8_t kStaVp = 1u << 3;     // 802.1Q packet (VLAN tag stripped)
    static constexpr uint8_t kStaTcpcs = 1u << 5;  // TCP checksum calculated
    static constexpr uint8_t kStaIpcs = 1u << 6;   // IP checksum calculated
    static constexpr uint8_t kStaPif = 1u << 7;    // Passed in-exact filter
    // errors [111:104]
    static constexpr uint8_t kErrCe = 1u << 0;    // CRC or alignment error
    static constexpr uint8_t kErrSe = 1u << 1;    // Symbol error
    static constexpr uint8_t kErrSeq = 1u << 2;   // Sequence error
    static constexpr uint8_t kErrCxe = 1u << 4;   // Carrier extension error
    static constexpr uint8_t kErrTcpe = 1u << 5;  // TCP/UDP checksum error
    static constexpr uint8_t kErrIpe = 1u << 6;   // IP checksum error
    static constexpr uint8_t kErrRxe = 1u << 7;   // RX data error

    uint64_t addr() const { return detail::ld64(b + 0); }      // buffer address
    uint16_t length() const { return detail::ld16(b + 8); }    // bytes written [79:64]
    uint16_t csum() const { return detail::ld16(b + 10); }     // packet checksum [95:80]
    uint8_t status() const { return b[12]; }                   // status [103:96]
    uint8_t errors() const { return b[13]; }                   // errors [111:104]
    uint16_t special() const { return detail::ld16(b + 14); }  // VLAN tag [127:112]
    void set_addr(uint64_t v) { detail::st64(b + 0, v); }
    void set_length(uint16_t v) { detail::st16(b + 8, v); }
    void set_csum(uint16_t v) { detail::st16(b + 10, v); }
    void set_status(uint8_t v) { b[12] = v; }
    void set_errors(uint8_t v) { b[13] = v; }
    void set_special(uint16_t v) { detail::st16(b + 14, v); }
};
static_assert(sizeof(RxDesc) == 16, "legacy RX descriptor is 16 bytes");

/// Copy between a descriptor view and raw host-memory bytes.
template <typename D>
inline D desc_from(const uint8_t* bytes) {
    D d;
    std::memcpy(d.b, bytes, kDescBytes);
    return d;
}

}  // namespace nicsim::e1000
