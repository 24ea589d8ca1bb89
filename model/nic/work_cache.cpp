#include "model/nic/work_cache.h"

#include <cstdio>
#include <cstdlib>

namespace nicsim::nic {

// A kept answer that a fresh one contradicts is a state change without WorkCache::Change: a model bug whose effect
// (a NIC asleep with work, or ticked for nothing) could be silent, so the checking builds stop at once.
void work_cache_stale(const char* engine) {
    std::fprintf(stderr, "nicsim: internal error: the %s engine's kept \"has work\" answer is stale\n", engine);
    std::abort();
}

}  // namespace nicsim::nic
