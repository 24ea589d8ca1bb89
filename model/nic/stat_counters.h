// The statistics block's counters (8254x manual, section 13.7) as the data path adds to them: which dwords of the
// block are counters (32-bit, or the low half of a 64-bit pair), and the storage they live in. Inline, so that the
// data path's several counts per frame (NicContext::count_stat) cost no virtual call.
#pragma once

#include <array>
#include <cstdint>

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

class StatCounters {
  public:
    enum class Kind : uint8_t { None, Counter32, Low64 };

    /// `block`: the storage of the dword at e1000::kStatsFirst, followed by the rest of the block.
    explicit StatCounters(uint32_t* block) : m_block(block) {}

    void set_kind(uint32_t offset, Kind kind) { m_kind[(offset - e1000::kStatsFirst) / 4] = kind; }

    /// Adds `amount` to the counter at `offset`, saturating as the hardware does (a 64-bit pair at all ones, a
    /// 32-bit counter at 0xFFFFFFFF); false, and nothing added, when `offset` is no counter.
    bool add(uint32_t offset, uint64_t amount) {
        const bool in_range = offset >= e1000::kStatsFirst && offset <= e1000::kStatsLast && (offset & 3u) == 0;
        const Kind kind = in_range ? m_kind[(offset - e1000::kStatsFirst) / 4] : Kind::None;
        if (kind == Kind::None) return false;
        uint32_t& low = m_block[(offset - e1000::kStatsFirst) / 4];
        if (kind == Kind::Low64) {
            uint32_t& high = (&low)[1];
            const uint64_t cur = low | (static_cast<uint64_t>(high) << 32);
            const uint64_t sum = cur + amount < cur ? ~0ull : cur + amount;
            low = static_cast<uint32_t>(sum);
            high = static_cast<uint32_t>(sum >> 32);
        } else {
            const uint64_t sum = low + amount;
            low = sum > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<uint32_t>(sum);
        }
        return true;
    }

  private:
    uint32_t* m_block;
    std::array<Kind, (e1000::kStatsLast - e1000::kStatsFirst) / 4 + 1> m_kind{};
};

}  // namespace nicsim::nic
