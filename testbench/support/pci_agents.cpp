#include "pci_agents.h"

namespace nicsim::test {

using namespace sc_core;
using namespace nicsim::pci;

// ---------------------------------------------------------------- TestMaster

TestMaster::TestMaster(sc_module_name name, PciBus& bus)
    : sc_module(name), m_bus(bus), m_engine(bus, basename(), *this) {
    SC_HAS_PROCESS(TestMaster);
    SC_METHOD(clock);
    sensitive << bus.CLK.posedge_event();
    dont_initialize();
}

size_t TestMaster::queue(Cmd cmd, uint64_t addr, std::vector<uint8_t> data, uint32_t idsel) {
    MasterResult r;
    r.data = std::move(data);
    r.rq.cmd = cmd;
    r.rq.addr = addr;
    r.rq.len = static_cast<uint32_t>(r.data.size());
    r.rq.idsel = idsel;
    r.rq.tag = m_results.size();
    m_results.push_back(std::move(r));
    MasterResult& q = m_results.back();
    q.rq.data = q.data.empty() ? nullptr : q.data.data();
    if (m_sleeping) m_kick.notify(SC_ZERO_TIME);
    return m_results.size() - 1;
}

size_t TestMaster::write(uint64_t addr, const std::vector<uint8_t>& bytes, Cmd cmd, uint32_t idsel) {
    return queue(cmd, addr, bytes, idsel);
}

size_t TestMaster::read(uint64_t addr, uint32_t len, Cmd cmd, uint32_t idsel) {
    return queue(cmd, addr, std::vector<uint8_t>(len, 0xEE), idsel);
}

void TestMaster::master_done(const MasterRequest& rq, MasterStatus status, uint32_t bytes_done) {
    MasterResult& r = m_results.at(rq.tag);
    r.done = true;
    r.status = status;
    r.bytes = bytes_done;
    r.done_clock = m_bus.clock_count();
}

void TestMaster::clock() {
    if (m_sleeping) {  // woken by a bus change or a new request: act on the next rising edge
        m_sleeping = false;
        next_trigger(m_bus.CLK.posedge_event());
        return;
    }
    m_engine.tick();
    if (m_engine.can_start() && m_next < m_results.size()) m_engine.start(m_results[m_next++].rq);
    if (!m_engine.needs_tick() && m_next == m_results.size()) {
        m_sleeping = true;
        next_trigger(m_bus.changed_event() | m_kick);
    }
}

// ---------------------------------------------------------------- TestTarget

TestTarget::TestTarget(sc_module_name name, PciBus& bus, uint64_t base, uint32_t size, const TargetTiming& timing)
    : sc_module(name), mem(size, 0), cfg(256, 0), mem_base(base), m_bus(bus), m_engine(bus, basename(), *this) {
    m_engine.timing() = timing;
    m_engine.set_parity_response(true, true);
    m_claims.reserve(1024);
    m_read_be.reserve(4096);
    SC_HAS_PROCESS(TestTarget);
    SC_METHOD(clock);
    sensitive << bus.CLK.posedge_event();
    dont_initialize();
}

void TestTarget::set_io_window(uint32_t base, uint32_t size) {
    m_io_base = base;
    io.assign(size, 0);
}

unsigned TestTarget::enable_config() {
    const unsigned dev = m_bus.add_device(basename());
    m_engine.set_idsel_device(dev);
    m_config = true;
    return dev;
}

void TestTarget::clock() {
    if (!m_bus.CLK.posedge()) return;  // woken by a change: the next rising edge samples it
    if (m_bus.lines().idle() && !m_engine.active()) {
        next_trigger(m_bus.changed_event());  // nothing on the bus: wake when a line changes
        return;
    }
    m_engine.tick();
}

bool TestTarget::target_claim(const TargetAccess& a) {
    bool mine = false;
    if (cmd_is_memory(a.cmd))
        mine = a.addr >= mem_base && a.addr - mem_base < mem.size();
    else if (cmd_is_io(a.cmd))
        mine = !io.empty() && a.addr >= m_io_base && a.addr - m_io_base < io.size();
    else if (cmd_is_config(a.cmd))
        mine = m_config && a.idsel && (a.addr & 3u) == 0 && ((a.addr >> 8) & 7u) == 0;
    if (mine && m_claims.size() < m_claims.capacity()) m_claims.push_back(Claim{a.cmd, a.addr, a.wide});
    return mine;
}

// The bytes a data phase addresses (n of them, from the phase's dword or qword), or nullptr outside the window.
uint8_t* TestTarget::bytes_at(const TargetAccess& a, unsigned n) {
    if (cmd_is_config(a.cmd)) return cfg.data() + (a.addr & 0xFCu);
    std::vector<uint8_t>& v = cmd_is_io(a.cmd) ? io : mem;
    const uint64_t base = cmd_is_io(a.cmd) ? m_io_base : mem_base;
    const uint64_t at = a.addr & ~static_cast<uint64_t>(n - 1);
    if (at < base || at - base + n > v.size()) return nullptr;
    return v.data() + (at - base);
}

TargetReply TestTarget::scripted(const TargetAccess& a) {
    const unsigned n = a.wide ? 8 : 4;
    if (a.phase == 0 && m_retried < m_script.retry_first) {
        ++m_retried;
        return TargetReply::Retry;
    }
    const uint64_t at = a.addr & ~static_cast<uint64_t>(n - 1);
    if (m_script.abort_addr >= at && m_script.abort_addr < at + n) return TargetReply::Abort;
    if (m_script.disconnect_nodata_at && a.phase == m_script.disconnect_nodata_at) return TargetReply::Retry;
    if (!bytes_at(a, n)) return a.phase == 0 ? TargetReply::Abort : TargetReply::Retry;  // ran out of the window
    if (m_script.disconnect_after && a.phase + 1 == m_script.disconnect_after) return TargetReply::Disconnect;
    return TargetReply::Data;
}

TargetReply TestTarget::target_read(const TargetAccess& a, uint64_t& data) {
    const unsigned n = a.wide ? 8 : 4;
    const TargetReply r = scripted(a);
    if (r == TargetReply::Data || r == TargetReply::Disconnect) {
        const uint8_t* p = bytes_at(a, n);
        if (m_read_be.size() < m_read_be.capacity()) m_read_be.push_back(a.byte_enables);
        data = 0;
        for (unsigned i = 0; i < n; ++i) data |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    return r;
}

TargetReply TestTarget::target_write_ready(const TargetAccess& a) {
    return scripted(a);
}

TargetReply TestTarget::target_write(const TargetAccess& a, uint64_t data, uint8_t byte_enables) {
    const unsigned n = a.wide ? 8 : 4;
    uint8_t* p = bytes_at(a, n);
    if (!p) return TargetReply::Abort;
    for (unsigned i = 0; i < n; ++i)
        if ((byte_enables >> i) & 1u) p[i] = static_cast<uint8_t>(data >> (8 * i));
    return TargetReply::Data;
}

void TestTarget::target_parity_error(const TargetAccess& a, bool address_phase) {
    if (address_phase)
        ++m_addr_perr;
    else
        ++m_data_perr;
}

// ---------------------------------------------------------------- BusProbe

BusProbe::BusProbe(sc_module_name name, PciBus& bus) : sc_module(name), m_bus(bus) {
    m_addr.reserve(4096);
    SC_HAS_PROCESS(BusProbe);
    SC_METHOD(clock);
    sensitive << bus.CLK.posedge_event();
    dont_initialize();
}

void BusProbe::clock() {
    const Lines& l = m_bus.lines();
    if (!m_bus.CLK.posedge()) return;
    if (l.asserted(kPerr)) ++m_perr;
    if (l.asserted(kSerr)) ++m_serr;
    if (l.asserted(kAck64) && l.asserted(kDevsel)) ++m_ack64;
    const bool frame = l.asserted(kFrame);
    if (m_dac_next) {
        m_dac_next = false;
        Address& a = m_addr.back();
        a.cmd = static_cast<Cmd>(l.cbe_n & 0xF);
        a.addr |= static_cast<uint64_t>(static_cast<uint32_t>(l.ad)) << 32;
        a.clock = m_bus.clock_count();
    } else if (frame && !m_prev_frame && m_addr.size() < m_addr.capacity()) {
        Address a{};
        a.clock = m_bus.clock_count();
        a.cmd = static_cast<Cmd>(l.cbe_n & 0xF);
        a.addr = static_cast<uint32_t>(l.ad);
        a.req64 = l.asserted(kReq64);
        a.master = -1;
        for (unsigned i = 0; i < m_bus.master_count(); ++i)
            if (((m_prev_gnt_n >> i) & 1u) == 0) a.master = static_cast<int>(i);
        a.dac = a.cmd == Cmd::DualAddress;
        m_dac_next = a.dac;
        m_addr.push_back(a);
    } else if (!m_addr.empty() && l.asserted(kIrdy) && l.asserted(kTrdy)) {
        ++m_addr.back().data_phases;
    }
    m_prev_frame = frame;
    m_prev_gnt_n = l.gnt_n;
    if (l.idle() && !l.asserted(kPerr) && !l.asserted(kSerr) && !m_dac_next)
        next_trigger(m_bus.changed_event());  // nothing to count until a line changes
}

bool run_until_idle(std::initializer_list<TestMaster*> masters, uint64_t max_clocks, unsigned settle) {
    if (masters.size() == 0) return false;
    const sc_time period = (*masters.begin())->bus().period();  // every TestMaster of a test sits on one bus
    for (uint64_t i = 0; i < max_clocks; ++i) {
        bool all = true;
        for (TestMaster* m : masters) all = all && m->idle();
        if (all) {
            sc_start(period * settle);
            return true;
        }
        sc_start(period);
    }
    return false;
}

}  // namespace nicsim::test
