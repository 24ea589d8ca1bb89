// What NDIS asks a miniport between MiniportInitialize and binding protocols (NdisHost::start_queries), checked
// against the OID numbers the NDIS 5.1 DDK gives (ntddndis.h) and the order NDIS 5.x uses: the fake miniport
// records every query and the IRQL it ran at.
#include <catch2/catch.hpp>

#include "testbench/tests/ndis/ndis_rig.h"

using namespace nicsim::test;

TEST_CASE("After MiniportInitialize NDIS queries the start OIDs in order at DISPATCH_LEVEL and keeps the answers",
          "[ndis][start]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.answer_start_oids = true;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    REQUIRE(rig.host.start_queries() == NDIS_STATUS_SUCCESS);
    // OID_GEN_MAC_OPTIONS, OID_802_3_CURRENT_ADDRESS, OID_GEN_MAXIMUM_LOOKAHEAD, OID_GEN_CURRENT_LOOKAHEAD,
    // OID_GEN_MAXIMUM_SEND_PACKETS (a MiniportSendPackets driver), OID_802_3_MAXIMUM_LIST_SIZE,
    // OID_GEN_MEDIA_CONNECT_STATUS, OID_PNP_CAPABILITIES.
    const std::vector<NDIS_OID> expected = {0x00010113, 0x01010102, 0x00010105, 0x0001010F,
                                            0x00010115, 0x01010104, 0x00010114, 0xFD010100};
    CHECK(g_state.queried == expected);
    CHECK(rig.host.adapter_info().oids == expected);
    for (KIRQL irql : g_state.query_irql) CHECK(irql == 2);  // DISPATCH_LEVEL
    const nicsim::ndis::AdapterInfo& info = rig.host.adapter_info();
    CHECK(info.queried);
    CHECK(info.mac_options == 0x8);  // NDIS_MAC_OPTION_NO_LOOPBACK
    CHECK(info.current_address == std::vector<uint8_t>{0x02, 0x11, 0x22, 0x33, 0x44, 0x55});
    CHECK(info.maximum_lookahead == 1500);
    CHECK(info.current_lookahead == 256);
    CHECK(info.maximum_send_packets == 3);
    CHECK(info.maximum_list_size == 32);
    CHECK_FALSE(info.media_connected);
    INFO("OID_PNP_CAPABILITIES not answered: a legacy miniport that is not PM-aware, no violation");
    CHECK_FALSE(info.pm_aware);
    CHECK(rig.host.violations().empty());
    INFO("a media-connect indication updates the state NDIS keeps");
    NdisMIndicateStatus(fake_adapter_handle(), NDIS_STATUS_MEDIA_CONNECT, nullptr, 0);
    CHECK(rig.host.adapter_info().media_connected);
}

TEST_CASE("NDIS hands MiniportSendPackets at most OID_GEN_MAXIMUM_SEND_PACKETS packets per call", "[ndis][start]") {
    Rig rig;
    g_script = MiniportScript{};
    g_script.answer_start_oids = true;
    g_script.complete_in_send = true;
    g_script.max_send_packets = 3;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    REQUIRE(rig.host.start_queries() == NDIS_STATUS_SUCCESS);
    std::vector<std::vector<uint8_t>> frames;
    for (uint8_t i = 0; i < 7; ++i) frames.push_back(pattern(80 + i, i));
    rig.host.send(frames);
    CHECK(g_state.packets_per_call == std::vector<UINT>{3, 3, 1});
    REQUIRE(rig.host.send_results().size() == 7);
    INFO("serialized: the queue goes over in the same slices");
    Rig rig2;
    g_script.attr_flags = NDIS_ATTRIBUTE_BUS_MASTER;
    g_script.complete_in_send = false;
    REQUIRE(rig2.start() == NDIS_STATUS_SUCCESS);
    REQUIRE(rig2.host.start_queries() == NDIS_STATUS_SUCCESS);
    rig2.host.send(frames);
    CHECK(g_state.packets_per_call == std::vector<UINT>{3, 3, 1});
    CHECK(rig2.host.send_results().size() == 7);
}

TEST_CASE("A start OID NDIS needs that the miniport refuses is a named violation and the miniport is halted",
          "[ndis][start]") {
    expect_reports("nicsim/ndis/start-query", 1);
    Rig rig;
    g_script = MiniportScript{};
    g_script.answer_start_oids = true;
    g_script.refuse_oid = OID_802_3_MAXIMUM_LIST_SIZE;
    REQUIRE(rig.start() == NDIS_STATUS_SUCCESS);
    CHECK(rig.host.start_queries() == NDIS_STATUS_FAILURE);
    REQUIRE(rig.host.violations().size() == 1);
    CHECK(rig.host.violations()[0].message ==
          "OID_802_3_MAXIMUM_LIST_SIZE (0x01010104) answered 0xC0010017: NDIS needs it to start the adapter");
    CHECK(g_state.halts == 1);
    CHECK_FALSE(rig.host.adapter_running());
    INFO("an optional one (OID_GEN_MAXIMUM_SEND_PACKETS) refused: one packet per call, no violation");
    Rig rig2;
    g_script.refuse_oid = OID_GEN_MAXIMUM_SEND_PACKETS;
    g_script.complete_in_send = true;
    REQUIRE(rig2.start() == NDIS_STATUS_SUCCESS);
    REQUIRE(rig2.host.start_queries() == NDIS_STATUS_SUCCESS);
    CHECK(rig2.host.adapter_info().maximum_send_packets == 1);
    rig2.host.send({pattern(90), pattern(91)});
    CHECK(g_state.packets_per_call == std::vector<UINT>{1, 1});
    CHECK(rig2.host.violations().empty());
}
