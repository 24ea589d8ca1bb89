// Classic libpcap files (not pcapng) with LINKTYPE_ETHERNET. The writer always writes the nanosecond variant (magic
// 0xA1B23C4D, little-endian), so simulated times survive exactly; the reader takes both the microsecond and the
// nanosecond variants in either byte order. Both are plain C++ with errors as one-line strings naming the file:
// a malformed file never crashes the reader, it stops with error() set.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace nicsim::wire {

constexpr uint32_t kPcapMagicUs = 0xA1B2C3D4u;   ///< classic pcap, microsecond timestamps
constexpr uint32_t kPcapMagicNs = 0xA1B23C4Du;   ///< classic pcap, nanosecond timestamps
constexpr uint32_t kLinkTypeEthernet = 1;        ///< LINKTYPE_ETHERNET (no FCS unless the frame carries it)
constexpr uint32_t kPcapMaxSnaplen = 262144;     ///< largest snaplen/caplen accepted (libpcap's MAXIMUM_SNAPLEN)
constexpr unsigned kPcapFileHeaderBytes = 24;    ///< global header
constexpr unsigned kPcapRecordHeaderBytes = 16;  ///< per-record header

/// Writes to "<path>.part" and renames it to `path` on close(), so a reader never sees a half-written file; or into
/// a stream the caller opened (and closes), when where and how the file is written is the caller's policy.
class PcapWriter {
  public:
    PcapWriter() = default;
    ~PcapWriter() { close(); }
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    /// Create the file and write the global header; false with error() set when it cannot be created.
    bool open(const std::string& path, uint32_t snaplen = kPcapMaxSnaplen);
    /// Write into `stream` (borrowed: close() flushes it and checks it for errors but does not close it); `name`
    /// names it in errors. False with error() set when the header cannot be written.
    bool open(std::FILE* stream, const std::string& name, uint32_t snaplen = kPcapMaxSnaplen);
    /// One record: captured length min(len, snaplen), original length len, timestamp in ns. False after an error.
    bool write(uint64_t time_ns, const uint8_t* data, size_t len);
    /// Flush, close and rename into place; on any earlier write error the partial file is removed instead.
    /// True when the file is complete at its path. Harmless when not open.
    bool close();

    bool is_open() const { return m_file != nullptr; }
    const std::string& error() const { return m_error; }
    uint64_t records() const { return m_records; }
    const std::string& path() const { return m_path; }

  private:
    bool fail(const std::string& what);
    bool start(uint32_t snaplen);
    std::FILE* m_file = nullptr;
    bool m_borrowed = false;
    std::string m_path;
    std::string m_tmp;
    std::string m_error;
    uint32_t m_snaplen = kPcapMaxSnaplen;
    uint64_t m_records = 0;
    std::vector<uint8_t> m_buf;  ///< record header + data, reused
};

/// One record read back.
struct PcapRecord {
    uint64_t time_ns = 0;
    uint32_t orig_len = 0;      ///< length of the frame on the wire (>= data.size())
    std::vector<uint8_t> data;  ///< the captured bytes (caplen)
};

/// Strict reader: bad magic, unsupported version, wrong link type, truncated header or record, caplen above the
/// snaplen or kPcapMaxSnaplen, caplen above the original length and out-of-range timestamp fractions are errors.
class PcapReader {
  public:
    PcapReader() = default;
    ~PcapReader();
    PcapReader(const PcapReader&) = delete;
    PcapReader& operator=(const PcapReader&) = delete;

    /// Open and validate the global header; false with error() set.
    bool open(const std::string& path);
    /// The next record into `rec` (its buffer is reused). False at the end of the file (error() empty) or on a
    /// malformed record (error() set; nothing further is read).
    bool next(PcapRecord& rec);

    const std::string& error() const { return m_error; }
    bool nanosecond() const { return m_ns; }
    uint32_t snaplen() const { return m_snaplen; }
    uint64_t records() const { return m_records; }

  private:
    bool fail(const std::string& what);
    std::FILE* m_file = nullptr;
    std::string m_path;
    std::string m_error;
    bool m_swapped = false;
    bool m_ns = false;
    uint32_t m_snaplen = 0;
    uint64_t m_records = 0;
    uint64_t m_offset = 0;
};

}  // namespace nicsim::wire
