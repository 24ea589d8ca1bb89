// A 93C46-style Microwire serial EEPROM (64 x 16-bit words) as seen on its four pins: CS, SK, DI in, DO out. The
// part samples DI on each rising SK edge while CS is high and shifts its output on the same edges (8254x SDM
// section 5.3; the timing between edges is the driver's business). A frame is a start bit (1), a 2-bit opcode and 6
// address bits: READ (10b) answers with a dummy 0 and then 16 data bits MSB first, continuing with the following
// words while CS stays high; WRITE (01b) and ERASE (11b) program when CS falls, only after EWEN; the 00b opcodes are
// EWEN, EWDS, ERAL and WRAL by their two top address bits. Programming completes at once: DO reads 1 (ready) when CS
// is raised again.
#pragma once

#include <array>
#include <cstdint>

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

class MicrowireEeprom {
  public:
    using Words = std::array<uint16_t, e1000::kEepromWords>;

    explicit MicrowireEeprom(const Words& words) : m_words(words) {}

    /// Drive the pins; a rising SK edge while CS is high moves the state machine, CS low ends a frame.
    void set_pins(bool cs, bool sk, bool di);
    /// The DO pin.
    bool data_out() const { return m_do; }

    uint16_t word(unsigned addr) const { return addr < m_words.size() ? m_words[addr] : 0xFFFF; }
    void set_word(unsigned addr, uint16_t value) {
        if (addr < m_words.size()) m_words[addr] = value;
    }
    const Words& words() const { return m_words; }
    bool write_enabled() const { return m_write_enabled; }
    /// WRITE/ERASE/ERAL/WRAL frames refused because EWEN was not given first.
    unsigned refused_writes() const { return m_refused_writes; }

  private:
    enum class State : uint8_t { Idle, Opcode, Address, ReadOut, DataIn, Done };

    void rising_edge(bool di);
    void frame_decoded();
    void end_frame();

    Words m_words;
    State m_state = State::Idle;
    bool m_cs = false;
    bool m_sk = false;
    bool m_do = false;
    bool m_write_enabled = false;  // EWDS at power-on
    unsigned m_bits = 0;           // bits collected in the current field
    uint32_t m_shift = 0;          // the field being collected
    uint32_t m_opcode = 0;
    uint32_t m_address = 0;
    uint16_t m_data = 0;
    unsigned m_out_bit = 0;  // ReadOut: bit of m_address's word presented next (15..0)
    bool m_pending = false;  // Done: a write/erase to program when CS falls
    unsigned m_refused_writes = 0;
};

}  // namespace nicsim::nic
