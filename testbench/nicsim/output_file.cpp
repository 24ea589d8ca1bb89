#include "testbench/nicsim/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace nicsim::tb {

namespace {

constexpr int kMaxLinks = 40;                      // the kernel's own limit on a chain of symbolic links (ELOOP)
constexpr off_t kWriteBackChunk = off_t(8) << 20;  // stream_to_disk(): a few disk requests' worth, far below RAM

std::string dir_of(const std::string& p) {
    const size_t s = p.rfind('/');
    if (s == std::string::npos) return ".";
    return s == 0 ? "/" : p.substr(0, s);
}

std::string base_of(const std::string& p) {
    const size_t s = p.rfind('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

std::string quoted(const std::string& p) {
    return "'" + p + "'";
}

/// The last name of the chain of symbolic links starting at `path` (it may not exist: a dangling link's target).
std::string follow_links(const std::string& path) {
    std::string p = path;
    for (int hop = 0; hop < kMaxLinks; ++hop) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        char buf[PATH_MAX];
        const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
        if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return p;
        const std::string link(buf, static_cast<size_t>(n));
        p = link[0] == '/' ? link : dir_of(p) + "/" + link;
    }
    throw OutputRefused("too many levels of symbolic links");
}

std::string real_name(const std::string& p) {
    char buf[PATH_MAX];
    if (::realpath(p.c_str(), buf)) return buf;
    char dir[PATH_MAX];
    if (::realpath(dir_of(p).c_str(), dir)) return std::string(dir) + "/" + base_of(p);
    return p;
}

FileIdentity identity_of(const std::string& path) {
    FileIdentity id;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        id.exists = true;
        id.dev = st.st_dev;
        id.ino = st.st_ino;
    }
    id.name = real_name(path);
    return id;
}

FileIdentity stdout_identity() {
    FileIdentity id;
    struct stat st {};
    if (::fstat(STDOUT_FILENO, &st) == 0) {
        id.exists = true;
        id.dev = st.st_dev;
        id.ino = st.st_ino;
    }
    id.name = "<standard output>";
    return id;
}

bool is_stdout(const struct stat& st) {
    struct stat out {};
    return ::fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino;
}

void need_access(const std::string& path, int mode, const std::string& what) {
    if (::access(path.c_str(), mode) != 0) throw OutputRefused(what + ": " + std::strerror(errno));
}

mode_t new_file_mode() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

/// Asks the kernel to write each finished stretch of kWriteBackChunk bytes of a regular file to the disk while the run
/// goes on, waits for the stretch before it (written by then, unless the disk is slower than the run) and drops that
/// one from the page cache. Without it a traced run's gigabytes stay dirty in memory and the sync before the rename
/// writes them all at the end. Advice only: the final fsync() still makes the file durable and reports any error.
void stream_to_disk(OutputSink& s) {
#if defined(SYNC_FILE_RANGE_WRITE) && defined(POSIX_FADV_DONTNEED)
    while (s.written - s.submitted >= kWriteBackChunk) {
        if (::sync_file_range(s.fd, s.submitted, kWriteBackChunk, SYNC_FILE_RANGE_WRITE) != 0) {
            s.stream_to_disk = false;  // not supported by this file system: the final sync does it all
            return;
        }
        if (s.submitted >= kWriteBackChunk) {
            const off_t before = s.submitted - kWriteBackChunk;
            ::sync_file_range(s.fd, before, kWriteBackChunk,
                              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
            ::posix_fadvise(s.fd, before, kWriteBackChunk, POSIX_FADV_DONTNEED);
        }
        s.submitted += kWriteBackChunk;
    }
#else
    s.stream_to_disk = false;
#endif
}

/// stdio over a descriptor whose writes keep their errno, so a failure is reported with its reason.
ssize_t sink_write(void* cookie, const char* buf, size_t size) {
    auto* s = static_cast<OutputSink*>(cookie);
    if (s->direct) {
        const bool ok = s->direct->write(buf, size);
        if (s->direct->refused()) s->direct.reset();  // written; the rest through the page cache
        if (!ok) return -1;
        s->written += static_cast<off_t>(size);
        return static_cast<ssize_t>(size);
    }
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(s->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int expected = 0;
            s->error.compare_exchange_strong(expected, n < 0 ? errno : EIO);
            return -1;
        }
        done += static_cast<size_t>(n);
    }
    s->written += static_cast<off_t>(size);
    if (s->stream_to_disk) stream_to_disk(*s);
    return static_cast<ssize_t>(size);
}

std::FILE* stream_over(OutputSink& sink) {
    cookie_io_functions_t io{};
    io.write = sink_write;
    std::FILE* f = ::fopencookie(&sink, "w", io);
    if (f) std::setvbuf(f, nullptr, _IOFBF, 1u << 16);
    return f;
}

}  // namespace

bool FileIdentity::same_as(const FileIdentity& other) const {
    if (exists && other.exists) return dev == other.dev && ino == other.ino;
    return !name.empty() && name == other.name;
}

OutputFile::OutputFile(std::string option, std::string path) : m_option(std::move(option)), m_path(std::move(path)) {}

OutputFile::~OutputFile() {
    abandon();
}

void OutputFile::resolve() {
    const std::string head = m_option + ": cannot write " + quoted(m_path);
    try {
        if (m_path == "-") {
            m_kind = Kind::Stdout;
            m_target = m_path;
            m_identity = stdout_identity();
            return;
        }
        struct stat st {};
        if (::stat(m_path.c_str(), &st) == 0) {
            if (is_stdout(st)) {
                m_kind = Kind::Stdout;
                m_target = m_path;
                m_identity = stdout_identity();
                return;
            }
            if (S_ISDIR(st.st_mode)) throw OutputRefused("it is a directory");
            if (S_ISREG(st.st_mode)) {
                m_kind = Kind::Replace;
                m_target = follow_links(m_path);
                m_mode = st.st_mode & 07777;
                need_access(m_target, W_OK, "the file is not writable");
                need_access(dir_of(m_target), W_OK | X_OK, "cannot create files in " + quoted(dir_of(m_target)));
            } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISBLK(st.st_mode)) {
                m_kind = Kind::InPlace;
                m_target = m_path;
                need_access(m_target, W_OK, "not writable");
            } else {
                throw OutputRefused("it is neither a file, a device nor a FIFO");
            }
        } else if (errno == ENOENT) {
            m_kind = Kind::Replace;
            m_target = follow_links(m_path);
            const std::string dir = dir_of(m_target);
            struct stat ds {};
            if (::stat(dir.c_str(), &ds) != 0) throw OutputRefused("directory " + quoted(dir) + " does not exist");
            if (!S_ISDIR(ds.st_mode)) throw OutputRefused(quoted(dir) + " is not a directory");
            need_access(dir, W_OK | X_OK, "cannot create files in " + quoted(dir));
        } else {
            throw OutputRefused(std::strerror(errno));
        }
        m_identity = identity_of(m_target);
    } catch (const OutputRefused& e) {
        throw OutputRefused(head + ": " + e.what());
    }
    if (m_named && m_kind != Kind::Replace)
        throw OutputRefused(head + ": " + m_named->what +
                            " writes a regular file, not a device, a FIFO or standard output");
}

bool OutputFile::fail(const std::string& what) {
    if (m_error.empty()) m_error = m_option + ": " + quoted(m_path) + ": " + what;
    return false;
}

bool OutputFile::open() {
    if (m_stream || m_reserved) return true;
    m_sink.fd = -1;
    m_sink.error = 0;
    m_sink.written = m_sink.submitted = 0;
    m_sink.stream_to_disk = m_kind == Kind::Replace;
    m_sink.direct.reset();
    if (m_kind == Kind::Replace) {
        std::string tmpl = dir_of(m_target) + "/." + base_of(m_target) + ".XXXXXX";
        m_sink.fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
        if (m_sink.fd >= 0) {
            m_temp = tmpl;
            ::fchmod(m_sink.fd, m_mode ? m_mode : new_file_mode());
            if (m_named) {
                // The name is reserved; the library creates the file under it anew (GTKWave's unlinks it first).
                ::close(m_sink.fd);
                m_sink.fd = -1;
                m_reserved = true;
                return true;
            }
            m_sink.direct = std::make_unique<DirectWriter>(m_sink.fd, m_sink.error);
        }
    } else if (m_kind == Kind::InPlace) {
        m_sink.fd = ::open(m_target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    } else {
        m_sink.fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    }
    if (m_sink.fd < 0) return fail(std::string("cannot open: ") + std::strerror(errno));
    m_stream = stream_over(m_sink);
    if (!m_stream) {
        const int err = errno;
        close_stream();
        return fail(std::string("cannot open: ") + std::strerror(err));
    }
    return true;
}

bool OutputFile::failed() const {
    return m_stream && (std::ferror(m_stream) || m_sink.error);
}

int OutputFile::close_stream() {
    int err = 0;
    if (m_stream) {
        const bool flushed = std::fflush(m_stream) == 0 && !std::ferror(m_stream);
        if (!(m_sink.direct ? m_sink.direct->finish() && flushed : flushed))
            err = m_sink.error.load() ? m_sink.error.load() : EIO;
        m_sink.direct.reset();
        std::fclose(m_stream);  // the cookie stream has no close function: the descriptor is closed below
        m_stream = nullptr;
    }
    if (m_sink.fd >= 0) {
        if (!err && m_kind == Kind::Replace && ::fsync(m_sink.fd) != 0) err = errno;
        if (::close(m_sink.fd) != 0 && !err) err = errno;
        m_sink.fd = -1;
    }
    return err;
}

bool OutputFile::commit() {
    if (!m_stream && !m_reserved) return m_error.empty();
    const int err = close_stream();
    std::string why = err ? std::string("write failed: ") + std::strerror(err) : std::string();
    if (m_reserved) {
        m_reserved = false;
        why = finish_named();
    }
    if (!why.empty()) {
        fail(why);
        abandon();
        return false;
    }
    if (m_kind != Kind::Replace) return true;
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
        fail("cannot rename " + quoted(m_temp) + " into place: " + std::strerror(errno));
        abandon();
        return false;
    }
    m_temp.clear();
    // The rename is durable once the directory is synced too; some file systems cannot sync a directory (EINVAL).
    const int dir = ::open(dir_of(m_target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

std::string OutputFile::finish_named() const {
    const int fd = ::open(m_temp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::string("no file was written: ") + std::strerror(errno);
    std::string why = m_named->check_file ? m_named->check_file(fd) : std::string();
    if (!why.empty())
        why = "the file written is incomplete (" + why + "): a write failed";
    else if (::fchmod(fd, m_mode ? m_mode : new_file_mode()) != 0 || ::fsync(fd) != 0)
        why = std::string("write failed: ") + std::strerror(errno);
    ::close(fd);
    return why;
}

void OutputFile::abandon() {
    if (m_stream) std::fclose(m_stream);
    m_stream = nullptr;
    m_sink.direct.reset();  // its thread ends before the descriptor is closed
    if (m_sink.fd >= 0) ::close(m_sink.fd);
    m_sink.fd = -1;
    m_reserved = false;
    if (m_named && !m_temp.empty())
        ::unlink((m_temp + ".hier").c_str());  // GTKWave's writer's, left if it never closed
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
    m_temp.clear();
}

void OutputPlan::add_input(const std::string& option, const std::string& path) {
    if (!path.empty()) m_inputs.push_back({option, path});
}

OutputFile& OutputPlan::add_output(const std::string& option, const std::string& path) {
    m_outputs.push_back(std::make_unique<OutputFile>(option, path));
    return *m_outputs.back();
}

void OutputPlan::check() {
    for (auto& out : m_outputs) out->resolve();
    for (size_t i = 0; i < m_outputs.size(); ++i) {
        const OutputFile& a = *m_outputs[i];
        for (const Input& in : m_inputs) {
            if (in.path != "-" && a.identity().same_as(identity_of(in.path)))
                throw OutputRefused(a.option() + ": " + quoted(a.path()) + " is the file " + in.option + " reads");
        }
        for (size_t j = 0; j < i; ++j) {
            const OutputFile& b = *m_outputs[j];
            // Several outputs may go to one device such as /dev/null; never two to one file or standard output.
            const bool shared_device = a.kind() == OutputFile::Kind::InPlace && b.kind() == OutputFile::Kind::InPlace;
            if (!shared_device && a.identity().same_as(b.identity()))
                throw OutputRefused(a.option() + ": " + quoted(a.path()) + " is the same file as " + b.option() + " " +
                                    quoted(b.path()));
        }
    }
}

bool OutputPlan::open_all(std::string& error) {
    for (auto& out : m_outputs) {
        if (out->open()) continue;
        error = out->error();
        for (auto& o : m_outputs) o->abandon();
        return false;
    }
    return true;
}

const OutputFile* OutputPlan::first_failed() const {
    for (const auto& out : m_outputs)
        if (out->failed()) return out.get();
    return nullptr;
}

bool OutputPlan::uses_stdout() const {
    for (const auto& out : m_outputs)
        if (out->kind() == OutputFile::Kind::Stdout) return true;
    return false;
}

bool write_whole(OutputFile& out, const std::string& text) {
    if (!out.open()) return false;
    std::fwrite(text.data(), 1, text.size(), out.stream());
    return out.commit();
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string* error) {
    OutputFile out("write", path);
    try {
        out.resolve();
    } catch (const OutputRefused& e) {
        if (error) *error = e.what();
        return false;
    }
    const bool written = out.open() && std::fwrite(text.data(), 1, text.size(), out.stream()) == text.size() &&
                         !out.failed() && out.commit();
    if (!written) {
        out.abandon();
        if (error) *error = out.error();
    }
    return written;
}

}  // namespace nicsim::tb
