// The header every frame of test traffic carries, which the scoreboards read to name a frame: Ethernet header with
// the local experimental EtherType, then "nics", the direction and a 24-bit sequence number, and the frame length
// (TrafficGen writes it; LSO traffic is TCP/IPv4 and named by its TCP sequence number instead).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nicsim::tb {

constexpr uint16_t kTrafficEtherType = 0x88B5;  // IEEE local experimental EtherType
constexpr size_t kTrafficHeader = 14 + 12;      // Ethernet + {magic, direction/sequence, length}

}  // namespace nicsim::tb
