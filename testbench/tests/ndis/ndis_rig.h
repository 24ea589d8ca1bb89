// The NDIS layer on the fake platform with the scriptable miniport loaded; violations become SystemC warnings so
// the test runner fails any test that did not declare them (nicsim::test::expect_reports).
#pragma once

#include <systemc>

#include "hostdrv/ndis/ndis_host.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/ndis/fake_miniport.h"
#include "testbench/tests/ndis/fake_platform.h"

namespace nicsim::test {

inline ndis::NdisHostConfig rig_config() {
    ndis::NdisHostConfig cfg;
    cfg.pci_device = FakePlatform::kDevice;
    return cfg;
}

struct Rig {
    FakePlatform plat;
    ndis::NdisHost host;
    explicit Rig(const ndis::NdisHostConfig& cfg = rig_config()) : host(plat, cfg) {
        host.set_report_sink(
            [](const std::string& type, const std::string& msg) { SC_REPORT_WARNING(type.c_str(), msg.c_str()); });
    }
    /// Loads the fake miniport (script in g_script) and starts the adapter.
    NDIS_STATUS start() {
        g_state = MiniportState{};
        const NDIS_STATUS st = host.load_driver(fake_driver_entry);
        if (st != NDIS_STATUS_SUCCESS) return st;
        return host.initialize();
    }
    const SgSeen& last_seen() const { return g_state.seen.back(); }
};

inline std::vector<uint8_t> pattern(size_t n, uint8_t seed = 1) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
    return v;
}

/// The bytes the device would read by walking an SG list.
inline std::vector<uint8_t> gather(FakeMemory& mem, const std::vector<SCATTER_GATHER_ELEMENT>& elems) {
    std::vector<uint8_t> out;
    for (const SCATTER_GATHER_ELEMENT& e : elems) {
        auto b = mem.bytes(static_cast<uint64_t>(e.Address.QuadPart), e.Length);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

constexpr uint64_t k4G = 0x1'0000'0000ull;

}  // namespace nicsim::test
