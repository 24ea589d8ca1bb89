// Compares the frames the driver indicates with the frames a pcap file put on the wire (--pcap-in). The NIC may
// rightly keep some of them from the driver (its address or VLAN filter, a length over RCTL.LPE, a receive
// overrun), which its counters account for (the verdict's count rule); but every frame the driver does indicate
// must be one of the frames sent, byte for byte, and later in the file than the one indicated before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace nicsim::tb {

struct PcapInCounts {
    uint64_t sent = 0;             ///< frames put on the wire
    uint64_t intact = 0;           ///< indicated with the bytes they were sent with
    uint64_t tag_out_of_band = 0;  ///< of those, indicated without their 802.1Q tag, the tag in Ieee8021QInfo
    uint64_t corrupted = 0;        ///< indicated, but equal to none of the frames sent and not yet indicated
    uint64_t passed_over = 0;      ///< not indicated, a later frame was (or too old to wait for: kWindow)
};

class PcapInBoard {
  public:
    /// Frames sent and not yet indicated that are kept for comparison; an older one is counted as passed over. The
    /// NIC holds far fewer between the wire and the driver (its FIFO and its receive ring).
    static constexpr size_t kWindow = 8192;

    /// A frame put on the wire, without its FCS.
    void expect(const uint8_t* data, size_t len);
    /// A frame the driver indicated, with the packet's Ieee8021QInfo (NDIS_PACKET_8021Q_INFO.Value; 0 for none).
    void observe(const uint8_t* data, size_t len, uintptr_t ieee8021q);

    const PcapInCounts& counts() const { return m_counts; }
    /// Frames sent that were never indicated: passed over, or still held at the end of the run.
    uint64_t not_indicated() const { return m_counts.passed_over + m_sent.size(); }
    /// One line about the first corrupted frame ("" while none).
    const std::string& first_problem() const { return m_first_problem; }

  private:
    /// The indicated frame is `sent` with its 802.1Q tag removed and the tag's fields in `ieee8021q`.
    static bool tag_moved_out_of_band(const std::vector<uint8_t>& sent, const uint8_t* data, size_t len,
                                      uintptr_t ieee8021q);
    void report_corrupted(const uint8_t* data, size_t len);

    std::deque<std::vector<uint8_t>> m_sent;  // oldest first
    uint64_t m_first_held = 0;                // the file's index (from 0) of m_sent.front()
    PcapInCounts m_counts;
    std::string m_first_problem;
};

}  // namespace nicsim::tb
