// The miniport's behaviour end to end: TCP large send, a full TX ring, reset in the middle of traffic, halt while
// the device is busy, OIDs, link indications, receive filters, receive buffers held by the protocol, and
// initialize failures that unwind. Every test requires a silent bus monitor, DMA verifier and NDIS contract check.
#include "testbench/machine/protocol_bind.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

using namespace nicsim;
using namespace nicsim::e2e;
using namespace nicsim::e1000;
using namespace sc_core;

namespace {

const sc_time kLimit(2, SC_SEC);

}  // namespace

TEST_CASE("TCP large send is cut into MSS segments with valid checksums and reports the bytes sent",
          "[e2e][driver][tso]") {
    RigOptions o;
    o.lso_max_size = 65536;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    struct Lso {
        size_t payload;
        uint32_t mss;
    };
    const std::vector<Lso> sends = {{4000, 1460}, {20000, 536}, {65536 - kTcpHeaderBytes, 1460}, {3000, 1000}};
    std::vector<std::vector<uint8_t>> packets;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    ndis::OidResult offload{}, offload_set{};
    bool done = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            // NdisHost::query_oid hands the miniport a zeroed buffer (no way to pass the protocol's
            // NDIS_TASK_OFFLOAD_HEADER in): only the size negotiation can be checked here.
            offload = r.host->query_oid(OID_TCP_TASK_OFFLOAD, 0);
            offload_set = r.host->set_oid(OID_TCP_TASK_OFFLOAD, {});
            uint32_t seq = 5000;
            for (size_t i = 0; i < sends.size(); ++i) {
                packets.push_back(make_tcp_frame(kPeerMac, mac, sends[i].payload, seq, static_cast<unsigned>(i)));
                ndis::SendLayout l;
                l.lso_mss = sends[i].mss;
                l.fragments = {kTcpHeaderBytes};  // header split; 64 KiB then spans the 17 map registers exactly
                r.host->send(packets.back(), l);
                seq += static_cast<uint32_t>(sends[i].payload);
            }
            size_t segs = 0;
            for (const Lso& s : sends) segs += (s.payload + s.mss - 1) / s.mss;
            done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= segs; });
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(done);
    INFO("a query with a too-short buffer says how much it needs");
    CHECK(offload.status == NDIS_STATUS_BUFFER_TOO_SHORT);
    CHECK(offload.bytes_needed == sizeof(NDIS_TASK_OFFLOAD_HEADER));
    CHECK(offload_set.status == NDIS_STATUS_INVALID_LENGTH);

    const auto& res = r.host->send_results();
    REQUIRE(res.size() == sends.size());
    size_t at = 0;
    for (size_t i = 0; i < sends.size(); ++i) {
        INFO("large send " << i << ": " << sends[i].payload << " payload bytes at MSS " << sends[i].mss);
        CHECK(res[i].status == NDIS_STATUS_SUCCESS);
        CHECK(res[i].lso_info == sends[i].payload);
        const size_t n = (sends[i].payload + sends[i].mss - 1) / sends[i].mss;
        std::vector<uint8_t> payload;
        for (size_t k = 0; k < n && at < r.peer_rx.size(); ++k, ++at) {
            const std::vector<uint8_t> seg = wire_payload(r.peer_rx[at]);
            REQUIRE(seg.size() > kTcpHeaderBytes);
            INFO("segment " << k);
            CHECK(seg.size() - kTcpHeaderBytes == std::min<size_t>(sends[i].mss, sends[i].payload - k * sends[i].mss));
            CHECK(tcp_frame_checksums_ok(seg));
            CHECK(tcp_seq(seg) == tcp_seq(packets[i]) + payload.size());
            payload.insert(payload.end(), seg.begin() + kTcpHeaderBytes, seg.end());
        }
        CHECK(payload == std::vector<uint8_t>(packets[i].begin() + kTcpHeaderBytes, packets[i].end()));
    }
    CHECK(at == r.peer_rx.size());
    INFO("one context descriptor per large send");
    CHECK(miniport::last_halted_stats().tx_tso_packets == sends.size());
    r.no_violations();
}

TEST_CASE("OID_TCP_TASK_OFFLOAD offers large send up to LsoMaxSize and accepts only what it offered",
          "[e2e][driver][oid][tso]") {
    RigOptions o;
    o.lso_max_size = 32768;
    Rig r(o);
    NDIS_STATUS st = NDIS_STATUS_FAILURE, q_st = NDIS_STATUS_FAILURE, set_ok = NDIS_STATUS_FAILURE,
                set_big = NDIS_STATUS_SUCCESS, set_none = NDIS_STATUS_FAILURE;
    std::vector<uint8_t> answer(256, 0);
    ULONG written = 0, needed = 0;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            // The protocol's NDIS_TASK_OFFLOAD_HEADER goes in with the query, through NDIS.
            NDIS_TASK_OFFLOAD_HEADER h{};
            h.Version = NDIS_TASK_OFFLOAD_VERSION;
            h.Size = sizeof(h);
            h.EncapsulationFormat.Encapsulation = IEEE_802_3_Encapsulation;
            h.EncapsulationFormat.EncapsulationHeaderSize = 14;
            std::vector<uint8_t> header(sizeof(h));
            std::memcpy(header.data(), &h, sizeof(h));
            const ndis::OidResult q =
                r.host->query_oid(OID_TCP_TASK_OFFLOAD, static_cast<ULONG>(answer.size()), header);
            q_st = q.status;
            written = q.bytes_done;
            needed = q.bytes_needed;
            answer = q.data;
            // Setting back exactly what was offered enables it; asking for more than offered is refused.
            std::vector<uint8_t> set(answer.begin(), answer.begin() + written);
            set_ok = r.host->set_oid(OID_TCP_TASK_OFFLOAD, set).status;
            std::vector<uint8_t> big = set;
            NDIS_TASK_TCP_LARGE_SEND l{};
            const size_t lso_at = sizeof(NDIS_TASK_OFFLOAD_HEADER) + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer);
            std::memcpy(&l, big.data() + lso_at, sizeof(l));
            l.MaxOffLoadSize = 65536;
            std::memcpy(big.data() + lso_at, &l, sizeof(l));
            set_big = r.host->set_oid(OID_TCP_TASK_OFFLOAD, big).status;
            NDIS_TASK_OFFLOAD_HEADER none = h;
            none.OffsetFirstTask = 0;  // no task: offload off
            std::vector<uint8_t> none_bytes(sizeof(none));
            std::memcpy(none_bytes.data(), &none, sizeof(none));
            set_none = r.host->set_oid(OID_TCP_TASK_OFFLOAD, none_bytes).status;
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(q_st == NDIS_STATUS_SUCCESS);
    REQUIRE(written == sizeof(NDIS_TASK_OFFLOAD_HEADER) + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer) +
                           sizeof(NDIS_TASK_TCP_LARGE_SEND));
    NDIS_TASK_OFFLOAD_HEADER h{};
    std::memcpy(&h, answer.data(), sizeof(h));
    INFO("one task, large send, right after the header");
    CHECK(h.OffsetFirstTask == sizeof(NDIS_TASK_OFFLOAD_HEADER));
    NDIS_TASK_OFFLOAD t{};
    std::memcpy(&t, answer.data() + h.OffsetFirstTask, offsetof(NDIS_TASK_OFFLOAD, TaskBuffer));
    CHECK(t.Task == TcpLargeSendNdisTask);
    CHECK(t.OffsetNextTask == 0u);
    CHECK(t.TaskBufferLength == sizeof(NDIS_TASK_TCP_LARGE_SEND));
    NDIS_TASK_TCP_LARGE_SEND l{};
    std::memcpy(&l, answer.data() + h.OffsetFirstTask + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer), sizeof(l));
    INFO("MaxOffLoadSize is the configured LsoMaxSize");
    CHECK(l.MaxOffLoadSize == 32768u);
    CHECK(l.MinSegmentCount == miniport::kLsoMinSegments);
    CHECK(set_ok == NDIS_STATUS_SUCCESS);
    CHECK(set_big == NDIS_STATUS_NOT_SUPPORTED);
    CHECK(set_none == NDIS_STATUS_SUCCESS);
    r.no_violations();
}

// Windows' TCP/IP binds by querying OID_TCP_TASK_OFFLOAD and then setting back the tasks it will use; only a set
// the miniport accepted turns large send on (NDIS 5.1 DDK, "Querying and setting task offload").
namespace {
void check_offload_binding(uint32_t lso) {
    RigOptions o;
    o.lso_max_size = lso;
    Rig r(o);
    tb::ProtocolBinding b;
    std::string why;
    bool bound = false;
    std::vector<std::pair<NDIS_OID, NDIS_STATUS>> sets;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            if (r.start_driver(hp) != NDIS_STATUS_SUCCESS) return;
            bound = tb::bind_protocol(*r.host, b, why);
            sets = r.host->oids_set();
            r.host->halt();
        },
        kLimit);
    INFO(why);
    REQUIRE(ok);
    REQUIRE(bound);
    const auto offload_sets = std::count_if(sets.begin(), sets.end(), [](const auto& s) {
        return s.first == 0xFC010201u && s.second == NDIS_STATUS_SUCCESS;  // OID_TCP_TASK_OFFLOAD
    });
    CHECK(offload_sets == (lso ? 1 : 0));
    CHECK(b.lso == (lso != 0));
    CHECK(b.lso_max_size == lso);
    CHECK(b.offload_set_status == NDIS_STATUS_SUCCESS);
    r.no_violations();
}
}  // namespace

TEST_CASE("the protocol enables the large send it was offered by setting OID_TCP_TASK_OFFLOAD back",
          "[e2e][driver][oid][tso]") {
    check_offload_binding(32768);
}

TEST_CASE("the protocol sets no offload when none was offered", "[e2e][driver][oid]") {
    check_offload_binding(0);
}

TEST_CASE("a large-send packet to a driver configured without large send fails as an invalid packet",
          "[e2e][driver][tso]") {
    RigOptions o;
    Rig r(o);
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    ULONGLONG xmit_error = 0;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            ndis::SendLayout l;
            l.lso_mss = 536;
            r.host->send(make_tcp_frame(kPeerMac, r.nic.params().mac, 1000, 1, 1), l);
            r.host->send(make_frame(100, 3, kPeerMac, r.nic.params().mac));
            r.run_until([&] { return r.host->sends_outstanding() == 0 && !r.peer_rx.empty(); });
            xmit_error = oid_u64(r.host->query_oid(OID_GEN_XMIT_ERROR, 8));
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    const auto& res = r.host->send_results();
    REQUIRE(res.size() == 2u);
    INFO("no TSO context without large send configured: the packet is refused, the next one still goes out");
    CHECK(res[0].status == NDIS_STATUS_INVALID_PACKET);
    CHECK(res[1].status == NDIS_STATUS_SUCCESS);
    CHECK(r.peer_rx.size() == 1u);
    CHECK(xmit_error == 1u);
    r.no_violations();
}

TEST_CASE("a full TX ring queues packets in order and resumes on TX completion", "[e2e][driver][ring]") {
    RigOptions o;
    o.tx_ring = 8;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> frames;
    for (unsigned i = 0; i < 60; ++i) frames.push_back(make_frame(60 + (i * 97) % 1455, i, kPeerMac, mac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    bool done = false;
    ULONG queue_len = 0;
    ULONG tdlen = 0;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            tdlen = r.reg(hp, TDLEN);
            ndis::SendLayout l;
            l.fragments = {14};  // two descriptors per frame: three frames fill the 8-entry ring
            r.host->send(std::vector<std::vector<uint8_t>>(frames.begin(), frames.begin() + 40), l);
            queue_len = oid_ulong(r.host->query_oid(OID_GEN_TRANSMIT_QUEUE_LENGTH, 4));
            r.host->run_for_ns(30'000);
            r.host->send(std::vector<std::vector<uint8_t>>(frames.begin() + 40, frames.end()), l);
            done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= frames.size(); });
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    CHECK(tdlen == 8u * 16u);
    REQUIRE(done);
    INFO("the driver found the ring full and queued packets");
    CHECK(miniport::last_halted_stats().tx_ring_full > 0u);
    CHECK(miniport::last_halted_stats().tx_packets_queued >= 30u);
    CHECK(miniport::last_halted_stats().tx_completed == frames.size());
    INFO("most of the first 40 waited in the driver's queue");
    CHECK(queue_len > 30u);
    const auto& res = r.host->send_results();
    REQUIRE(res.size() == frames.size());
    for (const auto& x : res) CHECK(x.status == NDIS_STATUS_SUCCESS);
    INFO("every frame on the wire, in the order it was sent, byte for byte");
    REQUIRE(r.peer_rx.size() == frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
        INFO("frame " << i);
        CHECK(wire_payload(r.peer_rx[i]) == frames[i]);
    }
    r.no_violations();
}

TEST_CASE("reset in the middle of traffic completes every send and leaves a working adapter", "[e2e][driver][reset]") {
    RigOptions o;
    o.tx_ring = 64;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> before, after, rx;
    for (unsigned i = 0; i < 40; ++i) before.push_back(make_frame(1514, i, kPeerMac, mac));
    for (unsigned i = 0; i < 10; ++i) after.push_back(make_frame(200 + i * 50, 100 + i, kPeerMac, mac));
    for (unsigned i = 0; i < 6; ++i) rx.push_back(make_frame(300 + i, 200 + i, i % 2 ? kBroadcast : mac, kPeerMac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE, reset_st = NDIS_STATUS_FAILURE;
    bool addressing = true;
    size_t outstanding_at_reset = 0, results_after_reset = 0, wire_after_reset = 0;
    uint32_t rctl = 0, tdh = 0, tdt = 0;
    bool done_tx = false, done_rx = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                            ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST));
            r.host->send(before);
            r.host->run_for_ns(60'000);  // a few frames out, most still on the ring
            outstanding_at_reset = r.host->sends_outstanding();
            reset_st = r.host->reset(&addressing);
            results_after_reset = r.host->send_results().size();
            wire_after_reset = r.peer_rx.size();
            rctl = r.reg(hp, RCTL);
            tdh = r.reg(hp, TDH);
            tdt = r.reg(hp, TDT);
            r.host->send(after);
            done_tx = r.run_until([&] {
                return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= wire_after_reset + after.size();
            });
            for (const auto& f : rx) r.peer_send(f);
            done_rx = r.run_until([&] { return r.host->received().size() >= rx.size(); });
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("the reset pended and completed through NdisMResetComplete, no addressing reset needed");
    CHECK(reset_st == NDIS_STATUS_SUCCESS);
    CHECK_FALSE(addressing);
    INFO("traffic was in flight when the reset came, and every send was completed by the reset");
    CHECK(outstanding_at_reset > 0u);
    CHECK(results_after_reset == before.size());
    const auto& res = r.host->send_results();
    size_t succeeded = 0;
    for (size_t i = 0; i < before.size(); ++i) {
        INFO("send " << i << " before the reset");
        CHECK((res[i].status == NDIS_STATUS_SUCCESS || res[i].status == NDIS_STATUS_REQUEST_ABORTED));
        if (res[i].status == NDIS_STATUS_SUCCESS) ++succeeded;
    }
    CHECK(succeeded < before.size());
    INFO("frames that reached the wire before the reset are the first ones sent, intact");
    CHECK(wire_after_reset >= succeeded);
    for (size_t i = 0; i < wire_after_reset && i < before.size(); ++i) CHECK(wire_payload(r.peer_rx[i]) == before[i]);
    INFO("after the reset: receiver and transmitter on, TX ring empty");
    CHECK(rctl::EN::get(rctl) == 1u);
    CHECK(rctl::BAM::get(rctl) == 1u);
    CHECK(tdh == tdt);
    INFO("traffic after the reset goes through byte for byte");
    REQUIRE(done_tx);
    REQUIRE(r.peer_rx.size() == wire_after_reset + after.size());
    for (size_t i = 0; i < after.size(); ++i) {
        CHECK(res[before.size() + i].status == NDIS_STATUS_SUCCESS);
        CHECK(wire_payload(r.peer_rx[wire_after_reset + i]) == after[i]);
    }
    REQUIRE(done_rx);
    REQUIRE(r.host->received().size() == rx.size());
    for (size_t i = 0; i < rx.size(); ++i) CHECK(r.host->received()[i].bytes == rx[i]);
    r.no_violations();
}

TEST_CASE("halt while frames arrive stops the DMA before shared memory is freed", "[e2e][driver][halt]") {
    Rig r;
    const uint8_t* mac = r.nic.params().mac;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    size_t received_at_halt = 0, received_final = 0;
    uint64_t rx_frames_at_halt = 0, rx_frames_final = 0;
    uint32_t cmd = 0, rctl = 0, tctl = 0, ims = 0;
    uint64_t live = 1;
    size_t shared = 1;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            for (unsigned i = 0; i < 60; ++i) r.peer_send(make_frame(1514, i, mac, kPeerMac));
            r.run_until([&] { return r.host->received().size() >= 5; });
            received_at_halt = r.host->received().size();
            r.host->halt();
            rx_frames_at_halt = r.nic.data_path().stats().rx_frames;
            r.host->run_for_ns(1'000'000);  // the rest of the frames arrive at a stopped device
            received_final = r.host->received().size();
            rx_frames_final = r.nic.data_path().stats().rx_frames;
            cmd = hp.config_read(r.nic.device_number(), 0x04, 2);
            rctl = hp.mmio_read(r.bar0 + RCTL, 4);
            tctl = hp.mmio_read(r.bar0 + TCTL, 4);
            ims = hp.mmio_read(r.bar0 + IMS, 4);
            live = r.host->allocations_live();
            shared = r.host->hal().shared_allocations();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("frames were arriving when the adapter was halted");
    CHECK(received_at_halt >= 5u);
    CHECK(received_at_halt < 60u);
    INFO("nothing was indicated and nothing written to host memory after halt");
    CHECK(received_final == received_at_halt);
    CHECK(rx_frames_final == rx_frames_at_halt);
    INFO("MiniportHalt saw the head pointers stop before it freed the rings and buffers");
    CHECK(miniport::last_halted_stats().dma_quiet_at_halt);
    CHECK(miniport::last_halted_stats().halt_quiesce_polls >= 2u);
    CHECK(miniport::last_halted_stats().rx_indicated == received_at_halt);
    INFO("the device is left stopped: no bus mastering, receiver and transmitter off, interrupts masked");
    CHECK((cmd & PCI_ENABLE_BUS_MASTER) == 0u);
    CHECK(rctl::EN::get(rctl) == 0u);
    CHECK(tctl::EN::get(tctl) == 0u);
    CHECK(ims == 0u);
    INFO("all memory the driver had is freed");
    CHECK(live == 0u);
    CHECK(shared == 0u);
    r.no_violations();
}

TEST_CASE("the general and 802.3 OIDs answer from the device and the driver state", "[e2e][driver][oid]") {
    Rig r;
    const uint8_t* mac = r.nic.params().mac;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    std::vector<ndis::OidResult> q;
    ndis::OidResult short_buf{}, unknown{}, bad_filter{}, mc_set{}, mc_full{}, mc_get{};
    uint32_t rctl_promisc = 0, rctl_plain = 0, mta_bits = 0;
    const std::vector<NDIS_OID> oids = {
        OID_GEN_SUPPORTED_LIST,
        OID_GEN_HARDWARE_STATUS,
        OID_GEN_MEDIA_SUPPORTED,
        OID_GEN_MEDIA_IN_USE,
        OID_GEN_MAXIMUM_FRAME_SIZE,
        OID_GEN_LINK_SPEED,
        OID_GEN_TRANSMIT_BUFFER_SPACE,
        OID_GEN_RECEIVE_BUFFER_SPACE,
        OID_GEN_VENDOR_ID,
        OID_GEN_VENDOR_DESCRIPTION,
        OID_GEN_MAXIMUM_TOTAL_SIZE,
        OID_GEN_MEDIA_CONNECT_STATUS,
        OID_GEN_XMIT_OK,
        OID_GEN_RCV_OK,
        OID_GEN_XMIT_ERROR,
        OID_GEN_RCV_ERROR,
        OID_GEN_RCV_NO_BUFFER,
        OID_802_3_PERMANENT_ADDRESS,
        OID_802_3_CURRENT_ADDRESS,
        OID_802_3_MAXIMUM_LIST_SIZE,
        OID_GEN_CURRENT_PACKET_FILTER,
    };
    const std::vector<uint8_t> mc = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01, 0x01, 0x00, 0x5E, 0x7F, 0x12, 0x34};
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            r.host->send(make_frame(100, 1, kPeerMac, mac));
            r.run_until([&] { return r.host->sends_outstanding() == 0; });
            for (NDIS_OID oid : oids) q.push_back(r.host->query_oid(oid, 512));
            short_buf = r.host->query_oid(OID_802_3_CURRENT_ADDRESS, 4);
            unknown = r.host->query_oid(OID_PNP_CAPABILITIES, 64);
            bad_filter = r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER, ulong_bytes(NDIS_PACKET_TYPE_ALL_LOCAL));
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER, ulong_bytes(NDIS_PACKET_TYPE_PROMISCUOUS));
            rctl_promisc = r.reg(hp, RCTL);
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                            ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST));
            rctl_plain = r.reg(hp, RCTL);
            mc_set = r.host->set_oid(OID_802_3_MULTICAST_LIST, mc);
            for (unsigned i = 0; i < kMtaEntries; ++i) mta_bits += __builtin_popcount(r.reg(hp, mta_n(i)));
            mc_full = r.host->set_oid(OID_802_3_MULTICAST_LIST, std::vector<uint8_t>(6 * 33, 0x01));
            mc_get = r.host->query_oid(OID_802_3_MULTICAST_LIST, 64);
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(q.size() == oids.size());
    for (size_t i = 0; i < q.size(); ++i) {
        INFO("OID 0x" << std::hex << oids[i] << " answered");
        CHECK(q[i].status == NDIS_STATUS_SUCCESS);
    }
    auto supported = [&](NDIS_OID oid) {
        const auto& d = q[0].data;
        for (size_t i = 0; i + 4 <= q[0].bytes_done; i += 4) {
            NDIS_OID v;
            std::memcpy(&v, d.data() + i, 4);
            if (v == oid) return true;
        }
        return false;
    };
    INFO("every OID asked for is in the supported list");
    for (NDIS_OID oid : oids) CHECK(supported(oid));
    CHECK(supported(OID_TCP_TASK_OFFLOAD));
    CHECK(supported(OID_802_3_MULTICAST_LIST));
    CHECK(oid_ulong(q[1]) == static_cast<ULONG>(NdisHardwareStatusReady));
    CHECK(oid_ulong(q[2]) == static_cast<ULONG>(NdisMedium802_3));
    CHECK(oid_ulong(q[3]) == static_cast<ULONG>(NdisMedium802_3));
    CHECK(oid_ulong(q[4]) == 1500u);
    INFO("1000 Mb/s link in units of 100 b/s");
    CHECK(oid_ulong(q[5]) == 10'000'000u);
    CHECK(oid_ulong(q[6]) > 0u);
    CHECK(oid_ulong(q[7]) > 0u);
    INFO("vendor ID carries the OUI of the MAC address");
    CHECK((oid_ulong(q[8]) & 0xFFFFFFu) == (mac[0] | (mac[1] << 8) | (uint32_t{mac[2]} << 16)));
    CHECK(q[9].bytes_done > 1u);
    CHECK(q[9].data[q[9].bytes_done - 1] == 0);
    CHECK(oid_ulong(q[10]) == 1514u);
    CHECK(oid_ulong(q[11]) == static_cast<ULONG>(NdisMediaStateConnected));
    INFO("counters: one frame sent, nothing received, no errors");
    CHECK(oid_u64(q[12]) == 1u);
    CHECK(oid_u64(q[13]) == 0u);
    CHECK(oid_u64(q[14]) == 0u);
    CHECK(oid_u64(q[15]) == 0u);
    CHECK(oid_u64(q[16]) == 0u);
    INFO("permanent and current address are the EEPROM's");
    REQUIRE(q[17].bytes_done == 6u);
    REQUIRE(q[18].bytes_done == 6u);
    CHECK(std::equal(mac, mac + 6, q[17].data.begin()));
    CHECK(std::equal(mac, mac + 6, q[18].data.begin()));
    CHECK(oid_ulong(q[19]) == miniport::kMulticastListMax);
    CHECK(oid_ulong(q[20]) == 0u);
    INFO("a short buffer gets BUFFER_TOO_SHORT with the size needed; unknown OIDs are not supported");
    CHECK(short_buf.status == NDIS_STATUS_BUFFER_TOO_SHORT);
    CHECK(short_buf.bytes_needed == 6u);
    CHECK(unknown.status == NDIS_STATUS_NOT_SUPPORTED);
    CHECK(bad_filter.status == NDIS_STATUS_NOT_SUPPORTED);
    INFO("packet filter reaches RCTL: promiscuous sets UPE and MPE, directed+multicast clears them");
    CHECK(rctl::UPE::get(rctl_promisc) == 1u);
    CHECK(rctl::MPE::get(rctl_promisc) == 1u);
    CHECK(rctl::BAM::get(rctl_promisc) == 1u);
    CHECK(rctl::UPE::get(rctl_plain) == 0u);
    CHECK(rctl::MPE::get(rctl_plain) == 0u);
    CHECK(rctl::BAM::get(rctl_plain) == 0u);
    INFO("two multicast addresses: two MTA bits; 33 addresses: list full; the list reads back");
    CHECK(mc_set.status == NDIS_STATUS_SUCCESS);
    CHECK(mta_bits == 2u);
    CHECK(mc_full.status == NDIS_STATUS_MULTICAST_FULL);
    CHECK(mc_get.status == NDIS_STATUS_SUCCESS);
    CHECK(std::vector<uint8_t>(mc_get.data.begin(), mc_get.data.begin() + mc_get.bytes_done) == mc);
    r.no_violations();
}

// NDIS 5.1 DDK, OID_GEN_SUPPORTED_LIST: the OIDs the miniport answers. OID_GEN_PROTOCOL_OPTIONS is only ever
// set; OID_TCP_TASK_OFFLOAD is queried with the protocol's NDIS_TASK_OFFLOAD_HEADER in the buffer.
TEST_CASE("every OID in the supported list is answered, and listed once", "[e2e][driver][oid]") {
    Rig r;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    std::vector<NDIS_OID> listed;
    std::vector<NDIS_STATUS> answers;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            const ndis::OidResult list = r.host->query_oid(OID_GEN_SUPPORTED_LIST, 1024);
            listed.resize(list.bytes_done / sizeof(NDIS_OID));
            std::memcpy(listed.data(), list.data.data(), listed.size() * sizeof(NDIS_OID));
            NDIS_TASK_OFFLOAD_HEADER h{};
            h.Version = NDIS_TASK_OFFLOAD_VERSION;
            h.Size = sizeof(h);
            h.EncapsulationFormat.Encapsulation = IEEE_802_3_Encapsulation;
            std::vector<uint8_t> header(sizeof(h));
            std::memcpy(header.data(), &h, sizeof(h));
            for (NDIS_OID oid : listed) {
                if (oid == OID_GEN_PROTOCOL_OPTIONS)
                    answers.push_back(r.host->set_oid(oid, ulong_bytes(0)).status);
                else if (oid == OID_TCP_TASK_OFFLOAD)
                    answers.push_back(r.host->query_oid(oid, 256, header).status);
                else
                    answers.push_back(r.host->query_oid(oid, 1024).status);
            }
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(listed.size() >= 30u);
    REQUIRE(answers.size() == listed.size());
    for (size_t i = 0; i < listed.size(); ++i) {
        INFO("OID 0x" << std::hex << listed[i]);
        CHECK(answers[i] == NDIS_STATUS_SUCCESS);
        CHECK(std::count(listed.begin(), listed.end(), listed[i]) == 1);
    }
    r.no_violations();
}

TEST_CASE("link loss and return are indicated as media disconnect and connect", "[e2e][driver][link]") {
    Rig r;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    ULONG state_down = 0, state_up = 1, speed_down = 1;
    bool down = false, up = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            r.nic.set_link(false);
            down = r.run_until([&] { return !r.host->status_indications().empty(); });
            state_down = oid_ulong(r.host->query_oid(OID_GEN_MEDIA_CONNECT_STATUS, 4));
            speed_down = oid_ulong(r.host->query_oid(OID_GEN_LINK_SPEED, 4));
            r.nic.set_link(true);
            up = r.run_until([&] { return r.host->status_indications().size() >= 2; });
            state_up = oid_ulong(r.host->query_oid(OID_GEN_MEDIA_CONNECT_STATUS, 4));
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(down);
    REQUIRE(up);
    const auto& ind = r.host->status_indications();
    REQUIRE(ind.size() == 2u);
    INFO("LSC interrupt: disconnect then connect, each followed by NdisMIndicateStatusComplete");
    CHECK(ind[0].status == NDIS_STATUS_MEDIA_DISCONNECT);
    CHECK(ind[1].status == NDIS_STATUS_MEDIA_CONNECT);
    CHECK(r.host->status_complete_count() == 2u);
    CHECK(state_down == static_cast<ULONG>(NdisMediaStateDisconnected));
    CHECK(speed_down == 0u);
    CHECK(state_up == static_cast<ULONG>(NdisMediaStateConnected));
    r.no_violations();
}

TEST_CASE("receive filters pass only what the packet filter and multicast list ask for", "[e2e][driver][rxfilter]") {
    Rig r;
    const uint8_t* mac = r.nic.params().mac;
    const uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    const uint8_t group[6] = {0x01, 0x00, 0x5E, 0x01, 0x02, 0x03};
    const uint8_t group2[6] = {0x01, 0x00, 0x5E, 0x44, 0x55, 0x66};
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    std::vector<size_t> counts;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            auto burst = [&](unsigned seed) {
                const size_t before = r.host->received().size();
                r.peer_send(make_frame(100, seed, mac, kPeerMac));
                r.peer_send(make_frame(100, seed + 1, other, kPeerMac));
                r.peer_send(make_frame(100, seed + 2, kBroadcast, kPeerMac));
                r.peer_send(make_frame(100, seed + 3, group, kPeerMac));
                r.peer_send(make_frame(100, seed + 4, group2, kPeerMac));
                r.host->run_for_ns(200'000);
                counts.push_back(r.host->received().size() - before);
            };
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER, ulong_bytes(NDIS_PACKET_TYPE_DIRECTED));
            burst(10);
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                            ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST));
            burst(20);
            r.host->set_oid(OID_802_3_MULTICAST_LIST, std::vector<uint8_t>(group, group + 6));
            r.host->set_oid(
                OID_GEN_CURRENT_PACKET_FILTER,
                ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_MULTICAST));
            burst(30);
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER, ulong_bytes(NDIS_PACKET_TYPE_PROMISCUOUS));
            burst(40);
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(counts.size() == 4u);
    INFO("directed: only our address");
    CHECK(counts[0] == 1u);
    INFO("+ broadcast");
    CHECK(counts[1] == 2u);
    INFO("+ the listed multicast group (the other group hashes elsewhere in the MTA)");
    CHECK(counts[2] == 3u);
    INFO("promiscuous: everything");
    CHECK(counts[3] == 5u);
    r.no_violations();
}

TEST_CASE("receive buffers held by the protocol make the driver indicate with RESOURCES and recover",
          "[e2e][driver][rx]") {
    RigOptions o;
    o.rx_ring = 16;  // 32 buffers
    o.hold_received = true;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> first, second;
    for (unsigned i = 0; i < 40; ++i) first.push_back(make_frame(200 + i, i, mac, kPeerMac));
    for (unsigned i = 0; i < 10; ++i) second.push_back(make_frame(900 + i, 50 + i, mac, kPeerMac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    size_t held = 0, got_first = 0;
    bool done2 = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            for (const auto& f : first) {
                r.peer_send(f);
                r.host->run_for_ns(20'000);  // one at a time: the ring never overflows
            }
            r.host->run_for_ns(100'000);
            got_first = r.host->received().size();
            held = r.host->received_packets_held();
            r.host->return_received_packets();
            for (const auto& f : second) r.peer_send(f);
            done2 = r.run_until([&] { return r.host->received().size() >= got_first + second.size(); });
            r.host->return_received_packets();
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("every frame indicated with its bytes although the protocol held the packets");
    REQUIRE(got_first == first.size());
    size_t resources = 0;
    for (size_t i = 0; i < first.size(); ++i) {
        CHECK(r.host->received()[i].bytes == first[i]);
        if (r.host->received()[i].packet_status == NDIS_STATUS_RESOURCES) ++resources;
    }
    INFO("running low, the driver indicated with NDIS_STATUS_RESOURCES: those came back at once");
    CHECK(resources > 0u);
    CHECK(held == first.size() - resources);
    CHECK(held < 32u);
    INFO("after the protocol returned the packets, indications are normal again");
    REQUIRE(done2);
    for (size_t i = 0; i < second.size(); ++i) {
        const auto& f = r.host->received()[got_first + i];
        CHECK(f.bytes == second[i]);
        CHECK(f.packet_status == NDIS_STATUS_SUCCESS);
    }
    r.no_violations();
}

TEST_CASE("MiniportInitialize that cannot reserve DMA resources fails and leaves nothing behind",
          "[e2e][driver][init]") {
    Rig r;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    uint64_t live = 1;
    size_t shared = 1;
    uint32_t rctl = 1;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp, true, [](ndis::NdisHostConfig& c) { c.map_registers_available = 0; });
            live = r.host->allocations_live();
            shared = r.host->hal().shared_allocations();
            rctl = hp.mmio_read(r.bar0 + RCTL, 4);
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    INFO("NdisMInitializeScatterGatherDma's RESOURCES is what MiniportInitialize returns");
    CHECK(st == NDIS_STATUS_RESOURCES);
    CHECK_FALSE(r.host->adapter_running());
    INFO("the adapter block and every other allocation were freed; the device was never started");
    CHECK(live == 0u);
    CHECK(shared == 0u);
    CHECK(rctl::EN::get(rctl) == 0u);
    r.no_violations();
}

TEST_CASE("a transmitter stuck without bus mastering is reported hung and the reset recovers it",
          "[e2e][driver][hang]") {
    test::expect_reports("nicsim/nic/dma-disabled", 1);  // the NIC names each DMA it refuses
    Rig r;
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> stuck, later;
    for (unsigned i = 0; i < 4; ++i) stuck.push_back(make_frame(800, i, kPeerMac, mac));
    for (unsigned i = 0; i < 4; ++i) later.push_back(make_frame(900, 10 + i, kPeerMac, mac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE, reset_st = NDIS_STATUS_FAILURE;
    bool hang_idle = true, hang_first = true, hang_second = false, done = false;
    size_t wire_before = 1;
    uint32_t cmd_after = 0;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            hang_idle = r.host->check_for_hang();  // nothing on the ring: not hung
            // Something else on the machine turns bus mastering off behind the driver's back.
            const unsigned dev = r.nic.device_number();
            hp.config_write(dev, 0x04, 2, hp.config_read(dev, 0x04, 2) & ~uint32_t{PCI_ENABLE_BUS_MASTER});
            r.host->send(stuck);
            r.host->run_for_ns(200'000);
            wire_before = r.peer_rx.size();
            hang_first = r.host->check_for_hang();  // remembers where TX stands
            r.host->run_for_ns(200'000);
            hang_second = r.host->check_for_hang();  // no progress since: hung
            reset_st = r.host->reset();              // the driver restores the Command register
            cmd_after = hp.config_read(dev, 0x04, 2);
            r.host->send(later);
            done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= later.size(); });
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("an idle adapter and a first look at a stuck ring are not a hang; the second look is");
    CHECK_FALSE(hang_idle);
    CHECK_FALSE(hang_first);
    CHECK(hang_second);
    CHECK(wire_before == 0u);
    CHECK(reset_st == NDIS_STATUS_SUCCESS);
    CHECK((cmd_after & PCI_ENABLE_BUS_MASTER) != 0u);
    const auto& res = r.host->send_results();
    REQUIRE(res.size() == stuck.size() + later.size());
    INFO("the stuck sends were aborted by the reset, the later ones went out intact");
    for (size_t i = 0; i < stuck.size(); ++i) CHECK(res[i].status == NDIS_STATUS_REQUEST_ABORTED);
    REQUIRE(done);
    REQUIRE(r.peer_rx.size() == later.size());
    for (size_t i = 0; i < later.size(); ++i) {
        CHECK(res[stuck.size() + i].status == NDIS_STATUS_SUCCESS);
        CHECK(wire_payload(r.peer_rx[i]) == later[i]);
    }
    CHECK(miniport::last_halted_stats().hangs == 1u);
    INFO("the NIC refused the descriptor fetches while bus mastering was off");
    CHECK(test::reports_seen("nicsim/nic/dma-disabled") > 0u);
    r.no_violations();
}

TEST_CASE("an interrupt delay gathers a burst of received frames into few interrupts", "[e2e][driver][irq]") {
    RigOptions o;
    o.itr = 0;  // interrupt throttling off both times: the delay's effect alone
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    NDIS_STATUS st[2] = {NDIS_STATUS_FAILURE, NDIS_STATUS_FAILURE};
    uint64_t isr[2] = {0, 0};
    size_t got[2] = {0, 0};
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            // The same adapter twice: without a delay, then halted and initialized again with RDTR/TIDV = 100
            // units (~102 us) from the registry.
            st[0] = r.start_driver(hp);
            for (int delayed = 0; delayed < 2; ++delayed) {
                if (delayed) {
                    r.host->set_config(miniport::kKeyInterruptDelay, 100);
                    st[1] = r.host->initialize();
                }
                if (st[delayed] != NDIS_STATUS_SUCCESS) return;
                const size_t before = r.host->received().size();
                for (unsigned i = 0; i < 20; ++i) r.peer_send(make_frame(200, 30 * delayed + i, mac, kPeerMac));
                r.run_until([&] { return r.host->received().size() >= before + 20; });
                r.host->run_for_ns(300'000);
                got[delayed] = r.host->received().size() - before;
                r.host->halt();
                isr[delayed] = miniport::last_halted_stats().isr_claimed;
            }
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st[0] == NDIS_STATUS_SUCCESS);
    REQUIRE(st[1] == NDIS_STATUS_SUCCESS);
    INFO("every frame delivered with and without the delay");
    CHECK(got[0] == 20u);
    CHECK(got[1] == 20u);
    INFO("interrupts claimed without delay: " << isr[0] << ", with a 102 us delay: " << isr[1]);
    CHECK(isr[1] < isr[0]);
    CHECK(isr[1] <= 5u);
    r.no_violations();
}

TEST_CASE("cancelling queued sends completes them aborted and keeps them off the wire", "[e2e][driver][ring]") {
    RigOptions o;
    o.tx_ring = 8;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;
    std::vector<std::vector<uint8_t>> frames;
    for (unsigned i = 0; i < 20; ++i) frames.push_back(make_frame(1000 + i, i, kPeerMac, mac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    std::vector<uint64_t> ids;
    bool done = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            ids = r.host->send(frames);
            // Frames 10 and 15 are still in the driver's queue (the ring holds 7): cancel them by their ids.
            r.host->cancel_sends(reinterpret_cast<PVOID>(static_cast<uintptr_t>(ids[10])));
            r.host->cancel_sends(reinterpret_cast<PVOID>(static_cast<uintptr_t>(ids[15])));
            done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= 18; });
            r.host->halt();
        },
        kLimit);
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    REQUIRE(done);
    REQUIRE(ids.size() == frames.size());
    std::vector<std::vector<uint8_t>> expected;
    for (const auto& res : r.host->send_results()) {
        const size_t i = static_cast<size_t>(std::find(ids.begin(), ids.end(), res.id) - ids.begin());
        REQUIRE(i < frames.size());
        INFO("send " << i);
        CHECK(res.status == ((i == 10 || i == 15) ? NDIS_STATUS_REQUEST_ABORTED : NDIS_STATUS_SUCCESS));
    }
    for (size_t i = 0; i < frames.size(); ++i)
        if (i != 10 && i != 15) expected.push_back(frames[i]);
    INFO("the other 18 frames went out in order, byte for byte");
    REQUIRE(r.peer_rx.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) CHECK(wire_payload(r.peer_rx[i]) == expected[i]);
    CHECK(miniport::last_halted_stats().tx_cancelled == 2u);
    r.no_violations();
}
