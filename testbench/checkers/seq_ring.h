// Values kept in sequence order, for a scoreboard whose keys arrive mostly in increasing order and leave mostly from
// the front: a circular buffer of slots sorted by sequence. A value taken out leaves its slot dead until the slots
// before it are gone too, so the sequences between the first and last live value are looked up by position, without
// a tree's nodes, pointer chasing or rebalancing per insertion and removal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace nicsim::tb {

template <class T>
class SeqRing {
  public:
    static constexpr size_t kNone = ~size_t{0};

    bool empty() const { return m_live == 0; }
    size_t size() const { return m_live; }
    /// The value with the lowest sequence (the first slot is always live). Not empty() only.
    uint64_t front_seq() const { return slot(0).seq; }
    T& front() { return slot(0).value; }
    const T& front() const { return slot(0).value; }
    uint64_t back_seq() const { return slot(m_len - 1).seq; }

    /// Position of the live value with sequence `seq`, or kNone.
    size_t find(uint64_t seq) const {
        if (m_live == 0 || seq < front_seq()) return kNone;
        size_t i = seq - front_seq();  // right at once while the sequences are consecutive
        if (i >= m_len || slot(i).seq != seq) i = lower_bound(seq);
        return i < m_len && slot(i).seq == seq && slot(i).live ? i : kNone;
    }
    T& at(size_t i) { return slot(i).value; }

    /// Holds `value` under `seq`, replacing a value held there.
    void insert(uint64_t seq, T&& value) { hold(seq) = std::move(value); }

    /// The live value under `seq`: the one held there, or a new slot's, which keeps what a dead slot last held (the
    /// caller sets every part of it; assigning in place spares a temporary's construction and destruction).
    T& hold(uint64_t seq) {
        if (m_len != 0 && seq <= back_seq()) return hold_within(seq);
        if (m_len == m_cap) grow();
        return claim(m_len++, seq);  // the usual case: a sequence after every one held
    }

    /// Takes out the value at position i (from find()); what it holds stays in the dead slot for the caller to have
    /// moved out before. Positions found earlier are no longer valid.
    void erase(size_t i) {
        slot(i).live = false;
        --m_live;
        while (m_len != 0 && !slot(0).live) {
            m_head = (m_head + 1) & (m_cap - 1);
            --m_len;
        }
        while (m_len != 0 && !slot(m_len - 1).live) --m_len;
    }

  private:
    struct Slot {
        uint64_t seq = 0;
        bool live = false;
        T value{};
    };

    // The capacity kept beside the vector: its size() is a division by the slot's size, in every lookup.
    Slot& slot(size_t i) { return m_slots[(m_head + i) & (m_cap - 1)]; }
    const Slot& slot(size_t i) const { return m_slots[(m_head + i) & (m_cap - 1)]; }

    // The first position whose sequence is not below `seq` (m_len when none).
    size_t lower_bound(uint64_t seq) const {
        size_t lo = 0, hi = m_len;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (slot(mid).seq < seq)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    // hold() of a sequence at or before the last one held (kept off hold()'s usual path).
    [[gnu::noinline]] T& hold_within(uint64_t seq) {
        size_t i = lower_bound(seq);
        if (slot(i).seq != seq) i = open_gap(i);
        return claim(i, seq);
    }

    // Position i's slot made live under `seq`.
    T& claim(size_t i, uint64_t seq) {
        Slot& s = slot(i);
        s.seq = seq;
        if (!s.live) ++m_live;
        s.live = true;
        return s.value;
    }

    // Makes position i a fresh dead slot by moving the slots from i on one place back (an out-of-order expectation:
    // rare, so linear).
    size_t open_gap(size_t i) {
        if (m_len == m_cap) grow();
        ++m_len;
        for (size_t j = m_len - 1; j > i; --j) std::swap(slot(j), slot(j - 1));
        slot(i).live = false;
        return i;
    }

    // Doubles the capacity (a power of two, so a position is a mask away), keeping the order from position 0.
    [[gnu::cold, gnu::noinline]] void grow() {
        std::vector<Slot> bigger(m_cap == 0 ? 16 : 2 * m_cap);
        for (size_t i = 0; i < m_len; ++i) bigger[i] = std::move(slot(i));
        m_slots = std::move(bigger);
        m_cap = m_slots.size();
        m_head = 0;
    }

    std::vector<Slot> m_slots;
    size_t m_cap = 0;   // m_slots.size()
    size_t m_head = 0;  // position 0's slot
    size_t m_len = 0;   // slots from the first live to the last live one, dead ones between included
    size_t m_live = 0;
};

}  // namespace nicsim::tb
