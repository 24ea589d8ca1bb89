#include "model/pci/bus_monitor.h"

namespace nicsim::pci {

const char* rule_name(Rule r) {
    switch (r) {
        case Rule::StartOnIdleWithGnt: return "rule1-start-on-idle-with-gnt";
        case Rule::AddressPhase: return "rule2-address-phase";
        case Rule::DataPhase: return "rule3-data-phase";
        case Rule::MasterSignals: return "rule4-master-signals";
        case Rule::TargetSignals: return "rule5-target-signals";
        case Rule::DevselTiming: return "rule6-devsel-timing";
        case Rule::Latency: return "rule7-latency";
        case Rule::LatencyTimer: return "rule8-latency-timer";
        case Rule::Parity: return "rule9-parity";
        case Rule::ReadTurnaround: return "rule10-read-turnaround";
        case Rule::Bus64: return "rule11-bus64";
        case Rule::BurstOrder: return "rule12-burst-order";
        case Rule::Contention: return "rule13-contention";
    }
    return "rule-unknown";
}

BusMonitor::BusMonitor(sc_core::sc_module_name name, PciBus& bus) : sc_module(name), m_bus(bus) {}

void BusMonitor::set_dac_capable(unsigned, bool) {}
void BusMonitor::set_latency_timer(unsigned, uint8_t) {}

uint64_t BusMonitor::violations() const {
    uint64_t n = 0;
    for (unsigned i = 1; i < kRuleCount; ++i) n += m_count[i];
    return n;
}

uint64_t BusMonitor::violations(Rule r) const {
    const unsigned i = static_cast<unsigned>(r);
    return i < kRuleCount ? m_count[i] : 0;
}

std::string BusMonitor::summary() const {
    std::string s;
    for (unsigned i = 1; i < kRuleCount; ++i)
        if (m_count[i] != 0)
            s += std::string(rule_name(static_cast<Rule>(i))) + ": " + std::to_string(m_count[i]) + "\n";
    return s;
}

}  // namespace nicsim::pci
