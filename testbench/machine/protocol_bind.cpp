#include "testbench/machine/protocol_bind.h"

#include <cstring>

#include <systemc>

#include "testbench/machine/miniport_loader.h"

namespace nicsim::tb {

namespace {

constexpr ULONG kOffloadAnswerBytes = 512;  // room for every NDIS 5.1 task of one encapsulation

template <typename T>
bool read_at(const std::vector<uint8_t>& b, size_t at, ULONG written, T& out) {
    if (at + sizeof(T) > written || at + sizeof(T) > b.size()) return false;
    std::memcpy(&out, b.data() + at, sizeof(T));
    return true;
}

bool needed_ulong(ndis::NdisHost& host, NDIS_OID oid, const char* name, ULONG& out, std::string& failure) {
    const ndis::OidResult r = host.query_oid(oid, sizeof(ULONG));
    if (r.status == NDIS_STATUS_SUCCESS && r.bytes_done >= sizeof(ULONG)) {
        std::memcpy(&out, r.data.data(), sizeof(ULONG));
        return true;
    }
    failure = std::string("the protocol cannot bind: ") + name + " answered " + machine::ndis_status_text(r.status) +
              " with " + std::to_string(r.bytes_done) + " bytes";
    return false;
}

}  // namespace

bool parse_task_offload(const std::vector<uint8_t>& answer, ULONG written, ProtocolBinding& binding) {
    NDIS_TASK_OFFLOAD_HEADER h{};
    if (!read_at(answer, 0, written, h)) return false;
    size_t at = h.OffsetFirstTask;
    for (unsigned n = 0; at != 0 && n < MaxNdisTask + 8; ++n) {
        NDIS_TASK_OFFLOAD t{};
        if (!read_at(answer, at, written, t)) return false;
        const size_t task_buffer = at + offsetof(NDIS_TASK_OFFLOAD, TaskBuffer);
        if (t.Task == TcpLargeSendNdisTask) {
            NDIS_TASK_TCP_LARGE_SEND lso{};
            if (!read_at(answer, task_buffer, written, lso)) return false;
            binding.lso = true;
            binding.lso_max_size = lso.MaxOffLoadSize;
            binding.lso_min_segments = lso.MinSegmentCount;
        } else if (t.Task == TcpIpChecksumNdisTask) {
            NDIS_TASK_TCP_IP_CHECKSUM cs{};
            if (!read_at(answer, task_buffer, written, cs)) return false;
            binding.tcp_checksum_v4 = cs.V4Transmit.TcpChecksum && cs.V4Transmit.IpChecksum;
        }
        if (t.OffsetNextTask == 0) break;
        at += t.OffsetNextTask;
    }
    return true;
}

bool bind_protocol(ndis::NdisHost& host, ProtocolBinding& binding, std::string& failure) {
    binding = ProtocolBinding{};
    if (!needed_ulong(host, OID_GEN_MAXIMUM_FRAME_SIZE, "OID_GEN_MAXIMUM_FRAME_SIZE", binding.maximum_frame_size,
                      failure) ||
        !needed_ulong(host, OID_GEN_LINK_SPEED, "OID_GEN_LINK_SPEED", binding.link_speed, failure))
        return false;
    // The protocol says which encapsulation it asks about; the miniport answers with the tasks it offers for it.
    NDIS_TASK_OFFLOAD_HEADER h{};
    h.Version = NDIS_TASK_OFFLOAD_VERSION;
    h.Size = sizeof(h);
    h.EncapsulationFormat.Encapsulation = IEEE_802_3_Encapsulation;
    h.EncapsulationFormat.EncapsulationHeaderSize = 14;
    std::vector<uint8_t> in(sizeof(h));
    std::memcpy(in.data(), &h, sizeof(h));
    const ndis::OidResult r = host.query_oid(OID_TCP_TASK_OFFLOAD, kOffloadAnswerBytes, in);
    if (r.status != NDIS_STATUS_SUCCESS) return true;  // no offload: legal, the protocol does the work itself
    binding.offload_answered = true;
    if (!parse_task_offload(r.data, r.bytes_done, binding)) {
        binding = ProtocolBinding{binding.maximum_frame_size, binding.link_speed};
        failure = "the protocol cannot bind: the OID_TCP_TASK_OFFLOAD answer's task chain runs past the " +
                  std::to_string(r.bytes_done) + " bytes written";
        return false;
    }
    // TCP/IP then sets the tasks it will use (all it can use of those offered) and uses them only once the set
    // succeeded: a miniport turns an offload on by this set, not by answering the query.
    if (!binding.lso && !binding.tcp_checksum_v4) return true;
    const std::vector<uint8_t> chosen(r.data.begin(), r.data.begin() + r.bytes_done);
    binding.offload_set_status = host.set_oid(OID_TCP_TASK_OFFLOAD, chosen).status;
    if (binding.offload_set_status != NDIS_STATUS_SUCCESS) {
        SC_REPORT_INFO("nicsim/protocol/offload-set-refused",
                       ("the driver refused to enable the offloads it offered (OID_TCP_TASK_OFFLOAD set: " +
                        machine::ndis_status_text(binding.offload_set_status) + "): the protocol uses none")
                           .c_str());
        binding.lso = false;
        binding.tcp_checksum_v4 = false;
    }
    return true;
}

}  // namespace nicsim::tb
