#include "hostdrv/ndis/ndis_host.h"

#include <sys/mman.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nicsim::ndis {

namespace {
constexpr uint64_t kPage = PageAllocator::kPage;
constexpr unsigned kCfgCommand = 0x04;  // command register
constexpr unsigned kCfgBar0 = 0x10;     // first base address register
constexpr unsigned kCfgIntLine = 0x3C;  // interrupt line
constexpr unsigned kCfgIntPin = 0x3D;   // interrupt pin (0 = none)
constexpr unsigned kConfigSpace = 256;  // bytes of type 0 configuration space

std::vector<NdisHost*> g_live;  // every live host: a handle naming one of them routes there

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool is_5x(const NDIS_MINIPORT_CHARACTERISTICS& c) {
    return c.MajorNdisVersion == 5 && c.MinorNdisVersion <= 1;
}
}  // namespace

NdisHost::NdisHost(hostdrv::HostPlatform& platform, const NdisHostConfig& cfg)
    : m_keeper(*this, platform),
      m_platform(m_keeper),
      m_cfg(cfg),
      m_pages(cfg.pages),
      // The HAL's platform calls (memory, DMA windows) let no simulated time pass: they need no CurrentKeeper.
      m_hal(platform, m_pages, [this](const char* what, const std::string& msg) { violation(what, msg); }),
      m_map_registers_free(cfg.map_registers_available) {
    init_driver_object();
    s_current = this;
    g_live.push_back(this);
}

NdisHost::~NdisHost() {
    if (m_interrupt) m_platform.connect_interrupt(m_cfg.pci_device, nullptr, nullptr);
    while (!m_sends.empty()) release_send(0, NDIS_STATUS_REQUEST_ABORTED);
    for (const auto& spare : m_spare_send_pages) std::free(spare.first);
    for (MemoryBlock& b : m_memory) {
        m_hal.unregister_pages(b.va, b.pages);
        for (uint64_t p : b.phys) m_pages.free_page(p);
        std::free(b.va);
    }
    for (const MmioMap& m : m_mmio) munmap(reinterpret_cast<void*>(m.va), m.length);
    for (Transfer& t : m_transfers) {
        PNDIS_BUFFER buf = nullptr;
        NdisUnchainBufferAtFront(t.packet, &buf);
        if (buf) NdisFreeBuffer(buf);
        NdisFreePacket(t.packet);
    }
    if (m_transfer_pool) NdisFreePacketPool(m_transfer_pool);
    if (m_packet_pool) NdisFreePacketPool(m_packet_pool);
    if (m_buffer_pool) NdisFreeBufferPool(m_buffer_pool);
    g_live.erase(std::find(g_live.begin(), g_live.end(), this));
    if (s_current == this) s_current = g_live.empty() ? nullptr : g_live.back();
}

void NdisHost::make_current() {
    s_current = this;
}

uint32_t NdisHost::CurrentKeeper::config_read(unsigned device, unsigned offset, unsigned size) {
    const uint32_t v = m_inner.config_read(device, offset, size);
    m_owner.make_current();
    return v;
}
void NdisHost::CurrentKeeper::config_write(unsigned device, unsigned offset, unsigned size, uint32_t value) {
    m_inner.config_write(device, offset, size, value);
    m_owner.make_current();
}
uint32_t NdisHost::CurrentKeeper::mmio_read(uint64_t phys, unsigned size) {
    const uint32_t v = m_inner.mmio_read(phys, size);
    m_owner.make_current();
    return v;
}
void NdisHost::CurrentKeeper::mmio_write(uint64_t phys, unsigned size, uint32_t value) {
    m_inner.mmio_write(phys, size, value);
    m_owner.make_current();
}
uint32_t NdisHost::CurrentKeeper::io_read(uint32_t port, unsigned size) {
    const uint32_t v = m_inner.io_read(port, size);
    m_owner.make_current();
    return v;
}
void NdisHost::CurrentKeeper::io_write(uint32_t port, unsigned size, uint32_t value) {
    m_inner.io_write(port, size, value);
    m_owner.make_current();
}
void NdisHost::CurrentKeeper::stall_ns(uint64_t ns) {
    m_inner.stall_ns(ns);  // ISRs of this host run in here, and make it current themselves
    m_owner.make_current();
}

void NdisHost::CurrentKeeper::wait_ns(uint64_t ns, bool (*woken)(void* ctx), void* ctx) {
    m_inner.wait_ns(ns, woken, ctx);
    m_owner.make_current();
}

NdisHost* NdisHost::find_host(const void* handle) {
    for (NdisHost* h : g_live)
        if (h == handle || &h->m_driver_object == handle) return h;
    return s_current;
}

void NdisHost::violation(const char* what, const std::string& message) {
    Violation v{std::string("nicsim/ndis/") + what, message};
    m_violations.push_back(v);
    if (m_sink)
        m_sink(v.type, v.message);
    else
        std::fprintf(stderr, "Warning: %s: %s\n", v.type.c_str(), v.message.c_str());
}

void NdisHost::driver_fault(const char* what, const std::string& message) {
    violation(what, !m_calling.handler ? message : message + " (" + m_calling.text() + ")");
}

unsigned NdisHost::violation_count(const std::string& type) const {
    const std::string full = type.rfind("nicsim/", 0) == 0 ? type : "nicsim/ndis/" + type;
    unsigned n = 0;
    for (const Violation& v : m_violations) n += v.type == full;
    return n;
}

// ---------------------------------------------------------------- driver lifecycle

NDIS_STATUS NdisHost::load_driver(DriverEntryFn driver_entry) {
    make_current();
    return driver_entry(&m_driver_object, &m_registry_path);
}

NDIS_STATUS NdisHost::load_driver(DdkDriverEntryFn driver_entry) {
    make_current();
    m_driver_object.DriverInit = driver_entry;
    return driver_entry(&m_driver_object, &m_registry_path);
}

NDIS_STATUS NdisHost::api_register_miniport(const NDIS_MINIPORT_CHARACTERISTICS* chars, UINT length) {
    if (!m_wrapper) {
        violation("register-miniport", "NdisMRegisterMiniport without NdisMInitializeWrapper");
        return NDIS_STATUS_FAILURE;
    }
    if (!chars || length < sizeof(NDIS30_MINIPORT_CHARACTERISTICS)) {
        violation("register-miniport", "characteristics missing or shorter than NDIS 3.0's");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    size_t need = 0;
    const unsigned ver = chars->MajorNdisVersion * 16u + chars->MinorNdisVersion;
    switch (ver) {
        case 0x30:
            need = sizeof(NDIS30_MINIPORT_CHARACTERISTICS);
            break;
        case 0x40:
            need = sizeof(NDIS40_MINIPORT_CHARACTERISTICS);
            break;
        case 0x50:
            need = sizeof(NDIS50_MINIPORT_CHARACTERISTICS);
            break;
        case 0x51:
            need = sizeof(NDIS51_MINIPORT_CHARACTERISTICS);
            break;
        default:
            violation("register-miniport", "unknown NDIS version " + std::to_string(chars->MajorNdisVersion) + "." +
                                               std::to_string(chars->MinorNdisVersion));
            return NDIS_STATUS_BAD_VERSION;
    }
    if (length < need) {
        violation("register-miniport", "CharacteristicsLength " + std::to_string(length) + " too short for NDIS " +
                                           std::to_string(chars->MajorNdisVersion) + "." +
                                           std::to_string(chars->MinorNdisVersion));
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    NDIS_MINIPORT_CHARACTERISTICS c{};
    std::memcpy(&c, chars, need);
    const bool has_send = c.SendHandler || (ver >= 0x40 && c.SendPacketsHandler);
    if (!c.InitializeHandler || !c.HaltHandler || !c.QueryInformationHandler || !c.SetInformationHandler ||
        !c.ResetHandler || !has_send) {
        violation("register-miniport",
                  "a required handler (Initialize, Halt, QueryInformation, SetInformation, "
                  "Reset, Send or SendPackets) is missing");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    m_chars = c;
    m_registered = true;
    return NDIS_STATUS_SUCCESS;
}

namespace {
struct Bar {
    unsigned offset;
    bool io;
    bool is64;
    bool prefetch;
    uint64_t base;
    uint64_t size;
};

std::vector<Bar> probe_bars(hostdrv::HostPlatform& p, unsigned dev) {
    std::vector<Bar> bars;
    const uint32_t cmd = p.config_read(dev, kCfgCommand, 2);
    p.config_write(dev, kCfgCommand, 2, cmd & ~uint32_t{PCI_ENABLE_IO_SPACE | PCI_ENABLE_MEMORY_SPACE});
    for (unsigned i = 0; i < PCI_TYPE0_ADDRESSES; ++i) {
        const unsigned off = kCfgBar0 + 4 * i;
        const uint32_t orig = p.config_read(dev, off, 4);
        p.config_write(dev, off, 4, 0xFFFFFFFFu);
        const uint32_t mask = p.config_read(dev, off, 4);
        p.config_write(dev, off, 4, orig);
        if (mask == 0 || mask == 0xFFFFFFFFu) continue;  // unimplemented (or no device answering)
        Bar b{off, (orig & PCI_ADDRESS_IO_SPACE) != 0, false, false, 0, 0};
        if (b.io) {
            uint32_t m = mask & ~0x3u;
            if ((m & 0xFFFF0000u) == 0) m |= 0xFFFF0000u;
            b.base = orig & ~0x3u;
            b.size = static_cast<uint32_t>(~m + 1);
        } else {
            b.prefetch = (orig & PCI_ADDRESS_MEMORY_PREFETCHABLE) != 0;
            b.is64 = (orig & PCI_ADDRESS_MEMORY_TYPE_MASK) == PCI_TYPE_64BIT && i + 1 < PCI_TYPE0_ADDRESSES;
            uint64_t m = mask & ~0xFull;
            b.base = orig & ~0xFull;
            if (b.is64) {
                const unsigned hi = off + 4;
                const uint32_t orig_hi = p.config_read(dev, hi, 4);
                p.config_write(dev, hi, 4, 0xFFFFFFFFu);
                const uint32_t mask_hi = p.config_read(dev, hi, 4);
                p.config_write(dev, hi, 4, orig_hi);
                m |= uint64_t{mask_hi} << 32;
                b.base |= uint64_t{orig_hi} << 32;
                ++i;
            } else {
                m |= 0xFFFFFFFF00000000ull;
            }
            b.size = ~m + 1;
        }
        bars.push_back(b);
    }
    p.config_write(dev, kCfgCommand, 2, cmd);
    return bars;
}
}  // namespace

void NdisHost::assign_resources() {
    const unsigned dev = m_cfg.pci_device;
    uint64_t mmio = m_cfg.mmio_window;
    uint32_t io = m_cfg.io_window;
    uint32_t enable = PCI_ENABLE_BUS_MASTER;
    for (Bar& b : probe_bars(m_platform, dev)) {
        if (b.size == 0) continue;
        if (b.io) {
            enable |= PCI_ENABLE_IO_SPACE;
            if (b.base == 0) {
                io = static_cast<uint32_t>((io + b.size - 1) & ~(b.size - 1));
                m_platform.config_write(dev, b.offset, 4, io | PCI_ADDRESS_IO_SPACE);
                io += static_cast<uint32_t>(b.size);
            }
        } else {
            enable |= PCI_ENABLE_MEMORY_SPACE;
            if (b.base == 0) {
                mmio = (mmio + b.size - 1) & ~(b.size - 1);
                const uint32_t low_bits = m_platform.config_read(dev, b.offset, 4) & 0xFu;
                m_platform.config_write(dev, b.offset, 4, static_cast<uint32_t>(mmio) | low_bits);
                if (b.is64) m_platform.config_write(dev, b.offset + 4, 4, static_cast<uint32_t>(mmio >> 32));
                mmio += b.size;
            }
        }
    }
    if (m_platform.config_read(dev, kCfgIntPin, 1) != 0)
        m_platform.config_write(dev, kCfgIntLine, 1, m_cfg.interrupt_line);
    const uint32_t cmd = m_platform.config_read(dev, kCfgCommand, 2);
    m_platform.config_write(dev, kCfgCommand, 2, cmd | enable);
}

NDIS_STATUS NdisHost::initialize() {
    make_current();
    if (!m_registered) return NDIS_STATUS_ADAPTER_NOT_FOUND;
    if (m_running) return NDIS_STATUS_SUCCESS;
    if (m_cfg.assign_resources) assign_resources();
    NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
    UINT medium = ~0u;
    NDIS_MEDIUM media[] = {NdisMedium802_3};
    m_in_initialize = true;
    NDIS_STATUS st = m_chars.InitializeHandler(&open_error, &medium, media, 1, this, this);
    m_in_initialize = false;
    if (st == NDIS_STATUS_SUCCESS && medium != 0) {
        violation("initialize-medium",
                  "MiniportInitialize selected medium index " + std::to_string(medium) + " of a 1-entry array");
        st = NDIS_STATUS_UNSUPPORTED_MEDIA;
    }
    if (st == NDIS_STATUS_SUCCESS && !m_attrs_set) {
        violation("initialize-attributes", "MiniportInitialize succeeded without NdisMSetAttributes(Ex)");
        st = NDIS_STATUS_FAILURE;
    }
    if (st != NDIS_STATUS_SUCCESS) {
        // A failed initialize must leave nothing behind; the reservation is returned.
        if (m_hal.sg_enabled()) {
            m_map_registers_free += m_hal.map_registers();
            m_hal.disable_sg();
        }
        m_attrs_set = false;
        m_shared_allocated = false;
        return st;
    }
    m_running = true;
    m_next_hang_ns = m_platform.now_ns() + m_hang_period_ns;
    flush_returns();
    return st;
}

void NdisHost::halt() {
    make_current();
    if (!m_running) return;
    if (!m_sends.empty())
        violation("halt-with-sends", std::to_string(m_sends.size()) + " sends outstanding when the adapter is halted");
    return_received_packets();
    m_chars.HaltHandler(m_context);
    m_running = false;
    if (m_hal.shared_allocations())
        violation("leak-shared-memory",
                  std::to_string(m_hal.shared_allocations()) + " shared memory blocks not freed by MiniportHalt");
    if (m_interrupt) violation("leak-interrupt", "interrupt still registered after MiniportHalt");
    if (!m_mmio.empty()) violation("leak-io-space", "I/O space still mapped after MiniportHalt");
    if (m_hal.sg_enabled()) {
        m_map_registers_free += m_hal.map_registers();
        m_hal.disable_sg();
    }
    if (m_map_registers_allocated) {
        violation("leak-map-registers", "map registers not freed by MiniportHalt (NdisMFreeMapRegisters)");
        api_free_map_registers();
    }
    m_hal.set_device_limit(HalDma::k4G);
    m_attrs_set = false;
    m_shared_allocated = false;
}

bool NdisHost::wait_until(const std::function<bool()>& done) {
    const uint64_t end = m_platform.now_ns() + m_cfg.request_timeout_ns;
    while (!done() && m_platform.now_ns() < end) {
        m_platform.stall_ns(1000);
        fire_due_timers();
        flush_returns();
    }
    return done();
}

NDIS_STATUS NdisHost::reset(bool* addressing_reset) {
    make_current();
    if (!m_running) return NDIS_STATUS_ADAPTER_NOT_READY;
    BOOLEAN addressing = FALSE;
    m_reset_pending = true;
    ++m_dispatch_depth;  // MiniportReset, MiniportCheckForHang and the OID handlers run at DISPATCH_LEVEL
    NDIS_STATUS st = m_chars.ResetHandler(&addressing, m_context);
    leave_dispatch();
    if (st == NDIS_STATUS_PENDING) {
        if (!wait_until([this] { return !m_reset_pending; })) {
            violation("reset-timeout", "MiniportReset pended and NdisMResetComplete never came");
            m_reset_pending = false;
            return NDIS_STATUS_FAILURE;
        }
        st = m_reset_status;
        addressing = m_reset_addressing;
    }
    m_reset_pending = false;
    if (addressing_reset) *addressing_reset = addressing != FALSE;
    // NDIS does not call MiniportCheckForHang while a reset runs; the next check is a full period after it (checks
    // made up back to back would see no time pass and call every waiting send a hang).
    m_next_hang_ns = m_platform.now_ns() + m_hang_period_ns;
    return st;
}

void NdisHost::api_reset_complete(NDIS_STATUS status, BOOLEAN addressing) {
    if (!m_reset_pending) {
        violation("reset-complete-unexpected", "NdisMResetComplete without a pending reset");
        return;
    }
    m_reset_status = status;
    m_reset_addressing = addressing;
    m_reset_pending = false;
}

bool NdisHost::check_for_hang() {
    make_current();
    if (!m_running || !m_chars.CheckForHangHandler) return false;
    ++m_dispatch_depth;
    const bool hung = m_chars.CheckForHangHandler(m_context) != FALSE;
    leave_dispatch();
    return hung;
}

void NdisHost::shutdown() {
    make_current();
    if (m_shutdown_handler)
        m_shutdown_handler(m_shutdown_ctx);
    else if (m_chars.MajorNdisVersion == 5 && m_chars.MinorNdisVersion == 1 && m_chars.AdapterShutdownHandler)
        m_chars.AdapterShutdownHandler(m_context);
}

void NdisHost::pnp_event(NDIS_DEVICE_PNP_EVENT event) {
    make_current();
    if (m_running && m_chars.MinorNdisVersion == 1 && m_chars.PnPEventNotifyHandler)
        m_chars.PnPEventNotifyHandler(m_context, event, nullptr, 0);
}

void NdisHost::api_set_attributes(NDIS_HANDLE context, ULONG flags, UINT hang_seconds) {
    m_hang_period_ns = m_cfg.check_for_hang_ns ? m_cfg.check_for_hang_ns
                                               : uint64_t{hang_seconds ? hang_seconds : 2} * 1'000'000'000ull;
    if (!m_in_initialize)
        violation("set-attributes-outside-initialize", "NdisMSetAttributes(Ex) called outside MiniportInitialize");
    m_context = context;
    m_attr_flags = flags;
    m_attrs_set = true;
}

void NdisHost::api_set_shutdown_handler(PVOID ctx, ADAPTER_SHUTDOWN_HANDLER handler) {
    m_shutdown_ctx = ctx;
    m_shutdown_handler = handler;
}

// ---------------------------------------------------------------- DMA

NDIS_STATUS NdisHost::api_sg_dma(BOOLEAN dma64, ULONG max_mapping) {
    if (!m_in_initialize) {
        violation("sgdma-outside-initialize", "NdisMInitializeScatterGatherDma called outside MiniportInitialize");
        return NDIS_STATUS_FAILURE;
    }
    if (!m_attrs_set) {
        violation("sgdma-order", "NdisMInitializeScatterGatherDma called before NdisMSetAttributes(Ex)");
        return NDIS_STATUS_FAILURE;
    }
    if (m_shared_allocated) {
        violation("sgdma-order", "NdisMInitializeScatterGatherDma called after NdisMAllocateSharedMemory");
        return NDIS_STATUS_FAILURE;
    }
    if (m_hal.sg_enabled()) {
        violation("sgdma-twice", "NdisMInitializeScatterGatherDma called a second time");
        return NDIS_STATUS_FAILURE;
    }
    if (m_map_registers_allocated) {
        violation("map-registers-with-sgdma",
                  "NdisMInitializeScatterGatherDma after NdisMAllocateMapRegisters: a driver uses one or the other");
        return NDIS_STATUS_FAILURE;
    }
    // Documented refusals: nothing is reserved.
    if (!is_5x(m_chars)) return NDIS_STATUS_NOT_SUPPORTED;
    if (!(m_attr_flags & NDIS_ATTRIBUTE_BUS_MASTER)) return NDIS_STATUS_NOT_SUPPORTED;
    if (dma64 != TRUE && dma64 != FALSE) {
        violation("sgdma-address-width", "Dma64BitAddresses " + std::to_string(dma64) +
                                             " is neither TRUE (64-bit) nor FALSE (32-bit); only those are supported");
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    const unsigned wanted = BYTES_TO_PAGES(max_mapping) + 1;
    const unsigned granted = m_cfg.map_registers ? std::min(wanted, m_cfg.map_registers) : wanted;
    if (granted > m_map_registers_free) return NDIS_STATUS_RESOURCES;
    m_map_registers_free -= granted;
    m_hal.enable_sg(dma64 == TRUE, max_mapping, granted);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisHost::api_allocate_map_registers(UCHAR dma_size, ULONG needed) {
    if (m_hal.sg_enabled()) {
        violation("map-registers-with-sgdma",
                  "NdisMAllocateMapRegisters after NdisMInitializeScatterGatherDma: map registers are the HAL's");
        return NDIS_STATUS_FAILURE;
    }
    if (!(m_attr_flags & NDIS_ATTRIBUTE_BUS_MASTER)) {
        violation("map-registers-not-bus-master", "NdisMAllocateMapRegisters by a miniport that is not a bus master");
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    if (m_map_registers_allocated) {
        violation("map-registers-twice", "NdisMAllocateMapRegisters called a second time");
        return NDIS_STATUS_FAILURE;
    }
    if (needed > m_map_registers_free) return NDIS_STATUS_RESOURCES;
    m_map_registers_free -= needed;
    m_map_registers_allocated = true;
    m_map_registers_held = needed;
    m_hal.set_device_limit(dma_size == NDIS_DMA_24BITS   ? 0x100'0000ull
                           : dma_size == NDIS_DMA_32BITS ? HalDma::k4G
                                                         : PageAllocator::kNoLimit);
    return NDIS_STATUS_SUCCESS;
}

void NdisHost::api_free_map_registers() {
    if (!m_map_registers_allocated) {
        violation("map-registers-not-allocated", "NdisMFreeMapRegisters without NdisMAllocateMapRegisters");
        return;
    }
    m_map_registers_free += m_map_registers_held;
    m_map_registers_held = 0;
    m_map_registers_allocated = false;
}

void NdisHost::api_alloc_shared(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa) {
    if (va) *va = nullptr;
    if (pa) pa->QuadPart = 0;
    if (!va || !pa) {
        violation("shared-memory-args", "NdisMAllocateSharedMemory with a NULL output pointer");
        return;
    }
    if (!(m_attr_flags & NDIS_ATTRIBUTE_BUS_MASTER)) {
        violation("shared-memory-not-bus-master", "NdisMAllocateSharedMemory by a miniport that is not a bus master");
        return;
    }
    m_shared_allocated = true;
    void* v = nullptr;
    uint64_t phys = 0;
    if (!m_hal.alloc_shared(length, m_cfg.shared_placement, v, phys)) return;  // documented: *va stays NULL
    *va = v;
    pa->QuadPart = static_cast<LONGLONG>(phys);
}

void NdisHost::api_free_shared(ULONG length, PVOID va, NDIS_PHYSICAL_ADDRESS pa) {
    if (!m_hal.free_shared(va, length, static_cast<uint64_t>(pa.QuadPart)))
        violation("shared-memory-free", "NdisMFreeSharedMemory(" + std::to_string(length) + " bytes at phys " +
                                            hex(static_cast<uint64_t>(pa.QuadPart)) +
                                            ") does not match a live allocation");
}

// ---------------------------------------------------------------- PCI configuration and resources

ULONG NdisHost::api_pci_read(ULONG offset, PVOID buffer, ULONG length) {
    if (offset >= kConfigSpace) return 0;
    length = std::min<ULONG>(length, kConfigSpace - offset);
    auto* out = static_cast<uint8_t*>(buffer);
    ULONG done = 0;
    while (done < length) {
        const ULONG off = offset + done, left = length - done;
        const unsigned size = (off % 4 == 0 && left >= 4) ? 4 : (off % 2 == 0 && left >= 2) ? 2 : 1;
        const uint32_t v = m_platform.config_read(m_cfg.pci_device, off, size);
        for (unsigned i = 0; i < size; ++i) out[done + i] = static_cast<uint8_t>(v >> (8 * i));
        done += size;
    }
    return done;
}

ULONG NdisHost::api_pci_write(ULONG offset, const void* buffer, ULONG length) {
    if (offset >= kConfigSpace) return 0;
    length = std::min<ULONG>(length, kConfigSpace - offset);
    const auto* in = static_cast<const uint8_t*>(buffer);
    ULONG done = 0;
    while (done < length) {
        const ULONG off = offset + done, left = length - done;
        const unsigned size = (off % 4 == 0 && left >= 4) ? 4 : (off % 2 == 0 && left >= 2) ? 2 : 1;
        uint32_t v = 0;
        for (unsigned i = 0; i < size; ++i) v |= uint32_t{in[done + i]} << (8 * i);
        m_platform.config_write(m_cfg.pci_device, off, size, v);
        done += size;
    }
    return done;
}

NDIS_STATUS NdisHost::api_query_resources(PNDIS_RESOURCE_LIST list, PUINT size) {
    if (!size) return NDIS_STATUS_FAILURE;
    std::vector<CM_PARTIAL_RESOURCE_DESCRIPTOR> d;
    for (const Bar& b : probe_bars(m_platform, m_cfg.pci_device)) {
        if (b.base == 0) continue;  // unassigned: not a resource
        CM_PARTIAL_RESOURCE_DESCRIPTOR r{};
        r.ShareDisposition = CmResourceShareDeviceExclusive;
        if (b.io) {
            r.Type = CmResourceTypePort;
            r.Flags = CM_RESOURCE_PORT_IO;
            r.u.Port.Start.QuadPart = static_cast<LONGLONG>(b.base);
            r.u.Port.Length = static_cast<ULONG>(b.size);
        } else {
            r.Type = CmResourceTypeMemory;
            r.Flags = b.prefetch ? CM_RESOURCE_MEMORY_PREFETCHABLE : CM_RESOURCE_MEMORY_READ_WRITE;
            r.u.Memory.Start.QuadPart = static_cast<LONGLONG>(b.base);
            r.u.Memory.Length = static_cast<ULONG>(b.size);
        }
        d.push_back(r);
    }
    if (m_platform.config_read(m_cfg.pci_device, kCfgIntPin, 1) != 0) {
        CM_PARTIAL_RESOURCE_DESCRIPTOR r{};
        r.Type = CmResourceTypeInterrupt;
        r.ShareDisposition = CmResourceShareShared;
        r.Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
        r.u.Interrupt.Level = r.u.Interrupt.Vector = m_platform.config_read(m_cfg.pci_device, kCfgIntLine, 1);
        r.u.Interrupt.Affinity = 1;
        d.push_back(r);
    }
    const size_t need = offsetof(NDIS_RESOURCE_LIST, PartialDescriptors) +
                        std::max<size_t>(d.size(), 1) * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
    if (!list || *size < need) {
        *size = static_cast<UINT>(need);
        return NDIS_STATUS_RESOURCES;
    }
    list->Version = 1;
    list->Revision = 1;
    list->Count = static_cast<ULONG>(d.size());
    for (size_t i = 0; i < d.size(); ++i) list->PartialDescriptors[i] = d[i];
    *size = static_cast<UINT>(need);
    return NDIS_STATUS_SUCCESS;
}

// ---------------------------------------------------------------- registers and ports

NDIS_STATUS NdisHost::api_map_io(PVOID* va, uint64_t phys, UINT length) {
    if (!va) return NDIS_STATUS_FAILURE;
    *va = nullptr;
    if (length == 0) return NDIS_STATUS_FAILURE;
    const size_t len = (length + kPage - 1) / kPage * kPage;
    // A reserved, inaccessible range: unique addresses, and a driver that dereferences one faults at once.
    void* p = mmap(nullptr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NDIS_STATUS_RESOURCES;
    m_mmio.push_back(MmioMap{reinterpret_cast<uintptr_t>(p), phys, len});
    *va = p;
    return NDIS_STATUS_SUCCESS;
}

void NdisHost::api_unmap_io(PVOID va, UINT length) {
    auto it = std::find_if(m_mmio.begin(), m_mmio.end(),
                           [&](const MmioMap& m) { return m.va == reinterpret_cast<uintptr_t>(va); });
    if (it == m_mmio.end()) {
        violation("unmap-io", "NdisMUnmapIoSpace of an address NdisMMapIoSpace did not return");
        return;
    }
    munmap(reinterpret_cast<void*>(it->va), it->length);
    m_mmio.erase(it);
}

uint32_t NdisHost::api_register_read(const volatile void* reg, unsigned size) {
    const auto a = reinterpret_cast<uintptr_t>(reg);
    for (const MmioMap& m : m_mmio)
        if (a >= m.va && a + size <= m.va + m.length) {
            if (a % size) violation("register-unaligned", "unaligned " + std::to_string(size) + "-byte register read");
            return m_platform.mmio_read(m.phys + (a - m.va), size);
        }
    violation("register-unmapped", "register read at an address NdisMMapIoSpace did not map");
    return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}

void NdisHost::api_register_write(volatile void* reg, unsigned size, uint32_t value) {
    const auto a = reinterpret_cast<uintptr_t>(reg);
    for (const MmioMap& m : m_mmio)
        if (a >= m.va && a + size <= m.va + m.length) {
            if (a % size) violation("register-unaligned", "unaligned " + std::to_string(size) + "-byte register write");
            m_platform.mmio_write(m.phys + (a - m.va), size, value);
            return;
        }
    violation("register-unmapped", "register write at an address NdisMMapIoSpace did not map");
}

NDIS_STATUS NdisHost::api_register_ports(PVOID* offset, UINT first, UINT count) {
    if (!offset || count == 0) return NDIS_STATUS_FAILURE;
    m_ports.push_back(PortRange{first, count});
    *offset = reinterpret_cast<PVOID>(static_cast<uintptr_t>(first));  // x86: the port number itself
    return NDIS_STATUS_SUCCESS;
}

void NdisHost::api_deregister_ports(UINT first, UINT count) {
    auto it = std::find_if(m_ports.begin(), m_ports.end(),
                           [&](const PortRange& r) { return r.first == first && r.count == count; });
    if (it == m_ports.end()) {
        violation("deregister-ports", "NdisMDeregisterIoPortRange of a range that was not registered");
        return;
    }
    m_ports.erase(it);
}

uint32_t NdisHost::api_port_read(uintptr_t port, unsigned size) {
    for (const PortRange& r : m_ports)
        if (port >= r.first && port + size <= uint64_t{r.first} + r.count)
            return m_platform.io_read(static_cast<uint32_t>(port), size);
    violation("port-unregistered", "port read at " + hex(port) + " outside NdisMRegisterIoPortRange ranges");
    return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}

void NdisHost::api_port_write(uintptr_t port, unsigned size, uint32_t value) {
    for (const PortRange& r : m_ports)
        if (port >= r.first && port + size <= uint64_t{r.first} + r.count) {
            m_platform.io_write(static_cast<uint32_t>(port), size, value);
            return;
        }
    violation("port-unregistered", "port write at " + hex(port) + " outside NdisMRegisterIoPortRange ranges");
}

// ---------------------------------------------------------------- interrupts and timers

NDIS_STATUS NdisHost::api_register_interrupt(PNDIS_MINIPORT_INTERRUPT intr, BOOLEAN request_isr, BOOLEAN shared) {
    if (!intr) return NDIS_STATUS_FAILURE;
    if (m_interrupt) {
        violation("interrupt-twice", "NdisMRegisterInterrupt while an interrupt is registered");
        return NDIS_STATUS_RESOURCE_CONFLICT;
    }
    if (!m_chars.HandleInterruptHandler || (request_isr && !m_chars.ISRHandler)) {
        violation("interrupt-handlers", "NdisMRegisterInterrupt without MiniportHandleInterrupt/MiniportISR");
        return NDIS_STATUS_FAILURE;
    }
    std::memset(intr, 0, sizeof *intr);
    intr->InterruptObject = this;
    intr->MiniportIsr = m_chars.ISRHandler;
    intr->MiniportDpc = m_chars.HandleInterruptHandler;
    intr->Miniport = this;
    intr->SharedInterrupt = shared;
    intr->IsrRequested = request_isr;
    m_interrupt = intr;
    m_platform.connect_interrupt(m_cfg.pci_device, &NdisHost::isr_trampoline, this);
    return NDIS_STATUS_SUCCESS;
}

void NdisHost::api_deregister_interrupt(PNDIS_MINIPORT_INTERRUPT intr) {
    if (!m_interrupt || intr != m_interrupt) {
        violation("deregister-interrupt", "NdisMDeregisterInterrupt of an interrupt that is not registered");
        return;
    }
    m_platform.connect_interrupt(m_cfg.pci_device, nullptr, nullptr);
    m_interrupt = nullptr;
}

BOOLEAN NdisHost::api_synchronize(PNDIS_MINIPORT_INTERRUPT intr, PVOID fn, PVOID ctx) {
    if (!fn) return FALSE;
    // Single CPU, the ISR never runs while driver code runs: the call is already synchronized.
    (void)intr;
    ++m_at_dirql;
    const BOOLEAN r = reinterpret_cast<PNDIS_SYNCHRONIZE_ROUTINE>(fn)(ctx);
    --m_at_dirql;
    return r;
}

void NdisHost::isr_trampoline(void* ctx) {
    NdisHost* host = static_cast<NdisHost*>(ctx);
    NdisHost* const was = s_current;
    host->make_current();
    host->interrupt();
    s_current = was;
}

void NdisHost::interrupt() {
    if (!m_interrupt) return;
    ++m_isr_count;
    BOOLEAN recognized = FALSE, queue = FALSE;
    ++m_at_dirql;
    const SendCall interrupted = std::exchange(m_calling, SendCall{});  // a fault in the ISR is the ISR's
    if (m_interrupt->IsrRequested) {
        m_chars.ISRHandler(&recognized, &queue, m_context);
    } else {
        if (m_chars.DisableInterruptHandler) m_chars.DisableInterruptHandler(m_context);
        recognized = queue = TRUE;
    }
    m_calling = interrupted;
    --m_at_dirql;
    if (!recognized) ++m_unclaimed;
    if (!queue) return;
    m_dpc_pending = true;
    // The ISR preempts anything; the DPC waits until the CPU drops below DISPATCH_LEVEL (no miniport handler that
    // runs at DISPATCH on the stack, no spin lock held).
    if (irql() == PASSIVE_LEVEL) run_pending_dpc();
}

void NdisHost::run_pending_dpc() {
    if (m_in_isr) return;  // the running DPC loop picks it up
    m_in_isr = true;
    while (m_dpc_pending && m_interrupt) {
        m_dpc_pending = false;
        ++m_dpc_count;
        ++m_dispatch_depth;
        m_chars.HandleInterruptHandler(m_context);
        if (m_interrupt && !m_interrupt->IsrRequested && m_chars.EnableInterruptHandler)
            m_chars.EnableInterruptHandler(m_context);
        --m_dispatch_depth;
    }
    m_in_isr = false;
    flush_returns();
    if (m_pump_pending && !miniport_busy()) pump_sends();
}

void NdisHost::leave_dispatch() {
    --m_dispatch_depth;
    if (m_dpc_pending && irql() == PASSIVE_LEVEL) run_pending_dpc();
    if (m_pump_pending && !miniport_busy()) pump_sends();
}

bool NdisHost::irql_violation(const char* function, KIRQL now, KIRQL max_irql, KIRQL min_irql) {
    auto name = [](KIRQL l) -> std::string {
        if (l == PASSIVE_LEVEL) return "PASSIVE_LEVEL";
        if (l == DISPATCH_LEVEL) return "DISPATCH_LEVEL";
        return "DIRQL (" + std::to_string(l) + ")";
    };
    const std::string rule = min_irql == max_irql ? "requires " + name(max_irql) : "requires IRQL <= " + name(max_irql);
    violation("irql", std::string(function) + " called at " + name(now) + "; " + rule);
    return false;
}

KIRQL NdisHost::api_raise_irql(KIRQL new_irql) {
    const KIRQL old = irql();
    if (new_irql < old) {
        violation("irql", "KeRaiseIrql to a lower IRQL than the current one");
        return old;
    }
    if (new_irql >= DISPATCH_LEVEL) ++m_raised;
    return old;
}

void NdisHost::api_lower_irql(KIRQL new_irql) {
    if (new_irql > irql()) {
        violation("irql", "KeLowerIrql to a higher IRQL than the current one");
        return;
    }
    if (new_irql < DISPATCH_LEVEL && m_raised) --m_raised;
    if (m_dpc_pending && irql() == PASSIVE_LEVEL) run_pending_dpc();
}

void NdisHost::api_debug_print(const std::string& text) {
    for (char c : text) {
        if (m_debug_partial.empty()) m_debug_partial_ns = m_platform.now_ns();
        if (c != '\n') {
            m_debug_partial += c;
            continue;
        }
        m_debug_lines.push_back(m_debug_partial);
        if (m_debug_sink)
            m_debug_sink(m_debug_partial_ns, m_debug_partial);
        else
            std::printf("%.3f us DbgPrint: %s\n", static_cast<double>(m_debug_partial_ns) / 1000.0,
                        m_debug_partial.c_str());
        m_debug_partial.clear();
    }
}

void NdisHost::api_init_timer(PNDIS_MINIPORT_TIMER t, PNDIS_TIMER_FUNCTION fn, PVOID ctx) {
    if (!t) return;
    m_timers.push_back(std::make_unique<TimerRec>(TimerRec{t, 0, 0, false}));
    t->TimerObject = m_timers.back().get();
    t->MiniportTimerFunction = fn;
    t->MiniportTimerContext = ctx;
    t->Miniport = this;
}

void NdisHost::api_set_timer(PNDIS_MINIPORT_TIMER t, UINT ms, bool periodic) {
    auto it = std::find_if(m_timers.begin(), m_timers.end(),
                           [&](const std::unique_ptr<TimerRec>& r) { return r->timer == t; });
    if (!t || it == m_timers.end()) {
        violation("timer-uninitialized", "NdisMSetTimer on a timer NdisMInitializeTimer did not set up");
        return;
    }
    (*it)->due_ns = m_platform.now_ns() + uint64_t{ms} * 1'000'000;
    (*it)->period_ns = periodic ? std::max<uint64_t>(uint64_t{ms} * 1'000'000, 1) : 0;
    (*it)->armed = true;
}

BOOLEAN NdisHost::api_cancel_timer(PNDIS_MINIPORT_TIMER t) {
    for (auto& r : m_timers)
        if (r->timer == t) {
            const bool was = r->armed;
            r->armed = false;
            return was ? TRUE : FALSE;
        }
    return FALSE;
}

void NdisHost::fire_due_timers() {
    const uint64_t now = m_platform.now_ns();
    for (size_t i = 0; i < m_timers.size(); ++i) {
        TimerRec& r = *m_timers[i];
        if (!r.armed || r.due_ns > now) continue;
        if (r.period_ns)
            r.due_ns += r.period_ns;
        else
            r.armed = false;
        ++m_dispatch_depth;
        r.timer->MiniportTimerFunction(nullptr, r.timer->MiniportTimerContext, nullptr, nullptr);
        leave_dispatch();
    }
}

void NdisHost::run(uint64_t ns, bool until_work) {
    make_current();
    const uint64_t end = m_platform.now_ns() + ns;
    const bool hang_checks = m_chars.CheckForHangHandler != nullptr;
    // What the protocol had when it began to wait: anything more wakes it.
    struct Waiter {
        const NdisHost* host;
        size_t results, frames;
        static bool woken(void* ctx) {
            const Waiter& w = *static_cast<const Waiter*>(ctx);
            return w.host->protocol_work_since(w.results, w.frames);
        }
    } waiter{this, m_send_results.size(), m_received.size()};
    for (;;) {
        fire_due_timers();
        if (hang_checks && m_running && m_platform.now_ns() >= m_next_hang_ns) {
            // NDIS's watchdog: MiniportCheckForHang every CheckForHangTimeInSeconds, a reset when it says hung.
            m_next_hang_ns += m_hang_period_ns;
            ++m_hang_checks;
            if (check_for_hang()) {
                const uint64_t start = m_platform.now_ns();
                ++m_hang_resets;
                reset();
                if (!m_hang_reset_start_ns) {
                    m_hang_reset_start_ns = start;
                    m_hang_reset_end_ns = m_platform.now_ns();
                }
            }
        }
        flush_returns();
        const uint64_t now = m_platform.now_ns();
        if (now >= end || (until_work && Waiter::woken(&waiter))) break;
        uint64_t next = end;
        if (hang_checks && m_running) next = std::min(next, std::max(m_next_hang_ns, now + 1));
        for (const auto& r : m_timers)
            if (r->armed) next = std::min(next, std::max(r->due_ns, now + 1));
        if (until_work)
            m_platform.wait_ns(next - now, &Waiter::woken, &waiter);
        else
            m_platform.stall_ns(next - now);
    }
}

// ---------------------------------------------------------------- sends

uint64_t NdisHost::send(const std::vector<uint8_t>& frame, const SendLayout& layout) {
    make_current();
    std::vector<ReadySend> ready = std::move(m_ready_spare);
    ready.clear();
    const uint64_t id = prepare_send(frame, layout, ready);
    dispatch_sends(ready);
    m_ready_spare = std::move(ready);
    flush_returns();
    return id;
}

std::vector<uint64_t> NdisHost::send(const std::vector<std::vector<uint8_t>>& frames, const SendLayout& layout) {
    make_current();
    std::vector<uint64_t> ids;
    std::vector<ReadySend> ready = std::move(m_ready_spare);
    ready.clear();
    for (const std::vector<uint8_t>& frame : frames) ids.push_back(prepare_send(frame, layout, ready));
    dispatch_sends(ready);
    m_ready_spare = std::move(ready);
    flush_returns();
    return ids;
}

uint64_t NdisHost::prepare_send(const std::vector<uint8_t>& frame, const SendLayout& layout,
                                std::vector<ReadySend>& ready) {
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    if (!m_packet_pool) NdisAllocatePacketPool(&st, &m_packet_pool, 4096, 16);
    if (!m_buffer_pool) NdisAllocateBufferPool(&st, &m_buffer_pool, 65536);
    const uint64_t id = m_next_send_id++;
    if (!m_running) {
        m_send_results.push_back(SendResult{id, NDIS_STATUS_ADAPTER_NOT_READY, 0});
        return id;
    }
    PNDIS_PACKET pkt = nullptr;
    NdisAllocatePacket(&st, &pkt, m_packet_pool);
    if (st != NDIS_STATUS_SUCCESS) {
        m_send_results.push_back(SendResult{id, NDIS_STATUS_RESOURCES, 0});
        return id;
    }
    m_sends.push_back(take_send_record(id, pkt));
    if (!chain_send_buffers(m_sends.back(), frame, layout)) {
        release_send(m_sends.size() - 1, NDIS_STATUS_RESOURCES);
        return id;
    }
    NDIS_PER_PACKET_INFO_FROM_PACKET(pkt, TcpLargeSendPacketInfo) =
        reinterpret_cast<PVOID>(static_cast<uintptr_t>(layout.lso_mss));
    NDIS_PER_PACKET_INFO_FROM_PACKET(pkt, TcpIpChecksumPacketInfo) =
        reinterpret_cast<PVOID>(static_cast<uintptr_t>(layout.checksum_info));
    NDIS_SET_PACKET_CANCEL_ID(pkt, reinterpret_cast<PVOID>(static_cast<uintptr_t>(id)));
    NDIS_SET_PACKET_STATUS(pkt, NDIS_STATUS_PENDING);
    if (m_hal.sg_enabled()) {
        const NDIS_STATUS sg = m_hal.get_sg_list(pkt);
        if (sg != NDIS_STATUS_SUCCESS) {
            release_send(m_sends.size() - 1, sg);
            return id;
        }
    }
    ready.push_back(ReadySend{id, pkt});
    return id;
}

bool NdisHost::chain_send_buffers(SendRecord& rec, const std::vector<uint8_t>& frame, const SendLayout& layout) {
    const Placement placement = layout.override_placement ? layout.placement : m_cfg.buffer_placement;
    // Buffer sizes: the layout's, the last buffer taking whatever is left.
    std::vector<size_t>& sizes = m_send_sizes;
    sizes.clear();
    size_t left = frame.size();
    for (uint32_t f : layout.fragments) {
        const size_t n = std::min<size_t>(f, left);
        sizes.push_back(n);
        left -= n;
    }
    if (left || sizes.empty()) sizes.push_back(left);
    const uint32_t page_offset = layout.page_offset % kPage;
    size_t pos = 0;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    for (size_t len : sizes) {
        const size_t span = std::max<size_t>((page_offset + len + kPage - 1) / kPage, 1);
        const size_t first_page = rec.phys.size();
        uint8_t* host = take_send_pages(span);
        if (!host || !m_pages.alloc_pages(span, placement, PageAllocator::kNoLimit, rec.phys)) {
            if (host) m_spare_send_pages.emplace_back(host, span);
            return false;
        }
        if (len) std::memcpy(host + page_offset, frame.data() + pos, len);
        pos += len;
        m_hal.register_pages(host, rec.phys.data() + first_page, span);
        rec.memory.emplace_back(host, span);
        PNDIS_BUFFER buf = nullptr;
        NdisAllocateBuffer(&st, &buf, m_buffer_pool, host + page_offset, static_cast<UINT>(len));
        if (st != NDIS_STATUS_SUCCESS) {
            std::memset(host + page_offset, 0, len);  // no buffer in the chain to clear it at release
            return false;
        }
        NdisChainBufferAtBack(rec.packet, buf);
    }
    return true;
}

NdisHost::SendCall NdisHost::describe_send_call(const char* handler, const PNDIS_PACKET* packets, size_t n) {
    SendCall c;
    c.handler = handler;
    c.packets = n;
    c.buf_lo = c.sg_lo = ~0u;
    for (size_t i = 0; i < n; ++i) {
        // The count as NdisQueryPacket gives it, without the call while the packet's counts are valid.
        UINT buffers = packets[i]->Private.Count;
        if (!packets[i]->Private.ValidCounts) NdisQueryPacket(packets[i], nullptr, &buffers, nullptr, nullptr);
        const auto* sg = static_cast<const SCATTER_GATHER_LIST*>(
            NDIS_PER_PACKET_INFO_FROM_PACKET(packets[i], ScatterGatherListPacketInfo));
        const UINT elements = sg ? static_cast<UINT>(sg->NumberOfElements) : 0;
        c.buf_lo = std::min(c.buf_lo, buffers);
        c.buf_hi = std::max(c.buf_hi, buffers);
        c.sg_lo = std::min(c.sg_lo, elements);
        c.sg_hi = std::max(c.sg_hi, elements);
    }
    return c;
}

std::string NdisHost::SendCall::text() const {
    auto range = [](UINT lo, UINT hi) {
        return lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
    };
    const std::string what = packets == 1 ? "the packet had " : std::to_string(packets) + " packets had ";
    return std::string("in ") + handler + "; " + what + range(buf_lo, buf_hi) + " buffers, " + range(sg_lo, sg_hi) +
           " scatter-gather elements";
}

void NdisHost::dispatch_sends(const std::vector<ReadySend>& ready) {
    if (ready.empty()) return;
    if (!(m_attr_flags & NDIS_ATTRIBUTE_DESERIALIZE)) {
        // Serialized: NDIS owns the queue; packets wait behind those already waiting.
        for (const ReadySend& r : ready) m_send_queue.push_back(r.id);
        pump_sends();
        return;
    }
    if (m_chars.MajorNdisVersion < 4 || !m_chars.SendPacketsHandler) {
        for (const ReadySend& r : ready) {
            const uint64_t id = r.id;
            auto it = find_send(id);
            if (it == m_sends.end()) continue;
            ++m_dispatch_depth;
            m_calling = describe_send_call("MiniportSend", &it->packet, 1);
            const NDIS_STATUS st = m_chars.SendHandler(m_context, it->packet, 0);
            m_calling = SendCall{};
            leave_dispatch();
            it = find_send(id);
            if (it != m_sends.end() && st != NDIS_STATUS_PENDING)
                release_send(static_cast<size_t>(it - m_sends.begin()), st);
        }
        return;
    }
    // At most OID_GEN_MAXIMUM_SEND_PACKETS packets per call.
    const size_t limit = send_packets_limit();
    std::vector<PNDIS_PACKET> array = std::move(m_array_spare);
    for (size_t first = 0; first < ready.size(); first += limit) {
        array.clear();
        for (size_t i = first; i < ready.size() && i - first < limit; ++i) array.push_back(ready[i].packet);
        ++m_dispatch_depth;  // a deserialized miniport's MiniportSendPackets runs at DISPATCH_LEVEL
        m_calling = describe_send_call("MiniportSendPackets", array.data(), array.size());
        m_chars.SendPacketsHandler(m_context, array.data(), static_cast<UINT>(array.size()));
        m_calling = SendCall{};
        leave_dispatch();
    }
    m_array_spare = std::move(array);
    // every packet comes back through NdisMSendComplete
}

NdisHost::SendRecords::iterator NdisHost::find_send(uint64_t id) {
    // Records are appended with rising ids and leave without reordering the rest: m_sends is sorted by id. The
    // id looked up is mostly one just appended (a send being handed to the miniport): look at the last few first.
    constexpr size_t kNearBack = 4;
    for (size_t k = 1; k <= std::min(m_sends.size(), kNearBack); ++k) {
        const uint64_t at = m_sends[m_sends.size() - k].id;
        if (at == id) return m_sends.end() - static_cast<std::ptrdiff_t>(k);
        if (at < id) return m_sends.end();
    }
    auto it =
        std::lower_bound(m_sends.begin(), m_sends.end(), id, [](const SendRecord& r, uint64_t v) { return r.id < v; });
    return it != m_sends.end() && it->id == id ? it : m_sends.end();
}

NdisHost::SendRecord NdisHost::take_send_record(uint64_t id, PNDIS_PACKET packet) {
    SendRecord rec;
    if (!m_spare_records.empty()) {
        rec = std::move(m_spare_records.back());
        m_spare_records.pop_back();
    }
    rec.id = id;
    rec.packet = packet;
    rec.completed = false;
    return rec;
}

/// Zeroed, page-aligned host memory of `span` pages: a finished send's, or new.
uint8_t* NdisHost::take_send_pages(size_t span) {
    for (size_t i = m_spare_send_pages.size(); i-- > 0;) {
        if (m_spare_send_pages[i].second != span) continue;
        uint8_t* host = m_spare_send_pages[i].first;
        m_spare_send_pages[i] = m_spare_send_pages.back();
        m_spare_send_pages.pop_back();
        return host;
    }
    auto* host = static_cast<uint8_t*>(std::aligned_alloc(kPage, span * kPage));
    if (host) std::memset(host, 0, span * kPage);
    return host;
}

bool NdisHost::miniport_busy() const {
    return m_dispatch_depth || m_at_dirql || m_in_initialize || m_pumping;
}

void NdisHost::pump_sends() {
    if (miniport_busy()) {
        m_pump_pending = true;  // NDIS calls a serialized miniport only once its current handler has returned
        return;
    }
    m_pump_pending = false;
    m_pumping = true;
    const bool has_packets = m_chars.MajorNdisVersion >= 4 && m_chars.SendPacketsHandler;
    while (!m_send_blocked && !m_send_queue.empty() && m_running) {
        if (has_packets)
            send_queued_packets();
        else
            send_queued_one();
    }
    m_pumping = false;
}

// MiniportSend with the packet at the head of the queue. RESOURCES: it stays at the head and NDIS hands over
// nothing more until a send completes or the miniport calls NdisMSendResourcesAvailable.
void NdisHost::send_queued_one() {
    const uint64_t id = m_send_queue.front();
    m_send_queue.erase(m_send_queue.begin());
    auto it = find_send(id);
    if (it == m_sends.end()) return;
    ++m_dispatch_depth;
    m_calling = describe_send_call("MiniportSend", &it->packet, 1);
    const NDIS_STATUS st = m_chars.SendHandler(m_context, it->packet, 0);
    m_calling = SendCall{};
    leave_dispatch();
    it = find_send(id);
    if (it == m_sends.end() || st == NDIS_STATUS_PENDING) return;
    if (st == NDIS_STATUS_RESOURCES) {
        ++m_send_resources_refusals;
        m_send_queue.insert(m_send_queue.begin(), id);
        m_send_blocked = true;
        return;
    }
    release_send(static_cast<size_t>(it - m_sends.begin()), st);
}

// MiniportSendPackets with the head of the queue; each packet's status says what became of it. From the first one
// refused with RESOURCES on, the packets go back to the head of the queue in order.
void NdisHost::send_queued_packets() {
    // The head of the queue, at most OID_GEN_MAXIMUM_SEND_PACKETS packets.
    const size_t n = std::min(m_send_queue.size(), send_packets_limit());
    std::vector<uint64_t> ids(m_send_queue.begin(), m_send_queue.begin() + static_cast<std::ptrdiff_t>(n));
    m_send_queue.erase(m_send_queue.begin(), m_send_queue.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<PNDIS_PACKET> array;
    for (uint64_t id : ids) array.push_back(find_send(id)->packet);
    ++m_dispatch_depth;
    m_calling = describe_send_call("MiniportSendPackets", array.data(), array.size());
    m_chars.SendPacketsHandler(m_context, array.data(), static_cast<UINT>(array.size()));
    m_calling = SendCall{};
    leave_dispatch();
    std::vector<uint64_t> back;
    for (uint64_t id : ids) {
        auto it = find_send(id);
        if (it == m_sends.end() || it->completed) continue;
        const NDIS_STATUS st = NDIS_GET_PACKET_STATUS(it->packet);
        if (!back.empty() || st == NDIS_STATUS_RESOURCES)
            back.push_back(id);
        else if (st != NDIS_STATUS_PENDING)
            release_send(static_cast<size_t>(it - m_sends.begin()), st);
    }
    if (back.empty()) return;
    ++m_send_resources_refusals;
    m_send_queue.insert(m_send_queue.begin(), back.begin(), back.end());
    m_send_blocked = true;
}

void NdisHost::api_send_complete(PNDIS_PACKET packet, NDIS_STATUS status) {
    const size_t index = send_index(packet);
    if (!packet || index == m_sends.size()) {
        violation("send-complete-unknown", "NdisMSendComplete of a packet that is not an outstanding send");
        return;
    }
    if (status == NDIS_STATUS_PENDING) {
        violation("send-complete-pending", "NdisMSendComplete with NDIS_STATUS_PENDING");
        status = NDIS_STATUS_FAILURE;
    }
    release_send(index, status);
    // A serialized miniport's completion frees room: the queue moves again once the current handler returned.
    if (!(m_attr_flags & NDIS_ATTRIBUTE_DESERIALIZE)) {
        m_send_blocked = false;
        pump_sends();
    }
}

void NdisHost::api_send_resources_available() {
    ++m_resources_available;
    m_send_blocked = false;
    pump_sends();
}

size_t NdisHost::send_index(PNDIS_PACKET packet) const {
    // The NIC sends in ring order: the oldest send completes first, before a search of the deque.
    if (!m_sends.empty() && m_sends.front().packet == packet) return 0;
    auto it = std::find_if(m_sends.begin(), m_sends.end(), [&](const SendRecord& r) { return r.packet == packet; });
    return static_cast<size_t>(it - m_sends.begin());
}

void NdisHost::release_send(size_t index, NDIS_STATUS status) {
    // Released in place (nothing below reaches m_sends), then its emptied vectors kept for the next send.
    SendRecord& rec = m_sends[index];
    PNDIS_PACKET pkt = rec.packet;
    const uintptr_t lso = reinterpret_cast<uintptr_t>(NDIS_PER_PACKET_INFO_FROM_PACKET(pkt, TcpLargeSendPacketInfo));
    m_hal.put_sg_list(pkt);
    // The chain walked, not unchained buffer by buffer: the packet is freed below, so its counts need not follow.
    for (PNDIS_BUFFER b = pkt->Private.Head; b;) {
        const PNDIS_BUFFER next = b->Next;
        std::memset(MmGetMdlVirtualAddress(b), 0, MmGetMdlByteCount(b));  // the spare pages are all zero again
        NdisFreeBuffer(b);
        b = next;
    }
    size_t page = 0;
    for (const auto& [host, span] : rec.memory) {
        m_hal.park_pages(host, span);  // the pages come back as spare send pages
        for (size_t i = 0; i < span; ++i) m_pages.free_page(rec.phys[page + i]);
        page += span;
        m_spare_send_pages.emplace_back(host, span);
    }
    NdisFreePacket(pkt);
    m_send_results.push_back(SendResult{rec.id, status, lso});
    rec.memory.clear();
    rec.phys.clear();
    m_spare_records.push_back(std::move(rec));
    if (index == 0)
        m_sends.pop_front();  // the usual case; a deque's general erase costs several times more
    else
        m_sends.erase(m_sends.begin() + static_cast<std::ptrdiff_t>(index));
}

void NdisHost::cancel_sends(PVOID cancel_id) {
    make_current();
    if (m_running && m_chars.MinorNdisVersion == 1 && m_chars.MajorNdisVersion == 5 &&
        m_chars.CancelSendPacketsHandler) {
        ++m_dispatch_depth;
        m_chars.CancelSendPacketsHandler(m_context, cancel_id);
        leave_dispatch();
    }
}

// ---------------------------------------------------------------- receives, status, requests

void NdisHost::api_indicate_packets(PPNDIS_PACKET packets, UINT count) {
    if (!packets) return;
    for (UINT i = 0; i < count; ++i) {
        PNDIS_PACKET p = packets[i];
        if (!p) {
            violation("indicate-null-packet", "NdisMIndicateReceivePacket with a NULL packet in the array");
            continue;
        }
        // Built in place, in a taken frame's storage when there is one.
        ReceivedFrame& f = m_received.emplace_back();
        if (!m_spare_bytes.empty()) {
            f.bytes = std::move(m_spare_bytes.back());
            f.bytes.clear();
            m_spare_bytes.pop_back();
        }
        f.via_packet = true;
        f.packet_status = NDIS_GET_PACKET_STATUS(p);
        for (PNDIS_BUFFER b = p->Private.Head; b; b = b->Next) {
            const auto* va = static_cast<const uint8_t*>(MmGetMdlVirtualAddress(b));
            if (va && b->ByteCount) f.bytes.insert(f.bytes.end(), va, va + b->ByteCount);
        }
        f.packet_size = static_cast<uint32_t>(f.bytes.size());
        f.ieee8021q = reinterpret_cast<uintptr_t>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, Ieee8021QInfo));
        if (NDIS_GET_PACKET_STATUS(p) == NDIS_STATUS_RESOURCES) continue;  // copied; the miniport keeps it
        if (!m_chars.ReturnPacketHandler) {
            violation("no-return-handler", "packet indicated by a miniport without MiniportReturnPacket");
            continue;
        }
        if (m_cfg.hold_received_packets)
            m_held.push_back(p);
        else
            m_to_return.push_back(p);
    }
}

void NdisHost::flush_returns() {
    if (m_to_return.empty() || m_flushing) return;
    m_flushing = true;
    // By position, in order (a packet queued meanwhile is appended and comes in turn), then all let go at once: a
    // DPC indicates dozens, and erasing each from the front moved the rest every time.
    for (size_t i = 0; i < m_to_return.size(); ++i) {
        PNDIS_PACKET p = m_to_return[i];
        ++m_dispatch_depth;
        m_chars.ReturnPacketHandler(m_context, p);
        leave_dispatch();
    }
    m_to_return.clear();
    m_flushing = false;
}

void NdisHost::return_received_packets() {
    make_current();
    m_to_return.insert(m_to_return.end(), m_held.begin(), m_held.end());
    m_held.clear();
    flush_returns();
}

void NdisHost::api_eth_indicate(NDIS_HANDLE receive_context, PVOID header, UINT header_size, PVOID lookahead,
                                UINT lookahead_size, UINT packet_size) {
    ReceivedFrame f{{}, false, NDIS_STATUS_SUCCESS, packet_size};
    if (header && header_size)
        f.bytes.insert(f.bytes.end(), static_cast<uint8_t*>(header), static_cast<uint8_t*>(header) + header_size);
    if (lookahead && lookahead_size)
        f.bytes.insert(f.bytes.end(), static_cast<uint8_t*>(lookahead),
                       static_cast<uint8_t*>(lookahead) + lookahead_size);
    if (packet_size > lookahead_size && m_chars.TransferDataHandler) {
        transfer_rest(receive_context, lookahead_size, std::move(f));
        return;
    }
    if (packet_size > lookahead_size)
        violation("no-transfer-data-handler", "NdisMEthIndicateReceive of " + std::to_string(lookahead_size) + " of " +
                                                  std::to_string(packet_size) +
                                                  " bytes by a miniport without MiniportTransferData");
    m_received.push_back(std::move(f));
}

// A protocol given less than the whole packet in the lookahead asks the miniport for the rest from inside the
// indication (NdisTransferData, which NDIS passes to MiniportTransferData), into a packet of its own; the frame
// reaches it when the transfer completes, and not at all when the transfer fails.
void NdisHost::transfer_rest(NDIS_HANDLE receive_context, UINT offset, ReceivedFrame&& f) {
    const UINT rest = f.packet_size - offset;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    if (!m_transfer_pool) NdisAllocatePacketPool(&st, &m_transfer_pool, kTransferPackets, 16);
    if (!m_buffer_pool) NdisAllocateBufferPool(&st, &m_buffer_pool, 65536);
    Transfer t{nullptr, std::make_unique<uint8_t[]>(rest), rest, std::move(f)};
    NdisAllocatePacket(&st, &t.packet, m_transfer_pool);
    PNDIS_BUFFER buf = nullptr;
    if (st == NDIS_STATUS_SUCCESS) NdisAllocateBuffer(&st, &buf, m_buffer_pool, t.data.get(), rest);
    if (st != NDIS_STATUS_SUCCESS) {  // out of packets: the protocol drops the frame, as it would on Windows
        if (t.packet) NdisFreePacket(t.packet);
        ++m_transfers_failed;
        return;
    }
    NdisChainBufferAtFront(t.packet, buf);
    m_transfers.push_back(std::move(t));
    UINT done = 0;
    PNDIS_PACKET pkt = m_transfers.back().packet;
    st = m_chars.TransferDataHandler(pkt, &done, m_context, receive_context, offset, rest);
    if (st != NDIS_STATUS_PENDING) api_transfer_data_complete(pkt, st, done);
}

void NdisHost::api_transfer_data_complete(PNDIS_PACKET packet, NDIS_STATUS status, UINT bytes) {
    const auto it = std::find_if(m_transfers.begin(), m_transfers.end(),
                                 [packet](const Transfer& t) { return t.packet == packet; });
    if (it == m_transfers.end()) {
        violation("transfer-complete-unexpected",
                  "NdisMTransferDataComplete for a packet no MiniportTransferData pends");
        return;
    }
    Transfer t = std::move(*it);
    m_transfers.erase(it);
    PNDIS_BUFFER buf = nullptr;
    NdisUnchainBufferAtFront(t.packet, &buf);
    if (buf) NdisFreeBuffer(buf);
    NdisFreePacket(t.packet);
    if (status != NDIS_STATUS_SUCCESS) {
        ++m_transfers_failed;
        return;
    }
    t.frame.bytes.insert(t.frame.bytes.end(), t.data.get(), t.data.get() + std::min(bytes, t.size));
    m_received.push_back(std::move(t.frame));
}

void NdisHost::api_indicate_status(NDIS_STATUS status, PVOID buffer, UINT size) {
    // NDIS keeps the media state the start queried up to date from the miniport's indications.
    if (status == NDIS_STATUS_MEDIA_CONNECT || status == NDIS_STATUS_MEDIA_DISCONNECT)
        m_info.media_connected = status == NDIS_STATUS_MEDIA_CONNECT;
    StatusIndication s{status, {}};
    if (buffer && size) s.buffer.assign(static_cast<uint8_t*>(buffer), static_cast<uint8_t*>(buffer) + size);
    m_status.push_back(std::move(s));
}

OidResult NdisHost::query_oid(NDIS_OID oid, ULONG buffer_length) {
    return query_oid(oid, buffer_length, {});
}

OidResult NdisHost::query_oid(NDIS_OID oid, ULONG buffer_length, const std::vector<uint8_t>& input) {
    make_current();
    OidResult r{NDIS_STATUS_ADAPTER_NOT_READY, 0, 0, std::vector<uint8_t>(buffer_length)};
    std::copy_n(input.begin(), std::min<size_t>(input.size(), buffer_length), r.data.begin());
    if (!m_running) return r;
    m_request_pending = true;
    ++m_dispatch_depth;
    r.status = m_chars.QueryInformationHandler(m_context, oid, buffer_length ? r.data.data() : nullptr, buffer_length,
                                               &r.bytes_done, &r.bytes_needed);
    leave_dispatch();
    if (r.status == NDIS_STATUS_PENDING) {
        if (!wait_until([this] { return !m_request_pending; })) {
            violation("request-timeout", "MiniportQueryInformation pended and never completed");
            r.status = NDIS_STATUS_FAILURE;
        } else {
            r.status = m_request_status;
        }
    }
    m_request_pending = false;
    flush_returns();
    return r;
}

OidResult NdisHost::set_oid(NDIS_OID oid, const std::vector<uint8_t>& data) {
    make_current();
    OidResult r{NDIS_STATUS_ADAPTER_NOT_READY, 0, 0, data};
    if (!m_running) return r;
    m_request_pending = true;
    ++m_dispatch_depth;
    r.status = m_chars.SetInformationHandler(m_context, oid, r.data.empty() ? nullptr : r.data.data(),
                                             static_cast<ULONG>(r.data.size()), &r.bytes_done, &r.bytes_needed);
    leave_dispatch();
    if (r.status == NDIS_STATUS_PENDING) {
        if (!wait_until([this] { return !m_request_pending; })) {
            violation("request-timeout", "MiniportSetInformation pended and never completed");
            r.status = NDIS_STATUS_FAILURE;
        } else {
            r.status = m_request_status;
        }
    }
    m_request_pending = false;
    m_oids_set.emplace_back(oid, r.status);
    flush_returns();
    return r;
}

void NdisHost::api_request_complete(NDIS_STATUS status) {
    if (!m_request_pending) {
        violation("request-complete-unexpected", "NdisM(Query|Set)InformationComplete without a pending request");
        return;
    }
    m_request_status = status;
    m_request_pending = false;
}

// ---------------------------------------------------------------- memory and configuration

NDIS_STATUS NdisHost::api_allocate_memory(PVOID* va, UINT length, UINT flags, uint64_t highest) {
    if (!va) return NDIS_STATUS_FAILURE;
    *va = nullptr;
    if (length == 0) return NDIS_STATUS_FAILURE;
    const size_t n = (length + kPage - 1) / kPage;
    const uint64_t limit = highest == ~0ull ? PageAllocator::kNoLimit : highest + 1;
    std::vector<uint64_t> phys;
    if (flags & NDIS_MEMORY_CONTIGUOUS) {
        uint64_t first = 0;
        if (!m_pages.alloc_contiguous(n, m_cfg.buffer_placement, limit, first)) return NDIS_STATUS_FAILURE;
        for (size_t i = 0; i < n; ++i) phys.push_back(first + i * kPage);
    } else if (!m_pages.alloc_pages(n, m_cfg.buffer_placement, limit, phys)) {
        return NDIS_STATUS_FAILURE;
    }
    auto* host = static_cast<uint8_t*>(std::aligned_alloc(kPage, n * kPage));
    if (!host) {
        for (uint64_t p : phys) m_pages.free_page(p);
        return NDIS_STATUS_FAILURE;
    }
    std::memset(host, 0, n * kPage);
    m_hal.register_pages(host, phys);
    m_memory.push_back(MemoryBlock{host, n, phys});
    *va = host;
    return NDIS_STATUS_SUCCESS;
}

void NdisHost::api_free_memory(PVOID va, UINT length) {
    auto it = std::find_if(m_memory.begin(), m_memory.end(), [&](const MemoryBlock& b) { return b.va == va; });
    if (it == m_memory.end()) {
        violation("free-memory", "NdisFreeMemory of an address NdisAllocateMemory did not return");
        return;
    }
    if ((length + kPage - 1) / kPage != it->pages)
        violation("free-memory", "NdisFreeMemory length " + std::to_string(length) + " does not match the allocation");
    m_hal.unregister_pages(it->va, it->pages);
    for (uint64_t p : it->phys) m_pages.free_page(p);
    std::free(it->va);
    m_memory.erase(it);
}

void NdisHost::set_config(const std::string& keyword, ULONG value) {
    for (auto& kv : m_registry)
        if (kv.first == keyword) {
            kv.second = value;
            return;
        }
    m_registry.emplace_back(keyword, value);
}

bool NdisHost::api_read_config(const std::string& keyword, ULONG& value) const {
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    for (const auto& kv : m_registry)
        if (lower(kv.first) == lower(keyword)) {  // registry value names are case-insensitive
            value = kv.second;
            return true;
        }
    return false;
}

}  // namespace nicsim::ndis
