// The DMA verifier: a TLM pass-through between the host bridge's device side and host memory that knows which
// physical ranges the driver stack has handed to the device (SG lists of packets in flight, shared memory, receive
// buffers). When enabled, a device access outside every window, or a write into a read-only window, is a violation:
// a "nicsim/host/verifier" warning naming address, length, master and direction; the write is dropped, a read
// returns zeros, and the transaction is answered with TLM_ADDRESS_ERROR_RESPONSE (the bridge target-aborts).
// Reads are checked at dword granularity (a PCI read always fetches whole dwords); writes byte by byte. While
// checking it grants DMI only inside one allowed window (read-only where the window is) and invalidates it when the
// window is revoked, so a bridge's DMI accesses are exactly those the check would pass.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include "model/common/direct_target_socket.h"

namespace nicsim::pci {
class PciBus;
}

namespace nicsim::host {

/// One access the verifier refused.
struct DmaViolation {
    uint64_t addr = 0;
    uint32_t len = 0;
    unsigned master = ~0u;  ///< bus master index (PciMasterExtension), ~0u when unknown
    bool write = false;
    bool read_only = false;  ///< a write that hit a read-only window (else: outside every window)
};

struct DmaVerifierStats {
    uint64_t checked = 0;     ///< accesses checked while enabled
    uint64_t passed = 0;      ///< accesses forwarded without a check (disabled)
    uint64_t violations = 0;  ///< accesses refused
    uint64_t allows = 0;      ///< allow() calls
    uint64_t revokes = 0;     ///< windows removed by revoke()
    uint64_t dmi_grants = 0;  ///< DMI regions handed out while checking (each inside one allowed window)
};

class DmaVerifier : public sc_core::sc_module {
  public:
    static constexpr size_t kKeptViolations = 64;  ///< violations remembered for inspection (all are counted)

    DirectTargetSocket<DmaVerifier> target;                     ///< from the host bridge (device DMA)
    tlm_utils::simple_initiator_socket<DmaVerifier> initiator;  ///< to host memory

    /// `bus` (optional) names masters in the warnings.
    explicit DmaVerifier(sc_core::sc_module_name name, const pci::PciBus* bus = nullptr);

    /// Checking on or off (off by default: bus-level tests move data anywhere). Enabling revokes upstream DMI.
    void enable(bool on);
    bool enabled() const { return m_enabled; }

    /// Hand the device [phys, phys+len); `what` names the window (a string that outlives it: a literal).
    void allow(uint64_t phys, uint64_t len, bool device_may_write, const char* what);
    /// Take back every window lying inside [phys, phys+len) (warns when there is none).
    void revoke(uint64_t phys, uint64_t len);
    size_t window_count() const { return m_windows.size(); }
    /// Would a device access of `len` bytes at `phys` pass (all bytes enabled)?
    bool permits(uint64_t phys, uint64_t len, bool write) const;

    uint64_t violations() const { return m_stats.violations; }
    const std::vector<DmaViolation>& recent_violations() const { return m_recent; }
    const DmaVerifierStats& stats() const { return m_stats; }

  private:
    friend class DirectTargetSocket<DmaVerifier>;

    struct Window {
        uint64_t end = 0;  // exclusive
        bool may_write = false;
        const char* what = "";
    };
    using Windows = std::multimap<uint64_t, Window>;

    bool covered(uint64_t start, uint64_t end, bool need_write) const;  // every byte of [start, end) in a window
    bool overlaps_any(uint64_t start, uint64_t end) const;
    /// 0 = allowed, 1 = outside every window, 2 = write into read-only memory.
    [[gnu::always_inline]] inline int check(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len);
    /// The access lies in the remembered window or a clean one: it passes (and that window is remembered).
    [[gnu::always_inline]] inline bool quick_pass(uint64_t a, uint32_t len, bool write);
    /// check() of an access quick_pass() did not pass: the search, then the windows byte by byte.
    int check_rest(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len);
    int check_windows(uint64_t a, uint32_t len, bool write, const uint8_t* be, uint32_t be_len) const;
    /// The first window the backward search from `start` finds holding all of [start, end) (writable if `write`),
    /// or m_windows.end() when no single window does (the access may still pass through several).
    Windows::const_iterator find_holding(uint64_t start, uint64_t end, bool write) const;
    /// Remember the window find_holding() finds for check()'s fast path; false when there is none.
    bool remember_window(uint64_t start, uint64_t end, bool write);
    /// As remember_window from the clean windows alone (see m_clean); false when none holds the access.
    bool remember_clean(uint64_t start, uint64_t end, bool write);
    /// Keeps the window at `it` among the clean ones, in the slot of address `at`, if no other window starts
    /// inside it.
    void note_if_clean(Windows::const_iterator it, uint64_t at);
    /// Forgets the clean windows that allowing the window at `it`, or revoke(start, end), could change.
    void unclean_allowed(Windows::const_iterator it);
    void unclean_revoked(uint64_t start, uint64_t end);
    /// Empties the slots of the pages of [start, end) that hold a window lying inside [start, end).
    void forget_clean(uint64_t start, uint64_t end);
    static size_t clean_slot(uint64_t a) { return static_cast<size_t>((a >> 12) % kCleanSlots); }
    /// A clean-window answer disagrees with the search's (NICSIM_CHECK_DMA_CACHES builds only).
    [[noreturn]] static void clean_stale(uint64_t a, uint32_t len);
    /// The remembered window holds all of [a, a+len) (and may be written, for a write).
    bool hit_holds(uint64_t a, uint64_t len, bool write) const;
    void report(uint64_t addr, uint32_t len, unsigned master, bool write, int why);

    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    /// b_transport of a plain access (DirectAccess), without the payload, and passed on to host memory the same way
    /// when its socket has a DirectAccess (else in a payload of its own).
    tlm::tlm_response_status direct_access(bool write, uint64_t addr, uint8_t* data, uint32_t len, unsigned master);
    // direct_access() of an access quick_pass() did not pass, out of line: direct_access() saves no registers for it.
    [[gnu::noinline]] tlm::tlm_response_status direct_checked(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                              unsigned master);
    tlm::tlm_response_status pass_on(bool write, uint64_t addr, uint8_t* data, uint32_t len, unsigned master) {
        if (m_down) return m_down->direct_access(write, addr, data, len, master);
        return pass_on_first(write, addr, data, len, master);
    }
    // Looks host memory's DirectAccess up at the first access, and passes an access on in a payload without one.
    [[gnu::noinline]] tlm::tlm_response_status pass_on_first(bool write, uint64_t addr, uint8_t* data, uint32_t len,
                                                             unsigned master);
    unsigned transport_dbg(tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    const pci::PciBus* m_bus;
    bool m_enabled = false;
    bool m_down_known = false;       // m_down was looked up (at the first direct access)
    DirectAccess* m_down = nullptr;  // host memory's DirectAccess, when the initiator socket reaches one
    // A DMI region was handed upstream since everything was last invalidated: until then no revoke (nor host
    // memory's map and unmap) needs to tell the upstream anything, and in the fast mode, which never asks for
    // DMI, each send's revoke saves that call.
    bool m_dmi_out = false;
    Windows m_windows;  // by start address
    // Nodes of revoked windows, reused by allow() (a window is allowed and revoked per send: no heap call each time).
    static constexpr size_t kSpareNodes = 64;
    std::vector<Windows::node_type> m_spare_nodes;
    uint64_t m_max_len = 0;    // longest window ever allowed: bounds the backward scan
    bool m_hit_valid = false;  // [m_hit_start, m_hit_end) is one allowed window (cleared by allow and revoke)
    bool m_hit_write = false;  // that window may be written
    uint64_t m_hit_start = 0;
    uint64_t m_hit_end = 0;
    // Clean windows: windows inside which no other window starts (nor at their start). An access a clean window
    // holds is decided by it, and it is the window remember_window's search would find: any window found before
    // it starts between its start and the access. At most one clean window holds any address (of two holding it,
    // the later starts inside the other). A device alternates between windows (descriptor rings, receive buffers,
    // each send's buffers), each access one the single remembered window does not hold: these save the search.
    // Kept by the page of an access they held (or of their start, when allowed clean), one per slot: a lookup is
    // one compare. Only allow() inside one or revoke() of one changes what they say; the slots such a window can
    // be in are those of its own pages.
    struct Clean {
        uint64_t start = 1;  // empty: holds nothing
        uint64_t end = 0;
        bool may_write = false;
    };
    static constexpr size_t kCleanSlots = 1024;
    std::array<Clean, kCleanSlots> m_clean{};
    DmaVerifierStats m_stats;
    std::vector<DmaViolation> m_recent;
};

}  // namespace nicsim::host
