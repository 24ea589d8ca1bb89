// Zeroed memory blocks for the NDIS objects made and freed once per send (packets, MDLs, scatter-gather lists), kept
// on a free list of their size class when freed and handed out again: as a real NDIS packet or buffer pool reuses its
// descriptors, a send then calls the heap only while the number of live blocks grows past its largest so far (which
// the pools' capacities bound). Per thread, like RecyclingAllocator; what the lists hold is freed when the thread ends.
// Under AddressSanitizer a block goes straight back to the heap, so a use after free stays reported. BlockAllocator
// gives containers the same recycling.
#pragma once

#include <cstddef>
#include <new>

namespace nicsim::ndis {

/// `bytes` of zeroed memory, aligned for any object (as std::calloc(1, bytes)); null when the heap has none.
void* zalloc_block(std::size_t bytes);
/// As zalloc_block without the zeroing.
void* alloc_block(std::size_t bytes);
/// Frees a block from zalloc_block or alloc_block (null is ignored).
void free_block(void* block);

/// An allocator taking its memory from alloc_block: a std::deque used as a queue (pushed at the back, popped at the
/// front) then reuses its chunks instead of calling the heap for one every few elements.
template <class T>
class BlockAllocator {
  public:
    using value_type = T;
    static_assert(alignof(T) <= alignof(std::max_align_t), "blocks are aligned for ordinary objects only");

    BlockAllocator() noexcept = default;
    template <class U>
    BlockAllocator(const BlockAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        void* p = alloc_block(n * sizeof(T));
        if (!p) throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) noexcept { free_block(p); }

    template <class U>
    bool operator==(const BlockAllocator<U>&) const noexcept {
        return true;
    }
    template <class U>
    bool operator!=(const BlockAllocator<U>&) const noexcept {
        return false;
    }
};

}  // namespace nicsim::ndis
