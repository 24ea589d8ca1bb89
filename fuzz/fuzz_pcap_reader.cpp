// libFuzzer target for the pcap reader (model/wire/pcap_file.h): any byte string as a file must end in records or a
// one-line error, never a crash, a hang or an out-of-range access; a record never claims more than it carries.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/wire/pcap_file.h"

namespace {

/// The reader takes a path: each input goes through one temporary file, reused for the whole run.
const std::string& scratch_path() {
    static const std::string path = [] {
        char tmpl[] = "/tmp/nicsim-fuzz-pcap-XXXXXX";
        const int fd = mkstemp(tmpl);
        if (fd < 0) std::abort();
        close(fd);
        return std::string(tmpl);
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = scratch_path();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);

    nicsim::wire::PcapReader reader;
    if (!reader.open(path)) {
        if (reader.error().empty()) std::abort();  // a refusal always says why
        return 0;
    }
    nicsim::wire::PcapRecord rec;
    uint64_t records = 0;
    size_t bytes = 0;
    while (reader.next(rec)) {
        ++records;
        bytes += rec.data.size();
        if (rec.data.size() > rec.orig_len) std::abort();                   // caplen <= original length
        if (rec.data.size() > nicsim::wire::kPcapMaxSnaplen) std::abort();  // bounded by the snaplen limit
        if (records > size) std::abort();                                   // every record costs header bytes
    }
    if (bytes > size) std::abort();  // nothing read that the file did not hold
    if (reader.records() != records) std::abort();
    return 0;
}
