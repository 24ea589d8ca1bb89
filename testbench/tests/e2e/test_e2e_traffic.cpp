// Send and receive end to end through the model, byte for byte (wire bytes against the protocol's packet buffers,
// peer frames against the indicated packets), for 32/64-bit devices x low/high/scattered memory x
// MaximumPhysicalMapping (frame size, 32 KiB, 64 KiB large send). Bounce buffers must be used exactly when a 32-bit
// device meets high memory. Monitor, DMA verifier and NDIS contract checks must stay silent.
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

using namespace nicsim;
using namespace nicsim::e2e;
using namespace nicsim::e1000;
using namespace sc_core;

namespace {

struct Batch {
    std::vector<size_t> sizes;
    ndis::SendLayout layout;
};

void traffic(unsigned dma_bits, ndis::Placement place, uint32_t lso) {
    RigOptions o;
    o.dma_address_bits = dma_bits;
    o.buffers = place;
    o.shared = place;
    o.lso_max_size = lso;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;

    // Layouts that fit the map registers MaximumPhysicalMapping reserves (BYTES_TO_PAGES + 1): with 1514, a
    // frame may span two pages; with large send, several buffers each in its own pages.
    std::vector<Batch> batches(3);
    batches[0].sizes = {60, 61, 128, 511, 1000, 1514, 1514, 777};  // one buffer each
    batches[1].sizes = {64, 300, 1514, 1200, 999, 1513};
    batches[2].sizes = {1514, 700, 1400};
    if (lso == 0) {
        batches[1].layout.page_offset = 3000;  // the buffer crosses a page boundary
        batches[2].layout.fragments = {14};    // header split
    } else {
        batches[1].layout.fragments = {14, 100};  // header split, every buffer crosses a page
        batches[1].layout.page_offset = 4000;
        batches[2].layout.fragments = {14, 20, 20, 64, 128, 256};  // many small buffers
        batches[2].layout.page_offset = 2048 + 5;
    }

    std::vector<std::vector<uint8_t>> sent, peer_frames;
    size_t bounce_seen = 0;
    size_t tx_expected = 0;
    NDIS_STATUS st = NDIS_STATUS_FAILURE, filter_st = NDIS_STATUS_FAILURE;
    bool tx_done = false, rx_done = false;
    uint32_t tdbah = 0, rdbah = 0;
    ULONGLONG xmit_ok = 0, rcv_ok = 0;
    unsigned map_regs = 0;
    size_t lists_left = 1;

    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            map_regs = r.host->map_registers_reserved();
            tdbah = r.reg(hp, TDBAH);
            rdbah = r.reg(hp, RDBAH);
            filter_st = r.host
                            ->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                                      ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST))
                            .status;
            unsigned seed = 1;
            for (const Batch& b : batches) {
                std::vector<std::vector<uint8_t>> frames;
                for (size_t n : b.sizes) frames.push_back(make_frame(n, seed++, kPeerMac, mac));
                sent.insert(sent.end(), frames.begin(), frames.end());
                r.host->send(frames, b.layout);
                bounce_seen = std::max(bounce_seen, r.host->hal().bounce_pages_in_use());
            }
            if (lso) {  // one large-send packet as big as MaximumPhysicalMapping allows
                const size_t payload = lso - kTcpHeaderBytes;
                ndis::SendLayout l;
                l.lso_mss = 1460;
                l.fragments = {kTcpHeaderBytes, 8192};
                r.host->send(make_tcp_frame(kPeerMac, mac, payload, 1000, 7), l);
                bounce_seen = std::max(bounce_seen, r.host->hal().bounce_pages_in_use());
            }
            tx_expected = sent.size() + (lso ? (lso - kTcpHeaderBytes + 1459) / 1460 : 0);
            tx_done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= tx_expected; });

            for (size_t i = 0; i < 12; ++i) {
                peer_frames.push_back(
                    make_frame(60 + i * 121, 100 + static_cast<unsigned>(i), i % 4 == 3 ? kBroadcast : mac, kPeerMac));
                r.peer_send(peer_frames.back());
            }
            rx_done = r.run_until([&] { return r.host->received().size() >= peer_frames.size(); });
            r.host->run_for_ns(50'000);
            xmit_ok = oid_u64(r.host->query_oid(OID_GEN_XMIT_OK, 8));
            rcv_ok = oid_u64(r.host->query_oid(OID_GEN_RCV_OK, 8));
            lists_left = r.host->hal().lists_in_flight();
            r.host->halt();
        },
        sc_time(2, SC_SEC));
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    CHECK(filter_st == NDIS_STATUS_SUCCESS);
    INFO("MaximumPhysicalMapping " << (lso ? lso : 1514) << " reserves BYTES_TO_PAGES + 1 map registers");
    CHECK(map_regs == BYTES_TO_PAGES(lso ? lso : 1514u) + 1);

    INFO("every send completed with success and every frame reached the wire");
    REQUIRE(tx_done);
    const auto& results = r.host->send_results();
    REQUIRE(results.size() == sent.size() + (lso ? 1 : 0));
    for (const auto& res : results) CHECK(res.status == NDIS_STATUS_SUCCESS);
    CHECK(lists_left == 0u);
    REQUIRE(r.peer_rx.size() == tx_expected);
    for (size_t i = 0; i < sent.size(); ++i) {
        const std::vector<uint8_t> got = wire_payload(r.peer_rx[i]);
        size_t diff = 0;
        while (diff < got.size() && diff < sent[i].size() && got[diff] == sent[i][diff]) ++diff;
        INFO("frame " << i << " of " << sent[i].size() << " bytes: wire bytes equal the packet's buffers (first "
                      << "difference at byte " << diff << " of " << got.size() << ")");
        CHECK(got == sent[i]);
    }
    if (lso) {
        INFO("the large send left as MSS-sized segments carrying the payload in order");
        const std::vector<uint8_t> big = make_tcp_frame(kPeerMac, mac, lso - kTcpHeaderBytes, 1000, 7);
        std::vector<uint8_t> payload;
        for (size_t i = sent.size(); i < r.peer_rx.size(); ++i) {
            const std::vector<uint8_t> seg = wire_payload(r.peer_rx[i]);
            REQUIRE(seg.size() > kTcpHeaderBytes);
            CHECK(seg.size() <= 1514u);
            CHECK(tcp_seq(seg) == 1000u + payload.size());
            CHECK(tcp_frame_checksums_ok(seg));
            payload.insert(payload.end(), seg.begin() + kTcpHeaderBytes, seg.end());
        }
        CHECK(payload == std::vector<uint8_t>(big.begin() + kTcpHeaderBytes, big.end()));
        INFO("the miniport reported the payload bytes sent in TcpLargeSendPacketInfo");
        CHECK(results.back().lso_info == lso - kTcpHeaderBytes);
    }

    INFO("every peer frame was indicated up with the same bytes");
    REQUIRE(rx_done);
    REQUIRE(r.host->received().size() == peer_frames.size());
    for (size_t i = 0; i < peer_frames.size(); ++i) {
        INFO("received frame " << i);
        CHECK(r.host->received()[i].via_packet);
        CHECK(r.host->received()[i].bytes == peer_frames[i]);
    }
    CHECK(xmit_ok == results.size());
    CHECK(rcv_ok == peer_frames.size());

    if (dma_bits == 32 && place == ndis::Placement::High) {
        INFO("a 32-bit device with buffers above 4 GiB: the HAL bounced them");
        CHECK(bounce_seen > 0u);
    } else if (place == ndis::Placement::Low || dma_bits == 64) {
        INFO("no bounce buffers when the device reaches the buffers");
        CHECK(bounce_seen == 0u);
    }
    if (dma_bits == 32) {
        INFO("rings of a 32-bit device lie below 4 GiB");
        CHECK(tdbah == 0u);
        CHECK(rdbah == 0u);
    } else if (place == ndis::Placement::High) {
        INFO("a 64-bit device gets its rings in high memory");
        CHECK(tdbah != 0u);
    }
    r.no_violations();
}

}  // namespace

#define NICSIM_TRAFFIC_CASE(bits, place, lso)                                                         \
    TEST_CASE("send and receive byte for byte: " #bits "-bit device " #place " memory mapping " #lso, \
              "[e2e][driver][traffic]") {                                                             \
        traffic(bits, ndis::Placement::place, lso);                                                   \
    }

NICSIM_TRAFFIC_CASE(32, Low, 0)
NICSIM_TRAFFIC_CASE(32, High, 0)
NICSIM_TRAFFIC_CASE(32, Scattered, 0)
NICSIM_TRAFFIC_CASE(64, Low, 0)
NICSIM_TRAFFIC_CASE(64, High, 0)
NICSIM_TRAFFIC_CASE(64, Scattered, 0)
NICSIM_TRAFFIC_CASE(32, Low, 32768)
NICSIM_TRAFFIC_CASE(32, High, 32768)
NICSIM_TRAFFIC_CASE(32, Scattered, 32768)
NICSIM_TRAFFIC_CASE(64, Low, 32768)
NICSIM_TRAFFIC_CASE(64, High, 32768)
NICSIM_TRAFFIC_CASE(64, Scattered, 32768)
NICSIM_TRAFFIC_CASE(32, Low, 65536)
NICSIM_TRAFFIC_CASE(32, High, 65536)
NICSIM_TRAFFIC_CASE(32, Scattered, 65536)
NICSIM_TRAFFIC_CASE(64, Low, 65536)
NICSIM_TRAFFIC_CASE(64, High, 65536)
NICSIM_TRAFFIC_CASE(64, Scattered, 65536)
