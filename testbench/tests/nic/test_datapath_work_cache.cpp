// The transmit and receive engines keep their "has work" answers between changes (model/nic/work_cache.h): a change
// of an engine or of its descriptor cache that does not forget the kept answer would let the fast mode's NIC sleep
// through work, or skip a tick that had some. These tests drive the data path on the fake-port bench through every
// kind of change (DMA completions of fetches, buffer reads and writes and write-backs, frames from the wire, register
// writes, a flush, a reset, thresholds written behind the engines' backs) and compare the kept answers with fresh
// ones after each clock and each outside change.
#include "testbench/tests/nic/test_datapath_fixture.h"

using namespace nicsim::test::dp;

namespace {

constexpr uint64_t kRxRing = 0x10000;
constexpr uint64_t kRxBufs = 0x40000;
constexpr uint64_t kTxRing = 0x30000;
constexpr uint64_t kTxBuf = 0x80000;
constexpr uint8_t kSend = e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs;

/// Runs the bench clock by clock, asking has_work() before each clock as the fast mode's sleeping NIC does (so an
/// answer is kept across the DMA completions and ticks of the clock); the number of clocks after which a kept
/// answer was stale (0: none was).
unsigned stale_clocks(Bench& b, unsigned clocks) {
    unsigned stale = 0;
    for (unsigned i = 0; i < clocks; ++i) {
        (void)b.dp->has_work(b.ctx.now_ns());
        b.run_us(0.03);
        if (!b.dp->work_answers_current()) ++stale;
    }
    return stale;
}

}  // namespace

TEST_CASE("the engines' kept has-work answers stay right through sends, receives, write-backs and register writes",
          "[nic][tx][rx]") {
    Bench b;
    b.set_mac(kMac);
    b.setup_rx(kRxRing, 8, kRxBufs, 2048, 3, e::rctl::SECRC::mask);
    // Prefetch and write-back thresholds, so the fetch and write-back conditions read TXDCTL.
    b.setup_tx(kTxRing, 16, e::dctl::PTHRESH::make(2) | e::dctl::HTHRESH::make(1) | e::dctl::WTHRESH::make(4));
    const auto frame = eth_frame(kMac, 120, 1);
    b.host.alloc(kTxBuf, 4096);
    b.host.write(kTxBuf, frame.data(), frame.size());
    for (uint32_t i = 0; i < 6; ++i) b.put_legacy(i, kTxBuf, 120, kSend);
    b.w(e::TDT, 6);
    CHECK(b.dp->work_answers_current());
    CHECK(stale_clocks(b, 40) == 0);

    INFO("frames from the wire, more than the ring has buffers: the rest wait in the FIFO for RDT");
    for (uint8_t k = 0; k < 5; ++k) {
        b.dp->receive(with_fcs(eth_frame(kMac, 100 + k, k)));
        CHECK(b.dp->work_answers_current());
        CHECK(stale_clocks(b, 25) == 0);
    }
    CHECK(stale_clocks(b, 400) == 0);
    CHECK(b.dp->stats().rx_frames == 3);
    b.w(e::RDT, 7);
    CHECK(b.dp->work_answers_current());
    CHECK(stale_clocks(b, 400) == 0);
    CHECK(b.dp->stats().rx_frames == 5);

    INFO("the thresholds written in the register file without a word to the data path: a different question");
    b.ctx.regs[e::TXDCTL] = e::dctl::WTHRESH::make(8);
    CHECK(b.dp->work_answers_current());
    for (uint32_t i = 6; i < 9; ++i) b.put_legacy(i, kTxBuf, 120, kSend);
    b.w(e::TDT, 9);
    CHECK(stale_clocks(b, 200) == 0);

    INFO("TIDV with FPD flushes the write-backs WTHRESH held back");
    b.w(e::TIDV, e::delay::FPD::mask);
    CHECK(b.dp->work_answers_current());
    CHECK(stale_clocks(b, 200) == 0);
    CHECK(b.wire.frames.size() == 9);
    CHECK(b.r(e::TDH) == 9);

    INFO("a reset forgets everything");
    b.dp->reset();
    CHECK(b.dp->work_answers_current());
    CHECK_FALSE(b.dp->has_work(b.ctx.now_ns()));
    CHECK(stale_clocks(b, 20) == 0);
}
