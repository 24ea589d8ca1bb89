// NIC data path, transmit side: legacy and extended descriptors, multi-buffer frames, checksum offloads, TSO, the
// MAC's serialisation time, descriptor write-back and the TX FIFO, on the fake-port bench.
#include "testbench/tests/nic/test_datapath_fixture.h"

#include "model/nic/mac.h"
#include "model/nic/tx_engine.h"

using namespace nicsim::test::dp;

namespace {

const uint8_t kDst[6] = {0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC};
constexpr uint8_t kEop = e::TxDesc::kCmdEop;
constexpr uint8_t kIfcs = e::TxDesc::kCmdIfcs;
constexpr uint8_t kRs = e::TxDesc::kCmdRs;
constexpr uint8_t kIc = e::TxDesc::kCmdIc;

/// eth + IPv4 (20) + TCP (20) or UDP (8) header for `l4_payload` bytes, seeded as the 8254x expects.
std::vector<uint8_t> ipv4_headers(bool tcp, uint32_t l4_payload, bool tso) {
    const uint32_t l4h = tcp ? 20 : 8;
    std::vector<uint8_t> h(14 + 20 + l4h, 0);
    std::memcpy(h.data(), kDst, 6);
    h[6] = 0x02;
    h[11] = 0x01;
    h[12] = 0x08;
    h[13] = 0x00;
    uint8_t* ip = h.data() + 14;
    ip[0] = 0x45;
    const uint32_t total = 20 + l4h + l4_payload;
    ip[2] = static_cast<uint8_t>(total >> 8);
    ip[3] = static_cast<uint8_t>(total);
    ip[4] = 0x01;
    ip[5] = 0x00;  // ID 0x0100
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    std::memcpy(ip + 12, src, 4);
    std::memcpy(ip + 16, dst, 4);
    uint8_t* l4 = ip + 20;
    l4[0] = 0x04;
    l4[1] = 0xD2;
    l4[2] = 0x16;
    l4[3] = 0x2E;  // ports 1234 -> 5678
    // Pseudo-header seed: with the L4 length for a plain frame, without it for TSO.
    uint32_t acc = (10u << 8) + 0 + (0 << 8) + 1 + (10u << 8) + 0 + (0 << 8) + 2 + (tcp ? 6u : 17u);
    if (!tso) acc += l4h + l4_payload;
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    if (tcp) {
        l4[4] = 0;
        l4[5] = 0;
        l4[6] = 0x03;
        l4[7] = 0xE8;  // seq 1000
        l4[12] = 0x50;
        l4[13] = 0x18;  // data offset 5, PSH|ACK
        l4[14] = 0xFF;
        l4[15] = 0xFF;
        l4[16] = static_cast<uint8_t>(acc >> 8);
        l4[17] = static_cast<uint8_t>(acc);
    } else {
        const uint32_t ulen = 8 + l4_payload;
        l4[4] = static_cast<uint8_t>(ulen >> 8);
        l4[5] = static_cast<uint8_t>(ulen);
        l4[6] = static_cast<uint8_t>(acc >> 8);
        l4[7] = static_cast<uint8_t>(acc);
    }
    return h;
}

void put_context(Bench& b, uint32_t index, const e::TxContextDesc& c) {
    b.host.write(b.tx_ring + index * 16ull, c.b, 16);
}
void put_data(Bench& b, uint32_t index, uint64_t buf, uint32_t len, uint8_t dcmd, uint8_t popts) {
    e::TxDataDesc d;
    d.set_addr(buf);
    d.set_cmd_len(len, dcmd);
    d.set_popts(popts);
    b.host.write(b.tx_ring + index * 16ull, d.b, 16);
}

}  // namespace

TEST_CASE("TX legacy single-descriptor frame reaches the wire intact with DD and TDH written back", "[nic][tx]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 100, 1);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 100, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    const Frame& f = b.wire.frames[0];
    INFO("the wire carries the host buffer followed by the FCS the MAC inserted (IFCS)");
    CHECK(f.bytes.size() == 104);
    CHECK(body(f) == frame);
    CHECK(fcs_ok(f.bytes.data(), f.bytes.size()));
    INFO("RS asks for DD; the head follows the tail once the descriptor is done");
    CHECK((b.tx_desc(0).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == 1);
    INFO("statistics: one good packet of 104 octets");
    CHECK(b.r(e::GPTC) == 1);
    CHECK(b.r(e::TPT) == 1);
    CHECK(b.r(e::GOTCL) == 104);
    INFO("TXQE when the ring ran empty; the TX done event went to the front (IDE clear: immediate)");
    CHECK((b.ctx.icr & e::icr::TXQE) != 0);
    CHECK(b.ctx.tx_done == 1);
    CHECK(b.ctx.tx_done_immediate == 1);
    CHECK(b.host.stray == 0);
    CHECK_FALSE(b.dp->busy());
    CHECK(b.dp->stats().tx_desc_fetched == 1);
    CHECK(b.dp->stats().tx_desc_written_back == 1);
}

TEST_CASE("TX multi-descriptor frame is gathered in order and frames respect the MAC serialisation time", "[nic][tx]") {
    Bench b;
    b.setup_tx(0x10000, 16);
    const auto frame = eth_frame(kDst, 1500, 2);
    const auto second = eth_frame(kDst, 1514, 3);
    b.host.alloc(0x20000, 0x4000);
    // Three scattered pieces of the first frame, the second frame in one buffer.
    b.host.write(0x20000, frame.data(), 60);
    b.host.write(0x21000, frame.data() + 60, 700);
    b.host.write(0x22004, frame.data() + 760, 740);
    b.host.write(0x23000, second.data(), second.size());
    b.put_legacy(0, 0x20000, 60, kIfcs);
    b.put_legacy(1, 0x21000, 700, kIfcs);
    b.put_legacy(2, 0x22004, 740, kEop | kIfcs | kRs);
    b.put_legacy(3, 0x23000, static_cast<uint16_t>(second.size()), kEop | kIfcs | kRs);
    b.w(e::TDT, 4);
    b.run_us(60);
    REQUIRE(b.wire.frames.size() == 2);
    INFO("the first frame is the three buffers concatenated, the second is its one buffer");
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK(body(b.wire.frames[1]) == second);
    INFO("the second frame starts no earlier than the end of the first plus the inter-frame gap");
    const uint64_t end0 = b.wire.frames[0].time_ns + wire_duration_ns(b.wire.frames[0].bytes.size(), 1000);
    CHECK(b.wire.frames[1].time_ns >= end0 + kIfgBytes * 8);
    INFO("only descriptors with RS get DD written");
    CHECK((b.tx_desc(0).sta() & e::TxDesc::kStaDd) == 0);
    CHECK((b.tx_desc(1).sta() & e::TxDesc::kStaDd) == 0);
    CHECK((b.tx_desc(2).sta() & e::TxDesc::kStaDd) != 0);
    CHECK((b.tx_desc(3).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == 4);
    CHECK(b.r(e::GPTC) == 2);
    CHECK(b.r(e::GOTCL) == 1504 + 1518);
    CHECK(b.host.stray == 0);
}

TEST_CASE("TX legacy checksum insertion with IC CSO and CSS", "[nic][tx]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    auto frame = eth_frame(kDst, 201, 4);
    frame[40] = 0;  // the checksum field, seeded with 0
    frame[41] = 0;
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 201, kEop | kIfcs | kRs | kIc, /*cso*/ 40, /*css*/ 14);
    b.w(e::TDT, 1);
    b.run_us(20);
    REQUIRE(b.wire.frames.size() == 1);
    const auto out = body(b.wire.frames[0]);
    REQUIRE(out.size() == frame.size());
    INFO("the ones' complement sum from CSS to the end, including the inserted checksum, is 0xFFFF");
    CHECK(ones_sum(out.data() + 14, out.size() - 14) == 0xFFFF);
    INFO("bytes outside the checksum field are untouched");
    auto masked = out;
    masked[40] = masked[41] = 0;
    CHECK(masked == frame);
}

TEST_CASE("TX context and data descriptors insert the IPv4 and UDP checksums", "[nic][tx]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    const uint32_t payload = 300;
    auto frame = ipv4_headers(false, payload, false);
    const auto pay = pattern(payload, 5);
    frame.insert(frame.end(), pay.begin(), pay.end());
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    e::TxContextDesc c;
    c.set_ipcss(14);
    c.set_ipcso(24);
    c.set_ipcse(33);
    c.set_tucss(34);
    c.set_tucso(40);
    c.set_tucse(0);
    c.set_cmd_len(0, e::TxContextDesc::kTucmdIp);
    put_context(b, 0, c);
    // The frame in two data descriptors: headers, then payload.
    put_data(b, 1, 0x20000, 42, e::TxDataDesc::kDcmdIfcs, e::TxDataDesc::kPoptsIxsm | e::TxDataDesc::kPoptsTxsm);
    put_data(b, 2, 0x20000 + 42, payload, e::TxDataDesc::kDcmdEop | e::TxDataDesc::kDcmdIfcs | e::TxDataDesc::kDcmdRs,
             0);
    b.w(e::TDT, 3);
    b.run_us(30);
    REQUIRE(b.wire.frames.size() == 1);
    const auto out = body(b.wire.frames[0]);
    REQUIRE(out.size() == frame.size());
    INFO("IPv4 header checksum verifies");
    CHECK(ones_sum(out.data() + 14, 20) == 0xFFFF);
    INFO("UDP checksum verifies against the pseudo-header");
    CHECK(ones_sum(out.data() + 34, out.size() - 34, pseudo(out.data() + 14, 8 + payload)) == 0xFFFF);
    INFO("the payload is untouched");
    CHECK(std::equal(pay.begin(), pay.end(), out.begin() + 42));
    CHECK((b.tx_desc(2).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == 3);
}

TEST_CASE("TX TSO segments the payload into MSS-sized frames with fixed-up headers", "[nic][tx][tso]") {
    Bench b;
    b.setup_tx(0x10000, 8);
    const uint32_t payload = 2500, mss = 1000;
    const auto hdr = ipv4_headers(true, 0, true);
    const auto pay = pattern(payload, 6);
    b.host.alloc(0x20000, 0x2000);
    b.host.write(0x20000, hdr.data(), hdr.size());
    b.host.write(0x20100, pay.data(), 1200);
    b.host.write(0x21000, pay.data() + 1200, payload - 1200);
    e::TxContextDesc c;
    c.set_ipcss(14);
    c.set_ipcso(24);
    c.set_ipcse(33);
    c.set_tucss(34);
    c.set_tucso(50);
    c.set_tucse(0);
    c.set_cmd_len(payload, e::TxContextDesc::kTucmdIp | e::TxContextDesc::kTucmdTcp | e::TxContextDesc::kTucmdTse);
    c.set_hdrlen(static_cast<uint8_t>(hdr.size()));
    c.set_mss(mss);
    put_context(b, 0, c);
    const uint8_t popts = e::TxDataDesc::kPoptsIxsm | e::TxDataDesc::kPoptsTxsm;
    put_data(b, 1, 0x20000, static_cast<uint32_t>(hdr.size()), e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdIfcs,
             popts);
    put_data(b, 2, 0x20100, 1200, e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdIfcs, 0);
    put_data(b, 3, 0x21000, payload - 1200,
             e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdIfcs | e::TxDataDesc::kDcmdEop | e::TxDataDesc::kDcmdRs, 0);
    b.w(e::TDT, 4);
    b.run_us(100);
    REQUIRE(b.wire.frames.size() == 3);
    uint32_t offset = 0;
    for (unsigned i = 0; i < 3; ++i) {
        INFO("segment " << i);
        const auto out = body(b.wire.frames[i]);
        const uint32_t seg = std::min(mss, payload - offset);
        REQUIRE(out.size() == hdr.size() + seg);
        const uint8_t* ip = out.data() + 14;
        const uint8_t* tcp = ip + 20;
        INFO("IP total length, ID and TCP sequence number advance per segment");
        CHECK((ip[2] << 8 | ip[3]) == static_cast<int>(40 + seg));
        CHECK((ip[4] << 8 | ip[5]) == static_cast<int>(0x0100 + i));
        const uint32_t seq = static_cast<uint32_t>(tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7]);
        CHECK(seq == 1000 + offset);
        INFO("both checksums verify");
        CHECK(ones_sum(ip, 20) == 0xFFFF);
        CHECK(ones_sum(tcp, out.size() - 34, pseudo(ip, 20 + seg)) == 0xFFFF);
        INFO("the payload bytes are the host's, in order");
        CHECK(std::equal(out.begin() + 54, out.end(), pay.begin() + offset));
        offset += seg;
    }
    CHECK(b.dp->stats().tx_tso_segments == 3);
    CHECK(b.r(e::TSCTC) == 1);
    CHECK(b.r(e::GPTC) == 3);
    CHECK((b.tx_desc(3).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.host.stray == 0);
}

TEST_CASE("TX descriptor prefetch never passes the tail wraps at the ring end and writes back per WTHRESH",
          "[nic][tx]") {
    Bench b;
    // 8-descriptor ring, start at head 6: descriptors 6,7,0,1 make a ring that wraps.
    b.host.alloc(0x10000, 8 * 16);
    b.tx_ring = 0x10000;
    b.w(e::TDBAL, 0x10000);
    b.w(e::TDLEN, 128);
    b.w(e::TDH, 6);
    b.w(e::TDT, 6);
    b.w(e::TXDCTL, e::dctl::WTHRESH::make(4) | e::dctl::GRAN::mask);
    b.w(e::TCTL, e::tctl::EN::mask);
    b.host.alloc(0x20000, 0x4000);
    std::vector<std::vector<uint8_t>> frames;
    for (uint32_t i = 0; i < 4; ++i) {
        frames.push_back(eth_frame(kDst, 64 + i, static_cast<uint8_t>(10 + i)));
        b.host.write(0x20000 + i * 0x1000, frames.back().data(), frames.back().size());
        b.put_legacy((6 + i) % 8, 0x20000 + i * 0x1000, static_cast<uint16_t>(frames.back().size()),
                     kEop | kIfcs | kRs);
    }
    b.w(e::TDT, 2);
    b.run_us(40);
    REQUIRE(b.wire.frames.size() == 4);
    for (uint32_t i = 0; i < 4; ++i) {
        INFO("frame " << i);
        CHECK(body(b.wire.frames[i]) == frames[i]);
    }
    INFO("the fetches read descriptors 6-7 and 0-1: two bursts, nothing beyond the tail");
    unsigned desc_reads = 0;
    for (const auto& a : b.host.log) {
        if (a.addr >= 0x10000 && a.addr < 0x10080 && !nicsim::pci::cmd_is_write(a.cmd)) {
            ++desc_reads;
            CHECK(((a.addr == 0x10060 && a.len == 32) || (a.addr == 0x10000 && a.len == 32)));
        }
    }
    CHECK(desc_reads == 2);
    CHECK(b.dp->stats().tx_desc_fetched == 4);
    INFO("WTHRESH 4: the four descriptors go back in bursts split only at the ring end");
    CHECK(b.dp->stats().desc_writeback_bursts == 2);
    INFO("each write-back takes bus time: latencies are counted, the largest no more than their sum");
    CHECK(b.dp->stats().desc_writeback_latency_max_ns > 0);
    CHECK(b.dp->stats().desc_writeback_latency_ns >= b.dp->stats().desc_writeback_latency_max_ns);
    CHECK(b.dp->stats().desc_fetch_latency_max_ns > 0);
    for (uint32_t i = 0; i < 4; ++i) CHECK((b.tx_desc((6 + i) % 8).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == 2);
    CHECK(b.host.stray == 0);
}

namespace {

struct Burst {
    uint32_t first, count;
    bool operator==(const Burst& o) const { return first == o.first && count == o.count; }
};

/// The 8254x manual's transmit write-back rule, written independently of the model (section 3.3.3, notes to Table
/// 3-10: only a descriptor with RS gets DD; section 13.4.42: descriptors accumulate towards WTHRESH from the first one
/// with RS, and a burst may carry descriptors without RS). For descriptors processed in order with `cmds`, all
/// fetched at once, the write-back bursts: from the first descriptor with RS not yet written, WTHRESH descriptors
/// (the rest when the transmitter goes idle); without bursting (WTHRESH 0) each descriptor with RS alone.
std::vector<Burst> manual_tx_writebacks(const std::vector<uint8_t>& cmds, uint32_t wthresh) {
    std::vector<Burst> out;
    int64_t start = -1;
    for (uint32_t i = 0; i < cmds.size(); ++i) {
        const bool rs = (cmds[i] & kRs) != 0;
        if (wthresh == 0) {
            if (rs) out.push_back({i, 1});
            continue;
        }
        if (start < 0 && !rs) continue;  // before the first with RS: never written back
        if (start < 0) start = i;
        if (i - start + 1 >= wthresh) {
            out.push_back({static_cast<uint32_t>(start), i - static_cast<uint32_t>(start) + 1});
            start = -1;
        }
    }
    if (start >= 0)
        out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(cmds.size() - static_cast<size_t>(start))});
    return out;
}

/// Four frames: A in descriptors 0-2 and B in 3-4 with RS on their last descriptor (as Linux e1000, FreeBSD em and
/// this project's miniport set it), C in 5 without RS, D in 6 with RS; sent with `wthresh`, checked against the
/// manual's rule.
void check_tx_writeback_rule(uint32_t wthresh) {
    const std::vector<uint8_t> cmds = {
        kIfcs, kIfcs, kEop | kIfcs | kRs, kIfcs, kEop | kIfcs | kRs, kEop | kIfcs, kEop | kIfcs | kRs};
    Bench b;
    constexpr uint64_t kRingAddr = 0x10000, kBuf = 0x20000;
    b.setup_tx(kRingAddr, 16, e::dctl::WTHRESH::make(wthresh) | e::dctl::GRAN::mask);
    b.host.alloc(kBuf, 0x8000);
    const auto payload = eth_frame(kDst, 300, 3);
    for (uint32_t i = 0; i < cmds.size(); ++i) {
        b.host.write(kBuf + i * 0x1000ull, payload.data() + (i % 3) * 100, 100);
        b.put_legacy(i, kBuf + i * 0x1000ull, 100, cmds[i]);
    }
    b.w(e::TDT, static_cast<uint32_t>(cmds.size()));
    b.run_us(60);
    REQUIRE(b.wire.frames.size() == 4);
    std::vector<Burst> writes;
    for (const auto& a : b.host.log)
        if (nicsim::pci::cmd_is_write(a.cmd) && a.addr >= kRingAddr && a.addr < kRingAddr + 16 * 16)
            writes.push_back({static_cast<uint32_t>((a.addr - kRingAddr) / 16), static_cast<uint32_t>(a.len / 16)});
    const std::vector<Burst> expected = manual_tx_writebacks(cmds, wthresh);
    REQUIRE(writes.size() == expected.size());
    for (size_t i = 0; i < writes.size(); ++i) {
        INFO("write-back " << i << ": descriptors " << writes[i].first << " + " << writes[i].count);
        CHECK(writes[i] == expected[i]);
    }
    INFO("DD is set exactly in the descriptors with RS; the others read as the driver wrote them");
    for (uint32_t i = 0; i < cmds.size(); ++i) {
        INFO("descriptor " << i);
        CHECK(((b.tx_desc(i).sta() & e::TxDesc::kStaDd) != 0) == ((cmds[i] & kRs) != 0));
        CHECK(b.tx_desc(i).cmd() == cmds[i]);
    }
    CHECK(b.r(e::TDH) == cmds.size());
    CHECK(b.host.stray == 0);
}

}  // namespace

TEST_CASE("TX write-back without bursting writes only the descriptors with RS", "[nic][tx]") {
    check_tx_writeback_rule(0);
}

TEST_CASE("TX write-back bursts start at the first descriptor with RS and set DD only where RS asks", "[nic][tx]") {
    check_tx_writeback_rule(4);
}

TEST_CASE("TX FIFO smaller than the queued frames stalls the gather and loses nothing", "[nic][tx]") {
    NicParams p;
    p.tx_fifo_bytes = 3000;
    p.link_mbps = 100;  // a slow wire so the FIFO fills
    Bench b("bench", p);
    b.setup_tx(0x10000, 16);
    b.host.alloc(0x20000, 0x10000);
    std::vector<std::vector<uint8_t>> frames;
    for (uint32_t i = 0; i < 6; ++i) {
        frames.push_back(eth_frame(kDst, 1400, static_cast<uint8_t>(20 + i)));
        b.host.write(0x20000 + i * 0x800, frames.back().data(), 1400);
        b.put_legacy(i, 0x20000 + i * 0x800, 1400, kEop | kIfcs | kRs);
    }
    b.w(e::TDT, 6);
    uint32_t max_fifo = 0;
    for (int step = 0; step < 200; ++step) {
        b.run_us(5);
        max_fifo = std::max(max_fifo, b.dp->tx().fifo_bytes());
    }
    REQUIRE(b.wire.frames.size() == 6);
    for (uint32_t i = 0; i < 6; ++i) {
        INFO("frame " << i);
        CHECK(body(b.wire.frames[i]) == frames[i]);
    }
    INFO("the FIFO never held more than its size, and did fill up (two frames)");
    CHECK(max_fifo <= 3000);
    CHECK(max_fifo == 2800);
    CHECK(b.r(e::TDH) == 6);
}

TEST_CASE("TX PTHRESH and HTHRESH prefetch before the cache runs dry and bursts stay within the cache", "[nic][tx]") {
    // Two independent benches in one simulation: PTHRESH 0 (fetch only when empty) and PTHRESH 3 / HTHRESH 2.
    NicParams p;
    p.desc_cache_entries = 8;
    Bench a("a", p), c("c", p);
    const uint32_t dctl[2] = {0, e::dctl::PTHRESH::make(3) | e::dctl::HTHRESH::make(2) | e::dctl::GRAN::mask};
    Bench* benches[2] = {&a, &c};
    std::vector<std::vector<uint8_t>> frames;
    for (uint32_t i = 0; i < 30; ++i) frames.push_back(eth_frame(kDst, 60, static_cast<uint8_t>(i)));
    for (int k = 0; k < 2; ++k) {
        Bench& b = *benches[k];
        b.setup_tx(0x10000, 32, dctl[k]);
        b.host.alloc(0x20000, 0x8000);
        for (uint32_t i = 0; i < 30; ++i) {
            b.host.write(0x20000 + i * 0x100, frames[i].data(), 60);
            b.put_legacy(i, 0x20000 + i * 0x100, 60, kEop | kIfcs | kRs);
        }
        b.w(e::TDT, 30);
    }
    sc_core::sc_start(sc_core::sc_time(200, sc_core::SC_US));
    for (int k = 0; k < 2; ++k) {
        Bench& b = *benches[k];
        INFO("bench " << k);
        REQUIRE(b.wire.frames.size() == 30);
        for (uint32_t i = 0; i < 30; ++i) CHECK(body(b.wire.frames[i]) == frames[i]);
        INFO("no fetch burst larger than the 8-entry cache");
        for (const auto& acc : b.host.log)
            if (acc.addr >= 0x10000 && acc.addr < 0x10200) CHECK(acc.len <= 8 * 16);
        CHECK(b.dp->stats().tx_desc_fetched == 30);
        CHECK(b.r(e::TDH) == 30);
    }
    INFO("PTHRESH 0 fetches only into an empty cache; PTHRESH 3 refills it early");
    CHECK(a.dp->stats().desc_prefetches == 0);
    CHECK(c.dp->stats().desc_prefetches > 0);
}

TEST_CASE("TX with the link down holds frames in the FIFO without spending clocks and sends them at link up",
          "[nic][tx]") {
    Bench b;
    b.dp->set_link(false, 1000);
    b.setup_tx(0x10000, 8);
    const auto frame = eth_frame(kDst, 500, 30);
    b.host.alloc(0x20000, 4096);
    b.host.write(0x20000, frame.data(), frame.size());
    b.put_legacy(0, 0x20000, 500, kEop | kIfcs | kRs);
    b.w(e::TDT, 1);
    b.run_us(20);
    INFO("the frame was gathered and its descriptor completed, but nothing went on the wire");
    CHECK(b.wire.frames.empty());
    CHECK(b.dp->tx().fifo_bytes() == 500);
    CHECK(b.r(e::TDH) == 1);
    CHECK_FALSE(b.dp->busy());
    const uint64_t ticks = b.ticks;
    b.run_us(20);
    CHECK(b.ticks == ticks);
    b.dp->set_link(true, 100);
    b.run_us(60);
    REQUIRE(b.wire.frames.size() == 1);
    CHECK(body(b.wire.frames[0]) == frame);
    CHECK(b.dp->tx().fifo_bytes() == 0);
}

TEST_CASE("TX descriptor low threshold raises TXD_LOW when the owned descriptors fall below LWTHRESH", "[nic][tx]") {
    Bench b;
    // LWTHRESH 1 = 8 descriptors; 12 frames queued, so the hardware's share falls from 12 through 8.
    b.setup_tx(0x10000, 32, e::dctl::LWTHRESH::make(1) | e::dctl::GRAN::mask);
    b.host.alloc(0x20000, 0x4000);
    const auto frame = eth_frame(kDst, 60, 40);
    b.host.write(0x20000, frame.data(), frame.size());
    for (uint32_t i = 0; i < 12; ++i) b.put_legacy(i, 0x20000, 60, kEop | kIfcs | kRs);
    b.w(e::TDT, 12);
    b.run_us(3);
    INFO("early on more than 8 descriptors are still the hardware's");
    CHECK((b.ctx.icr & e::icr::TXD_LOW) == 0);
    b.run_us(60);
    CHECK(b.wire.frames.size() == 12);
    CHECK((b.ctx.icr & e::icr::TXD_LOW) != 0);
}
