#include "testbench/machine/detail_window.h"

#include <string>

#include "testbench/nicsim/value_parsers.h"

namespace nicsim::tb {

using namespace sc_core;

namespace {

uint64_t now_ns() {
    return static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9 + 0.5);
}

}  // namespace

void DetailWindow::Counter::count() {
    if (++frames == at) reached.notify(SC_ZERO_TIME);
}

void DetailWindow::Counter::transmit(const net::Frame& frame) {
    wire->transmit(frame);
    count();
}

void DetailWindow::Counter::transmit_swap(net::Frame& frame) {
    wire->transmit_swap(frame);
    count();
}

DetailWindow::DetailWindow(sc_module_name name, const RunConfig& cfg, DetailMachine& machine, net::WireSink& wire)
    : sc_module(name), m_cfg(cfg), m_machine(machine) {
    m_counter.wire = &wire;
    m_counter.at = cfg.detail_from.packet;
    SC_THREAD(run);
}

void DetailWindow::set_tracer(Tracer* tracer) {
    m_tracer = tracer;
    if (m_tracer) m_tracer->hold_until_window();
}

void DetailWindow::wait_for_start() {
    if (m_cfg.detail_from.packet)
        wait(m_counter.reached);
    else
        wait(sc_time(static_cast<double>(m_cfg.detail_from.ns), SC_NS));
}

uint64_t DetailWindow::switch_to(bool pin) {
    const sc_time waited = m_machine.switch_bus_model(pin);
    const uint64_t wait_ns = static_cast<uint64_t>(waited.to_seconds() * 1e9 + 0.5);
    const std::string what = std::string(pin ? "to the pin-level bus" : "back to the fast mode") + " at " +
                             values::time_text(now_ns()) + " after waiting " + std::to_string(wait_ns) +
                             " ns for the DMA engine and the CPU to be quiescent";
    SC_REPORT_INFO("nicsim/machine/note/detail-switch", (std::string(m_machine.name()) + ": " + what).c_str());
    return wait_ns;
}

void DetailWindow::run() {
    wait_for_start();
    m_record.start_wait_ns = switch_to(true);
    m_record.start_ns = now_ns();
    m_record.start_clock = m_machine.bus.clock_count();
    m_record.started = true;
    if (m_tracer) m_tracer->open_window();
    if (!m_cfg.detail_for_ns) return;
    wait(sc_time(static_cast<double>(m_cfg.detail_for_ns), SC_NS));
    m_record.end_wait_ns = switch_to(false);
    m_record.end_ns = now_ns();
    m_record.end_clock = m_machine.bus.clock_count();
    m_record.ended = true;
    if (m_tracer) m_tracer->close_window();
}

}  // namespace nicsim::tb
