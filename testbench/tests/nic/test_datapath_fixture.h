// Unit-test bench for the NIC data path without the device front: a fake NicContext (register file, interrupt and
// timer events, diagnostics as SystemC warnings), a fake DMA port in front of a sparse host memory that refuses any
// access outside the buffers a test allocated, a wire that records every frame, and a clocked module that ticks the
// data path only while it is busy.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <systemc>

#include "model/nic/data_path.h"
#include "model/nic/dma_engine.h"
#include "model/nic/e1000_regs.h"
#include "model/nic/mac.h"
#include "testbench/support/sim_reports.h"

namespace nicsim::test::dp {

using namespace nicsim::nic;
namespace e = nicsim::e1000;

/// The device front as the data path sees it.
struct FakeContext : NicContext {
    NicParams p;
    std::map<uint32_t, uint32_t> regs;
    uint32_t icr = 0;  // every cause raised
    unsigned tx_done = 0, tx_done_immediate = 0, rx_done = 0;
    bool bme = true;
    std::vector<std::string> diags;
    std::vector<std::string> notes;

    const NicParams& params() const override { return p; }
    uint32_t reg(uint32_t offset) const override {
        auto it = regs.find(offset);
        return it == regs.end() ? 0 : it->second;
    }
    void set_reg(uint32_t offset, uint32_t value) override { regs[offset] = value; }
    void add_stat(uint32_t offset, uint64_t amount) override { regs[offset] += static_cast<uint32_t>(amount); }
    void raise_irq(uint32_t bits) override { icr |= bits; }
    void tx_done_event(bool immediate) override {
        ++tx_done;
        if (immediate) ++tx_done_immediate;
    }
    void rx_done_event(bool) override { ++rx_done; }
    bool bus_master_enabled() const override { return bme; }
    pci::PciMasterEngine& master() override {
        FAIL("the unit bench has no master engine");
        throw std::logic_error("no master");
    }
    void diagnostic(const char* what, const std::string& detail) override {
        diags.emplace_back(what);
        SC_REPORT_WARNING((std::string("nicsim/nic/") + what).c_str(), detail.c_str());
    }
    uint64_t now_ns() const override {
        return static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5);
    }
    void note(const char* what, const std::string&) override { notes.emplace_back(what); }
    unsigned note_count(const std::string& what) const {
        unsigned n = 0;
        for (const auto& d : notes) n += d == what;
        return n;
    }
    unsigned diag_count(const std::string& what) const {
        unsigned n = 0;
        for (const auto& d : diags) n += d == what;
        return n;
    }
};

/// Sparse host memory behind a fake bus-master port: each request takes 2 + len/4 clocks (a 32-bit bus).
struct FakeHost : DmaPort {
    struct Region {
        uint64_t addr;
        uint64_t len;
    };
    struct Access {
        pci::Cmd cmd;
        uint64_t addr;
        uint32_t len;
    };
    struct Fault {
        uint64_t addr;
        uint64_t len;
        pci::MasterStatus status;
    };

    std::map<uint64_t, std::vector<uint8_t>> pages;  // 4 KiB pages
    std::vector<Region> regions;                     // what the "driver" allocated
    std::vector<Access> log;                         // every request, in order
    std::vector<Fault> faults;
    unsigned stray = 0;  // requests touching memory nobody allocated
    NicDataPath* dp = nullptr;
    bool pending = false;
    pci::MasterRequest rq;
    unsigned left = 0;

    uint8_t& byte(uint64_t a) {
        auto& pg = pages[a >> 12];
        if (pg.empty()) pg.assign(4096, 0);
        return pg[a & 0xFFF];
    }
    void alloc(uint64_t addr, uint64_t len) { regions.push_back({addr, len}); }
    void write(uint64_t addr, const void* src, size_t len) {
        const uint8_t* s = static_cast<const uint8_t*>(src);
        for (size_t i = 0; i < len; ++i) byte(addr + i) = s[i];
    }
    std::vector<uint8_t> read(uint64_t addr, size_t len) {
        std::vector<uint8_t> v(len);
        for (size_t i = 0; i < len; ++i) v[i] = byte(addr + i);
        return v;
    }
    bool allocated(uint64_t addr, uint64_t len) const {
        for (const Region& r : regions)
            if (addr >= r.addr && len <= r.len && addr - r.addr <= r.len - len) return true;
        return false;
    }
    uint32_t max_request() const {
        uint32_t m = 0;
        for (const Access& a : log) m = std::max(m, a.len);
        return m;
    }
    bool touched_at_or_above(uint64_t limit) const {
        for (const Access& a : log)
            if (a.addr + a.len > limit) return true;
        return false;
    }

    bool busy() const override { return pending; }
    void start(const pci::MasterRequest& r) override {
        REQUIRE_FALSE(pending);
        pending = true;
        rq = r;
        left = 2 + r.len / 4;
        log.push_back({r.cmd, r.addr, r.len});
    }
    void tick() {
        if (!pending || --left != 0) return;
        pending = false;
        pci::MasterStatus st = pci::MasterStatus::Ok;
        for (const Fault& f : faults)
            if (rq.addr < f.addr + f.len && f.addr < rq.addr + rq.len) st = f.status;
        if (!allocated(rq.addr, rq.len)) {
            ++stray;
            st = pci::MasterStatus::MasterAbort;
        }
        uint32_t done = 0;
        if (st == pci::MasterStatus::Ok) {
            if (pci::cmd_is_write(rq.cmd))
                write(rq.addr, rq.data, rq.len);
            else
                for (uint32_t i = 0; i < rq.len; ++i) rq.data[i] = byte(rq.addr + i);
            done = rq.len;
        }
        dp->master_done(rq, st, done);
    }
};

/// Records every frame the MAC puts on the wire.
struct Wire : WireSink {
    std::vector<Frame> frames;
    void transmit(const Frame& f) override { frames.push_back(f); }
};

/// The clocked shell: ticks the fake port every edge and the data path only while it is busy.
struct Bench : sc_core::sc_module {
    sc_core::sc_clock clk{"clk", sc_core::sc_time(30, sc_core::SC_NS)};
    FakeContext ctx;
    FakeHost host;
    Wire wire;
    std::unique_ptr<NicDataPath> dp;
    uint64_t ticks = 0;

    SC_HAS_PROCESS(Bench);
    explicit Bench(sc_core::sc_module_name name = "bench", const NicParams& params = NicParams{}) : sc_module(name) {
        ctx.p = params;
        ctx.regs[e::RXDCTL] = e::kRxdctlReset;
        dp = std::make_unique<NicDataPath>(ctx, wire, host);
        host.dp = dp.get();
        dp->reset();
        SC_METHOD(on_clock);
        sensitive << clk.posedge_event();
        dont_initialize();
    }
    void on_clock() {
        host.tick();
        if (dp->busy()) {
            ++ticks;
            dp->tick();
        }
    }
    /// A register write as the front would forward it: stored, then announced.
    void w(uint32_t offset, uint32_t value) {
        ctx.regs[offset] = value;
        dp->register_written(offset, value);
    }
    uint32_t r(uint32_t offset) const { return ctx.reg(offset); }
    void run_us(double us) { sc_core::sc_start(sc_core::sc_time(us, sc_core::SC_US)); }

    // ---- TX ring helpers ----
    uint64_t tx_ring = 0;
    void setup_tx(uint64_t ring, uint32_t count, uint32_t txdctl = 0, bool enable = true) {
        tx_ring = ring;
        host.alloc(ring, count * 16ull);
        w(e::TDBAL, static_cast<uint32_t>(ring));
        w(e::TDBAH, static_cast<uint32_t>(ring >> 32));
        w(e::TDLEN, count * 16);
        w(e::TDH, 0);
        w(e::TDT, 0);
        w(e::TXDCTL, txdctl);
        if (enable) w(e::TCTL, e::tctl::EN::mask | e::tctl::PSP::mask);
    }
    void put_legacy(uint32_t index, uint64_t buf, uint16_t len, uint8_t cmd, uint8_t cso = 0, uint8_t css = 0) {
        e::TxDesc d;
        d.set_addr(buf);
        d.set_length(len);
        d.set_cmd(cmd);
        d.set_cso(cso);
        d.set_css(css);
        host.write(tx_ring + index * 16ull, d.b, 16);
    }
    e::TxDesc tx_desc(uint32_t index) {
        auto v = host.read(tx_ring + index * 16ull, 16);
        return e::desc_from<e::TxDesc>(v.data());
    }

    // ---- RX ring helpers ----
    uint64_t rx_ring = 0;
    void setup_rx(uint64_t ring, uint32_t count, uint64_t bufs, uint32_t bufsize, uint32_t tail, uint32_t rctl) {
        rx_ring = ring;
        host.alloc(ring, count * 16ull);
        host.alloc(bufs, static_cast<uint64_t>(count) * bufsize);
        for (uint32_t i = 0; i < count; ++i) {
            e::RxDesc d;
            d.set_addr(bufs + static_cast<uint64_t>(i) * bufsize);
            host.write(ring + i * 16ull, d.b, 16);
        }
        w(e::RDBAL, static_cast<uint32_t>(ring));
        w(e::RDBAH, static_cast<uint32_t>(ring >> 32));
        w(e::RDLEN, count * 16);
        w(e::RDH, 0);
        w(e::RDT, 0);
        w(e::RCTL, rctl | e::rctl::EN::mask);
        w(e::RDT, tail);
    }
    e::RxDesc rx_desc(uint32_t index) {
        auto v = host.read(rx_ring + index * 16ull, 16);
        return e::desc_from<e::RxDesc>(v.data());
    }
    /// Receive address 0 = `mac`, valid.
    void set_mac(const uint8_t* mac) {
        w(e::RAL0, static_cast<uint32_t>(mac[0] | mac[1] << 8 | mac[2] << 16 | static_cast<uint32_t>(mac[3]) << 24));
        w(e::RAH0, static_cast<uint32_t>(mac[4] | mac[5] << 8) | e::rahf::AV::mask);
    }
};

/// The station address the tests give the NIC (receive address 0).
inline const uint8_t kMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/// A frame as it arrives from the wire: `bytes` with their FCS appended.
inline Frame with_fcs(std::vector<uint8_t> bytes) {
    Frame f;
    f.bytes = std::move(bytes);
    append_fcs(f.bytes);
    f.fcs_included = true;
    return f;
}

/// A frame's bytes without its FCS.
inline std::vector<uint8_t> body(const Frame& f) {
    return std::vector<uint8_t>(f.bytes.begin(), f.bytes.end() - 4);
}

/// IPv4 pseudo-header sum (addresses, protocol) for an L4 segment of `l4_len` bytes, folded to 16 bits.
inline uint16_t pseudo(const uint8_t* ip, uint32_t l4_len) {
    uint32_t acc = 0;
    for (int i = 12; i < 20; i += 2) acc += static_cast<uint32_t>(ip[i] << 8 | ip[i + 1]);
    acc += ip[9];
    acc += l4_len;
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<uint16_t>(acc);
}

/// Deterministic test pattern.
inline std::vector<uint8_t> pattern(size_t len, uint8_t seed) {
    std::vector<uint8_t> v(len);
    uint32_t x = 0x12345678u ^ seed;
    for (size_t i = 0; i < len; ++i) {
        x = x * 1103515245u + 12345u;
        v[i] = static_cast<uint8_t>(x >> 16);
    }
    return v;
}

/// An Ethernet frame to `dst` with a pattern payload (no FCS).
inline std::vector<uint8_t> eth_frame(const uint8_t* dst, size_t len, uint8_t seed) {
    std::vector<uint8_t> f = pattern(len, seed);
    std::memcpy(f.data(), dst, 6);
    const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x99};
    std::memcpy(f.data() + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    return f;
}

/// Ones' complement sum check, independent of the model's helpers: the complement of the folded sum over a range
/// that includes its own checksum is 0 when the checksum is right.
inline uint16_t ones_sum(const uint8_t* d, size_t len, uint32_t acc = 0) {
    for (size_t i = 0; i + 1 < len; i += 2) acc += static_cast<uint32_t>(d[i] << 8 | d[i + 1]);
    if (len & 1) acc += static_cast<uint32_t>(d[len - 1] << 8);
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<uint16_t>(acc);
}

}  // namespace nicsim::test::dp
