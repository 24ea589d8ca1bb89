// nicsim_trace_demo: one nicsim system (the same SystemTop as the nicsim program) with everything traced beside the
// bus -- PCI wires, the NIC's interrupt state and ring registers, DMA engine, TX/RX engines, descriptor caches, MAC
// and wire -- for the GTKWave save files in traces/ and the screenshots in docs/images/.
//
//   nicsim_trace_demo OUT.vcd [nicsim options...]     e.g. nicsim_trace_demo demo.vcd --packets 2 --size 200
//
// The nicsim options are parsed exactly as nicsim parses them (--vcd, --pcap-out and --stats-json are ignored: the
// VCD named first is the output). Exit status 0 when the run finished with no SystemC warning, 1 otherwise, 2 bad
// input.
#include <cstdio>
#include <string>
#include <vector>

#include <systemc>

#include "model/nic/nic_82540em.h"
#include "model/trace/tracer.h"
#include "testbench/machine/system_top.h"
#include "testbench/nicsim/command_line.h"

using namespace sc_core;

namespace {
unsigned g_reports = 0;

// Every warning or error is printed and counted: a demo run that needed one is not a clean picture.
void report_handler(const sc_report& rep, const sc_actions& actions) {
    if (rep.get_severity() == SC_INFO) return;
    ++g_reports;
    std::fprintf(stderr, "nicsim_trace_demo: %s: %s\n", rep.get_msg_type(), rep.get_msg());
    if (rep.get_severity() == SC_FATAL || (actions & SC_ABORT)) std::abort();
}
}  // namespace

int sc_main(int argc, char* argv[]) {
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: nicsim_trace_demo OUT.vcd [nicsim options...]\n");
        return 2;
    }
    const std::string vcd = argv[1];
    // Parse the rest as nicsim does, so a demo run is any nicsim run.
    std::vector<char*> args{argv[0]};
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    nicsim::tb::RunConfig cfg;
    try {
        if (nicsim::tb::parse_command_line(static_cast<int>(args.size()), args.data(), cfg) !=
            nicsim::tb::CliAction::Run) {
            std::fprintf(stderr, "nicsim_trace_demo: only run options are accepted\n");
            return 2;
        }
    } catch (const nicsim::tb::UsageError& e) {
        std::fprintf(stderr, "nicsim_trace_demo: %s\n", e.what());
        return 2;
    }
    // The top writes no outputs of its own: this program owns the one VCD.
    cfg.vcd.clear();
    cfg.pcap_out.clear();
    cfg.stats_json.clear();
    sc_report_handler::set_handler(report_handler);
    sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);

    nicsim::tb::SystemTop top("top", cfg);
    // Open the VCD and register everything before sc_start: bus under pci.*, the NIC under nic.*, the wire.
    nicsim::Tracer tracer(vcd);
    top.dut().bus.trace(tracer.file());
    top.dut().nic.trace(tracer.file(), "nic", nicsim::nic::kTraceAll);
    top.wire().trace(tracer.file());

    // As nicsim: no --max-time (0) means until the traffic completes.
    sc_time limit(static_cast<double>(cfg.max_time_ns), SC_NS);
    if (cfg.max_clocks) limit = top.dut().bus.period() * static_cast<double>(cfg.max_clocks);
    top.dut().bus.CLK.set_batch_horizon(limit == SC_ZERO_TIME ? sc_max_time() : limit);
    if (limit == SC_ZERO_TIME)
        sc_start();
    else
        sc_start(limit);
    const bool finished = top.finished();
    std::printf("%s: %.3f us simulated, sent %llu, received %llu%s\n", tracer.path().c_str(),
                sc_time_stamp().to_seconds() * 1e6, static_cast<unsigned long long>(top.dut().sent_packets()),
                static_cast<unsigned long long>(top.dut().received()), finished ? "" : " (time limit)");
    return (g_reports == 0 && top.dut().failure().empty()) ? 0 : 1;
}
