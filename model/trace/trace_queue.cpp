#include "model/trace/trace_queue.h"

#include <cstdint>
#include <cstring>

#include "model/common/signals_blocked.h"

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace nicsim {

TraceQueue::TraceQueue(size_t record_bytes, Consumer consumer)
    : m_record_bytes(record_bytes),
      m_per_block(record_bytes >= kBlockBytes ? 1 : kBlockBytes / record_bytes),
      m_consumer(std::move(consumer)),
      m_blocks(kBlocks),
      m_order(kBlocks) {
    // Allocated but not touched: a block the writer never falls far enough behind to need costs no memory.
    for (Block& b : m_blocks) b.data = new_lines(m_per_block * m_record_bytes);
    for (uint32_t i = kBlocks - 1; i > 0; --i) m_free.push_back(i);
    m_staging = new_lines(m_record_bytes);
    m_fill_at = m_blocks[0].data.get();
    const SignalsBlocked blocked;  // the writer thread starts with them blocked
    m_thread = std::thread([this] { run(); });
}

TraceQueue::~TraceQueue() {
    stop();
}

void TraceQueue::stream(unsigned char* to, const unsigned char* from, size_t bytes) {
#if defined(__SSE2__) && defined(__x86_64__)
    size_t i = 0;
    // 16 bytes a store where the record's place allows (a record of whole 16-byte words always starts on one: the
    // blocks and the staging line start on cache lines), else 8.
    if ((reinterpret_cast<uintptr_t>(to) & 15u) == 0)
        for (; i + 16 <= bytes; i += 16)
            _mm_stream_si128(reinterpret_cast<__m128i*>(to + i),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
    for (; i < bytes; i += 8) {
        long long w;
        std::memcpy(&w, from + i, sizeof w);
        _mm_stream_si64(reinterpret_cast<long long*>(to + i), w);
    }
#else
    std::memcpy(to, from, bytes);
#endif
}

void TraceQueue::publish() {
#if defined(__SSE2__) && defined(__x86_64__)
    _mm_sfence();  // the streamed stores are weakly ordered: they complete before the block changes hands
#endif
    std::unique_lock<std::mutex> lock(m_mutex);
    m_blocks[m_filling].count = m_filled;
    m_order[m_published % kBlocks] = m_filling;
    ++m_published;
    m_ready.notify_one();
    m_freed.wait(lock, [this] { return !m_free.empty(); });
    m_filling = m_free.back();
    m_free.pop_back();
    lock.unlock();
    m_filled = 0;
    m_fill_at = m_blocks[m_filling].data.get();
}

void TraceQueue::stop() {
    if (!m_thread.joinable()) return;
    if (m_filled) publish();
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_ready.notify_one();
    m_thread.join();
}

void TraceQueue::run() {
    uint64_t next = 0;
    for (;;) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_ready.wait(lock, [&] { return m_published > next || m_stopping; });
        if (m_published == next) return;  // stopping, and everything consumed
        const uint64_t upto = m_published;
        lock.unlock();
        for (; next < upto; ++next) {
            // m_order's entry stays until this block is given back: the simulation hands over at most kBlocks.
            const uint32_t i = m_order[next % kBlocks];
            m_consumer(m_blocks[i].data.get(), m_blocks[i].count);
            // Each block back at once: the simulation waits for one only when the writer is kBlocks blocks behind.
            const std::lock_guard<std::mutex> done(m_mutex);
            m_free.push_back(i);
            m_freed.notify_one();
        }
    }
}

}  // namespace nicsim
