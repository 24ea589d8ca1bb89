// libFuzzer target for the FST's deflate encoder (model/trace/deflate_encoder.h): whatever bytes it is given, the
// stream it writes must unpack with zlib's own inflate to exactly those bytes, end where the encoder said, and never
// be written past the room it was given. The first input byte picks the room: enough for any input, or a tight one,
// where the encoder must either fit or return 0.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <zlib.h>

#include "model/trace/deflate_encoder.h"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void round_trip(const unsigned char* in, size_t n, size_t room) {
    std::vector<unsigned char> packed(room);  // exactly `room`: ASan catches a write past it
    const size_t len = nicsim::deflate_value_changes(in, n, packed.data(), room);
    if (len == 0) return;  // did not fit: allowed only when the room is tight (checked by the caller)
    check(len <= room);
    z_stream z{};
    check(inflateInit2(&z, -15) == Z_OK);
    std::vector<unsigned char> back(n + 1);
    z.next_in = packed.data();
    z.avail_in = static_cast<uInt>(len);
    z.next_out = back.data();
    z.avail_out = static_cast<uInt>(back.size());
    const int rc = inflate(&z, Z_FINISH);
    const size_t out = z.total_out;
    const uInt left = z.avail_in;
    inflateEnd(&z);
    check(rc == Z_STREAM_END && left == 0 && out == n);
    check(n == 0 || std::memcmp(back.data(), in, n) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const unsigned char mode = data[0];
    const unsigned char* in = data + 1;
    const size_t n = size - 1;
    if (mode & 1) {
        // Tight room: a fraction of the input's size, from nothing to about the input's size.
        round_trip(in, n, n * (mode >> 1) / 128);
    } else {
        // Room for any input (stored literals cost at most 9 bits a byte, plus the block's header and code tables):
        // the encoder must succeed.
        const size_t room = n + n / 8 + 1024;
        std::vector<unsigned char> packed(room);
        check(nicsim::deflate_value_changes(in, n, packed.data(), room) != 0);
        round_trip(in, n, room);
    }
    return 0;
}
