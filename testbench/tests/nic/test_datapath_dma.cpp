// NIC data path, DMA engine and robustness: max_transfer splitting, Bus Master Enable, 32-bit reach, 2^64 wrap, bus
// errors, and bad ring programming (length, head/tail range, NULL and zero-length buffers, tail while disabled).
#include "testbench/tests/nic/test_datapath_fixture.h"

#include <random>

#include "model/nic/mac.h"
#include "model/nic/rx_engine.h"

using namespace nicsim::test::dp;

namespace {

const uint8_t kDst[6] = {0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC};
constexpr uint8_t kEop = e::TxDesc::kCmdEop;
constexpr uint8_t kIfcs = e::TxDesc::kCmdIfcs;
constexpr uint8_t kRs = e::TxDesc::kCmdRs;
constexpr uint64_t k4G = 1ull << 32;

/// Frame 0 from `bad_buf` (len 100), frame 1 from a good buffer: the ring must carry on past a refused frame.
struct TwoFrames {
    std::vector<uint8_t> good = eth_frame(kDst, 120, 42);
    void load(Bench& b, uint64_t bad_buf) {
        b.setup_tx(0x10000, 8);
        b.host.alloc(0x20000, 4096);
        b.host.write(0x20000, good.data(), good.size());
        b.put_legacy(0, bad_buf, 100, kEop | kIfcs | kRs);
        b.put_legacy(1, 0x20000, static_cast<uint16_t>(good.size()), kEop | kIfcs | kRs);
        b.w(e::TDT, 2);
    }
    void check(Bench& b) {
        INFO("the refused frame is dropped, its descriptor still completes (DD), the next frame goes out intact");
        REQUIRE(b.wire.frames.size() == 1);
        CHECK(body(b.wire.frames[0]) == good);
        CHECK((b.tx_desc(0).sta() & e::TxDesc::kStaDd) != 0);
        CHECK((b.tx_desc(1).sta() & e::TxDesc::kStaDd) != 0);
        CHECK(b.r(e::TDH) == 2);
        CHECK(b.dp->stats().tx_dropped == 1);
        CHECK_FALSE(b.dp->busy());
    }
};

}  // namespace

TEST_CASE("DMA splits buffers larger than max_transfer into consecutive requests and never truncates", "[nic][dma]") {
    NicParams p;
    p.max_transfer = 256;
    Bench b("bench", p);
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 1000, 1);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 1000, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(40);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
    INFO("the 1000-byte buffer was read as 256 + 256 + 256 + 232 at consecutive addresses");
    std::vector<std::pair<uint64_t, uint32_t>> reads;
    for (const auto& a : b.host.log)
        if (a.addr >= 0x20000 && a.addr < 0x21000) reads.emplace_back(a.addr, a.len);
    REQUIRE(reads.size() == 4);
    CHECK(reads[0] == std::make_pair<uint64_t, uint32_t>(0x20000, 256));
    CHECK(reads[1] == std::make_pair<uint64_t, uint32_t>(0x20100, 256));
    CHECK(reads[2] == std::make_pair<uint64_t, uint32_t>(0x20200, 256));
    CHECK(reads[3] == std::make_pair<uint64_t, uint32_t>(0x20300, 232));
    CHECK(b.host.max_request() <= 256);
    CHECK(b.dp->stats().dma_read_bytes == 1000 + 16);
}

TEST_CASE("DMA splits an RX frame write at max_transfer", "[nic][dma][rx]") {
    NicParams p;
    p.max_transfer = 512;
    Bench b("bench", p);
    b.set_mac(kMac);
    b.setup_rx(0x10000, 8, 0x40000, 2048, 7, e::rctl::SECRC::mask);
    const auto frame = eth_frame(kMac, 1500, 2);
    b.dp->receive(with_fcs(frame));
    b.run_us(40);
    CHECK(b.host.read(0x40000, 1500) == frame);
    CHECK(b.rx_desc(0).length() == 1500);
    INFO("1500 bytes written as 512 + 512 + 476; no request above max_transfer");
    unsigned writes = 0;
    for (const auto& a : b.host.log)
        if (a.addr >= 0x40000 && nicsim::pci::cmd_is_write(a.cmd)) ++writes;
    CHECK(writes == 3);
    CHECK(b.host.max_request() <= 512);
}

TEST_CASE("DMA on a 32-bit device refuses a buffer at or above 4 GiB without touching memory",
          "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-32bit", 1);
    NicParams p;
    p.dma_address_bits = 32;
    Bench b("bench", p);
    TwoFrames t;
    t.load(b, k4G + 0x100);
    b.run_us(30);
    t.check(b);
    CHECK(b.ctx.diag_count("dma-address-32bit") == 1);
    INFO("no request reached 4 GiB");
    CHECK_FALSE(b.host.touched_at_or_above(k4G));
    CHECK(b.host.stray == 0);
}

TEST_CASE("DMA on a 32-bit device refuses a buffer that straddles 4 GiB", "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-32bit", 1);
    NicParams p;
    p.dma_address_bits = 32;
    Bench b("bench", p);
    TwoFrames t;
    t.load(b, k4G - 0x40);  // 100 bytes: the last 36 are above 4 GiB
    b.run_us(30);
    t.check(b);
    CHECK(b.ctx.diag_count("dma-address-32bit") == 1);
    CHECK_FALSE(b.host.touched_at_or_above(k4G));
    INFO("not even the part below 4 GiB was read");
    for (const auto& a : b.host.log) CHECK(a.addr + a.len <= k4G - 0x40);
}

TEST_CASE("DMA on a 64-bit device reaches buffers above 4 GiB", "[nic][dma]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 200, 3);
    const uint64_t high = 0x2'0000'1000ull;
    b.host.alloc(high, 4096);
    b.host.write(high, frame.data(), frame.size());
    b.put_legacy(0, high, 200, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK(b.host.touched_at_or_above(k4G));
}

TEST_CASE("DMA refuses a range that wraps past 2^64", "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-wrap", 1);
    Bench b;
    TwoFrames t;
    t.load(b, ~0ull - 0x1F);  // 100 bytes from 2^64 - 32
    b.run_us(30);
    t.check(b);
    CHECK(b.ctx.diag_count("dma-address-wrap") == 1);
    CHECK(b.host.stray == 0);
}

TEST_CASE("DMA with Bus Master Enable clear moves nothing and the ring resumes once it is set",
          "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-disabled", 1);
    Bench b;
    b.ctx.bme = false;
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 90, 4);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 90, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(20);
    INFO("the descriptor fetch was refused before any bus cycle, and the ring stopped instead of retrying");
    CHECK(b.ctx.diag_count("dma-disabled") == 1);
    CHECK(b.host.log.empty());
    CHECK(b.wire.frames.empty());
    CHECK_FALSE(b.dp->busy());
    b.ctx.bme = true;
    b.w(e::TDT, 1);  // the driver kicks the ring again
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
}

TEST_CASE("DMA bus errors on a buffer read drop the frame with a diagnostic and the ring carries on",
          "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-bus-error", 1);
    Bench b;
    b.host.alloc(0x30000, 4096);
    b.host.faults.push_back({0x30000, 4096, nicsim::pci::MasterStatus::TargetAbort});
    TwoFrames t;
    t.load(b, 0x30000);
    b.run_us(30);
    t.check(b);
    CHECK(b.ctx.diag_count("dma-bus-error") == 1);
    CHECK(b.dp->stats().dma_errors == 1);
}

TEST_CASE("DMA on a 32-bit device refuses an RX buffer above 4 GiB with RXE and uses the next descriptor",
          "[nic][dma][rx][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-32bit", 1);
    NicParams p;
    p.dma_address_bits = 32;
    Bench b("bench", p);
    b.set_mac(kMac);
    b.setup_rx(0x10000, 8, 0x40000, 2048, 0, e::rctl::SECRC::mask);
    e::RxDesc high;
    high.set_addr(k4G + 0x1000);
    b.host.write(0x10000, high.b, 16);
    b.w(e::RDT, 7);
    const auto f0 = eth_frame(kMac, 100, 5), f1 = eth_frame(kMac, 100, 6);
    b.dp->receive(with_fcs(f0));
    b.dp->receive(with_fcs(f1));
    b.run_us(30);
    INFO("descriptor 0 done with the RX data error, frame 0 dropped; frame 1 in descriptor 1");
    CHECK((b.rx_desc(0).status() & e::RxDesc::kStaDd) != 0);
    CHECK((b.rx_desc(0).errors() & e::RxDesc::kErrRxe) != 0);
    CHECK(b.host.read(0x40000 + 2048, 100) == f1);
    CHECK(b.rx_desc(1).errors() == 0);
    CHECK(b.r(e::RDH) == 2);
    CHECK_FALSE(b.host.touched_at_or_above(k4G));
}

TEST_CASE("robust TDLEN not a multiple of 128 is diagnosed and nothing is fetched", "[nic][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/ring-length", 2);
    Bench b;
    b.host.alloc(0x10000, 4096);
    b.w(e::TDBAL, 0x10000);
    b.w(e::TDLEN, 100);
    b.w(e::TDH, 0);
    b.w(e::TDT, 0);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.w(e::TDT, 3);
    b.run_us(10);
    CHECK(b.ctx.diag_count("ring-length") >= 1);
    CHECK(b.host.log.empty());
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("robust TDT past the ring end is diagnosed and ignored and a later good tail works", "[nic][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/head-tail-range", 1);
    Bench b;
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 70, 7);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 70, kEop | kIfcs | kRs);
    b.w(e::TDT, 20);
    b.run_us(10);
    CHECK(b.ctx.diag_count("head-tail-range") == 1);
    CHECK(b.host.log.empty());
    b.w(e::TDT, 1);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK(b.host.stray == 0);
}

TEST_CASE("robust TDH past the ring end is legal while it equals TDT and diagnosed once TDT moves",
          "[nic][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/head-tail-range", 1);
    Bench b;
    b.host.alloc(0x10000, 128);
    b.w(e::TDBAL, 0x10000);
    b.w(e::TDLEN, 128);
    b.w(e::TDH, 9);
    b.w(e::TDT, 9);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.run_us(10);
    INFO("head = tail: the NIC owns no descriptor, so 9 on an 8-descriptor ring is only a note");
    CHECK(b.ctx.diag_count("head-tail-range") == 0);
    CHECK(b.ctx.note_count("head-tail-idle") == 1);
    b.w(e::TDT, 1);
    b.run_us(10);
    INFO("the tail moved: the NIC would own descriptors from head 9, outside the ring");
    CHECK(b.ctx.diag_count("head-tail-range") == 1);
    CHECK(b.host.log.empty());
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("robust NULL and zero-length TX buffers are diagnosed without a hang", "[nic][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/null-buffer", 1);
    nicsim::test::expect_reports("nicsim/nic/zero-length", 1);
    Bench b;
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 150, 8);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0, 100, kEop | kIfcs | kRs);        // NULL buffer: frame dropped
    b.put_legacy(1, 0x20000, 0, kIfcs);                 // zero length: skipped
    b.put_legacy(2, 0x20000, 150, kEop | kIfcs | kRs);  // the frame
    b.w(e::TDT, 3);
    b.run_us(20);
    CHECK(b.ctx.diag_count("null-buffer") == 1);
    CHECK(b.ctx.diag_count("zero-length") == 1);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK((b.tx_desc(0).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == 3);
    CHECK(b.dp->stats().tx_dropped == 1);
    CHECK(b.host.stray == 0);
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("robust TDT written while TCTL.EN is clear is noted and served once enabled", "[nic][robustness]") {
    Bench b;
    b.setup_tx(0x10000, 8, 0, /*enable*/ false);
    const auto frame = eth_frame(kDst, 64, 9);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 64, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(10);
    INFO("the manual's order (tail before enable) is legal: a note, not a diagnostic");
    CHECK(b.ctx.note_count("tail-while-disabled") == 1);
    CHECK(b.ctx.diags.empty());
    CHECK(b.wire.frames.empty());
    CHECK(b.host.log.empty());
    b.w(e::TCTL, e::tctl::EN::mask);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
}

TEST_CASE("robust RX NULL buffer gets RXE and the frame is dropped", "[nic][rx][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/null-buffer", 1);
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(0x10000, 8, 0x40000, 2048, 0, e::rctl::SECRC::mask);
    e::RxDesc null_desc;  // address 0
    b.host.write(0x10000, null_desc.b, 16);
    b.w(e::RDT, 7);
    const auto f0 = eth_frame(kMac, 100, 5), f1 = eth_frame(kMac, 100, 6);
    b.dp->receive(with_fcs(f0));
    b.dp->receive(with_fcs(f1));
    b.run_us(20);
    CHECK(b.ctx.diag_count("null-buffer") == 1);
    CHECK((b.rx_desc(0).errors() & e::RxDesc::kErrRxe) != 0);
    CHECK(b.host.read(0x40000 + 2048, 100) == f1);
    CHECK(b.r(e::RDH) == 2);
    CHECK(b.host.stray == 0);
}

TEST_CASE("robust RX ring with a bad RDLEN is diagnosed and received frames wait without a hang",
          "[nic][rx][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/ring-length", 1);
    Bench b;
    b.set_mac(kMac);
    b.host.alloc(0x10000, 4096);
    b.w(e::RDBAL, 0x10000);
    b.w(e::RDLEN, 200);
    b.w(e::RCTL, e::rctl::EN::mask | e::rctl::SECRC::mask);
    b.dp->receive(with_fcs(eth_frame(kMac, 100, 1)));
    b.run_us(10);
    CHECK(b.ctx.diag_count("ring-length") == 1);
    CHECK(b.host.log.empty());
    CHECK(b.dp->rx().fifo_frames() == 1);
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("robust reset in the middle of traffic forgets every operation and the rings work after reprogramming",
          "[nic][robustness]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    const auto big = eth_frame(kDst, 1500, 1), small = eth_frame(kDst, 80, 2);
    b.host.alloc(0x20000, 0x2000);
    b.host.write(0x20000, big.data(), big.size());
    b.host.write(0x21000, small.data(), small.size());
    b.put_legacy(0, 0x20000, 1500, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(1);  // the descriptor is fetched and the buffer read is under way
    REQUIRE(b.dp->busy());
    // CTRL.RST: the front clears its registers and resets the data path.
    b.dp->reset();
    b.ctx.regs.clear();
    b.run_us(20);
    INFO("nothing from before the reset reaches the wire or the ring");
    CHECK(b.wire.frames.empty());
    CHECK_FALSE(b.dp->busy());
    b.setup_tx(0x10000, 8);
    b.put_legacy(0, 0x21000, 80, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == small);
    CHECK(b.r(e::TDH) == 1);
    CHECK(b.host.stray == 0);
}

TEST_CASE("DMA on a 32-bit device refuses a descriptor ring above 4 GiB and stops the ring without a hang",
          "[nic][dma][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/dma-address-32bit", 1);
    NicParams p;
    p.dma_address_bits = 32;
    Bench b("bench", p);
    b.host.alloc(k4G + 0x10000, 128);
    b.tx_ring = k4G + 0x10000;
    b.w(e::TDBAL, 0x10000);
    b.w(e::TDBAH, 1);
    b.w(e::TDLEN, 128);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.w(e::TDT, 3);
    b.run_us(20);
    INFO("one refusal for the fetch; no retry storm, no bus request, nothing sent");
    CHECK(b.ctx.diag_count("dma-address-32bit") == 1);
    CHECK(b.host.log.empty());
    CHECK(b.wire.frames.empty());
    CHECK(b.r(e::TDH) == 0);
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("robust RDT past the RX ring end is diagnosed and ignored", "[nic][rx][robustness]") {
    nicsim::test::expect_reports("nicsim/nic/head-tail-range", 1);
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(0x10000, 8, 0x40000, 2048, 0, e::rctl::SECRC::mask);
    b.w(e::RDT, 8);  // one past the last descriptor
    const auto f0 = eth_frame(kMac, 100, 1);
    b.dp->receive(with_fcs(f0));
    b.run_us(10);
    CHECK(b.ctx.diag_count("head-tail-range") == 1);
    CHECK(b.host.log.empty());
    b.w(e::RDT, 3);
    b.run_us(10);
    CHECK(b.host.read(0x40000, 100) == f0);
    CHECK(b.r(e::RDH) == 1);
    CHECK(b.host.stray == 0);
}

TEST_CASE("robust seeded random TX descriptors never hang crash or leave the ring unfinished",
          "[nic][robustness][tx]") {
    nicsim::test::expect_reports("nicsim/nic/", 84);  // every kind of diagnostic is fair game here
    NicParams p;
    p.max_transfer = 1024;
    Bench b("bench", p);
    b.setup_tx(0x10000, 64);
    b.host.alloc(0x100000, 0x10000);  // the only real buffers
    const auto junk = pattern(0x10000, 77);
    b.host.write(0x100000, junk.data(), junk.size());
    std::mt19937 rng(20261124);  // fixed seed: the same descriptors on every run
    uint32_t tail = 0;
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < 40; ++i) {
            e::RawDesc d;
            for (auto& byte : d.b) byte = static_cast<uint8_t>(rng());
            const uint32_t kind = rng() % 4;
            if (kind < 2) {  // a plausible buffer inside the real region, random command bits
                const uint64_t addr = 0x100000 + rng() % 0xF000;
                e::detail::st64(d.b, addr);
                e::detail::st16(d.b + 8, static_cast<uint16_t>(rng() % 0x1000));
            }
            if (kind == 0) d.b[11] &= static_cast<uint8_t>(~e::TxDesc::kCmdDext);  // legacy
            b.host.write(0x10000 + tail * 16ull, d.b, 16);
            tail = (tail + 1) % 64;
        }
        b.w(e::TDT, tail);
        b.run_us(3000);
        INFO("round " << round << ": the hardware consumed every descriptor up to the tail and went idle");
        CHECK(b.r(e::TDH) == tail);
        CHECK_FALSE(b.dp->busy());
    }
    const auto& st = b.dp->stats();
    INFO("frames " << st.tx_frames << " dropped " << st.tx_dropped << " diagnostics " << st.diagnostics
                   << " dma errors " << st.dma_errors << " TSO segments " << st.tx_tso_segments);
    CHECK(st.tx_frames > 0);
    CHECK(st.diagnostics > 0);
    CHECK(st.tx_desc_fetched == 160);
    INFO("nothing was written outside the ring: write-backs only");
    for (const auto& a : b.host.log)
        if (nicsim::pci::cmd_is_write(a.cmd)) CHECK((a.addr >= 0x10000 && a.addr + a.len <= 0x10000 + 64 * 16));
}

TEST_CASE("robust seeded random RX buffers and RCTL settings never hang or write outside the buffers",
          "[nic][robustness][rx]") {
    nicsim::test::expect_reports("nicsim/nic/", 4);
    NicParams p;
    p.dma_address_bits = 32;
    Bench b("bench", p);
    b.set_mac(kMac);
    b.host.alloc(0x10000, 32 * 16);
    b.host.alloc(0x200000, 32 * 0x4000);  // buffers of up to 16 KiB (BSEX)
    std::mt19937 rng(424242);
    b.w(e::RDBAL, 0x10000);
    b.w(e::RDLEN, 32 * 16);
    b.w(e::RCTL, e::rctl::EN::mask | e::rctl::UPE::mask);
    uint32_t tail = 0;
    for (int round = 0; round < 6; ++round) {
        // Random buffer size and strip settings; buffers in place, or NULL, or above 4 GiB.
        const uint32_t rctl = e::rctl::EN::mask | e::rctl::UPE::mask | e::rctl::BSIZE::make(rng() % 4) |
                              (rng() % 2 ? e::rctl::BSEX::mask : 0) | (rng() % 2 ? e::rctl::SECRC::mask : 0);
        b.w(e::RCTL, rctl);
        for (int i = 0; i < 8; ++i) {
            e::RxDesc d;
            const uint32_t kind = rng() % 8;
            d.set_addr(kind == 0 ? 0 : kind == 1 ? (1ull << 32) + rng() : 0x200000 + tail * 0x4000ull);
            b.host.write(0x10000 + tail * 16ull, d.b, 16);
            tail = (tail + 1) % 32;
        }
        b.w(e::RDT, tail);
        for (int f = 0; f < 6; ++f)
            b.dp->receive(with_fcs(eth_frame(kMac, 60 + rng() % 3000, static_cast<uint8_t>(rng()))));
        b.run_us(400);
        INFO("round " << round << ": no clocks spent once nothing can move");
        CHECK_FALSE(b.dp->busy());
    }
    const auto& st = b.dp->stats();
    INFO("frames " << st.rx_frames << " dropped " << st.rx_dropped << " missed " << st.rx_missed);
    CHECK(st.rx_frames > 0);
    CHECK(st.diagnostics > 0);
    INFO("writes only into the ring and the real buffers; nothing at or above 4 GiB");
    for (const auto& a : b.host.log)
        if (nicsim::pci::cmd_is_write(a.cmd)) CHECK(b.host.allocated(a.addr, a.len));
    CHECK_FALSE(b.host.touched_at_or_above(1ull << 32));
}
