#include "model/nic/microwire_eeprom.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

namespace {
// The two top address bits select the 00b-opcode commands.
constexpr uint32_t kMiscEwds = 0x0;
constexpr uint32_t kMiscWral = 0x1;
constexpr uint32_t kMiscEral = 0x2;
constexpr uint32_t kMiscEwen = 0x3;
constexpr unsigned kDataBits = 16;
}  // namespace

void MicrowireEeprom::set_pins(bool cs, bool sk, bool di) {
    const bool rising = sk && !m_sk;
    m_sk = sk;
    if (!cs) {
        if (m_cs) end_frame();
        m_cs = false;
        return;
    }
    if (!m_cs) {
        m_cs = true;
        m_state = State::Idle;
        m_do = true;  // ready/busy status: programming is instantaneous, so always ready
    }
    if (rising) rising_edge(di);
}

void MicrowireEeprom::rising_edge(bool di) {
    switch (m_state) {
        case State::Idle:
            if (di) {  // the start bit; leading zeros are ignored
                m_state = State::Opcode;
                m_bits = 0;
                m_shift = 0;
            }
            return;
        case State::Opcode:
        case State::Address:
        case State::DataIn:
            m_shift = (m_shift << 1) | (di ? 1u : 0u);
            ++m_bits;
            if (m_state == State::Opcode && m_bits == kEeOpcodeBits) {
                m_opcode = m_shift;
                m_state = State::Address;
                m_bits = 0;
                m_shift = 0;
            } else if (m_state == State::Address && m_bits == kEeAddressBits) {
                m_address = m_shift;
                frame_decoded();
            } else if (m_state == State::DataIn && m_bits == kDataBits) {
                m_data = static_cast<uint16_t>(m_shift);
                m_state = State::Done;
                m_pending = true;
            }
            return;
        case State::ReadOut:
            m_do = (m_words[m_address] >> m_out_bit) & 1u;
            if (m_out_bit == 0) {  // sequential read: the next word follows while CS stays high
                m_address = (m_address + 1) % kEepromWords;
                m_out_bit = kDataBits - 1;
            } else {
                --m_out_bit;
            }
            return;
        case State::Done:
            return;
    }
}

void MicrowireEeprom::frame_decoded() {
    m_bits = 0;
    m_shift = 0;
    switch (m_opcode) {
        case kEeOpRead:
            m_state = State::ReadOut;
            m_do = false;  // the dummy bit before D15
            m_out_bit = kDataBits - 1;
            return;
        case kEeOpWrite:
            m_state = State::DataIn;
            return;
        case kEeOpErase:
            m_state = State::Done;
            m_pending = true;
            return;
        default:
            break;
    }
    const uint32_t misc = m_address >> (kEeAddressBits - 2);
    m_state = misc == kMiscWral ? State::DataIn : State::Done;
    if (misc == kMiscEwen) m_write_enabled = true;
    if (misc == kMiscEwds) m_write_enabled = false;
    if (misc == kMiscEral) m_pending = true;
}

void MicrowireEeprom::end_frame() {
    if (m_pending) {
        m_pending = false;
        if (!m_write_enabled) {
            ++m_refused_writes;
        } else if (m_opcode == kEeOpWrite) {
            m_words[m_address] = m_data;
        } else if (m_opcode == kEeOpErase) {
            m_words[m_address] = 0xFFFF;
        } else {  // ERAL, WRAL
            const uint16_t v = (m_address >> (kEeAddressBits - 2)) == kMiscWral ? m_data : 0xFFFF;
            m_words.fill(v);
        }
    }
    m_state = State::Idle;
    m_do = false;
}

}  // namespace nicsim::nic
