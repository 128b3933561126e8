// Text form of a history: JSON lines, one operation per line, so that a run can be saved
// and re-checked later (see check_history).
//
// {"id":3,"process":1,"key":"x","type":"cas","input":["1","2"],"output":[],
//  "outcome":"ok","invoke_seq":5,"complete_seq":8,"invoke_ns":..,"complete_ns":..}
//
// nil values are JSON null; an indeterminate operation has "complete_seq":null.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_JSON_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

std::string OperationToJsonLine(const Operation& op);
absl::StatusOr<Operation> OperationFromJsonLine(const std::string& line);

// One line per operation, each terminated by '\n'.
std::string HistoryToJsonLines(const std::vector<Operation>& ops);
// Blank lines are skipped; errors name the offending line number.
absl::StatusOr<std::vector<Operation>> HistoryFromJsonLines(const std::string& text);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_JSON_H_
