// The resets a run can make of the adapter, and the rows that tell whether receive resumed after one. The same rule
// holds for each: a frame that arrived after the reset must be indicated; when none arrived (the traffic had ended
// with the reset) resuming is not shown, and the run may have lost every frame in flight. collect_stats writes the
// rows, verdict judges them.
#pragma once

#include <cstdint>

#include "testbench/checkers/run_stats.h"

namespace nicsim::tb {

struct ResetKind {
    const char* at;          ///< row: when the reset began (ns; 0 or absent: it never happened)
    const char* indicated;   ///< row: frames the driver indicated after it
    const char* arriving;    ///< row: frames that arrived from the wire after it
    const char* not_shown;   ///< text row written when no frame arrived after it
    const char* no_receive;  ///< the failure when frames arrived after it and none was indicated
};

/// CTRL.RST by NdisHost::reset (MiniportReset) at the time --fault reset-at names.
constexpr ResetKind kResetAt{"reset at ns", "frames indicated after reset", "frames arriving after the reset",
                             "receive after the reset",
                             "reset-at: no frame was indicated after the reset (receive did not resume)"};
/// The first MiniportReset NDIS made because MiniportCheckForHang answered TRUE.
constexpr ResetKind kHangRecovery{
    "recovery reset at ns", "frames indicated after the recovery", "frames arriving after the recovery",
    "receive after the recovery",
    "hang check: no frame was indicated after the reset it asked for (receive did not resume)"};
constexpr const ResetKind* kResetKinds[] = {&kResetAt, &kHangRecovery};

/// Text row written when --fault reset-at came after the last send: every send was made before the reset (those in
/// flight completed or were refused with a status), so transmit resuming is not shown.
constexpr const char* kTxResumeNotShown = "transmit after the reset";

/// The not-shown row of `kind` when no frame arrived after the reset.
inline void add_resume_not_shown(RunStats& s, const ResetKind& kind, uint64_t arriving_after) {
    if (arriving_after == 0)
        s.add_text("faults", kind.not_shown, "not shown: no frame arrived after the reset (traffic had ended)");
}

}  // namespace nicsim::tb
