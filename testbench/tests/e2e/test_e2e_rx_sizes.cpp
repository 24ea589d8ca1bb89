// Receive scoreboard over every frame size the configuration allows, across RX buffer sizes: each frame the peer
// sends must be indicated with exactly its bytes and its length, however many RX buffers (descriptors, DPCs) it
// spans. The limits are the 8254x manual's, not the model's: with RCTL.LPE clear a frame longer than 1522 bytes
// with FCS (1518 without) is dropped and counted in ROC (sections 13.4.22 and 13.7); with LPE set the NIC takes up
// to 16384 bytes and the driver indicates up to its *JumboPacket.
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

#include <algorithm>
#include <set>

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

namespace {

constexpr uint32_t kStdMax = 1518;   // 1522 with FCS: the longest frame without LPE (802.1Q tag room)
constexpr uint32_t kLpeMax = 16384;  // the longest frame with LPE (FCS excluded, as the model's wire frames)
constexpr uint32_t kJumbo = 9014;    // the driver's *JumboPacket in the jumbo cases
constexpr uint32_t kVlanRoom = 4;    // the driver keeps room for a tag beyond *JumboPacket

/// 60..max: both ends, every buffer boundary +-1 and a stride through the rest.
std::vector<uint32_t> sizes_to(uint32_t max, uint32_t buffer) {
    std::set<uint32_t> s = {60, 61, 64, max - 1, max};
    for (uint32_t k = buffer; k <= max + 1; k += buffer)
        for (uint32_t d : {k - 1, k, k + 1})
            if (d >= 60 && d <= max) s.insert(d);
    for (uint32_t n = 60; n <= max; n += 211) s.insert(n);
    return {s.begin(), s.end()};
}

struct Outcome {
    std::vector<uint32_t> sent;            // sizes sent, in order
    std::vector<ndis::ReceivedFrame> got;  // what the protocol was indicated
    std::vector<std::vector<uint8_t>> frames;
    uint32_t roc = 0;
    bool up = false;
};

/// Sends each size once (the next after the previous was indicated, or after a pause for a dropped one) and then
/// `dropped` frames that must not be indicated; reads ROC at the end.
Outcome run_sizes(const RigOptions& o, const std::vector<uint32_t>& sizes, const std::vector<uint32_t>& dropped) {
    Rig r(o);
    Outcome out;
    const uint8_t* mac = r.nic.params().mac;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            if (r.start_driver(hp) != NDIS_STATUS_SUCCESS) return;
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER, ulong_bytes(NDIS_PACKET_TYPE_DIRECTED));
            out.up = true;
            unsigned seed = 0;
            for (uint32_t n : sizes) {
                out.frames.push_back(make_frame(n, ++seed, mac, kPeerMac));
                out.sent.push_back(n);
                const size_t want = r.host->received().size() + 1;
                r.peer_send(out.frames.back());
                if (!r.run_until([&] { return r.host->received().size() >= want; }, 2'000'000)) break;
            }
            for (uint32_t n : dropped) {
                r.peer_send(make_frame(n, ++seed, mac, kPeerMac));
                r.host->run_for_ns(300'000);
            }
            out.roc = r.reg(hp, e1000::ROC);
            out.got = r.host->received();
            r.host->halt();
        },
        sc_time(5, SC_SEC));
    REQUIRE(ok);
    r.no_violations();
    return out;
}

void check_every_frame(const Outcome& o) {
    REQUIRE(o.up);
    INFO(o.got.size() << " of " << o.sent.size() << " frames indicated");
    REQUIRE(o.got.size() == o.sent.size());
    for (size_t i = 0; i < o.sent.size(); ++i) {
        INFO("frame of " << o.sent[i] << " bytes: indicated " << o.got[i].bytes.size());
        CHECK(o.got[i].bytes.size() == o.sent[i]);
        CHECK(o.got[i].packet_size == o.sent[i]);
        CHECK(o.got[i].bytes == o.frames[i]);
    }
}

}  // namespace

#define NICSIM_RX_STD_CASE(buffer)                                                                           \
    TEST_CASE("without jumbo frames every size 60..1518 is indicated whole with " #buffer                    \
              "-byte RX buffers, "                                                                           \
              "longer frames are dropped in ROC",                                                            \
              "[e2e][driver][rx][sizes]") {                                                                  \
        RigOptions o;                                                                                        \
        o.rx_buffer = buffer;                                                                                \
        const Outcome out = run_sizes(o, sizes_to(kStdMax, buffer), {kStdMax + 1, 2100, 3000, kJumbo});      \
        check_every_frame(out);                                                                              \
        INFO("1519, 2100, 3000 and 9014 bytes exceed 1522 with FCS: dropped by the NIC and counted in ROC"); \
        CHECK(out.roc == 4);                                                                                 \
    }

NICSIM_RX_STD_CASE(256)
NICSIM_RX_STD_CASE(1024)
NICSIM_RX_STD_CASE(2048)

#define NICSIM_RX_JUMBO_CASE(buffer)                                                                                   \
    TEST_CASE("with *JumboPacket 9014 every size 60..9018 is indicated whole with " #buffer "-byte RX buffers",        \
              "[e2e][driver][rx][sizes][jumbo]") {                                                                     \
        RigOptions o;                                                                                                  \
        o.jumbo_packet = kJumbo;                                                                                       \
        o.rx_buffer = buffer;                                                                                          \
        const Outcome out = run_sizes(o, sizes_to(kJumbo + kVlanRoom, buffer), {kJumbo + kVlanRoom + 1, kLpeMax + 1}); \
        check_every_frame(out);                                                                                        \
        INFO("only the frame beyond the NIC's 16384-byte LPE limit counts in ROC; 9019 bytes the driver refuses");     \
        CHECK(out.roc == 1);                                                                                           \
    }

NICSIM_RX_JUMBO_CASE(256)
NICSIM_RX_JUMBO_CASE(2048)
NICSIM_RX_JUMBO_CASE(4096)
NICSIM_RX_JUMBO_CASE(16384)

TEST_CASE("frames of 2100 3000 and 9014 bytes from the wire are indicated whole with jumbo frames on",
          "[e2e][driver][rx][jumbo]") {
    RigOptions o;
    o.jumbo_packet = kJumbo;
    const Outcome out = run_sizes(o, {2100, 3000, 9014}, {});
    check_every_frame(out);
    CHECK(out.roc == 0);
}
