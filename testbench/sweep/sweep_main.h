// `nicsim sweep` and `nicsim plot`: the subcommands nicsim's main hands its arguments to when the first one names
// them. Exit status: 0 every point passed, 1 a point failed or has no result, 2 bad input (nothing run), 128 + N a
// signal N stopped the sweep (finished points keep their results).
#pragma once

#include <string>

namespace nicsim::sweep {

/// True when argv[1] names a subcommand (sweep, plot).
bool is_subcommand(int argc, char** argv);
int subcommand_main(int argc, char** argv);

}  // namespace nicsim::sweep
