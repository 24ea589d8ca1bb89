// Running a SystemC design in a child process: SystemC elaborates one design per process, so a test that compares
// two designs (two trace writers, two clocks) runs each in a fork of its own.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

namespace nicsim::test {

/// Runs `design` in a child process; true if it exited normally with status 0.
inline bool run_in_child(const std::function<void()>& design) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        design();
        std::fflush(nullptr);
        _exit(0);
    }
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace nicsim::test
