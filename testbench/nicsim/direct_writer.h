// A regular file written around the page cache (O_DIRECT), its writes on a thread of their own. A traced run writes
// its VCD at a few hundred MB/s on the same two cores as the simulation: through the page cache each 4 KiB page cost
// the writer thread a copy, the file system's delayed allocation and buffer heads, the write-back's submission and the
// page's release (OutputSink's stream_to_disk), about a third of the writer's CPU time. Written directly, the disk
// reads the bytes from a few aligned buffers, and the thread here waits for it while the trace's writer formats on.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nicsim::tb {

class DirectWriter {
  public:
    /// Each direct write is one buffer of kBufferBytes; kBuffers are filled or being written at a time.
    static constexpr size_t kBufferBytes = size_t(1) << 20;
    static constexpr size_t kBuffers = 8;
    /// Alignment every file system and disk accepts for O_DIRECT (of the buffers, offsets and sizes).
    static constexpr size_t kAlign = 4096;

    /// Direct writes to `fd`, a regular file written from offset 0. The first failed write's errno goes to `error`
    /// (kept if already set). Nothing is allocated, no thread started and no flag set before the first full buffer:
    /// a small file is written once, through the page cache, when finished.
    DirectWriter(int fd, std::atomic<int>& error);
    /// Waits for the writes handed over, without writing what is still gathered (the file is being abandoned).
    ~DirectWriter();
    DirectWriter(const DirectWriter&) = delete;
    DirectWriter& operator=(const DirectWriter&) = delete;

    /// Appends [buf, buf + size): false once a write has failed.
    bool write(const char* buf, size_t size);
    /// The file system refused O_DIRECT at the first full buffer, which was written through the page cache: the
    /// caller writes the rest itself (the writer has nothing left).
    bool refused() const { return m_refused; }
    /// Waits for every write, ends the thread and writes the tail (less than a buffer) through the page cache. False
    /// when any write failed.
    bool finish();

  private:
    using Buffer = std::unique_ptr<unsigned char, void (*)(void*)>;
    /// The buffer being filled goes to the thread (started at the first); waits until another one is free.
    void hand_over();
    /// The first full buffer: O_DIRECT on, the other buffers and the thread; false where O_DIRECT is refused.
    bool begin();
    void run();
    /// Writes `size` bytes (on the thread); false with the error noted.
    bool write_out(const unsigned char* data, size_t size);
    void note_error(int err);
    void stop_thread();

    const int m_fd;
    std::atomic<int>& m_error;
    std::vector<Buffer> m_buffers;
    size_t m_filling = 0;  // the buffer being filled (writer's side)
    size_t m_fill = 0;     // bytes in it
    std::mutex m_mutex;
    std::condition_variable m_full;   // the thread waits for a buffer to write
    std::condition_variable m_freed;  // the writer waits for a free buffer
    std::deque<size_t> m_queue;       // full buffers, in file order
    std::vector<size_t> m_free;       // buffers free to fill
    bool m_stopping = false;
    bool m_direct = false;  // O_DIRECT is set on the descriptor
    bool m_refused = false;
    std::thread m_thread;
};

}  // namespace nicsim::tb
