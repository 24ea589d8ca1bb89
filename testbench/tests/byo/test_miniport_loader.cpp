// The miniport loader: every way a shared object can fail to become a registered miniport ends in the one line
// that names the file and the cause; a good one gets a DDK driver object and registry path; the same file loaded
// for two machines gives each its own image. Then the kernel runtime behind wdm.h: DbgPrint lines with the
// simulated time, ASSERT and DbgBreakPoint as driver faults with file and line, IRQL rules as violations.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <string>

#include "hostdrv/ndis/ndis_host.h"
#include "testbench/machine/miniport_loader.h"
#include "testbench/tests/ndis/fake_platform.h"

using nicsim::machine::load_miniport;
using nicsim::machine::MiniportLibrary;
using nicsim::test::FakePlatform;

namespace {

std::string fixture(const std::string& kind) {
    return std::string(NICSIM_BYO_DRIVERS) + "/byo_" + kind + ".so";
}

struct Host {
    FakePlatform plat;
    nicsim::ndis::NdisHost host;
    Host() : host(plat, config()) {
        host.set_debug_sink([](uint64_t, const std::string&) {});
    }
    static nicsim::ndis::NdisHostConfig config() {
        nicsim::ndis::NdisHostConfig cfg;
        cfg.pci_device = FakePlatform::kDevice;
        return cfg;
    }
};

std::string open_error(const std::string& path) {
    std::string error;
    auto lib = MiniportLibrary::open(path, error);
    CHECK(lib == nullptr);
    return error;
}

}  // namespace

TEST_CASE("A missing file, a file that is no shared object and a missing NDIS name each get one line",
          "[byo][loader]") {
    const std::string missing = fixture("does_not_exist");
    CHECK(open_error(missing) == missing + ": no such file");

    const std::string text = std::string(NICSIM_BYO_DRIVERS) + "/not_a_driver.so";
    std::ofstream(text) << "this is text, not ELF\n";
    const std::string e = open_error(text);
    CHECK(e.rfind(text + ": not a loadable shared object (", 0) == 0);
    CHECK(e.find('\n') == std::string::npos);

    const std::string needs = fixture("needs_missing");
    CHECK(open_error(needs) == needs + ": needs NdisNicsimNoSuchFunction, which nicsim does not provide");
}

TEST_CASE("A shared object without DriverEntry is refused by name", "[byo][loader]") {
    const std::string path = fixture("no_entry");
    CHECK(open_error(path) ==
          path + ": exports no DriverEntry (NTSTATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) with C linkage)");
}

TEST_CASE("DriverEntry failing names its status; returning success without registering is refused", "[byo][loader]") {
    std::string error;
    {
        const std::string path = fixture("entry_fails");
        auto lib = MiniportLibrary::open(path, error);
        REQUIRE(lib);
        Host h;
        CHECK(load_miniport(h.host, *lib) == path + ": DriverEntry failed with NDIS_STATUS_FAILURE (0xc0000001)");
    }
    {
        const std::string path = fixture("never_registers");
        auto lib = MiniportLibrary::open(path, error);
        REQUIRE(lib);
        Host h;
        CHECK(load_miniport(h.host, *lib) ==
              path + ": DriverEntry returned success without registering a miniport (NdisMRegisterMiniport)");
        CHECK_FALSE(h.host.miniport_registered());
    }
}

TEST_CASE("DriverEntry receives a driver object and the registry path as a UNICODE_STRING", "[byo][loader]") {
    std::string error;
    auto lib = MiniportLibrary::open(fixture("faults"), error);
    REQUIRE(lib);
    CHECK(lib->name() == "byo_faults");
    Host h;
    CHECK(load_miniport(h.host, *lib).empty());
    CHECK(h.host.miniport_registered());
    INFO("IO_TYPE_DRIVER is 4; the path is what NdisHost documents");
    const std::string expected = "fixture: driver object type 4 size " + std::to_string(sizeof(DRIVER_OBJECT)) +
                                 ", registry path \\Registry\\Machine\\System\\CurrentControlSet\\Services\\nicsim";
    REQUIRE(h.host.debug_output().size() == 1);
    CHECK(h.host.debug_output()[0] == expected);
    CHECK(h.host.violations().empty());
}

TEST_CASE("The same file loaded for two machines gives each its own image", "[byo][loader]") {
    std::string error;
    auto first = MiniportLibrary::open(fixture("faults"), error);
    auto second = MiniportLibrary::open(fixture("faults"), error);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->driver_entry() != second->driver_entry());
    CHECK(second->name() == "byo_faults");
}

TEST_CASE("DbgPrint and KdPrint lines carry the simulated time; ASSERT, DbgBreakPoint and IRQL rules are faults",
          "[byo][runtime]") {
    std::string error;
    auto lib = MiniportLibrary::open(fixture("faults"), error);
    REQUIRE(lib);
    Host h;
    std::vector<std::pair<uint64_t, std::string>> lines;
    h.host.set_debug_sink([&](uint64_t t, const std::string& l) { lines.emplace_back(t, l); });
    REQUIRE(load_miniport(h.host, *lib).empty());
    const uint64_t before = h.plat.now_ns();
    CHECK(h.host.initialize() == NDIS_STATUS_FAILURE);

    REQUIRE(lines.size() == 5);
    CHECK(lines[1].second == "fixture: initialize at IRQL 0 (one line from two calls)");
    CHECK(lines[1].first >= before);
    CHECK(lines[2].second == "fixture: KdPrint 7");
    CHECK(lines[3].second == "fixture: 4000000000 123456789abc wide wide ansi 7 [42  ] %");
    INFO("a spin lock raises to DISPATCH_LEVEL (2)");
    CHECK(lines[4].second == "fixture: under the lock at IRQL 2");

    const auto& v = h.host.violations();
    REQUIRE(v.size() == 3);
    CHECK(v[0].type == "nicsim/ndis/driver-assert");
    CHECK(std::regex_match(v[0].message, std::regex(".*fixture_driver\\.c:[0-9]+: ASSERT\\(MediumArraySize == "
                                                    "1000\\) failed")));
    CHECK(v[1].type == "nicsim/ndis/driver-break");
    CHECK(std::regex_match(v[1].message, std::regex("DbgBreakPoint at .*fixture_driver\\.c:[0-9]+")));
    CHECK(v[2].type == "nicsim/ndis/irql");
    CHECK(v[2].message == "NdisMSleep called at DISPATCH_LEVEL; requires PASSIVE_LEVEL");
}
