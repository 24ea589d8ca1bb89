#include "testbench/machine/run_program.h"

#include <algorithm>
#include <cstdio>

#include "hostdrv/miniport/e1000_miniport.h"
#include "testbench/machine/driver_bringup.h"

namespace nicsim::tb {

namespace {

constexpr uint32_t kLsoMss = 1460;
constexpr size_t kSendWindow = 64;  // packets the protocol keeps outstanding
// With a serialized miniport NDIS holds the queue: the protocol keeps more outstanding than any transmit ring of
// the 82540EM's drivers holds (256 descriptors), so the driver's NDIS_STATUS_RESOURCES and NDIS's resend after the
// next completion are part of every saturating run.
constexpr size_t kSerializedSendWindow = 320;
// While sends are outstanding or frames are still to come, the protocol waits on the event its send-complete and
// receive handlers signal, as an NDIS protocol's thread does, and on its periodic timer every kTickNs (a stalled
// driver, the quiet clock below). Once its sends have completed and its frames arrived, it looks every kPollNs
// whether the last frames have reached the far end, which signals nothing to it.
constexpr uint64_t kTickNs = 100'000;
constexpr uint64_t kPollNs = 2'000;
constexpr uint64_t kRxQuietNs = 1'000'000;  // after the peer is done, give up waiting for RX after this much quiet
// Frames missing and not explained by the NIC's counts after kRxQuietNs: a stalled ring, which NDIS's hang check
// finds. The run waits for this many checks after the quiet began (a lost write-back without an abort bit is a hang
// at the second look), if they come within kHangWaitMaxNs; the reset that follows explains the frames it discards.
constexpr unsigned kHangChecksAwaited = 2;
constexpr uint64_t kHangWaitMaxNs = 4'000'000;
// How long a machine waits for its medium and, back to back, for its partner's driver before sending anyway (the
// frames then show what was lost).
constexpr uint64_t kReadyWaitMaxNs = 5'000'000;

std::string mac_text(const uint8_t* m) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

}  // namespace

RunProgram::RunProgram(const RunConfig* cfg, const std::string& name, bool partner, const Mac& own, const Mac& peer)
    : m_cfg(cfg), m_own_mac(own), m_peer_mac(peer), m_partner_role(partner), m_rx_board(name + " rx") {}

bool RunProgram::bring_up(hostdrv::HostPlatform& hp, unsigned pci_device) {
    DriverSettings s;
    s.host.pci_device = pci_device;
    s.host.buffer_placement = m_cfg->placement;
    s.host.shared_placement = m_cfg->placement;
    s.host.map_registers = m_cfg->map_registers;
    s.host.check_for_hang_ns = m_cfg->check_for_hang_ns;
    s.host.pages.seed = m_cfg->seed;
    s.registry.emplace_back(miniport::kKeyDmaAddressBits, m_cfg->dma_address_bits);
    s.registry.emplace_back(miniport::kKeyMaximumPhysicalMapping, m_cfg->maximum_physical_mapping);
    if (m_cfg->lso_max_size) s.registry.emplace_back(miniport::kKeyLsoMaxSize, m_cfg->lso_max_size);
    if (m_cfg->jumbo_packet != miniport::kFrameSize)
        s.registry.emplace_back(miniport::kKeyJumboPacket, m_cfg->jumbo_packet);
    if (m_cfg->desc_prefetch_threshold)
        s.registry.emplace_back(miniport::kKeyDescPrefetchThreshold, m_cfg->desc_prefetch_threshold);
    for (const auto& kv : m_partner_role ? m_cfg->peer_registry : m_cfg->registry)
        s.registry.emplace_back(kv.first, kv.second);
    s.library = m_library;
    s.binding = &m_binding;
    std::string why;
    const NDIS_STATUS st = bring_up_driver(hp, s, m_ndis, &why);
    if (st != NDIS_STATUS_SUCCESS) {
        m_failure = "driver initialisation failed: " + why;
        return false;
    }
    if (!check_current_address()) {
        m_ndis->halt();
        return false;
    }
    m_map_registers = m_ndis->map_registers_reserved();
    m_driver_up = true;
    m_up_event.notify(sc_core::SC_ZERO_TIME);
    return true;
}

bool RunProgram::check_current_address() {
    // The protocol sends from the address NDIS read at start; with no NetworkAddress override it is the EEPROM's.
    const std::vector<uint8_t>& a = m_ndis->adapter_info().current_address;
    if (a.size() == m_own_mac.size() && std::equal(a.begin(), a.end(), m_own_mac.begin())) return true;
    m_failure = "OID_802_3_CURRENT_ADDRESS answered " + (a.size() == 6 ? mac_text(a.data()) : "nothing") +
                ", the EEPROM holds " + mac_text(m_own_mac.data());
    return false;
}

void RunProgram::wait_until_ready(hostdrv::HostPlatform& hp) {
    const uint64_t give_up = hp.now_ns() + kReadyWaitMaxNs;
    auto partner_ready = [this] { return !m_partner || m_partner->driver_up() || m_partner->traffic_done(); };
    while (!(partner_ready() && m_ndis->adapter_info().media_connected) && hp.now_ns() < give_up)
        m_ndis->run_for_ns(kPollNs);
}

bool RunProgram::large_send_offered(size_t bytes) const {
    // MaxOffLoadSize counts the TCP user data; the packet must also make at least MinSegmentCount segments.
    const size_t data = bytes - 54;
    return m_binding.lso && data <= m_binding.lso_max_size &&
           (data + kLsoMss - 1) / kLsoMss >= m_binding.lso_min_segments;
}

void RunProgram::send_one(SeqOf& seq_of, uint64_t seq, const std::vector<uint8_t>& frame, uint32_t lso_mss,
                          Rng& frag_rng) {
    ndis::SendLayout& layout = m_layout;
    layout.lso_mss = lso_mss;
    fragment_layout(frag_rng, static_cast<uint32_t>(frame.size()), m_cfg->fragments, layout.fragments);
    // The HAL reserved BYTES_TO_PAGES(MaximumPhysicalMapping) + 1 map registers: a send spanning more pages would be
    // refused, so the protocol merges buffers until the layout fits the run's mapping, or the driver's when that is
    // smaller (a driver from --miniport may pass its own instead of the registry's).
    uint32_t mapping = m_cfg->maximum_physical_mapping;
    if (m_ndis->hal().sg_enabled()) mapping = std::min(mapping, m_ndis->hal().max_mapping());
    if (fit_map_registers(layout.fragments, layout.page_offset, map_registers_for(mapping))) ++m_layouts_merged;
    layout.fragments.pop_back();  // the last buffer takes the rest
    seq_of.hold(m_ndis->send(frame, layout)) = seq;
}

void RunProgram::send_large(SeqOf& seq_of, uint64_t seq, const std::vector<uint8_t>& frame, Rng& frag_rng) {
    if (large_send_offered(frame.size())) {
        send_one(seq_of, seq, frame, kLsoMss, frag_rng);
        return;
    }
    // As Windows' TCP/IP: no large send the driver did not claim; the segments go as ordinary packets.
    if (m_large_sends_segmented++ == 0)
        SC_REPORT_INFO("nicsim/protocol/no-large-send",
                       ("the driver offers no large send of " + std::to_string(frame.size() - 54) +
                        " bytes through OID_TCP_TASK_OFFLOAD: the protocol sends " + std::to_string(kLsoMss) +
                        "-byte TCP segments itself")
                           .c_str());
    for (const std::vector<uint8_t>& segment : segment_tcp_frame(frame, kLsoMss))
        send_one(seq_of, seq, segment, 0, frag_rng);
}

size_t RunProgram::send_window() const {
    const bool serialized = m_ndis && !(m_ndis->attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE);
    return serialized ? kSerializedSendWindow : kSendWindow;
}

void RunProgram::fill_send_window(SeqOf& seq_of, TrafficGen& gen, Rng& frag_rng, uint64_t to_send) {
    const size_t window = send_window();
    while (m_sent < to_send && m_ndis->sends_outstanding() < window) {
        const uint64_t seq = m_sent;
        std::vector<uint8_t>& frame = m_frame;
        if (m_cfg->lso_max_size) {
            frame = make_tcp_frame(m_cfg->seed, seq, m_cfg->lso_max_size, m_peer_mac, m_own_mac);
            m_tx_board->expect_segmented(seq, frame);
            send_large(seq_of, seq, frame, frag_rng);
        } else {
            gen.next_into(frame);
            m_tx_board->expect_traffic_copy(gen.last_id(), frame.data(), frame.size());
            send_one(seq_of, seq, frame, 0, frag_rng);
        }
        ++m_sent;
        m_sent_bytes += frame.size();
    }
}

void RunProgram::reset_if_due(hostdrv::HostPlatform& hp) {
    if (!m_cfg->fault.reset_at_ns || m_partner_role || m_reset_start_ns != 0 || hp.now_ns() < m_cfg->fault.reset_at_ns)
        return;
    // Driver reset in the middle of traffic: outstanding sends complete or fail with a status below.
    m_reset_start_ns = hp.now_ns();
    m_reset_status = m_ndis->reset();
    m_reset_end_ns = hp.now_ns();
    m_sent_at_reset = m_sent;
    m_rx_unindicated_at_reset = nic_rx_written() - std::min(nic_rx_written(), m_received);
}

void RunProgram::note_resets(unsigned hang_resets_before) {
    // run_for_ns returns right after a reset it ran (it outlasts the poll step): what the NIC wrote and the driver
    // did not indicate by then went with the ring.
    if (m_ndis->hang_resets() == hang_resets_before) return;
    m_rx_unindicated_at_reset = nic_rx_written() - std::min(nic_rx_written(), m_received);
}

bool RunProgram::rx_losses_explained() const {
    // Every frame still missing is one the NIC counted as lost or a reset discarded after the NIC wrote it.
    const uint64_t missing = m_rx_board.missing();
    return missing <= nic_rx_losses() + m_rx_unindicated_at_reset;
}

bool RunProgram::all_frames_arrived() const {
    // Frames from a pcap file are not expected one by one: wait until the file is played and receive is quiet.
    // A frame the NIC counted as lost will not come: the run need not wait for it.
    return rx_losses_explained() && m_tx_board->missing() == 0 && !m_rx_source_done;
}

bool RunProgram::wait_for_hang_check(uint64_t checks_at_quiet) const {
    const ndis::NdisHost& h = *m_ndis;
    return h.has_check_for_hang() && h.hang_period_ns() <= kHangWaitMaxNs &&
           h.hang_checks() < checks_at_quiet + kHangChecksAwaited;
}

void RunProgram::take_send_results(SeqOf& seq_of) {
    m_ndis->take_send_results(m_results_taken);
    for (const ndis::SendResult& res : m_results_taken) {
        const size_t i = seq_of.find(res.id);
        if (i == SeqOf::kNone) continue;
        if (m_reset_end_ns && res.status == NDIS_STATUS_SUCCESS) ++m_tx_after_reset;
        if (res.status != NDIS_STATUS_SUCCESS) {
            if (m_sends_refused++ == 0) m_first_refusal = res.status;
            m_tx_board->withdraw(seq_of.at(i));
        }
        seq_of.erase(i);
    }
}

void RunProgram::drain_received() {
    // Taken, not just read: the NDIS host forgets what the protocol has consumed, so long runs stay flat.
    m_ndis->take_received(m_frames_taken);
    for (const ndis::ReceivedFrame& f : m_frames_taken) {
        ++m_received;
        m_received_bytes += f.bytes.size();
        if (m_pcap_board)
            m_pcap_board->observe(f.bytes.data(), f.bytes.size(), f.ieee8021q);
        else
            m_rx_board.observe(f.bytes.data(), f.bytes.size());
        if (m_reset_end_ns) ++m_rx_after_reset;
        if (m_ndis->hang_reset_end_ns()) ++m_rx_after_recovery;
    }
}

void RunProgram::run(hostdrv::HostPlatform& hp, unsigned pci_device) {
    if (bring_up(hp, pci_device)) {
        wait_until_ready(hp);
        exchange(hp);
        m_ndis->halt();  // MiniportHalt quiesces DMA first: the run ends only after it returned
    }
    m_traffic_done = true;
    m_done_event.notify(sc_core::SC_ZERO_TIME);
}

uint64_t RunProgram::wait_limit(uint64_t now) const {
    const uint64_t tick = kTickNs - now % kTickNs;
    // A reset the fault plan asks for comes at its time, not at the next tick.
    const uint64_t reset_at = m_cfg->fault.reset_at_ns;
    if (reset_at && !m_partner_role && m_reset_start_ns == 0 && reset_at > now) return std::min(tick, reset_at - now);
    return tick;
}

void RunProgram::exchange(hostdrv::HostPlatform& hp) {
    const RunConfig& cfg = *m_cfg;
    const bool sends = m_partner_role ? cfg.direction != Direction::Tx : cfg.direction != Direction::Rx;
    const uint64_t to_send = sends ? cfg.packets : 0;
    TrafficGen gen(cfg.seed, m_partner_role ? 2 : 1, cfg.size, m_peer_mac, m_own_mac);
    Rng frag_rng(cfg.seed ^ 0xF4A6u);
    SeqOf seq_of;
    uint64_t last_progress = 0, quiet_since = hp.now_ns();
    uint64_t checks_at_quiet = m_ndis->hang_checks();

    for (;;) {
        fill_send_window(seq_of, gen, frag_rng, to_send);
        reset_if_due(hp);
        take_send_results(seq_of);
        drain_received();

        // Sends complete when the NIC has read the buffers; the frames may still be in its FIFO or on the wire, and
        // halting would reset them away. So wait until both scoreboards stop expecting frames (or stop moving).
        const uint64_t now = hp.now_ns();
        // The far end's board read once: it may catch up with frames on their way to it at every read.
        const ScoreboardCounts& rx = m_rx_board.counts();
        const ScoreboardCounts& tx = m_tx_board->counts();
        const uint64_t progress = rx.matched + rx.corrupted + tx.matched + tx.corrupted + tx.segments + m_received;
        const bool tx_done = m_sent >= to_send && m_ndis->sends_outstanding() == 0;
        if (progress != last_progress || !tx_done) {  // the quiet clock starts once every send has completed
            last_progress = progress;
            quiet_since = now;
            checks_at_quiet = m_ndis->hang_checks();
        }
        const bool rx_done = rx_expected_total == 0 || rx.expected >= rx_expected_total;
        const bool source_done = !m_rx_source_done || m_rx_source_done();
        const bool quiet = now - quiet_since > kRxQuietNs;
        // Asked only when the answer can matter (the run may end, or it has gone quiet): it reads the NIC's
        // statistics, which most polls of a busy run need not pay for.
        const bool all_arrived = ((tx_done && rx_done && source_done) || quiet) && all_frames_arrived();
        const bool hang_check_due = quiet && !all_arrived && wait_for_hang_check(checks_at_quiet);
        if (tx_done && rx_done && source_done && (all_arrived || (quiet && !hang_check_due))) break;
        const unsigned resets = m_ndis->hang_resets();
        if (!hang_check_due && !(tx_done && rx_done)) {
            m_ndis->run_until_work_ns(wait_limit(now));
        } else {
            // Waiting for NDIS's hang check: nothing moves until it comes, so go there in one step.
            const uint64_t next_check = m_ndis->next_hang_check_ns();
            m_ndis->run_for_ns(hang_check_due && next_check > now ? std::max(kPollNs, next_check - now) : kPollNs);
        }
        note_resets(resets);
    }
}

}  // namespace nicsim::tb
