// Hands fixed-size records from the simulation's thread to a writer thread of their own: a trace writer's
// formatting, packing and writing then run beside the simulation instead of in it. The records go in blocks of a
// fixed set, so the memory is bounded (kBlocks x kBlockBytes): when every block is full the simulation waits for the
// writer (back-pressure). One producer, one consumer; the blocks change hands under a mutex, once per block. The
// block filled next is the one the writer gave back last, so while the writer keeps up the same few blocks go round
// and the others are never touched; the simulation captures each record into a staging line and streams it into the
// block (push()), since the writer's core read that block last.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "model/trace/cache_lines.h"

namespace nicsim {

class TraceQueue {
  public:
    /// kBlocks blocks of kBlockBytes (8 MiB; a block is one record where a record is larger) hold about 130 000 time
    /// steps of the saturated bus's trace: more than the simulation makes while the FST's writer packs a section
    /// (FstFile), the writer's longest stall, so the simulation seldom waits for it (docs/performance.md).
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

    /// Room for the next record (on a cache line), valid until push().
    unsigned char* next() { return m_staging.get(); }
    /// The record at next() is complete: it is copied into the block being filled (waits while every block is full).
    void push() {
        stream(m_fill_at, m_staging.get(), m_record_bytes);
        m_fill_at += m_record_bytes;
        if (++m_filled == m_per_block) publish();
    }
    /// Hands over the records pushed so far, waits until the writer has consumed all of them and ends its thread.
    /// Everything the writer did happens before stop() returns.
    void stop();

  private:
    struct Block {
        LineBytes data;  // on cache lines of their own
        size_t count = 0;
    };
    /// Copies a record into a block without reading the block's lines into this core's cache first: the writer, on
    /// another core, read them last, and an ordinary store would wait for each line to come across (about one line per
    /// time step; it made the simulation's thread of a traced run twice as slow per clock). `bytes` is a multiple of 8.
    static void stream(unsigned char* to, const unsigned char* from, size_t bytes);
    /// Hands the block being filled to the writer and starts the next one, waiting until one is free.
    void publish();
    void run();

    const size_t m_record_bytes;
    const size_t m_per_block;
    Consumer m_consumer;
    std::vector<Block> m_blocks;
    // Producer side, touched by the simulation's thread only, at every record: on a cache line of its own.
    alignas(kCacheLine) unsigned char* m_fill_at = nullptr;
    LineBytes m_staging;     // the record being captured, at next()
    size_t m_filled = 0;     // records in the block being filled
    uint32_t m_filling = 0;  // the block being filled
    // Shared, under m_mutex, touched once per block.
    alignas(kCacheLine) std::mutex m_mutex;
    std::condition_variable m_ready;  // the writer waits for a block
    std::condition_variable m_freed;  // the simulation waits for a free block
    std::vector<uint32_t> m_order;    // the blocks handed over, block n at n % kBlocks
    std::vector<uint32_t> m_free;     // blocks free to fill, the one given back last at the end
    uint64_t m_published = 0;         // blocks handed over
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace nicsim
