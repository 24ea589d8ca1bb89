#include "model/nic/statistics.h"

#include "model/nic/e1000_regs.h"
#include "model/nic/nic_context.h"

namespace nicsim::nic {

bool is_broadcast(const uint8_t* dst) {
    for (unsigned i = 0; i < 6; ++i)
        if (dst[i] != 0xFF) return false;
    return true;
}

bool is_multicast(const uint8_t* dst) {
    return (dst[0] & 1u) != 0 && !is_broadcast(dst);
}

uint32_t size_bin(uint32_t bin64, uint32_t wire_len) {
    static constexpr uint32_t kUpper[] = {64, 127, 255, 511, 1023, 1522};  // each bin's largest size
    if (wire_len < 64) return 0;
    for (uint32_t i = 0; i < 6; ++i)
        if (wire_len <= kUpper[i]) return bin64 + 4 * i;
    return 0;
}

void count_good_rx(NicContext& ctx, const uint8_t* dst, uint32_t wire_len) {
    ctx.count_stat(e1000::GPRC, 1);
    ctx.count_stat(e1000::GORCL, wire_len);
    if (const uint32_t bin = size_bin(e1000::PRC64, wire_len)) ctx.count_stat(bin, 1);
    if (is_broadcast(dst))
        ctx.count_stat(e1000::BPRC, 1);
    else if (is_multicast(dst))
        ctx.count_stat(e1000::MPRC, 1);
}

void count_tx(NicContext& ctx, const uint8_t* dst, uint32_t wire_len) {
    ctx.count_stat(e1000::GPTC, 1);
    ctx.count_stat(e1000::TPT, 1);
    ctx.count_stat(e1000::GOTCL, wire_len);
    ctx.count_stat(e1000::TOTL, wire_len);
    if (const uint32_t bin = size_bin(e1000::PTC64, wire_len)) ctx.count_stat(bin, 1);
    if (is_broadcast(dst))
        ctx.count_stat(e1000::BPTC, 1);
    else if (is_multicast(dst))
        ctx.count_stat(e1000::MPTC, 1);
}

}  // namespace nicsim::nic
