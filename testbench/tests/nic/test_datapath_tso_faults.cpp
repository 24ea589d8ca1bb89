// NIC data path, TCP segmentation under bus faults and resets (docs/regression.md, known bug "TSO segments lost
// under disconnects"): a TSO super-frame gathered over a real PCI bus whose target disconnects and retries every few
// data phases reaches the wire segment by segment with the right bytes; and a reset while segments still wait for the
// wire (TX FIFO full) counts every discarded segment as dropped instead of losing it silently.
#include "testbench/tests/nic/test_datapath_bus_fixture.h"

#include <algorithm>

#include "model/nic/mac.h"
#include "model/nic/tx_engine.h"

using namespace nicsim::test::dp;
using namespace nicsim::pci;

namespace {

const uint8_t kDst[6] = {0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC};
constexpr uint32_t kMss = 1460;
constexpr uint32_t kHdr = 54;  // Ethernet + IPv4 + TCP without options

/// Ethernet + IPv4 + TCP prototype header for TSO: pseudo-header seed without length, seq 1000, ID 0x0100.
std::vector<uint8_t> tso_header() {
    std::vector<uint8_t> h(kHdr, 0);
    std::memcpy(h.data(), kDst, 6);
    h[6] = 0x02;
    h[11] = 0x01;
    h[12] = 0x08;
    uint8_t* ip = h.data() + 14;
    ip[0] = 0x45;
    ip[4] = 0x01;
    ip[8] = 64;
    ip[9] = 6;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    std::memcpy(ip + 12, src, 4);
    std::memcpy(ip + 16, dst, 4);
    uint8_t* tcp = ip + 20;
    tcp[1] = 0x50;
    tcp[3] = 0x51;
    tcp[6] = 0x03;
    tcp[7] = 0xE8;
    tcp[12] = 0x50;
    tcp[13] = 0x18;  // PSH|ACK
    tcp[14] = 0xFF;
    uint32_t acc = (10u << 8) + 1 + (10u << 8) + 2 + 6;
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    tcp[16] = static_cast<uint8_t>(acc >> 8);
    tcp[17] = static_cast<uint8_t>(acc);
    return h;
}

/// Writes a context descriptor and data descriptors for one TSO packet (header buffer, then `bufs` payload buffers
/// laid out by the caller) at ring index 0 onwards; returns the descriptor count.
struct TsoLayout {
    uint64_t hdr_addr;
    std::vector<std::pair<uint64_t, uint32_t>> bufs;  // payload buffers: address, length
};
template <typename WriteFn>
uint32_t put_tso(WriteFn write16, const TsoLayout& l, uint32_t payload) {
    e::TxContextDesc c;
    c.set_ipcss(14);
    c.set_ipcso(24);
    c.set_ipcse(33);
    c.set_tucss(34);
    c.set_tucso(50);
    c.set_tucse(0);
    c.set_cmd_len(payload, e::TxContextDesc::kTucmdIp | e::TxContextDesc::kTucmdTcp | e::TxContextDesc::kTucmdTse);
    c.set_hdrlen(static_cast<uint8_t>(kHdr));
    c.set_mss(kMss);
    write16(0, c.b);
    const uint8_t tse = e::TxDataDesc::kDcmdTse | e::TxDataDesc::kDcmdIfcs;
    e::TxDataDesc d;
    d.set_addr(l.hdr_addr);
    d.set_cmd_len(kHdr, tse);
    d.set_popts(e::TxDataDesc::kPoptsIxsm | e::TxDataDesc::kPoptsTxsm);
    write16(1, d.b);
    uint32_t i = 2;
    for (size_t k = 0; k < l.bufs.size(); ++k, ++i) {
        const bool last = k + 1 == l.bufs.size();
        e::TxDataDesc p;
        p.set_addr(l.bufs[k].first);
        p.set_cmd_len(l.bufs[k].second, tse | (last ? e::TxDataDesc::kDcmdEop | e::TxDataDesc::kDcmdRs : uint8_t{0}));
        write16(i, p.b);
    }
    return i;
}

/// Every segment on the wire: lengths, IP ID, sequence, both checksums, and the payload bytes in order.
void check_segments(const std::vector<Frame>& frames, size_t first, const std::vector<uint8_t>& payload) {
    const size_t n = (payload.size() + kMss - 1) / kMss;
    REQUIRE(frames.size() >= first + n);
    uint32_t offset = 0;
    for (size_t i = 0; i < n; ++i) {
        const Frame& f = frames[first + i];
        const std::vector<uint8_t> out(f.bytes.begin(), f.bytes.end() - 4);
        const uint32_t seg = std::min<uint32_t>(kMss, static_cast<uint32_t>(payload.size()) - offset);
        INFO("segment " << i << " of " << n);
        REQUIRE(out.size() == kHdr + seg);
        const uint8_t* ip = out.data() + 14;
        const uint8_t* tcp = ip + 20;
        CHECK((ip[2] << 8 | ip[3]) == static_cast<int>(40 + seg));
        CHECK((ip[4] << 8 | ip[5]) == static_cast<int>(0x0100 + i));
        CHECK(static_cast<uint32_t>(tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7]) == 1000 + offset);
        CHECK(ones_sum(ip, 20) == 0xFFFF);
        CHECK(ones_sum(tcp, out.size() - 34, pseudo(ip, 20 + seg)) == 0xFFFF);
        CHECK(std::equal(out.begin() + kHdr, out.end(), payload.begin() + offset));
        offset += seg;
    }
}

/// A memory target with a fixed window that breaks up every burst: Retry on the first data phase of every
/// `retry_every`th transaction, Disconnect with data on data phase `disconnect_after`, and on every other
/// transaction a disconnect without data (STOP# without TRDY#) one phase earlier.
struct FaultTarget : sc_core::sc_module, TargetClient {
    uint64_t base;
    std::vector<uint8_t> mem;
    PciTargetEngine engine;
    unsigned retry_every = 5;
    unsigned disconnect_after = 3;
    unsigned transactions = 0;
    unsigned retries = 0;
    unsigned disconnects = 0;

    SC_HAS_PROCESS(FaultTarget);
    FaultTarget(sc_core::sc_module_name n, PciBus& bus, uint64_t b, uint32_t size)
        : sc_module(n), base(b), mem(size, 0), engine(bus, name(), *this) {
        SC_METHOD(on_clock);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void on_clock() { engine.tick(); }
    bool inside(uint64_t a, unsigned n) const { return a >= base && a - base + n <= mem.size(); }
    bool target_claim(const TargetAccess& a) override {
        if (!cmd_is_memory(a.cmd) || !inside(a.addr, 4)) return false;
        ++transactions;
        return true;
    }
    TargetReply fault(const TargetAccess& a) {
        if (a.phase == 0 && transactions % retry_every == 0 && retries < transactions) {
            ++retries;
            return TargetReply::Retry;
        }
        if (a.phase != 0 && a.phase + 2 == disconnect_after && transactions % 2 == 0) {
            ++disconnects;
            return TargetReply::Retry;  // later phase: disconnect without data
        }
        if (a.phase + 1 == disconnect_after) {
            ++disconnects;
            return TargetReply::Disconnect;
        }
        return TargetReply::Data;
    }
    TargetReply target_read(const TargetAccess& a, uint64_t& data) override {
        const unsigned n = a.wide ? 8 : 4;
        if (!inside(a.addr, n)) return TargetReply::Abort;
        const TargetReply r = fault(a);
        data = 0;
        for (unsigned i = 0; i < n; ++i) data |= static_cast<uint64_t>(mem[a.addr - base + i]) << (8 * i);
        return r;
    }
    TargetReply target_write(const TargetAccess& a, uint64_t data, uint8_t be) override {
        const unsigned n = a.wide ? 8 : 4;
        if (!inside(a.addr, n)) return TargetReply::Abort;
        for (unsigned i = 0; i < n; ++i)
            if (be & (1u << i)) mem[a.addr - base + i] = static_cast<uint8_t>(data >> (8 * i));
        return TargetReply::Data;
    }
};

/// The bus bench with the fault target over a fixed window.
struct FaultBench : BusBenchOf<FaultTarget> {
    static constexpr uint64_t kBase = 0x100000;
    static constexpr uint32_t kSize = 0x20000;
    FaultBench(sc_core::sc_module_name n, const NicParams& p) : BusBenchOf(n, p, BusConfig{}, kBase, kSize) {}
    void put(uint64_t addr, const uint8_t* src, size_t len) {
        std::memcpy(target.mem.data() + (addr - kBase), src, len);
    }
};

}  // namespace

TEST_CASE("TSO super-frame gathered through target disconnects and retries reaches the wire segment by segment",
          "[nic][tx][tso][bus][faults]") {
    NicParams p;  // 16 KiB TX FIFO: the 28 segments leave in several rounds while the FIFO drains
    FaultBench b("bench", p);
    // Every transaction is disconnected within 3 data phases and every 5th is retried first: each 4 KiB request of
    // the DMA engine completes in hundreds of pieces on the bus.
    const uint64_t ring = FaultBench::kBase, hdr_at = ring + 0x1000, pay_at = ring + 0x2000;
    const uint32_t payload_len = 40064;  // 27 full segments and one of 644 bytes
    const auto hdr = tso_header();
    const auto payload = pattern(payload_len, 12);
    b.put(hdr_at, hdr.data(), hdr.size());
    TsoLayout l{hdr_at, {}};
    // Five payload buffers of odd sizes and alignments, the last one 6 bytes past a page start.
    const uint32_t sizes[] = {5001, 12000, 9999, 7000};
    uint64_t at = pay_at + 2;
    uint32_t done = 0;
    for (uint32_t s : sizes) {
        b.put(at, payload.data() + done, s);
        l.bufs.push_back({at, s});
        done += s;
        at += s + 0x13;
    }
    at = (at + 0xFFF) / 0x1000 * 0x1000 + 6;
    b.put(at, payload.data() + done, payload_len - done);
    l.bufs.push_back({at, payload_len - done});
    const uint32_t count =
        put_tso([&](uint32_t i, const uint8_t* d) { b.put(ring + i * 16ull, d, 16); }, l, payload_len);
    b.w(e::TDBAL, static_cast<uint32_t>(ring));
    b.w(e::TDLEN, 128);
    b.w(e::TCTL, e::tctl::EN::mask | e::tctl::PSP::mask);
    b.w(e::TDT, count);
    sc_core::sc_start(sc_core::sc_time(3, sc_core::SC_MS));

    INFO("the target really split the reads: disconnects and retries on the bus");
    CHECK(b.target.disconnects > 1000);
    CHECK(b.target.retries > 100);
    CHECK(b.master->stats().disconnects > 1000);
    CHECK(b.master->stats().retries > 100);
    INFO("every segment built was transmitted, with the host's bytes; nothing dropped, nothing diagnosed");
    const DataPathStats& st = b.dp->stats();
    CHECK(st.tx_tso_segments == 28);
    CHECK(st.tx_frames == 28);
    CHECK(st.tx_dropped == 0);
    CHECK(st.dma_errors == 0);
    CHECK(b.ctx.diags.empty());
    REQUIRE(b.wire.frames.size() == 28);
    check_segments(b.wire.frames, 0, payload);
    INFO("the descriptors completed and the bus carried it all legally");
    CHECK(b.ctx.reg(e::TDH) == count);
    CHECK(b.monitor.violations() == 0);
    CHECK_FALSE(b.dp->busy());
}

TEST_CASE("reset while TSO segments wait for the wire counts every discarded segment as dropped",
          "[nic][tx][tso][reset]") {
    // The regression's LSO runs halted the driver (CTRL.RST) just after a large send completed: the segments still
    // in the TX FIFO or not yet queued vanished without a count. They are dropped by the reset, and counted.
    Bench b;
    b.setup_tx(0x10000, 8);
    const uint32_t payload_len = 40064;
    const auto hdr = tso_header();
    const auto payload = pattern(payload_len, 13);
    b.host.alloc(0x20000, 0x20000);
    b.host.write(0x20000, hdr.data(), hdr.size());
    b.host.write(0x21000, payload.data(), payload_len);
    TsoLayout l{0x20000, {{0x21000, payload_len}}};
    const uint32_t count =
        put_tso([&](uint32_t i, const uint8_t* d) { b.host.write(b.tx_ring + i * 16ull, d, 16); }, l, payload_len);
    b.w(e::TDT, count);
    // Run until the descriptors are done (DD written back) and the first segments are on the wire.
    for (int i = 0; i < 400 && b.wire.frames.size() < 3; ++i) b.run_us(1);
    REQUIRE(b.wire.frames.size() >= 3);
    REQUIRE(b.wire.frames.size() < 28);
    INFO("the send is complete for the driver: DD is in memory and TDH moved past the packet");
    CHECK((b.tx_desc(count - 1).sta() & e::TxDesc::kStaDd) != 0);
    CHECK(b.r(e::TDH) == count);
    const uint64_t on_wire = b.wire.frames.size();
    b.dp->reset();  // CTRL.RST as the front forwards it
    b.run_us(500);
    const DataPathStats& st = b.dp->stats();
    INFO(on_wire << " segments on the wire before the reset");
    CHECK(st.tx_tso_segments == 28);
    CHECK(b.wire.frames.size() == on_wire);
    CHECK(st.tx_flushed == 28 - on_wire);
    CHECK(st.tx_dropped == 28 - on_wire);
    INFO("every segment built is accounted for: transmitted or dropped");
    CHECK(st.tx_frames + st.tx_dropped == st.tx_tso_segments);
    check_segments(b.wire.frames, 0, std::vector<uint8_t>(payload.begin(), payload.begin() + on_wire * kMss));
    INFO("a reset of an idle transmitter drops nothing more");
    b.dp->reset();
    CHECK(b.dp->stats().tx_dropped == 28 - on_wire);
}
