// How the data path counts a frame in the 82540EM's statistics registers (8254x Family Software Developer's Manual,
// section 13.7): the size bins PRC64..PRC1522 / PTC64..PTC1522 and the broadcast/multicast counters. Frame sizes
// are as on the wire from the destination address through the CRC (a VLAN tag the MAC inserted or will strip
// included, preamble excluded).
#pragma once

#include <cstdint>

namespace nicsim::nic {

class NicContext;

/// Destination address FF:FF:FF:FF:FF:FF.
bool is_broadcast(const uint8_t* dst);
/// Group address (I/G bit) other than broadcast.
bool is_multicast(const uint8_t* dst);

/// The size-bin register a frame of `wire_len` bytes counts in, starting from the 64-byte bin `bin64` (PRC64 or
/// PTC64; the six bins are consecutive dwords): 64, 65-127, 128-255, 256-511, 512-1023, 1024-1522 bytes. 0 for a
/// frame outside them (shorter than 64 or longer than 1522 bytes: a long frame taken with RCTL.LPE).
uint32_t size_bin(uint32_t bin64, uint32_t wire_len);

/// A good frame received (delivered to host memory): GPRC, GORC, the PRC bin, BPRC or MPRC.
void count_good_rx(NicContext& ctx, const uint8_t* dst, uint32_t wire_len);
/// A frame transmitted: GPTC, GOTC, TPT, TOT, the PTC bin, BPTC or MPTC.
void count_tx(NicContext& ctx, const uint8_t* dst, uint32_t wire_len);

}  // namespace nicsim::nic
