// The RX destination-address filter: exact RAL/RAH entries with AV, UPE/MPE/BAM, and the MTA hash at each RCTL.MO.
#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <map>
#include <vector>

#include "model/nic/e1000_regs.h"
#include "model/nic/nic_context.h"
#include "model/nic/rx_filter.h"

using namespace nicsim::nic;
namespace e = nicsim::e1000;

namespace {

using Mac6 = std::array<uint8_t, 6>;

/// Reference: the address as the 48-bit number whose first byte on the wire is bits 7:0, and the manual's bit ranges.
uint16_t ref_hash(const Mac6& a, unsigned mo) {
    uint64_t n = 0;
    for (int i = 5; i >= 0; --i) n = (n << 8) | a[i];
    const unsigned low_bit[4] = {36, 35, 34, 32};  // MO 00: 47:36, 01: 46:35, 10: 45:34, 11: 43:32
    return static_cast<uint16_t>((n >> low_bit[mo]) & 0xFFF);
}

void set_ra(RxFilter& f, unsigned i, const Mac6& a, bool valid) {
    f.set_ral(i, uint32_t(a[0]) | uint32_t(a[1]) << 8 | uint32_t(a[2]) << 16 | uint32_t(a[3]) << 24);
    f.set_rah(i, uint32_t(a[4]) | uint32_t(a[5]) << 8 | (valid ? e::rahf::AV::mask : 0u));
}

void set_mta_bit(RxFilter& f, uint32_t mta[128], uint16_t h) {
    mta[h >> 5] |= 1u << (h & 31);
    f.set_mta(h >> 5, mta[h >> 5]);
}

/// A register file and nothing else, to load the filter from.
struct RegsOnly : NicContext {
    std::map<uint32_t, uint32_t> regs;
    NicParams p;
    const NicParams& params() const override { return p; }
    uint32_t reg(uint32_t off) const override {
        auto it = regs.find(off);
        return it == regs.end() ? 0 : it->second;
    }
    void set_reg(uint32_t off, uint32_t v) override { regs[off] = v; }
    void add_stat(uint32_t, uint64_t) override {}
    void raise_irq(uint32_t) override {}
    void tx_done_event(bool) override {}
    void rx_done_event(bool) override {}
    bool bus_master_enabled() const override { return false; }
    nicsim::pci::PciMasterEngine& master() override { std::abort(); }
    void diagnostic(const char*, const std::string&) override {}
    void note(const char*, const std::string&) override {}
    uint64_t now_ns() const override { return 0; }
};

/// Registers kept in one flat array, handed out as storage as the NIC's register file does.
struct FlatRegs : RegsOnly {
    std::vector<uint32_t> words = std::vector<uint32_t>(0x6000 / 4);
    bool storage = true;  ///< false: reg_storage says no, as for a register with a peek hook
    uint32_t reg(uint32_t off) const override { return words[off / 4]; }
    void set_reg(uint32_t off, uint32_t v) override { words[off / 4] = v; }
    const uint32_t* reg_storage(uint32_t off) const override { return storage ? &words[off / 4] : nullptr; }
};

const Mac6 kOwn = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const Mac6 kOther = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
const Mac6 kBcast = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
const Mac6 kMcast = {0x01, 0x00, 0x5E, 0x7F, 0xAB, 0xCD};  // 239.255.171.205 -> group address

}  // namespace

TEST_CASE("the multicast hash takes the 12 bits RCTL.MO selects", "[nic][rxfilter]") {
    const Mac6 addrs[] = {kMcast, kBcast, {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01}, {0x33, 0x33, 0xFF, 0x12, 0x9A, 0x3C}};
    for (const Mac6& a : addrs) {
        for (unsigned mo = 0; mo < 4; ++mo) {
            INFO("MO " << mo << " address byte5 " << int(a[5]) << " byte4 " << int(a[4]));
            CHECK(RxFilter::multicast_hash(a.data(), mo) == ref_hash(a, mo));
        }
    }
    INFO("01:00:5E:00:00:01 at MO 0 is byte5 << 4 | byte4 >> 4 = 0x010");
    const Mac6 allhosts = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
    CHECK(RxFilter::multicast_hash(allhosts.data(), 0) == 0x010);
    CHECK(RxFilter::multicast_hash(kMcast.data(), 3) == 0xDAB);
}

TEST_CASE("exact receive addresses match only with AV set and in any of the 16 entries", "[nic][rxfilter]") {
    RxFilter f;
    INFO("after reset nothing is accepted");
    CHECK_FALSE(f.accept(kOwn.data()));
    set_ra(f, 0, kOwn, false);
    INFO("AV clear: the entry is ignored");
    CHECK(f.classify(kOwn.data()) == RxMatch::kRejected);
    set_ra(f, 0, kOwn, true);
    CHECK(f.classify(kOwn.data()) == RxMatch::kExact);
    CHECK(f.classify(kOther.data()) == RxMatch::kRejected);
    INFO("entry 15 works like entry 0");
    set_ra(f, 15, kOther, true);
    CHECK(f.classify(kOther.data()) == RxMatch::kExact);
    INFO("a group address can be an exact entry too");
    set_ra(f, 7, kMcast, true);
    CHECK(f.classify(kMcast.data()) == RxMatch::kExact);
    INFO("ASEL = source address entries do not match destinations");
    f.set_rah(15, (uint32_t(kOther[4]) | uint32_t(kOther[5]) << 8) | e::rahf::AV::mask | e::rahf::ASEL::make(1));
    CHECK(f.classify(kOther.data()) == RxMatch::kRejected);
}

TEST_CASE("UPE accepts any unicast and MPE any multicast but neither the other kind", "[nic][rxfilter]") {
    RxFilter f;
    set_ra(f, 0, kOwn, true);
    f.set_rctl(e::rctl::EN::mask | e::rctl::UPE::mask);
    INFO("UPE");
    CHECK(f.classify(kOther.data()) == RxMatch::kPromiscuous);
    CHECK(f.classify(kOwn.data()) == RxMatch::kExact);
    CHECK(f.classify(kMcast.data()) == RxMatch::kRejected);
    f.set_rctl(e::rctl::EN::mask | e::rctl::MPE::mask);
    INFO("MPE");
    CHECK(f.classify(kMcast.data()) == RxMatch::kPromiscuous);
    CHECK(f.classify(kOther.data()) == RxMatch::kRejected);
}

TEST_CASE("broadcast is accepted with BAM and otherwise only by MPE or its MTA bit", "[nic][rxfilter]") {
    RxFilter f;
    uint32_t mta[128] = {};
    CHECK(f.classify(kBcast.data()) == RxMatch::kRejected);
    f.set_rctl(e::rctl::BAM::mask);
    CHECK(f.classify(kBcast.data()) == RxMatch::kBroadcast);
    f.set_rctl(e::rctl::MPE::mask);
    CHECK(f.classify(kBcast.data()) == RxMatch::kPromiscuous);
    f.set_rctl(0);
    set_mta_bit(f, mta, 0xFFF);
    CHECK(f.classify(kBcast.data()) == RxMatch::kMulticastHash);
}

TEST_CASE("a multicast frame passes when the MTA bit its MO hash selects is set", "[nic][rxfilter]") {
    for (unsigned mo = 0; mo < 4; ++mo) {
        INFO("MO " << mo);
        RxFilter f;
        uint32_t mta[128] = {};
        f.set_rctl(e::rctl::EN::mask | e::rctl::MO::make(mo));
        CHECK(f.classify(kMcast.data()) == RxMatch::kRejected);
        const uint16_t h = ref_hash(kMcast, mo);
        set_mta_bit(f, mta, h);
        CHECK(f.classify(kMcast.data()) == RxMatch::kMulticastHash);
        INFO("the bit for another MO does not count");
        RxFilter g;
        uint32_t mta2[128] = {};
        g.set_rctl(e::rctl::MO::make(mo));
        const uint16_t other = ref_hash(kMcast, (mo + 1) & 3);
        REQUIRE(other != h);
        set_mta_bit(g, mta2, other);
        CHECK(g.classify(kMcast.data()) == RxMatch::kRejected);
        INFO("a unicast address with the same hash bits is not matched through the MTA");
        Mac6 uni = kMcast;
        uni[0] = 0x00;
        CHECK(f.classify(uni.data()) == RxMatch::kRejected);
    }
}

TEST_CASE("the filter follows register writes and loads from the register file", "[nic][rxfilter]") {
    RxFilter f;
    CHECK(f.write_reg(e::RCTL, e::rctl::BAM::mask));
    CHECK(f.write_reg(e::ral_n(3), 0x12005452));
    CHECK(f.write_reg(e::rah_n(3), 0x5634 | e::rahf::AV::mask));
    const uint16_t h = ref_hash(kMcast, 0);
    CHECK(f.write_reg(e::mta_n(h >> 5), 1u << (h & 31)));
    INFO("registers outside the filter are not taken");
    CHECK_FALSE(f.write_reg(e::TCTL, 0));
    CHECK_FALSE(f.write_reg(e::ral_n(16), 0));
    CHECK(f.classify(kOwn.data()) == RxMatch::kExact);
    CHECK(f.classify(kBcast.data()) == RxMatch::kBroadcast);
    CHECK(f.classify(kMcast.data()) == RxMatch::kMulticastHash);

    RegsOnly ctx;
    ctx.set_reg(e::RCTL, e::rctl::UPE::mask);
    ctx.set_reg(e::ral_n(0), 0x12005452);
    ctx.set_reg(e::rah_n(0), 0x5734 | e::rahf::AV::mask);
    RxFilter g;
    g.load(ctx);
    INFO("loaded: entry 0 is kOther, UPE on, BAM off");
    CHECK(g.classify(kOther.data()) == RxMatch::kExact);
    CHECK(g.classify(kOwn.data()) == RxMatch::kPromiscuous);
    CHECK(g.classify(kBcast.data()) == RxMatch::kRejected);
    INFO("out-of-range indexes are ignored, not written");
    g.set_ral(16, 1);
    g.set_mta(128, 1);
    CHECK(g.classify(kOther.data()) == RxMatch::kExact);
}

TEST_CASE("the per-frame load gives every address the verdict of a full load", "[nic][rxfilter]") {
    // One filter reused across frames whose registers change between them, as the receive engine reuses its
    // filter: what load_for leaves stale must never change a verdict.
    uint64_t state = 0x5EED;
    auto next = [&] {  // xorshift64: any spread of register contents will do
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    RegsOnly ctx;
    RxFilter per_frame;
    FlatRegs flat;  // the same registers, read in place by a bound filter
    RxFilter bound;
    std::map<RxMatch, int> seen;
    for (int round = 0; round < 400; ++round) {
        ctx.set_reg(e::RCTL, static_cast<uint32_t>(next()) &
                                 (e::rctl::UPE::mask | e::rctl::MPE::mask | e::rctl::BAM::mask | e::rctl::MO::mask));
        Mac6 dst{};
        for (auto& b : dst) b = static_cast<uint8_t>(next());
        if (round % 4 == 0) dst = kBcast;
        for (unsigned i = 0; i < RxFilter::kReceiveAddresses; ++i) {
            const bool hit = next() % 8 == 0;  // sometimes the frame's own address, with or without AV
            ctx.set_reg(e::ral_n(i),
                        hit ? uint32_t(dst[0]) | uint32_t(dst[1]) << 8 | uint32_t(dst[2]) << 16 | uint32_t(dst[3]) << 24
                            : static_cast<uint32_t>(next()));
            ctx.set_reg(e::rah_n(i), (hit ? uint32_t(dst[4]) | uint32_t(dst[5]) << 8 : next() & 0xFFFFu) |
                                         (next() % 2 ? e::rahf::AV::mask : 0u));
        }
        for (unsigned i = 0; i < RxFilter::kMtaWords; ++i) ctx.set_reg(e::mta_n(i), static_cast<uint32_t>(next()));
        RxFilter full;
        full.load(ctx);
        per_frame.load_for(ctx, dst.data());
        INFO("round " << round);
        REQUIRE(per_frame.classify(dst.data()) == full.classify(dst.data()));
        for (auto& r : ctx.regs) flat.set_reg(r.first, r.second);
        bound.refresh(flat, dst.data());
        REQUIRE(bound.classify(dst.data()) == full.classify(dst.data()));
        ++seen[full.classify(dst.data())];
    }
    INFO("the rounds reach every verdict");
    CHECK(seen.size() == 5);
    CHECK(bound.bound());
}

TEST_CASE("a filter bound to the register storage sees every change without a load", "[nic][rxfilter]") {
    FlatRegs regs;
    RxFilter f;
    f.refresh(regs, kOwn.data());
    REQUIRE(f.bound());
    CHECK(f.classify(kOwn.data()) == RxMatch::kRejected);
    regs.set_reg(e::ral_n(5), 0x12005452);
    regs.set_reg(e::rah_n(5), 0x5634 | e::rahf::AV::mask);
    regs.set_reg(e::RCTL, e::rctl::BAM::mask | e::rctl::MO::make(3));
    const uint16_t h = ref_hash(kMcast, 3);
    regs.set_reg(e::mta_n(h >> 5), 1u << (h & 31));
    INFO("written behind the filter's back: no refresh, no load");
    CHECK(f.classify(kOwn.data()) == RxMatch::kExact);
    CHECK(f.classify(kBcast.data()) == RxMatch::kBroadcast);
    CHECK(f.classify(kMcast.data()) == RxMatch::kMulticastHash);
    INFO("its own copy is not read once bound");
    f.set_rah(5, 0);
    CHECK(f.classify(kOwn.data()) == RxMatch::kExact);

    FlatRegs hooked;
    hooked.storage = false;
    hooked.set_reg(e::RCTL, e::rctl::UPE::mask);
    RxFilter g;
    g.refresh(hooked, kOther.data());
    INFO("without storage the filter loads per frame");
    CHECK_FALSE(g.bound());
    CHECK(g.classify(kOther.data()) == RxMatch::kPromiscuous);
    hooked.set_reg(e::RCTL, 0);
    g.refresh(hooked, kOther.data());
    CHECK(g.classify(kOther.data()) == RxMatch::kRejected);
}
