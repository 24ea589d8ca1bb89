// The DDK headers as a C99 driver source sees them (ddk_layout.c, built with only the DDK include directory):
// structure sizes and offsets, the version macros, and constant values, each compared with what the NDIS 5.1 DDK
// documentation gives for 64-bit Windows. Sizes follow from the documented member lists under LLP64 (pointers 8
// bytes, ULONG 4) and, for CM_PARTIAL_RESOURCE_DESCRIPTOR, the DDK's 4-byte packing of resource descriptors.
#include <catch2/catch.hpp>

#include <map>
#include <string>

extern "C" {
struct ddk_fact {
    const char* name;
    unsigned long long value;
};
const ddk_fact* nicsim_ddk_facts(unsigned* count);
const ddk_fact* nicsim_ddk50_facts(unsigned* count);
}

namespace {

std::map<std::string, unsigned long long> facts(const ddk_fact* (*get)(unsigned*)) {
    unsigned n = 0;
    const ddk_fact* f = get(&n);
    std::map<std::string, unsigned long long> m;
    for (unsigned i = 0; i < n; ++i) m[f[i].name] = f[i].value;
    return m;
}

void expect(const std::map<std::string, unsigned long long>& seen,
            const std::map<std::string, unsigned long long>& documented) {
    for (const auto& [name, value] : documented) {
        INFO(name);
        REQUIRE(seen.count(name) == 1);
        CHECK(seen.at(name) == value);
    }
}

}  // namespace

TEST_CASE("Structure layouts match the DDK's, including the 4-byte packed resource descriptor", "[byo][ddk]") {
    expect(facts(nicsim_ddk_facts),
           {
               // UCHAR Type, UCHAR ShareDisposition, USHORT Flags, then the union at 4 under #pragma pack(4).
               {"sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR)", 20},
               {"FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u)", 4},
               {"FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Affinity)", 12},
               {"FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory.Length)", 12},
               {"FIELD_OFFSET(CM_PARTIAL_RESOURCE_LIST, PartialDescriptors)", 8},
               // ULONG Flags + three NDIS_DEVICE_POWER_STATE (enums, 4 bytes).
               {"sizeof(NDIS_PNP_CAPABILITIES)", 16},
               {"FIELD_OFFSET(NDIS_PNP_CAPABILITIES, WakeUpCapabilities)", 4},
               {"sizeof(NDIS_PM_WAKE_UP_CAPABILITIES)", 12},
               // 3.0: two UCHARs, USHORT, UINT, 13 handlers; 4.0 adds 3, 5.0 adds 6 CO handlers, 5.1 adds 3 + 4
               // reserved pointers.
               {"sizeof(NDIS30_MINIPORT_CHARACTERISTICS)", 8 + 13 * 8},
               {"sizeof(NDIS40_MINIPORT_CHARACTERISTICS)", 8 + 16 * 8},
               {"sizeof(NDIS50_MINIPORT_CHARACTERISTICS)", 8 + 22 * 8},
               {"sizeof(NDIS51_MINIPORT_CHARACTERISTICS)", 8 + 29 * 8},
               {"FIELD_OFFSET(NDIS51_MINIPORT_CHARACTERISTICS, SendHandler)", 8 + 10 * 8},
               {"FIELD_OFFSET(NDIS51_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler)", 8 + 22 * 8},
               {"sizeof(UNICODE_STRING)", 16},
               {"FIELD_OFFSET(UNICODE_STRING, Buffer)", 8},
               {"sizeof(LIST_ENTRY)", 16},
               {"sizeof(LARGE_INTEGER)", 8},
               // x64 DRIVER_OBJECT is 0x150 bytes: 14 members then MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1 = 28].
               {"sizeof(DRIVER_OBJECT)", 0x150},
               {"FIELD_OFFSET(DRIVER_OBJECT, DriverExtension)", 0x30},
               {"FIELD_OFFSET(DRIVER_OBJECT, DriverName)", 0x38},
               {"FIELD_OFFSET(DRIVER_OBJECT, MajorFunction)", 0x70},
               {"sizeof(struct packed1)", 5},
               {"sizeof(struct packed2)", 6},
               {"sizeof(struct packed4)", 12},
               {"sizeof(struct packed2_again)", 6},
               {"sizeof(struct natural)", 16},
               {"sizeof(UINT64)", 8},
               {"sizeof(ULONG64)", 8},
               {"sizeof(SIZE_T)", 8},
               {"sizeof(NTSTATUS)", 4},
               {"sizeof(KIRQL)", 1},
               {"ARRAYSIZE(Seven)", 7},
               {"RTL_NUMBER_OF(Seven)", 7},
           });
}

TEST_CASE("NDIS50_MINIPORT selects the 5.0 characteristics; the default is 5.1", "[byo][ddk]") {
    expect(facts(nicsim_ddk_facts), {{"NDIS_MINIPORT_MAJOR_VERSION", 5},
                                     {"NDIS_MINIPORT_MINOR_VERSION", 1},
                                     {"sizeof(NDIS_MINIPORT_CHARACTERISTICS)", 8 + 29 * 8}});
    expect(facts(nicsim_ddk50_facts), {{"NDIS_MINIPORT_MAJOR_VERSION", 5},
                                       {"NDIS_MINIPORT_MINOR_VERSION", 0},
                                       {"sizeof(NDIS_MINIPORT_CHARACTERISTICS)", 8 + 22 * 8}});
}

TEST_CASE("IRQLs, packet filter bits, OIDs and flags have the DDK's values", "[byo][ddk]") {
    expect(facts(nicsim_ddk_facts), {
                                        {"PASSIVE_LEVEL", 0},
                                        {"APC_LEVEL", 1},
                                        {"DISPATCH_LEVEL", 2},
                                        {"HIGH_LEVEL", 15},
                                        {"NDIS_PACKET_TYPE_DIRECTED", 0x1},
                                        {"NDIS_PACKET_TYPE_MULTICAST", 0x2},
                                        {"NDIS_PACKET_TYPE_ALL_MULTICAST", 0x4},
                                        {"NDIS_PACKET_TYPE_BROADCAST", 0x8},
                                        {"NDIS_PACKET_TYPE_SOURCE_ROUTING", 0x10},
                                        {"NDIS_PACKET_TYPE_PROMISCUOUS", 0x20},
                                        {"NDIS_PACKET_TYPE_SMT", 0x40},
                                        {"NDIS_PACKET_TYPE_ALL_LOCAL", 0x80},
                                        {"NDIS_PACKET_TYPE_GROUP", 0x1000},
                                        {"NDIS_PACKET_TYPE_ALL_FUNCTIONAL", 0x2000},
                                        {"NDIS_PACKET_TYPE_FUNCTIONAL", 0x4000},
                                        {"NDIS_PACKET_TYPE_MAC_FRAME", 0x8000},
                                        {"OID_GEN_SUPPORTED_LIST", 0x00010101},
                                        {"OID_GEN_TRANSPORT_HEADER_OFFSET", 0x00010119},
                                        {"OID_GEN_MACHINE_NAME", 0x0001021A},
                                        {"OID_GEN_VLAN_ID", 0x0001021C},
                                        {"OID_GEN_MEDIA_CAPABILITIES", 0x00010201},
                                        {"OID_GEN_PHYSICAL_MEDIUM", 0x00010202},
                                        {"OID_GEN_RCV_NO_BUFFER", 0x00020105},
                                        {"OID_GEN_RESET_VERIFY_PARAMETERS", 0x00020218},
                                        {"OID_GEN_CO_MINIMUM_LINK_SPEED", 0x00020120},
                                        {"OID_802_3_XMIT_LATE_COLLISIONS", 0x01020207},
                                        {"OID_802_11_BSSID", 0x0D010101},
                                        {"OID_802_11_INFRASTRUCTURE_MODE", 0x0D010108},
                                        {"OID_802_11_BSSID_LIST", 0x0D010217},
                                        {"OID_802_11_STATISTICS", 0x0D020212},
                                        {"OID_802_11_ENCRYPTION_STATUS", 0x0D01011B},
                                        {"OID_PNP_CAPABILITIES", 0xFD010100},
                                        {"OID_PNP_ENABLE_WAKE_UP", 0xFD010106},
                                        {"OID_PNP_WAKE_UP_ERROR", 0xFD020201},
                                        {"OID_TCP_TASK_OFFLOAD", 0xFC010201},
                                        {"OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA", 0xFC010206},
                                        {"NDIS_MINIPORT_BUS_MASTER", 0x1},
                                        {"NDIS_MINIPORT_DESERIALIZE", 0x800},
                                        {"NDIS_MINIPORT_64BITS_DMA", 0x01000000},
                                        {"NdisDeviceStateD3", 4},
                                        {"(ULONG)STATUS_INSUFFICIENT_RESOURCES", 0xC000009Aull},
                                        {"NT_SUCCESS(STATUS_INSUFFICIENT_RESOURCES)", 0},
                                        {"NT_ERROR(STATUS_INSUFFICIENT_RESOURCES)", 1},
                                        {"NT_SUCCESS(STATUS_PENDING)", 1},
                                    });
}

TEST_CASE("Interlocked, list and Rtl helpers behave as documented in C", "[byo][ddk]") {
    INFO("each bit is one documented result (old value returned, new value stored, list order)");
    expect(facts(nicsim_ddk_facts),
           {{"interlocked_results()", 0xFF}, {"list_results()", 0x1F}, {"rtl_results()", 0x1F}});
}
