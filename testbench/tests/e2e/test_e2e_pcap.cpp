// Received traffic from a pcap file and transmitted traffic captured to one: the files a user opens in Wireshark
// hold exactly the frames the protocol sent and got.
#include "testbench/tests/e2e/e2e_rig.h"
#include "testbench/tests/e2e/e2e_traffic.h"

#include <algorithm>
#include <cstdio>

#include "model/wire/pcap_file.h"

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

TEST_CASE("frames from a pcap file are indicated byte for byte and sent frames land in the capture",
          "[e2e][driver][pcap]") {
    const std::string in_path = "e2e_pcap_rx_in.pcap", out_path = "e2e_pcap_tx_out.pcap";
    std::remove(in_path.c_str());
    std::remove(out_path.c_str());
    RigOptions o;
    o.dma_address_bits = 32;
    o.buffers = ndis::Placement::Scattered;
    o.shared = ndis::Placement::Scattered;
    Rig r(o);
    const uint8_t* mac = r.nic.params().mac;

    // The input capture: frames for us at 20 us intervals, starting once the driver is surely up (5 ms).
    std::vector<std::vector<uint8_t>> rx_frames;
    {
        wire::PcapWriter w;
        REQUIRE(w.open(in_path));
        for (unsigned i = 0; i < 25; ++i) {
            rx_frames.push_back(make_frame(60 + (i * 173) % 1455, 500 + i, i % 5 == 4 ? kBroadcast : mac, kPeerMac));
            REQUIRE(w.write(uint64_t{i} * 20'000, rx_frames.back().data(), rx_frames.back().size()));
        }
        REQUIRE(w.close());
    }
    wire::PcapSource source("pcap_in", in_path, r.wire.end_b(), 1000, false, 5'000'000);
    wire::PcapWriter tap;
    REQUIRE(tap.open(out_path));
    r.wire.set_tap(&tap, true);

    std::vector<std::vector<uint8_t>> tx_frames;
    for (unsigned i = 0; i < 12; ++i) tx_frames.push_back(make_frame(64 + i * 111, 700 + i, kPeerMac, mac));
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    uint64_t up_at = ~0ull;
    bool rx_done = false, tx_done = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            st = r.start_driver(hp);
            if (st != NDIS_STATUS_SUCCESS) return;
            up_at = hp.now_ns();
            r.host->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                            ulong_bytes(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST));
            r.host->send(tx_frames);
            tx_done = r.run_until([&] { return r.host->sends_outstanding() == 0 && r.peer_rx.size() >= 12; });
            rx_done = r.run_until([&] { return r.host->received().size() >= rx_frames.size(); });
            r.host->halt();
        },
        sc_time(1, SC_SEC));
    REQUIRE(ok);
    REQUIRE(tap.close());
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    INFO("the driver was up before the capture started playing");
    CHECK(up_at < 5'000'000u);
    REQUIRE(tx_done);
    REQUIRE(rx_done);
    CHECK(source.sent() == rx_frames.size());
    INFO("every frame of the input capture was indicated with its bytes");
    REQUIRE(r.host->received().size() == rx_frames.size());
    for (size_t i = 0; i < rx_frames.size(); ++i) {
        INFO("pcap frame " << i);
        CHECK(r.host->received()[i].bytes == rx_frames[i]);
    }
    INFO("the output capture holds what the NIC sent (and what the pcap source sent), FCS stripped");
    wire::PcapReader rd;
    REQUIRE(rd.open(out_path));
    wire::PcapRecord rec;
    std::vector<std::vector<uint8_t>> captured_tx;
    size_t captured_rx = 0;
    while (rd.next(rec)) {
        if (std::equal(kPeerMac, kPeerMac + 6, rec.data.begin()))
            captured_tx.push_back(rec.data);
        else
            ++captured_rx;
    }
    CHECK(rd.error().empty());
    CHECK(captured_rx == rx_frames.size());
    REQUIRE(captured_tx.size() == tx_frames.size());
    for (size_t i = 0; i < tx_frames.size(); ++i) CHECK(captured_tx[i] == tx_frames[i]);
    r.no_violations();
}
