// A data-path engine's answer to "would tick() change something now?" (TxEngine/RxEngine::has_work without what
// time alone changes), kept while the engine's state stays as it is. The fast mode's sleeping NIC asks the whole data
// path after every evaluated edge, received frame, register write and interrupt cause, and most of those leave one of
// the two engines untouched: its answer is then a load instead of walking its descriptor cache's thresholds.
#pragma once

#include <cstdint>

namespace nicsim::nic {

/// Every configuration but Release (NICSIM_CHECK_WORK_CACHE) checks each kept answer against a fresh one: a stale
/// answer ends the run here.
[[noreturn]] void work_cache_stale(const char* engine);

class WorkCache {
  public:
    /// The engine's state changed, or may have: the answer is worked out again when next asked.
    void forget() { m_known = false; }

    /// The kept answer, or compute() when there is none. `control` is the ring's TXDCTL/RXDCTL word, which the
    /// answer reads (prefetch and write-back thresholds) and which software writes in the register file: a
    /// different word is a different question.
    template <class Compute>
    bool get(uint32_t control, Compute compute, const char* engine) const {
        if (!m_known || control != m_control) {
            m_value = compute();
            m_control = control;
            m_known = true;
        }
#ifdef NICSIM_CHECK_WORK_CACHE
        else if (compute() != m_value) {
            work_cache_stale(engine);
        }
#else
        (void)engine;
#endif
        return m_value;
    }

    /// No answer is kept for this control word, or the one kept is what compute() says now (tests).
    template <class Compute>
    bool current(uint32_t control, Compute compute) const {
        return !m_known || control != m_control || compute() == m_value;
    }

    /// The kept answer is "no work" for this control word (tick() would change nothing, time aside).
    bool known_idle(uint32_t control) const {
        return m_known && !m_value && control == m_control;
    }

    /// Forgets the answer when built and again when destroyed: put at the top of each function that changes the
    /// engine's state, it also covers the calls out of it halfway (an interrupt cause raised), which may ask again.
    class Change {
      public:
        explicit Change(WorkCache& c) : m_cache(c) { c.forget(); }
        ~Change() { m_cache.forget(); }
        Change(const Change&) = delete;
        Change& operator=(const Change&) = delete;

      private:
        WorkCache& m_cache;
    };

  private:
    mutable bool m_known = false;
    mutable bool m_value = false;
    mutable uint32_t m_control = 0;
};

}  // namespace nicsim::nic
