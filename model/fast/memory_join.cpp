#include "model/fast/memory_join.h"

namespace nicsim::fast {

MemoryJoin::MemoryJoin(sc_core::sc_module_name name) : sc_module(name), pin("pin"), fast("fast"), mem("mem") {
    for (auto* s : {&pin, &fast}) {
        s->register_b_transport(this, &MemoryJoin::b_transport);
        s->register_transport_dbg(this, &MemoryJoin::transport_dbg);
        s->register_get_direct_mem_ptr(this, &MemoryJoin::get_direct_mem_ptr);
    }
    mem.register_invalidate_direct_mem_ptr(this, &MemoryJoin::invalidate_direct_mem_ptr);
}

void MemoryJoin::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    for (auto* s : {&pin, &fast})
        if (s->get_base_port().size() > 0) (*s)->invalidate_direct_mem_ptr(start, end);
}

}  // namespace nicsim::fast
