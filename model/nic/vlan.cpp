#include "model/nic/vlan.h"

#include <algorithm>
#include <cstring>

namespace nicsim::nic {

VlanTag vlan_tag(const uint8_t* frame, size_t len, uint16_t vet) {
    VlanTag t;
    if (len < kVlanTagOffset + kVlanTagBytes) return t;
    const uint16_t tpid = static_cast<uint16_t>(frame[12] << 8 | frame[13]);
    if (tpid != vet) return t;
    t.present = true;
    t.tci = static_cast<uint16_t>(frame[14] << 8 | frame[15]);
    return t;
}

void vlan_insert(const uint8_t* src, size_t len, uint16_t tpid, uint16_t tci, uint8_t* dst) {
    const size_t head = std::min<size_t>(len, kVlanTagOffset);
    std::memmove(dst + head + kVlanTagBytes, src + head, len - head);  // first: src and dst may be the same buffer
    if (dst != src) std::memcpy(dst, src, head);
    const uint8_t tag[kVlanTagBytes] = {static_cast<uint8_t>(tpid >> 8), static_cast<uint8_t>(tpid),
                                        static_cast<uint8_t>(tci >> 8), static_cast<uint8_t>(tci)};
    std::memcpy(dst + head, tag, kVlanTagBytes);
}

size_t vlan_strip(uint8_t* frame, size_t len) {
    if (len < kVlanTagOffset + kVlanTagBytes) return len;
    std::memmove(frame + kVlanTagOffset, frame + kVlanTagOffset + kVlanTagBytes, len - kVlanTagOffset - kVlanTagBytes);
    return len - kVlanTagBytes;
}

bool vfta_bit(const uint32_t* vfta, uint16_t vid) {
    return (vfta[(vid >> 5) & 0x7Fu] >> (vid & 31u)) & 1u;
}

}  // namespace nicsim::nic
