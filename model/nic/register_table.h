// The 82540EM's register file as one table: one row per register (or register array) with its offset, size, access
// type, reset value, write mask and the hooks through which the device acts on an access. RegisterFile builds the
// register file from it; Nic82540em binds a handler to every hook a row declares (RegisterFile checks that bound and
// declared hooks agree); docs/tools/gen_register_map.py writes docs/register-map.md from it. Offsets and bit fields
// are those of model/nic/e1000_regs.h; the rows follow the 8254x Family Software Developer's Manual, section 13.
// Plain C++17: no SystemC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

/// How software may access a register.
enum class Access : uint8_t {
    RW,            ///< read/write: a write stores the bits of the write mask, the others read 0
    RO,            ///< read-only: writes are ignored
    WO,            ///< write-only: reads return 0
    ReadClear,     ///< statistics counter: a read returns the value and clears it (a 64-bit pair: reading the high
                   ///< dword clears both); writes are ignored
    ReadClearW1C,  ///< a read returns the value and clears it; writing 1s clears those bits (ICR)
    W1C,           ///< a read returns the value; writing 1s clears those bits (WUS)
    Absent,        ///< a register of other 8254x/8257x parts that drivers for the family touch: reads 0, writes are
                   ///< ignored, both noted
};

/// Hooks a row declares: which handlers the device binds to the register (RegisterFile::Handlers).
enum Hook : uint8_t {
    kNoHook = 0,
    kPeek = 1u << 0,     ///< its value lives in another block: reads without side effects go there
    kPoke = 1u << 1,     ///< ... and so do stores without side effects (NicContext::set_reg)
    kOnRead = 1u << 2,   ///< a software read has side effects
    kOnWrite = 1u << 3,  ///< a software write has side effects (the handler stores what it keeps)
};

/// One statistics counter (8254x manual, section 13.7): read-only, clear-on-read, reset 0, no hooks.
struct StatisticsSpec {
    const char* name;
    uint32_t offset;   ///< the counter, or the low dword of a 64-bit pair
    uint8_t bits;      ///< 32, or 64 for a low/high pair (reading the high dword clears both)
    const char* what;  ///< what it counts, where the model's behaviour needs saying
};

/// One row: a register, or an array of `count` registers `stride` bytes apart.
struct RegisterSpec {
    const char* name;     ///< the manual's abbreviation (array: without index)
    uint32_t offset;      ///< byte offset in BAR0 of the first (or only) register
    uint16_t count;       ///< registers in the array (1: a single register)
    uint16_t stride;      ///< bytes between array entries
    uint8_t bits;         ///< 32, or 64 for a low/high dword pair (low dword at `offset`)
    Access access;        ///< what software may do
    uint32_t reset;       ///< value after power-on, RST# and CTRL.RST
    uint32_t write_mask;  ///< bits a write stores (RW without kOnWrite); the others read 0
    uint8_t hooks;        ///< Hook bits
    const char* what;     ///< side effects in a few words (empty for plain storage)
};

// clang-format off
/// The registers of the 82540EM below the statistics block, in offset order.
inline constexpr RegisterSpec kRowsBeforeStatistics[] = {
    // name      offset           count stride bits access               reset                write mask   hooks, what
    {"CTRL",     e1000::CTRL,          1,  4, 32, Access::RW,           e1000::kCtrlReset,   0xFBFFFFFFu, kOnWrite,
     "RST (bit 26) runs a software reset and is not stored (self-clearing); PHY_RST (bit 31) is stored and holds the "
     "PHY in reset until software clears it; a change of SLU changes the link (LSC); FRCSPD/FRCDPLX make the MAC use "
     "SPEED/FD instead of the PHY's"},
    {"STATUS",   e1000::STATUS,        1,  4, 32, Access::RO,           0x00000000u,         0x00000000u, kPeek,
     "computed: LU = PHY link and CTRL.SLU; SPEED and FD as the PHY resolved them (or as forced by CTRL.FRCSPD/FRCDPLX); "
     "PCI66/BUS64 from the bus"},
    {"EECD",     e1000::EECD,          1,  4, 32, Access::RW,           0x00000110u,         0x00000077u,
     kPeek | kOnWrite,
     "the Microwire EEPROM's pins: SK, CS, DI driven by software while EE_REQ is granted (EE_GNT), DO from the "
     "part; EE_PRES=1, FWE resets to 01b"},
    {"EERD",     e1000::EERD,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu,
     kPeek | kOnWrite,
     "a write with START reads the EEPROM word ADDR: DONE and DATA appear 4 clocks later; a word beyond 0x3F reads "
     "0xFFFF and raises nicsim/nic/eeprom-address"},
    {"CTRL_EXT", e1000::CTRL_EXT,      1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FLA",      e1000::FLA,           1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"MDIC",     e1000::MDIC,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFF0000u,
     kPeek | kOnWrite,
     "a write starts an MDIO frame to the PHY (88E1011 at address 1): R after 25.6 us, E for another address or a bad "
     "opcode, MDAC when I is set"},
    {"FCAL",     e1000::FCAL,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FCAH",     e1000::FCAH,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FCT",      e1000::FCT,           1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"VET",      e1000::VET,           1,  4, 32, Access::RW,           0x00008100u,         0x0000FFFFu, kNoHook,
     "TPID of the tags the MAC inserts (CTRL.VME, VLE) and recognises on receive (8254x manual, section 9.2); "
     "the manual's initial value is X, with 8100h (the 802.1Q TPID) as the value to program (Table 13-56): the "
     "model powers up with 8100h"},
    {"ICR",      e1000::ICR,           1,  4, 32, Access::ReadClearW1C, 0x00000000u,         0xFFFFFFFFu,
     kPeek | kPoke | kOnRead | kOnWrite,
     "a read returns the causes and clears them (INTA# deasserts). RXSEQ is never raised: it reports /C/ ordered-set "
     "sequence errors of TBI/SerDes mode, which the 82540EM's internal copper PHY does not use"},
    {"ITR",      e1000::ITR,           1,  4, 32, Access::RW,           e1000::kItrReset,    0x0000FFFFu,
     kPeek | kPoke | kOnWrite, "minimum interval between INTA# assertions (0 = no throttling)"},
    {"ICS",      e1000::ICS,           1,  4, 32, Access::WO,           0x00000000u,         0xFFFFFFFFu, kOnWrite,
     "a write sets causes (as if the event happened)"},
    {"IMS",      e1000::IMS,           1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu,
     kPeek | kPoke | kOnWrite, "a write sets mask bits; a read returns the mask"},
    {"IMC",      e1000::IMC,           1,  4, 32, Access::WO,           0x00000000u,         0xFFFFFFFFu, kOnWrite,
     "a write clears mask bits"},
    {"IAM",      e1000::IAM,           1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"RCTL",     e1000::RCTL,          1,  4, 32, Access::RW,           e1000::kRctlReset,   0xFFFFFFFFu, kNoHook, ""},
    {"FCTTV",    e1000::FCTTV,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TXCW",     e1000::TXCW,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RXCW",     e1000::RXCW,          1,  4, 32, Access::RO,           0x00000000u,         0x00000000u, kNoHook, ""},
    {"TCTL",     e1000::TCTL,          1,  4, 32, Access::RW,           e1000::kTctlReset,   0xFFFFFFFFu, kNoHook, ""},
    {"TIPG",     e1000::TIPG,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"AIT",      e1000::AIT,           1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu, kNoHook, ""},
    {"LEDCTL",   e1000::LEDCTL,        1,  4, 32, Access::RW,           0x07068302u,         0xFFFFFFFFu, kNoHook,
     "reset (Table 13-60): LED0 link up, LED1 filter activity blinking, LED2 link 100, LED3 link 1000"},
    {"PBA",      e1000::PBA,           1,  4, 32, Access::RW,           0x00100030u,         0x0000007Fu, kOnWrite,
     "RXA (6:0): KB of receive packet buffer; TXA (31:16) = 64 - RXA, read-only"},
    {"FCRTL",    e1000::FCRTL,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FCRTH",    e1000::FCRTH,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDFH",     e1000::RDFH,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDFT",     e1000::RDFT,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDFHS",    e1000::RDFHS,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDFTS",    e1000::RDFTS,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDFPC",    e1000::RDFPC,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDBAL",    e1000::RDBAL,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFF0u, kNoHook, ""},
    {"RDBAH",    e1000::RDBAH,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RDLEN",    e1000::RDLEN,         1,  4, 32, Access::RW,           0x00000000u,         0x000FFF80u, kNoHook,
     "LEN (19:7); bits 6:0 ignored on write, read 0"},
    {"RDH",      e1000::RDH,           1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu, kNoHook, ""},
    {"RDT",      e1000::RDT,           1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu, kNoHook, ""},
    {"RDTR",     e1000::RDTR,          1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu,
     kPeek | kPoke | kOnWrite, "FPD (bit 31) flushes the partial RX write-back and is not stored"},
    {"RXDCTL",   e1000::RXDCTL,        1,  4, 32, Access::RW,           e1000::kRxdctlReset, 0x013F3F3Fu, kNoHook,
     "PTHRESH 5:0, HTHRESH 13:8, WTHRESH 21:16, GRAN 24; the reserved bits read 0 (Table 13-87). Thresholds count "
     "descriptors (the unit GRAN 1 names; GRAN 0's cache lines are not modelled)"},
    {"RADV",     e1000::RADV,          1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu,
     kPeek | kPoke | kOnWrite, ""},
    {"RSRPD",    e1000::RSRPD,         1,  4, 32, Access::RW,           0x00000000u,         0x00000FFFu, kNoHook,
     "SIZE (11:0): a frame of at most SIZE bytes as stored in host memory raises SRPD and RXT0; 0 = off"},
    {"TXDMAC",   e1000::TXDMAC,        1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDFH",     e1000::TDFH,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDFT",     e1000::TDFT,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDFHS",    e1000::TDFHS,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDFTS",    e1000::TDFTS,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDFPC",    e1000::TDFPC,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDBAL",    e1000::TDBAL,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFF0u, kNoHook, ""},
    {"TDBAH",    e1000::TDBAH,         1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"TDLEN",    e1000::TDLEN,         1,  4, 32, Access::RW,           0x00000000u,         0x000FFF80u, kNoHook,
     "LEN (19:7); bits 6:0 ignored on write, read 0"},
    {"TDH",      e1000::TDH,           1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu, kNoHook, ""},
    {"TDT",      e1000::TDT,           1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu, kNoHook, ""},
    {"TIDV",     e1000::TIDV,          1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu,
     kPeek | kPoke | kOnWrite, "FPD (bit 31) flushes the partial TX write-back and is not stored"},
    {"TXDCTL",   e1000::TXDCTL,        1,  4, 32, Access::RW,           e1000::kTxdctlReset, 0xFF3F3F3Fu, kNoHook,
     "PTHRESH 5:0, HTHRESH 13:8, WTHRESH 21:16, GRAN 24, LWTHRESH 31:25; the reserved bits read 0 (Table 13-86). "
     "Thresholds count descriptors (the unit GRAN 1 names; GRAN 0's cache lines are not modelled)"},
    {"TADV",     e1000::TADV,          1,  4, 32, Access::RW,           0x00000000u,         0x0000FFFFu,
     kPeek | kPoke | kOnWrite, ""},
    {"TSPMT",    e1000::TSPMT,         1,  4, 32, Access::RW,           0x01000400u,         0xFFFFFFFFu, kNoHook,
     "TSMT 15:0 0400h, TSPBP 31:16 0100h at reset: not confirmed against the manual (its TSPMT table was not "
     "available); stored only"},
    {"TARC0",    e1000::TARC0,         1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
};

/// The statistics block (8254x manual, section 13.7): every counter is read-only, clears when read (a 64-bit pair
/// when its high dword is read), resets to 0 and holds no side effects; offset order.
inline constexpr StatisticsSpec kStatistics[] = {
    // name        offset             bits  what
    {"CRCERRS",   e1000::CRCERRS,    32, ""},
    {"ALGNERRC",  e1000::ALGNERRC,   32, ""},
    {"SYMERRS",   e1000::SYMERRS,    32, ""},
    {"RXERRC",    e1000::RXERRC,     32, ""},
    {"MPC",       e1000::MPC,        32, ""},
    {"SCC",       e1000::SCC,        32, ""},
    {"ECOL",      e1000::ECOL,       32, ""},
    {"MCC",       e1000::MCC,        32, ""},
    {"LATECOL",   e1000::LATECOL,    32, ""},
    {"COLC",      e1000::COLC,       32, ""},
    {"DC",        e1000::DC,         32, ""},
    {"TNCRS",     e1000::TNCRS,      32, ""},
    {"SEC",       e1000::SEC,        32, ""},
    {"CEXTERR",   e1000::CEXTERR,    32, ""},
    {"RLEC",      e1000::RLEC,       32, ""},
    {"XONRXC",    e1000::XONRXC,     32, ""},
    {"XONTXC",    e1000::XONTXC,     32, ""},
    {"XOFFRXC",   e1000::XOFFRXC,    32, ""},
    {"XOFFTXC",   e1000::XOFFTXC,    32, ""},
    {"FCRUC",     e1000::FCRUC,      32, ""},
    {"PRC64",     e1000::PRC64,      32, "by size, counted from DA through CRC"},
    {"PRC127",    e1000::PRC127,     32, "by size, counted from DA through CRC"},
    {"PRC255",    e1000::PRC255,     32, "by size, counted from DA through CRC"},
    {"PRC511",    e1000::PRC511,     32, "by size, counted from DA through CRC"},
    {"PRC1023",   e1000::PRC1023,    32, "by size, counted from DA through CRC"},
    {"PRC1522",   e1000::PRC1522,    32, "by size, counted from DA through CRC"},
    {"GPRC",      e1000::GPRC,       32, ""},
    {"BPRC",      e1000::BPRC,       32, ""},
    {"MPRC",      e1000::MPRC,       32, ""},
    {"GPTC",      e1000::GPTC,       32, ""},
    {"GORC",      e1000::GORCL,      64, "GORCL then GORCH: reading GORCH clears both"},
    {"GOTC",      e1000::GOTCL,      64, "GOTCL then GOTCH: reading GOTCH clears both"},
    {"RNBC",      e1000::RNBC,       32, ""},
    {"RUC",       e1000::RUC,        32, ""},
    {"RFC",       e1000::RFC,        32, ""},
    {"ROC",       e1000::ROC,        32, ""},
    {"RJC",       e1000::RJC,        32, ""},
    {"MGTPRC",    e1000::MGTPRC,     32, "0: counts TCO/ASF manageability traffic (13.7.38-40); nicsim has none"},
    {"MGTPDC",    e1000::MGTPDC,     32, "0: counts TCO/ASF manageability traffic (13.7.38-40); nicsim has none"},
    {"MGTPTC",    e1000::MGTPTC,     32, "0: counts TCO/ASF manageability traffic (13.7.38-40); nicsim has none"},
    {"TOR",       e1000::TORL,       64, "TORL then TORH: reading TORH clears both"},
    {"TOT",       e1000::TOTL,       64, "TOTL then TOTH: reading TOTH clears both"},
    {"TPR",       e1000::TPR,        32, ""},
    {"TPT",       e1000::TPT,        32, ""},
    {"PTC64",     e1000::PTC64,      32, "by size, counted from DA through CRC"},
    {"PTC127",    e1000::PTC127,     32, "by size, counted from DA through CRC"},
    {"PTC255",    e1000::PTC255,     32, "by size, counted from DA through CRC"},
    {"PTC511",    e1000::PTC511,     32, "by size, counted from DA through CRC"},
    {"PTC1023",   e1000::PTC1023,    32, "by size, counted from DA through CRC"},
    {"PTC1522",   e1000::PTC1522,    32, "by size, counted from DA through CRC"},
    {"MPTC",      e1000::MPTC,       32, ""},
    {"BPTC",      e1000::BPTC,       32, ""},
    {"TSCTC",     e1000::TSCTC,      32, ""},
    {"TSCTFC",    e1000::TSCTFC,     32, ""},
};

/// The registers above the statistics block, in offset order.
inline constexpr RegisterSpec kRowsAfterStatistics[] = {
    {"IAC",      e1000::IAC,           1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICRXPTC",  e1000::ICRXPTC,       1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICRXATC",  e1000::ICRXATC,       1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICTXPTC",  e1000::ICTXPTC,       1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICTXATC",  e1000::ICTXATC,       1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICTXQEC",  e1000::ICTXQEC,       1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICTXQMTC", e1000::ICTXQMTC,      1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICRXDMTC", e1000::ICRXDMTC,      1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"ICRXOC",   e1000::ICRXOC,        1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"TLPIC",    e1000::TLPIC,         1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"RLPIC",    e1000::RLPIC,         1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"RXCSUM",   e1000::RXCSUM,        1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"MTA",      e1000::MTA,         128,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"RAL",      e1000::RAL0,         16,  8, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook,
     "RAL0 loaded from the EEPROM's MAC address at reset"},
    {"RAH",      e1000::RAH0,         16,  8, 32, Access::RW,           0x00000000u,         0x8003FFFFu, kNoHook,
     "RAH0 loaded from the EEPROM's MAC address at reset, with AV set"},
    {"VFTA",     e1000::VFTA,        128,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"WUC",      e1000::WUC,           1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"WUFC",     e1000::WUFC,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"WUS",      e1000::WUS,           1,  4, 32, Access::W1C,          0x00000000u,         0x00000000u, kNoHook, ""},
    {"MANC",     e1000::MANC,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook,
     "stored only (no manageability); reset 0 not confirmed against the manual (its MANC table was not available)"},
    {"IPAV",     e1000::IPAV,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"IP4AT",    e1000::IP4AT,         4,  8, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"MANC2H",   e1000::MANC2H,        1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"IP6AT",    e1000::IP6AT,         4,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"WUPL",     e1000::WUPL,          1,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"WUPM",     e1000::WUPM,         32,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"GCR",      e1000::GCR,           1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"SWSM",     e1000::SWSM,          1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"FWSM",     e1000::FWSM,          1,  4, 32, Access::Absent,       0x00000000u,         0x00000000u, kNoHook, ""},
    {"FFLT",     e1000::FFLT,          4,  8, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FFMT",     e1000::FFMT,        128,  8, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"FFVT",     e1000::FFVT,        128,  8, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
    {"PBM",      e1000::PBM,       16384,  4, 32, Access::RW,           0x00000000u,         0xFFFFFFFFu, kNoHook, ""},
};
// clang-format on

namespace detail {
constexpr RegisterSpec statistics_row(const StatisticsSpec& s) {
    return RegisterSpec{s.name, s.offset, 1, 4, s.bits, Access::ReadClear, 0, 0, kNoHook, s.what};
}
template <std::size_t A, std::size_t B, std::size_t C>
constexpr std::array<RegisterSpec, A + B + C> join_rows(const RegisterSpec (&before)[A],
                                                        const StatisticsSpec (&stats)[B],
                                                        const RegisterSpec (&after)[C]) {
    std::array<RegisterSpec, A + B + C> rows{};
    for (std::size_t i = 0; i < A; ++i) rows[i] = before[i];
    for (std::size_t i = 0; i < B; ++i) rows[A + i] = statistics_row(stats[i]);
    for (std::size_t i = 0; i < C; ++i) rows[A + B + i] = after[i];
    return rows;
}
}  // namespace detail

/// The register file of the 82540EM, in offset order: the rows above with the statistics block generated from its
/// list.
inline constexpr auto kRegisterTable = detail::join_rows(kRowsBeforeStatistics, kStatistics, kRowsAfterStatistics);
inline constexpr std::size_t kRegisterRows = kRegisterTable.size();

}  // namespace nicsim::nic
