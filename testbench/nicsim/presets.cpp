#include "testbench/nicsim/scenario_file.h"

namespace nicsim::tb {

const std::vector<PresetInfo>& preset_table() {
    static const std::vector<PresetInfo> table = {
        {"default", "a short demonstration: 32 packets each way, one buffer per packet, scattered memory", ""},
        {"multi-buffer", "2 buffers per packet (split at a seeded point), as Windows' TCP/IP chains header and payload",
         "fragments = 2\n"},
        {"smoke", "the smallest meaningful run: 4 packets each way", "packets = 4\nsize = \"60..1514\"\n"},
        {"dma32-high", "32-bit NIC with every buffer above 4 GiB: all sends bounce",
         "dma-address-bits = 32\nplacement = \"high\"\n"},
        {"dac64", "64-bit addressing on a 64-bit/66 MHz bus, buffers above 4 GiB: DACs, 32-bit data phases",
         "bus-width = 64\nbus-clock = 66\ndma-address-bits = 64\nplacement = \"high\"\n"},
        {"dac64-wide", "dac64 with the 82545EM's 64-bit data path: DACs with REQ64#, 64-bit data phases",
         "bus-width = 64\nbus-clock = 66\ndma-address-bits = 64\nnic-data-path = 64\nplacement = \"high\"\n"},
        {"lso64k", "Large Send Offload of 64 KiB packets (MaximumPhysicalMapping 64 KiB)",
         "lso-max-size = 65536\ndirection = \"tx\"\npackets = 8\nfragments = 4\n"},
        {"small-packets", "60-byte frames both ways at 100 Mb/s (at 1 Gb/s the host cannot keep up: RX overrun)",
         "size = 60\npackets = 256\nlink = 100\n"},
        {"saturate", "saturated bidirectional 1 GbE on a 64-bit/66 MHz bus",
         "bus-width = 64\nbus-clock = 66\npackets = 2000\nsize = 1514\nfragments = 1\nvcd = \"none\"\n"},
        {"b2b", "two NICs back to back on one wire", "back-to-back = true\n"},
    };
    return table;
}

void apply_preset(RunConfig& cfg, const std::string& name) {
    for (const PresetInfo& p : preset_table()) {
        if (name == p.name) {
            apply_scenario_text(cfg, p.toml, "preset " + name);
            cfg.scenario = name;
            return;
        }
    }
    throw UsageError("--scenario: unknown scenario '" + name + "' (nicsim --list-scenarios names them)");
}

}  // namespace nicsim::tb
