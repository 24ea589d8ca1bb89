#include "model/nic/rx_filter.h"

#include "model/nic/e1000_regs.h"
#include "model/nic/nic_context.h"

namespace nicsim::nic {

namespace {
constexpr unsigned kAselDestination = 0;  // RAH.ASEL: the entry matches destination addresses
}  // namespace

void RxFilter::reset() {
    m_rctl = 0;
    for (unsigned i = 0; i < kReceiveAddresses; ++i) m_ral[i] = m_rah[i] = 0;
    for (unsigned i = 0; i < kMtaWords; ++i) m_mta[i] = 0;
}

void RxFilter::set_ral(unsigned index, uint32_t value) {
    if (index < kReceiveAddresses) m_ral[index] = value;
}
void RxFilter::set_rah(unsigned index, uint32_t value) {
    if (index < kReceiveAddresses) m_rah[index] = value;
}
void RxFilter::set_mta(unsigned index, uint32_t value) {
    if (index < kMtaWords) m_mta[index] = value;
}

bool RxFilter::write_reg(uint32_t offset, uint32_t value) {
    if (offset == e1000::RCTL) {
        m_rctl = value;
        return true;
    }
    if (offset >= e1000::MTA && offset < e1000::mta_n(kMtaWords)) {
        if ((offset & 3u) != 0) return false;
        m_mta[(offset - e1000::MTA) / 4] = value;
        return true;
    }
    if (offset >= e1000::RAL0 && offset < e1000::ral_n(kReceiveAddresses)) {
        const uint32_t rel = offset - e1000::RAL0;
        if (rel % 8 == 0)
            m_ral[rel / 8] = value;
        else if (rel % 8 == 4)
            m_rah[rel / 8] = value;
        else
            return false;
        return true;
    }
    return false;
}

void RxFilter::load(const NicContext& ctx) {
    m_rctl = ctx.read_reg(e1000::RCTL);
    for (unsigned i = 0; i < kReceiveAddresses; ++i) {
        m_ral[i] = ctx.read_reg(e1000::ral_n(i));
        m_rah[i] = ctx.read_reg(e1000::rah_n(i));
    }
    for (unsigned i = 0; i < kMtaWords; ++i) m_mta[i] = ctx.read_reg(e1000::mta_n(i));
}

void RxFilter::load_for(const NicContext& ctx, const uint8_t* dst) {
    m_rctl = ctx.read_reg(e1000::RCTL);
    for (unsigned i = 0; i < kReceiveAddresses; ++i) {
        m_rah[i] = ctx.read_reg(e1000::rah_n(i));
        if (e1000::rahf::AV::get(m_rah[i])) m_ral[i] = ctx.read_reg(e1000::ral_n(i));
    }
    if ((dst[0] & 0x01) == 0) return;
    const uint16_t h = multicast_hash(dst, e1000::rctl::MO::get(m_rctl));
    m_mta[h >> 5] = ctx.read_reg(e1000::mta_n(h >> 5));
}

bool RxFilter::bind(const NicContext& ctx) {
    const Bound src{ctx.reg_storage(e1000::RCTL), ctx.reg_storage(e1000::RAL0), ctx.reg_storage(e1000::MTA)};
    if (!src.rctl || !src.ra || !src.mta) return false;
    // classify_from walks the entries by pointer: every register must be the storage word the layout implies.
    for (unsigned i = 0; i < kReceiveAddresses; ++i)
        if (ctx.reg_storage(e1000::ral_n(i)) != src.ra + 2 * i ||
            ctx.reg_storage(e1000::rah_n(i)) != src.ra + 2 * i + 1)
            return false;
    for (unsigned i = 0; i < kMtaWords; ++i)
        if (ctx.reg_storage(e1000::mta_n(i)) != src.mta + i) return false;
    m_src = src;
    m_is_bound = true;
    return true;
}

void RxFilter::refresh(const NicContext& ctx, const uint8_t* dst) {
    if (!m_bind_tried) {
        m_bind_tried = true;
        bind(ctx);
    }
    if (!m_is_bound) load_for(ctx, dst);
}

uint16_t RxFilter::multicast_hash(const uint8_t* dst, unsigned mo) {
    // 12 bits of the address counted as a little-endian 48-bit number: bytes 4 and 5 hold bits 47:32.
    const unsigned hi = static_cast<unsigned>(dst[4]) | (static_cast<unsigned>(dst[5]) << 8);  // bits 47:32
    static constexpr unsigned kShift[4] = {4, 3, 2, 0};  // MO 00: 47:36, 01: 46:35, 10: 45:34, 11: 43:32
    return static_cast<uint16_t>((hi >> kShift[mo & 3u]) & 0x0FFFu);
}

RxMatch RxFilter::classify(const uint8_t* dst) const {
    if (m_is_bound) return classify_from(dst, *m_src.rctl, m_src.ra, m_src.ra + 1, 2, m_src.mta);
    return classify_from(dst, m_rctl, m_ral, m_rah, 1, m_mta);
}

RxMatch RxFilter::classify_from(const uint8_t* dst, uint32_t rctl, const uint32_t* ral, const uint32_t* rah,
                                unsigned stride, const uint32_t* mta) {
    const uint32_t lo = static_cast<uint32_t>(dst[0]) | (static_cast<uint32_t>(dst[1]) << 8) |
                        (static_cast<uint32_t>(dst[2]) << 16) | (static_cast<uint32_t>(dst[3]) << 24);
    const uint32_t hi = static_cast<uint32_t>(dst[4]) | (static_cast<uint32_t>(dst[5]) << 8);
    for (unsigned i = 0; i < kReceiveAddresses; ++i) {
        const uint32_t h = rah[i * stride];
        if (!e1000::rahf::AV::get(h) || e1000::rahf::ASEL::get(h) != kAselDestination) continue;
        if (ral[i * stride] == lo && e1000::rahf::RAH::get(h) == hi) return RxMatch::kExact;
    }
    const bool group = (dst[0] & 0x01) != 0;  // I/G bit: multicast or broadcast
    const bool broadcast = lo == 0xFFFFFFFFu && hi == 0xFFFFu;
    if (broadcast && e1000::rctl::BAM::get(rctl)) return RxMatch::kBroadcast;
    if (group) {
        // Broadcast without BAM is treated as any other group address (MPE or its MTA bit).
        if (e1000::rctl::MPE::get(rctl)) return RxMatch::kPromiscuous;
        const uint16_t h = multicast_hash(dst, e1000::rctl::MO::get(rctl));
        if ((mta[h >> 5] >> (h & 31u)) & 1u) return RxMatch::kMulticastHash;
        return RxMatch::kRejected;
    }
    if (e1000::rctl::UPE::get(rctl)) return RxMatch::kPromiscuous;
    return RxMatch::kRejected;
}

}  // namespace nicsim::nic
