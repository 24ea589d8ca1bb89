#include "hostdrv/ndis/block_recycler.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "hostdrv/ndis/recycling_allocator.h"

namespace nicsim::ndis {

namespace {

// Blocks up to kClasses * kGranule bytes are recycled by size class; larger ones (an MDL of a long buffer) are rare.
constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 16;
// Each block starts with a header naming its class (0: not recycled), sized to keep the caller's part aligned.
constexpr std::size_t kHeader = alignof(std::max_align_t);

struct Header {
    std::size_t size_class;
};
static_assert(sizeof(Header) <= kHeader, "the header fits its space");

struct FreeLists {
    std::array<void*, kClasses + 1> head{};  // each free block's first word links to the next
    ~FreeLists() {
        for (void* p : head)
            while (p) {
                void* next = *static_cast<void**>(p);
                std::free(p);
                p = next;
            }
    }
};

FreeLists& free_lists() {
    static thread_local FreeLists lists;
    return lists;
}

std::size_t size_class(std::size_t bytes) {
    if (!RecyclingAllocator<void*>::kRecycles) return 0;
    const std::size_t c = (bytes + kGranule - 1) / kGranule;
    return c <= kClasses ? c : 0;
}

}  // namespace

void* zalloc_block(std::size_t bytes) {
    void* block = alloc_block(bytes);
    if (block) std::memset(block, 0, bytes);
    return block;
}

void* alloc_block(std::size_t bytes) {
    const std::size_t c = size_class(bytes);
    void*& head = free_lists().head[c];
    void* raw = nullptr;
    if (c != 0 && head) {
        raw = head;
        head = *static_cast<void**>(raw);
    } else {
        raw = std::malloc(kHeader + (c != 0 ? c * kGranule : bytes));
        if (!raw) return nullptr;
    }
    static_cast<Header*>(raw)->size_class = c;
    return static_cast<uint8_t*>(raw) + kHeader;
}

void free_block(void* block) {
    if (!block) return;
    void* raw = static_cast<uint8_t*>(block) - kHeader;
    const std::size_t c = static_cast<Header*>(raw)->size_class;
    if (c == 0) {
        std::free(raw);
        return;
    }
    void*& head = free_lists().head[c];
    *static_cast<void**>(raw) = head;
    head = raw;
}

}  // namespace nicsim::ndis
