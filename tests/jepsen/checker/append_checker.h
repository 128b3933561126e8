// Checks an append workload's history against the list it left behind. Each key holds a
// list; an append op adds one unique element, a read returns the whole list. After the run
// the final list is read once more (linearizably, after recovery).
//
// Invariants per key:
//   - no element appears twice, and every element was attempted by some append;
//   - no acknowledged (ok) append is missing, no failed append is present;
//   - order respects real time: if append a was acknowledged before append b was invoked,
//     a precedes b (when both are present);
//   - every ok read is a prefix of the final list, contains each append acknowledged before
//     the read was invoked, and nothing invoked after the read completed.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_APPEND_CHECKER_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_APPEND_CHECKER_H_

#include <map>
#include <string>
#include <vector>

#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

struct AppendCheckResult {
  bool ok = true;
  std::vector<std::string> problems;  // one line each, at most a few per kind
};

// `ops`: kAppend (input {element}) and kRead (output: the list's elements, one Value
// each) of every key. `final_lists`: the list of each key read after recovery.
AppendCheckResult CheckAppendHistory(
    const std::vector<Operation>& ops,
    const std::map<std::string, std::vector<std::string>>& final_lists);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_APPEND_CHECKER_H_
