#include "model/nic/mdio_controller.h"

#include "model/nic/e1000_regs.h"

namespace nicsim::nic {

using namespace nicsim::e1000;

void MdioController::write(uint32_t value, uint64_t now_ns, bool& replaced) {
    replaced = busy();
    m_value = value & ~(mdic::R::mask | mdic::E::mask);
    const uint32_t op = mdic::OP::get(value);
    // A bad opcode puts no frame on the wires: it fails at once.
    m_done_at = (op == mdic::kOpRead || op == mdic::kOpWrite) ? now_ns + kFrameNs : now_ns;
}

bool MdioController::complete(Phy88E1011& phy, uint64_t now_ns, Done& done) {
    if (!busy() || now_ns < m_done_at) return false;
    m_done_at = kNever;
    done = Done{};
    done.interrupt = mdic::I::get(m_value) != 0;
    const uint32_t op = mdic::OP::get(m_value);
    const unsigned addr = mdic::PHYADD::get(m_value);
    const unsigned reg = mdic::REGADD::get(m_value);
    uint32_t v = m_value | mdic::R::mask;
    if (op != mdic::kOpRead && op != mdic::kOpWrite) {
        v |= mdic::E::mask;
    } else if (addr != kPhyAddress) {
        // Nobody drives the turnaround of a read; a write to an absent PHY simply goes nowhere.
        if (op == mdic::kOpRead) v |= mdic::E::mask;
        done.note = "MDIO " + std::string(op == mdic::kOpRead ? "read" : "write") + " of PHY address " +
                    std::to_string(addr) + ": only the PHY at address 1 is on this bus";
    } else if (op == mdic::kOpRead) {
        bool known = true;
        v = mdic::DATA::set(v, phy.read(reg, known));
        if (!known) done.note = "MDIO read of PHY register " + std::to_string(reg) + ", which the PHY lacks: 0";
    } else if (!phy.write(reg, static_cast<uint16_t>(mdic::DATA::get(m_value)), now_ns)) {
        done.note = "MDIO write to read-only or absent PHY register " + std::to_string(reg) + " ignored";
    }
    m_value = v;
    return true;
}

void MdioController::reset() {
    m_value = 0;
    m_done_at = kNever;
}

}  // namespace nicsim::nic
