// Shorthands for writing histories by hand in tests: explicit invoke/complete times.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_TEST_HISTORY_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_TEST_HISTORY_H_

#include <string>
#include <utility>
#include <vector>

#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen::testing {

inline Operation MakeOp(OpType type, int process, std::vector<Value> input,
                        std::vector<Value> output, int64_t invoke, int64_t complete,
                        std::string key = "x") {
  Operation op;
  op.process = process;
  op.key = std::move(key);
  op.type = type;
  op.input = std::move(input);
  op.output = std::move(output);
  op.outcome = Outcome::kOk;
  op.invoke_seq = invoke;
  op.complete_seq = complete;
  return op;
}

inline Operation Write(int process, Value value, int64_t invoke, int64_t complete,
                       std::string key = "x") {
  return MakeOp(OpType::kWrite, process, {std::move(value)}, {}, invoke, complete, key);
}

inline Operation Read(int process, Value value, int64_t invoke, int64_t complete,
                      std::string key = "x") {
  return MakeOp(OpType::kRead, process, {}, {std::move(value)}, invoke, complete, key);
}

inline Operation Cas(int process, Value expected, Value replacement, int64_t invoke,
                     int64_t complete, std::string key = "x") {
  return MakeOp(OpType::kCas, process, {std::move(expected), std::move(replacement)}, {}, invoke,
                complete, key);
}

inline Operation Append(int process, std::string value, int64_t invoke, int64_t complete,
                        std::string key = "x") {
  return MakeOp(OpType::kAppend, process, {std::move(value)}, {}, invoke, complete, key);
}

inline Operation ReadList(int process, std::vector<Value> list, int64_t invoke, int64_t complete,
                          std::string key = "x") {
  return MakeOp(OpType::kRead, process, {}, std::move(list), invoke, complete, key);
}

// The op's outcome became unknown (e.g. a timeout): it stays open forever.
inline Operation Indeterminate(Operation op) {
  op.outcome = Outcome::kInfo;
  op.complete_seq = kNeverCompleted;
  op.output.clear();
  return op;
}

inline Operation Failed(Operation op) {
  op.outcome = Outcome::kFail;
  return op;
}

// Assigns ids 0..n-1 in the given order.
inline std::vector<Operation> Numbered(std::vector<Operation> ops) {
  for (size_t i = 0; i < ops.size(); ++i) ops[i].id = static_cast<int64_t>(i);
  return ops;
}

}  // namespace raftkv::jepsen::testing

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_TEST_HISTORY_H_
