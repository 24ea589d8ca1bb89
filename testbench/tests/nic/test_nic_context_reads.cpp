// The data path reads the device's registers through NicContext::read_reg(), which reads the register file inline
// instead of calling the virtual reg(): both must give the same value at every offset, registers whose value lives
// in another block (STATUS, ICR, IMS, the moderation timers, EECD, MDIC) and unaligned offsets included.
#include <catch2/catch.hpp>

#include <systemc>

#include "model/nic/e1000_regs.h"
#include "testbench/tests/nic/nic_machine_bench.h"

using namespace nicsim;
using namespace nicsim::e1000;

TEST_CASE("the data path's inline register reads give what reg() gives at every offset, hooked registers included",
          "[nic][regs]") {
    test::NicMachineBench b;
    constexpr uint32_t kBar0 = test::NicMachineBench::kBar0;
    b.run([&](hostdrv::HostPlatform& hp) {
        b.enable(hp);
        hp.mmio_write(kBar0 + IMS, 4, icr::TXDW | icr::RXT0);
        hp.mmio_write(kBar0 + ICS, 4, icr::RXT0);  // ICR (hooked) is non-zero
        hp.mmio_write(kBar0 + ITR, 4, 200);
        hp.mmio_write(kBar0 + TIDV, 4, 8);
        hp.mmio_write(kBar0 + RCTL, 4, rctl::BAM::make(1));
        hp.mmio_write(kBar0 + VET, 4, 0x8100);
    });
    const nic::NicContext& ctx = b.nic;
    INFO("the hooked registers tested hold values their storage words do not");
    CHECK(ctx.read_reg(ICR) == icr::RXT0);
    CHECK(ctx.read_reg(IMS) == (icr::TXDW | icr::RXT0));
    CHECK(ctx.read_reg(ITR) == 200u);
    CHECK(status::SPEED::get(ctx.read_reg(STATUS)) == status::kSpeed1000);
    unsigned differ = 0;
    for (uint32_t offset = 0; offset < kBar0Size; ++offset)
        if (ctx.read_reg(offset) != b.nic.reg(offset)) ++differ;
    CHECK(differ == 0);
    b.check_clean();
}

// The descriptor caches set TDH/RDH through NicContext::reg_poke_storage() instead of the virtual set_reg(): where
// the device offers a register's storage, a store there must be exactly what set_reg() does (no hook takes it).
TEST_CASE("a register's poke storage is where set_reg() stores it, at every offset the device offers one",
          "[nic][regs]") {
    test::NicMachineBench b;
    nic::NicContext& ctx = b.nic;
    CHECK(ctx.reg_poke_storage(TDH) != nullptr);  // the ones the descriptor caches use
    CHECK(ctx.reg_poke_storage(RDH) != nullptr);
    unsigned offered = 0, differ = 0;
    for (uint32_t offset = 0; offset < kBar0Size; offset += 4) {
        uint32_t* word = ctx.reg_poke_storage(offset);
        if (!word) continue;
        ++offered;
        const uint32_t was = ctx.read_reg(offset);
        ctx.set_reg(offset, ~was);
        if (*word != ~was || ctx.read_reg(offset) != ~was) ++differ;
        ctx.set_reg(offset, was);
    }
    CHECK(offered > 2);
    CHECK(differ == 0);
    CHECK(ctx.reg_poke_storage(ICR) == nullptr);  // hooked: set_reg() goes to the interrupt block
    CHECK(ctx.reg_poke_storage(TDH + 1) == nullptr);
}
