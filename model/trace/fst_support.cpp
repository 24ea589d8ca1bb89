#include "model/trace/fst_support.h"

namespace nicsim {

bool fst_writer_built() {
#ifdef NICSIM_HAVE_FST
    return true;
#else
    return false;
#endif
}

}  // namespace nicsim
