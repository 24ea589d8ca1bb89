// Compares what arrived with what was sent, frame by frame: every byte intact, nothing lost, duplicated or
// reordered. Frames are matched by the (direction, sequence) their traffic header carries.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "testbench/checkers/seq_ring.h"
#include "testbench/checkers/traffic_format.h"

namespace nicsim::tb {

struct ScoreboardCounts {
    uint64_t expected = 0;    ///< frames handed over for sending
    uint64_t matched = 0;     ///< arrived intact
    uint64_t corrupted = 0;   ///< arrived with different bytes
    uint64_t duplicated = 0;  ///< arrived again after a match
    uint64_t reordered = 0;   ///< arrived before an earlier frame
    uint64_t unexpected = 0;  ///< not ours, or never sent
    uint64_t bytes = 0;       ///< bytes of matched frames
    uint64_t segments = 0;    ///< TCP segments reassembled (Large Send Offload)
    uint64_t late = 0;        ///< arrived after their send had failed with a status (withdrawn), e.g. over a reset
};

/// Frames on their way to a scoreboard that are handed over only when someone looks (a wire end connected on
/// demand): catch_up() observes every frame that has arrived by now.
class Arrivals {
  public:
    virtual void catch_up() = 0;

  protected:
    ~Arrivals() = default;
};

/// Every entry but observe() first catches up with its Arrivals, if it has them, so that what it says and does
/// is the same as when each frame is observed the moment it arrives.
class Scoreboard {
  public:
    explicit Scoreboard(std::string name) : m_name(std::move(name)) {}
    /// A frame that should arrive (its sequence number is read from its traffic header), copied into the storage
    /// of a frame no longer tracked, so that a run expecting a frame per frame sent allocates none once under way.
    void expect_copy(const uint8_t* data, size_t len);
    /// expect_copy() of a frame whose traffic_id() the caller knows (TrafficGen::last_id()): the header is not read
    /// again.
    void expect_traffic_copy(uint64_t seq, const uint8_t* data, size_t len) {
        catch_up();
        expect_traffic(seq, data, len);
    }
    /// expect_traffic_copy() for the board's own Arrivals while they send: they are catching up already, and what
    /// they would deliver now (frames to another board) changes nothing this board holds.
    void expect_traffic(uint64_t seq, const uint8_t* data, size_t len);
    void expect(const std::vector<uint8_t>& frame) { expect_copy(frame.data(), frame.size()); }
    /// A frame that should arrive as TCP segments of at most `mss` payload bytes each (Large Send Offload).
    void expect_segmented(uint64_t seq, const std::vector<uint8_t>& frame);
    /// Take back an expectation (the send was refused with a status, which the statistics count).
    void withdraw(uint64_t seq);
    void observe(const uint8_t* data, size_t len);
    /// Where frames not yet observed come from (null: every frame is observed as it arrives).
    void set_arrivals(Arrivals* arrivals) { m_arrivals = arrivals; }

    /// Expected frames that never arrived.
    uint64_t missing() const {
        catch_up();
        return m_pending.size() + m_lost;
    }
    /// Frames come in order on one queue, so a frame still pending when one this many sequence numbers later has
    /// arrived is lost, not late: it is counted missing and forgotten (long lossy runs stay flat in memory).
    static constexpr uint64_t kLossWindow = 4096;
    /// Expected frames still held for comparison (bounded by kLossWindow behind the newest arrival).
    size_t tracked() const {
        catch_up();
        return m_pending.size();
    }
    /// One line about the first missing frame ("" when none): its sequence and, for LSO, what was reassembled.
    std::string first_missing() const;
    const ScoreboardCounts& counts() const {
        catch_up();
        return m_counts;
    }
    bool clean() const;
    /// Nothing corrupted, duplicated, reordered or unexpected (missing frames aside).
    bool intact() const;
    /// One line about the first problem seen ("" while clean).
    const std::string& first_problem() const {
        catch_up();
        return m_first_problem;
    }
    const std::string& name() const { return m_name; }

  private:
    void catch_up() const {
        if (m_arrivals) m_arrivals->catch_up();
    }
    std::string missing_text() const;  // first_missing() without catching up (observe() uses it)
    struct Pending {
        std::vector<uint8_t> bytes;
        bool segmented = false;
        std::vector<uint8_t> reassembled;  // TCP payload so far
        uint64_t segments = 0;
    };
    /// The slot for a frame expected under `seq`, its bytes still to be assigned (it keeps the storage of the frame
    /// its slot last held).
    Pending& track(uint64_t seq, bool segmented);
    /// Stops tracking the frame at position i of m_pending (its storage stays in the slot for the next frame).
    void forget(size_t i) { m_pending.erase(i); }
    void problem(const std::string& what);
    // observe()'s verdicts other than a match, off its path.
    [[gnu::cold, gnu::noinline]] void not_traffic(size_t len);
    [[gnu::cold, gnu::noinline]] void not_pending(uint64_t seq);
    [[gnu::cold, gnu::noinline]] void reordered(uint64_t seq);
    [[gnu::cold, gnu::noinline]] void corrupted(uint64_t seq, const std::vector<uint8_t>& want, const uint8_t* data,
                                                size_t len);
    void observe_segment(const uint8_t* data, size_t len);
    /// The packet a TCP segment starting at sequence number `tseq` belongs to (packet n's bytes start at n times the
    /// payload of a packet, modulo 2^32: make_tcp_frame), counted from the newest packet expected.
    uint64_t tcp_packet(uint32_t tseq) const;
    /// Whether retire_lost() has anything to do (checked inline: most observed frames retire none).
    bool lost_due() const {
        return (!m_pending.empty() && m_pending.front_seq() + kLossWindow < m_last_matched) ||
               (!m_withdrawn.empty() && *m_withdrawn.begin() + kLossWindow < m_last_matched);
    }
    void retire_lost();

    std::string m_name;
    Arrivals* m_arrivals = nullptr;
    // By sequence. Expected in increasing order and mostly matched from the front, within the loss window.
    SeqRing<Pending> m_pending;
    std::set<uint64_t> m_withdrawn;  // sends that failed with a status: they may still arrive
    uint64_t m_last_matched = 0;
    uint64_t m_lost = 0;       // frames retired as missing by retire_lost()
    std::string m_first_lost;  // first_missing() of the first of them
    bool m_any_matched = false;
    uint64_t m_highest_expected = 0;
    uint64_t m_tcp_newest = 0;   // the newest packet expect_segmented() named
    uint32_t m_tcp_payload = 0;  // its TCP payload bytes (0: none expected yet)
    ScoreboardCounts m_counts;
    std::string m_first_problem;
};

/// The (direction, sequence) of a traffic frame; false when it is not one of ours. Inline: the scoreboards read it
/// twice per frame (expecting and observing).
inline bool traffic_id(const uint8_t* d, size_t len, uint8_t& direction, uint64_t& seq) {
    if (len < kTrafficHeader) return false;
    if (((d[12] << 8) | d[13]) == 0x0800 && len >= 54 && d[23] == 6) {
        // Our TCP frames: the sequence number is what names the packet (TSO advances it within the packet and
        // increments the IPv4 ID per segment); the scoreboard works out which packet it falls in (tcp_packet()).
        direction = 0xFF;
        seq = (uint32_t(d[38]) << 24) | (uint32_t(d[39]) << 16) | (uint32_t(d[40]) << 8) | d[41];
        return true;
    }
    if (((d[12] << 8) | d[13]) != kTrafficEtherType) return false;
    if (d[14] != 'n' || d[15] != 'i' || d[16] != 'c' || d[17] != 's') return false;
    direction = d[18];
    seq = (uint64_t(d[19]) << 16) | (uint64_t(d[20]) << 8) | d[21];
    return true;
}

}  // namespace nicsim::tb
