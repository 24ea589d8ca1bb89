// 802.1Q VLAN tags as the 8254x handles them (8254x Family Software Developer's Manual, chapter 9): a tag is the
// four bytes after the source address whose first two (the TPID) equal the VLAN Ether Type register (VET); the
// other two are the TCI (priority 15:13, CFI 12, VLAN ID 11:0). Pure functions on frame bytes, no SystemC.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nicsim::nic {

constexpr unsigned kVlanTagOffset = 12;  ///< the tag follows the destination and source addresses
constexpr unsigned kVlanTagBytes = 4;    ///< TPID + TCI
constexpr uint16_t kVlanEtherType = 0x8100;

/// What a frame's bytes 12..15 say about a tag.
struct VlanTag {
    bool present = false;  ///< bytes 12..13 (big-endian) equal VET
    uint16_t tci = 0;      ///< bytes 14..15 (big-endian)
    uint16_t vid() const { return tci & 0x0FFFu; }
    bool cfi() const { return (tci >> 12) & 1u; }
};

/// The tag of a frame (`len` bytes without FCS) when its type field equals `vet`; frames shorter than a tagged
/// header have none.
VlanTag vlan_tag(const uint8_t* frame, size_t len, uint16_t vet);

/// Copy `len` bytes of `src` to `dst` with the tag TPID `tpid`, TCI `tci` inserted after the source address
/// (`dst` holds len + 4 bytes). Frames shorter than 12 bytes are copied with the tag at their end.
void vlan_insert(const uint8_t* src, size_t len, uint16_t tpid, uint16_t tci, uint8_t* dst);

/// Remove the four tag bytes at offset 12 in place; returns the new length (len - 4; len when too short).
size_t vlan_strip(uint8_t* frame, size_t len);

/// The VLAN filter table array (VFTA, 128 dwords): VID bits 11:5 select the dword, 4:0 the bit (manual 13.5.4).
bool vfta_bit(const uint32_t* vfta, uint16_t vid);

}  // namespace nicsim::nic
