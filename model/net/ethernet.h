// Ethernet as both ends of a cable see it (IEEE 802.3): the frame, the framing overhead around it on the medium, its
// frame check sequence and how long it occupies the wire at 10, 100 or 1000 Mb/s. The NIC's MAC and the wire build
// on this; neither owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nicsim::net {

constexpr unsigned kPreambleSfdBytes = 8;  ///< 7 preamble bytes + SFD
constexpr unsigned kFcsBytes = 4;          ///< CRC-32 frame check sequence
constexpr unsigned kIfgBytes = 12;         ///< minimum inter-frame gap (96 bit times)
constexpr unsigned kMinFrameBytes = 60;    ///< shortest frame without FCS; a shorter one is padded up to it

/// One Ethernet frame on the wire, without preamble/SFD; `fcs_included` when the last 4 bytes are the FCS.
struct Frame {
    std::vector<uint8_t> bytes;
    bool fcs_included = false;
    uint64_t time_ns = 0;  ///< when its first bit was (or is to be) on the wire
};

/// Where a transmitted frame goes: a wire end, a pcap sink, a test's collector.
class WireSink {
  public:
    virtual ~WireSink() = default;
    /// A frame leaves its sender; its last bit is on the wire at frame.time_ns + its duration at the link speed.
    virtual void transmit(const Frame& frame) = 0;
    /// The same, handing the frame's storage over: a sink that keeps the frame (a wire in flight) may swap
    /// `frame.bytes` with storage of its own, whose contents are then unspecified (the sender refills it before its
    /// next frame). Saves a copy per frame; a sink that keeps nothing just transmits.
    virtual void transmit_swap(Frame& frame) { transmit(frame); }
};

/// Ethernet CRC-32 (reflected 0x04C11DB7, init and final XOR 0xFFFFFFFF) of `len` bytes: libdeflate's (carry-less
/// multiply where the CPU has it) when the build found the library, else ethernet_crc32_sliced.
uint32_t ethernet_crc32(const uint8_t* data, size_t len);
/// True when ethernet_crc32 is libdeflate's.
bool ethernet_crc32_from_libdeflate();
/// The same CRC computed here, eight bytes per step from sliced tables: the fallback without libdeflate.
uint32_t ethernet_crc32_sliced(const uint8_t* data, size_t len);
/// Append the FCS (CRC-32, least significant byte first, as it goes on the wire).
void append_fcs(std::vector<uint8_t>& frame);
/// True when the last 4 bytes of `data` are the correct FCS of the bytes before them.
bool fcs_ok(const uint8_t* data, size_t len);

/// Nanoseconds per byte on the wire: 8 at 1000 Mb/s, 80 at 100, 800 at 10 (0 for an unknown speed).
uint64_t ns_per_byte(unsigned link_mbps);
/// Time a frame of `frame_bytes` (as on the wire, FCS included) occupies the wire: preamble+SFD + frame, no IFG.
uint64_t wire_duration_ns(size_t frame_bytes, unsigned link_mbps);

}  // namespace nicsim::net
