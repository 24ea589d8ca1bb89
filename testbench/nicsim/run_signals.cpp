#include "testbench/nicsim/run_signals.h"

#include <csignal>
#include <initializer_list>

namespace nicsim::tb {

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
    if (!g_stop_signal) g_stop_signal = sig;
}

}  // namespace

void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_RESETHAND;  // the second signal takes the default action
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

int stop_signal_received() {
    return g_stop_signal;
}

const char* signal_name(int sig) {
    switch (sig) {
        case SIGINT:
            return "Ctrl-C (SIGINT)";
        case SIGTERM:
            return "SIGTERM";
        case SIGHUP:
            return "SIGHUP";
    }
    return "a signal";
}

}  // namespace nicsim::tb
