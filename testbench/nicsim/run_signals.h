// The signals that end a nicsim run early: Ctrl-C (SIGINT), SIGTERM (timeout, CI runners, kill) and SIGHUP (a closed
// terminal) all stop the simulation at its next poll, and the run then finishes every output and its statistics as
// after Ctrl-C. A second such signal ends the process at once (the default action), for a run that will not stop.
#pragma once

namespace nicsim::tb {

/// Install the handlers (before any output is opened). SIGPIPE is ignored from then on, so a write to a pipe
/// nobody reads fails with EPIPE and is reported like any failed write.
void catch_stop_signals();
/// The first stop signal received so far, or 0.
int stop_signal_received();
/// How the statistics name it: "Ctrl-C (SIGINT)", "SIGTERM", "SIGHUP".
const char* signal_name(int sig);

}  // namespace nicsim::tb
