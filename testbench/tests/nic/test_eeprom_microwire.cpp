// The EEPROM interface on its own, from the 8254x SDM (sections 5.3, 5.6, 13.4.3, 13.4.4): the 93C46 Microwire
// part bit-banged through EECD with the EE_REQ/EE_GNT handshake, EERD on the same words, the default image and
// image files. The bit-bang routine below is the test's own, written from the manual's description of the
// interface: request, wait for the grant, raise CS, present DI and pulse SK per bit, read DO after each rising SK.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "model/nic/e1000_regs.h"
#include "model/nic/eeprom.h"
#include "model/nic/eeprom_image.h"

using namespace nicsim::nic;
using namespace nicsim::e1000;

namespace {

const uint8_t kMac[6] = {0x00, 0x1B, 0x21, 0x3C, 0x4D, 0x5E};

/// Software's side of EECD: the register as a driver sees it.
struct Pins {
    Eeprom& ee;
    uint32_t v = 0;
    bool write(uint32_t value) {
        v = value;
        return ee.write_eecd(v);
    }
    void set(uint32_t bit, bool on) { write(on ? (v | bit) : (v & ~bit)); }
    bool request() {
        write(v | eecd::EE_REQ::mask);
        for (int i = 0; i < 100; ++i) {
            if (ee.eecd() & eecd::EE_GNT::mask) return true;
            ee.tick();
        }
        return false;
    }
    void release() { write(v & ~(eecd::EE_REQ::mask | eecd::CS::mask | eecd::SK::mask | eecd::DI::mask)); }
    void clock_out(uint32_t bits, unsigned count) {
        for (unsigned i = count; i-- > 0;) {
            set(eecd::DI::mask, (bits >> i) & 1u);
            set(eecd::SK::mask, true);
            set(eecd::SK::mask, false);
        }
        set(eecd::DI::mask, false);
    }
    uint32_t clock_in(unsigned count) {
        uint32_t d = 0;
        for (unsigned i = 0; i < count; ++i) {
            set(eecd::SK::mask, true);
            d = (d << 1) | ((ee.eecd() & eecd::DO::mask) ? 1u : 0u);
            set(eecd::SK::mask, false);
        }
        return d;
    }
    /// Start bit, opcode, 6 address bits (93C46 frame), CS framing around it.
    void command(uint32_t opcode, uint32_t addr) {
        set(eecd::CS::mask, true);
        clock_out((1u << 2) | opcode, 3);
        clock_out(addr, 6);
    }
    void end() { set(eecd::CS::mask, false); }
};

uint16_t bitbang_read(Eeprom& ee, unsigned addr) {
    Pins p{ee, ee.eecd() & eecd::FWE::mask};
    REQUIRE(p.request());
    p.command(0x2, addr);  // 110b with the start bit
    const uint16_t w = static_cast<uint16_t>(p.clock_in(16));
    p.end();
    p.release();
    return w;
}

uint16_t eerd_read(Eeprom& ee, unsigned addr) {
    REQUIRE(ee.write_eerd(eerd::START::mask | eerd::ADDR::make(addr)));
    for (int i = 0; i < 100 && !(ee.eerd() & eerd::DONE::mask); ++i) ee.tick();
    REQUIRE((ee.eerd() & eerd::DONE::mask) != 0);
    CHECK(eerd::ADDR::get(ee.eerd()) == addr);
    return static_cast<uint16_t>(eerd::DATA::get(ee.eerd()));
}

uint16_t sum_of(const uint16_t* w) {
    uint32_t s = 0;
    for (unsigned i = 0; i < 64; ++i) s += w[i];
    return static_cast<uint16_t>(s);
}

std::string temp_file(const std::string& name, const std::string& bytes) {
    const std::string path = "nicsim_test_" + name;
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

}  // namespace

TEST_CASE("all 64 words read by bit-banging EECD equal those read through EERD, and sum to 0xBABA", "[nic][eeprom]") {
    Eeprom ee(kMac);
    uint16_t bb[64], rd[64];
    for (unsigned a = 0; a < 64; ++a) bb[a] = bitbang_read(ee, a);
    for (unsigned a = 0; a < 64; ++a) rd[a] = eerd_read(ee, a);
    for (unsigned a = 0; a < 64; ++a) {
        INFO("word " << a);
        CHECK(bb[a] == rd[a]);
    }
    INFO("checksum computed here over words 0x00..0x3F");
    CHECK(sum_of(bb) == 0xBABA);
    INFO("the MAC address is words 0..2, low byte first");
    CHECK(bb[0] == 0x1B00);
    CHECK(bb[1] == 0x3C21);
    CHECK(bb[2] == 0x5E4D);
    INFO("EE_PRES set and EE_SIZE clear: a 64-word part with 6 address bits");
    CHECK((ee.eecd() & eecd::EE_PRES::mask) != 0);
    CHECK((ee.eecd() & eecd::EE_SIZE::mask) == 0);
}

TEST_CASE("a sequential read continues into the next words while CS stays high", "[nic][eeprom]") {
    Eeprom ee(kMac);
    Pins p{ee};
    REQUIRE(p.request());
    p.command(0x2, 0x3E);
    CHECK(p.clock_in(16) == ee.word(0x3E));
    CHECK(p.clock_in(16) == ee.word(0x3F));
    CHECK(p.clock_in(16) == ee.word(0x00));  // the address wraps after the last word
    p.end();
    p.release();
}

TEST_CASE("the default image fills the words the manual defines for the 82540EM", "[nic][eeprom]") {
    const EepromWords w = default_eeprom_image(kMac);
    INFO("initialization control 1: signature 01b in bits 15:14");
    CHECK((w[0x0A] >> 14) == 0x1);
    INFO("subsystem ID/vendor, device ID 0x100E, vendor ID 0x8086");
    CHECK(w[0x0B] == 0x001E);
    CHECK(w[0x0C] == 0x8086);
    CHECK(w[0x0D] == 0x100E);
    CHECK(w[0x0E] == 0x8086);
    INFO("initialization control 2: both pause bits (13:12) set, full flow control by default");
    CHECK(((w[0x0F] >> 12) & 3u) == 3u);
    INFO("PBA number in words 8 and 9; image version in word 5");
    CHECK((static_cast<uint32_t>(w[0x08]) << 16 | w[0x09]) != 0xFFFFFFFFu);
    CHECK(w[0x05] != 0xFFFF);
    CHECK(sum_of(w.data()) == 0xBABA);
}

TEST_CASE("WRITE and ERASE program only after EWEN, and are refused after EWDS", "[nic][eeprom]") {
    Eeprom ee(kMac);
    Pins p{ee};
    REQUIRE(p.request());
    p.command(0x1, 0x10);  // WRITE without EWEN
    p.clock_out(0x1234, 16);
    p.end();
    CHECK(ee.word(0x10) == 0xFFFF);
    CHECK(ee.part().refused_writes() == 1u);
    p.command(0x0, 0x30);  // EWEN: 00 + 11xxxx
    p.end();
    p.command(0x1, 0x10);
    p.clock_out(0x1234, 16);
    p.end();
    CHECK(ee.word(0x10) == 0x1234);
    INFO("CS raised again after programming: DO reads 1 (ready)");
    p.set(eecd::CS::mask, true);
    CHECK((ee.eecd() & eecd::DO::mask) != 0);
    p.end();
    p.command(0x3, 0x10);  // ERASE
    p.end();
    CHECK(ee.word(0x10) == 0xFFFF);
    p.command(0x0, 0x00);  // EWDS
    p.end();
    p.command(0x1, 0x11);
    p.clock_out(0xBEEF, 16);
    p.end();
    CHECK(ee.word(0x11) == 0xFFFF);
    CHECK(ee.part().refused_writes() == 2u);
    p.release();
}

TEST_CASE("without the grant, EECD pin writes do not reach the EEPROM", "[nic][eeprom][robustness]") {
    Eeprom ee(kMac);
    INFO("no EE_REQ: EE_GNT stays clear and moving CS/SK/DI is refused");
    CHECK((ee.eecd() & eecd::EE_GNT::mask) == 0);
    CHECK_FALSE(ee.write_eecd(eecd::CS::mask));
    CHECK((ee.eecd() & eecd::CS::mask) == 0);
    INFO("a whole READ frame without the grant: DO never shows data");
    Pins p{ee};
    bool any_do = false;
    for (int bit : {1, 1, 0, 0, 0, 0, 0, 0, 0}) {
        p.write(eecd::CS::mask | (bit ? eecd::DI::mask : 0));
        p.write(eecd::CS::mask | eecd::SK::mask | (bit ? eecd::DI::mask : 0));
        any_do |= (ee.eecd() & eecd::DO::mask) != 0;
    }
    CHECK_FALSE(any_do);
    INFO("while an EERD read is in progress the grant waits for it");
    ee.write_eerd(eerd::START::mask | eerd::ADDR::make(1));
    ee.write_eecd(eecd::EE_REQ::mask);
    CHECK((ee.eecd() & eecd::EE_GNT::mask) == 0);
    for (int i = 0; i < 10; ++i) ee.tick();
    CHECK((ee.eerd() & eerd::DONE::mask) != 0);
    CHECK((ee.eecd() & eecd::EE_GNT::mask) != 0);
}

TEST_CASE("an image file of 128 bytes is used as it is, a corrupt one fails its checksum", "[nic][eeprom]") {
    EepromWords img = default_eeprom_image(kMac);
    img[0x20] ^= 0x0100;  // corrupt one word: the sum is off by 0x100
    std::string bytes;
    for (uint16_t w : img) {
        bytes.push_back(static_cast<char>(w & 0xFF));
        bytes.push_back(static_cast<char>(w >> 8));
    }
    const std::string path = temp_file("corrupt.bin", bytes);
    EepromWords loaded{};
    std::string err;
    REQUIRE(load_eeprom_file(path, loaded, err));
    std::remove(path.c_str());
    Eeprom ee(loaded);
    uint16_t w[64];
    for (unsigned a = 0; a < 64; ++a) w[a] = bitbang_read(ee, a);
    INFO("the driver sees the corruption: the sum is 0xBABA + 0x100 or 0xBABA - 0x100");
    const uint16_t s = sum_of(w);
    CHECK((s == 0xBBBA || s == 0xB9BA));
    CHECK(w[0x20] == img[0x20]);
}

TEST_CASE("an image file of another size is refused with one line", "[nic][eeprom][robustness]") {
    const std::string path = temp_file("short.bin", std::string(100, '\xFF'));
    EepromWords loaded{};
    std::string err;
    CHECK_FALSE(load_eeprom_file(path, loaded, err));
    std::remove(path.c_str());
    CHECK(err.find("100 bytes") != std::string::npos);
    CHECK(err.find('\n') == std::string::npos);
    CHECK_FALSE(load_eeprom_file("nicsim_test_no_such_file.bin", loaded, err));
}
