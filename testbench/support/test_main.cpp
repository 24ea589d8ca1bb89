// Catch2 runner inside sc_main. SystemC elaborates one design per process, so when a test executable is run by
// hand with no test named, every selected test case runs in a child process of its own; ctest (through
// catch_discover_tests) already runs one test case per process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "sim_reports.h"

namespace {

std::string escape_test_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c == ',' || c == '[' || c == ']' || c == '*' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

bool names_a_test_or_lists(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (a[0] != '-') return true;  // a test spec
        if (std::strncmp(a, "--list", 6) == 0 || std::strcmp(a, "-l") == 0 || std::strcmp(a, "-h") == 0 ||
            std::strcmp(a, "--help") == 0 || std::strcmp(a, "-?") == 0)
            return true;
    }
    return false;
}

int run_one(int argc, char* argv[]) {
    nicsim::test::install_report_handler();
    const int rc = Catch::Session().run(argc, argv);
    return rc != 0 ? rc : nicsim::test::expected_report_counts_met() ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    if (names_a_test_or_lists(argc, argv)) return run_one(argc, argv);

    Catch::Session session;
    if (int rc = session.applyCommandLine(argc, argv)) return rc;
    std::vector<std::string> names;
    for (const Catch::TestCase& tc : Catch::getAllTestCasesSorted(session.config()))
        if (!tc.isHidden()) names.push_back(tc.name);

    unsigned failed = 0;
    for (const std::string& name : names) {
        std::fflush(stdout);
        const pid_t pid = fork();
        if (pid == 0) {
            // The child reuses the parent's session (Catch allows one per process), narrowed to one test case.
            Catch::ConfigData data = session.configData();
            data.testsOrTags = {escape_test_name(name)};
            session.useConfigData(data);
            nicsim::test::install_report_handler();
            const int rc = session.run();
            std::fflush(stdout);
            _exit(rc == 0 && nicsim::test::expected_report_counts_met() ? 0 : 1);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            ++failed;
            std::printf("FAILED (own process): %s\n", name.c_str());
        }
    }
    std::printf("%zu passed, %u failed\n", names.size() - failed, failed);
    return failed == 0 ? 0 : 1;
}
