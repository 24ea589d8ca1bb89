// The option table, presets and scenario files: every bad input is one clear line naming what was wrong.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "testbench/nicsim/command_line.h"
#include "testbench/nicsim/params.h"
#include "testbench/nicsim/scenario_file.h"

using namespace nicsim::tb;

namespace {

CliAction parse(std::vector<std::string> args, RunConfig& cfg) {
    args.insert(args.begin(), "nicsim");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), cfg);
}

std::string error_of(std::vector<std::string> args) {
    RunConfig cfg;
    try {
        parse(std::move(args), cfg);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text, const std::string& suffix = ".scn")
        : path("run_config_test_" + std::to_string(::getpid()) + suffix) {
        std::ofstream(path, std::ios::binary) << text;
    }
    ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("defaults describe a short meaningful run", "[cli][config]") {
    RunConfig cfg;
    REQUIRE(parse({}, cfg) == CliAction::Run);
    CHECK(cfg.bus_width == 32);
    CHECK(cfg.packets > 0);
    CHECK(cfg.direction == Direction::Both);
    CHECK(cfg.scenario == "default");
}

TEST_CASE("every parameter is accepted with a valid value and sets its field", "[cli][config]") {
    TempFile eeprom(std::string(128, '\xFF'), ".eeprom");
    // One non-default value per parameter; the table may not grow without this list.
    const std::vector<std::pair<std::string, std::string>> values = {
        {"scenario", "smoke"},
        {"randomize", "false"},
        {"seed", "7"},
        {"bus-width", "64"},
        {"bus-clock", "66"},
        {"bus-model", "tlm"},
        {"burst-batching", "off"},
        {"tlm-quantum", "250ns"},
        {"detail-from", "packet:5"},
        {"detail-for", "1ms"},
        {"mem-latency", "9"},
        {"dma-address-bits", "32"},
        {"max-transfer", "2K"},
        {"desc-cache", "16"},
        {"link", "100"},
        {"nic-data-path", "64"},
        {"autoneg", "2s"},
        {"eeprom", eeprom.path},
        {"jumbo-packet", "9014"},
        {"desc-prefetch-threshold", "8"},
        {"miniport", "driver.so"},
        {"peer-miniport", "none"},
        {"registry", "TxRingSize=512,InterruptDelay=0x10"},
        {"peer-registry", "WaitAutoNegComplete=1"},
        {"lso-max-size", "64K"},
        {"maximum-physical-mapping", "65536"},
        {"placement", "fragmented"},
        {"map-registers", "40"},
        {"check-for-hang", "2ms"},
        {"packets", "10"},
        {"size", "64..128"},
        {"direction", "tx"},
        {"fragments", "3"},
        {"fault", "reset-at:1ms"},  // the fast mode has no host bridge to inject bus faults
        {"back-to-back", "false"},
        {"pcap-in", "in.pcap"},
        {"pcap-out", "out.pcap"},
        {"vcd", "x.fst"},
        {"trace-format", "fst"},
        {"trace", "bus,dma"},
        {"stats-json", "s.json"},
        {"max-time", "2ms"},
        {"max-clocks", "90000"},
        {"progress", "true"},
        {"quiet", "true"},
    };
    TempFile scn("packets = 12\n");
    std::vector<std::string> args = {"--scenario-file", scn.path};
    for (const auto& [k, v] : values) args.push_back("--" + k + "=" + v);
    RunConfig cfg;
    REQUIRE(parse(args, cfg) == CliAction::Run);
    INFO("every parameter but the scenario file is in the list above");
    CHECK(values.size() + 1 == param_table().size());
    CHECK(cfg.scenario == "smoke");
    CHECK(cfg.seed == 7);
    CHECK(cfg.bus_width == 64);
    CHECK(cfg.bus_clock_mhz == 66);
    CHECK(cfg.mem_latency == 9);
    CHECK(cfg.bus_model == BusModel::Tlm);
    CHECK_FALSE(cfg.burst_batching);
    CHECK(cfg.tlm_quantum_ns == 250);
    CHECK(cfg.detail_from.packet == 5);
    CHECK(cfg.detail_for_ns == 1'000'000);
    CHECK(cfg.dma_address_bits == 32);
    CHECK(cfg.max_transfer == 2048);
    CHECK(cfg.desc_cache == 16);
    CHECK(cfg.desc_prefetch_threshold == 8);
    CHECK(cfg.nic_data_path == 64);
    CHECK(cfg.autoneg_ns == 2'000'000'000u);
    CHECK(cfg.eeprom == eeprom.path);
    CHECK(cfg.jumbo_packet == 9014);
    CHECK(cfg.miniport == "driver.so");
    CHECK(cfg.link_mbps == 100);
    CHECK(cfg.lso_max_size == 65536);
    CHECK(cfg.maximum_physical_mapping == 65536);
    CHECK(cfg.placement == nicsim::ndis::Placement::Fragmented);
    CHECK(cfg.map_registers == 40);
    CHECK(cfg.check_for_hang_ns == 2'000'000u);
    INFO("the command line overrides both the preset (4) and the scenario file (12)");
    CHECK(cfg.packets == 10);
    CHECK(cfg.size.kind == SizeDist::Uniform);
    CHECK(cfg.size.min == 64);
    CHECK(cfg.size.max == 128);
    CHECK(cfg.direction == Direction::Tx);
    CHECK(cfg.fragments == 3);
    CHECK(cfg.fault.reset_at_ns == 1'000'000);
    CHECK_FALSE(cfg.back_to_back);
    CHECK(cfg.pcap_in == "in.pcap");
    CHECK(cfg.pcap_out == "out.pcap");
    CHECK(cfg.vcd == "x.fst");
    CHECK(cfg.trace_format == TraceFormat::Fst);
    CHECK(cfg.trace == "bus,dma");
    CHECK(cfg.stats_json == "s.json");
    CHECK(cfg.max_time_ns == 2'000'000);
    CHECK(cfg.max_clocks == 90000);
    CHECK(cfg.progress);
    CHECK(cfg.quiet);
    INFO("show() gives back each value the way the parameter reads it");
    for (const auto& [k, v] : values) {
        RunConfig one, again;
        set_param(one, k, v);
        set_param(again, k, find_param(k)->show(one));
        INFO(k);
        CHECK(find_param(k)->show(again) == find_param(k)->show(one));
    }
}

TEST_CASE("bad option values are refused with a message naming the option and the value", "[cli][config]") {
    CHECK_THAT(error_of({"--bus-width", "48"}), Catch::StartsWith("--bus-width: expected 32 or 64, got '48'"));
    CHECK_THAT(error_of({"--packets", "-3"}), Catch::StartsWith("--packets: expected an integer"));
    CHECK_THAT(error_of({"--size", "20"}), Catch::StartsWith("--size:"));
    CHECK_THAT(error_of({"--size", "900..100"}), Catch::Contains("MIN not above MAX"));
    CHECK_THAT(error_of({"--max-time", "10 parsecs"}), Catch::StartsWith("--max-time:"));
    CHECK_THAT(error_of({"--placement", "middle"}), Catch::Contains("low, high, scattered or fragmented"));
    CHECK_THAT(error_of({"--frobnicate"}), Catch::StartsWith("unknown option '--frobnicate'"));
    CHECK_THAT(error_of({"--seed"}), Catch::StartsWith("--seed: missing value"));
    CHECK_THAT(error_of({"stray"}), Catch::StartsWith("unexpected argument 'stray'"));
    CHECK_THAT(error_of({"--scenario", "nope"}), Catch::Contains("unknown scenario 'nope'"));
    CHECK_THAT(error_of({"--lso-max-size", "1000"}), Catch::StartsWith("--lso-max-size:"));
    CHECK_THAT(error_of({"--pakets", "3"}), Catch::Contains("did you mean --packets?"));
    CHECK_THAT(error_of({"--trace-format", "lxt"}), Catch::StartsWith("--trace-format: expected vcd or fst"));
    INFO("GTKWave reads a trace by its name's ending: the name must say the format");
    CHECK_THAT(error_of({"--trace-format", "fst", "--vcd", "run.vcd"}), Catch::Contains("must end in .fst"));
    CHECK_THAT(error_of({"--vcd", "run.fst"}), Catch::Contains("needs --trace-format fst"));
    CHECK_THAT(error_of({"--trace-format", "fst", "--vcd", "-"}), Catch::Contains("cannot go to standard output"));
    CHECK_THAT(error_of({"--help=x"}), Catch::StartsWith("--help takes no value, got 'x'"));
    CHECK_THAT(error_of({"--fault", "retry:0"}), Catch::StartsWith("--fault retry: expected a probability above 0"));
    CHECK_THAT(error_of({"--fault", "link-down-for:10us"}), Catch::Contains("link-down-for needs link-flap"));
    CHECK_THAT(error_of({"--fault", "reset-at:2ms", "--max-time", "1ms"}),
               Catch::StartsWith("--fault reset-at: 2ms is not before --max-time 1ms"));
    CHECK_THAT(error_of({"--registry", "TxRingSize"}), Catch::Contains("NAME=VALUE"));
    CHECK_THAT(error_of({"--registry", "Tx Ring=1"}), Catch::Contains("NAME=VALUE"));
    CHECK_THAT(error_of({"--registry", "TxRingSize=0x100000000"}),
               Catch::StartsWith("--registry: expected an integer"));
    CHECK_THAT(error_of({"--registry", "A=1", "--registry", "a=2"}), Catch::Contains("'a' is given twice"));
    INFO("the keywords nicsim's own options write stay with those options");
    CHECK_THAT(error_of({"--peer-registry", "*jumbopacket=9014"}), Catch::Contains("set by --jumbo-packet"));
    INFO("error messages are one line, also when the bad input holds a newline (found by fuzz_command_line)");
    CHECK(error_of({"--bus-width", "48"}).find('\n') == std::string::npos);
    CHECK(error_of({"Gl = \"tlm\" true\n"}) == "unexpected argument 'Gl = \"tlm\" true\\n' (see nicsim --help)");
    CHECK(error_of({"--size", "6\x01"}).find('\x01') == std::string::npos);
}

TEST_CASE("several registry options add up in order and none clears them", "[cli][config]") {
    RunConfig cfg;
    parse({"--registry", "TxRingSize=512", "--registry", "InterruptDelay=0x10,*SpeedDuplex=6"}, cfg);
    const RegistryValues want = {{"TxRingSize", 512}, {"InterruptDelay", 16}, {"*SpeedDuplex", 6}};
    CHECK(cfg.registry == want);
    CHECK(cfg.peer_registry.empty());
    RunConfig cleared;
    parse({"--registry", "TxRingSize=512", "--registry", "none"}, cleared);
    CHECK(cleared.registry.empty());
}

TEST_CASE("presets apply first and explicit options override them", "[cli][config]") {
    RunConfig cfg;
    parse({"--packets", "5", "--scenario", "dma32-high"}, cfg);
    CHECK(cfg.dma_address_bits == 32);
    CHECK(cfg.placement == nicsim::ndis::Placement::High);
    CHECK(cfg.packets == 5);
    CHECK(cfg.scenario == "dma32-high");
    for (const PresetInfo& p : preset_table()) {
        INFO(p.name);
        RunConfig c;
        CHECK_NOTHROW(apply_preset(c, p.name));
        CHECK_NOTHROW(validate(c));
    }
}

TEST_CASE("scenario files use the option names and report file and line on errors", "[cli][config]") {
    {
        TempFile f(
            "\xEF\xBB\xBF# a scenario\nbus-width = 64\nscenario = \"b2b\"\nsize = \"imix\"  # mixed\nquiet = true\n");
        RunConfig cfg;
        parse({"--scenario-file", f.path}, cfg);
        CHECK(cfg.bus_width == 64);
        CHECK(cfg.back_to_back);
        CHECK(cfg.size.kind == SizeDist::Imix);
        CHECK(cfg.quiet);
    }
    {
        TempFile f("bus-width = 64\ncolour = \"blue\"\n");
        CHECK_THAT(error_of({"--scenario-file", f.path}), Catch::EndsWith(":2: unknown key 'colour'"));
    }
    {
        TempFile f("link = 42\n");
        CHECK_THAT(error_of({"--scenario-file", f.path}), Catch::Contains(":1: --link: expected 10, 100 or 1000"));
    }
    {
        TempFile f("packets = 4\njust words\n");
        INFO("a line that is not TOML is named by file and line");
        CHECK_THAT(error_of({"--scenario-file", f.path}), Catch::Contains(f.path + ":2: "));
    }
    CHECK_THAT(error_of({"--scenario-file", "/nonexistent/x.scn"}), Catch::StartsWith("--scenario-file: cannot read"));
}

TEST_CASE("numbers are decimal with an optional 0x, K, M or G", "[cli][config]") {
    RunConfig cfg;
    parse({"--packets", "08", "--seed", "0x10", "--max-transfer", "1K"}, cfg);
    INFO("a leading zero is not octal");
    CHECK(cfg.packets == 8);
    CHECK(cfg.seed == 16);
    CHECK(cfg.max_transfer == 1024);
    CHECK_THAT(error_of({"--packets", "0x"}), Catch::StartsWith("--packets: expected an integer"));
}

TEST_CASE("a parameter that reaches the driver has one name from option to registry keyword", "[cli][config]") {
    // dma-address-bits -> DmaAddressBits: the option's words, each capitalised, are the registry keyword.
    unsigned with_registry = 0;
    for (const Param& p : param_table()) {
        if (!p.registry) continue;
        ++with_registry;
        std::string camel;
        bool up = true;
        for (const char* c = p.name; *c; ++c) {
            if (*c == '-') {
                up = true;
                continue;
            }
            camel += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(*c))) : *c;
            up = false;
        }
        INFO(p.name);
        // Keywords the DDK standardises (*JumboPacket) carry a leading '*'.
        const std::string keyword = p.registry[0] == '*' ? p.registry + 1 : p.registry;
        CHECK(camel == keyword);
    }
    CHECK(with_registry == 5);
}

TEST_CASE("help fits in 100 columns and names every parameter with its default", "[cli][config]") {
    const std::string help = usage_text();
    size_t start = 0;
    while (start < help.size()) {
        const size_t end = help.find('\n', start);
        INFO(help.substr(start, end - start));
        CHECK(end - start <= 100);
        start = end + 1;
    }
    for (const Param& p : param_table()) {
        INFO(p.name);
        CHECK(help.find(std::string("--") + p.name) != std::string::npos);
    }
    INFO("the maximum-physical-mapping default is RunConfig's, not a copy in the help");
    CHECK(find_param("maximum-physical-mapping")->default_text() ==
          std::to_string(RunConfig{}.maximum_physical_mapping));
}

TEST_CASE("the mapping size does not turn on large send", "[cli][config]") {
    RunConfig cfg;
    parse({"--maximum-physical-mapping", "32K"}, cfg);
    CHECK(cfg.maximum_physical_mapping == 32768);
    CHECK(cfg.lso_max_size == 0);
    CHECK_THAT(error_of({"--lso-max-size", "64K", "--maximum-physical-mapping", "2000"}),
               Catch::StartsWith("--maximum-physical-mapping: 2000 is smaller than --lso-max-size 65536"));
}

TEST_CASE("bus-model selects pin or tlm and refuses what the fast mode cannot do", "[cli][config]") {
    RunConfig cfg;
    CHECK(cfg.bus_model == BusModel::Pin);
    parse({"--bus-model", "tlm"}, cfg);
    INFO("--bus-model tlm selects the TLM-2.0 fast mode");
    CHECK(cfg.bus_model == BusModel::Tlm);
    CHECK(std::string(bus_model_name(cfg.bus_model)) == "tlm");
    {
        TempFile f("bus-model = \"tlm\"\npackets = 4\n");
        RunConfig c;
        parse({"--scenario-file", f.path, "--bus-model=pin"}, c);
        INFO("the command line overrides the scenario file's bus-model");
        CHECK(c.bus_model == BusModel::Pin);
        RunConfig d;
        parse({"--scenario-file", f.path}, d);
        INFO("the scenario-file key bus-model is read");
        CHECK(d.bus_model == BusModel::Tlm);
    }
    CHECK_THAT(error_of({"--bus-model", "foo"}), Catch::StartsWith("--bus-model: expected pin or tlm, got 'foo'"));
    INFO("faults on the host bridge or the bus lines name the fault kind; faults elsewhere are accepted");
    for (const char* f : {"retry:0.1", "disconnect:0.1", "latency-spike:0.1", "target-abort:5", "master-abort:5",
                          "parity-address:10us", "parity-data:10us", "parity-read:10us"}) {
        const std::string kind = std::string(f).substr(0, std::string(f).find(':'));
        INFO(f);
        CHECK_THAT(error_of({"--bus-model", "tlm", "--fault", f}),
                   Catch::StartsWith("--fault " + kind + ": not available with --bus-model tlm"));
        CHECK(error_of({"--fault", f}).empty());
    }
    for (const char* f : {"link-flap:100us", "reset-at:100us", "rx-flood"}) {
        INFO(f);
        CHECK(error_of({"--bus-model", "tlm", "--packets", "256", "--fault", f}).empty());
    }
    INFO("an explicit VCD of the bus is refused in tlm mode; NIC internals are not");
    CHECK_THAT(error_of({"--bus-model", "tlm", "--vcd", "x.vcd"}), Catch::StartsWith("--trace bus: not available"));
    CHECK_THAT(error_of({"--bus-model", "tlm", "--vcd", "x.vcd", "--trace", "dma,all"}),
               Catch::StartsWith("--trace all: not available"));
    CHECK(error_of({"--bus-model", "tlm", "--vcd", "x.vcd", "--trace", "dma,desc,mac"}).empty());
    CHECK(error_of({"--bus-model", "tlm", "--vcd", "none"}).empty());
    CHECK(error_of({"--bus-model", "tlm"}).empty());
    CHECK(usage_text().find("--bus-model MODEL") != std::string::npos);
}
