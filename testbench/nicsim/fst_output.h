// The FST trace (--trace-format fst): the run writes its VCD into a pipe, and GTKWave's own converter vcd2fst turns
// it into GTKWave's compressed format as it arrives, so no full-size VCD reaches the disk. The FST holds the same
// scopes, signals and value changes as the VCD of the same run.
#pragma once

#include <string>

#include "testbench/nicsim/output_file.h"

namespace nicsim::tb {

/// vcd2fst reading standard input, for OutputFile::convert_through(); its file is checked by check_fst_blocks().
OutputConverter fst_converter();

/// Whether the FST file open on `fd` is whole: a chain of blocks (a type byte, then a big-endian 64-bit length that
/// counts itself and the block's data) that starts with the header block, ends exactly at the end of the file, and
/// holds the geometry and hierarchy blocks vcd2fst writes when it closes the file. Empty if so, else what is wrong.
std::string check_fst_blocks(int fd);

}  // namespace nicsim::tb
