// An allocator for node-based containers (std::set, std::map) that keeps each freed node on a free list of its
// thread and hands it out again: a container that inserts and erases an element per frame then calls the heap only
// while it grows past its largest size so far. Stateless, so every instance is interchangeable (copy, move and swap
// of containers work as with std::allocator); what the lists hold is freed when the thread ends.
//
// Under AddressSanitizer it recycles nothing: a node kept on a list looks alive to ASan, so a use after free of a
// set's or map's element would go unreported in exactly the build that exists to report it.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace nicsim::ndis {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

template <class T>
class RecyclingAllocator {
  public:
    using value_type = T;
    static constexpr bool kRecycles = !kAddressSanitizer;

    RecyclingAllocator() noexcept = default;
    template <class U>
    RecyclingAllocator(const RecyclingAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (!kRecycles) return std::allocator<T>().allocate(n);
        FreeList& list = free_list();
        if (n != 1 || !list.head) return std::allocator<T>().allocate(n);
        Slot* s = list.head;
        list.head = s->next;
        return reinterpret_cast<T*>(s);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (!kRecycles || n != 1) {
            std::allocator<T>().deallocate(p, n);
            return;
        }
        FreeList& list = free_list();
        list.head = new (static_cast<void*>(p)) Slot{list.head};
    }

    template <class U>
    bool operator==(const RecyclingAllocator<U>&) const noexcept {
        return true;
    }
    template <class U>
    bool operator!=(const RecyclingAllocator<U>&) const noexcept {
        return false;
    }

  private:
    struct Slot {
        Slot* next;
    };
    static_assert(sizeof(T) >= sizeof(Slot) && alignof(T) >= alignof(Slot), "a node must hold the list's link");
    struct FreeList {
        Slot* head = nullptr;
        ~FreeList() {
            while (head) {
                Slot* next = head->next;
                std::allocator<T>().deallocate(reinterpret_cast<T*>(head), 1);
                head = next;
            }
        }
    };
    static FreeList& free_list() {
        static thread_local FreeList list;
        return list;
    }
};

}  // namespace nicsim::ndis
