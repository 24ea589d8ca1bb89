// A helper thread that writes a run's outputs must not take the stop signals: Ctrl-C, SIGTERM and SIGHUP have to
// reach the simulation's thread, which stops the run and completes the files. A thread inherits its creator's mask,
// so the creator blocks them around the thread's start.
#pragma once

#include <pthread.h>

#include <csignal>

namespace nicsim {

/// Blocks the asynchronous signals in the calling thread (and the threads it starts) while it lives; the synchronous
/// ones (a fault in the thread itself) stay deliverable.
class SignalsBlocked {
  public:
    SignalsBlocked() {
        sigset_t set;
        sigfillset(&set);
        for (int sync : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP}) sigdelset(&set, sync);
        pthread_sigmask(SIG_BLOCK, &set, &m_old);
    }
    ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
    SignalsBlocked(const SignalsBlocked&) = delete;
    SignalsBlocked& operator=(const SignalsBlocked&) = delete;

  private:
    sigset_t m_old;
};

}  // namespace nicsim
