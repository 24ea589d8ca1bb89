// Everything a nicsim run can be told, with its defaults in one place: the initialisers below (the NIC's from the
// model's NicParams). The parameter table (params.h) names each field once for the command line, scenario files,
// presets, --help and the user guide, and reads its default from a default-constructed RunConfig.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hostdrv/ndis/page_allocator.h"
#include "model/nic/nic_context.h"

namespace nicsim::tb {

/// Bad input: the message names what was wrong, in one line. The program prints it and exits 2. Control characters
/// a message quotes from the input (a newline inside an argument) are written as \n or \xNN, so it stays one line.
class UsageError : public std::runtime_error {
  public:
    explicit UsageError(const std::string& message) : std::runtime_error(one_line(message)) {}

  private:
    static std::string one_line(const std::string& m) {
        static const char hex[] = "0123456789ABCDEF";
        std::string out;
        for (char c : m) {
            const unsigned char u = static_cast<unsigned char>(c);
            if (c == '\n')
                out += "\\n";
            else if (u < 0x20 || u == 0x7F)
                out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
            else
                out += c;
        }
        return out;
    }
};

/// Frame sizes of generated traffic (bytes, without FCS).
struct SizeDist {
    enum Kind { Fixed, Uniform, Imix } kind = Fixed;
    uint32_t min = 1514;
    uint32_t max = 1514;
    std::string text() const;
};

enum class Direction { Tx, Rx, Both };
/// How the machine is built: the pin-level PCI bus (arbiter, monitor, host bridge) or the TLM-2.0 fast mode
/// (model/fast: the same CPU, memory, verifier and NIC, CPU cycles and DMA as direct transactions).
enum class BusModel { Pin, Tlm };
enum class TraceFormat { Vcd, Fst };
const char* direction_name(Direction d);
const char* bus_model_name(BusModel m);
const char* trace_format_name(TraceFormat f);

/// detail-from: where the run leaves the fast mode for the pin-level bus, at a simulated time or once the DUT has
/// put its Nth packet on the wire (neither: the whole run keeps its bus model).
struct DetailFrom {
    uint64_t ns = 0;      ///< a simulated time (0: not by time)
    uint64_t packet = 0;  ///< packet:N (0: not by packet)
    bool any() const { return ns != 0 || packet != 0; }
    std::string text() const;  ///< "none", a time ("5ms") or "packet:N"
};

/// Faults to inject (--fault): each with the recovery the run then checks. Zero/false = off.
struct FaultConfig {
    double retry = 0;                     ///< retry:P - the host bridge answers a first data phase with Retry
    double disconnect = 0;                ///< disconnect:P - the host bridge ends a burst after a data phase
    double latency_spike = 0;             ///< latency-spike:P - a host memory read waits spike-clocks longer
    unsigned spike_clocks = 40;           ///< spike-clocks:N - length of a latency spike
    uint64_t target_abort = 0;            ///< target-abort:N - the Nth device transaction is target-aborted
    uint64_t master_abort = 0;            ///< master-abort:N - the Nth device transaction is not claimed
    uint64_t parity_address_ns = 0;       ///< parity-address:T - the NIC's next address phase after T has bad PAR
    uint64_t parity_data_ns = 0;          ///< parity-data:T - the NIC's next write data phase after T has bad PAR
    uint64_t parity_read_ns = 0;          ///< parity-read:T - the bridge's next read data phase after T has bad PAR
    bool rx_flood = false;                ///< rx-flood - half the frames minimum-size, back to back at line rate
    uint64_t link_flap_ns = 0;            ///< link-flap:T - the cable is pulled at T ...
    uint64_t link_down_for_ns = 100'000;  ///< link-down-for:T - ... and plugged back in after this long
    bool link_down_for_given = false;     ///< link-down-for was set (it needs link-flap)
    uint64_t reset_at_ns = 0;             ///< reset-at:T - NdisHost::reset (MiniportReset) in the middle of traffic
    bool any() const;
    /// The first fault kind set that acts on the host bridge or the PCI bus lines (retry, disconnect,
    /// latency-spike, target-abort, master-abort, parity-*), or nullptr: those need --bus-model pin.
    const char* first_needing_bus() const;
    /// Faults that may lose frames (all of them): the scoreboards then accept losses the NIC or the wire counted.
    bool lossy() const;
    std::string text() const;
};

/// rx-flood overruns the receive ring only when more frames arrive than the driver posts buffers for.
constexpr uint64_t kRxFloodMinPackets = 128;

/// Registry values handed to a driver (--registry): keyword and integer, in the order given.
using RegistryValues = std::vector<std::pair<std::string, uint32_t>>;

/// The --miniport / --peer-miniport value that names the project's own (built-in C++) miniport.
constexpr const char* kBuiltinMiniport = "builtin";

struct RunConfig {
    // Bus and host.
    unsigned bus_width = 32;             ///< bus-width: 32 or 64
    unsigned bus_clock_mhz = 33;         ///< bus-clock: 33 or 66
    unsigned mem_latency = 4;            ///< mem-latency: host memory read latency in bus clocks
    BusModel bus_model = BusModel::Pin;  ///< bus-model: pin (cycle-accurate PCI bus) or tlm (TLM-2.0 fast mode)
    uint64_t tlm_quantum_ns = 1'000;     ///< tlm-quantum: the fast mode's CPU quantum (0: no temporal decoupling)
    DetailFrom detail_from;              ///< detail-from: start of the window on the pin-level bus (tlm only)
    uint64_t detail_for_ns = 0;          ///< detail-for: length of that window (0: detailed to the end of the run)
    bool burst_batching = true;          ///< burst-batching: steady burst edges evaluated in batches (pin level)
    // NIC.
    unsigned dma_address_bits = nic::NicParams{}.dma_address_bits;  ///< dma-address-bits: 32 or 64
    unsigned nic_data_path = nic::NicParams{}.data_path_bits;       ///< nic-data-path: 32 (82540EM) or 64 (82545EM)
    uint32_t max_transfer = nic::NicParams{}.max_transfer;          ///< max-transfer: bytes per NIC DMA operation
    unsigned link_mbps = nic::NicParams{}.link_mbps;                ///< link: 10, 100 or 1000
    uint64_t autoneg_ns = 10'000;  ///< autoneg: PHY autonegotiation time (short: runs are micro- to milliseconds)
    std::string eeprom;            ///< eeprom: EEPROM image file, 128 bytes (empty: the built-in 82540EM image)
    // NDIS / driver.
    uint32_t maximum_physical_mapping = 1514;  ///< maximum-physical-mapping: raised to lso-max-size by it
    uint32_t lso_max_size = 0;                 ///< lso-max-size: largest LSO packet in bytes (0 = no LSO)
    uint32_t jumbo_packet = 1514;              ///< jumbo-packet: the driver's *JumboPacket (above 1514: LPE)
    std::string miniport;       ///< miniport: a miniport shared object (DriverEntry) run instead of the built-in one
    std::string peer_miniport;  ///< peer-miniport: the back-to-back partner's miniport (empty: the same as the DUT's;
                                ///< kBuiltinMiniport: the project's own)
    RegistryValues registry;    ///< registry: more keywords of the driver's registry key (integers)
    RegistryValues peer_registry;  ///< peer-registry: the same for the back-to-back partner's driver
    ndis::Placement placement = ndis::Placement::Scattered;  ///< placement: low, high, scattered, fragmented
    unsigned map_registers = 0;                              ///< map-registers: host grant limit (0 = as many as asked)

    // Descriptor cache and prefetch.
    unsigned desc_cache = nic::NicParams{}.desc_cache_entries;  ///< desc-cache: on-chip descriptors per direction
    unsigned desc_prefetch_threshold =
        0;  ///< desc-prefetch-threshold: the driver's DescPrefetchThreshold (0: PTHRESH left at reset)
    uint64_t check_for_hang_ns = 500'000;  ///< check-for-hang: MiniportCheckForHang period (0: the driver's own)

    // Traffic.
    uint64_t packets = 32;                  ///< packets: packets per direction
    SizeDist size;                          ///< size: N, MIN..MAX or imix
    Direction direction = Direction::Both;  ///< direction: tx, rx or both
    unsigned fragments = 1;                 ///< fragments: buffers per sent packet
    uint64_t seed = 1;                      ///< seed: traffic, placement and fault generator seed
    bool randomize = false;                 ///< randomize: pick the scenario itself from the seed
    FaultConfig fault;                      ///< fault: faults to inject (see FaultConfig)
    // Topology.
    bool back_to_back = false;  ///< back-to-back: two NICs joined by one wire
    // Inputs and outputs.
    std::string pcap_in;   ///< pcap-in: frames received from the wire
    std::string pcap_out;  ///< pcap-out: frames transmitted onto the wire
    std::string vcd;       ///< vcd: the trace file for GTKWave (VCD or FST, as trace_format says)
    TraceFormat trace_format = TraceFormat::Vcd;  ///< trace-format: vcd, or fst (GTKWave's compressed format)
    std::string trace = "bus";                    ///< trace: what the VCD holds: bus,dma,desc,mac or all
    std::string stats_json;                       ///< stats-json: the statistics as JSON
    // Limits.
    uint64_t max_time_ns = 0;  ///< max-time: simulated time limit (0: none, the run ends with its traffic)
    uint64_t max_clocks = 0;   ///< max-clocks: bus clock limit (0 = none)
    // Terminal.
    bool progress = false;                   ///< progress: a progress line on stderr (default: when a terminal)
    bool quiet = false;                      ///< quiet: no statistics table
    std::string scenario = "default";        ///< scenario: the preset this run started from
    std::vector<std::string> scenario_file;  ///< scenario-file: the scenario files read, in command-line order
};

/// Where outputs go when the run does not name them ("none" turns one off).
constexpr const char* kDefaultOutDir = "nicsim-out";
constexpr const char* kDefaultVcd = "nicsim-out/nicsim.vcd";
constexpr const char* kDefaultFst = "nicsim-out/nicsim.fst";
constexpr const char* kDefaultPcapOut = "nicsim-out/nicsim.pcap";

/// Cross-field checks (e.g. an LSO size above the mapping, faults that cannot act); throws UsageError.
void validate(const RunConfig& cfg);
/// Constrained-random scenario from `cfg.seed`: bus, NIC, placement, mapping, sizes, fragments, direction, packets.
/// The command line applies it after presets and before explicit options (which therefore override it).
void apply_random_scenario(RunConfig& cfg);
/// The trace file when the run names none: kDefaultVcd or kDefaultFst.
const char* default_trace_path(const RunConfig& cfg);
/// The --trace item that needs the pin-level bus ("bus" or "all"), or nullptr when it names only NIC internals.
const char* trace_needing_bus(const std::string& trace);

}  // namespace nicsim::tb
