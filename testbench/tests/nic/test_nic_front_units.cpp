// The NIC front's plain C++ blocks on their own: register layout header, EEPROM, configuration space, interrupts,
// statistics counters.
#include <catch2/catch.hpp>

#include <array>

#include "model/nic/config_space.h"
#include "model/nic/e1000_regs.h"
#include "model/nic/eeprom.h"
#include "model/nic/interrupts.h"
#include "model/nic/stat_counters.h"

using namespace nicsim::nic;
using namespace nicsim::e1000;
namespace cfg = nicsim::pci::cfg;

TEST_CASE("e1000 fields and descriptors have the manual's layout", "[nic][regs]") {
    INFO("EERD: DONE bit 4 and DATA 31:16");
    CHECK(eerd::DONE::mask == 0x10u);
    CHECK(eerd::DATA::get(0xBEEF0010u) == 0xBEEFu);
    CHECK(eerd::ADDR::make(0x3F) == 0x3F00u);
    INFO("CTRL.RST is bit 26, STATUS.SPEED bits 7:6");
    CHECK(ctrl::RST::mask == (1u << 26));
    CHECK(status::SPEED::make(status::kSpeed1000) == 0x80u);
    INFO("RCTL buffer sizes: 2048 by default, 4096 with BSEX and BSIZE=11");
    CHECK(rctl::buffer_bytes(0) == 2048);
    CHECK(rctl::buffer_bytes(rctl::BSIZE::make(3)) == 256);
    CHECK(rctl::buffer_bytes(rctl::BSIZE::make(3) | rctl::BSEX::make(1)) == 4096);
    INFO("TXDCTL/RXDCTL WTHRESH 21:16, GRAN 24");
    CHECK(dctl::WTHRESH::make(1) == 0x10000u);
    CHECK(dctl::GRAN::mask == 0x01000000u);

    INFO("legacy TX descriptor: length at byte 8, CMD at byte 11, STA low nibble of byte 12");
    TxDesc t;
    t.set_addr(0x1122334455667788ull);
    t.set_length(1514);
    t.set_cmd(TxDesc::kCmdEop | TxDesc::kCmdRs);
    t.set_sta(TxDesc::kStaDd);
    CHECK(t.b[0] == 0x88);
    CHECK(t.b[7] == 0x11);
    CHECK(t.b[8] == (1514 & 0xFF));
    CHECK(t.b[11] == 0x09);
    CHECK(t.b[12] == 0x01);
    CHECK(t.addr() == 0x1122334455667788ull);

    INFO("data descriptor: DTYP=0001 in bits 23:20 of dword 2, DEXT forced");
    TxDataDesc d;
    d.set_cmd_len(9000, TxDataDesc::kDcmdEop | TxDataDesc::kDcmdTse);
    CHECK(d.dtalen() == 9000);
    CHECK(d.dtyp() == kDtypData);
    CHECK((d.dcmd() & TxDataDesc::kDcmdDext) != 0);
    RawDesc raw;
    std::memcpy(raw.b, d.b, 16);
    CHECK(tx_is_extended(raw));
    CHECK(tx_dtyp(raw) == kDtypData);

    INFO("context descriptor: PAYLEN 19:0, TUCMD.TSE, MSS in the last two bytes");
    TxContextDesc c;
    c.set_cmd_len(64000, TxContextDesc::kTucmdTse | TxContextDesc::kTucmdTcp);
    c.set_mss(1460);
    c.set_hdrlen(54);
    CHECK(c.paylen() == 64000);
    CHECK(c.dtyp() == kDtypContext);
    CHECK(c.b[14] == (1460 & 0xFF));
    CHECK(c.hdrlen() == 54);

    INFO("RX descriptor: status byte 12, errors byte 13");
    RxDesc r;
    r.set_status(RxDesc::kStaDd | RxDesc::kStaEop);
    r.set_errors(RxDesc::kErrCe);
    r.set_length(60);
    CHECK(r.b[12] == 0x03);
    CHECK(r.b[13] == 0x01);
    CHECK(r.length() == 60);
}

TEST_CASE("EEPROM holds the MAC in words 0 to 2 and sums to 0xBABA", "[nic][eeprom]") {
    const uint8_t mac[6] = {0x00, 0x1B, 0x21, 0xAA, 0xBB, 0xCC};
    Eeprom ee(mac);
    INFO("words 0..2 are the MAC, low byte first");
    CHECK(ee.word(0) == 0x1B00);
    CHECK(ee.word(1) == 0xAA21);
    CHECK(ee.word(2) == 0xCCBB);
    INFO("checksum word 0x3F makes the sum 0xBABA");
    CHECK(ee.sum() == kEepromSum);
    ee.set_word(5, 0x1234);
    CHECK(ee.sum() != kEepromSum);
    ee.fix_checksum();
    CHECK(ee.sum() == kEepromSum);

    INFO("EERD: DONE only after the read latency, with DATA and ADDR");
    CHECK(ee.write_eerd(eerd::START::make(1) | eerd::ADDR::make(1)));
    CHECK(ee.busy());
    CHECK(eerd::DONE::get(ee.eerd()) == 0);
    for (unsigned i = 0; i + 1 < Eeprom::kDefaultReadClocks; ++i) ee.tick();
    CHECK(eerd::DONE::get(ee.eerd()) == 0);
    ee.tick();
    CHECK_FALSE(ee.busy());
    CHECK(eerd::DONE::get(ee.eerd()) == 1);
    CHECK(eerd::DATA::get(ee.eerd()) == 0xAA21);
    CHECK(eerd::ADDR::get(ee.eerd()) == 1);

    INFO("a word beyond the part is refused and reads as all ones");
    CHECK_FALSE(ee.write_eerd(eerd::START::make(1) | eerd::ADDR::make(0x80)));
    for (unsigned i = 0; i < Eeprom::kDefaultReadClocks; ++i) ee.tick();
    CHECK(eerd::DATA::get(ee.eerd()) == 0xFFFF);
}

TEST_CASE("config space identity and BAR sizing by writing all ones", "[nic][config]") {
    ConfigSpace cs;
    INFO("vendor 0x8086, device 0x100E, class 0x020000, interrupt pin A");
    CHECK(cs.read(0x00) == 0x100E8086u);
    CHECK((cs.read(0x08) >> 8) == 0x020000u);
    CHECK(((cs.read(0x3C) >> 8) & 0xFF) == 1u);
    INFO("BAR0: 128 KiB 32-bit non-prefetchable memory");
    cs.write(0x10, 0xFFFFFFFFu, 0xF);
    CHECK(cs.read(0x10) == 0xFFFE0000u);
    INFO("BAR2: 8-byte I/O");
    cs.write(ConfigSpace::kBar2, 0xFFFFFFFFu, 0xF);
    CHECK(cs.read(ConfigSpace::kBar2) == 0xFFFFFFF9u);
    INFO("BAR1 is not implemented: reads 0 after all ones");
    cs.write(0x14, 0xFFFFFFFFu, 0xF);
    CHECK(cs.read(0x14) == 0u);
    INFO("identity registers ignore writes");
    cs.write(0x00, 0u, 0xF);
    CHECK(cs.read(0x00) == 0x100E8086u);
}

TEST_CASE("config space command gates decode and status bits are write one to clear", "[nic][config]") {
    ConfigSpace cs;
    cs.write(0x10, 0xFEB00000u, 0xF);
    cs.write(ConfigSpace::kBar2, 0x0000E000u, 0xF);
    INFO("no decode while Memory/IO Space are clear");
    CHECK(cs.memory_offset(0xFEB00000u) < 0);
    CHECK(cs.io_offset(0xE004) < 0);
    unsigned ch = cs.write(0x04, cfg::kCmdMemSpace | cfg::kCmdIoSpace, 0x3);
    CHECK((ch & ConfigSpace::kDecode) != 0);
    CHECK(cs.memory_offset(0xFEB000C0u) == 0xC0);
    CHECK(cs.memory_offset(0xFEB20000u) < 0);
    CHECK(cs.io_offset(0xE004) == 4);
    CHECK(cs.io_offset(0xE008) < 0);
    INFO("cache line size and latency timer are R/W and flagged for the master engine");
    ch = cs.write(0x0C, 0x00004008u, 0x3);
    CHECK((ch & ConfigSpace::kMasterConfig) != 0);
    CHECK(cs.cache_line_dwords() == 8);
    CHECK(cs.latency_timer() == 0x40);
    INFO("error status bits latch and clear on writing 1");
    cs.set_status_bits(cfg::kStsReceivedMasterAbort | cfg::kStsDetectedParity);
    CHECK(((cs.read(0x04) >> 16) & cfg::kStsReceivedMasterAbort) != 0);
    cs.write(0x04, static_cast<uint32_t>(cfg::kStsReceivedMasterAbort) << 16 | cs.command(), 0xF);
    CHECK(((cs.read(0x04) >> 16) & cfg::kStsReceivedMasterAbort) == 0);
    CHECK(((cs.read(0x04) >> 16) & cfg::kStsDetectedParity) != 0);
    INFO("interrupt line is R/W");
    cs.write(0x3C, 0x0Bu, 0x1);
    CHECK((cs.read(0x3C) & 0xFF) == 0x0Bu);
}

TEST_CASE("interrupts assert on ICR and IMS and ICR read clears", "[nic][irq]") {
    Interrupts irq;
    irq.raise(icr::TXDW);
    INFO("masked cause: no interrupt");
    CHECK_FALSE(irq.evaluate(0));
    irq.write_ims(icr::TXDW | icr::RXT0);
    CHECK(irq.evaluate(10));
    CHECK(irq.evaluate(30));
    INFO("ICR read returns the causes and clears them");
    CHECK(irq.read_icr() == icr::TXDW);
    CHECK_FALSE(irq.evaluate(40));
    INFO("IMC masks again; ICS sets a cause");
    irq.write_imc(icr::RXT0);
    irq.write_ics(icr::RXT0);
    CHECK_FALSE(irq.evaluate(50));
    CHECK(irq.ims() == icr::TXDW);
}

TEST_CASE("ITR enforces a minimum interval between interrupts", "[nic][irq]") {
    Interrupts irq;
    irq.write_ims(icr::TXDW);
    irq.write_itr(100);  // 25.6 us
    irq.raise(icr::TXDW);
    CHECK(irq.evaluate(1000));
    irq.read_icr();
    CHECK_FALSE(irq.evaluate(1100));
    irq.raise(icr::TXDW);
    INFO("second interrupt held until 1000 + 100 x 256 ns");
    CHECK_FALSE(irq.evaluate(2000));
    CHECK(irq.next_deadline() == 1000 + 100 * 256);
    CHECK_FALSE(irq.evaluate(1000 + 100 * 256 - 1));
    CHECK(irq.evaluate(1000 + 100 * 256));
    CHECK(irq.assertions() == 2);
}

TEST_CASE("TIDV restarts per packet and TADV bounds the delay", "[nic][irq]") {
    Interrupts irq;
    irq.write_ims(icr::TXDW | icr::RXT0);
    irq.write_tidv(10, 0);  // 10.24 us
    irq.write_tadv(25);     // 25.6 us
    irq.tx_done(false, 0);
    CHECK_FALSE(irq.evaluate(5000));
    irq.tx_done(false, 8000);  // restarts TIDV to 18240
    CHECK_FALSE(irq.evaluate(12000));
    irq.tx_done(false, 16000);  // TIDV to 26240, but TADV expires at 25600
    CHECK(irq.next_deadline() == 25600);
    CHECK_FALSE(irq.evaluate(25599));
    INFO("TADV fires at 25.6 us although packets keep restarting TIDV");
    CHECK(irq.evaluate(25600));
    CHECK((irq.icr() & icr::TXDW) != 0);
    CHECK(irq.tx_timer_fires() == 1);
    INFO("an immediate event (IDE clear) raises TXDW at once");
    irq.read_icr();
    irq.evaluate(26000);
    irq.tx_done(true, 26000);
    CHECK((irq.icr() & icr::TXDW) != 0);
}

TEST_CASE("RDTR delays RXT0 and FPD flushes the pending timer", "[nic][irq]") {
    Interrupts irq;
    irq.write_ims(icr::RXT0);
    irq.write_rdtr(4, 0);  // 4.096 us
    irq.rx_done(false, 100);
    CHECK_FALSE(irq.evaluate(4195));
    CHECK(irq.evaluate(4196));
    CHECK(irq.rx_timer_fires() == 1);
    irq.read_icr();
    irq.evaluate(4200);
    irq.rx_done(false, 5000);
    CHECK((irq.icr() & icr::RXT0) == 0);
    INFO("writing RDTR with FPD raises RXT0 immediately");
    irq.write_rdtr(delay::FPD::make(1) | 4, 5100);
    CHECK((irq.icr() & icr::RXT0) != 0);
    CHECK(irq.rdtr() == 4);
    INFO("RDTR = 0: every packet interrupts at once");
    irq.read_icr();
    irq.write_rdtr(0, 6000);
    irq.rx_done(false, 6000);
    CHECK((irq.icr() & icr::RXT0) != 0);
}

TEST_CASE("statistics counters add and saturate as the hardware's: 32-bit, 64-bit pairs, and no counter",
          "[nic][regs]") {
    std::array<uint32_t, (kStatsLast - kStatsFirst) / 4 + 1> block{};
    StatCounters c(block.data());
    const auto at = [&](uint32_t offset) -> uint32_t& { return block[(offset - kStatsFirst) / 4]; };
    c.set_kind(GPRC, StatCounters::Kind::Counter32);
    c.set_kind(GORCL, StatCounters::Kind::Low64);
    INFO("a 32-bit counter adds, and stops at all ones");
    CHECK(c.add(GPRC, 5));
    CHECK(at(GPRC) == 5);
    at(GPRC) = 0xFFFFFFF0u;
    CHECK(c.add(GPRC, 0x100));
    CHECK(at(GPRC) == 0xFFFFFFFFu);
    INFO("a 64-bit pair carries into its high dword, and stops at all ones");
    at(GORCL) = 0xFFFFFFFEu;
    CHECK(c.add(GORCL, 3));
    CHECK(at(GORCL) == 1u);
    CHECK(at(GORCL + 4) == 1u);
    at(GORCL) = 0xFFFFFFFFu;
    at(GORCL + 4) = 0xFFFFFFFFu;
    CHECK(c.add(GORCL, 1));
    CHECK(at(GORCL) == 0xFFFFFFFFu);
    CHECK(at(GORCL + 4) == 0xFFFFFFFFu);
    INFO("no counter: the high half of a pair, an unaligned or outside offset; nothing is added");
    const auto before = block;
    CHECK_FALSE(c.add(GORCL + 4, 1));
    CHECK_FALSE(c.add(GPRC + 1, 1));
    CHECK_FALSE(c.add(kStatsLast + 4, 1));
    CHECK_FALSE(c.add(kStatsFirst - 4, 1));
    CHECK(block == before);
}
