// The --pcap-in board on its own: the frames sent and indicated are written out in each case, and the counts and
// the problem line are what the case works out by hand.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "hostdrv/ndis/ndis.h"
#include "testbench/checkers/pcap_in_board.h"

using namespace nicsim::tb;

namespace {

using Bytes = std::vector<uint8_t>;

/// A 60-byte frame whose bytes all derive from `n` (no two values of n give the same frame).
Bytes frame(uint8_t n, size_t len = 60) {
    Bytes f(len);
    for (size_t i = 0; i < len; ++i) f[i] = static_cast<uint8_t>(n * 31 + i);
    return f;
}

void expect(PcapInBoard& b, const Bytes& f) {
    b.expect(f.data(), f.size());
}
void observe(PcapInBoard& b, const Bytes& f, uintptr_t tag = 0) {
    b.observe(f.data(), f.size(), tag);
}

}  // namespace

TEST_CASE("pcap-in board: frames indicated as sent are intact, the ones a later frame overtook are passed over",
          "[checkers][pcap]") {
    PcapInBoard b;
    for (uint8_t n = 0; n < 5; ++n) expect(b, frame(n));
    observe(b, frame(0));
    observe(b, frame(2));  // frame 1 was filtered by the NIC
    observe(b, frame(3));
    CHECK(b.counts().sent == 5);
    CHECK(b.counts().intact == 3);
    CHECK(b.counts().corrupted == 0);
    CHECK(b.counts().passed_over == 1);
    INFO("frame 4 is still held: not indicated either");
    CHECK(b.not_indicated() == 2);
    CHECK(b.first_problem().empty());
}

TEST_CASE("pcap-in board: a cut, altered, repeated or earlier frame is corrupted", "[checkers][pcap]") {
    PcapInBoard b;
    for (uint8_t n = 0; n < 3; ++n) expect(b, frame(n, 100));
    Bytes cut = frame(0, 100);
    cut.resize(64);
    observe(b, cut);
    CHECK(b.counts().corrupted == 1);
    CHECK(b.first_problem() ==
          "a frame of 64 bytes indicated is none of the frames sent and not yet indicated; pcap frame 1 (100 bytes, "
          "the next not indicated) is its prefix or extension");
    Bytes altered = frame(0, 100);
    altered[40] ^= 1;
    observe(b, altered);
    CHECK(b.counts().corrupted == 2);
    observe(b, frame(1, 100));
    observe(b, frame(1, 100));  // indicated twice
    observe(b, frame(0, 100));  // after frame 1: out of order
    CHECK(b.counts().intact == 1);
    CHECK(b.counts().corrupted == 4);
    INFO("the first problem stays the first one");
    CHECK_THAT(b.first_problem(), Catch::StartsWith("a frame of 64 bytes"));
}

TEST_CASE("pcap-in board: the first corrupted frame is named by where it differs", "[checkers][pcap]") {
    PcapInBoard b;
    expect(b, frame(7));
    expect(b, frame(8));
    observe(b, frame(7));
    Bytes f = frame(8);
    f[17] = static_cast<uint8_t>(f[17] + 1);
    observe(b, f);
    CHECK(b.first_problem() ==
          "a frame of 60 bytes indicated is none of the frames sent and not yet indicated; pcap frame 2 (60 bytes, "
          "the next not indicated) differs from byte 17");
}

TEST_CASE("pcap-in board: an 802.1Q tag may reach the driver out of band, with its fields", "[checkers][pcap]") {
    // Priority 5, CFI 0, VLAN 0x123: TCI 0xA123 on the wire; Ieee8021QInfo holds priority in bits 0-2, CFI in
    // bit 3 and the VLAN ID in bits 4-15: 5 | 0x123 << 4 = 0x1235.
    Bytes tagged = frame(3, 64);
    tagged[12] = 0x81;
    tagged[13] = 0x00;
    tagged[14] = 0xA1;
    tagged[15] = 0x23;
    Bytes stripped(tagged.begin(), tagged.begin() + 12);
    stripped.insert(stripped.end(), tagged.begin() + 16, tagged.end());
    REQUIRE(stripped.size() == 60);

    PcapInBoard b;
    expect(b, tagged);
    expect(b, tagged);
    expect(b, tagged);
    SECTION("with the tag's fields in Ieee8021QInfo: intact") {
        observe(b, stripped, 0x1235);
        observe(b, tagged);  // or left in the frame
        CHECK(b.counts().intact == 2);
        CHECK(b.counts().tag_out_of_band == 1);
        CHECK(b.counts().corrupted == 0);
    }
    SECTION("without it, or with other fields: corrupted") {
        observe(b, stripped);
        observe(b, stripped, 0x1234);  // priority 4
        observe(b, stripped, 0x1225);  // VLAN 0x122
        CHECK(b.counts().intact == 0);
        CHECK(b.counts().corrupted == 3);
    }
}

TEST_CASE("pcap-in board: memory stays bounded when nothing is indicated", "[checkers][pcap]") {
    PcapInBoard b;
    const size_t extra = 10;
    for (size_t i = 0; i < PcapInBoard::kWindow + extra; ++i) expect(b, frame(static_cast<uint8_t>(i)));
    CHECK(b.counts().passed_over == extra);
    CHECK(b.not_indicated() == PcapInBoard::kWindow + extra);
}

TEST_CASE("pcap-in board: the DDK's NDIS_PACKET_8021Q_INFO puts the tag's fields where the board reads them",
          "[checkers][pcap]") {
    NDIS_PACKET_8021Q_INFO info{};
    info.TagHeader.UserPriority = 5;
    info.TagHeader.VlanId = 0x123;
    CHECK(reinterpret_cast<uintptr_t>(info.Value) == 0x1235u);
    info.TagHeader.CanonicalFormatId = 1;
    CHECK(reinterpret_cast<uintptr_t>(info.Value) == 0x123Du);
}
