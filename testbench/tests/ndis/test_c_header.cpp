// ndis.h as a C header: c_api.c is compiled as C99 and calls the library; C and C++ agree on the layouts.
#include <catch2/catch.hpp>

#include <cstddef>

#include "testbench/tests/ndis/ndis_rig.h"

extern "C" {
int nicsim_c_api_check(void* data, unsigned length);
unsigned long nicsim_c_sizeof_sg_element(void);
unsigned long nicsim_c_offsetof_sg_elements(void);
unsigned long nicsim_c_sizeof_characteristics(void);
}

using namespace nicsim::test;

TEST_CASE("ndis.h compiles as C99 and a C file builds and queries packets through the NDIS functions", "[ndis][c]") {
    Rig rig;  // a current NdisHost for the buffer's physical pages
    std::vector<uint8_t> data = pattern(300);
    INFO("each bit set names a failed check inside the C code");
    CHECK(nicsim_c_api_check(data.data(), static_cast<unsigned>(data.size())) == 0);
}

TEST_CASE("C and C++ see the DDK layouts of SCATTER_GATHER_LIST and the 5.1 characteristics", "[ndis][c]") {
    INFO("SCATTER_GATHER_ELEMENT { PHYSICAL_ADDRESS Address; ULONG Length; ULONG_PTR Reserved; } is 24 bytes on x64");
    CHECK(nicsim_c_sizeof_sg_element() == sizeof(SCATTER_GATHER_ELEMENT));
    CHECK(sizeof(SCATTER_GATHER_ELEMENT) == 8 + 8 + sizeof(ULONG_PTR));
    CHECK(offsetof(SCATTER_GATHER_ELEMENT, Length) == 8);
    INFO("SCATTER_GATHER_LIST { ULONG NumberOfElements; ULONG_PTR Reserved; Elements[] }");
    CHECK(nicsim_c_offsetof_sg_elements() == offsetof(SCATTER_GATHER_LIST, Elements));
    CHECK(offsetof(SCATTER_GATHER_LIST, Reserved) == sizeof(ULONG_PTR));
    CHECK(nicsim_c_sizeof_characteristics() == sizeof(NDIS_MINIPORT_CHARACTERISTICS));
    INFO("the 5.1 characteristics extend the 5.0 ones, which extend 4.0 and 3.0");
    CHECK(offsetof(NDIS51_MINIPORT_CHARACTERISTICS, ReturnPacketHandler) == sizeof(NDIS30_MINIPORT_CHARACTERISTICS));
    CHECK(offsetof(NDIS51_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler) ==
          sizeof(NDIS50_MINIPORT_CHARACTERISTICS));
    INFO("status values as documented");
    CHECK(NDIS_STATUS_PENDING == 0x103);
    CHECK(static_cast<uint32_t>(NDIS_STATUS_FAILURE) == 0xC0000001u);
    CHECK(NDIS_STATUS_MEDIA_CONNECT == 0x4001000B);
    CHECK(NDIS_STATUS_MEDIA_DISCONNECT == 0x4001000C);
    CHECK(sizeof(ULONG) == 4);
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = 0x1'2345'6789LL;
    CHECK(pa.LowPart == 0x23456789u);
    CHECK(pa.HighPart == 1);
}
