// The miniport's view of the hardware (hostdrv/miniport/e1000_hw.h) against the model's register table
// (model/nic/e1000_regs.h). The two are separate readings of the 8254x Software Developer's Manual; every register
// offset, register field, bit value and descriptor field the driver defines must sit where the model has it, so one
// cannot drift from the other unnoticed. Each entry names both sides. A last test reads the driver's header and
// fails on any definition that no entry here checks.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hostdrv/miniport/e1000_hw.h"
#include "model/nic/e1000_regs.h"

namespace drv = nicsim::miniport::hw;
namespace hw = nicsim::e1000;

namespace {

/// A number both sides define: an offset, a bit value, a count.
struct Value {
    const char* driver;
    const char* model;
    uint64_t driver_value;
    uint64_t model_value;
};
// The macros below keep each name next to the symbol it names (clang-format would break them apart).
// clang-format off
#define NICSIM_VALUE(d, m) Value{#d, #m, static_cast<uint64_t>(drv::d), static_cast<uint64_t>(hw::m)}
// clang-format on

const Value kValues[] = {
    NICSIM_VALUE(kBar0Size, kBar0Size),
    NICSIM_VALUE(CTRL, CTRL),
    NICSIM_VALUE(STATUS, STATUS),
    NICSIM_VALUE(EERD, EERD),
    NICSIM_VALUE(MDIC, MDIC),
    NICSIM_VALUE(mdic::kOpRead, mdic::kOpRead),
    NICSIM_VALUE(kPhyAddress, kPhyAddress),
    NICSIM_VALUE(phy::ID1, phy::ID1),
    NICSIM_VALUE(phy::ID2, phy::ID2),
    NICSIM_VALUE(phy::kId1, phy::kId1),
    NICSIM_VALUE(phy::kId2, phy::kId2),
    NICSIM_VALUE(ICR, ICR),
    NICSIM_VALUE(ITR, ITR),
    NICSIM_VALUE(IMS, IMS),
    NICSIM_VALUE(IMC, IMC),
    NICSIM_VALUE(RCTL, RCTL),
    NICSIM_VALUE(TCTL, TCTL),
    NICSIM_VALUE(RDBAL, RDBAL),
    NICSIM_VALUE(RDBAH, RDBAH),
    NICSIM_VALUE(RDLEN, RDLEN),
    NICSIM_VALUE(RDH, RDH),
    NICSIM_VALUE(RDT, RDT),
    NICSIM_VALUE(RDTR, RDTR),
    NICSIM_VALUE(RXDCTL, RXDCTL),
    NICSIM_VALUE(TDBAL, TDBAL),
    NICSIM_VALUE(TDBAH, TDBAH),
    NICSIM_VALUE(TDLEN, TDLEN),
    NICSIM_VALUE(TDH, TDH),
    NICSIM_VALUE(TDT, TDT),
    NICSIM_VALUE(TIDV, TIDV),
    NICSIM_VALUE(TXDCTL, TXDCTL),
    NICSIM_VALUE(MPC, MPC),
    NICSIM_VALUE(RNBC, RNBC),
    NICSIM_VALUE(ROC, ROC),
    NICSIM_VALUE(MTA, MTA),
    NICSIM_VALUE(RAL0, RAL0),
    NICSIM_VALUE(RAH0, RAH0),
    NICSIM_VALUE(kMtaEntries, kMtaEntries),
    NICSIM_VALUE(kRaEntries, kRaEntries),
    NICSIM_VALUE(status::kSpeed10, status::kSpeed10),
    NICSIM_VALUE(status::kSpeed100, status::kSpeed100),
    NICSIM_VALUE(status::kSpeed1000, status::kSpeed1000),
    NICSIM_VALUE(kEepromWords, kEepromWords),
    NICSIM_VALUE(kEepromSum, kEepromSum),
    NICSIM_VALUE(icr::TXDW, icr::TXDW),
    NICSIM_VALUE(icr::TXQE, icr::TXQE),
    NICSIM_VALUE(icr::LSC, icr::LSC),
    NICSIM_VALUE(icr::RXSEQ, icr::RXSEQ),
    NICSIM_VALUE(icr::RXDMT0, icr::RXDMT0),
    NICSIM_VALUE(icr::RXO, icr::RXO),
    NICSIM_VALUE(icr::RXT0, icr::RXT0),
    NICSIM_VALUE(kDescBytes, kDescBytes),
    NICSIM_VALUE(TxDesc::kCmdEop, TxDesc::kCmdEop),
    NICSIM_VALUE(TxDesc::kCmdIfcs, TxDesc::kCmdIfcs),
    NICSIM_VALUE(TxDesc::kCmdRs, TxDesc::kCmdRs),
    NICSIM_VALUE(TxDesc::kCmdIde, TxDesc::kCmdIde),
    NICSIM_VALUE(TxDesc::kStaDd, TxDesc::kStaDd),
    NICSIM_VALUE(TxDesc::kStaEc, TxDesc::kStaEc),
    NICSIM_VALUE(TxDesc::kStaLc, TxDesc::kStaLc),
    NICSIM_VALUE(TxDesc::kStaTu, TxDesc::kStaTu),
    NICSIM_VALUE(TxContextDesc::kDtyp, kDtypContext),
    NICSIM_VALUE(TxContextDesc::kTucmdTcp, TxContextDesc::kTucmdTcp),
    NICSIM_VALUE(TxContextDesc::kTucmdIp, TxContextDesc::kTucmdIp),
    NICSIM_VALUE(TxContextDesc::kTucmdTse, TxContextDesc::kTucmdTse),
    NICSIM_VALUE(TxContextDesc::kTucmdDext, TxContextDesc::kTucmdDext),
    NICSIM_VALUE(TxDataDesc::kDtyp, kDtypData),
    NICSIM_VALUE(TxDataDesc::kDcmdEop, TxDataDesc::kDcmdEop),
    NICSIM_VALUE(TxDataDesc::kDcmdIfcs, TxDataDesc::kDcmdIfcs),
    NICSIM_VALUE(TxDataDesc::kDcmdTse, TxDataDesc::kDcmdTse),
    NICSIM_VALUE(TxDataDesc::kDcmdRs, TxDataDesc::kDcmdRs),
    NICSIM_VALUE(TxDataDesc::kDcmdDext, TxDataDesc::kDcmdDext),
    NICSIM_VALUE(TxDataDesc::kDcmdIde, TxDataDesc::kDcmdIde),
    NICSIM_VALUE(TxDataDesc::kPoptsIxsm, TxDataDesc::kPoptsIxsm),
    NICSIM_VALUE(TxDataDesc::kPoptsTxsm, TxDataDesc::kPoptsTxsm),
    NICSIM_VALUE(RxDesc::kStaDd, RxDesc::kStaDd),
    NICSIM_VALUE(RxDesc::kStaEop, RxDesc::kStaEop),
    NICSIM_VALUE(RxDesc::kErrCe, RxDesc::kErrCe),
};
#undef NICSIM_VALUE

/// A bit field of a register (or of a descriptor dword) both sides define.
struct Field {
    const char* driver;
    const char* model;
    unsigned driver_pos, driver_width;
    unsigned model_pos, model_width;
};
// clang-format off
#define NICSIM_FIELD(d, m) Field{#d, #m, drv::d::pos, drv::d::width, hw::m::pos, hw::m::width}
// clang-format on

const Field kFields[] = {
    NICSIM_FIELD(ctrl::ASDE, ctrl::ASDE),
    NICSIM_FIELD(ctrl::SLU, ctrl::SLU),
    NICSIM_FIELD(ctrl::RST, ctrl::RST),
    NICSIM_FIELD(status::LU, status::LU),
    NICSIM_FIELD(status::SPEED, status::SPEED),
    NICSIM_FIELD(eerd::START, eerd::START),
    NICSIM_FIELD(eerd::DONE, eerd::DONE),
    NICSIM_FIELD(eerd::ADDR, eerd::ADDR),
    NICSIM_FIELD(eerd::DATA, eerd::DATA),
    NICSIM_FIELD(mdic::DATA, mdic::DATA),
    NICSIM_FIELD(mdic::REGADD, mdic::REGADD),
    NICSIM_FIELD(mdic::PHYADD, mdic::PHYADD),
    NICSIM_FIELD(mdic::OP, mdic::OP),
    NICSIM_FIELD(mdic::R, mdic::R),
    NICSIM_FIELD(mdic::E, mdic::E),
    NICSIM_FIELD(delay::VALUE, delay::VALUE),
    NICSIM_FIELD(itr::INTERVAL, itr::INTERVAL),
    NICSIM_FIELD(dctl::PTHRESH, dctl::PTHRESH),
    NICSIM_FIELD(rctl::EN, rctl::EN),
    NICSIM_FIELD(rctl::UPE, rctl::UPE),
    NICSIM_FIELD(rctl::MPE, rctl::MPE),
    NICSIM_FIELD(rctl::LPE, rctl::LPE),
    NICSIM_FIELD(rctl::BAM, rctl::BAM),
    NICSIM_FIELD(rctl::BSIZE, rctl::BSIZE),
    NICSIM_FIELD(rctl::BSEX, rctl::BSEX),
    NICSIM_FIELD(rctl::SECRC, rctl::SECRC),
    NICSIM_FIELD(tctl::EN, tctl::EN),
    NICSIM_FIELD(tctl::PSP, tctl::PSP),
    NICSIM_FIELD(tctl::CT, tctl::CT),
    NICSIM_FIELD(tctl::COLD, tctl::COLD),
    NICSIM_FIELD(rahf::RAH, rahf::RAH),
    NICSIM_FIELD(rahf::AV, rahf::AV),
    NICSIM_FIELD(TxContextDesc::PAYLEN, TxContextDesc::PAYLEN),
    NICSIM_FIELD(TxContextDesc::DTYP, TxContextDesc::DTYP),
    NICSIM_FIELD(TxContextDesc::TUCMD, TxContextDesc::TUCMD),
    NICSIM_FIELD(TxDataDesc::DTALEN, TxDataDesc::DTALEN),
    NICSIM_FIELD(TxDataDesc::DTYP, TxDataDesc::DTYP),
    NICSIM_FIELD(TxDataDesc::DCMD, TxDataDesc::DCMD),
};
#undef NICSIM_FIELD

using Bytes = std::array<uint8_t, drv::kDescBytes>;
constexpr uint8_t kFill = 0xA5;                          // what a descriptor holds before a field is written
constexpr uint64_t kPattern = 0x8877'6655'4433'2211ull;  // distinct bytes: a shifted field shows

/// A descriptor field: the driver's byte range against the model's setter and getter of the same field.
struct DescField {
    const char* driver;
    const char* model;
    void (*driver_store)(uint8_t* bytes, uint64_t value);
    void (*model_set)(uint8_t* bytes, uint64_t value);  // over the whole descriptor, nullptr: the model has none
    uint64_t (*model_get)(const uint8_t* bytes);
    unsigned model_bytes;  // width of the model's accessor
};
// clang-format off
#define NICSIM_DESC(D, F, M, set, get, T)                                                       \
    DescField{#D "::" #F, #M "::" #get,                                                         \
              [](uint8_t* b, uint64_t v) { drv::D::F::store(b, v); },                           \
              [](uint8_t* b, uint64_t v) {                                                      \
                  hw::M d;                                                                      \
                  std::memcpy(d.b, b, sizeof d.b);                                              \
                  d.set(static_cast<T>(v));                                                     \
                  std::memcpy(b, d.b, sizeof d.b);                                              \
              },                                                                                \
              [](const uint8_t* b) {                                                            \
                  hw::M d;                                                                      \
                  std::memcpy(d.b, b, sizeof d.b);                                              \
                  return static_cast<uint64_t>(d.get());                                        \
              },                                                                                \
              sizeof(T)}
#define NICSIM_DESC_RO(D, F, M, get, T)                                                         \
    DescField{#D "::" #F, #M "::" #get,                                                         \
              [](uint8_t* b, uint64_t v) { drv::D::F::store(b, v); },                           \
              nullptr,                                                                          \
              [](const uint8_t* b) {                                                            \
                  hw::M d;                                                                      \
                  std::memcpy(d.b, b, sizeof d.b);                                              \
                  return static_cast<uint64_t>(d.get());                                        \
              },                                                                                \
              sizeof(T)}
// clang-format on

const DescField kDescFields[] = {
    NICSIM_DESC(TxDesc, Addr, TxDesc, set_addr, addr, uint64_t),
    NICSIM_DESC(TxDesc, Length, TxDesc, set_length, length, uint16_t),
    NICSIM_DESC(TxDesc, Cmd, TxDesc, set_cmd, cmd, uint8_t),
    NICSIM_DESC(TxContextDesc, Ipcss, TxContextDesc, set_ipcss, ipcss, uint8_t),
    NICSIM_DESC(TxContextDesc, Ipcso, TxContextDesc, set_ipcso, ipcso, uint8_t),
    NICSIM_DESC(TxContextDesc, Ipcse, TxContextDesc, set_ipcse, ipcse, uint16_t),
    NICSIM_DESC(TxContextDesc, Tucss, TxContextDesc, set_tucss, tucss, uint8_t),
    NICSIM_DESC(TxContextDesc, Tucso, TxContextDesc, set_tucso, tucso, uint8_t),
    NICSIM_DESC(TxContextDesc, Tucse, TxContextDesc, set_tucse, tucse, uint16_t),
    NICSIM_DESC_RO(TxContextDesc, CmdLen, TxContextDesc, cmd_len, uint32_t),
    NICSIM_DESC(TxContextDesc, Hdrlen, TxContextDesc, set_hdrlen, hdrlen, uint8_t),
    NICSIM_DESC(TxContextDesc, Mss, TxContextDesc, set_mss, mss, uint16_t),
    NICSIM_DESC(TxDataDesc, Addr, TxDataDesc, set_addr, addr, uint64_t),
    NICSIM_DESC_RO(TxDataDesc, CmdLen, TxDataDesc, cmd_len, uint32_t),
    NICSIM_DESC(TxDataDesc, Popts, TxDataDesc, set_popts, popts, uint8_t),
    NICSIM_DESC(RxDesc, Addr, RxDesc, set_addr, addr, uint64_t),
    NICSIM_DESC(RxDesc, Length, RxDesc, set_length, length, uint16_t),
    NICSIM_DESC(RxDesc, Status, RxDesc, set_status, status, uint8_t),
    NICSIM_DESC(RxDesc, Errors, RxDesc, set_errors, errors, uint8_t),
};
#undef NICSIM_DESC
#undef NICSIM_DESC_RO

Bytes filled() {
    Bytes b;
    b.fill(kFill);
    return b;
}

uint64_t low_bytes(uint64_t v, unsigned n) {
    return n >= 8 ? v : v & ((1ull << (8 * n)) - 1);
}

std::string text(const Bytes& b) {
    std::ostringstream os;
    for (uint8_t x : b) os << std::hex << (x >> 4) << (x & 0xF) << ' ';
    return os.str();
}

template <typename D>
Bytes bytes_of(const D& d) {
    Bytes b;
    std::memcpy(b.data(), d.b, b.size());
    return b;
}

}  // namespace

TEST_CASE("every register offset, bit value and count of the miniport's view is the model's", "[layout][miniport]") {
    for (const Value& v : kValues) {
        INFO("driver " << v.driver << " = 0x" << std::hex << v.driver_value << ", model " << v.model << " = 0x"
                       << v.model_value);
        CHECK(v.driver_value == v.model_value);
    }
    INFO("the indexed registers (multicast table, receive addresses) lie where the model has them");
    for (unsigned n = 0; n < drv::kMtaEntries; ++n) CHECK(drv::mta_n(n) == hw::mta_n(n));
    for (unsigned n = 0; n < drv::kRaEntries; ++n) {
        CHECK(drv::ral_n(n) == hw::ral_n(n));
        CHECK(drv::rah_n(n) == hw::rah_n(n));
    }
}

TEST_CASE("every register field of the miniport's view has the model's position and width", "[layout][miniport]") {
    for (const Field& f : kFields) {
        INFO("driver " << f.driver << " bits " << f.driver_pos << "+" << f.driver_width << ", model " << f.model
                       << " bits " << f.model_pos << "+" << f.model_width);
        CHECK(f.driver_pos == f.model_pos);
        CHECK(f.driver_width == f.model_width);
    }
}

TEST_CASE("every descriptor field the miniport writes or reads lies where the model's descriptor has it",
          "[layout][miniport]") {
    for (const DescField& f : kDescFields) {
        for (uint64_t value : {~uint64_t{0}, kPattern}) {
            INFO("driver " << f.driver << " against model " << f.model << ", value 0x" << std::hex << value);
            Bytes by_driver = filled();
            f.driver_store(by_driver.data(), value);
            CHECK(f.model_get(by_driver.data()) == low_bytes(value, f.model_bytes));
            if (f.model_set) {
                Bytes by_model = filled();
                f.model_set(by_model.data(), value);
                INFO("driver bytes " << text(by_driver) << "\nmodel bytes  " << text(by_model));
                CHECK(by_driver == by_model);
            }
        }
    }
}

TEST_CASE("the miniport's descriptor writers build the bytes the model's writers build", "[layout][miniport]") {
    for (uint32_t len : {0u, 1514u, 0xFFFFFu}) {
        for (uint8_t cmd : {uint8_t{0}, uint8_t{0x0F}, uint8_t{0xFF}}) {
            INFO("length " << len << ", command 0x" << std::hex << unsigned(cmd));
            drv::TxContextDesc dc;
            hw::TxContextDesc mc;
            dc.set_cmd_len(len, cmd);
            mc.set_cmd_len(len, cmd);
            CHECK(bytes_of(dc) == bytes_of(mc));
            drv::TxDataDesc dd;
            hw::TxDataDesc md;
            dd.set_cmd_len(len, cmd);
            md.set_cmd_len(len, cmd);
            CHECK(bytes_of(dd) == bytes_of(md));
        }
    }
    INFO("a legacy TX descriptor and an RX descriptor the driver posts read back the same through the model");
    drv::TxDesc t;
    t.set_addr(kPattern);
    t.set_length(0x5EA);
    t.set_cmd(drv::TxDesc::kCmdEop | drv::TxDesc::kCmdRs);
    const hw::TxDesc mt = hw::desc_from<hw::TxDesc>(t.b);
    CHECK(mt.addr() == kPattern);
    CHECK(mt.length() == 0x5EA);
    CHECK(mt.cmd() == (hw::TxDesc::kCmdEop | hw::TxDesc::kCmdRs));
    hw::RxDesc mr;
    mr.set_addr(kPattern);
    mr.set_length(0x3C);
    mr.set_status(hw::RxDesc::kStaDd | hw::RxDesc::kStaEop);
    mr.set_errors(hw::RxDesc::kErrCe);
    const drv::RxDesc r = drv::desc_from<drv::RxDesc>(mr.b);
    CHECK(r.addr() == kPattern);
    CHECK(r.length() == 0x3C);
    CHECK(r.status() == (drv::RxDesc::kStaDd | drv::RxDesc::kStaEop));
    CHECK(r.errors() == drv::RxDesc::kErrCe);
}

namespace {

/// The driver-side names this file checks.
std::set<std::string> checked_names() {
    std::set<std::string> s;
    for (const Value& v : kValues) s.insert(v.driver);
    for (const Field& f : kFields) s.insert(f.driver);
    for (const DescField& f : kDescFields) s.insert(f.driver);
    for (const char* fn : {"mta_n", "ral_n", "rah_n"}) s.insert(fn);
    return s;
}

/// Every constant, field alias and register function the driver's header defines, qualified by the namespace or
/// struct it sits in (the generic helpers RegField and DescBytes excluded).
std::set<std::string> defined_names(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    const std::regex scope_open(R"(^(?:namespace|struct) (\w+) \{)");
    const std::regex scope_close(R"(^\};|^\}  // namespace (\w+)$)");
    const std::regex definition(R"(^\s*(?:static )?(?:constexpr [\w:]+ (\w+)(?: =|\()|using (\w+) = ))");
    std::set<std::string> names;
    std::string scope, line;
    bool helper = false;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, scope_open) && m[1] != "hw") {
            scope = std::string(m[1]) + "::";
            helper = m[1] == "RegField" || m[1] == "DescBytes";
        } else if (std::regex_search(line, m, scope_close)) {
            scope.clear();
            helper = false;
        } else if (!helper && std::regex_search(line, m, definition)) {
            const std::string name = m[1].matched ? m[1] : m[2];
            if (name != "RegBit") names.insert(scope + name);
        }
    }
    return names;
}

}  // namespace

TEST_CASE("no definition of the miniport's view goes unchecked", "[layout][miniport]") {
    const std::set<std::string> defined = defined_names(NICSIM_SOURCE_DIR "/hostdrv/miniport/e1000_hw.h");
    const std::set<std::string> checked = checked_names();
    INFO("the parser found the header's definitions");
    REQUIRE(defined.size() > 100);
    for (const std::string& name : defined) {
        INFO(name << " is defined in hostdrv/miniport/e1000_hw.h: add it to a table of this test");
        CHECK(checked.count(name) == 1);
    }
}
