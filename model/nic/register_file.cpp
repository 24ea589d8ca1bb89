#include "model/nic/register_file.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nicsim::nic {

namespace {

uint32_t byte_mask(uint8_t byte_enables) {
    uint32_t mask = 0;
    for (unsigned b = 0; b < 4; ++b)
        if (byte_enables & (1u << b)) mask |= 0xFFu << (8 * b);
    return mask;
}

uint8_t bound_hooks(const RegisterFile::Handlers& h) {
    return static_cast<uint8_t>((h.peek ? kPeek : 0) | (h.poke ? kPoke : 0) | (h.on_read ? kOnRead : 0) |
                                (h.on_write ? kOnWrite : 0));
}

}  // namespace

RegisterFile::RegisterFile(uint32_t bytes, const RegisterSpec* rows, std::size_t count)
    : m_row_of(bytes / 4, kNoRow), m_storage(bytes / 4, 0), m_stored(bytes / 4, 1) {
    m_rows.reserve(count);
    for (std::size_t r = 0; r < count; ++r) {
        const RegisterSpec& s = rows[r];
        m_rows.push_back(Row{&s, {}});
        for (unsigned n = 0; n < s.count; ++n) {
            for (unsigned d = 0; d < s.bits / 32u; ++d) {
                const uint32_t off = s.offset + n * s.stride + 4 * d;
                if (off >= bytes || (off & 3u) != 0)
                    throw std::logic_error(std::string("register ") + s.name + " lies outside the window");
                if (m_row_of[off / 4] != kNoRow)
                    throw std::logic_error(std::string("register ") + s.name + " overlaps " +
                                           m_rows[m_row_of[off / 4]].spec->name);
                m_row_of[off / 4] = static_cast<int32_t>(r);
                m_stored[off / 4] = (s.hooks & kPeek) == 0;
            }
        }
    }
}

const RegisterFile::Row* RegisterFile::row_of(uint32_t offset) const {
    if (offset / 4 >= m_row_of.size()) return nullptr;
    const int32_t r = m_row_of[offset / 4];
    return r == kNoRow ? nullptr : &m_rows[r];
}

RegisterFile::Row* RegisterFile::row_of(uint32_t offset) {
    return const_cast<Row*>(static_cast<const RegisterFile*>(this)->row_of(offset));
}

RegisterFile::Handlers& RegisterFile::handlers(uint32_t offset) {
    Row* row = row_of(offset);
    if (!row) throw std::logic_error("no register at offset " + std::to_string(offset));
    return row->h;
}

void RegisterFile::check_bindings() const {
    for (const Row& row : m_rows)
        if (bound_hooks(row.h) != row.spec->hooks)
            throw std::logic_error(std::string("register ") + row.spec->name +
                                   ": the handlers bound differ from the hooks its row declares");
}

const RegisterSpec* RegisterFile::spec(uint32_t offset) const {
    const Row* row = row_of(offset);
    return row ? row->spec : nullptr;
}

void RegisterFile::reset() {
    std::fill(m_storage.begin(), m_storage.end(), 0u);
    for (const Row& row : m_rows) {
        const RegisterSpec& s = *row.spec;
        for (unsigned n = 0; n < s.count; ++n) m_storage[(s.offset + n * s.stride) / 4] = s.reset;
    }
}

uint32_t RegisterFile::peek_hooked(uint32_t offset) const {
    if (offset / 4 >= m_storage.size()) return 0;
    const Row* row = row_of(offset);
    if (row && row->h.peek) return row->h.peek();
    return m_storage[offset / 4];
}

void RegisterFile::poke(uint32_t offset, uint32_t value) {
    Row* row = row_of(offset);
    if (row && row->h.poke) {
        row->h.poke(value);
        return;
    }
    if (row && (row->h.peek || row->spec->access == Access::WO)) return;
    m_storage[offset / 4] = value;
}

uint32_t RegisterFile::read(uint32_t offset) {
    Row* row = row_of(offset);
    if (!row) {
        if (m_events.unknown) m_events.unknown(false, offset, 0);
        return 0;
    }
    if (row->h.on_read) return row->h.on_read();
    switch (row->spec->access) {
        case Access::WO:
            return 0;
        case Access::Absent:
            if (m_events.note) m_events.note(Note::AbsentRead, offset, 0);
            return 0;
        case Access::ReadClear:
        case Access::ReadClearW1C:
            return read_clear(*row->spec, offset);
        default:
            return row->h.peek ? row->h.peek() : m_storage[offset / 4];
    }
}

// 8254x manual, section 13.7: statistics clear when read; a 64-bit counter clears when its upper dword is read, so
// software reads the low dword, then the high one.
uint32_t RegisterFile::read_clear(const RegisterSpec& s, uint32_t offset) {
    const uint32_t v = m_storage[offset / 4];
    if (s.bits == 64) {
        if (offset == s.offset) return v;
        m_storage[(offset - 4) / 4] = 0;
    }
    m_storage[offset / 4] = 0;
    return v;
}

void RegisterFile::write(uint32_t offset, uint32_t value, uint8_t byte_enables) {
    Row* row = row_of(offset);
    if ((byte_enables & 0xF) != 0xF) {
        const uint32_t mask = byte_mask(byte_enables);
        if (mask == 0) return;
        // Bytes without their enable are not written. For a write-1-to-clear register that means 0 bits: merging in
        // the live value would clear every cause it holds.
        const bool w1c = row && (row->spec->access == Access::W1C || row->spec->access == Access::ReadClearW1C);
        value = (w1c ? 0u : peek(offset) & ~mask) | (value & mask);
    }
    if (!row) {
        if (m_events.unknown) m_events.unknown(true, offset, value);
        return;
    }
    if (row->h.on_write) {
        row->h.on_write(value);
        return;
    }
    switch (row->spec->access) {
        case Access::RW:
            break;
        case Access::W1C:
            m_storage[offset / 4] &= ~value;
            return;
        case Access::RO:
        case Access::ReadClear:
            if (m_events.note) m_events.note(Note::ReadOnlyWrite, offset, value);
            return;
        case Access::Absent:
            if (m_events.note) m_events.note(Note::AbsentWrite, offset, value);
            return;
        default:
            return;
    }
    const uint32_t stored = store(offset, value);
    if (m_events.written) m_events.written(offset, stored);
}

uint32_t RegisterFile::store(uint32_t offset, uint32_t value) {
    const Row* row = row_of(offset);
    const uint32_t mask = row ? row->spec->write_mask : 0u;
    m_storage[offset / 4] = value & mask;
    return m_storage[offset / 4];
}

}  // namespace nicsim::nic
