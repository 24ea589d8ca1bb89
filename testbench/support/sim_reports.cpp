#include "sim_reports.h"

#include <map>
#include <vector>

#include <systemc>

#include <catch2/catch.hpp>

namespace nicsim::test {
namespace {

struct Seen {
    std::vector<std::string> allowed;
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
    for (const std::string& p : seen().allowed)
        if (starts_with(type, p)) return;
    static const char* const kSeverity[] = {"Info", "Warning", "Error", "Fatal"};
    const std::string text = std::string(kSeverity[rep.get_severity() & 3]) + " " + type + ": " + rep.get_msg() +
                             " @ " + rep.get_time().to_string();
    FAIL_CHECK("unexpected SystemC report: " << text);
    if (rep.get_severity() == sc_core::SC_FATAL) throw std::runtime_error(text);
    (void)actions;
}

}  // namespace

void expect_reports(const std::string& msg_type_prefix) {
    seen().allowed.push_back(msg_type_prefix);
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
