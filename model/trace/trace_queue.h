// Hands fixed-size records from the simulation's thread to a writer thread of their own: a trace writer's
// formatting, packing and writing then run beside the simulation instead of in it. The records go in blocks of a
// ring of fixed size, so the memory is bounded (kBlocks x kBlockBytes): when every block is full the simulation waits
// for the writer (back-pressure). One producer, one consumer; the blocks change hands under a mutex, once per block.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nicsim {

class TraceQueue {
  public:
    /// The ring, kBlocks blocks of kBlockBytes (8 MiB; a block is one record where a record is larger), holds about
    /// 75 000 time steps of the saturated bus's trace: more than the simulation makes while the FST's writer packs a
    /// section (FstFile), the writer's longest stall, so the simulation seldom waits for it (docs/performance.md).
    static constexpr size_t kBlockBytes = size_t(64) << 10;
    static constexpr size_t kBlocks = 128;

    /// Called on the writer thread with `count` records of `record_bytes` each, in the order they were pushed.
    using Consumer = std::function<void(const unsigned char* records, size_t count)>;

    /// Starts the writer thread, with the signals a process is asked to stop by blocked in it, so that they reach
    /// the simulation's thread (nicsim's Ctrl-C handling). `record_bytes` is a multiple of 8.
    TraceQueue(size_t record_bytes, Consumer consumer);
    /// stop().
    ~TraceQueue();
    TraceQueue(const TraceQueue&) = delete;
    TraceQueue& operator=(const TraceQueue&) = delete;

    /// Room for the next record (8-byte aligned), valid until push(); waits while every block is full.
    unsigned char* next() { return m_fill_at; }
    /// The record at next() is complete.
    void push() {
        m_fill_at += m_record_bytes;
        if (++m_filled == m_per_block) publish();
    }
    /// Hands over the records pushed so far, waits until the writer has consumed all of them and ends its thread.
    /// Everything the writer did happens before stop() returns.
    void stop();

  private:
    struct Block {
        std::unique_ptr<unsigned char[]> data;
        size_t count = 0;
    };
    /// Hands the block being filled to the writer and starts the next one, waiting until one is free.
    void publish();
    void run();

    const size_t m_record_bytes;
    const size_t m_per_block;
    Consumer m_consumer;
    std::vector<Block> m_blocks;
    // Producer side, touched by the simulation's thread only, at every record: on a cache line of its own.
    alignas(64) uint64_t m_head = 0;  // blocks published
    unsigned char* m_fill_at = nullptr;
    size_t m_filled = 0;  // records in the block being filled
    // Shared, under m_mutex, touched once per block.
    alignas(64) std::mutex m_mutex;
    std::condition_variable m_ready;  // the writer waits for a block
    std::condition_variable m_freed;  // the simulation waits for a free block
    uint64_t m_published = 0;         // blocks handed over
    uint64_t m_consumed = 0;          // blocks the writer is done with
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace nicsim
