#include "testbench/nicsim/direct_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "model/common/signals_blocked.h"

namespace nicsim::tb {

namespace {

bool set_direct(int fd, bool on) {
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

}  // namespace

DirectWriter::DirectWriter(int fd, std::atomic<int>& error) : m_fd(fd), m_error(error) {}

bool DirectWriter::begin() {
    if (!set_direct(m_fd, true)) return false;
    m_direct = true;
    for (size_t i = 1; i < kBuffers; ++i) {
        void* p = std::aligned_alloc(kAlign, kBufferBytes);
        if (!p) throw std::bad_alloc();
        m_buffers.emplace_back(static_cast<unsigned char*>(p), std::free);
        m_free.push_back(i);
    }
    const SignalsBlocked blocked;
    m_thread = std::thread([this] { run(); });
    return true;
}

DirectWriter::~DirectWriter() {
    stop_thread();
}

bool DirectWriter::write(const char* buf, size_t size) {
    if (m_buffers.empty()) {
        void* p = std::aligned_alloc(kAlign, kBufferBytes);
        if (!p) throw std::bad_alloc();
        m_buffers.emplace_back(static_cast<unsigned char*>(p), std::free);
    }
    while (size > 0) {
        const size_t k = std::min(size, kBufferBytes - m_fill);
        std::memcpy(m_buffers[m_filling].get() + m_fill, buf, k);
        m_fill += k;
        buf += k;
        size -= k;
        if (m_fill == kBufferBytes) hand_over();
        if (m_refused) return size == 0 || write_out(reinterpret_cast<const unsigned char*>(buf), size);
    }
    return m_error.load(std::memory_order_relaxed) == 0;
}

void DirectWriter::hand_over() {
    if (!m_thread.joinable() && !begin()) {
        m_refused = true;
        write_out(m_buffers[m_filling].get(), m_fill);
        m_fill = 0;
        return;
    }
    std::unique_lock<std::mutex> lock(m_mutex);
    m_queue.push_back(m_filling);
    m_full.notify_one();
    m_freed.wait(lock, [this] { return !m_free.empty(); });
    m_filling = m_free.back();
    m_free.pop_back();
    m_fill = 0;
}

void DirectWriter::run() {
    for (;;) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_full.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
        if (m_queue.empty()) return;  // stopping, and everything written
        const size_t i = m_queue.front();
        lock.unlock();
        // After a failure nothing more is written: the run fails and the temporary file is removed.
        if (m_error.load(std::memory_order_relaxed) == 0) write_out(m_buffers[i].get(), kBufferBytes);
        lock.lock();
        m_queue.pop_front();
        m_free.push_back(i);
        m_freed.notify_one();
    }
}

bool DirectWriter::write_out(const unsigned char* data, size_t size) {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(m_fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        // A file system that takes the flag but not these writes (an alignment it needs larger than kAlign): the
        // page cache after all, for the rest of the file.
        if (n < 0 && errno == EINVAL && done == 0 && set_direct(m_fd, false)) continue;
        if (n <= 0) {
            note_error(n < 0 ? errno : EIO);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

void DirectWriter::note_error(int err) {
    int expected = 0;
    m_error.compare_exchange_strong(expected, err);
}

void DirectWriter::stop_thread() {
    if (!m_thread.joinable()) return;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_full.notify_one();
    m_thread.join();
}

bool DirectWriter::finish() {
    stop_thread();
    // The tail is not a whole number of aligned blocks: written through the page cache, synced by the caller.
    if (m_direct && !set_direct(m_fd, false)) note_error(errno);
    m_direct = false;
    if (m_error.load() == 0 && m_fill > 0) write_out(m_buffers[m_filling].get(), m_fill);
    m_fill = 0;
    return m_error.load() == 0;
}

}  // namespace nicsim::tb
