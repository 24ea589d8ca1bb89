#include "model/wire/pcap_file.h"

#include <cerrno>
#include <cstring>

namespace nicsim::wire {

namespace {

void put32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
uint32_t get32(const uint8_t* p, bool swapped) {
    const uint32_t le = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                        (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    return swapped ? __builtin_bswap32(le) : le;
}
uint16_t get16(const uint8_t* p, bool swapped) {
    const uint16_t le = static_cast<uint16_t>(p[0] | (p[1] << 8));
    return swapped ? static_cast<uint16_t>((le >> 8) | (le << 8)) : le;
}

constexpr uint16_t kVersionMajor = 2;  // pcap file format version 2.4
constexpr uint16_t kVersionMinor = 4;
constexpr uint32_t kLinkTypeMask = 0x0FFFFFFFu;  // low bits of the network field: the link type proper

}  // namespace

bool PcapWriter::fail(const std::string& what) {
    if (m_error.empty()) m_error = "pcap '" + m_path + "': " + what;
    return false;
}

bool PcapWriter::open(const std::string& path, uint32_t snaplen) {
    close();
    m_path = path;
    m_tmp = path + ".part";
    m_borrowed = false;
    m_error.clear();
    if (snaplen == 0 || snaplen > kPcapMaxSnaplen) return start(snaplen);
    m_file = std::fopen(m_tmp.c_str(), "wb");
    if (!m_file) return fail("cannot create '" + m_tmp + "': " + std::strerror(errno));
    return start(snaplen);
}

bool PcapWriter::open(std::FILE* stream, const std::string& name, uint32_t snaplen) {
    close();
    m_path = name;
    m_tmp.clear();
    m_borrowed = true;
    m_error.clear();
    m_file = stream;
    if (!m_file) return fail("no stream to write to");
    return start(snaplen);
}

bool PcapWriter::start(uint32_t snaplen) {
    m_records = 0;
    if (snaplen == 0 || snaplen > kPcapMaxSnaplen)
        return fail("snaplen " + std::to_string(snaplen) + " not in 1.." + std::to_string(kPcapMaxSnaplen));
    m_snaplen = snaplen;
    uint8_t h[kPcapFileHeaderBytes];
    put32(h + 0, kPcapMagicNs);
    put16(h + 4, kVersionMajor);
    put16(h + 6, kVersionMinor);
    put32(h + 8, 0);   // thiszone: UTC
    put32(h + 12, 0);  // sigfigs
    put32(h + 16, m_snaplen);
    put32(h + 20, kLinkTypeEthernet);
    if (std::fwrite(h, 1, sizeof h, m_file) != sizeof h) return fail("cannot write the file header");
    m_buf.reserve(kPcapRecordHeaderBytes + 2048);
    return true;
}

bool PcapWriter::write(uint64_t time_ns, const uint8_t* data, size_t len) {
    if (!m_file || !m_error.empty()) return false;
    if (len > 0xFFFFFFFFu) return fail("record longer than 4 GiB");
    const uint32_t caplen = static_cast<uint32_t>(len < m_snaplen ? len : m_snaplen);
    m_buf.resize(kPcapRecordHeaderBytes + caplen);
    put32(m_buf.data() + 0, static_cast<uint32_t>(time_ns / 1000000000u));
    put32(m_buf.data() + 4, static_cast<uint32_t>(time_ns % 1000000000u));
    put32(m_buf.data() + 8, caplen);
    put32(m_buf.data() + 12, static_cast<uint32_t>(len));
    if (caplen) std::memcpy(m_buf.data() + kPcapRecordHeaderBytes, data, caplen);
    if (std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) != m_buf.size())
        return fail("write failed at record " + std::to_string(m_records) + ": " + std::strerror(errno));
    ++m_records;
    return true;
}

bool PcapWriter::close() {
    if (!m_file) return m_error.empty() && !m_path.empty();
    const bool flushed = std::fflush(m_file) == 0 && !std::ferror(m_file);
    if (m_borrowed) {
        m_file = nullptr;
        if (!flushed) fail(std::string("cannot write: ") + std::strerror(errno));
        return m_error.empty();
    }
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!flushed || !closed) fail(std::string("cannot finish the file: ") + std::strerror(errno));
    if (!m_error.empty()) {
        std::remove(m_tmp.c_str());
        return false;
    }
    if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
        fail("cannot rename '" + m_tmp + "' into place: " + std::strerror(errno));
        std::remove(m_tmp.c_str());
        return false;
    }
    return true;
}

PcapReader::~PcapReader() {
    if (m_file) std::fclose(m_file);
}

bool PcapReader::fail(const std::string& what) {
    if (m_error.empty()) m_error = "pcap '" + m_path + "': " + what;
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
    return false;
}

bool PcapReader::open(const std::string& path) {
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
    m_path = path;
    m_error.clear();
    m_records = 0;
    m_offset = 0;
    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file) return fail(std::string("cannot open: ") + std::strerror(errno));
    uint8_t h[kPcapFileHeaderBytes];
    const size_t got = std::fread(h, 1, sizeof h, m_file);
    if (got < sizeof h)
        return fail("truncated file header (" + std::to_string(got) + " of " + std::to_string(kPcapFileHeaderBytes) +
                    " bytes)");
    const uint32_t magic = get32(h, false);
    if (magic == kPcapMagicUs || magic == kPcapMagicNs) {
        m_swapped = false;
    } else if (__builtin_bswap32(magic) == kPcapMagicUs || __builtin_bswap32(magic) == kPcapMagicNs) {
        m_swapped = true;
    } else {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08X", magic);
        return fail(std::string("bad magic ") + hex + " (not a classic pcap file)");
    }
    m_ns = get32(h, m_swapped) == kPcapMagicNs;
    const uint16_t major = get16(h + 4, m_swapped);
    if (major != kVersionMajor)
        return fail("unsupported version " + std::to_string(major) + "." + std::to_string(get16(h + 6, m_swapped)));
    m_snaplen = get32(h + 16, m_swapped);
    const uint32_t link = get32(h + 20, m_swapped) & kLinkTypeMask;
    if (link != kLinkTypeEthernet)
        return fail("link type " + std::to_string(link) + " is not Ethernet (" + std::to_string(kLinkTypeEthernet) +
                    ")");
    m_offset = kPcapFileHeaderBytes;
    return true;
}

bool PcapReader::next(PcapRecord& rec) {
    if (!m_file) return false;
    uint8_t h[kPcapRecordHeaderBytes];
    const size_t got = std::fread(h, 1, sizeof h, m_file);
    const std::string where = " (record " + std::to_string(m_records) + " at offset " + std::to_string(m_offset) + ")";
    if (got == 0) {
        std::fclose(m_file);
        m_file = nullptr;
        return false;  // clean end
    }
    if (got < sizeof h)
        return fail("truncated record header: " + std::to_string(got) + " of " +
                    std::to_string(kPcapRecordHeaderBytes) + " bytes" + where);
    const uint32_t sec = get32(h + 0, m_swapped);
    const uint32_t frac = get32(h + 4, m_swapped);
    const uint32_t caplen = get32(h + 8, m_swapped);
    const uint32_t orig = get32(h + 12, m_swapped);
    if (caplen > kPcapMaxSnaplen)
        return fail("caplen " + std::to_string(caplen) + " exceeds " + std::to_string(kPcapMaxSnaplen) + where);
    if (m_snaplen != 0 && caplen > m_snaplen)
        return fail("caplen " + std::to_string(caplen) + " exceeds the snaplen " + std::to_string(m_snaplen) + where);
    if (caplen > orig)
        return fail("caplen " + std::to_string(caplen) + " exceeds the original length " + std::to_string(orig) +
                    where);
    if (frac >= (m_ns ? 1000000000u : 1000000u))
        return fail("timestamp fraction " + std::to_string(frac) + " out of range" + where);
    rec.data.resize(caplen);
    const size_t body = caplen ? std::fread(rec.data.data(), 1, caplen, m_file) : 0;
    if (body < caplen)
        return fail("truncated record: " + std::to_string(body) + " of " + std::to_string(caplen) + " bytes" + where);
    rec.time_ns = static_cast<uint64_t>(sec) * 1000000000u + (m_ns ? frac : static_cast<uint64_t>(frac) * 1000u);
    rec.orig_len = orig;
    m_offset += kPcapRecordHeaderBytes + caplen;
    ++m_records;
    return true;
}

}  // namespace nicsim::wire
