// The recycled blocks behind NDIS packets, MDLs and scatter-gather lists: a block used, freed and taken again reads as
// freshly allocated memory, and a deque queue on BlockAllocator keeps its elements through many chunks.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <deque>

#include "hostdrv/ndis/block_recycler.h"
#include "hostdrv/ndis/ndis.h"

using nicsim::ndis::BlockAllocator;
using nicsim::ndis::free_block;
using nicsim::ndis::zalloc_block;

TEST_CASE("a block freed dirty and allocated again comes back zeroed, at every size", "[ndis][api]") {
    for (size_t bytes : {1u, 63u, 64u, 200u, 1024u, 1025u, 5000u}) {
        INFO(bytes << " bytes");
        auto* a = static_cast<unsigned char*>(zalloc_block(bytes));
        REQUIRE(a != nullptr);
        std::memset(a, 0xA5, bytes);
        free_block(a);
        auto* b = static_cast<unsigned char*>(zalloc_block(bytes));
        REQUIRE(b != nullptr);
        size_t nonzero = 0;
        for (size_t i = 0; i < bytes; ++i) nonzero += b[i] != 0;
        CHECK(nonzero == 0);
        free_block(b);
    }
    free_block(nullptr);  // as free(nullptr)
}

TEST_CASE("a packet freed and allocated again has no buffers, status or per-packet info left", "[ndis][api]") {
    NDIS_STATUS st;
    NDIS_HANDLE pp = nullptr;
    NdisAllocatePacketPool(&st, &pp, 2, 16);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    PNDIS_PACKET p = nullptr;
    NdisAllocatePacket(&st, &p, pp);
    REQUIRE(st == NDIS_STATUS_SUCCESS);
    // ProtocolReserved is declared as one byte; the pool made room for 16.
    auto reserved = [](PNDIS_PACKET x) {
        return reinterpret_cast<unsigned char*>(x) + offsetof(NDIS_PACKET, ProtocolReserved);
    };
    NDIS_SET_PACKET_STATUS(p, NDIS_STATUS_RESOURCES);
    std::memset(reserved(p), 0x5A, 16);
    NDIS_PER_PACKET_INFO_FROM_PACKET(p, ScatterGatherListPacketInfo) = p;
    NdisFreePacket(p);
    for (int i = 0; i < 3; ++i) {
        PNDIS_PACKET q = nullptr;
        NdisAllocatePacket(&st, &q, pp);
        REQUIRE(st == NDIS_STATUS_SUCCESS);
        CHECK(NDIS_GET_PACKET_STATUS(q) == NDIS_STATUS_SUCCESS);
        CHECK(reserved(q)[0] == 0);
        CHECK(reserved(q)[15] == 0);
        CHECK(NDIS_PER_PACKET_INFO_FROM_PACKET(q, ScatterGatherListPacketInfo) == nullptr);
        CHECK(q->Private.Head == nullptr);
        NDIS_SET_PACKET_STATUS(q, NDIS_STATUS_FAILURE);
        NdisFreePacket(q);
    }
    NdisFreePacketPool(pp);
}

TEST_CASE("a deque on BlockAllocator used as a queue keeps its elements in order", "[ndis][api]") {
    std::deque<uint64_t, BlockAllocator<uint64_t>> q;
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 2000; ++round) {
        for (int i = 0; i < 3; ++i) q.push_back(next_in++);
        for (int i = 0; i < 2 && !q.empty(); ++i) {
            REQUIRE(q.front() == next_out++);
            q.pop_front();
        }
    }
    CHECK(q.size() == next_in - next_out);
    CHECK(q.back() == next_in - 1);
}
