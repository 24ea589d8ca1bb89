// TX offloads of the 8254x as pure functions: the Internet checksum, legacy checksum insertion (CSO/CSS/CSE), the
// context-descriptor checksums (IPCSS/IPCSO/IPCSE, TUCSS/TUCSO/TUCSE) and TCP segmentation (TSO). No SystemC: the
// data path calls these on frames it has gathered; every offset is range-checked and a bad one is an error status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nicsim::nic {

/// Why an offload could not be applied (the frame is then left as it was).
enum class OffloadStatus : uint8_t {
    kOk = 0,
    kBadOffsets,      ///< a start/offset/end lies outside the frame, or end < start, or the field overlaps the end
    kBadHeader,       ///< TSO: HDRLEN too short for the IP/TCP/UDP headers it names, or not inside the frame
    kBadMss,          ///< TSO: MSS of 0
    kTooManySegments  ///< TSO: more segments than the caller's limit
};
const char* offload_status_name(OffloadStatus s);  // "bad-offsets", ... (for "nicsim/nic/<what>" diagnostics)

/// Ones' complement sum of big-endian 16-bit words (an odd last byte is padded with zero), added to `acc`, unfolded.
uint32_t checksum_add(const uint8_t* data, size_t len, uint32_t acc = 0);
/// Fold carries into 16 bits (no complement).
uint16_t checksum_fold(uint32_t acc);
/// The Internet checksum (RFC 1071) of a byte range: the complement of the folded sum.
uint16_t internet_checksum(const uint8_t* data, size_t len);

/// Legacy descriptor checksum (TDESC.CMD.IC): sum from `css` to `cse` inclusive (`cse` 0 = end of frame), complement,
/// store big-endian at `cso`. The frame must already hold whatever seed the driver put at `cso`.
OffloadStatus insert_legacy_checksum(uint8_t* frame, size_t len, unsigned cso, unsigned css, unsigned cse);

/// The checksum part of a TX context descriptor (offsets from the start of the frame; *cse 0 = end of frame).
struct ChecksumContext {
    uint8_t ipcss = 0;   ///< IP checksum start
    uint8_t ipcso = 0;   ///< IP checksum offset (where it is stored)
    uint16_t ipcse = 0;  ///< IP checksum end, inclusive; 0 = end of frame
    uint8_t tucss = 0;   ///< TCP/UDP checksum start
    uint8_t tucso = 0;   ///< TCP/UDP checksum offset
    uint16_t tucse = 0;  ///< TCP/UDP checksum end, inclusive; 0 = end of frame
};

/// Context checksum insertion for one (non-TSO) frame, as POPTS.IXSM / POPTS.TXSM ask. The hardware sums the
/// range as it is: the driver seeds the TCP/UDP checksum field with the pseudo-header sum.
OffloadStatus insert_context_checksums(uint8_t* frame, size_t len, const ChecksumContext& ctx, bool ixsm, bool txsm);

/// IPv4 header checksum of the header at `ip` (IHL from the header), stored in place. False if too short.
bool ipv4_set_header_checksum(uint8_t* ip, size_t avail);
/// Pseudo-header sum for an IPv4 (`ip` points at the IPv4 header) or IPv6 (`ipv6`) packet: source, destination,
/// protocol and `l4_len` (0 for the seed TSO expects). Unfolded; feed to checksum_add/checksum_fold.
uint32_t pseudo_header_sum_ipv4(const uint8_t* ip, uint8_t protocol, uint32_t l4_len);
uint32_t pseudo_header_sum_ipv6(const uint8_t* ip6, uint8_t next_header, uint32_t l4_len);
/// Full software TCP/UDP checksum (pseudo-header + segment), stored at `l4 + 16` (TCP) or `l4 + 6` (UDP, 0 sent as
/// 0xFFFF). `ip` is the IPv4 or IPv6 header; `l4` the transport header; `l4_len` header + payload.
void set_l4_checksum(const uint8_t* ip, bool ipv6, uint8_t* l4, uint32_t l4_len, bool tcp);

/// The TSO fields of a context descriptor with TUCMD.TSE set.
struct TsoContext {
    ChecksumContext csum;
    uint8_t hdrlen = 0;  ///< bytes of MAC+IP+TCP/UDP header replicated in every segment
    uint16_t mss = 0;    ///< payload bytes per segment (the last may be shorter)
    bool ipv4 = true;    ///< TUCMD.IP: IPv4 (total length, ID, header checksum) else IPv6 (payload length)
    bool tcp = true;     ///< TUCMD.TCP: TCP (sequence number, FIN/PSH) else UDP (length)
    bool ixsm = true;    ///< POPTS.IXSM: insert the IPv4 header checksum in each segment
    bool txsm = true;    ///< POPTS.TXSM: insert the TCP/UDP checksum in each segment
};

/// TCP segmentation: `header` is the HDRLEN-byte prototype header, `payload` the PAYLEN bytes after it. The driver
/// seeds the TCP/UDP checksum field with the pseudo-header sum without length (as the 8254x requires); each segment
/// gets its IP total/payload length, IPv4 ID (+1 per segment), TCP sequence (+ payload offset), FIN and PSH only on
/// the last segment, UDP length and both checksums. Segments go into `out[0..count)`; `out` grows only when it is
/// too short and its vectors keep their capacity, so a reused `out` does not allocate in steady state.
OffloadStatus tso_segment(const uint8_t* header, const uint8_t* payload, size_t paylen, const TsoContext& ctx,
                          std::vector<std::vector<uint8_t>>& out, size_t& count, size_t max_segments = 1024);

/// One segment of a TSO sequence (index `i` of `tso_segment_count()`), for a caller that gathers the payload one
/// segment at a time: `seg_payload` holds that segment's bytes (`seg_len`, at byte offset `offset` of the payload).
OffloadStatus tso_build_segment(const uint8_t* header, const TsoContext& ctx, unsigned index, bool last,
                                uint32_t offset, const uint8_t* seg_payload, size_t seg_len, std::vector<uint8_t>& out);
/// Segments PAYLEN bytes make at this MSS (0 if mss is 0; one segment for an empty payload).
size_t tso_segment_count(size_t paylen, uint16_t mss);

/// What RX checksum verification found (RXCSUM.IPOFLD / TUOFLD; descriptor status IPCS/TCPCS, errors IPE/TCPE).
struct RxChecksumResult {
    bool ip_checked = false;  ///< an IPv4 header was found and checked (IPCS)
    bool ip_ok = false;       ///< its checksum is right (else IPE)
    bool l4_checked = false;  ///< an unfragmented TCP or UDP (with a checksum) packet was checked (TCPCS)
    bool l4_ok = false;       ///< its checksum is right (else TCPE)
    bool udp = false;         ///< the L4 packet was UDP
};
/// Parse Ethernet (one 802.1Q tag allowed) / IPv4 or IPv6 (no extension headers) / TCP or UDP in a frame without
/// FCS and verify the checksums. Anything it does not understand, or that does not fit in `len`, is not checked.
RxChecksumResult rx_verify_checksums(const uint8_t* frame, size_t len);
/// The legacy RX descriptor's packet checksum: the folded, uncomplemented ones' complement sum from `pcss`
/// (RXCSUM.PCSS) to the end of the frame (FCS excluded); 0 when `pcss` is past the end.
uint16_t rx_packet_checksum(const uint8_t* frame, size_t len, unsigned pcss);
/// The same summed by the baseline x86-64 build whatever the CPU (rx_packet_checksum takes the AVX2 one where the CPU
/// has it): for the tests, which would otherwise run only the clone this CPU selects.
uint16_t rx_packet_checksum_baseline(const uint8_t* frame, size_t len, unsigned pcss);

}  // namespace nicsim::nic
