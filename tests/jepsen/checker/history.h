// Thread-safe recorder of a history: workload threads call Invoke before sending a request
// and Complete when they know its outcome.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

class History {
 public:
  // Records the invocation and returns the operation's id. Each event gets the next value
  // of one monotonic sequence, so the sequence orders events across threads.
  int64_t Invoke(int process, std::string key, OpType type, std::vector<Value> input);

  // Records the completion. kInfo keeps the operation open forever (it may still take
  // effect), so its completion sequence stays kNeverCompleted.
  absl::Status Complete(int64_t id, Outcome outcome, std::vector<Value> output = {});

  // All operations in invocation order. Operations still in flight are reported as kInfo:
  // from the checker's point of view they may or may not have happened.
  std::vector<Operation> Operations() const;

 private:
  mutable std::mutex mu_;
  int64_t next_seq_ = 0;
  std::vector<Operation> ops_;  // indexed by id
  std::vector<bool> completed_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_HISTORY_H_
