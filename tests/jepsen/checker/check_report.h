// Human-readable rendering of a linearizability verdict.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_CHECK_REPORT_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_CHECK_REPORT_H_

#include <string>

#include "tests/jepsen/checker/linearizability_checker.h"

namespace raftkv::jepsen {

std::string FormatBadWindow(const BadWindow& window);

// The overall verdict, one line per key, then the smallest bad window if any.
std::string FormatCheckResult(const CheckResult& result);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_CHECK_REPORT_H_
