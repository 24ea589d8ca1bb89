// RegisterFile on a small table of its own: access types, write masks, byte enables, arrays, 64-bit pairs, hooks and
// the checks that keep a table and its handlers in step.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "model/nic/register_file.h"

using namespace nicsim::nic;

namespace {

constexpr RegisterSpec kRows[] = {
    {"PLAIN", 0x00, 1, 4, 32, Access::RW, 0x11111111u, 0x00FF00FFu, kNoHook, ""},
    {"STAT", 0x04, 1, 4, 32, Access::ReadClear, 0, 0, kNoHook, ""},
    {"RO", 0x08, 1, 4, 32, Access::RO, 0xABCD0000u, 0, kNoHook, ""},
    {"WO", 0x0C, 1, 4, 32, Access::WO, 0, 0xFFFFFFFFu, kNoHook, ""},
    {"ARR", 0x10, 4, 8, 32, Access::RW, 0x5u, 0xFFFFFFFFu, kNoHook, ""},
    {"PAIR", 0x30, 1, 4, 64, Access::ReadClear, 0, 0, kNoHook, ""},
    {"LIVE", 0x38, 1, 4, 32, Access::RW, 0, 0xFFFFFFFFu, kPeek | kPoke | kOnWrite, ""},
};

struct Fixture {
    RegisterFile rf{0x40, kRows, sizeof(kRows) / sizeof(kRows[0])};
    uint32_t live = 0;
    std::vector<uint32_t> writes;  // values the LIVE handler saw
    std::vector<std::pair<uint32_t, uint32_t>> written;
    unsigned unknown = 0;
    Fixture() {
        RegisterFile::Handlers& h = rf.handlers(0x38);
        h.peek = [this] { return live; };
        h.poke = [this](uint32_t v) { live = v; };
        h.on_write = [this](uint32_t v) { writes.push_back(v); };
        rf.events().written = [this](uint32_t off, uint32_t v) { written.emplace_back(off, v); };
        rf.events().unknown = [this](bool, uint32_t, uint32_t) { ++unknown; };
        rf.check_bindings();
        rf.reset();
    }
};

}  // namespace

TEST_CASE("the register file applies access types, write masks and reset values", "[nic][regs]") {
    Fixture f;
    CHECK(f.rf.read(0x00) == 0x11111111u);
    f.rf.write(0x00, 0xFFFFFFFFu);
    CHECK(f.rf.read(0x00) == 0x00FF00FFu);
    REQUIRE(f.written.size() == 1);
    CHECK(f.written[0] == std::make_pair(0x00u, 0x00FF00FFu));
    f.rf.write(0x08, 0);
    CHECK(f.rf.read(0x08) == 0xABCD0000u);
    f.rf.write(0x0C, 0x1234u);
    CHECK(f.rf.read(0x0C) == 0u);
    f.rf.word(0x04) = 9;
    CHECK(f.rf.read(0x04) == 9u);
    CHECK(f.rf.read(0x04) == 0u);
    CHECK(f.written.size() == 1);  // only the RW register told its device
}

TEST_CASE("the register file merges partial writes and lays out arrays and 64-bit pairs", "[nic][regs]") {
    Fixture f;
    f.rf.write(0x18, 0xAABBCCDDu);
    f.rf.write(0x18, 0x00001100u, 0x2);  // byte 1 only
    CHECK(f.rf.read(0x18) == 0xAABB11DDu);
    f.rf.write(0x18, 0xFFFFFFFFu, 0x0);  // no byte enabled: nothing happens
    CHECK(f.rf.read(0x18) == 0xAABB11DDu);
    CHECK(f.rf.read(0x28) == 0x5u);  // fourth array entry at 0x10 + 3 * 8
    CHECK(f.rf.spec(0x14) == nullptr);
    CHECK(f.rf.spec(0x34)->name == std::string("PAIR"));
    CHECK(f.rf.read(0x14) == 0u);
    CHECK(f.unknown == 1);
}

TEST_CASE("hooks take over peek, poke and writes of a register whose state lives elsewhere", "[nic][regs]") {
    Fixture f;
    f.live = 77;
    CHECK(f.rf.peek(0x38) == 77u);
    CHECK(f.rf.read(0x38) == 77u);
    f.rf.poke(0x38, 5);
    CHECK(f.live == 5u);
    f.rf.write(0x38, 0x0000AA00u, 0x2);
    REQUIRE(f.writes.size() == 1);
    CHECK(f.writes[0] == 0x0000AA05u);  // merged with the live value before the handler
    CHECK(f.written.empty());
}

TEST_CASE("a table and its handlers cannot drift apart", "[nic][regs]") {
    RegisterFile rf{0x40, kRows, sizeof(kRows) / sizeof(kRows[0])};
    INFO("LIVE declares peek, poke and on_write; none is bound");
    CHECK_THROWS_AS(rf.check_bindings(), std::logic_error);
    rf.handlers(0x38).peek = [] { return 0u; };
    rf.handlers(0x38).poke = [](uint32_t) {};
    rf.handlers(0x38).on_write = [](uint32_t) {};
    CHECK_NOTHROW(rf.check_bindings());
    rf.handlers(0x00).on_read = [] { return 1u; };
    INFO("PLAIN declares no hook");
    CHECK_THROWS_AS(rf.check_bindings(), std::logic_error);
    CHECK_THROWS_AS(rf.handlers(0x14), std::logic_error);
    const RegisterSpec overlapping[] = {{"A", 0x0, 2, 4, 32, Access::RW, 0, ~0u, kNoHook, ""},
                                        {"B", 0x4, 1, 4, 32, Access::RW, 0, ~0u, kNoHook, ""}};
    CHECK_THROWS_AS(RegisterFile(0x10, overlapping, 2), std::logic_error);
}
