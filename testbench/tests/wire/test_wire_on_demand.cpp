// A wire end connected on demand (Wire::connect_b_on_demand): its frames are handed over when someone looks, and
// every look sees what an end connected with connect_b has received by then, in the same order, the tap's too.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "model/wire/pcap_file.h"
#include "model/wire/wire.h"

using namespace nicsim;
using namespace nicsim::wire;
using namespace sc_core;

namespace {

net::Frame make_frame(size_t len_without_fcs, uint8_t tag) {
    net::Frame f;
    f.bytes.assign(len_without_fcs, tag);
    net::append_fcs(f.bytes);
    f.fcs_included = true;
    return f;
}

/// Which end received which frame (its tag), in order of arrival over both ends of one wire.
struct Log {
    std::vector<std::string> got;
    Receiver rx(char end) {
        return [this, end](const net::Frame& f) { got.push_back(end + std::to_string(f.bytes[0])); };
    }
};

/// Sends the same frames into three wires, in both directions, at times that are not whole nanoseconds (so an end
/// that settles by whole nanoseconds would deliver early), and looks at two of them every 250 ps; nobody looks at
/// the third's on-demand end (only its frames towards end A make it catch up).
struct Twins : sc_module {
    Wire& events;
    Wire& on_demand;
    Wire& unlooked;
    const Log& events_log;
    const Log& on_demand_log;
    size_t looks = 0;
    size_t mismatches = 0;
    SC_HAS_PROCESS(Twins);
    Twins(sc_module_name n, Wire& ev, Wire& od, Wire& unl, const Log& ev_log, const Log& od_log)
        : sc_module(n), events(ev), on_demand(od), unlooked(unl), events_log(ev_log), on_demand_log(od_log) {
        SC_THREAD(send);
        SC_THREAD(look);
    }
    void both_ends(bool a_to_b, const net::Frame& f) {
        net::Frame copy = f;
        copy.time_ns = static_cast<uint64_t>(sc_time_stamp() / sc_time(1, SC_NS));
        (a_to_b ? events.end_a() : events.end_b()).transmit(copy);
        (a_to_b ? on_demand.end_a() : on_demand.end_b()).transmit(copy);
        (a_to_b ? unlooked.end_a() : unlooked.end_b()).transmit(copy);
    }
    void send() {
        wait(sc_time(1000.25, SC_NS));
        for (uint8_t tag = 1; tag <= 24; ++tag) {
            // Back to back towards B (queued behind each other), and a frame towards A every third one, sized so
            // that some arrive at A in the same nanosecond as, or just before, one at B.
            both_ends(true, make_frame(60 + 37u * (tag % 5), tag));
            if (tag % 3 == 0) both_ends(false, make_frame(60 + 11u * tag, static_cast<uint8_t>(100 + tag)));
            wait(sc_time(tag % 4 == 0 ? 1700.5 : 333.75, SC_NS));
        }
    }
    void look() {
        for (;;) {
            wait(sc_time(250, SC_PS));
            on_demand.settle();
            ++looks;
            if (on_demand_log.got.size() != events_log.got.size()) ++mismatches;
        }
    }
};

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("an end connected on demand has, at every look, the frames an event-driven end has, in the same order",
          "[wire]") {
    const std::string ev_pcap = "wire_on_demand_events.pcap", od_pcap = "wire_on_demand_looked.pcap",
                      unl_pcap = "wire_on_demand_unlooked.pcap";
    {
        Wire ev("events", 1000), od("on_demand", 1000), unl("unlooked", 1000);
        Log ev_log, od_log, unl_log;
        unl.connect_a(unl_log.rx('a'));
        unl.connect_b_on_demand(unl_log.rx('b'));
        ev.connect_a(ev_log.rx('a'));
        ev.connect_b(ev_log.rx('b'));
        od.connect_a(od_log.rx('a'));
        od.connect_b_on_demand(od_log.rx('b'));
        PcapWriter ev_tap, od_tap, unl_tap;
        REQUIRE(ev_tap.open(ev_pcap));
        REQUIRE(od_tap.open(od_pcap));
        REQUIRE(unl_tap.open(unl_pcap));
        ev.set_tap(&ev_tap);
        od.set_tap(&od_tap);
        unl.set_tap(&unl_tap);
        Twins twins("twins", ev, od, unl, ev_log, od_log);
        sc_start(sc_time(60, SC_US));
        INFO("looks: " << twins.looks);
        CHECK(twins.looks > 200'000);
        CHECK(twins.mismatches == 0);
        REQUIRE(ev_log.got.size() == 32);
        CHECK(od_log.got == ev_log.got);
        CHECK(od.stats(true).frames == 24);
        CHECK(od.stats(false).frames == 8);
        INFO("the end nobody looked at until now: its frames came in the same order, interleaved with end A's");
        unl.settle();
        CHECK(unl_log.got == ev_log.got);
        REQUIRE(ev_tap.close());
        REQUIRE(od_tap.close());
        REQUIRE(unl_tap.close());
    }
    INFO("the taps recorded both directions in the same order");
    CHECK(file_bytes(od_pcap) == file_bytes(ev_pcap));
    CHECK(file_bytes(unl_pcap) == file_bytes(ev_pcap));
    for (const std::string& p : {ev_pcap, od_pcap, unl_pcap}) std::remove(p.c_str());
}

TEST_CASE("after sc_start(t), a frame due at t reaches an end connected on demand when the next sc_start runs",
          "[wire]") {
    // The kernel fires an event due at the end of sc_start(t) in the next sc_start: the on-demand end agrees.
    Wire ev("events", 1000), od("on_demand", 1000);
    Log ev_log, od_log;
    ev.connect_b(ev_log.rx('b'));
    od.connect_b_on_demand(od_log.rx('b'));
    const net::Frame f = make_frame(60, 7);  // 64 bytes with FCS: 72 on the wire, 576 ns at 1 Gb/s
    ev.end_a().transmit(f);
    od.end_a().transmit(f);
    sc_start(sc_time(576, SC_NS));
    od.settle();
    CHECK(ev_log.got.empty());
    CHECK(od_log.got.empty());
    CHECK(od.stats(true).frames == 0);
    sc_start(sc_time(1, SC_PS));
    od.settle();
    CHECK(ev_log.got.size() == 1);
    CHECK(od_log.got == ev_log.got);
}

TEST_CASE("a frame that arrived on demand before the cable is pulled is delivered, not lost", "[wire]") {
    Wire od("on_demand", 1000);
    Log log;
    od.connect_b_on_demand(log.rx('b'));
    od.end_a().transmit(make_frame(60, 1));   // arrives at 576 ns
    od.end_a().transmit(make_frame(200, 2));  // in flight when the cable is pulled
    sc_start(sc_time(700, SC_NS));
    CHECK(log.got.empty());  // nobody looked yet
    od.set_link_up(false);
    CHECK(log.got == std::vector<std::string>{"b1"});
    CHECK(od.stats(true).link_down == 1);
}
