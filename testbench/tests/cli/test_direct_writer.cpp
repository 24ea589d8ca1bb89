// DirectWriter: a file written around the page cache arrives whole, the descriptor is back to ordinary writes when it
// is finished (the tail and the caller's sync need them), a small file never asks for direct writes, and a failed
// write on the writer's thread reaches the caller; a file system refusing the direct writes themselves gets them
// through the page cache.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "testbench/nicsim/direct_writer.h"
#include "testbench/support/byte_pattern.h"

using nicsim::tb::DirectWriter;

namespace {

std::vector<char> pattern(size_t n) {
    return nicsim::test::byte_pattern(n, 0x9E3779B97F4A7C15ull);
}

struct TempFile {
    std::string path;
    int fd = -1;
    explicit TempFile(int flags = O_RDWR) {
        char tmpl[] = "/tmp/nicsim_direct_writer_XXXXXX";
        fd = ::mkstemp(tmpl);
        REQUIRE(fd >= 0);
        path = tmpl;
        if (flags != O_RDWR) {
            ::close(fd);
            fd = ::open(path.c_str(), flags);
            REQUIRE(fd >= 0);
        }
    }
    ~TempFile() {
        ::close(fd);
        std::remove(path.c_str());
    }
    std::string contents() const {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bool direct() const { return (::fcntl(fd, F_GETFL) & O_DIRECT) != 0; }
};

/// Writes `bytes` in uneven pieces; false when a write was refused.
bool write_pieces(DirectWriter& w, const std::vector<char>& bytes) {
    size_t done = 0;
    for (size_t piece = 3; done < bytes.size(); piece = piece * 13 % 700'001 + 511) {
        const size_t n = std::min(piece, bytes.size() - done);
        if (!w.write(bytes.data() + done, n)) return false;
        done += n;
    }
    return true;
}

}  // namespace

TEST_CASE("DirectWriter: many buffers and a tail arrive whole, and the descriptor is ordinary again", "[cli]") {
    TempFile f;
    std::atomic<int> error{0};
    // More buffers than go round (the writer waits for the thread) and a tail that is no whole block.
    const std::vector<char> bytes = pattern((DirectWriter::kBuffers + 3) * DirectWriter::kBufferBytes + 777);
    DirectWriter w(f.fd, error);
    REQUIRE(write_pieces(w, bytes));
    REQUIRE(w.finish());
    CHECK(error == 0);
    CHECK_FALSE(f.direct());
    CHECK(f.contents() == std::string(bytes.begin(), bytes.end()));
}

TEST_CASE("DirectWriter: a file smaller than a buffer is written once, through the page cache", "[cli]") {
    TempFile f;
    std::atomic<int> error{0};
    const std::vector<char> bytes = pattern(DirectWriter::kBufferBytes - 1);
    DirectWriter w(f.fd, error);
    REQUIRE(write_pieces(w, bytes));
    CHECK_FALSE(f.direct());
    CHECK(f.contents().empty());
    REQUIRE(w.finish());
    CHECK(f.contents() == std::string(bytes.begin(), bytes.end()));
}

TEST_CASE("DirectWriter: a write failing on its thread fails the writer and keeps its errno", "[cli]") {
    TempFile f(O_RDONLY);  // every write fails (EBADF)
    std::atomic<int> error{0};
    const std::vector<char> bytes = pattern(3 * DirectWriter::kBufferBytes + 5);
    DirectWriter w(f.fd, error);
    write_pieces(w, bytes);  // may or may not see the failure yet: the thread writes on its own
    CHECK_FALSE(w.finish());
    CHECK(error == EBADF);
    CHECK_FALSE(w.write("x", 1));
}

TEST_CASE("DirectWriter: direct writes refused after the flag was taken go through the page cache, whole", "[cli]") {
    // A file system that takes O_DIRECT but needs a larger alignment than kAlign answers each write with EINVAL. A
    // descriptor one byte past a block boundary gets that answer from any file system that takes the flag.
    TempFile f;
    REQUIRE(::write(f.fd, "h", 1) == 1);
    std::atomic<int> error{0};
    const std::vector<char> bytes = pattern(3 * DirectWriter::kBufferBytes + 9);
    DirectWriter w(f.fd, error);
    REQUIRE(write_pieces(w, bytes));
    REQUIRE(w.finish());
    CHECK(error == 0);
    CHECK_FALSE(f.direct());
    CHECK(f.contents() == "h" + std::string(bytes.begin(), bytes.end()));
}
