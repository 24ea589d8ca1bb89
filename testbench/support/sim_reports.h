// Turns SystemC reports into test outcomes: any warning, error or fatal a test did not expect fails it, and so does
// an expected one seen a different number of times than the test said.
#pragma once

#include <string>

namespace nicsim::test {

/// Expect exactly `count` reports (SC_WARNING or worse) whose message type starts with `msg_type_prefix` (e.g.
/// "nicsim/pci/monitor/rule4") in this test case. They do not fail it as they arrive; when the test case ends, any
/// other number of them fails it. Calling it again for the same prefix replaces the count.
void expect_reports(const std::string& msg_type_prefix, unsigned count);
/// How many reports of at least SC_WARNING severity with a message type starting with `msg_type_prefix` were seen.
unsigned reports_seen(const std::string& msg_type_prefix);
/// How many SC_INFO reports (notes, e.g. "nicsim/nic/note/ro-write") with a message type starting with
/// `msg_type_prefix` were seen. Notes never fail a test.
unsigned notes_seen(const std::string& msg_type_prefix);
/// Installed by the test main before any test runs.
void install_report_handler();
/// False when a test case that ended saw an expected report type a different number of times than it expected
/// (each is printed on stderr when its test case ends); the test main then fails.
bool expected_report_counts_met();

}  // namespace nicsim::test
