// The RX destination-address filter of the 8254x: 16 exact receive addresses (RAL/RAH with AV), the 4096-bit
// multicast table array (MTA) indexed by 12 destination-address bits that RCTL.MO selects, and the RCTL modes
// (UPE unicast promiscuous, MPE multicast promiscuous, BAM broadcast accept). Pure C++: the data path binds it to
// the register file's storage (or loads it, or forwards register writes) and asks it about each frame's destination
// address.
#pragma once

#include <cstdint>

namespace nicsim::nic {

class NicContext;

/// Why a frame passed the filter, or that it did not.
enum class RxMatch : uint8_t {
    kRejected = 0,
    kExact,          ///< destination equals a valid RAL/RAH entry
    kBroadcast,      ///< FF:FF:FF:FF:FF:FF with RCTL.BAM
    kMulticastHash,  ///< multicast whose MTA bit is set
    kPromiscuous,    ///< accepted by UPE (unicast) or MPE (multicast)
};

class RxFilter {
  public:
    static constexpr unsigned kReceiveAddresses = 16;  ///< RAL/RAH pairs
    static constexpr unsigned kMtaWords = 128;         ///< 4096 bits

    RxFilter() { reset(); }
    /// All entries invalid, MTA clear, RCTL 0.
    void reset();

    void set_rctl(uint32_t rctl) { m_rctl = rctl; }
    void set_ral(unsigned index, uint32_t value);  ///< out-of-range index ignored
    void set_rah(unsigned index, uint32_t value);
    void set_mta(unsigned index, uint32_t value);
    /// Store a register write if `offset` is RCTL, RAL/RAH[n] or MTA[n]; true when it was one of them.
    bool write_reg(uint32_t offset, uint32_t value);
    /// Copy RCTL, RAL/RAH[0..15] and MTA[0..127] from the register file.
    void load(const NicContext& ctx);
    /// Copy from the register file only what classify(dst) reads for this address: RCTL, every RAH, the RAL of
    /// each valid entry and, for a group address, the one MTA word its hash selects (the per-frame load: a full
    /// load is 161 register reads).
    void load_for(const NicContext& ctx, const uint8_t* dst);

    /// Read RCTL, RAL/RAH and MTA straight from the register file's storage from now on (no load per frame, and every
    /// way a register changes is seen: software writes, pokes, the EEPROM's address at reset); the filter's own copy
    /// (set_*, write_reg, load) is then no longer read. Only when the context keeps all 161 in storage laid out as the
    /// register map places them; false (nothing changed) otherwise.
    bool bind(const NicContext& ctx);
    bool bound() const { return m_is_bound; }
    /// Before a frame's verdict: binds on the first call if the context allows it, else loads what classify(dst)
    /// reads (load_for).
    void refresh(const NicContext& ctx, const uint8_t* dst);

    /// The filter's verdict on a destination MAC address (the first 6 bytes of a frame).
    RxMatch classify(const uint8_t* dst) const;
    bool accept(const uint8_t* dst) const { return classify(dst) != RxMatch::kRejected; }

    /// The 12-bit MTA index of a destination address for RCTL.MO (0: bits 47:36, 1: 46:35, 2: 45:34, 3: 43:32,
    /// counting the address as the 48-bit little-endian number whose first byte on the wire is bits 7:0).
    static uint16_t multicast_hash(const uint8_t* dst, unsigned mo);

  private:
    /// The register file's storage words when bound: RCTL, RAL0 (RAL/RAH interleaved as in the map), MTA0.
    struct Bound {
        const uint32_t* rctl;
        const uint32_t* ra;
        const uint32_t* mta;
    };
    static RxMatch classify_from(const uint8_t* dst, uint32_t rctl, const uint32_t* ral, const uint32_t* rah,
                                 unsigned stride, const uint32_t* mta);

    bool m_is_bound = false;
    bool m_bind_tried = false;
    Bound m_src{};
    uint32_t m_rctl = 0;
    uint32_t m_ral[kReceiveAddresses] = {};
    uint32_t m_rah[kReceiveAddresses] = {};
    uint32_t m_mta[kMtaWords] = {};
};

}  // namespace nicsim::nic
