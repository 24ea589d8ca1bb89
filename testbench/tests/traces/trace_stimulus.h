// The values the trace writer tests trace: every kind nicsim traces, changing on each clock edge.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

namespace nicsim::test {

/// Every kind of value nicsim traces, changing on each clock in patterns that reach the corner cases: leading
/// zeros, Z and X in vectors, values too wide for their traced width, negative numbers, 64-bit values.
SC_MODULE(Stimulus) {
    sc_core::sc_in<bool> clk;
    bool flag = false;
    sc_dt::sc_logic logic = sc_dt::SC_LOGIC_Z;
    sc_dt::sc_lv<32> ad;
    sc_dt::sc_lv<4> cbe;
    sc_dt::sc_lv<1> one;
    sc_dt::sc_lv<7> odd;  // not a whole number of nibbles
    sc_dt::sc_bv<40> bv;
    sc_dt::sc_lv<72> wide;  // three 32-bit words, the top one partial
    uint8_t state = 0;      // traced 4 bits wide: 16 and up overflow
    uint8_t byte = 0;
    uint16_t half = 0;
    uint32_t word = 0;
    uint64_t addr = 0;
    int32_t sint = 0;
    int64_t slong = 0;
    char ch = 0;
    unsigned n = 0;

    // sc_lv<32>'s own assignment shifts by 32 in SystemC 2.3.4's clean_tail() (undefined behaviour UBSan reports),
    // so the 32-bit vector is written bit by bit, as PciBus's trace mirrors are.
    static void set_bits(sc_dt::sc_lv_base & v, const char* msb_first) {
        const int w = v.length();
        for (int i = 0; i < w; ++i) {
            const char c = msb_first[w - 1 - i];
            v.set_bit(i, c == '0' ? sc_dt::Log_0 : c == '1' ? sc_dt::Log_1 : c == 'Z' ? sc_dt::Log_Z : sc_dt::Log_X);
        }
    }
    static void set_bits(sc_dt::sc_lv_base & v, uint32_t value) {
        for (int i = 0; i < v.length(); ++i) v.set_bit(i, ((value >> i) & 1u) ? sc_dt::Log_1 : sc_dt::Log_0);
    }

    /// `wide`'s patterns: whole words of X, of Z and of data, and leading zeros that span words before a 1 or a Z.
    void step_wide() {
        std::string bits(72, '0');
        const uint64_t data = uint64_t(n) * 0x9E3779B97F4A7C15ull;
        switch (n % 5) {
            case 0:
                bits.assign(72, 'X');
                break;
            case 1:  // the upper 40 bits released, 32 bits driven
                for (int i = 0; i < 72; ++i) bits[71 - i] = i >= 32 ? 'Z' : ((data >> i) & 1u) ? '1' : '0';
                break;
            case 2:  // 50 zeros, a Z, then data
                bits[50] = 'Z';
                for (int i = 0; i < 21; ++i) bits[71 - i] = ((data >> i) & 1u) ? '1' : '0';
                break;
            case 3:  // a value whose highest 1 moves through the words
                for (int i = 0; i < 64; ++i) bits[71 - i] = ((uint64_t(n) << (n % 60)) >> i) & 1u ? '1' : '0';
                break;
            default:  // all zeros
                break;
        }
        set_bits(wide, bits.c_str());
    }

    SC_CTOR(Stimulus) {
        set_bits(wide, std::string(72, 'Z').c_str());
        set_bits(ad, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
        cbe = sc_dt::sc_lv<4>("ZZZZ");
        one = sc_dt::sc_lv<1>("Z");
        SC_METHOD(step);
        sensitive << clk.pos();
        dont_initialize();
    }

    void step() {
        ++n;
        flag = (n % 3) != 0;
        static const sc_dt::sc_logic cycle[] = {sc_dt::SC_LOGIC_0, sc_dt::SC_LOGIC_1, sc_dt::SC_LOGIC_Z,
                                                sc_dt::SC_LOGIC_X};
        logic = cycle[n % 4];
        if (n % 5 == 0) {
            set_bits(ad, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
        } else if (n % 7 == 0) {
            set_bits(ad, "0000XXXX00001111ZZZZ000011110000");
        } else {
            set_bits(ad, static_cast<uint32_t>(n * 0x01010101u >> (n % 29)));
        }
        cbe = n % 2 ? sc_dt::sc_lv<4>("0ZZ1") : sc_dt::sc_lv<4>(static_cast<int>(n % 16));
        one = n % 3 == 0 ? sc_dt::sc_lv<1>("X") : sc_dt::sc_lv<1>(static_cast<int>(n % 2));
        bv = static_cast<uint64_t>(n) << (n % 37);
        odd = n % 4 == 0 ? sc_dt::sc_lv<7>("Z01X0Z1") : sc_dt::sc_lv<7>(static_cast<int>(n % 128));
        step_wide();
        state = static_cast<uint8_t>(n % 19);
        if (n % 4 == 0) byte = static_cast<uint8_t>(byte * 3 + 1);
        half = static_cast<uint16_t>(n * 4099u);
        word = n % 6 == 0 ? 0u : 0xFFFFFFFFu >> (n % 32);
        addr = (uint64_t(n) << 35) | n;
        sint = (n % 2) ? -static_cast<int32_t>(n) : static_cast<int32_t>(n);
        slong = -static_cast<int64_t>(n) * 1000003;
        ch = static_cast<char>(n * 7);
    }
};

inline void trace_all(sc_core::sc_trace_file* tf, Stimulus& s, sc_core::sc_clock& clk) {
    sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<bool>&>(clk), "top.CLK");
    sc_trace(tf, s.flag, "top.flag");
    sc_trace(tf, s.logic, "top.bus.logic");
    sc_trace(tf, s.ad, "top.bus.AD");
    sc_trace(tf, s.cbe, "top.bus.CBE_n");
    sc_trace(tf, s.one, "top.bus.one");
    sc_trace(tf, s.bv, "top.bv");
    sc_trace(tf, s.wide, "top.wide");
    sc_trace(tf, s.odd, "top.bus.odd");
    sc_trace(tf, s.state, "nic.tx.state", 4);
    sc_trace(tf, s.byte, "nic.byte");
    sc_trace(tf, s.half, "nic.dma.half");
    sc_trace(tf, s.word, "nic.dma.word");
    sc_trace(tf, s.addr, "nic.dma.addr");
    sc_trace(tf, s.sint, "alpha.sint");
    sc_trace(tf, s.slong, "alpha.slong");
    sc_trace(tf, s.ch, "alpha.z.ch");
    sc_trace(tf, s.n, "count");  // no scope: directly under SystemC
    sc_trace(tf, s.n, "nic.a.count_late");
}

}  // namespace nicsim::test
