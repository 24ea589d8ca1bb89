// libFuzzer target for the descriptor decoder (model/nic/e1000_regs.h accessors) and the data path's descriptor-driven
// parsing that is plain C++ (model/nic/offload.h): the input is a TX context descriptor, a data descriptor and a
// frame. Every accessor must round-trip through its setter, and every offload the descriptors ask for must either
// apply or return an error status, without touching memory outside the frame.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "model/nic/e1000_regs.h"
#include "model/nic/offload.h"

using namespace nicsim;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void legacy_round_trip(const uint8_t* raw) {
    e1000::TxDesc d;
    std::memcpy(d.b, raw, 16);
    e1000::TxDesc e;
    e.set_addr(d.addr());
    e.set_length(d.length());
    e.set_cso(d.cso());
    e.set_cmd(d.cmd());
    e.set_sta(d.sta());
    e.set_css(d.css());
    e.set_special(d.special());
    check(e.addr() == d.addr() && e.length() == d.length() && e.cmd() == d.cmd() && e.sta() == d.sta() &&
          e.special() == d.special());

    e1000::RxDesc r;
    std::memcpy(r.b, raw, 16);
    e1000::RxDesc s;
    s.set_addr(r.addr());
    s.set_length(r.length());
    s.set_csum(r.csum());
    s.set_status(r.status());
    s.set_errors(r.errors());
    check(std::memcmp(s.b, r.b, 14) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 32) return 0;
    legacy_round_trip(data);
    legacy_round_trip(data + 16);

    e1000::TxContextDesc c;
    std::memcpy(c.b, data, 16);
    e1000::TxDataDesc dd;
    std::memcpy(dd.b, data + 16, 16);
    e1000::RawDesc raw;
    std::memcpy(raw.b, data, 16);
    (void)e1000::tx_is_extended(raw);
    (void)e1000::tx_dtyp(raw);
    check(c.paylen() <= 0xFFFFF && dd.dtalen() <= 0xFFFFF);

    // The frame the data descriptor points at: the rest of the input, as the data path would have gathered it.
    std::vector<uint8_t> frame(data + 32, data + size);
    nic::ChecksumContext cc;
    cc.ipcss = c.ipcss();
    cc.ipcso = c.ipcso();
    cc.ipcse = c.ipcse();
    cc.tucss = c.tucss();
    cc.tucso = c.tucso();
    cc.tucse = c.tucse();
    const bool ixsm = dd.popts() & e1000::TxDataDesc::kPoptsIxsm;
    const bool txsm = dd.popts() & e1000::TxDataDesc::kPoptsTxsm;
    std::vector<uint8_t> copy = frame;
    (void)nic::insert_context_checksums(copy.data(), copy.size(), cc, ixsm, txsm);
    copy = frame;
    e1000::TxDesc legacy;
    std::memcpy(legacy.b, data + 16, 16);
    (void)nic::insert_legacy_checksum(copy.data(), copy.size(), legacy.cso(), legacy.css(), legacy.special() & 0xFF);
    (void)nic::rx_verify_checksums(frame.data(), frame.size());
    (void)nic::rx_packet_checksum(frame.data(), frame.size(), c.ipcss());

    // TSO as the context descriptor asks, on a header of HDRLEN bytes and the rest as payload.
    nic::TsoContext t;
    t.csum = cc;
    t.hdrlen = c.hdrlen();
    t.mss = c.mss();
    t.ipv4 = c.tucmd() & e1000::TxContextDesc::kTucmdIp;
    t.tcp = c.tucmd() & e1000::TxContextDesc::kTucmdTcp;
    t.ixsm = ixsm;
    t.txsm = txsm;
    if (t.hdrlen <= frame.size()) {
        std::vector<std::vector<uint8_t>> out;
        size_t count = 0;
        const size_t paylen = frame.size() - t.hdrlen;
        const nic::OffloadStatus st =
            nic::tso_segment(frame.data(), frame.data() + t.hdrlen, paylen, t, out, count, 64);
        if (st == nic::OffloadStatus::kOk) {
            check(count == nic::tso_segment_count(paylen, t.mss));
            size_t carried = 0;
            for (size_t i = 0; i < count; ++i) {
                check(out[i].size() >= t.hdrlen);
                carried += out[i].size() - t.hdrlen;
            }
            check(carried == paylen);  // every payload byte in exactly one segment
        }
    }
    return 0;
}
