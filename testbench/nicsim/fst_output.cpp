#include "testbench/nicsim/fst_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>

namespace nicsim::tb {

namespace {

// Block types of the FST format (GTKWave's fstapi.h, enum fstBlockType).
constexpr uint8_t kBlockHeader = 0;
constexpr uint8_t kBlockGeometry = 3;
constexpr uint8_t kBlockHierarchy = 4;
constexpr uint8_t kBlockHierarchyLz4 = 6;
constexpr uint8_t kBlockHierarchyLz4Duo = 7;
constexpr uint8_t kBlockSkip = 255;  // a block a writer reserved and never finished
constexpr unsigned kBlockHeadBytes = 9;

}  // namespace

NamedWriter fst_writer() {
    NamedWriter w;
    w.what = "--trace-format fst";
    // A write that failed (a full disk, a file size limit) leaves a chain of blocks that does not reach the end of
    // the file, or no signal table: the writer itself reports no write errors.
    w.check_file = check_fst_blocks;
    return w;
}

std::string check_fst_blocks(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return "cannot read it back";
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    bool geometry = false;
    bool hierarchy = false;
    uint64_t at = 0;
    while (at < size) {
        unsigned char head[kBlockHeadBytes];
        if (size - at < kBlockHeadBytes ||
            ::pread(fd, head, kBlockHeadBytes, static_cast<off_t>(at)) != static_cast<ssize_t>(kBlockHeadBytes))
            return "a block is cut off at byte " + std::to_string(at);
        uint64_t length = 0;
        for (unsigned i = 1; i < kBlockHeadBytes; ++i) length = length << 8 | head[i];
        if (at == 0 && head[0] != kBlockHeader) return "it does not start with an FST header block";
        if (head[0] == kBlockSkip) return "a block at byte " + std::to_string(at) + " was never finished";
        if (length < kBlockHeadBytes - 1 || length > size - at - 1)
            return "the block at byte " + std::to_string(at) + " runs past the end of the file";
        geometry |= head[0] == kBlockGeometry;
        hierarchy |= head[0] == kBlockHierarchy || head[0] == kBlockHierarchyLz4 || head[0] == kBlockHierarchyLz4Duo;
        at += 1 + length;
    }
    if (size == 0) return "it is empty";
    if (!geometry || !hierarchy) return "it has no signal table (geometry and hierarchy blocks)";
    return {};
}

}  // namespace nicsim::tb
