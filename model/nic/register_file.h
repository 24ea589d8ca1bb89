// A device's register file built from a table of RegisterSpec rows (model/nic/register_table.h): storage for every
// dword of the window, the access type, reset value and write mask of each register, and the handlers a row's hooks
// ask for. Software accesses (read/write, with byte enables) follow the access type unless a handler takes over;
// accesses without side effects (peek/poke) serve the device's own blocks. Offsets no row covers are reported through
// Events::unknown. Plain C++17: no SystemC.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/nic/register_table.h"

namespace nicsim::nic {

class RegisterFile {
  public:
    /// What the device binds to a register whose row declares hooks (kPeek, kPoke, kOnRead, kOnWrite).
    struct Handlers {
        std::function<uint32_t()> peek;          ///< the value, from the block that holds it
        std::function<void(uint32_t)> poke;      ///< store into that block, no side effects
        std::function<uint32_t()> on_read;       ///< a software read (returns what software sees)
        std::function<void(uint32_t)> on_write;  ///< a software write (the value after byte-enable merging)
    };
    /// Legal accesses the device may want to tell software about.
    enum class Note : uint8_t {
        ReadOnlyWrite,  ///< a write to a read-only register (RO or a statistics counter), ignored
        AbsentRead,     ///< a read of a register this part does not have (Access::Absent), 0
        AbsentWrite,    ///< a write to such a register, ignored
    };
    /// What the file tells its device.
    struct Events {
        /// A register without kOnWrite was written: `stored` is what it now holds.
        std::function<void(uint32_t offset, uint32_t stored)> written;
        /// An access to an offset no row covers (reads return 0, writes are dropped).
        std::function<void(bool write, uint32_t offset, uint32_t value)> unknown;
        /// A legal access worth a note.
        std::function<void(Note kind, uint32_t offset, uint32_t value)> note;
    };

    /// A window of `bytes` (a multiple of 4) laid out by `rows`; throws std::logic_error on overlapping rows.
    RegisterFile(uint32_t bytes, const RegisterSpec* rows, std::size_t count);

    /// The handlers of the register at `offset` (to bind them); throws std::logic_error if no row covers it.
    Handlers& handlers(uint32_t offset);
    /// Throws std::logic_error naming the first row whose bound handlers differ from the hooks it declares.
    void check_bindings() const;
    Events& events() { return m_events; }

    uint32_t size() const { return static_cast<uint32_t>(m_storage.size() * 4); }
    /// The row covering `offset`, or nullptr.
    const RegisterSpec* spec(uint32_t offset) const;
    /// Every dword back to its row's reset value (0 where no row is); handlers are not called.
    void reset();

    /// The value without side effects (0 outside the window). Inline: the data path reads a few registers per frame.
    uint32_t peek(uint32_t offset) const {
        const uint32_t i = offset / 4;
        return i < m_stored.size() && m_stored[i] ? m_storage[i] : peek_hooked(offset);
    }
    /// Store without side effects: through kPoke, else into the storage of any register but a write-only one or one
    /// whose value lives elsewhere (those ignore it).
    void poke(uint32_t offset, uint32_t value);
    /// A software read (offset inside the window).
    uint32_t read(uint32_t offset);
    /// A software write (offset inside the window): bytes without their enable keep the register's current value
    /// (write-1-to-clear registers: they write 0, clearing nothing).
    void write(uint32_t offset, uint32_t value, uint8_t byte_enables = 0xF);
    /// Store `value` under the register's write mask, as a plain write would; returns what is stored. For handlers.
    uint32_t store(uint32_t offset, uint32_t value);
    /// The storage dword behind `offset` (tracing, statistics counters).
    uint32_t& word(uint32_t offset) { return m_storage[offset / 4]; }
    const uint32_t& word(uint32_t offset) const { return m_storage[offset / 4]; }

  private:
    struct Row {
        const RegisterSpec* spec;
        Handlers h;
    };
    static constexpr int32_t kNoRow = -1;
    const Row* row_of(uint32_t offset) const;
    uint32_t read_clear(const RegisterSpec& s, uint32_t offset);
    uint32_t peek_hooked(uint32_t offset) const;
    Row* row_of(uint32_t offset);

    std::vector<Row> m_rows;
    std::vector<int32_t> m_row_of;    // per dword: index into m_rows, or kNoRow
    std::vector<uint32_t> m_storage;  // per dword; kept in place so traced registers keep their address
    // Per dword: 1 where peek() is the storage (no row, or a row declaring no kPeek hook; check_bindings() holds
    // the bound handlers to the declared hooks).
    std::vector<uint8_t> m_stored;
    Events m_events;
};

}  // namespace nicsim::nic
