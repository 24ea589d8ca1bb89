#include "sim_reports.h"

#include <cstdio>
#include <map>

#include <systemc>

// The listener interface (TestEventListenerBase) is part of Catch's external interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

namespace nicsim::test {
namespace {

struct Seen {
    std::map<std::string, unsigned> expected;         // msg_type prefix -> how many the test case expects
    std::multimap<std::string, std::string> reports;  // msg_type -> message
    std::multimap<std::string, std::string> notes;    // SC_INFO: msg_type -> message
};

Seen& seen() {
    static Seen s;
    return s;
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

void handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
    if (rep.get_severity() == sc_core::SC_INFO) {  // notes and progress chatter are not a verdict
        seen().notes.emplace(rep.get_msg_type(), rep.get_msg());
        return;
    }
    const std::string type = rep.get_msg_type();
    seen().reports.emplace(type, rep.get_msg());
    for (const auto& [prefix, count] : seen().expected)
        if (starts_with(type, prefix)) return;
    static const char* const kSeverity[] = {"Info", "Warning", "Error", "Fatal"};
    const std::string text = std::string(kSeverity[rep.get_severity() & 3]) + " " + type + ": " + rep.get_msg() +
                             " @ " + rep.get_time().to_string();
    FAIL_CHECK("unexpected SystemC report: " << text);
    if (rep.get_severity() == sc_core::SC_FATAL) throw std::runtime_error(text);
    (void)actions;
}

bool g_counts_met = true;

/// Starts each test case with nothing expected or seen, and compares what it expected with what it saw at its end.
class ReportCounts : public Catch::TestEventListenerBase {
  public:
    using TestEventListenerBase::TestEventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override {
        seen() = Seen{};
        TestEventListenerBase::testCaseStarting(info);
    }
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        for (const auto& [prefix, count] : seen().expected) {
            const unsigned n = reports_seen(prefix);
            if (n == count) continue;
            std::fprintf(stderr, "FAILED: %s: expected %u report(s) of type %s*, saw %u\n", stats.testInfo.name.c_str(),
                         count, prefix.c_str(), n);
            g_counts_met = false;
        }
        TestEventListenerBase::testCaseEnded(stats);
    }
};

}  // namespace

CATCH_REGISTER_LISTENER(ReportCounts)

void expect_reports(const std::string& msg_type_prefix, unsigned count) {
    seen().expected[msg_type_prefix] = count;
}

bool expected_report_counts_met() {
    return g_counts_met;
}

unsigned reports_seen(const std::string& msg_type_prefix) {
    unsigned n = 0;
    for (const auto& [type, msg] : seen().reports)
        if (starts_with(type, msg_type_prefix)) ++n;
    return n;
}

unsigned notes_seen(const std::string& msg_type_prefix) {
    unsigned n = 0;
    for (const auto& [type, msg] : seen().notes)
        if (starts_with(type, msg_type_prefix)) ++n;
    return n;
}

void install_report_handler() {
    sc_core::sc_report_handler::set_handler(handler);
    // SystemC deprecation notes and similar are SC_INFO; the handler ignores them.
}

}  // namespace nicsim::test
