// Seeded traffic: the frames the protocol sends and the peer injects. Each frame carries a header naming its
// direction and sequence number, so a scoreboard can tell lost, duplicated, reordered and corrupted frames apart.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/common/splitmix64.h"
#include "testbench/checkers/traffic_format.h"
#include "testbench/machine/seeded_bytes.h"
#include "testbench/nicsim/run_config.h"

namespace nicsim::tb {

using Mac = std::array<uint8_t, 6>;

/// The run's seeded generator (splitmix64): the same sequence on every platform and library.
class Rng {
  public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next() { return splitmix64(m_state); }
    /// Uniform in [lo, hi].
    uint64_t range(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
    /// `len` bytes of its numbers, each little-endian (splitmix64_bytes).
    void fill(uint8_t* out, size_t len) { splitmix64_bytes(m_state, out, len); }

  private:
    uint64_t m_state;
};

/// Builds frames for one direction; frame i is fully determined by (seed, direction, i).
class TrafficGen {
  public:
    TrafficGen(uint64_t seed, uint8_t direction, const SizeDist& sizes, const Mac& dst, const Mac& src);
    /// The next frame, without FCS.
    std::vector<uint8_t> next();
    /// The next frame with `len` bytes (without FCS, at least kTrafficHeader) instead of one from the distribution.
    std::vector<uint8_t> next(uint32_t len);
    /// As next() and next(len), written into `frame` (its storage reused).
    void next_into(std::vector<uint8_t>& frame);
    void next_into(uint32_t len, std::vector<uint8_t>& frame);
    uint64_t made() const { return m_seq; }
    /// The sequence number traffic_id() reads from the last frame made: its low 24 bits, as the header carries it.
    uint64_t last_id() const { return (m_seq - 1) & 0xFFFFFF; }

  private:
    uint32_t pick_size();
    /// The header's first bytes, the same in every frame: addresses, EtherType and "nics".
    static constexpr size_t kFixedHeader = kTrafficHeader - 8;
    Rng m_rng;
    uint8_t m_dir;
    SizeDist m_sizes;
    std::array<uint8_t, kFixedHeader> m_fixed{};
    uint64_t m_seq = 0;
};

/// A TCP/IPv4 frame of `total` bytes (for Large Send Offload), payload seeded like TrafficGen's.
std::vector<uint8_t> make_tcp_frame(uint64_t seed, uint64_t seq, uint32_t total, const Mac& dst, const Mac& src);

/// A frame of make_tcp_frame cut into segments of at most `mss` payload bytes the way a host's TCP/IP stack sends
/// them without large send offload: each a complete frame with its own IP total length, identification (+1 per
/// segment) and header checksum (RFC 791), sequence number advanced by the payload before it, PSH on the last
/// segment only, and the full TCP checksum over the pseudo-header (RFC 793, section 3.1).
std::vector<std::vector<uint8_t>> segment_tcp_frame(const std::vector<uint8_t>& frame, uint32_t mss);

/// Fragment sizes for a send of `len` bytes in `fragments` buffers (seeded, each at least 1 byte).
std::vector<uint32_t> fragment_layout(Rng& rng, uint32_t len, unsigned fragments);
/// The same into `out` (its storage reused).
void fragment_layout(Rng& rng, uint32_t len, unsigned fragments, std::vector<uint32_t>& out);

/// Pages a buffer of `len` bytes starting `page_offset` bytes into its first page spans (4 KiB pages, at least 1).
uint32_t pages_spanned(uint32_t page_offset, uint32_t len);

/// Map registers the HAL reserves for MaximumPhysicalMapping `max_mapping`: BYTES_TO_PAGES(max_mapping) + 1.
unsigned map_registers_for(uint32_t max_mapping);

/// Merge the last buffers of `layout` (each starting `page_offset` into its own pages) until the pages they span
/// fit `map_registers`; a send needing more is refused by the HAL. Returns true when the layout changed.
bool fit_map_registers(std::vector<uint32_t>& layout, uint32_t page_offset, unsigned map_registers);

}  // namespace nicsim::tb
