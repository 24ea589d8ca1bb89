// The wire: delivery at the frame end time, ordering and back-to-back spacing, full duplex, MACs back to back,
// pcap sources (timestamps and back to back), pcap sinks and taps, and the reports for bad input.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <vector>

#include "model/nic/mac.h"
#include "model/trace/tracer.h"
#include "model/wire/pcap_file.h"
#include "model/wire/wire.h"
#include "testbench/support/sim_reports.h"
#include "testbench/support/vcd_text.h"

using namespace nicsim;
using namespace nicsim::wire;
using namespace sc_core;

namespace {

uint64_t now_ns() {
    return static_cast<uint64_t>(sc_time_stamp() / sc_time(1, SC_NS));
}

/// Runs a list of (time, action) steps from one thread: the test's stand-in for a transmitting station.
struct Script : sc_module {
    std::vector<std::pair<uint64_t, std::function<void()>>> steps;
    SC_HAS_PROCESS(Script);
    explicit Script(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void at(uint64_t t, std::function<void()> f) { steps.emplace_back(t, std::move(f)); }
    void run() {
        for (auto& [t, f] : steps) {
            if (t > now_ns()) wait(sc_time(static_cast<double>(t - now_ns()), SC_NS));
            f();
        }
    }
};

/// What one end received and when.
struct Arrivals {
    std::vector<net::Frame> frames;
    std::vector<uint64_t> at_ns;
    Receiver rx() {
        return [this](const net::Frame& f) {
            frames.push_back(f);
            at_ns.push_back(now_ns());
        };
    }
};

net::Frame make_frame(size_t len_without_fcs, uint8_t tag, uint64_t t) {
    net::Frame f;
    f.bytes.resize(len_without_fcs);
    for (size_t i = 0; i < len_without_fcs; ++i) f.bytes[i] = static_cast<uint8_t>(tag + i);
    net::append_fcs(f.bytes);
    f.fcs_included = true;
    f.time_ns = t;
    return f;
}

std::vector<PcapRecord> read_all(const std::string& path) {
    PcapReader r;
    REQUIRE(r.open(path));
    std::vector<PcapRecord> out;
    PcapRecord rec;
    while (r.next(rec)) out.push_back(rec);
    REQUIRE(r.error().empty());
    return out;
}

}  // namespace

TEST_CASE("a frame arrives at the other end when its last bit does", "[wire]") {
    Wire w("wire", 1000);
    Arrivals b;
    w.connect_b(b.rx());
    Script s("s");
    s.at(1000, [&] { w.end_a().transmit(make_frame(60, 1, 1000)); });
    sc_start(sc_time(10, SC_US));
    REQUIRE(b.frames.size() == 1);
    INFO("start 1000 ns + (8 preamble/SFD + 64 frame) bytes x 8 ns");
    CHECK(b.at_ns[0] == 1000 + 72 * 8);
    CHECK(b.frames[0].time_ns == 1000);
    CHECK(b.frames[0].bytes.size() == 64);
    CHECK(w.stats(true).frames == 1);
    CHECK(w.stats(true).delayed == 0);
    CHECK(w.stats(false).frames == 0);
}

TEST_CASE("frames transmitted together go out back to back with the IFG and in order", "[wire]") {
    Wire w("wire", 100);
    Arrivals b;
    w.connect_b(b.rx());
    Script s("s");
    s.at(0, [&] {
        for (uint8_t i = 0; i < 5; ++i) w.end_a().transmit(make_frame(60 + 100 * i, i, 0));
    });
    sc_start(sc_time(1, SC_MS));
    REQUIRE(b.frames.size() == 5);
    uint64_t start = 0;
    for (size_t i = 0; i < 5; ++i) {
        INFO("frame " << i);
        const size_t len = 64 + 100 * i;
        CHECK(b.frames[i].bytes[0] == i);             // order kept
        CHECK(b.frames[i].time_ns == start);          // starts when the previous one and its IFG are over
        CHECK(b.at_ns[i] == start + (8 + len) * 80);  // 80 ns per byte at 100 Mb/s
        start += (8 + len + 12) * 80;
    }
    INFO("four frames had to wait; none was lost");
    CHECK(w.stats(true).delayed == 4);
    CHECK(w.stats(true).frames == 5);
    CHECK(w.stats(true).max_queued == 5);
}

TEST_CASE("the two directions are independent: full duplex", "[wire]") {
    Wire w("wire", 1000);
    Arrivals a, b;
    w.connect_a(a.rx());
    w.connect_b(b.rx());
    Script s("s");
    s.at(500, [&] {
        w.end_a().transmit(make_frame(1514, 0xA0, 500));
        w.end_b().transmit(make_frame(1514, 0xB0, 500));
    });
    sc_start(sc_time(50, SC_US));
    REQUIRE(a.frames.size() == 1);
    REQUIRE(b.frames.size() == 1);
    INFO("each end gets the other's frame at the same time");
    CHECK(a.frames[0].bytes[0] == 0xB0);
    CHECK(b.frames[0].bytes[0] == 0xA0);
    CHECK(a.at_ns[0] == 500 + (8 + 1518) * 8);
    CHECK(b.at_ns[0] == a.at_ns[0]);
    CHECK(w.stats(true).delayed == 0);
    CHECK(w.stats(false).delayed == 0);
}

TEST_CASE("two MACs back to back on one wire exchange frames with FCS checked", "[wire][nic][mac]") {
    Wire w("wire", 1000);
    nic::Mac mac_a(w.end_a(), 1000), mac_b(w.end_b(), 1000);
    std::vector<net::Frame> got_a, got_b;
    mac_a.set_rx_callback([&](const net::Frame& f) { got_a.push_back(f); });
    mac_b.set_rx_callback([&](const net::Frame& f) { got_b.push_back(f); });
    w.connect_a([&](const net::Frame& f) { mac_a.receive(f); });
    w.connect_b([&](const net::Frame& f) { mac_b.receive(f); });
    std::vector<uint8_t> data(1514);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
    std::vector<uint64_t> ends;
    Script s("s");
    // A sends three frames, each as soon as the MAC is ready; B answers once with a short frame.
    s.at(0, [&] { ends.push_back(mac_a.transmit(data.data(), data.size(), true, true, now_ns())); });
    s.at(12304, [&] {
        REQUIRE(mac_a.tx_ready(now_ns()));
        ends.push_back(mac_a.transmit(data.data(), 100, true, true, now_ns()));
        mac_b.transmit(data.data(), 42, true, true, now_ns());
    });
    s.at(12304 + (8 + 104 + 12) * 8, [&] { ends.push_back(mac_a.transmit(data.data(), 60, false, true, now_ns())); });
    sc_start(sc_time(100, SC_US));
    REQUIRE(ends.size() == 3);
    CHECK(ends[0] == 12208);
    INFO("B got the two good frames; the third had no FCS inserted and is dropped as bad FCS");
    REQUIRE(got_b.size() == 2);
    CHECK(got_b[0].bytes.size() == 1518);
    CHECK(got_b[0].time_ns == 0);
    CHECK(got_b[1].bytes.size() == 104);
    CHECK(got_b[1].time_ns == 12304);
    CHECK(mac_b.stats().rx_bad_fcs == 1);
    INFO("A got B's padded frame");
    REQUIRE(got_a.size() == 1);
    CHECK(got_a[0].bytes.size() == 64);
    CHECK(w.stats(true).delayed == 0);
}

TEST_CASE("a frame handed over by transmit_swap arrives intact while its sender reuses the storage it got back",
          "[wire]") {
    Wire w("wire", 1000);
    Arrivals b;
    w.connect_b(b.rx());
    net::Frame sender;  // one frame object for every send, as the MAC has
    std::vector<const uint8_t*> given;
    std::vector<net::Frame> sent;
    Script s("s");
    // Three frames at once (in flight together), then one at a time: the ring's slots and the sender's frame trade
    // storage back and forth.
    for (uint64_t i = 0; i < 12; ++i) {
        const uint64_t t = i < 3 ? 0 : i * 20'000;
        s.at(t, [&, i, t] {
            sender = make_frame(60 + 50 * i, static_cast<uint8_t>(i), t);
            sent.push_back(sender);
            given.push_back(sender.bytes.data());
            w.end_a().transmit_swap(sender);
            INFO("the wire took the storage: the sender holds another buffer, which it may overwrite");
            CHECK(sender.bytes.data() != given.back());
            sender.bytes.assign(1600, 0xEE);
        });
    }
    sc_start(sc_time(1, SC_MS));
    REQUIRE(b.frames.size() == sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        INFO("frame " << i);
        CHECK(b.frames[i].bytes == sent[i].bytes);
    }
    CHECK(w.stats(true).frames == sent.size());
    CHECK(w.stats(true).max_queued == 3);
}

TEST_CASE("a sink that keeps nothing gets a handed-over frame through transmit, the sender's storage untouched",
          "[wire]") {
    struct Copier : net::WireSink {
        std::vector<net::Frame> got;
        void transmit(const net::Frame& f) override { got.push_back(f); }
    } sink;
    net::Frame f = make_frame(100, 7, 0);
    const net::Frame before = f;
    const uint8_t* storage = f.bytes.data();
    net::WireSink& as_sink = sink;
    as_sink.transmit_swap(f);
    REQUIRE(sink.got.size() == 1);
    CHECK(sink.got[0].bytes == before.bytes);
    CHECK(f.bytes == before.bytes);
    CHECK(f.bytes.data() == storage);
}

TEST_CASE("a frame arriving at an end with no receiver is counted and warned once", "[wire]") {
    test::expect_reports("nicsim/wire/no-receiver", 1);
    Wire w("wire", 1000);
    Script s("s");
    s.at(0, [&] {
        w.end_a().transmit(make_frame(60, 1, 0));
        w.end_a().transmit(make_frame(60, 2, 0));
    });
    sc_start(sc_time(10, SC_US));
    CHECK(w.stats(true).undelivered == 2);
    CHECK(w.stats(true).frames == 0);
    CHECK(test::reports_seen("nicsim/wire/no-receiver") == 1);
}

TEST_CASE("a pcap source replays frames at their timestamps into a pcap sink", "[wire][pcap]") {
    const std::string in = "wire_src.pcap", out = "wire_sink.pcap";
    {
        PcapWriter wr;
        REQUIRE(wr.open(in));
        std::vector<uint8_t> f(1514);
        for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i * 5);
        REQUIRE(wr.write(5'000'000'000ull, f.data(), 42));    // short: padded to 60
        REQUIRE(wr.write(5'000'010'000ull, f.data(), 100));   // 10 us later
        REQUIRE(wr.write(5'000'010'500ull, f.data(), 1514));  // before the previous frame is over: waits
        REQUIRE(wr.close());
    }
    {
        Wire w("wire", 1000);
        PcapSink sink(out);
        w.connect_b(sink.receiver());
        PcapSource src("src", in, w.end_a(), 1000, false, 2000);
        sc_start(sc_time(100, SC_US));
        CHECK(src.sent() == 3);
        CHECK(src.done());
        CHECK_FALSE(src.failed());
        CHECK(w.stats(true).delayed == 1);
        REQUIRE(sink.close());
    }
    const auto recs = read_all(out);
    REQUIRE(recs.size() == 3);
    INFO("lengths as on the wire without FCS; times = start offset + pcap time since the first record");
    CHECK(recs[0].data.size() == 60);
    CHECK(recs[1].data.size() == 100);
    CHECK(recs[2].data.size() == 1514);
    CHECK(recs[0].time_ns == 2000);
    CHECK(recs[1].time_ns == 12000);
    CHECK(recs[2].time_ns == 12000 + (8 + 104 + 12) * 8);  // delayed until the 100-byte frame and its IFG end
    CHECK(recs[1].data[99] == static_cast<uint8_t>(99 * 5));
    for (size_t i = 42; i < 60; ++i) CHECK(recs[0].data[i] == 0);
}

TEST_CASE("a back-to-back pcap source sends each frame as soon as the wire is free", "[wire][pcap]") {
    const std::string in = "wire_b2b.pcap";
    {
        PcapWriter wr;
        REQUIRE(wr.open(in));
        std::vector<uint8_t> f(200, 0xAB);
        for (int i = 0; i < 4; ++i) REQUIRE(wr.write(1'000'000'000ull * i, f.data(), 200));
        REQUIRE(wr.close());
    }
    Wire w("wire", 10);
    Arrivals b;
    w.connect_b(b.rx());
    PcapSource src("src", in, w.end_a(), 10, true);
    sc_start(sc_time(1, SC_MS));
    REQUIRE(b.frames.size() == 4);
    for (size_t i = 0; i < 4; ++i) {
        INFO("frame " << i << ": (8 + 204 + 12) bytes x 800 ns apart, not a second apart");
        CHECK(b.frames[i].time_ns == i * (8 + 204 + 12) * 800);
        CHECK(net::fcs_ok(b.frames[i].bytes.data(), b.frames[i].bytes.size()));
    }
    CHECK(w.stats(true).delayed == 0);
}

TEST_CASE("a tap records both directions of a wire", "[wire][pcap]") {
    const std::string path = "wire_tap.pcap";
    {
        PcapWriter tap;
        REQUIRE(tap.open(path));
        Wire w("wire", 1000);
        Arrivals a, b;
        w.connect_a(a.rx());
        w.connect_b(b.rx());
        w.set_tap(&tap);
        Script s("s");
        s.at(0, [&] { w.end_a().transmit(make_frame(60, 0x11, 0)); });
        s.at(100, [&] { w.end_b().transmit(make_frame(80, 0x22, 100)); });
        sc_start(sc_time(10, SC_US));
        REQUIRE(tap.close());
    }
    const auto recs = read_all(path);
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].data[0] == 0x11);
    CHECK(recs[0].data.size() == 60);
    CHECK(recs[1].data[0] == 0x22);
    CHECK(recs[1].time_ns == 100);
}

TEST_CASE("frames reaching both ends at the same instant are delivered and recorded A to B first", "[wire][pcap]") {
    const std::string path = "wire_same_instant.pcap";
    std::vector<char> order;  // which end received, in delivery order
    {
        PcapWriter tap;
        REQUIRE(tap.open(path));
        Wire w("wire", 1000);
        w.connect_a([&](const net::Frame&) { order.push_back('a'); });
        w.connect_b([&](const net::Frame&) { order.push_back('b'); });
        w.set_tap(&tap);
        Script s("s");
        // B's frame is handed over first, so its delivery event is the first of the instant in the kernel's queue.
        s.at(200, [&] {
            w.end_b().transmit(make_frame(60, 0x22, 200));
            w.end_a().transmit(make_frame(60, 0x11, 200));
        });
        sc_start(sc_time(10, SC_US));
        REQUIRE(tap.close());
    }
    REQUIRE(order == std::vector<char>{'b', 'a'});  // A's frame reaches end B first
    const auto recs = read_all(path);
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].data[0] == 0x11);
    CHECK(recs[1].data[0] == 0x22);
    CHECK(recs[0].time_ns == recs[1].time_ns);
}

TEST_CASE("a malformed pcap source and an unwritable sink are reported and send nothing", "[wire][pcap]") {
    test::expect_reports("nicsim/wire/pcap", 2);
    {
        std::FILE* f = std::fopen("wire_bad.pcap", "wb");
        REQUIRE(f);
        std::fputs("this is not a pcap file at all", f);
        std::fclose(f);
    }
    Wire w("wire", 1000);
    Arrivals b;
    w.connect_b(b.rx());
    PcapSource src("src", "wire_bad.pcap", w.end_a());
    PcapSink sink("no_such_dir_for_wire/out.pcap");
    w.connect_a(sink.receiver());
    sc_start(sc_time(10, SC_US));
    CHECK(src.failed());
    CHECK(src.sent() == 0);
    CHECK(b.frames.empty());
    CHECK(test::reports_seen("nicsim/wire/pcap") == 2);
    CHECK_FALSE(sink.close());
}

TEST_CASE("a wire with an unsupported link speed is reported and runs at 1000 Mb/s", "[wire]") {
    test::expect_reports("nicsim/wire/link-speed", 1);
    Wire w("wire", 2500);
    CHECK(w.link_mbps() == 1000);
    CHECK(test::reports_seen("nicsim/wire/link-speed") == 1);
}

TEST_CASE("the wire traces carrier length and frame count per direction for GTKWave", "[wire][traces]") {
    const std::string path = "wire_trace_test";
    {
        Wire w("wire", 1000);
        Arrivals b;
        w.connect_b(b.rx());
        Tracer tracer(path);
        w.trace(tracer.file());
        Script s("s");
        s.at(1000, [&] { w.end_a().transmit(make_frame(60, 1, 1000)); });
        sc_start(sc_time(5, SC_US));
        REQUIRE(b.frames.size() == 1);
    }
    REQUIRE(std::ifstream(path + ".vcd").good());
    const std::string vcd = nicsim::test::slurp(path + ".vcd");
    for (const char* sig : {"carrier", "len", "frames"}) {
        INFO(sig);
        CHECK(vcd.find(std::string(" ") + sig + " ") != std::string::npos);
    }
    INFO("the carrier rises at the frame start (1000 ns) and falls at its end (1576 ns)");
    REQUIRE(vcd.find("100 ps") != std::string::npos);  // the tracer's time unit (66 MHz needs 7.5 ns steps)
    CHECK(vcd.find("\n#10000\n") != std::string::npos);
    CHECK(vcd.find("\n#15760\n") != std::string::npos);
    std::remove((path + ".vcd").c_str());
}

TEST_CASE("an untraced wire, which marks no frame starts, delivers the frames a traced one does at the same times",
          "[wire][traces]") {
    const std::string path = "wire_untraced_test";
    {
        Wire traced("traced", 1000), plain("plain", 1000);
        Arrivals at_traced, at_plain;
        traced.connect_b(at_traced.rx());
        plain.connect_b(at_plain.rx());
        Tracer tracer(path);
        traced.trace(tracer.file());
        Script s("s");
        // Back to back (the second waits for the first and its gap), then one asked for ahead of its time.
        const auto send = [&](const net::Frame& f) {
            traced.end_a().transmit(f);
            plain.end_a().transmit(f);
        };
        s.at(1000, [&] {
            send(make_frame(60, 1, 1000));
            send(make_frame(200, 2, 1000));
        });
        s.at(2000, [&] { send(make_frame(80, 3, 9000)); });
        sc_start(sc_time(20, SC_US));
        REQUIRE(at_plain.frames.size() == 3);
        CHECK(at_plain.at_ns == at_traced.at_ns);
        CHECK(at_plain.at_ns == std::vector<uint64_t>{1576, 3368, 9736});
        for (size_t i = 0; i < at_plain.frames.size(); ++i) {
            CHECK(at_plain.frames[i].bytes == at_traced.frames[i].bytes);
            CHECK(at_plain.frames[i].time_ns == at_traced.frames[i].time_ns);
        }
    }
    std::remove((path + ".vcd").c_str());
}

TEST_CASE("frames scheduled absurdly far ahead are sent at once with a warning instead of overflowing time",
          "[wire][pcap]") {
    test::expect_reports("nicsim/wire/far-future", 1);
    test::expect_reports("nicsim/wire/pcap-gap", 1);
    const std::string in = "wire_gap.pcap";
    {
        PcapWriter wr;
        REQUIRE(wr.open(in));
        std::vector<uint8_t> f(100, 0x5A);
        REQUIRE(wr.write(0, f.data(), f.size()));
        REQUIRE(wr.write(864'000'000'000'000ull, f.data(), f.size()));  // ten days later
        REQUIRE(wr.close());
    }
    Wire w("wire", 1000);
    Arrivals a, b;
    w.connect_a(a.rx());
    w.connect_b(b.rx());
    PcapSource src("src", in, w.end_a());
    Script s("s");
    s.at(100, [&] { w.end_b().transmit(make_frame(60, 7, ~0ull)); });
    sc_start(sc_time(100, SC_US));
    INFO("the pcap's second record follows the first back to back");
    REQUIRE(b.frames.size() == 2);
    CHECK(b.frames[1].time_ns == (8 + 104 + 12) * 8);
    CHECK(src.gaps() == 1);
    INFO("the frame stamped at the end of time started when it was transmitted");
    REQUIRE(a.frames.size() == 1);
    CHECK(a.frames[0].time_ns == 100);
    CHECK(w.stats(false).far_future == 1);
    CHECK(test::reports_seen("nicsim/wire/far-future") == 1);
    CHECK(test::reports_seen("nicsim/wire/pcap-gap") == 1);
}

TEST_CASE("pulling the cable tells both ends and loses the frames in flight and those sent while down", "[wire]") {
    Wire w("wire", 10);
    Arrivals b;
    w.connect_b(b.rx());
    std::vector<std::pair<char, bool>> changes;
    w.on_link_change_a([&](bool up) { changes.emplace_back('a', up); });
    w.on_link_change_b([&](bool up) { changes.emplace_back('b', up); });
    Script s("s");
    // A 64-byte frame takes 57.6 us at 10 Mb/s: pull the cable in the middle of it, send one while down, plug
    // it back in and send one more.
    s.at(0, [&] { w.end_a().transmit(make_frame(60, 1, 0)); });
    s.at(20'000, [&] { w.set_link_up(false); });
    s.at(30'000, [&] { w.end_a().transmit(make_frame(60, 2, 30'000)); });
    s.at(100'000, [&] { w.set_link_up(true); });
    s.at(110'000, [&] { w.end_a().transmit(make_frame(60, 3, 110'000)); });
    sc_start(sc_time(1, SC_MS));
    INFO("only the frame sent after the cable came back arrived");
    REQUIRE(b.frames.size() == 1);
    CHECK(b.frames[0].bytes[0] == 3);
    CHECK(b.at_ns[0] == 110'000 + (8 + 64) * 800);
    CHECK(w.stats(true).link_down == 2);
    CHECK(w.link_up());
    INFO("both ends heard both changes, A first");
    REQUIRE(changes.size() == 4);
    CHECK(changes[0] == std::make_pair('a', false));
    CHECK(changes[1] == std::make_pair('b', false));
    CHECK(changes[3] == std::make_pair('b', true));
}
