// The example C miniport (examples/e1000_c), built only through the installed SDK, loaded from its shared object
// and run on the full machine: it registers as a serialized NDIS 5.0 miniport, initialises, sends more frames than
// its transmit ring holds (so NDIS holds packets back on NDIS_STATUS_RESOURCES), receives directed and broadcast
// frames while the NIC's filter drops one for another station, answers OIDs and halts - with a silent bus monitor,
// DMA verifier and NDIS contract check (which includes the driver's own ASSERTs of the IRQL it runs at). The paths
// of the shared objects come from the CTest fixture that built them (NICSIM_SDK_OUT: <out>/cmake/e1000c.so and
// <out>/cc/e1000c.so, see sdk_build.sh).
#include <cstdio>
#include <cstdlib>

#include "testbench/machine/miniport_loader.h"
#include "testbench/tests/e2e/e2e_rig.h"

using namespace nicsim;
using namespace nicsim::e2e;
using namespace sc_core;

namespace {

std::vector<uint8_t> ulong_le(ULONG v) {
    return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
            static_cast<uint8_t>(v >> 24)};
}

ULONG le_ulong(const std::vector<uint8_t>& b) {
    return b.size() < 4 ? 0 : b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<ULONG>(b[3]) << 24);
}

void run_example(const char* build) {
    const char* out = std::getenv("NICSIM_SDK_OUT");
    INFO("NICSIM_SDK_OUT names the directory the sdk_build_example fixture built into");
    REQUIRE(out != nullptr);
    const std::string path = std::string(out) + "/" + build + "/e1000c.so";
    std::string error;
    auto lib = machine::MiniportLibrary::open(path, error);
    INFO(error);
    REQUIRE(lib);

    Rig r;
    const uint8_t* mac = r.nic.params().mac;
    const uint8_t other[6] = {0x02, 0x00, 0x00, 0x12, 0x34, 0x56};
    std::vector<std::vector<uint8_t>> sent, directed, dropped;
    for (unsigned i = 0; i < 70; ++i) sent.push_back(make_frame(60 + (i * 97) % 1455, i, kPeerMac, mac));
    for (unsigned i = 0; i < 30; ++i) sent.push_back(make_frame(1000 + i * 17, 100 + i, kPeerMac, mac));
    for (unsigned i = 0; i < 15; ++i) directed.push_back(make_frame(64 + i * 90, 200 + i, mac, kPeerMac));
    for (unsigned i = 0; i < 5; ++i) directed.push_back(make_frame(100 + i, 300 + i, kBroadcast, kPeerMac));
    dropped.push_back(make_frame(80, 400, other, kPeerMac));

    std::string load_error = "not run";
    NDIS_STATUS init = NDIS_STATUS_FAILURE, filter = NDIS_STATUS_FAILURE;
    ndis::OidResult address{}, xmit_ok{}, rcv_ok{};
    bool done = false;
    const bool ok = r.run(
        [&](hostdrv::HostPlatform& hp) {
            ndis::NdisHostConfig cfg;
            cfg.pci_device = r.nic.device_number();
            r.host = std::make_unique<ndis::NdisHost>(hp, cfg);
            r.host->set_debug_sink([](uint64_t, const std::string&) {});
            load_error = machine::load_miniport(*r.host, *lib);
            if (!load_error.empty()) return;
            if ((init = r.host->initialize()) != NDIS_STATUS_SUCCESS) return;
            address = r.host->query_oid(OID_802_3_CURRENT_ADDRESS, 6);
            filter = r.host
                         ->set_oid(OID_GEN_CURRENT_PACKET_FILTER,
                                   ulong_le(NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST))
                         .status;
            r.host->send(std::vector<std::vector<uint8_t>>(sent.begin(), sent.begin() + 70));
            ndis::SendLayout crossing;
            crossing.page_offset = 3500;  // every buffer crosses a page: two scatter-gather elements
            r.host->send(std::vector<std::vector<uint8_t>>(sent.begin() + 70, sent.end()), crossing);
            for (const auto& f : directed) r.peer_send(f);
            r.peer_send(dropped[0]);
            done = r.run_until([&] {
                return r.host->send_results().size() == sent.size() && r.peer_rx.size() == sent.size() &&
                       r.host->received().size() == directed.size();
            });
            r.host->run_for_ns(200'000);  // time for a frame that should not arrive
            xmit_ok = r.host->query_oid(OID_GEN_XMIT_OK, 4);
            rcv_ok = r.host->query_oid(OID_GEN_RCV_OK, 4);
            r.host->halt();
        },
        sc_time(2, SC_SEC));
    REQUIRE(ok);
    INFO("NDIS violations: " << r.ndis_violations());
    REQUIRE(load_error.empty());
    REQUIRE(init == NDIS_STATUS_SUCCESS);
    REQUIRE(done);

    INFO("a serialized NDIS 5.0 bus master: MiniportSend, no NDIS_ATTRIBUTE_DESERIALIZE");
    CHECK(r.host->characteristics().MajorNdisVersion == 5);
    CHECK(r.host->characteristics().MinorNdisVersion == 0);
    CHECK(r.host->characteristics().SendHandler != nullptr);
    CHECK((r.host->attribute_flags() & NDIS_ATTRIBUTE_BUS_MASTER) != 0);
    CHECK((r.host->attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE) == 0);

    CHECK(address.status == NDIS_STATUS_SUCCESS);
    CHECK(address.data == std::vector<uint8_t>(mac, mac + 6));
    CHECK(filter == NDIS_STATUS_SUCCESS);

    for (size_t i = 0; i < sent.size(); ++i) {
        INFO("send " << i);
        CHECK(r.host->send_results()[i].status == NDIS_STATUS_SUCCESS);
        CHECK(wire_payload(r.peer_rx[i]) == sent[i]);
    }
    REQUIRE(r.host->received().size() == directed.size());
    for (size_t i = 0; i < directed.size(); ++i) {
        INFO("receive " << i);
        CHECK_FALSE(r.host->received()[i].via_packet);
        CHECK(r.host->received()[i].bytes == directed[i]);
        CHECK(r.host->received()[i].packet_size == directed[i].size() - 14);
    }
    CHECK(le_ulong(xmit_ok.data) == sent.size());
    CHECK(le_ulong(rcv_ok.data) == directed.size());

    INFO("the driver's DbgPrint of its address reached the log");
    char line[64];
    std::snprintf(line, sizeof line, "e1000c: %02x:%02x:%02x:%02x:%02x:%02x, link up", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    REQUIRE_FALSE(r.host->debug_output().empty());
    CHECK(r.host->debug_output().back() == line);
    r.no_violations();
}

}  // namespace

TEST_CASE("The example miniport built with the CMake package runs traffic both ways and halts cleanly", "[byo][e2e]") {
    run_example("cmake");
}

TEST_CASE("The example miniport built with cc and pkg-config runs traffic both ways and halts cleanly", "[byo][e2e]") {
    run_example("cc");
}
