// What the stock-driver view tests share: the register offsets and bits they use, written out from the 8254x Family
// Software Developer's Manual rather than taken from the model, and a driver's MMIO, MDIC, EERD and Microwire
// handshakes. See test_nic_stock_driver_regs.cpp and test_nic_stock_driver_path.cpp.
#pragma once

#include <cstdint>

#include "testbench/tests/nic/nic_machine_bench.h"

namespace nicsim::test::stock {

constexpr uint32_t kBar0 = NicMachineBench::kBar0;
constexpr uint64_t kAutonegNs = 200'000;

// Register offsets (section 13.3, Table 13-2).
constexpr uint32_t CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014, MDIC = 0x0020;
constexpr uint32_t ICR = 0x00C0, ITR = 0x00C4, ICS = 0x00C8, IMS = 0x00D0, IMC = 0x00D8;
constexpr uint32_t RCTL = 0x0100, TCTL = 0x0400, TDLEN = 0x3808, RDLEN = 0x2808, RAL0 = 0x5400, RAH0 = 0x5404;
constexpr uint32_t RDTR = 0x2820, RADV = 0x282C, TIDV = 0x3820, TADV = 0x382C;

// CTRL bits (section 13.4.1).
constexpr uint32_t kCtrlSlu = 1u << 6, kCtrlSpeed100 = 1u << 8, kCtrlFrcSpd = 1u << 11, kCtrlFrcDplx = 1u << 12,
                   kCtrlRst = 1u << 26, kCtrlPhyRst = 1u << 31;

/// The accesses a driver makes, with the MDIC and EERD handshakes written out from sections 13.4.4 and 13.4.6.
struct Driver {
    hostdrv::HostPlatform& hp;
    uint32_t rd(uint32_t off) { return hp.mmio_read(kBar0 + off, 4); }
    void wr(uint32_t off, uint32_t v) { hp.mmio_write(kBar0 + off, 4, v); }

    /// MDIC (13.4.6): DATA 15:0, REGADD 20:16, PHYADD 25:21, OP 27:26 (01b write, 10b read), R 28, E 30. Polled
    /// every 10 us up to 64 times, as the drivers do; returns the final MDIC value (0 on timeout).
    uint32_t mdic(unsigned op, unsigned phy, unsigned reg, uint16_t data) {
        wr(MDIC, (op << 26) | (phy << 21) | (reg << 16) | data);
        for (int i = 0; i < 64; ++i) {
            hp.stall_ns(10'000);
            const uint32_t v = rd(MDIC);
            if (v & (1u << 28)) return v;
        }
        return 0;
    }
    uint16_t phy_read(unsigned reg) { return static_cast<uint16_t>(mdic(2, 1, reg, 0) & 0xFFFF); }
    void phy_write(unsigned reg, uint16_t v) { mdic(1, 1, reg, v); }

    /// EERD on the 82540EM (13.4.4): START bit 0, DONE bit 4, ADDR 15:8, DATA 31:16, bits 3:1 reserved. Returns the
    /// final EERD value; every value read is ORed into `eerd_seen`.
    uint32_t eerd_seen = 0;
    uint32_t eerd(unsigned addr) {
        wr(EERD, (addr << 8) | 1u);
        for (int i = 0; i < 1000; ++i) {
            const uint32_t v = rd(EERD);
            eerd_seen |= v;
            if (v & (1u << 4)) return v;
            hp.stall_ns(100);
        }
        return 0;
    }

    /// A Microwire READ on EECD (13.4.3; section 5.3: start bit, opcode 10b, six address bits on the 64-word part,
    /// then sixteen data bits MSB first) under the EE_REQ (bit 6) / EE_GNT (bit 7) handshake. SK bit 0, CS bit 1,
    /// DI bit 2, DO bit 3.
    uint16_t microwire_read(unsigned addr) {
        uint32_t v = rd(EECD) | (1u << 6);
        wr(EECD, v);
        for (int i = 0; i < 100 && !(rd(EECD) & (1u << 7)); ++i) hp.stall_ns(100);
        auto pins = [&](uint32_t set, uint32_t clear) {
            v = (v | set) & ~clear;
            wr(EECD, v);
            hp.stall_ns(50);
        };
        pins(1u << 1, 0);                           // CS
        const uint32_t frame = (0x6u << 6) | addr;  // 1, 10b, A5..A0
        for (int bit = 8; bit >= 0; --bit) {
            pins((frame >> bit) & 1u ? 1u << 2 : 0, (frame >> bit) & 1u ? 0 : 1u << 2);
            pins(1u << 0, 0);
            pins(0, 1u << 0);
        }
        uint16_t w = 0;
        for (int i = 0; i < 16; ++i) {
            pins(1u << 0, 1u << 2);
            w = static_cast<uint16_t>((w << 1) | ((rd(EECD) >> 3) & 1u));
            pins(0, 1u << 0);
        }
        pins(0, (1u << 1) | (1u << 6));  // CS low, EE_REQ released
        return w;
    }
};

inline bool inta(NicMachineBench& b) {
    return ((b.pin.bus.lines().inta >> b.dev) & 1u) != 0;
}

inline nic::NicParams params() {
    nic::NicParams p;
    p.autoneg_ns = kAutonegNs;
    return p;
}

constexpr uint64_t kTxRing = 0x100000, kRxRing = 0x101000, kTxBuf = 0x200000, kRxBuf = 0x300000;

/// Both rings of eight legacy descriptors (sections 3.2.3 and 3.3.3: buffer address in bytes 0-7, length in bytes 8-9,
/// the transmit CMD in byte 11), 128 bytes each: `tx_count` transmit descriptors of `len` bytes from kTxBuf with CMD
/// `cmd`, eight receive descriptors of 2 KiB buffers from kRxBuf; TDBAL/TDLEN and RDBAL/RDLEN written. The control
/// registers and the tails are the caller's.
inline void legacy_rings(hostdrv::HostPlatform& hp, Driver& d, unsigned tx_count, uint32_t len, uint8_t cmd) {
    for (unsigned n = 0; n < 8; ++n) {
        uint8_t tx[16] = {}, rx[16] = {};
        for (unsigned i = 0; i < 8; ++i) tx[i] = static_cast<uint8_t>(kTxBuf >> (8 * i));
        tx[8] = static_cast<uint8_t>(len);
        tx[9] = static_cast<uint8_t>(len >> 8);
        tx[11] = cmd;
        if (n < tx_count) hp.memory().write(kTxRing + 16 * n, tx, sizeof tx);
        for (unsigned i = 0; i < 8; ++i) rx[i] = static_cast<uint8_t>((kRxBuf + 2048 * n) >> (8 * i));
        hp.memory().write(kRxRing + 16 * n, rx, sizeof rx);
    }
    d.wr(0x3800, static_cast<uint32_t>(kTxRing));  // TDBAL
    d.wr(TDLEN, 128);
    d.wr(0x2800, static_cast<uint32_t>(kRxRing));  // RDBAL
    d.wr(RDLEN, 128);
}

}  // namespace nicsim::test::stock
