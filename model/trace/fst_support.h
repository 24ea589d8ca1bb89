// Whether this build has an FST writer, in a header without SystemC: the option checks ask it before anything runs.
#pragma once

namespace nicsim {

/// True when GTKWave's fstapi.c was found when nicsim was configured (Debian package verilator).
bool fst_writer_built();

}  // namespace nicsim
