// The NDIS host: the state behind the NDIS library functions of ndis.h (the registered miniport, its one adapter,
// the HostPlatform it runs on) and the upper edge a protocol would use (send packets with a chosen fragment layout
// and placement, collect received packets and status indications, query and set OIDs). Plain C++17; everything
// machine-side goes through nicsim::hostdrv::HostPlatform. One NdisHost per process is current at a time: the C
// functions without a handle argument (NdisAllocateMemory, NdisStallExecution, ...) use it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hostdrv/ndis/block_recycler.h"
#include "hostdrv/ndis/hal_dma.h"
#include "hostdrv/ndis/ndis.h"
#include "hostdrv/ndis/page_allocator.h"
#include "hostdrv/platform/host_platform.h"

namespace nicsim::ndis {

struct NdisHostConfig {
    unsigned pci_device = 0;                      ///< IDSEL (device number) of the adapter on the bus
    unsigned map_registers_available = 256;       ///< map registers the HAL has left to grant (host-wide)
    unsigned map_registers = 0;                   ///< most granted to one adapter (0 = as many as asked): fewer may be
                                                  ///< granted on large-memory systems; transfers needing more then fail
    Placement buffer_placement = Placement::Low;  ///< physical pages of packet buffers and NdisAllocateMemory
    Placement shared_placement = Placement::Low;  ///< physical pages of shared memory (within the device limit)
    PageAllocatorConfig pages{};                  ///< physical ranges and the Scattered seed
    bool assign_resources = true;        ///< act as the PnP manager: program unassigned BARs and enable the device
    uint64_t mmio_window = 0xF000'0000;  ///< where unassigned memory BARs are placed
    uint32_t io_window = 0xC000;         ///< where unassigned I/O BARs are placed
    uint8_t interrupt_line = 11;         ///< written to the interrupt line register when assigning
    bool hold_received_packets = false;  ///< keep indicated packets until return_received_packets()
    uint64_t request_timeout_ns = 10'000'000;  ///< how long a pending OID request or reset may take
    /// MiniportCheckForHang period. 0: what the driver passed as CheckForHangTimeInSeconds to NdisMSetAttributesEx
    /// (0 there: the NDIS default, 2 s). Nonzero: this period for every driver, as the adapter's registry value
    /// CheckForHangTimeInSeconds overrides the driver's on Windows, but in nanoseconds: a simulated run lasts
    /// milliseconds, and a watchdog that first looks after 2 s never sees it.
    uint64_t check_for_hang_ns = 0;
};

/// A named contract violation: message type "nicsim/ndis/<what>" plus a one-line message.
struct Violation {
    std::string type;
    std::string message;
};

/// A violation the driver raised against itself (a failed ASSERT: "nicsim/ndis/driver-assert"; DbgBreakPoint:
/// "nicsim/ndis/driver-break") rather than a breach of the NDIS contract.
inline bool is_driver_fault(const std::string& type) {
    return type == "nicsim/ndis/driver-assert" || type == "nicsim/ndis/driver-break";
}

/// How the protocol lays a frame out in memory for a send.
struct SendLayout {
    std::vector<uint32_t> fragments;  ///< buffer sizes in chain order; the last buffer takes the rest (empty: one)
    uint32_t page_offset = 0;         ///< byte offset of each buffer within its first page
    bool override_placement = false;  ///< use `placement` instead of the host's buffer placement
    Placement placement = Placement::Low;
    uint32_t lso_mss = 0;        ///< TcpLargeSendPacketInfo (MSS) when nonzero
    uint32_t checksum_info = 0;  ///< TcpIpChecksumPacketInfo value
};

/// What NDIS learns from the miniport between MiniportInitialize and binding protocols (start_queries()).
struct AdapterInfo {
    bool queried = false;
    ULONG mac_options = 0;                 ///< OID_GEN_MAC_OPTIONS (NDIS_MAC_OPTION_*)
    std::vector<uint8_t> current_address;  ///< OID_802_3_CURRENT_ADDRESS
    ULONG maximum_lookahead = 0;           ///< OID_GEN_MAXIMUM_LOOKAHEAD
    ULONG current_lookahead = 0;           ///< OID_GEN_CURRENT_LOOKAHEAD
    ULONG maximum_send_packets = 1;        ///< OID_GEN_MAXIMUM_SEND_PACKETS (1 when not supported)
    ULONG maximum_list_size = 0;           ///< OID_802_3_MAXIMUM_LIST_SIZE
    bool media_connected = true;           ///< OID_GEN_MEDIA_CONNECT_STATUS (connected when not supported)
    bool pm_aware = false;                 ///< OID_PNP_CAPABILITIES answered NDIS_STATUS_SUCCESS
    std::vector<NDIS_OID> oids;            ///< every OID queried, in order
};

struct SendResult {
    uint64_t id;
    NDIS_STATUS status;
    uintptr_t lso_info;  ///< TcpLargeSendPacketInfo at completion (bytes sent, written by the miniport)
};

struct ReceivedFrame {
    std::vector<uint8_t> bytes;
    bool via_packet;            ///< NdisMIndicateReceivePacket (else NdisMEthIndicateReceive)
    NDIS_STATUS packet_status;  ///< the packet's status at indication (RESOURCES: returned at once)
    uint32_t packet_size;       ///< PacketSize of an NdisMEthIndicateReceive
    uintptr_t ieee8021q = 0;    ///< the packet's Ieee8021QInfo (NDIS_PACKET_8021Q_INFO.Value), 0 for none
};

struct StatusIndication {
    NDIS_STATUS status;
    std::vector<uint8_t> buffer;
};

struct OidResult {
    NDIS_STATUS status;
    ULONG bytes_done;  ///< BytesWritten / BytesRead
    ULONG bytes_needed;
    std::vector<uint8_t> data;  ///< query: the information buffer after the call
};

using DriverEntryFn = NDIS_STATUS (*)(PVOID DriverObject, PVOID RegistryPath);
/// DriverEntry as the DDK declares it (what a miniport shared object exports).
using DdkDriverEntryFn = NTSTATUS (*)(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
using ReportSink = std::function<void(const std::string& type, const std::string& message)>;
/// Receives each complete line of the driver's debug output (DbgPrint, KdPrint) with the simulated time it began.
using DebugSink = std::function<void(uint64_t time_ns, const std::string& line)>;

class NdisHost {
  public:
    NdisHost(hostdrv::HostPlatform& platform, const NdisHostConfig& cfg = {});
    ~NdisHost();
    NdisHost(const NdisHost&) = delete;
    NdisHost& operator=(const NdisHost&) = delete;

    /// The host the handle-less NDIS functions use (the most recently constructed live one). Inline: the driver's
    /// spin locks, buffers and packets ask for it several times per frame.
    static NdisHost* current() { return s_current; }
    /// The host an NDIS handle (wrapper, adapter, configuration) names; current() for anything else.
    static NdisHost* from_handle(const void* handle) {
        // Inline for the usual handle, the current host itself (the adapter handle of every NDIS call the driver
        // makes per frame): no other live host's driver object can sit at its address.
        if (handle && handle == s_current) return s_current;
        return find_host(handle);
    }

    /// Where violations are reported as they happen (the system top routes them to SC_REPORT_WARNING); by
    /// default they are printed to stderr. Either way they are recorded in violations().
    void set_report_sink(ReportSink sink) { m_sink = std::move(sink); }
    const std::vector<Violation>& violations() const { return m_violations; }
    /// Where the driver's debug output goes; by default each line is printed to stdout with the simulated time.
    /// Either way the lines are kept in debug_output().
    void set_debug_sink(DebugSink sink) { m_debug_sink = std::move(sink); }
    const std::vector<std::string>& debug_output() const { return m_debug_lines; }
    unsigned violation_count(const std::string& type) const;

    // ---- Driver lifecycle (what the I/O manager and PnP do) ----
    /// Calls DriverEntry with this host's driver object and registry path; returns its status.
    NDIS_STATUS load_driver(DriverEntryFn driver_entry);
    NDIS_STATUS load_driver(DdkDriverEntryFn driver_entry);
    const DRIVER_OBJECT& driver_object() const { return m_driver_object; }
    const UNICODE_STRING& registry_path() const { return m_registry_path; }
    bool miniport_registered() const { return m_registered; }
    const NDIS_MINIPORT_CHARACTERISTICS& characteristics() const { return m_chars; }
    /// PnP start: assigns resources if asked, then MiniportInitialize with {NdisMedium802_3}.
    NDIS_STATUS initialize();
    /// What NDIS queries after MiniportInitialize succeeded and before protocols bind, in its order (see
    /// docs/ndis-contract.md, "Starting the adapter"); the answers go to adapter_info(). An OID NDIS needs that fails
    /// or writes too little is a violation "start-query" and the start fails (the miniport is halted); an optional
    /// one answered NDIS_STATUS_NOT_SUPPORTED takes NDIS's default.
    NDIS_STATUS start_queries();
    const AdapterInfo& adapter_info() const { return m_info; }
    bool adapter_running() const { return m_running; }
    void halt();
    /// MiniportReset; waits (simulated time) for NdisMResetComplete when it pends.
    NDIS_STATUS reset(bool* addressing_reset = nullptr);
    bool check_for_hang();
    void shutdown();
    void pnp_event(NDIS_DEVICE_PNP_EVENT event);

    // ---- Protocol side ----
    /// Sends the frames in one MiniportSendPackets call (or one MiniportSend each); returns their ids.
    std::vector<uint64_t> send(const std::vector<std::vector<uint8_t>>& frames, const SendLayout& layout = {});
    uint64_t send(const std::vector<uint8_t>& frame, const SendLayout& layout = {});
    void cancel_sends(PVOID cancel_id);
    const std::vector<SendResult>& send_results() const { return m_send_results; }
    /// Hands over the send results so far and forgets them (long runs stay flat in memory).
    std::vector<SendResult> take_send_results() { return std::exchange(m_send_results, {}); }
    /// The same into `into` (emptied first): a caller that keeps `into` between calls lets both vectors keep their
    /// capacity, so taking results allocates nothing.
    void take_send_results(std::vector<SendResult>& into) {
        into.clear();
        std::swap(into, m_send_results);
    }
    size_t sends_outstanding() const { return m_sends.size(); }
    /// Sends NDIS holds for a serialized miniport (not handed over yet, or refused with NDIS_STATUS_RESOURCES).
    size_t sends_queued() const { return m_send_queue.size(); }
    const std::vector<ReceivedFrame>& received() const { return m_received; }
    /// Hands over the frames received so far and forgets them (long runs stay flat in memory).
    std::vector<ReceivedFrame> take_received() { return std::exchange(m_received, {}); }
    /// The same into `into` (emptied first), as take_send_results(into).
    /// The frames' storage in `into` is kept for the next ones indicated, so that a protocol taking frames this way
    /// makes receiving allocate nothing once under way.
    void take_received(std::vector<ReceivedFrame>& into) {
        for (ReceivedFrame& f : into)
            if (m_spare_bytes.size() < kSpareReceived) m_spare_bytes.push_back(std::move(f.bytes));
        into.clear();
        std::swap(into, m_received);
    }
    size_t received_packets_held() const { return m_held.size(); }
    void return_received_packets();
    const std::vector<StatusIndication>& status_indications() const { return m_status; }
    unsigned status_complete_count() const { return m_status_complete; }
    unsigned receive_complete_count() const { return m_receive_complete; }
    unsigned resources_available_count() const { return m_resources_available; }
    /// Times a serialized miniport refused a packet with NDIS_STATUS_RESOURCES (NDIS kept it queued and sent it
    /// again after a send completion or NdisMSendResourcesAvailable).
    uint64_t send_resources_refusals() const { return m_send_resources_refusals; }
    /// Frames indicated with a partial lookahead that never reached the protocol: MiniportTransferData failed, or
    /// all kTransferPackets packets were pending.
    uint64_t transfers_failed() const { return m_transfers_failed; }
    OidResult query_oid(NDIS_OID oid, ULONG buffer_length);
    /// A query whose information buffer starts as `input` (OID_TCP_TASK_OFFLOAD takes an NDIS_TASK_OFFLOAD_HEADER).
    OidResult query_oid(NDIS_OID oid, ULONG buffer_length, const std::vector<uint8_t>& input);
    OidResult set_oid(NDIS_OID oid, const std::vector<uint8_t>& data);
    /// Every OID set on the running miniport, in order, with the status it answered.
    const std::vector<std::pair<NDIS_OID, NDIS_STATUS>>& oids_set() const { return m_oids_set; }

    /// Lets simulated time pass, firing miniport timers when due and calling MiniportCheckForHang every
    /// CheckForHangTimeInSeconds (a reset when it returns TRUE); interrupts are delivered by the platform.
    void run_for_ns(uint64_t ns) { run(ns, false); }
    /// As run_for_ns, but returns as soon as a send has completed or a frame was indicated since the call: the
    /// protocol's thread waiting on the event its ProtocolSendComplete and receive handlers signal, `ns` its timeout.
    void run_until_work_ns(uint64_t ns) { run(ns, true); }
    /// Registry keywords NdisReadConfiguration sees (integers) and NdisReadNetworkAddress's override.
    void set_config(const std::string& keyword, ULONG value);
    void set_network_address(const std::vector<uint8_t>& mac) { m_network_address = mac; }

    // ---- State the tests and tools inspect ----
    hostdrv::HostPlatform& platform() { return m_platform; }
    HalDma& hal() { return m_hal; }
    PageAllocator& pages() { return m_pages; }
    const NdisHostConfig& config() const { return m_cfg; }
    NdisHostConfig& config() { return m_cfg; }
    ULONG attribute_flags() const { return m_attr_flags; }
    bool attributes_set() const { return m_attrs_set; }
    /// Map registers currently reserved for the adapter (0 when SG DMA is not set up).
    unsigned map_registers_reserved() const { return m_hal.sg_enabled() ? m_hal.map_registers() : 0; }
    unsigned map_registers_free() const { return m_map_registers_free; }
    unsigned isr_count() const { return m_isr_count; }
    unsigned dpc_count() const { return m_dpc_count; }
    unsigned unclaimed_interrupts() const { return m_unclaimed; }
    unsigned hang_checks() const { return m_hang_checks; }
    unsigned hang_resets() const { return m_hang_resets; }
    uint64_t hang_period_ns() const { return m_hang_period_ns; }
    /// When run_for_ns calls MiniportCheckForHang next (meaningful while the adapter runs and has the handler).
    uint64_t next_hang_check_ns() const { return m_next_hang_ns; }
    bool has_check_for_hang() const { return m_chars.CheckForHangHandler != nullptr; }
    /// The first reset that a hang check asked for: when it started and when it completed (0: none).
    uint64_t hang_reset_start_ns() const { return m_hang_reset_start_ns; }
    uint64_t hang_reset_end_ns() const { return m_hang_reset_end_ns; }
    bool dpc_pending() const { return m_dpc_pending; }
    uint64_t allocations_live() const { return m_memory.size(); }

    /// Records a violation "nicsim/ndis/<what>" and reports it through the sink.
    void violation(const char* what, const std::string& message);
    /// A driver fault (a failed ASSERT, DbgBreakPoint): the violation "nicsim/ndis/<what>", its message followed by
    /// the handler NDIS was running when it happened and, inside a send handler, the packet's buffers and
    /// scatter-gather elements (what a driver that expects one element per packet trips over).
    void driver_fault(const char* what, const std::string& message);

    // ---- IRQL (one CPU): what the code running now would see from KeGetCurrentIrql ----
    static constexpr KIRQL kDirql = 11;  ///< the device IRQL the ISR and synchronized functions run at
    KIRQL irql() const {
        if (m_at_dirql) return kDirql;
        return m_dispatch_depth || m_locks_held || m_raised ? DISPATCH_LEVEL : PASSIVE_LEVEL;
    }
    /// Driver Verifier's check of an NDIS function's IRQL rule: a violation "irql" naming the function when the
    /// current IRQL is outside [min_irql, max_irql]. Inline: the NDIS functions check on every call.
    bool check_irql(const char* function, KIRQL max_irql, KIRQL min_irql = PASSIVE_LEVEL) {
        const KIRQL now = irql();
        return (now <= max_irql && now >= min_irql) || irql_violation(function, now, max_irql, min_irql);
    }
    /// KeRaiseIrql/KeLowerIrql by the driver (to DISPATCH_LEVEL; higher levels are not modelled).
    KIRQL api_raise_irql(KIRQL new_irql);
    void api_lower_irql(KIRQL new_irql);
    /// Debug output of the driver, assembled into lines.
    void api_debug_print(const std::string& text);
    /// check_irql's violation (returns false).
    bool irql_violation(const char* function, KIRQL now, KIRQL max_irql, KIRQL min_irql);

    // ---- Called by the NDIS library functions of ndis.h (ndis_api.cpp); not for protocol code ----
    NDIS_STATUS api_register_miniport(const NDIS_MINIPORT_CHARACTERISTICS* chars, UINT length);
    void api_initialize_wrapper() { m_wrapper = true; }
    void api_terminate_wrapper() { m_wrapper = false; }
    void api_set_attributes(NDIS_HANDLE context, ULONG flags, UINT hang_seconds);
    void api_set_shutdown_handler(PVOID ctx, ADAPTER_SHUTDOWN_HANDLER handler);
    NDIS_STATUS api_sg_dma(BOOLEAN dma64, ULONG max_mapping);
    NDIS_STATUS api_allocate_map_registers(UCHAR dma_size, ULONG needed);
    void api_free_map_registers();
    void api_alloc_shared(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa);
    void api_free_shared(ULONG length, PVOID va, NDIS_PHYSICAL_ADDRESS pa);
    ULONG api_pci_read(ULONG offset, PVOID buffer, ULONG length);
    ULONG api_pci_write(ULONG offset, const void* buffer, ULONG length);
    NDIS_STATUS api_query_resources(PNDIS_RESOURCE_LIST list, PUINT size);
    NDIS_STATUS api_map_io(PVOID* va, uint64_t phys, UINT length);
    void api_unmap_io(PVOID va, UINT length);
    NDIS_STATUS api_register_ports(PVOID* offset, UINT first, UINT count);
    void api_deregister_ports(UINT first, UINT count);
    uint32_t api_register_read(const volatile void* reg, unsigned size);
    void api_register_write(volatile void* reg, unsigned size, uint32_t value);
    uint32_t api_port_read(uintptr_t port, unsigned size);
    void api_port_write(uintptr_t port, unsigned size, uint32_t value);
    NDIS_STATUS api_register_interrupt(PNDIS_MINIPORT_INTERRUPT intr, BOOLEAN request_isr, BOOLEAN shared);
    void api_deregister_interrupt(PNDIS_MINIPORT_INTERRUPT intr);
    BOOLEAN api_synchronize(PNDIS_MINIPORT_INTERRUPT intr, PVOID fn, PVOID ctx);
    void api_init_timer(PNDIS_MINIPORT_TIMER t, PNDIS_TIMER_FUNCTION fn, PVOID ctx);
    void api_set_timer(PNDIS_MINIPORT_TIMER t, UINT ms, bool periodic);
    BOOLEAN api_cancel_timer(PNDIS_MINIPORT_TIMER t);
    void api_send_complete(PNDIS_PACKET packet, NDIS_STATUS status);
    void api_send_resources_available();
    void api_indicate_packets(PPNDIS_PACKET packets, UINT count);
    void api_eth_indicate(NDIS_HANDLE receive_context, PVOID header, UINT header_size, PVOID lookahead,
                          UINT lookahead_size, UINT packet_size);
    void api_transfer_data_complete(PNDIS_PACKET packet, NDIS_STATUS status, UINT bytes);
    void api_eth_indicate_complete() { ++m_receive_complete; }
    void api_indicate_status(NDIS_STATUS status, PVOID buffer, UINT size);
    void api_indicate_status_complete() { ++m_status_complete; }
    void api_lock_acquired() { ++m_locks_held; }
    /// Inline up to the DPC's check: the driver releases a spin lock several times per frame.
    void api_lock_released() {
        if (m_locks_held) --m_locks_held;
        if (m_dpc_pending && irql() == PASSIVE_LEVEL) run_pending_dpc();
    }
    void api_reset_complete(NDIS_STATUS status, BOOLEAN addressing);
    void api_request_complete(NDIS_STATUS status);
    NDIS_STATUS api_allocate_memory(PVOID* va, UINT length, UINT flags, uint64_t highest);
    void api_free_memory(PVOID va, UINT length);
    bool api_read_config(const std::string& keyword, ULONG& value) const;
    const std::vector<uint8_t>& api_network_address() const { return m_network_address; }

  private:
    static inline NdisHost* s_current = nullptr;     // current()
    static NdisHost* find_host(const void* handle);  // from_handle() by a search of the live hosts
    void transfer_rest(NDIS_HANDLE receive_context, UINT offset, ReceivedFrame&& f);
    struct MmioMap {
        uintptr_t va;
        uint64_t phys;
        size_t length;
    };
    struct PortRange {
        uint32_t first;
        uint32_t count;
    };
    struct TimerRec {
        PNDIS_MINIPORT_TIMER timer;
        uint64_t due_ns;
        uint64_t period_ns;
        bool armed;
    };
    struct SendRecord {
        uint64_t id = 0;
        PNDIS_PACKET packet = nullptr;
        std::vector<std::pair<uint8_t*, size_t>> memory;  // (host pages, page count) per buffer
        std::vector<uint64_t> phys;                       // physical pages, buffer after buffer
        bool completed = false;
    };
    using SendRecords = std::deque<SendRecord, BlockAllocator<SendRecord>>;
    struct MemoryBlock {
        uint8_t* va;
        size_t pages;
        std::vector<uint64_t> phys;
    };
    void complete_send(PNDIS_PACKET packet, NDIS_STATUS status);
    void release_send(size_t index, NDIS_STATUS status);
    /// Position of the outstanding send of `packet` in m_sends (its size when none).
    size_t send_index(PNDIS_PACKET packet) const;
    /// A prepared send and its packet (handing it over needs no search for its record).
    struct ReadySend {
        uint64_t id;
        PNDIS_PACKET packet;
    };
    /// One frame of a send: a packet with its buffers chained and mapped, appended to `ready` unless it was refused
    /// (then its result is recorded). Returns its id.
    uint64_t prepare_send(const std::vector<uint8_t>& frame, const SendLayout& layout, std::vector<ReadySend>& ready);
    /// Copy the frame into send pages, one buffer per layout fragment, and chain them to the record's packet.
    bool chain_send_buffers(SendRecord& rec, const std::vector<uint8_t>& frame, const SendLayout& layout);
    void dispatch_sends(const std::vector<ReadySend>& ready);
    SendRecords::iterator find_send(uint64_t id);
    /// A record for a new send: a finished send's (its vectors empty, their capacity kept) or a new one.
    SendRecord take_send_record(uint64_t id, PNDIS_PACKET packet);
    uint8_t* take_send_pages(size_t span);
    bool miniport_busy() const;
    void pump_sends();
    void send_queued_one();
    void send_queued_packets();
    void flush_returns();
    void run(uint64_t ns, bool until_work);
    /// Whether the protocol has results or frames it had not at the sizes given (what run_until_work_ns waits for).
    bool protocol_work_since(size_t results, size_t frames) const {
        return m_send_results.size() != results || m_received.size() != frames;
    }
    /// The PnP manager's part of a start: unassigned BARs get an address in the configured windows, the interrupt
    /// line is routed, and the device's decoders and bus mastering are enabled.
    void assign_resources();
    void interrupt();
    void run_pending_dpc();
    void leave_dispatch();
    static void isr_trampoline(void* ctx);
    void fire_due_timers();
    bool wait_until(const std::function<bool()>& done);
    void make_current();
    void init_driver_object();

    /// Forwards every call to the machine's platform, then makes this host current again: a platform call may let
    /// simulated time pass, during which another machine's CPU (with an NdisHost of its own) runs.
    class CurrentKeeper : public hostdrv::HostPlatform {
      public:
        CurrentKeeper(NdisHost& owner, hostdrv::HostPlatform& inner) : m_owner(owner), m_inner(inner) {}
        uint32_t config_read(unsigned device, unsigned offset, unsigned size) override;
        void config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) override;
        uint32_t mmio_read(uint64_t phys, unsigned size) override;
        void mmio_write(uint64_t phys, unsigned size, uint32_t value) override;
        uint32_t io_read(uint32_t port, unsigned size) override;
        void io_write(uint32_t port, unsigned size, uint32_t value) override;
        hostdrv::PhysicalMemory& memory() override { return m_inner.memory(); }
        void stall_ns(uint64_t ns) override;
        void wait_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) override;
        uint64_t now_ns() const override { return m_inner.now_ns(); }
        void connect_interrupt(unsigned device, void (*isr)(void* ctx), void* ctx) override {
            m_inner.connect_interrupt(device, isr, ctx);
        }
        void dma_allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what) override {
            m_inner.dma_allow(phys, len, device_may_write, what);
        }
        void dma_revoke(uint64_t phys, uint64_t len) override { m_inner.dma_revoke(phys, len); }

      private:
        NdisHost& m_owner;
        hostdrv::HostPlatform& m_inner;
    };

    CurrentKeeper m_keeper;
    hostdrv::HostPlatform& m_platform;
    NdisHostConfig m_cfg;
    PageAllocator m_pages;
    HalDma m_hal;
    ReportSink m_sink;
    std::vector<Violation> m_violations;
    DebugSink m_debug_sink;
    std::vector<std::string> m_debug_lines;
    std::string m_debug_partial;      // output since the last newline
    uint64_t m_debug_partial_ns = 0;  // when that partial line began
    DRIVER_OBJECT m_driver_object{};
    DRIVER_EXTENSION m_driver_extension{};
    UNICODE_STRING m_registry_path{};
    std::vector<WCHAR> m_registry_path_text;
    std::vector<WCHAR> m_driver_name_text;

    NDIS_MINIPORT_CHARACTERISTICS m_chars{};
    bool m_registered = false;
    bool m_wrapper = false;
    bool m_running = false;
    bool m_in_initialize = false;
    bool m_attrs_set = false;
    NDIS_HANDLE m_context = nullptr;
    ULONG m_attr_flags = 0;
    bool m_shared_allocated = false;
    uint64_t m_hang_period_ns = 2'000'000'000ull;  // CheckForHangTimeInSeconds (NDIS default 2 s)
    uint64_t m_next_hang_ns = 0;
    unsigned m_hang_checks = 0;
    unsigned m_hang_resets = 0;
    uint64_t m_hang_reset_start_ns = 0;
    uint64_t m_hang_reset_end_ns = 0;
    bool m_map_registers_allocated = false;
    unsigned m_map_registers_held = 0;
    unsigned m_map_registers_free;
    PVOID m_shutdown_ctx = nullptr;
    ADAPTER_SHUTDOWN_HANDLER m_shutdown_handler = nullptr;

    PNDIS_MINIPORT_INTERRUPT m_interrupt = nullptr;
    bool m_in_isr = false;          // the DPC loop is running
    unsigned m_dispatch_depth = 0;  // miniport handlers running at DISPATCH_LEVEL on the stack
    /// The send handler NDIS is in and what its packets held, for driver faults (`handler` null elsewhere): counted
    /// when the call starts, put into words only when a fault is reported.
    struct SendCall {
        const char* handler = nullptr;
        size_t packets = 0;
        UINT buf_lo = 0, buf_hi = 0, sg_lo = 0, sg_hi = 0;
        /// "in MiniportSend; the packet had 2 buffers, 2 scatter-gather elements" (ranges for several packets).
        std::string text() const;
    };
    /// What the `n` packets of a call to `handler` held.
    static SendCall describe_send_call(const char* handler, const PNDIS_PACKET* packets, size_t n);
    SendCall m_calling;
    std::vector<size_t> m_send_sizes;  // the buffer sizes of the send being prepared (kept for its capacity)
    AdapterInfo m_info;
    bool start_query(NDIS_OID oid, const char* name, ULONG length, bool needed, std::vector<uint8_t>& answer);
    /// Packets NDIS hands over in one MiniportSendPackets call (OID_GEN_MAXIMUM_SEND_PACKETS once queried).
    size_t send_packets_limit() const { return m_info.queried ? m_info.maximum_send_packets : ~size_t{0}; }
    unsigned m_locks_held = 0;  // spin locks held (each raises to DISPATCH_LEVEL)
    unsigned m_raised = 0;      // KeRaiseIrql to DISPATCH_LEVEL not yet lowered
    unsigned m_at_dirql = 0;    // the ISR or a synchronized function is running
    unsigned m_unclaimed = 0;   // interrupts the ISR did not recognize
    bool m_dpc_pending = false;
    unsigned m_isr_count = 0;
    unsigned m_dpc_count = 0;

    NDIS_HANDLE m_packet_pool = nullptr;
    NDIS_HANDLE m_buffer_pool = nullptr;
    /// A frame indicated with a partial lookahead, waiting for MiniportTransferData to fill in the rest.
    struct Transfer {
        PNDIS_PACKET packet;
        std::unique_ptr<uint8_t[]> data;
        UINT size;
        ReceivedFrame frame;
    };
    static constexpr UINT kTransferPackets = 64;  // transfers pending at once
    NDIS_HANDLE m_transfer_pool = nullptr;
    std::vector<Transfer> m_transfers;
    uint64_t m_transfers_failed = 0;  // frames dropped: MiniportTransferData failed, or no packet was free for it
    uint64_t m_next_send_id = 1;
    SendRecords m_sends;  // completed mostly in the order sent: the front leaves cheaply
    // Records of finished sends with their vectors emptied, reused for their capacity (as NDIS reuses a pool's
    // packets): a send then allocates nothing for its record. As many as sends were outstanding at once.
    std::vector<SendRecord> m_spare_records;
    // Scratch for one send call (its ids ready to go, the packet array handed to the miniport), kept for their
    // capacity; a nested call finds them taken and uses fresh ones.
    std::vector<ReadySend> m_ready_spare;
    std::vector<PNDIS_PACKET> m_array_spare;
    // Host memory of finished sends, all zero again, for the next ones: (pages, page count). What a send keeps
    // is bounded by the sends outstanding at once.
    std::vector<std::pair<uint8_t*, size_t>> m_spare_send_pages;
    std::vector<uint64_t> m_send_queue;  // serialized miniport: sends NDIS holds, in order
    bool m_send_blocked = false;         // the miniport said RESOURCES: wait for a completion or ResourcesAvailable
    bool m_pump_pending = false;         // the queue may move once the running handler returns
    bool m_pumping = false;              // pump_sends is handing packets over
    std::vector<SendResult> m_send_results;
    std::vector<ReceivedFrame> m_received;
    // Storage of received frames the protocol has taken, for the next ones (bounded). A moderated interrupt's DPC
    // indicates up to a receive ring's worth at once (256 descriptors by default): fewer spares than that would
    // allocate again for every such batch.
    static constexpr size_t kSpareReceived = 256;
    std::vector<std::vector<uint8_t>> m_spare_bytes;
    std::vector<PNDIS_PACKET> m_held;
    std::vector<PNDIS_PACKET> m_to_return;
    bool m_flushing = false;
    std::vector<StatusIndication> m_status;
    unsigned m_status_complete = 0;
    unsigned m_receive_complete = 0;
    unsigned m_resources_available = 0;
    uint64_t m_send_resources_refusals = 0;

    bool m_request_pending = false;
    NDIS_STATUS m_request_status = NDIS_STATUS_SUCCESS;
    bool m_reset_pending = false;
    NDIS_STATUS m_reset_status = NDIS_STATUS_SUCCESS;
    BOOLEAN m_reset_addressing = FALSE;

    std::vector<MemoryBlock> m_memory;  // NdisAllocateMemory blocks
    std::vector<MmioMap> m_mmio;
    std::vector<PortRange> m_ports;
    std::vector<std::unique_ptr<TimerRec>> m_timers;
    std::vector<std::pair<std::string, ULONG>> m_registry;
    std::vector<std::pair<NDIS_OID, NDIS_STATUS>> m_oids_set;
    std::vector<uint8_t> m_network_address;
};

}  // namespace nicsim::ndis
