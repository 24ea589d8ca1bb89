// The FST trace (--trace-format fst): GTKWave's compressed format, written inside the run by GTKWave's own FST writer
// (model/trace/fst_file.h) under the temporary name OutputFile reserves, and checked whole before it is renamed into
// place. The FST holds the same scopes, signals and value changes as the VCD of the same run.
#pragma once

#include <string>

#include "testbench/nicsim/output_file.h"

namespace nicsim::tb {

/// The FST writer, for OutputFile::write_by_name(); its file is checked by check_fst_blocks().
NamedWriter fst_writer();

/// Whether the FST file open on `fd` is whole: a chain of blocks (a type byte, then a big-endian 64-bit length that
/// counts itself and the block's data) that starts with the header block, ends exactly at the end of the file, and
/// holds the geometry and hierarchy blocks the writer adds when it closes the file. Empty if so, else what is wrong.
std::string check_fst_blocks(int fd);

}  // namespace nicsim::tb
