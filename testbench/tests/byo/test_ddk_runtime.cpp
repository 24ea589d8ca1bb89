// The NDIS helpers of ddk_runtime.c (built as a driver is) with an NDIS host current: each result bit is one
// documented behaviour, so the expected value is every bit set.
#include <catch2/catch.hpp>

#include "hostdrv/ndis/ndis_host.h"
#include "testbench/tests/ndis/fake_platform.h"

extern "C" {
ULONG nicsim_ddk_runtime_lists(void);
ULONG nicsim_ddk_runtime_events(void);
ULONG nicsim_ddk_runtime_packets(void);
}

namespace {
struct Host {
    nicsim::test::FakePlatform plat;
    nicsim::ndis::NdisHost host{plat, config()};
    static nicsim::ndis::NdisHostConfig config() {
        nicsim::ndis::NdisHostConfig cfg;
        cfg.pci_device = nicsim::test::FakePlatform::kDevice;
        return cfg;
    }
};
}  // namespace

TEST_CASE("NdisInterlocked list functions return the previous first/last entry and keep the order", "[byo][ddk]") {
    Host h;
    INFO("bit n set = check n held");
    CHECK(nicsim_ddk_runtime_lists() == 0x7F);
    CHECK(h.host.violations().empty());
}

TEST_CASE("NdisWaitEvent returns at once when signaled and after the timeout in simulated time otherwise",
          "[byo][ddk]") {
    Host h;
    const uint64_t before = h.plat.now_ns();
    CHECK(nicsim_ddk_runtime_events() == 0x7);
    CHECK(h.plat.now_ns() - before >= 2'000'000);
    CHECK(h.host.violations().empty());
}

TEST_CASE("Packet copies span buffers, pools count overflow descriptors, NdisStoreUlong is unaligned-safe",
          "[byo][ddk]") {
    Host h;
    CHECK(nicsim_ddk_runtime_packets() == 0x3F);
    CHECK(h.host.violations().empty());
}
