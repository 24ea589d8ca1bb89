// Zeroed memory blocks for the NDIS objects made and freed once per send (packets, MDLs, scatter-gather lists), kept
// on a free list of their size class when freed and handed out again: as a real NDIS packet or buffer pool reuses its
// descriptors, a send then calls the heap only while the number of live blocks grows past its largest so far (which
// the pools' capacities bound). Per thread, like RecyclingAllocator; what the lists hold is freed when the thread ends.
// Under AddressSanitizer a block goes straight back to the heap, so a use after free stays reported.
#pragma once

#include <cstddef>

namespace nicsim::ndis {

/// `bytes` of zeroed memory, aligned for any object (as std::calloc(1, bytes)); null when the heap has none.
void* zalloc_block(std::size_t bytes);
/// Frees a block from zalloc_block (null is ignored).
void free_block(void* block);

}  // namespace nicsim::ndis
