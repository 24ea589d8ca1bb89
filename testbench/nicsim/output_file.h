// The files a nicsim run writes, and the one policy they are written by:
// - a regular file (or a path that does not exist yet) is written to a temporary file in the same directory, which is
//   synced and renamed over it when complete, so a reader sees the old file or the whole new one, never a part; a
//   large one is written around the page cache (DirectWriter) where the file system allows it, else its finished
//   stretches are handed to the kernel's write-back while it is written, so the sync finds little left;
// - a symbolic link is followed: its target is replaced, the link stays;
// - anything else (a character device such as /dev/null, a FIFO, "-" or a name for standard output) is written in
//   place, as it is;
// - no output may be an input or another output (same device and inode, or the same normalised name);
// - every problem a run could otherwise meet only at its end (a directory, a missing parent directory, no
//   permission) is found by OutputPlan::check() before anything is written;
// - every write, sync, close and rename is checked: a failure is one line naming the option and the file;
// - an output may be written by a library that takes a file name (the FST by GTKWave's writer): it writes the
//   temporary file, which is renamed into place only when the file it wrote is whole.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "testbench/nicsim/direct_writer.h"

namespace nicsim::tb {

/// An output or input the run cannot use: one line, naming the option and the file (the run exits 2).
class OutputRefused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Where a path leads, as found before the run.
struct FileIdentity {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    std::string name;  ///< normalised absolute name (of the link target, for a link)
    bool same_as(const FileIdentity& other) const;
};

/// The descriptor under an open output's stream, and the errno of its first failed write. The stream may be written
/// from another thread than the one that checks it for errors (a trace writer's thread): `error` is atomic.
struct OutputSink {
    int fd = -1;
    std::atomic<int> error{0};
    /// A regular file: the kernel is asked to write each finished stretch to the disk as the run goes on, so the sync
    /// at the end has only the tail left (output_file.cpp, stream_to_disk()).
    bool stream_to_disk = false;
    off_t written = 0;    ///< bytes written so far
    off_t submitted = 0;  ///< bytes before this offset have been handed to the kernel's write-back
    /// A regular file is written around the page cache where the file system allows it (direct_writer.h); else
    /// through the page cache, with stream_to_disk.
    std::unique_ptr<DirectWriter> direct;
};

/// An output a library writes itself, given a file name (GTKWave's FST writer): the run never holds a stream to it.
struct NamedWriter {
    std::string what;  ///< what asked for it, in messages ("--trace-format fst")
    /// Whether the written file is whole (given a descriptor open for reading): empty if so, else the reason.
    std::function<std::string(int fd)> check_file;
};

class OutputFile {
  public:
    enum class Kind {
        Replace,  ///< regular file (new or existing): temporary file, sync, rename
        InPlace,  ///< device or FIFO: opened and written as it is
        Stdout,   ///< standard output ("-", /dev/stdout or the file standard output already is)
    };

    /// `option` names it in messages ("--vcd"); `path` as the user gave it. Nothing is touched until open().
    OutputFile(std::string option, std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    /// The file is written by a library under temp_name() instead of through stream(). Only a regular file can be:
    /// resolve() refuses anything else.
    void write_by_name(NamedWriter writer) { m_named = std::move(writer); }

    /// Find what the path leads to and whether it can be written; throws OutputRefused. Touches no file.
    void resolve();

    const std::string& option() const { return m_option; }
    const std::string& path() const { return m_path; }
    /// The file that is written (a link's target), after resolve().
    const std::string& target() const { return m_target; }
    Kind kind() const { return m_kind; }
    const FileIdentity& identity() const { return m_identity; }

    /// Create the temporary file, or open the device, FIFO or standard output. False with error() set.
    bool open();
    /// The open stream (owned here), or nullptr before open(), after commit() and for a write_by_name() output.
    std::FILE* stream() const { return m_stream; }
    /// write_by_name(): the name the library writes the file under, reserved by open() (empty before).
    const std::string& temp_name() const { return m_temp; }
    /// A write to the stream has failed so far (its error indicator is set).
    bool failed() const;
    /// Flush, sync and close; a regular file is then renamed into place. False with error() set (the temporary file
    /// is removed then). Nothing happens when not open.
    bool commit();
    /// Close without finishing: the temporary file is removed, the target left as it was.
    void abandon();
    /// One line naming the option, the file and what went wrong (empty while all is well).
    const std::string& error() const { return m_error; }

  private:
    bool fail(const std::string& what);
    /// Flush, sync (a regular file) and close stream and descriptor; the errno of the first failure, or 0.
    int close_stream();
    /// write_by_name(): check the file the library wrote and sync it. Empty, or what went wrong.
    std::string finish_named() const;

    std::string m_option;
    std::string m_path;
    std::string m_target;
    std::string m_temp;
    Kind m_kind = Kind::Replace;
    FileIdentity m_identity;
    mode_t m_mode = 0;  ///< permissions of the file replaced (0: new file)
    OutputSink m_sink;
    std::FILE* m_stream = nullptr;
    std::optional<NamedWriter> m_named;
    bool m_reserved = false;  ///< write_by_name(): open() reserved temp_name()
    std::string m_error;
};

/// Every output and input of one run, checked together before the run starts.
class OutputPlan {
  public:
    /// A file the run reads (--pcap-in, a scenario file): no output may be it. Empty paths are ignored.
    void add_input(const std::string& option, const std::string& path);
    /// A file the run writes; the returned object lives as long as the plan.
    OutputFile& add_output(const std::string& option, const std::string& path);
    /// Resolve every output and refuse directories, missing directories, files without permission, an output that
    /// is an input or another output; throws OutputRefused with the first problem. Touches no file.
    void check();
    /// Open every output (in the order added); false with the first error in `error`, every output abandoned.
    bool open_all(std::string& error);
    /// An output whose stream has a write error so far, or nullptr.
    const OutputFile* first_failed() const;
    /// Some output is standard output (the run's own text then goes to standard error).
    bool uses_stdout() const;
    const std::vector<std::unique_ptr<OutputFile>>& outputs() const { return m_outputs; }

  private:
    struct Input {
        std::string option;
        std::string path;
    };
    std::vector<Input> m_inputs;
    std::vector<std::unique_ptr<OutputFile>> m_outputs;
};

/// Write `text` to `out` through open()/commit(): false with out.error() set.
bool write_whole(OutputFile& out, const std::string& text);

/// Write `text` as the whole of `path` by the policy above (temporary file, sync, rename; a link's target
/// replaced). False when it could not, with the one-line reason in `error` when given.
bool write_file_atomically(const std::string& path, const std::string& text, std::string* error = nullptr);

}  // namespace nicsim::tb
