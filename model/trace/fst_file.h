// An FST writer for the SystemC kernel: GTKWave's compressed trace format, written through GTKWave's own FST library
// (fstapi), with the signals, scopes, names, value changes and time stamps FastVcdFile writes for the same run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace/polled_trace_file.h"

namespace nicsim {

class FstFile : public PolledTraceFile {
  public:
    /// How the value changes are packed: LZ4 (the library's fastest) or the zlib format (its smallest; packed by
    /// nicsim's deflate encoder and libdeflate where the build found libdeflate, fst_deflate.cpp). On a saturated
    /// bus's trace the zlib format gives 16 x less than the VCD and LZ4 6 x (docs/performance.md).
    enum class Packing { Lz4, Zlib };

    /// Creates `path` (an existing file of that name is removed first) and registers with the simulation kernel.
    /// While it is written, the library keeps the hierarchy in `path`.hier beside it and its working files in the
    /// temporary directory. An uncreatable file is reported (nicsim/trace/open) and traces nothing.
    explicit FstFile(const std::string& path, Packing packing = Packing::Zlib);
    /// close().
    ~FstFile() override;

    bool ok() const { return m_ctx != nullptr; }
    /// The final time stamp, then the library completes the file (signal table, hierarchy, header): the file is
    /// whole only after this. Nothing is traced afterwards.
    void close();

  protected:
    /// The FST has a comment list of its own, written at close(); nicsim writes no comments between values.
    void write_comment_now(const std::string& comment) override;
    void write_declarations() override;
    void begin_values(uint64_t units) override;
    void end_values() override {}
    void write_time(uint64_t units) override;
    void write_value(const Var& v) override;
    void write_values(const uint32_t* indices, size_t n) override;
    void write_edge(uint64_t units, const Var& clock) override;
    /// Each signal's changes go to a list of its own: the order within a time stamp changes no byte of the file.
    bool values_ordered() const override { return false; }

  private:
    /// The value as characters, most significant bit first (the library's form for every value but a real).
    const char* text_of(const Var& v);
    /// Hands the library one value change; false for a real (not counted towards packing, as before).
    bool emit(const Var& v);
    /// `n` value changes more: the library packs its buffer every kPackEvery.
    void count_changes(uint64_t n);

    void* m_ctx = nullptr;  // the library's writer
    std::string m_path;
    LineVector<char> m_text;  // room for the widest value
    uint64_t m_pending = 0;   // value changes since the library last packed its buffer
};

}  // namespace nicsim
