// Two NIC data paths back to back on one wire: descriptors on one side become frames on the wire and RX descriptors
// on the other, with the address filter applied and the wire's timing between them. Uses the data-path unit bench's
// fake device front and fake host memory (testbench/tests/nic/test_datapath_fixture.h).
#include <catch2/catch.hpp>

#include "model/nic/mac.h"
#include "model/wire/wire.h"
#include "testbench/tests/nic/test_datapath_fixture.h"

using namespace nicsim;
using namespace nicsim::test::dp;
using namespace sc_core;

namespace {

/// One NIC without its PCI front: fake register file, fake host memory, the data path.
struct Station {
    FakeContext ctx;
    FakeHost host;
    std::unique_ptr<NicDataPath> dp;

    Station(net::WireSink& wire, const uint8_t* mac) {
        ctx.regs[e::RXDCTL] = e::kRxdctlReset;
        std::memcpy(ctx.p.mac, mac, 6);
        dp = std::make_unique<NicDataPath>(ctx, wire, host);
        host.dp = dp.get();
        dp->reset();
        w(e::RAL0, static_cast<uint32_t>(mac[0] | mac[1] << 8 | mac[2] << 16 | static_cast<uint32_t>(mac[3]) << 24));
        w(e::RAH0, static_cast<uint32_t>(mac[4] | mac[5] << 8) | e::rahf::AV::mask);
    }
    void w(uint32_t offset, uint32_t value) {
        ctx.regs[offset] = value;
        dp->register_written(offset, value);
    }
};

/// Two stations joined by a Wire, ticked by one 33 MHz clock while busy.
struct BackToBack : sc_module {
    sc_clock clk{"clk", sc_time(30, SC_NS)};
    wire::Wire wire;
    Station a, b;
    std::vector<uint64_t> arrivals_at_b;

    SC_HAS_PROCESS(BackToBack);
    BackToBack(sc_module_name n, const uint8_t* mac_a, const uint8_t* mac_b)
        : sc_module(n), wire("wire", 1000), a(wire.end_a(), mac_a), b(wire.end_b(), mac_b) {
        wire.connect_a([this](const net::Frame& f) { a.dp->receive(f); });
        wire.connect_b([this](const net::Frame& f) {
            arrivals_at_b.push_back(static_cast<uint64_t>(sc_time_stamp() / sc_time(1, SC_NS)));
            b.dp->receive(f);
        });
        SC_METHOD(on_clock);
        sensitive << clk.posedge_event();
        dont_initialize();
    }
    void on_clock() {
        for (Station* s : {&a, &b}) {
            s->host.tick();
            if (s->dp->busy()) s->dp->tick();
        }
    }
};

constexpr uint64_t kTxRing = 0x10000, kTxBufs = 0x20000, kRxRing = 0x30000, kRxBufs = 0x40000;
constexpr uint32_t kRxBufSize = 2048;

}  // namespace

TEST_CASE("two NIC data paths back to back deliver frames through the wire and the address filter", "[wire][nic]") {
    const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0A};
    const uint8_t mac_b[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0B};
    const uint8_t stranger[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0C};
    BackToBack top("top", mac_a, mac_b);

    // B: an 8-entry RX ring with 2 KiB buffers, CRC stripped, broadcast accepted.
    Station& b = top.b;
    b.host.alloc(kRxRing, 8 * 16);
    b.host.alloc(kRxBufs, 8 * kRxBufSize);
    for (uint32_t i = 0; i < 8; ++i) {
        e::RxDesc d;
        d.set_addr(kRxBufs + i * kRxBufSize);
        b.host.write(kRxRing + i * 16, d.b, 16);
    }
    b.w(e::RDBAL, static_cast<uint32_t>(kRxRing));
    b.w(e::RDBAH, 0);
    b.w(e::RDLEN, 8 * 16);
    b.w(e::RDH, 0);
    b.w(e::RDT, 0);
    b.w(e::RCTL, e::rctl::EN::mask | e::rctl::BAM::mask | e::rctl::SECRC::mask);
    b.w(e::RDT, 7);

    // A: three frames -- to B, to a stranger (filtered at B), broadcast -- on an 8-entry TX ring.
    Station& a = top.a;
    const std::vector<uint8_t> frames[3] = {eth_frame(mac_b, 1514, 1), eth_frame(stranger, 200, 2),
                                            eth_frame(std::vector<uint8_t>(6, 0xFF).data(), 60, 3)};
    a.host.alloc(kTxRing, 8 * 16);
    a.host.alloc(kTxBufs, 3 * 2048);
    for (uint32_t i = 0; i < 3; ++i) {
        a.host.write(kTxBufs + i * 2048, frames[i].data(), frames[i].size());
        e::TxDesc d;
        d.set_addr(kTxBufs + i * 2048);
        d.set_length(static_cast<uint16_t>(frames[i].size()));
        d.set_cmd(e::TxDesc::kCmdEop | e::TxDesc::kCmdIfcs | e::TxDesc::kCmdRs);
        a.host.write(kTxRing + i * 16, d.b, 16);
    }
    a.w(e::TDBAL, static_cast<uint32_t>(kTxRing));
    a.w(e::TDBAH, 0);
    a.w(e::TDLEN, 8 * 16);
    a.w(e::TDH, 0);
    a.w(e::TDT, 0);
    a.w(e::TCTL, e::tctl::EN::mask | e::tctl::PSP::mask);
    a.w(e::TDT, 3);

    sc_start(sc_time(200, SC_US));

    INFO("all three frames crossed the wire in order, none delayed: A's MAC already spaces them");
    CHECK(top.wire.stats(true).frames == 3);
    CHECK(top.wire.stats(true).delayed == 0);
    REQUIRE(top.arrivals_at_b.size() == 3);
    CHECK(top.arrivals_at_b[1] >= top.arrivals_at_b[0] + (8 + 204 + 12) * 8);
    INFO("B's MAC saw good FCS on all; its filter refused the stranger's frame");
    CHECK(b.dp->mac().stats().rx_bad_fcs == 0);
    CHECK(b.dp->stats().rx_filtered == 1);
    CHECK(b.dp->stats().rx_frames == 2);
    INFO("B's first two RX descriptors hold the frame to B and the broadcast, CRC stripped");
    const size_t expect_len[2] = {1514, 60};
    const std::vector<uint8_t>* expect[2] = {&frames[0], &frames[2]};
    for (uint32_t i = 0; i < 2; ++i) {
        INFO("RX descriptor " << i);
        const auto raw = b.host.read(kRxRing + i * 16, 16);
        const auto d = e::desc_from<e::RxDesc>(raw.data());
        CHECK((d.status() & e::RxDesc::kStaDd) != 0);
        CHECK((d.status() & e::RxDesc::kStaEop) != 0);
        CHECK(d.length() == expect_len[i]);
        CHECK(b.host.read(kRxBufs + i * kRxBufSize, expect_len[i]) == *expect[i]);
    }
    INFO("nothing went the other way and no host access strayed");
    CHECK(top.wire.stats(false).frames == 0);
    CHECK(a.host.stray == 0);
    CHECK(b.host.stray == 0);
}
