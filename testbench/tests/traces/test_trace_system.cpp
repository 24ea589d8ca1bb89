// The NIC's traced state in a whole nicsim system (SystemTop: driver, NDIS host, bridge, bus, NIC, wire): the values
// move with the state machines for one frame, and every signal the GTKWave save files name exists in the VCD.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/trace/tracer.h"
#include "testbench/machine/system_top.h"
#include "testbench/tests/traces/vcd_reader.h"

using namespace sc_core;
using nicsim::test::VcdReader;

namespace {

constexpr uint64_t kFrameBytes = 100;  // --size 100: the frame as the driver sends it, without FCS

/// One short nicsim run (one frame each way asked for) with everything traced into `base`.vcd.
void run_traced(const std::string& base, nicsim::tb::Direction dir, unsigned bus_width = 32) {
    nicsim::tb::RunConfig cfg;
    cfg.packets = 1;
    cfg.size.min = cfg.size.max = kFrameBytes;
    cfg.direction = dir;
    cfg.bus_width = bus_width;
    cfg.seed = 1;
    nicsim::tb::SystemTop top("top", cfg);
    nicsim::Tracer tracer(base);
    top.dut().bus.trace(tracer.file());
    top.dut().nic.trace(tracer.file(), "nic", nicsim::nic::kTraceAll);
    top.wire().trace(tracer.file());
    sc_start(sc_time(400, SC_US));
    INFO("the run finished within the time limit");
    REQUIRE(top.finished());
}

/// The index of the first element equal to `v` at or after `from`, or npos.
size_t find_from(const std::vector<uint64_t>& seq, uint64_t v, size_t from) {
    for (size_t i = from; i < seq.size(); ++i)
        if (seq[i] == v) return i;
    return std::string::npos;
}

/// Signal names a GTKWave save file lists, as the VCD reader names them (no "[msb:lsb]" suffix).
std::vector<std::string> save_file_signals(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || std::string("[*@-^#").find(line[0]) != std::string::npos) continue;
        if (line[0] == '+') {  // +{alias} name, or +{alias} #{combined} parts: the combined rows are skipped
            const size_t close = line.find("} ");
            if (close == std::string::npos) continue;
            line = line.substr(close + 2);
            if (line[0] == '#') continue;
        }
        const size_t bracket = line.find('[');
        out.push_back(bracket == std::string::npos ? line : line.substr(0, bracket));
    }
    return out;
}

}  // namespace

TEST_CASE("one TX frame moves the DMA engine through fetch then buffer reads then write-back", "[traces][nic][dma]") {
    const std::string base = "traces_tx_frame";
    run_traced(base, nicsim::tb::Direction::Tx);
    VcdReader vcd(base + ".vcd");
    REQUIRE(vcd.ok());

    const std::vector<uint64_t> op = vcd.sequence("SystemC.nic.dma.op");
    INFO("nic.dma.op (0 idle, 1 desc-fetch, 2 desc-writeback, 3 buffer-read, 4 buffer-write): "
         << ::Catch::Detail::stringify(op));
    const size_t fetch = find_from(op, 1, 0);
    REQUIRE(fetch != std::string::npos);
    const size_t read = find_from(op, 3, fetch);
    REQUIRE(read != std::string::npos);
    const size_t wb = find_from(op, 2, read);
    CHECK(wb != std::string::npos);
    CHECK(op.back() == 0);
    CHECK(find_from(op, 4, 0) == std::string::npos);  // nothing received: no buffer write

    INFO("the DMA engine is busy with a request while an operation is at its head, idle at the end");
    const std::vector<uint64_t> state = vcd.sequence("SystemC.nic.dma.state");
    CHECK(find_from(state, 2, 0) != std::string::npos);
    CHECK(state.back() == 0);
    CHECK(vcd.sequence("SystemC.nic.dma.requests").back() >= 4);  // RX fetch, TX fetch, >= 1 read, write-back

    INFO("the TX engine reads the buffers and goes idle again");
    const std::vector<uint64_t> tx = vcd.sequence("SystemC.nic.tx.state");
    REQUIRE(tx.size() >= 3);
    CHECK(tx[0] == 0);
    CHECK(tx[1] == 1);
    CHECK(tx.back() == 0);

    INFO("the TX descriptor cache fetches what TDT offered and has it written back: TDH reaches TDT");
    const std::vector<uint64_t> tdt = vcd.sequence("SystemC.nic.TDT");
    REQUIRE(tdt.size() >= 2);
    const uint64_t tail = tdt[1];
    CHECK(find_from(vcd.sequence("SystemC.nic.TDH"), tail, 0) != std::string::npos);
    CHECK(find_from(vcd.sequence("SystemC.nic.txdesc.cached"), tail, 0) != std::string::npos);
    const std::vector<uint64_t> inflight = vcd.sequence("SystemC.nic.txdesc.fetch_inflight");
    CHECK(inflight == std::vector<uint64_t>{0, 1, 0});

    INFO("the MAC sends one frame of 100 bytes plus FCS, after the last buffer read ended");
    const auto& mac_tx = vcd.changes("SystemC.nic.mac.tx");
    CHECK(vcd.sequence("SystemC.nic.mac.tx") == std::vector<uint64_t>{0, 1, 0});
    CHECK(vcd.sequence("SystemC.nic.mac.tx_len").back() == kFrameBytes + 4);
    CHECK(vcd.sequence("SystemC.nic.mac.tx_frames").back() == 1);
    uint64_t last_read_end = 0;
    const auto& op_changes = vcd.changes("SystemC.nic.dma.op");
    for (size_t i = 1; i < op_changes.size(); ++i)
        if (op_changes[i - 1].value == 3 && op_changes[i].value != 3) last_read_end = op_changes[i].time;
    REQUIRE(mac_tx.size() >= 3);
    CHECK(last_read_end != 0);
    CHECK(mac_tx[1].time >= last_read_end);
    INFO("mac.tx lasts the frame's wire time: (8 preamble/SFD + 104) bytes at 8 ns, in 100 ps VCD units");
    CHECK(mac_tx[2].time - mac_tx[1].time == (8 + kFrameBytes + 4) * 8 * 10);
    INFO("the wire's carrier follows the MAC");
    CHECK(vcd.sequence("SystemC.top.wire.a_to_b.carrier") == std::vector<uint64_t>{0, 1, 0});
    std::remove((base + ".vcd").c_str());
}

TEST_CASE("one RX frame is written then its descriptor written back and RDH advances", "[traces][nic][rx]") {
    const std::string base = "traces_rx_frame";
    run_traced(base, nicsim::tb::Direction::Rx);
    VcdReader vcd(base + ".vcd");
    REQUIRE(vcd.ok());
    const std::vector<uint64_t> rx = vcd.sequence("SystemC.nic.rx.state");
    INFO("nic.rx.state (0 idle, 1 wait-desc, 2 writing): " << ::Catch::Detail::stringify(rx));
    const size_t writing = find_from(rx, 2, 0);
    REQUIRE(writing != std::string::npos);
    CHECK(find_from(rx, 0, writing) != std::string::npos);
    const std::vector<uint64_t> op = vcd.sequence("SystemC.nic.dma.op");
    const size_t write = find_from(op, 4, 0);
    REQUIRE(write != std::string::npos);
    CHECK(find_from(op, 2, write) != std::string::npos);
    INFO("the write-back is pending, then in flight, then done; RDH moves to 1");
    CHECK(vcd.sequence("SystemC.nic.rxdesc.wb_inflight") == std::vector<uint64_t>{0, 1, 0});
    CHECK(find_from(vcd.sequence("SystemC.nic.RDH"), 1, 0) != std::string::npos);
    CHECK(find_from(vcd.sequence("SystemC.nic.rxdesc.head"), 1, 0) != std::string::npos);
    CHECK(vcd.sequence("SystemC.nic.rxdesc.writebacks").back() == 1);
    INFO("the MAC saw one frame of 100 bytes (the peer injects frames without FCS); INTA# was raised for it");
    CHECK(vcd.sequence("SystemC.nic.mac.rx_len").back() == kFrameBytes);
    CHECK(vcd.sequence("SystemC.nic.mac.rx_frames").back() == 1);
    CHECK(find_from(vcd.sequence("SystemC.nic.INTA"), 1, 0) != std::string::npos);
    std::remove((base + ".vcd").c_str());
}

TEST_CASE("every signal of the GTKWave save files is in a 64-bit nicsim VCD", "[traces][gtkwave]") {
    const std::string base = "traces_savefiles64";
    run_traced(base, nicsim::tb::Direction::Both, 64);
    VcdReader vcd(base + ".vcd");
    REQUIRE(vcd.ok());
    const std::set<std::string> only32 = {"SystemC.pci.AD", "SystemC.pci.CBE_n"};  // listed as [31:0] and [63:0]
    for (const char* save : {"pci_bus.gtkw", "nic_dma.gtkw", "nic_desc.gtkw"}) {
        const std::vector<std::string> names = save_file_signals(std::string(NICSIM_SOURCE_DIR) + "/traces/" + save);
        INFO(save << " lists signals");
        CHECK(names.size() >= 10);
        for (const std::string& n : names) {
            INFO(save << " names " << n << ": the VCD nicsim writes has it");
            CHECK(vcd.has(n));
        }
    }
    const std::pair<const char*, const char*> filtered[] = {{"SystemC.nic.dma.op", "nic_dma_op.txt"},
                                                            {"SystemC.nic.dma.state", "nic_dma_state.txt"},
                                                            {"SystemC.nic.tx.state", "nic_tx_state.txt"},
                                                            {"SystemC.nic.rx.state", "nic_rx_state.txt"}};
    for (const auto& [signal, filter] : filtered) {
        std::ifstream in(std::string(NICSIM_SOURCE_DIR) + "/traces/filters/" + filter);
        REQUIRE(in);
        std::set<uint64_t> named;
        std::string line;
        while (std::getline(in, line))
            if (!line.empty() && line[0] != '#') named.insert(std::stoull(line.substr(0, line.find(' ')), nullptr, 16));
        const std::vector<uint64_t> seen = vcd.sequence(signal);
        CHECK(seen.size() >= 3);
        for (uint64_t v : seen) {
            INFO(filter << " names every value " << signal << " takes in a run: " << v);
            CHECK(named.count(v) == 1);
        }
    }
    INFO("GTKWave's own tools accept the VCD");
    CHECK(std::system(("vcd2fst " + base + ".vcd " + base + ".fst > /dev/null 2>&1").c_str()) == 0);
    std::remove((base + ".vcd").c_str());
    std::remove((base + ".fst").c_str());
}

TEST_CASE("the save files name only translate filters that exist", "[traces][gtkwave]") {
    for (const char* save : {"pci_bus.gtkw", "nic_dma.gtkw", "nic_desc.gtkw"}) {
        std::ifstream in(std::string(NICSIM_SOURCE_DIR) + "/traces/" + save);
        REQUIRE(in);
        std::string line;
        unsigned filters = 0;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] != '^') continue;
            const std::string path = line.substr(line.find(' ') + 1);
            INFO(save << " uses filter " << path);
            CHECK(std::ifstream(std::string(NICSIM_SOURCE_DIR) + "/" + path).good());
            ++filters;
        }
        INFO(save << " translates at least the bus command");
        CHECK(filters >= 1);
    }
}
