// Minimal PCI agents for the host bridge tests: a target with a memory BAR, an
// I/O window, config space and INTA#, and a bus master that runs a queue of requests. Built on the engines.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include <systemc>

#include "model/pci/master_engine.h"
#include "model/pci/pci_bus.h"
#include "model/pci/target_engine.h"

namespace nicsim::test {

/// A PCI target: memory BAR at mem_base (mem.size() bytes), 16 I/O ports at io_base, a config space whose vendor
/// and device IDs are set, and INTA#: raise_irq() asserts it, a memory write to kIrqClear deasserts it.
struct IrqTarget : sc_core::sc_module, pci::TargetClient {
    static constexpr uint64_t kIrqClear = 0x40;  // memory offset: any write deasserts INTA#

    pci::PciBus& bus;
    pci::PciTargetEngine eng;
    unsigned device;
    uint64_t mem_base;
    std::vector<uint8_t> mem;
    uint32_t io_base;
    uint8_t io[16] = {};
    uint8_t cfg[256] = {};
    uint64_t abort_at = ~0ull;  // memory address whose data phase is target-aborted
    unsigned claims = 0;

    SC_HAS_PROCESS(IrqTarget);
    IrqTarget(sc_core::sc_module_name n, pci::PciBus& b, uint64_t mem_at, size_t mem_size, uint32_t io_at)
        : sc_module(n),
          bus(b),
          eng(b, name(), *this),
          device(b.add_device(name())),
          mem_base(mem_at),
          mem(mem_size, 0),
          io_base(io_at) {
        eng.set_idsel_device(device);
        cfg[0] = 0x86, cfg[1] = 0x80, cfg[2] = 0x0E, cfg[3] = 0x10;  // 8086:100E
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    void raise_irq() { bus.set_inta(device, true); }
    void tick() {
        if (!bus.lines().idle() || eng.active()) eng.tick();
    }
    uint8_t* at(const pci::TargetAccess& a, unsigned n) {
        if (pci::cmd_is_config(a.cmd)) return cfg + (a.addr & 0xFC);
        if (pci::cmd_is_io(a.cmd)) return io + ((a.addr - io_base) & 0xC);
        const uint64_t off = (a.addr & ~uint64_t(n - 1)) - mem_base;
        return off + n <= mem.size() ? mem.data() + off : nullptr;
    }
    bool target_claim(const pci::TargetAccess& a) override {
        bool mine = false;
        if (pci::cmd_is_config(a.cmd))
            mine = a.idsel && ((a.addr >> 8) & 7) == 0;
        else if (pci::cmd_is_io(a.cmd))
            mine = a.addr - io_base < 16;
        else if (pci::cmd_is_memory(a.cmd))
            mine = a.addr - mem_base < mem.size();
        claims += mine;
        return mine;
    }
    pci::TargetReply target_read(const pci::TargetAccess& a, uint64_t& data) override {
        const unsigned n = a.wide ? 8 : 4;
        if (a.addr == abort_at) return pci::TargetReply::Abort;
        uint8_t* p = at(a, n);
        if (!p) return pci::TargetReply::Retry;
        data = 0;
        for (unsigned i = 0; i < n; ++i) data |= uint64_t(p[i]) << (8 * i);
        return pci::TargetReply::Data;
    }
    pci::TargetReply target_write_ready(const pci::TargetAccess& a) override {
        return a.addr == abort_at ? pci::TargetReply::Abort : pci::TargetReply::Data;
    }
    pci::TargetReply target_write(const pci::TargetAccess& a, uint64_t data, uint8_t be) override {
        const unsigned n = a.wide ? 8 : 4;
        uint8_t* p = at(a, n);
        if (!p) return pci::TargetReply::Retry;
        for (unsigned i = 0; i < n; ++i)
            if ((be >> i) & 1u) p[i] = static_cast<uint8_t>(data >> (8 * i));
        if (pci::cmd_is_memory(a.cmd) && (a.addr & ~uint64_t(n - 1)) - mem_base == (kIrqClear & ~uint64_t(n - 1)))
            bus.set_inta(device, false);
        return pci::TargetReply::Data;
    }
};

/// A bus master running a queue of requests; each job keeps its data and outcome.
struct DmaMaster : sc_core::sc_module, pci::MasterClient {
    struct Job {
        pci::MasterRequest rq;
        std::vector<uint8_t> buf;
        bool done = false;
        pci::MasterStatus status = pci::MasterStatus::Ok;
        uint32_t bytes = 0;
        uint64_t done_clock = 0;
    };

    pci::PciBus& bus;
    pci::PciMasterEngine eng;
    std::deque<Job> jobs;  // stable addresses: jobs are only appended
    size_t next = 0;
    uint64_t start_clock = 0;

    SC_HAS_PROCESS(DmaMaster);
    DmaMaster(sc_core::sc_module_name n, pci::PciBus& b) : sc_module(n), bus(b), eng(b, name(), *this) {
        eng.config().use_req64 = b.is64();
        SC_METHOD(tick);
        sensitive << bus.CLK.posedge_event();
        dont_initialize();
    }
    /// Queue a memory read (data filled on completion) or write of `data`.
    Job& add(pci::Cmd cmd, uint64_t addr, std::vector<uint8_t> data) {
        jobs.emplace_back();
        Job& j = jobs.back();
        j.buf = std::move(data);
        j.rq.cmd = cmd;
        j.rq.addr = addr;
        j.rq.len = static_cast<uint32_t>(j.buf.size());
        j.rq.data = j.buf.data();
        j.rq.tag = jobs.size() - 1;
        return j;
    }
    bool all_done() const {
        for (const Job& j : jobs)
            if (!j.done) return false;
        return true;
    }
    void tick() {
        if (!bus.lines().rst_n || bus.clock_count() < start_clock) return;
        if (next < jobs.size() && eng.can_start()) eng.start(jobs[next++].rq);
        eng.tick();
    }
    void master_done(const pci::MasterRequest& rq, pci::MasterStatus status, uint32_t bytes_done) override {
        Job& j = jobs[rq.tag];
        j.done = true;
        j.status = status;
        j.bytes = bytes_done;
        j.done_clock = bus.clock_count();
    }
};

}  // namespace nicsim::test
