// Conventional PCI vocabulary shared by every agent, the monitor and the tests.
#pragma once

#include <cstdint>

namespace nicsim::pci {

/// Bus commands as driven on C/BE#[3:0] in the address phase (bit 0 = 1 for writes).
enum class Cmd : uint8_t {
    IntAck = 0x0,
    Special = 0x1,
    IoRead = 0x2,
    IoWrite = 0x3,
    MemRead = 0x6,
    MemWrite = 0x7,
    ConfigRead = 0xA,
    ConfigWrite = 0xB,
    MemReadMultiple = 0xC,
    DualAddress = 0xD,
    MemReadLine = 0xE,
    MemWriteInvalidate = 0xF,
};

const char* cmd_name(Cmd cmd);  // "MR", "MW", "MRL", ... as shown in traces and statistics
inline bool cmd_is_write(Cmd cmd) {
    return (static_cast<uint8_t>(cmd) & 1u) != 0;
}
inline bool cmd_is_memory(Cmd cmd) {
    switch (cmd) {
        case Cmd::MemRead:
        case Cmd::MemWrite:
        case Cmd::MemReadMultiple:
        case Cmd::MemReadLine:
        case Cmd::MemWriteInvalidate:
            return true;
        default:
            return false;
    }
}
inline bool cmd_is_io(Cmd cmd) {
    return cmd == Cmd::IoRead || cmd == Cmd::IoWrite;
}
inline bool cmd_is_config(Cmd cmd) {
    return cmd == Cmd::ConfigRead || cmd == Cmd::ConfigWrite;
}
constexpr unsigned kCmdCount = 16;

/// DEVSEL# decode speed, counting the address phase as clock 1: fast 2, medium 3, slow 4, subtractive 5.
enum class DevselSpeed : uint8_t { Fast = 0, Medium = 1, Slow = 2, Subtractive = 3 };

/// Even parity over a 32-bit AD half and its four C/BE# lines: the PAR value that makes the sum even.
inline bool parity_of(uint32_t ad, uint8_t cbe_n4) {
    uint32_t x = ad ^ (cbe_n4 & 0xFu);
    return __builtin_parity(x) != 0;
}

/// Configuration space header offsets (type 0) used by the model, the bridge and the drivers.
namespace cfg {
constexpr uint16_t kVendorId = 0x00;
constexpr uint16_t kDeviceId = 0x02;
constexpr uint16_t kCommand = 0x04;
constexpr uint16_t kStatus = 0x06;
constexpr uint16_t kRevisionId = 0x08;
constexpr uint16_t kClassCode = 0x09;  // 3 bytes: prog-if, subclass, base class
constexpr uint16_t kCacheLineSize = 0x0C;
constexpr uint16_t kLatencyTimer = 0x0D;
constexpr uint16_t kHeaderType = 0x0E;
constexpr uint16_t kBar0 = 0x10;
constexpr uint16_t kSubsystemVendorId = 0x2C;
constexpr uint16_t kSubsystemId = 0x2E;
constexpr uint16_t kCapabilitiesPtr = 0x34;
constexpr uint16_t kInterruptLine = 0x3C;
constexpr uint16_t kInterruptPin = 0x3D;

constexpr uint16_t kCmdIoSpace = 1u << 0;         // I/O Space enable
constexpr uint16_t kCmdMemSpace = 1u << 1;        // Memory Space enable
constexpr uint16_t kCmdBusMaster = 1u << 2;       // Bus Master Enable
constexpr uint16_t kCmdMwiEnable = 1u << 4;       // Memory Write and Invalidate enable
constexpr uint16_t kCmdParityResponse = 1u << 6;  // Parity Error Response
constexpr uint16_t kCmdSerrEnable = 1u << 8;      // SERR# enable
constexpr uint16_t kCmdIntxDisable = 1u << 10;    // Interrupt Disable

constexpr uint16_t kStsCapList = 1u << 4;               // Capabilities list present
constexpr uint16_t kSts66MHz = 1u << 5;                 // 66 MHz capable
constexpr uint16_t kStsMasterDataParity = 1u << 8;      // Master Data Parity Error
constexpr uint16_t kStsDevselMedium = 1u << 9;          // DEVSEL timing = medium (bits 10:9)
constexpr uint16_t kStsSignaledTargetAbort = 1u << 11;  // Signaled Target Abort
constexpr uint16_t kStsReceivedTargetAbort = 1u << 12;  // Received Target Abort
constexpr uint16_t kStsReceivedMasterAbort = 1u << 13;  // Received Master Abort
constexpr uint16_t kStsSignaledSystemError = 1u << 14;  // Signaled System Error
constexpr uint16_t kStsDetectedParity = 1u << 15;       // Detected Parity Error

constexpr uint32_t kBarIo = 1u << 0;        // BAR bit 0: I/O space
constexpr uint32_t kBarMem64 = 2u << 1;     // BAR bits 2:1 = 10: 64-bit memory BAR
constexpr uint32_t kBarPrefetch = 1u << 3;  // prefetchable memory
}  // namespace cfg

/// Type 0 configuration address as the host bridge's CPU side sees it: device (IDSEL line), function, register.
constexpr uint32_t config_address(unsigned device, unsigned function, unsigned reg) {
    return (device << 11) | (function << 8) | (reg & 0xFCu);
}

}  // namespace nicsim::pci
