// The miniport's own view of the 82540EM: the register offsets, register bits and descriptor layouts this driver
// programs, as a driver for real hardware carries them in its own header. It does not include the hardware model;
// testbench/tests/layout checks every definition here against the model's register table, so the two cannot drift
// apart unnoticed. Source: Intel PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual
// (8254x), Table 13-2 (register summary), section 13.4 (register descriptions), sections 3.2.3 and 3.3.3 to 3.3.7
// (descriptor formats). Plain C++17.
#pragma once

#include <cstdint>
#include <cstring>

namespace nicsim::miniport::hw {

/// Bits [Pos, Pos+Width) of a 32-bit register value.
template <unsigned Pos, unsigned Width>
struct RegField {
    static_assert(Width >= 1 && Pos + Width <= 32, "a register field lies inside its 32-bit register");
    static constexpr unsigned pos = Pos;
    static constexpr unsigned width = Width;
    static constexpr uint32_t mask = static_cast<uint32_t>(((1ull << Width) - 1) << Pos);
    /// The field's value within `reg`.
    static constexpr uint32_t get(uint32_t reg) { return (reg & mask) >> Pos; }
    /// A register value holding `value` in this field and zeros elsewhere.
    static constexpr uint32_t make(uint64_t value) { return static_cast<uint32_t>((value << Pos) & mask); }
};
template <unsigned Pos>
using RegBit = RegField<Pos, 1>;

// ---- Register offsets in the memory BAR (Table 13-2) ----
constexpr uint32_t kBar0Size = 0x20000;  // the register BAR decodes 128 KiB

constexpr uint32_t CTRL = 0x0000;    // device control (section 13.4.1)
constexpr uint32_t STATUS = 0x0008;  // device status, read-only
constexpr uint32_t EERD = 0x0014;    // EEPROM word read through the controller
constexpr uint32_t MDIC = 0x0020;    // one PHY register access over the MDIO bus (section 13.4.7)
constexpr uint32_t ICR = 0x00C0;     // interrupt causes; reading returns and clears them
constexpr uint32_t ITR = 0x00C4;     // interrupt throttling: least time between interrupts
constexpr uint32_t IMS = 0x00D0;     // interrupt mask: writing 1s enables causes
constexpr uint32_t IMC = 0x00D8;     // interrupt mask: writing 1s disables causes
constexpr uint32_t RCTL = 0x0100;    // receive control (section 13.4.22)
constexpr uint32_t TCTL = 0x0400;    // transmit control (section 13.4.33)
constexpr uint32_t RDBAL = 0x2800;   // receive ring base, bits 31:0
constexpr uint32_t RDBAH = 0x2804;   // receive ring base, bits 63:32
constexpr uint32_t RDLEN = 0x2808;   // receive ring size in bytes, a multiple of 128
constexpr uint32_t RDH = 0x2810;     // receive head: the next descriptor the controller fills (section 13.4.28)
constexpr uint32_t RDT = 0x2818;     // receive tail: one past the last descriptor the driver handed over
constexpr uint32_t RDTR = 0x2820;    // receive interrupt delay (section 13.4.30)
constexpr uint32_t RXDCTL = 0x2828;  // receive descriptor control: prefetch and write-back thresholds
constexpr uint32_t TDBAL = 0x3800;   // transmit ring base, bits 31:0
constexpr uint32_t TDBAH = 0x3804;   // transmit ring base, bits 63:32
constexpr uint32_t TDLEN = 0x3808;   // transmit ring size in bytes, a multiple of 128
constexpr uint32_t TDH = 0x3810;     // transmit head: the next descriptor the controller takes (section 13.4.39)
constexpr uint32_t TDT = 0x3818;     // transmit tail: one past the last descriptor the driver queued
constexpr uint32_t TIDV = 0x3820;    // transmit interrupt delay
constexpr uint32_t TXDCTL = 0x3828;  // transmit descriptor control: prefetch and write-back thresholds
constexpr uint32_t MPC = 0x4010;     // statistics: frames missed for lack of FIFO space (clears on read)
constexpr uint32_t RNBC = 0x40A0;    // statistics: frames received while no descriptor was free (clears on read)
constexpr uint32_t ROC = 0x40AC;     // statistics: oversized frames received (clears on read)
constexpr uint32_t MTA = 0x5200;     // multicast hash table, kMtaEntries dwords
constexpr uint32_t RAL0 = 0x5400;    // receive address 0, bytes 0..3 of the MAC address
constexpr uint32_t RAH0 = 0x5404;    // receive address 0, bytes 4..5 and the valid bit

constexpr unsigned kMtaEntries = 128;  // dwords of the multicast table (4096 hash bits)
constexpr unsigned kRaEntries = 16;    // receive address pairs, 8 bytes apart

constexpr uint32_t mta_n(unsigned n) {  // dword n of the multicast table
    return MTA + 4 * n;
}
constexpr uint32_t ral_n(unsigned n) {  // receive address n, low dword
    return RAL0 + 8 * n;
}
constexpr uint32_t rah_n(unsigned n) {  // receive address n, high dword
    return RAH0 + 8 * n;
}

// ---- CTRL (section 13.4.1) ----
namespace ctrl {
using ASDE = RegBit<5>;  // speed follows the link partner
using SLU = RegBit<6>;   // set link up
using RST = RegBit<26>;  // software reset of the whole controller; reads 1 until the reset is over
}  // namespace ctrl

// ---- STATUS ----
namespace status {
using LU = RegBit<1>;               // link up
using SPEED = RegField<6, 2>;       // link speed
constexpr uint32_t kSpeed10 = 0;    // SPEED: 10 Mb/s
constexpr uint32_t kSpeed100 = 1;   // SPEED: 100 Mb/s
constexpr uint32_t kSpeed1000 = 2;  // SPEED: 1000 Mb/s (3 reads the same)
}  // namespace status

// ---- EERD and the EEPROM image ----
namespace eerd {
using START = RegBit<0>;        // write 1 with ADDR to start a read
using DONE = RegBit<4>;         // the read finished and DATA holds the word
using ADDR = RegField<8, 8>;    // word address
using DATA = RegField<16, 16>;  // the word read
}  // namespace eerd
constexpr unsigned kEepromWords = 64;    // words the checksum covers (0x00..0x3F)
constexpr uint16_t kEepromSum = 0xBABA;  // the sum of words 0x00..0x3F of a valid image

// ---- MDIC (section 13.4.7) and the PHY registers the driver reads (section 13.5) ----
namespace mdic {
using DATA = RegField<0, 16>;    // the value to write, or the value read once R is set
using REGADD = RegField<16, 5>;  // which PHY register
using PHYADD = RegField<21, 5>;  // which PHY on the MDIO bus
using OP = RegField<26, 2>;      // what to do: kOpRead here
using R = RegBit<28>;            // the controller finished the access
using E = RegBit<30>;            // the access failed (nobody answered the read)
constexpr uint32_t kOpRead = 2;  // OP value of a register read
}  // namespace mdic
constexpr unsigned kPhyAddress = 1;  // the MDIO address of the 82540EM's internal PHY
namespace phy {
constexpr unsigned ID1 = 2;        // PHY identifier, first word (upper OUI bits)
constexpr unsigned ID2 = 3;        // PHY identifier, second word (lower OUI bits, model, revision in bits 3:0)
constexpr uint16_t kId1 = 0x0141;  // what the 82540EM's PHY (a Marvell 88E1011) reports in ID1
constexpr uint16_t kId2 = 0x0C20;  // and in ID2 with revision 0; drivers ignore the revision
}  // namespace phy

// ---- Interrupt causes: the same bit in ICR, IMS and IMC ----
namespace icr {
constexpr uint32_t TXDW = 1u << 0;    // a transmit descriptor was written back
constexpr uint32_t TXQE = 1u << 1;    // the transmit ring ran empty
constexpr uint32_t LSC = 1u << 2;     // link status changed
constexpr uint32_t RXSEQ = 1u << 3;   // receive sequence error
constexpr uint32_t RXDMT0 = 1u << 4;  // free receive descriptors fell to the threshold
constexpr uint32_t RXO = 1u << 6;     // receive FIFO overrun
constexpr uint32_t RXT0 = 1u << 7;    // receive timer expired: frames wait in the ring
}  // namespace icr

// ---- Interrupt delay timers (RDTR, TIDV) ----
namespace delay {
using VALUE = RegField<0, 16>;  // delay in units of 1.024 us
}  // namespace delay

// ---- ITR ----
namespace itr {
using INTERVAL = RegField<0, 16>;  // least time between interrupts in units of 256 ns; 0 turns throttling off
}  // namespace itr

// ---- TXDCTL, RXDCTL: descriptor prefetch (8254x Family Software Developer's Manual, their register tables) ----
namespace dctl {
using PTHRESH = RegField<0, 6>;  // fetch while fewer than this many descriptors are cached
}  // namespace dctl

// ---- RCTL (section 13.4.22) ----
namespace rctl {
using EN = RegBit<1>;           // receiver on
using UPE = RegBit<3>;          // accept every unicast frame
using MPE = RegBit<4>;          // accept every multicast frame
using LPE = RegBit<5>;          // accept frames longer than 1522 bytes
using BAM = RegBit<15>;         // accept broadcast frames
using BSIZE = RegField<16, 2>;  // receive buffer size: 0 = 2048 bytes (BSEX clear)
using BSEX = RegBit<25>;        // multiply BSIZE's buffer sizes by 16
using SECRC = RegBit<26>;       // strip the FCS before storing a frame
}  // namespace rctl

// ---- TCTL (section 13.4.33) ----
namespace tctl {
using EN = RegBit<1>;           // transmitter on
using PSP = RegBit<3>;          // pad frames shorter than 64 bytes
using CT = RegField<4, 8>;      // collision threshold (retries in half duplex)
using COLD = RegField<12, 10>;  // collision distance in byte times
}  // namespace tctl

// ---- RAH ----
namespace rahf {
using RAH = RegField<0, 16>;  // MAC address bytes 4 (bits 7:0) and 5 (bits 15:8)
using AV = RegBit<31>;        // the address takes part in filtering
}  // namespace rahf

// ---- Descriptors: 16 bytes each, little-endian in host memory (sections 3.2.3, 3.3.3 to 3.3.7) ----
constexpr unsigned kDescBytes = 16;

/// `Bytes` bytes at byte `Offset` of a descriptor, little-endian.
template <unsigned Offset, unsigned Bytes>
struct DescBytes {
    static_assert(Bytes >= 1 && Bytes <= 8 && Offset + Bytes <= kDescBytes, "a field lies inside its descriptor");
    static constexpr unsigned offset = Offset;
    static constexpr unsigned bytes = Bytes;
    static uint64_t load(const uint8_t* d) {
        uint64_t v = 0;
        for (unsigned i = 0; i < Bytes; ++i) v |= static_cast<uint64_t>(d[Offset + i]) << (8 * i);
        return v;
    }
    static void store(uint8_t* d, uint64_t v) {
        for (unsigned i = 0; i < Bytes; ++i) d[Offset + i] = static_cast<uint8_t>(v >> (8 * i));
    }
};

/// Legacy transmit descriptor (section 3.3.3).
struct TxDesc {
    uint8_t b[kDescBytes] = {};
    using Addr = DescBytes<0, 8>;    // buffer address
    using Length = DescBytes<8, 2>;  // bytes in the buffer
    using Cmd = DescBytes<11, 1>;    // command byte; the status the controller writes back is bits 3:0 of byte 12
    static constexpr uint8_t kCmdEop = 1u << 0;   // last buffer of the frame
    static constexpr uint8_t kCmdIfcs = 1u << 1;  // the controller appends the FCS
    static constexpr uint8_t kCmdRs = 1u << 3;    // write the status back (DD) when done
    static constexpr uint8_t kCmdIde = 1u << 7;   // the done interrupt waits for TIDV
    static constexpr uint8_t kStaDd = 1u << 0;    // done
    static constexpr uint8_t kStaEc = 1u << 1;    // dropped after too many collisions
    static constexpr uint8_t kStaLc = 1u << 2;    // late collision
    static constexpr uint8_t kStaTu = 1u << 3;    // transmit underrun

    void set_addr(uint64_t v) { Addr::store(b, v); }
    void set_length(uint16_t v) { Length::store(b, v); }
    void set_cmd(uint8_t v) { Cmd::store(b, v); }
};

/// TCP/IP context descriptor (section 3.3.5): where the headers are and how to segment; DEXT set, DTYP 0.
struct TxContextDesc {
    uint8_t b[kDescBytes] = {};
    using Ipcss = DescBytes<0, 1>;                  // first byte of the IP header
    using Ipcso = DescBytes<1, 1>;                  // where the IP header checksum goes
    using Ipcse = DescBytes<2, 2>;                  // last byte the IP checksum covers
    using Tucss = DescBytes<4, 1>;                  // first byte of the TCP header
    using Tucso = DescBytes<5, 1>;                  // where the TCP checksum goes
    using Tucse = DescBytes<6, 2>;                  // last byte the TCP checksum covers (0: to the end)
    using CmdLen = DescBytes<8, 4>;                 // PAYLEN, DTYP and TUCMD
    using Hdrlen = DescBytes<13, 1>;                // header bytes repeated in every segment
    using Mss = DescBytes<14, 2>;                   // payload bytes per segment
    using PAYLEN = RegField<0, 20>;                 // in CmdLen: TCP payload bytes of the whole packet
    using DTYP = RegField<20, 4>;                   // in CmdLen: descriptor type
    using TUCMD = RegField<24, 8>;                  // in CmdLen: command byte
    static constexpr uint8_t kDtyp = 0x0;           // DTYP of a context descriptor
    static constexpr uint8_t kTucmdTcp = 1u << 0;   // the packet is TCP
    static constexpr uint8_t kTucmdIp = 1u << 1;    // the packet is IPv4
    static constexpr uint8_t kTucmdTse = 1u << 2;   // segment the packet
    static constexpr uint8_t kTucmdDext = 1u << 5;  // extended descriptor

    void set_ipcss(uint8_t v) { Ipcss::store(b, v); }
    void set_ipcso(uint8_t v) { Ipcso::store(b, v); }
    void set_ipcse(uint16_t v) { Ipcse::store(b, v); }
    void set_tucss(uint8_t v) { Tucss::store(b, v); }
    void set_tucso(uint8_t v) { Tucso::store(b, v); }
    void set_tucse(uint16_t v) { Tucse::store(b, v); }
    void set_cmd_len(uint32_t paylen, uint8_t tucmd) {
        CmdLen::store(b, PAYLEN::make(paylen) | DTYP::make(kDtyp) | TUCMD::make(tucmd | kTucmdDext));
    }
    void set_hdrlen(uint8_t v) { Hdrlen::store(b, v); }
    void set_mss(uint16_t v) { Mss::store(b, v); }
};

/// TCP/IP data descriptor (section 3.3.7): one buffer of a packet the context descriptor describes; DEXT set,
/// DTYP 1.
struct TxDataDesc {
    uint8_t b[kDescBytes] = {};
    using Addr = DescBytes<0, 8>;                   // buffer address
    using CmdLen = DescBytes<8, 4>;                 // DTALEN, DTYP and DCMD
    using Popts = DescBytes<13, 1>;                 // packet options
    using DTALEN = RegField<0, 20>;                 // in CmdLen: bytes in the buffer
    using DTYP = RegField<20, 4>;                   // in CmdLen: descriptor type
    using DCMD = RegField<24, 8>;                   // in CmdLen: command byte
    static constexpr uint8_t kDtyp = 0x1;           // DTYP of a data descriptor
    static constexpr uint8_t kDcmdEop = 1u << 0;    // last buffer of the packet
    static constexpr uint8_t kDcmdIfcs = 1u << 1;   // the controller appends the FCS
    static constexpr uint8_t kDcmdTse = 1u << 2;    // part of a packet to segment
    static constexpr uint8_t kDcmdRs = 1u << 3;     // write the status back when done
    static constexpr uint8_t kDcmdDext = 1u << 5;   // extended descriptor
    static constexpr uint8_t kDcmdIde = 1u << 7;    // the done interrupt waits for TIDV
    static constexpr uint8_t kPoptsIxsm = 1u << 0;  // insert the IP header checksum
    static constexpr uint8_t kPoptsTxsm = 1u << 1;  // insert the TCP checksum

    void set_addr(uint64_t v) { Addr::store(b, v); }
    void set_cmd_len(uint32_t len, uint8_t dcmd) {
        CmdLen::store(b, DTALEN::make(len) | DTYP::make(kDtyp) | DCMD::make(dcmd | kDcmdDext));
    }
    void set_popts(uint8_t v) { Popts::store(b, v); }
};

/// Legacy receive descriptor (section 3.2.3).
struct RxDesc {
    uint8_t b[kDescBytes] = {};
    using Addr = DescBytes<0, 8>;                // buffer address
    using Length = DescBytes<8, 2>;              // bytes the controller stored in the buffer
    using Status = DescBytes<12, 1>;             // status byte
    using Errors = DescBytes<13, 1>;             // error byte
    static constexpr uint8_t kStaDd = 1u << 0;   // the controller is done with the descriptor
    static constexpr uint8_t kStaEop = 1u << 1;  // last buffer of the frame
    static constexpr uint8_t kErrCe = 1u << 0;   // CRC or alignment error

    uint64_t addr() const { return Addr::load(b); }
    uint16_t length() const { return static_cast<uint16_t>(Length::load(b)); }
    uint8_t status() const { return static_cast<uint8_t>(Status::load(b)); }
    uint8_t errors() const { return static_cast<uint8_t>(Errors::load(b)); }
    void set_addr(uint64_t v) { Addr::store(b, v); }
};

/// A descriptor view of `kDescBytes` bytes of ring memory.
template <typename D>
inline D desc_from(const uint8_t* bytes) {
    D d;
    std::memcpy(d.b, bytes, kDescBytes);
    return d;
}

}  // namespace nicsim::miniport::hw
