#include "model/fast/fast_dma_port.h"

#include "model/common/sim_now.h"
#include "model/nic/nic_82540em.h"
#include "model/pci/burst_timing.h"

namespace nicsim::fast {

using namespace sc_core;

FastDmaPort::FastDmaPort(sc_module_name name, const FastDmaParams& params, BusTimeline* timeline)
    : sc_module(name),
      mem("mem"),
      m_params(params),
      m_own_timeline(sc_time(params.clock_ns, SC_NS)),
      m_timeline(timeline ? timeline : &m_own_timeline),
      m_ext(new host::PciMasterExtension) {
    if (m_params.bytes_per_clock == 0) m_params.bytes_per_clock = 4;
    // Host memory has read data ready read_latency clocks after the address phase; the read's turnaround clock
    // overlaps the first of them. pci::burst_clocks adds the data phases to the rest, so each kind of burst's setup
    // is the port's own, computed once.
    const uint64_t waits = m_params.read_latency_clocks == 0 ? 0 : m_params.read_latency_clocks - 1;
    for (const bool write : {false, true})
        for (const bool dac : {false, true})
            m_setup[write][dac] = pci::burst_clocks(write, 0, dac, write ? 0 : waits) - 1;
    m_gp.set_extension(m_ext);
}

void FastDmaPort::connect(nic::Nic82540em& nic, unsigned master_index) {
    m_nic = &nic;
    m_ext->master = master_index;
}

void FastDmaPort::start(const pci::MasterRequest& rq) {
    ++m_stats.requests;
    const bool write = pci::cmd_is_write(rq.cmd);
    sc_time delay = SC_ZERO_TIME;
    const bool ok = rq.len == 0 || !rq.data || transport(write, rq, delay);
    pci::MasterStatus status = pci::MasterStatus::Ok;
    uint32_t bytes = rq.len;
    if (ok) {
        (write ? m_stats.write_bytes : m_stats.read_bytes) += rq.len;
    } else {
        status = pci::MasterStatus::TargetAbort;  // the host bridge target-aborts what memory refuses
        bytes = 0;
        ++m_stats.errors;
    }
    m_end = m_timeline->occupy_burst(sim_now() + delay, shape(rq), this);
    m_busy = true;
    if (m_nic) m_nic->dma_port_done(rq, status, bytes, m_end);
}

bool FastDmaPort::transport_first(bool write, const pci::MasterRequest& rq, sc_time& delay) {
    if (!m_direct_known) {  // the binding is complete by the first request
        m_direct = direct_access_of(mem);
        m_direct_known = true;
        if (m_direct) return transport(write, rq, delay);
    }
    return transport_payload(write, rq, delay);
}

bool FastDmaPort::transport_payload(bool write, const pci::MasterRequest& rq, sc_time& delay) {
    host::set_plain_access(m_gp, *m_ext, write, rq.addr, rq.data, rq.len);
    mem->b_transport(m_gp, delay);
    return m_gp.is_response_ok();
}

BurstShape FastDmaPort::shape(const pci::MasterRequest& rq) const {
    BurstShape b;
    b.write = pci::cmd_is_write(rq.cmd);
    b.phases = pci::burst_data_phases(rq.addr, rq.len, m_params.bytes_per_clock);
    const bool dac = m_params.dac_capable && rq.addr + rq.len > (1ull << 32);
    b.setup = m_setup[b.write][dac];
    b.latency_timer = m_nic ? m_nic->config_space().latency_timer() : 0;
    return b;
}

void FastDmaPort::burst_moved(const sc_time& end) {
    m_end = end;
    if (m_nic) m_nic->dma_port_moved(end);
}

}  // namespace nicsim::fast
