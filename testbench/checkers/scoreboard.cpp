#include "testbench/checkers/scoreboard.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace nicsim::tb {

void Scoreboard::problem(const std::string& what) {
    if (m_first_problem.empty()) m_first_problem = m_name + ": " + what;
}

void Scoreboard::expect_copy(const uint8_t* data, size_t len) {
    catch_up();
    uint8_t dir;
    uint64_t seq;
    if (traffic_id(data, len, dir, seq)) expect_traffic(seq, data, len);
}

void Scoreboard::expect_traffic(uint64_t seq, const uint8_t* data, size_t len) {
    track(seq, false).bytes.assign(data, data + len);
    m_highest_expected = std::max(m_highest_expected, seq);
    ++m_counts.expected;
}

void Scoreboard::expect_segmented(uint64_t seq, const std::vector<uint8_t>& frame) {
    catch_up();
    m_tcp_newest = seq;
    m_tcp_payload = frame.size() > 54 ? static_cast<uint32_t>(frame.size() - 54) : 1;
    track(seq, true).bytes = frame;
    ++m_counts.expected;
}

Scoreboard::Pending& Scoreboard::track(uint64_t seq, bool segmented) {
    Pending& p = m_pending.hold(seq);
    p.segmented = segmented;
    p.reassembled.clear();
    p.segments = 0;
    return p;
}

void Scoreboard::withdraw(uint64_t seq) {
    catch_up();
    const size_t i = m_pending.find(seq);
    if (i != m_pending.kNone) {
        forget(i);
        --m_counts.expected;
        m_withdrawn.insert(seq);
    }
}

uint64_t Scoreboard::tcp_packet(uint32_t tseq) const {
    if (!m_tcp_payload) return tseq;
    const uint32_t newest_start = static_cast<uint32_t>(m_tcp_newest * m_tcp_payload);
    const int64_t from_newest = static_cast<int32_t>(tseq - newest_start);  // within 2 GiB either way
    const int64_t p = m_tcp_payload;
    const int64_t packets = from_newest >= 0 ? from_newest / p : -((-from_newest + p - 1) / p);
    return static_cast<uint64_t>(static_cast<int64_t>(m_tcp_newest) + packets);
}

void Scoreboard::observe_segment(const uint8_t* d, size_t len) {
    uint8_t dir = 0;
    uint64_t tseq = 0;
    traffic_id(d, len, dir, tseq);  // observe() found it a TCP segment
    const uint64_t seq = tcp_packet(static_cast<uint32_t>(tseq));
    const size_t i = m_pending.find(seq);
    if (i == m_pending.kNone && m_withdrawn.count(seq)) {
        ++m_counts.late;  // a segment of a send that failed with a status
        return;
    }
    if (i == m_pending.kNone || !m_pending.at(i).segmented) {
        ++m_counts.unexpected;
        problem("TCP segment of packet " + std::to_string(seq) + " that is not outstanding");
        return;
    }
    Pending& p = m_pending.at(i);
    const size_t ip_len = (size_t(d[16]) << 8) | d[17];
    if (ip_len + 14 > len || ip_len < 40) {
        ++m_counts.corrupted;
        problem("segment of packet " + std::to_string(seq) + " with IP length " + std::to_string(ip_len));
        forget(i);
        return;
    }
    p.reassembled.insert(p.reassembled.end(), d + 54, d + 14 + ip_len);
    ++p.segments;
    ++m_counts.segments;
    const size_t want = p.bytes.size() - 54;
    if (p.reassembled.size() < want) return;
    const bool ok =
        p.reassembled.size() == want && std::equal(p.reassembled.begin(), p.reassembled.end(), p.bytes.begin() + 54);
    if (ok) {
        ++m_counts.matched;
        m_counts.bytes += p.bytes.size();
    } else {
        ++m_counts.corrupted;
        problem("packet " + std::to_string(seq) + " reassembled from " + std::to_string(p.segments) +
                " segments differs from what was sent");
    }
    forget(i);
}

void Scoreboard::observe(const uint8_t* data, size_t len) {
    uint8_t dir;
    uint64_t seq;
    if (!traffic_id(data, len, dir, seq)) {
        not_traffic(len);
        return;
    }
    if (dir == 0xFF) {
        observe_segment(data, len);
        return;
    }
    const size_t i = m_pending.find(seq);
    if (i == m_pending.kNone) {
        not_pending(seq);
        return;
    }
    // Reordered: an earlier frame arrives after a later one (a frame that never arrives is missing instead).
    if (m_any_matched && seq < m_last_matched) reordered(seq);
    const std::vector<uint8_t>& want = m_pending.at(i).bytes;
    if (want.size() == len && std::memcmp(want.data(), data, len) == 0) {
        ++m_counts.matched;
        m_counts.bytes += len;
    } else {
        corrupted(seq, want, data, len);
    }
    m_any_matched = true;
    m_last_matched = std::max(m_last_matched, seq);
    forget(i);
    if (lost_due()) retire_lost();
}

void Scoreboard::not_traffic(size_t len) {
    ++m_counts.unexpected;
    problem("a frame of " + std::to_string(len) + " bytes that is not test traffic");
}

void Scoreboard::not_pending(uint64_t seq) {
    if (m_withdrawn.erase(seq)) {
        ++m_counts.late;
    } else if (m_any_matched && seq <= m_highest_expected) {
        ++m_counts.duplicated;
        problem("frame " + std::to_string(seq) + " arrived twice");
    } else {
        ++m_counts.unexpected;
        problem("frame " + std::to_string(seq) + " was never sent");
    }
}

void Scoreboard::reordered(uint64_t seq) {
    ++m_counts.reordered;
    problem("frame " + std::to_string(seq) + " arrived after frame " + std::to_string(m_last_matched));
}

void Scoreboard::corrupted(uint64_t seq, const std::vector<uint8_t>& want, const uint8_t* data, size_t len) {
    ++m_counts.corrupted;
    size_t at = 0;
    while (at < std::min(len, want.size()) && want[at] == data[at]) ++at;
    problem("frame " + std::to_string(seq) + " differs at byte " + std::to_string(at) + " (sent " +
            std::to_string(want.size()) + " bytes, got " + std::to_string(len) + ")");
}

void Scoreboard::retire_lost() {
    while (!m_pending.empty() && m_pending.front_seq() + kLossWindow < m_last_matched) {
        if (m_lost == 0) m_first_lost = missing_text();
        ++m_lost;
        forget(0);
    }
    while (!m_withdrawn.empty() && *m_withdrawn.begin() + kLossWindow < m_last_matched)
        m_withdrawn.erase(m_withdrawn.begin());
}

std::string Scoreboard::first_missing() const {
    catch_up();
    return missing_text();
}

std::string Scoreboard::missing_text() const {
    if (m_lost) return m_first_lost;
    if (m_pending.empty()) return "";
    const uint64_t seq = m_pending.front_seq();
    const Pending& p = m_pending.front();
    std::string s = "first missing: frame " + std::to_string(seq) + " of " + std::to_string(p.bytes.size()) + " bytes";
    if (p.segmented)
        s += ", " + std::to_string(p.reassembled.size()) + " of " + std::to_string(p.bytes.size() - 54) +
             " payload bytes from " + std::to_string(p.segments) + " segments";
    return s;
}

bool Scoreboard::intact() const {
    catch_up();
    return m_counts.corrupted == 0 && m_counts.duplicated == 0 && m_counts.reordered == 0 && m_counts.unexpected == 0;
}

bool Scoreboard::clean() const {
    return missing() == 0 && m_counts.corrupted == 0 && m_counts.duplicated == 0 && m_counts.reordered == 0 &&
           m_counts.unexpected == 0;
}

}  // namespace nicsim::tb
