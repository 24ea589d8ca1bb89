// Turns SystemC reports into test outcomes: any warning, error or fatal a test did not expect fails it.
#pragma once

#include <string>

namespace nicsim::test {

/// Allow reports whose message type starts with `msg_type_prefix` (e.g. "nicsim/pci/monitor/rule4") in this test.
void expect_reports(const std::string& msg_type_prefix);
/// How many reports of at least SC_WARNING severity with a message type starting with `msg_type_prefix` were seen.
unsigned reports_seen(const std::string& msg_type_prefix);
/// How many SC_INFO reports (notes, e.g. "nicsim/nic/note/ro-write") with a message type starting with
/// `msg_type_prefix` were seen. Notes never fail a test.
unsigned notes_seen(const std::string& msg_type_prefix);
/// Installed by the test main before any test runs.
void install_report_handler();

}  // namespace nicsim::test
