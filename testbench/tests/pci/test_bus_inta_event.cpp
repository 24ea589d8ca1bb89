// PciBus::next_inta_event(): the INTA# change event for one wait, notified at the next change after a process asked
// for it (the host CPU's waits); inta_event() keeps a statically sensitive process hearing every change.
#include <catch2/catch.hpp>

#include <vector>

#include "model/pci/pci_bus.h"

using namespace nicsim::pci;
using namespace sc_core;

namespace {

/// Toggles the device's INTA# at the given times (ns).
struct IntaToggler : sc_module {
    PciBus& bus;
    unsigned device;
    std::vector<uint64_t> at_ns;
    SC_HAS_PROCESS(IntaToggler);
    IntaToggler(sc_module_name n, PciBus& b, unsigned dev, std::vector<uint64_t> at)
        : sc_module(n), bus(b), device(dev), at_ns(std::move(at)) {
        SC_THREAD(run);
    }
    void run() {
        bool level = false;
        for (const uint64_t t : at_ns) {
            wait(sc_time(static_cast<double>(t), SC_NS) - sc_time_stamp());
            level = !level;
            bus.set_inta(device, level);
        }
    }
};

uint64_t now_ns() {
    return sc_time_stamp().value() / sc_time(1, SC_NS).value();
}

}  // namespace

TEST_CASE("next_inta_event wakes a waiter at the next INTA# change after it asked, and only then", "[pci][bus]") {
    PciBus bus("pci", BusConfig{});
    const unsigned dev = bus.add_device("nic");
    IntaToggler toggler("toggler", bus, dev, {100, 200, 300});
    struct Waiter : sc_module {
        PciBus& bus;
        std::vector<uint64_t> woken_ns;
        SC_HAS_PROCESS(Waiter);
        Waiter(sc_module_name n, PciBus& b) : sc_module(n), bus(b) { SC_THREAD(run); }
        void run() {
            wait(bus.next_inta_event());
            woken_ns.push_back(now_ns());
            wait(sc_time(150, SC_NS));  // not waiting when INTA# changes at 200 ns
            wait(bus.next_inta_event());
            woken_ns.push_back(now_ns());
            wait(sc_time(1, SC_US), bus.next_inta_event());  // no change comes: the timeout
            woken_ns.push_back(now_ns());
        }
    } waiter("waiter", bus);
    sc_start(sc_time(2, SC_US));
    CHECK(waiter.woken_ns == std::vector<uint64_t>{100, 300, 1300});
}
