// Memory a trace writer's thread touches at every time step, on cache lines of its own. The simulation's thread and
// the writer thread run on different cores; an ordinary allocation made during elaboration can share a 64-byte line
// with a model object the simulation writes at every clock, and each time one thread writes such a line the other's
// next access waits for it to come across (false sharing: it made the simulation's thread of a traced run two to three
// times slower per clock, docs/performance.md). Objects of a class declared alignas(kCacheLine) already start and end
// on line boundaries; CacheLineAllocator does the same for a container's storage.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace nicsim {

constexpr size_t kCacheLine = 64;

template <class T>
struct CacheLineAllocator {
    using value_type = T;

    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

    T* allocate(size_t n) { return static_cast<T*>(::operator new(bytes(n), std::align_val_t(kCacheLine))); }
    void deallocate(T* p, size_t n) noexcept { ::operator delete(p, bytes(n), std::align_val_t(kCacheLine)); }

    /// n elements rounded up to whole lines, so that the storage ends on a line boundary too.
    static size_t bytes(size_t n) {
        if (n > (static_cast<size_t>(-1) - kCacheLine) / sizeof(T)) throw std::bad_array_new_length();
        return (n * sizeof(T) + kCacheLine - 1) / kCacheLine * kCacheLine;
    }
};

template <class T, class U>
bool operator==(const CacheLineAllocator<T>&, const CacheLineAllocator<U>&) {
    return true;
}
template <class T, class U>
bool operator!=(const CacheLineAllocator<T>&, const CacheLineAllocator<U>&) {
    return false;
}

/// Frees what new_lines() allocated.
struct LineDelete {
    void operator()(unsigned char* p) const { ::operator delete[](p, std::align_val_t(kCacheLine)); }
};
using LineBytes = std::unique_ptr<unsigned char[], LineDelete>;

/// `bytes` of memory, not initialised, on whole cache lines of their own.
inline LineBytes new_lines(size_t bytes) {
    return LineBytes(static_cast<unsigned char*>(
        ::operator new[](CacheLineAllocator<unsigned char>::bytes(bytes), std::align_val_t(kCacheLine))));
}

/// A vector whose storage shares no cache line with any other allocation.
template <class T>
using LineVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace nicsim
