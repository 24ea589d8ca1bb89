// The NIC's internal state traced beside the bus: the trace() methods register the named signals, the values move
// with the state machines, and with tracing off nothing is registered.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "model/nic/nic_82540em.h"
#include "model/pci/pci_bus.h"
#include "model/trace/tracer.h"
#include "testbench/support/sim_reports.h"
#include "testbench/tests/traces/vcd_reader.h"

using namespace sc_core;
using nicsim::test::VcdReader;

TEST_CASE("Nic82540em trace registers the DMA engine descriptor caches engines MAC and interrupt state",
          "[traces][nic]") {
    const std::string base = "traces_names_test";
    {
        nicsim::pci::PciBus bus("pci", nicsim::pci::BusConfig{});
        nicsim::nic::Nic82540em nic("nic", bus);
        nicsim::Tracer tracer(base);
        bus.trace(tracer.file());
        nic.trace(tracer.file(), "nic", nicsim::nic::kTraceAll);
        sc_start(20 * bus.period());
    }
    VcdReader vcd(base + ".vcd");
    REQUIRE(vcd.ok());
    const char* expected[] = {
        "nic.INTA",
        "nic.ICR",
        "nic.IMS",
        "nic.TDH",
        "nic.TDT",
        "nic.RDH",
        "nic.RDT",
        "nic.dma.state",
        "nic.dma.op",
        "nic.dma.addr",
        "nic.dma.len",
        "nic.dma.req_addr",
        "nic.dma.req_len",
        "nic.dma.depth",
        "nic.dma.requests",
        "nic.tx.state",
        "nic.tx.frame_len",
        "nic.tx.fifo_frames",
        "nic.tx.fifo_bytes",
        "nic.rx.state",
        "nic.rx.offset",
        "nic.rx.fifo_frames",
        "nic.rx.fifo_bytes",
        "nic.txdesc.head",
        "nic.txdesc.tail",
        "nic.txdesc.cached",
        "nic.txdesc.finished",
        "nic.txdesc.fetch_inflight",
        "nic.txdesc.wb_inflight",
        "nic.txdesc.wb_pending",
        "nic.rxdesc.head",
        "nic.rxdesc.tail",
        "nic.rxdesc.cached",
        "nic.rxdesc.fetch_inflight",
        "nic.rxdesc.wb_pending",
        "nic.mac.tx",
        "nic.mac.tx_len",
        "nic.mac.tx_frames",
        "nic.mac.rx_len",
        "nic.mac.link_up",
        "pci.CLK",
        "pci.FRAME_n",
    };
    for (const char* n : expected) {
        INFO("the VCD names every traced signal under SystemC.<prefix>: " << n);
        CHECK(vcd.has(std::string("SystemC.") + n));
    }
    INFO("state numbers are 4 bits wide so the translate filters match one hex digit");
    CHECK(vcd.width("SystemC.nic.dma.state") == 4);
    CHECK(vcd.width("SystemC.nic.dma.op") == 4);
    CHECK(vcd.width("SystemC.nic.tx.state") == 4);
    CHECK(vcd.width("SystemC.nic.rx.state") == 4);
    std::remove((base + ".vcd").c_str());
}

TEST_CASE("trace selects only the requested parts and tracing off registers nothing", "[traces][nic]") {
    const std::string base = "traces_select_test";
    {
        nicsim::pci::PciBus bus("pci", nicsim::pci::BusConfig{});
        nicsim::nic::Nic82540em nic("nic", bus);
        nicsim::nic::Nic82540em other("other", bus);
        nicsim::Tracer off;  // no path: tracing off
        REQUIRE_FALSE(off.on());
        nic.trace(off.file(), "off", nicsim::nic::kTraceAll);  // must be a no-op
        nic.data_path().trace(nullptr, "off2");
        nicsim::Tracer tracer(base);
        nic.trace(tracer.file(), "nic", nicsim::nic::kTraceDesc);
        other.trace(tracer.file(), "other", 0);
        sc_start(10 * bus.period());
    }
    VcdReader vcd(base + ".vcd");
    REQUIRE(vcd.ok());
    for (const std::string& n : vcd.names()) {
        INFO("a nullptr trace file registers nothing: " << n);
        CHECK(n.find(".off") == std::string::npos);
    }
    INFO("kTraceDesc: descriptor caches only");
    CHECK(vcd.has("SystemC.nic.txdesc.head"));
    CHECK(vcd.has("SystemC.nic.rxdesc.tail"));
    CHECK_FALSE(vcd.has("SystemC.nic.dma.state"));
    CHECK_FALSE(vcd.has("SystemC.nic.mac.tx"));
    CHECK_FALSE(vcd.has("SystemC.nic.tx.state"));
    INFO("what = 0: only the front (interrupts and ring registers)");
    CHECK(vcd.has("SystemC.other.INTA"));
    CHECK_FALSE(vcd.has("SystemC.other.txdesc.head"));
    CHECK_FALSE(vcd.has("SystemC.other.dma.op"));
    std::remove((base + ".vcd").c_str());
}
