// pcap files: round trip, tshark agreement, and a one-line error for each class of malformed file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "model/wire/pcap_file.h"

using namespace nicsim::wire;

namespace {

std::vector<uint8_t> pattern_frame(size_t len, uint8_t seed) {
    std::vector<uint8_t> f(len);
    for (size_t i = 0; i < len; ++i) f[i] = static_cast<uint8_t>(seed + i * 7);
    return f;
}

std::vector<uint8_t> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void le32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) b.at(at + i) = static_cast<uint8_t>(v >> (8 * i));
}

bool exists(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f) std::fclose(f);
    return f != nullptr;
}

/// A valid two-record file written by the writer, the base the malformed variants are cut from.
std::vector<uint8_t> good_file(const std::string& path) {
    PcapWriter w;
    REQUIRE(w.open(path));
    const auto a = pattern_frame(60, 1), b = pattern_frame(1514, 2);
    REQUIRE(w.write(1000, a.data(), a.size()));
    REQUIRE(w.write(2'000'000'123ull, b.data(), b.size()));
    REQUIRE(w.close());
    return slurp(path);
}

/// Open `bytes` as a pcap and read it to the end; the error, or "" when the whole file read cleanly.
std::string read_error(const std::string& path, const std::vector<uint8_t>& bytes) {
    spit(path, bytes);
    PcapReader r;
    if (!r.open(path)) return r.error();
    PcapRecord rec;
    while (r.next(rec)) {
    }
    return r.error();
}

}  // namespace

TEST_CASE("pcap records written by the writer read back with the same bytes and ns timestamps", "[wire][pcap]") {
    const std::string path = "pcap_roundtrip.pcap";
    std::vector<std::vector<uint8_t>> frames;
    std::vector<uint64_t> times;
    {
        PcapWriter w;
        REQUIRE(w.open(path));
        for (unsigned i = 0; i < 5; ++i) {
            frames.push_back(pattern_frame(60 + 300 * i, static_cast<uint8_t>(i)));
            times.push_back(1'234'567'890'123ull + 12'304ull * i);
            REQUIRE(w.write(times.back(), frames.back().data(), frames.back().size()));
        }
        INFO("records go to the temporary file until close()");
        CHECK(exists(path + ".part"));
        REQUIRE(w.close());
    }
    INFO("after close the temporary file is gone and the file is in place");
    CHECK_FALSE(exists(path + ".part"));
    PcapReader r;
    REQUIRE(r.open(path));
    CHECK(r.nanosecond());
    PcapRecord rec;
    for (unsigned i = 0; i < frames.size(); ++i) {
        INFO("record " << i);
        REQUIRE(r.next(rec));
        CHECK(rec.data == frames[i]);
        CHECK(rec.orig_len == frames[i].size());
        CHECK(rec.time_ns == times[i]);
    }
    INFO("a clean end: no record and no error");
    CHECK_FALSE(r.next(rec));
    CHECK(r.error().empty());
}

TEST_CASE("the writer output is deterministic and honours the snaplen", "[wire][pcap]") {
    const auto f = pattern_frame(200, 9);
    for (const char* p : {"pcap_det1.pcap", "pcap_det2.pcap"}) {
        PcapWriter w;
        REQUIRE(w.open(p, 100));
        REQUIRE(w.write(5, f.data(), f.size()));
        REQUIRE(w.close());
    }
    INFO("two identical runs give identical bytes");
    const auto a = slurp("pcap_det1.pcap");
    CHECK(a == slurp("pcap_det2.pcap"));
    CHECK(a.size() == kPcapFileHeaderBytes + kPcapRecordHeaderBytes + 100);
    PcapReader r;
    REQUIRE(r.open("pcap_det1.pcap"));
    PcapRecord rec;
    REQUIRE(r.next(rec));
    INFO("caplen cut at the snaplen, original length kept");
    CHECK(rec.data.size() == 100);
    CHECK(rec.orig_len == 200);
}

TEST_CASE("an unwritable pcap path is a clear error at open and leaves nothing behind", "[wire][pcap]") {
    PcapWriter w;
    const std::string path = "no_such_dir_for_pcap/x.pcap";
    INFO("open fails and names the file");
    CHECK_FALSE(w.open(path));
    CHECK_THAT(w.error(), Catch::Contains("no_such_dir_for_pcap/x.pcap") && Catch::Contains("cannot create"));
    CHECK(w.error().find('\n') == std::string::npos);
    CHECK_FALSE(w.write(0, nullptr, 0));
    CHECK_FALSE(w.close());
}

TEST_CASE("tshark reads the frame lengths of a pcap the writer produced", "[wire][pcap][tshark]") {
#ifndef NICSIM_TSHARK
    FAIL("tshark was not found at configure time; it is required for this test");
#else
    const std::string path = "pcap_tshark.pcap";
    const size_t lens[] = {60, 64, 1514, 342};
    {
        PcapWriter w;
        REQUIRE(w.open(path));
        uint64_t t = 0;
        for (size_t len : lens) {
            const auto f = pattern_frame(len, static_cast<uint8_t>(len));
            REQUIRE(w.write(t, f.data(), f.size()));
            t += 20'000;
        }
        REQUIRE(w.close());
    }
    const std::string cmd = std::string(NICSIM_TSHARK) + " -r " + path + " -T fields -e frame.len 2>pcap_tshark.err";
    std::FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = pclose(p);
    const auto err = slurp("pcap_tshark.err");
    INFO("tshark output: " << out << " stderr: " << std::string(err.begin(), err.end()));
    CHECK(rc == 0);
    CHECK(out == "60\n64\n1514\n342\n");
#endif
}

TEST_CASE("every class of malformed pcap gives a one-line error naming the file and the problem", "[wire][pcap]") {
    const std::string base = "pcap_good.pcap";
    const std::vector<uint8_t> good = good_file(base);
    REQUIRE(good.size() == 24 + 16 + 60 + 16 + 1514);
    const std::string bad = "pcap_bad.pcap";

    struct Case {
        const char* name;
        std::vector<uint8_t> bytes;
        const char* expect;
    };
    std::vector<Case> cases;
    {
        auto b = good;
        le32(b, 0, 0x12345678);
        cases.push_back({"bad magic", b, "bad magic 0x12345678"});
    }
    cases.push_back({"empty file", {}, "truncated file header (0 of 24 bytes)"});
    cases.push_back({"truncated file header", std::vector<uint8_t>(good.begin(), good.begin() + 10),
                     "truncated file header (10 of 24 bytes)"});
    {
        auto b = good;
        le32(b, 20, 105);  // 802.11
        cases.push_back({"wrong link type", b, "link type 105 is not Ethernet"});
    }
    {
        auto b = good;
        b[4] = 3;
        cases.push_back({"unsupported version", b, "unsupported version 3.4"});
    }
    cases.push_back({"truncated record header", std::vector<uint8_t>(good.begin(), good.begin() + 24 + 16 + 60 + 7),
                     "truncated record header: 7 of 16 bytes (record 1 at offset 100)"});
    cases.push_back({"truncated record", std::vector<uint8_t>(good.begin(), good.end() - 14),
                     "truncated record: 1500 of 1514 bytes (record 1 at offset 100)"});
    {
        auto b = good;
        le32(b, 20 - 4, 1000);  // snaplen 1000 < 1514
        cases.push_back({"caplen above snaplen", b, "caplen 1514 exceeds the snaplen 1000 (record 1"});
    }
    {
        auto b = good;
        le32(b, 16, 0);           // snaplen 0: no header limit
        le32(b, 24 + 8, 300000);  // caplen
        le32(b, 24 + 12, 300000);
        cases.push_back({"caplen above 262144", b, "caplen 300000 exceeds 262144 (record 0"});
    }
    {
        auto b = good;
        le32(b, 24 + 12, 59);  // orig_len < caplen
        cases.push_back({"caplen above original length", b, "caplen 60 exceeds the original length 59"});
    }
    {
        auto b = good;
        le32(b, 24 + 4, 1'000'000'000u);
        cases.push_back({"timestamp fraction", b, "timestamp fraction 1000000000 out of range"});
    }
    for (const Case& c : cases) {
        INFO("malformed: " << c.name);
        const std::string err = read_error(bad, c.bytes);
        CHECK_THAT(err, Catch::Contains(c.expect));
        CHECK_THAT(err, Catch::StartsWith("pcap 'pcap_bad.pcap': "));
        CHECK(err.find('\n') == std::string::npos);
    }
    INFO("the unmodified file reads cleanly");
    CHECK(read_error(bad, good).empty());
}

TEST_CASE("a big-endian microsecond pcap is read with its timestamps scaled to ns", "[wire][pcap]") {
    std::vector<uint8_t> b = {0xA1, 0xB2, 0xC3, 0xD4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 1};
    const uint8_t rec[] = {0, 0, 0, 3, 0, 0x0F, 0x42, 0x3F, 0, 0, 0, 4, 0, 0, 0, 64, 0xDE, 0xAD, 0xBE, 0xEF};
    b.insert(b.end(), rec, rec + sizeof rec);
    spit("pcap_be_us.pcap", b);
    PcapReader r;
    REQUIRE(r.open("pcap_be_us.pcap"));
    CHECK_FALSE(r.nanosecond());
    PcapRecord x;
    REQUIRE(r.next(x));
    INFO("3 s + 999999 us");
    CHECK(x.time_ns == 3'999'999'000ull);
    CHECK(x.orig_len == 64);
    CHECK(x.data == std::vector<uint8_t>{0xDE, 0xAD, 0xBE, 0xEF});
}

TEST_CASE("every truncation and seeded corruption of a pcap reads cleanly or stops with one error", "[wire][pcap]") {
    const std::vector<uint8_t> good = good_file("pcap_fuzz_base.pcap");
    const std::string path = "pcap_fuzz.pcap";
    const size_t boundaries[] = {24, 24 + 16 + 60, good.size()};
    // Every length through both headers and the first record, then every 61st byte and the last few of the file.
    std::vector<size_t> cuts;
    for (size_t len = 0; len <= 24 + 16 + 60 + 20; ++len) cuts.push_back(len);
    for (size_t len = 121; len < good.size() - 3; len += 61) cuts.push_back(len);
    for (size_t len = good.size() - 3; len <= good.size(); ++len) cuts.push_back(len);
    for (size_t len : cuts) {
        const std::string err = read_error(path, std::vector<uint8_t>(good.begin(), good.begin() + len));
        const bool at_boundary = std::find(std::begin(boundaries), std::end(boundaries), len) != std::end(boundaries);
        INFO("cut at " << len << ": " << err);
        CHECK(err.empty() == at_boundary);
        CHECK(err.find('\n') == std::string::npos);
    }
    uint32_t x = 12345;  // fixed seed: the same corruptions every run
    unsigned errors = 0;
    for (int round = 0; round < 400; ++round) {
        auto b = good;
        for (int k = 0; k < 3; ++k) {
            x = x * 1664525u + 1013904223u;
            b[(x >> 8) % 40] = static_cast<uint8_t>(x >> 24);  // hit the file header and first record header
        }
        PcapReader r;
        spit(path, b);
        if (r.open(path)) {
            PcapRecord rec;
            unsigned n = 0;
            while (r.next(rec)) {
                ++n;
                REQUIRE(rec.data.size() <= kPcapMaxSnaplen);
                REQUIRE(rec.data.size() <= rec.orig_len);
            }
            REQUIRE(n <= 2);
        }
        if (!r.error().empty()) ++errors;
    }
    INFO("most corruptions are caught");
    CHECK(errors > 200);
}

TEST_CASE("PcapWriter on a caller's stream writes the same file and reports a failed write", "[wire][pcap]") {
    const std::vector<uint8_t> expected = good_file("pcap_stream_reference.pcap");
    std::FILE* f = std::fopen("pcap_stream.pcap", "wb");
    REQUIRE(f);
    {
        PcapWriter w;
        REQUIRE(w.open(f, "pcap_stream.pcap"));
        const auto a = pattern_frame(60, 1), b = pattern_frame(1514, 2);
        REQUIRE(w.write(1000, a.data(), a.size()));
        REQUIRE(w.write(2'000'000'123ull, b.data(), b.size()));
        REQUIRE(w.close());
        INFO("the stream stays the caller's: no .part file, nothing renamed, still open");
        CHECK_FALSE(exists("pcap_stream.pcap.part"));
        CHECK(std::fputc('x', f) == 'x');
    }
    REQUIRE(std::fclose(f) == 0);
    std::vector<uint8_t> got = slurp("pcap_stream.pcap");
    REQUIRE_FALSE(got.empty());
    got.pop_back();  // the byte written after close() above
    CHECK(got == expected);

    std::FILE* full = std::fopen("/dev/full", "wb");
    REQUIRE(full);
    PcapWriter w;
    w.open(full, "/dev/full");
    const auto big = pattern_frame(1514, 3);
    for (int i = 0; i < 100 && w.error().empty(); ++i) w.write(static_cast<uint64_t>(i), big.data(), big.size());
    INFO("a device that takes no bytes fails the writer, by its write or its flush");
    CHECK_FALSE(w.close());
    CHECK(w.error().find("/dev/full") != std::string::npos);
    std::fclose(full);
    std::remove("pcap_stream.pcap");
    std::remove("pcap_stream_reference.pcap");
}
