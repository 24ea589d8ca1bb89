// OutputFile writing a file larger than the stretches it hands to the kernel's write-back as it goes: the bytes arrive
// whole and in order, and the target keeps its old content until commit() renames the new file over it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "testbench/nicsim/output_file.h"
#include "testbench/support/byte_pattern.h"

using nicsim::tb::OutputFile;

namespace {

std::vector<char> pattern(size_t n) {
    return nicsim::test::byte_pattern(n, 0x2545F4914F6CDD1Dull);
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/nicsim_output_file_XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::remove((path + "/out.bin").c_str());
        ::rmdir(path.c_str());
    }
};

}  // namespace

TEST_CASE("a file of several write-back stretches arrives whole and replaces the old one only at commit", "[cli]") {
    TempDir dir;
    const std::string target = dir.path + "/out.bin";
    {
        std::ofstream old(target, std::ios::binary);
        old << "old content";
    }
    // More than two 8 MiB stretches (the second one waits for the first) and a tail, in uneven pieces.
    const std::vector<char> bytes = pattern((size_t(17) << 20) + 12345);
    OutputFile out("--vcd", target);
    out.resolve();
    REQUIRE(out.kind() == OutputFile::Kind::Replace);
    REQUIRE(out.open());
    size_t done = 0;
    for (size_t piece = 1; done < bytes.size(); piece = piece * 7 % 1'000'003 + 4093) {
        const size_t n = std::min(piece, bytes.size() - done);
        REQUIRE(std::fwrite(bytes.data() + done, 1, n, out.stream()) == n);
        done += n;
    }
    CHECK_FALSE(out.failed());
    CHECK(read_all(target) == "old content");
    REQUIRE(out.commit());
    CHECK(out.error().empty());
    const std::string written = read_all(target);
    REQUIRE(written.size() == bytes.size());
    CHECK(written == std::string(bytes.begin(), bytes.end()));
}
