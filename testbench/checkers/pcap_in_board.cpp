#include "testbench/checkers/pcap_in_board.h"

#include <algorithm>
#include <cstring>

namespace nicsim::tb {

namespace {

constexpr size_t kMacs = 12;     // destination and source address
constexpr size_t kTagBytes = 4;  // TPID and TCI (IEEE 802.1Q, section 9.6)
constexpr uint16_t kTpid = 0x8100;

bool same(const std::vector<uint8_t>& sent, const uint8_t* data, size_t len) {
    return sent.size() == len && (len == 0 || std::memcmp(sent.data(), data, len) == 0);
}

}  // namespace

void PcapInBoard::expect(const uint8_t* data, size_t len) {
    m_sent.emplace_back(data, data + len);
    ++m_counts.sent;
    if (m_sent.size() > kWindow) {
        m_sent.pop_front();
        ++m_first_held;
        ++m_counts.passed_over;
    }
}

bool PcapInBoard::tag_moved_out_of_band(const std::vector<uint8_t>& sent, const uint8_t* data, size_t len,
                                        uintptr_t ieee8021q) {
    if (sent.size() < kMacs + kTagBytes || len + kTagBytes != sent.size()) return false;
    if (((sent[12] << 8) | sent[13]) != kTpid) return false;
    // NDIS_PACKET_8021Q_INFO's TagHeader: UserPriority in bits 0-2, CanonicalFormatId in bit 3, VlanId in bits
    // 4-15; the TCI on the wire holds them as priority (3 bits), CFI (1) and VLAN ID (12), most significant first.
    const unsigned tci = (sent[14] << 8) | sent[15];
    const unsigned fields = (tci >> 13) | (((tci >> 12) & 1u) << 3) | ((tci & 0xFFFu) << 4);
    if ((ieee8021q & 0xFFFFu) != fields) return false;
    return std::memcmp(sent.data(), data, kMacs) == 0 &&
           std::memcmp(sent.data() + kMacs + kTagBytes, data + kMacs, len - kMacs) == 0;
}

void PcapInBoard::observe(const uint8_t* data, size_t len, uintptr_t ieee8021q) {
    for (size_t i = 0; i < m_sent.size(); ++i) {
        const bool exact = same(m_sent[i], data, len);
        if (!exact && !(ieee8021q && tag_moved_out_of_band(m_sent[i], data, len, ieee8021q))) continue;
        m_counts.passed_over += i;
        m_first_held += i + 1;
        m_sent.erase(m_sent.begin(), m_sent.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        ++m_counts.intact;
        m_counts.tag_out_of_band += !exact;
        return;
    }
    ++m_counts.corrupted;
    report_corrupted(data, len);
}

void PcapInBoard::report_corrupted(const uint8_t* data, size_t len) {
    if (!m_first_problem.empty()) return;
    std::string what =
        "a frame of " + std::to_string(len) + " bytes indicated is none of the frames sent and not yet indicated";
    if (!m_sent.empty()) {
        // The likeliest original: the oldest frame not yet indicated.
        const std::vector<uint8_t>& s = m_sent.front();
        const size_t n = std::min(s.size(), len);
        const size_t at = static_cast<size_t>(std::mismatch(s.begin(), s.begin() + n, data).first - s.begin());
        what += "; pcap frame " + std::to_string(m_first_held + 1) + " (" + std::to_string(s.size()) +
                " bytes, the next not indicated) " +
                (at < n ? "differs from byte " + std::to_string(at) : "is its prefix or extension");
    }
    m_first_problem = what;
}

}  // namespace nicsim::tb
