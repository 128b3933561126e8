#include "tests/jepsen/checker/history.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t History::Invoke(int process, std::string key, OpType type, std::vector<Value> input) {
  Operation op;
  op.process = process;
  op.key = std::move(key);
  op.type = type;
  op.input = std::move(input);
  op.outcome = Outcome::kInfo;
  op.invoke_ns = SteadyNowNs();
  std::lock_guard<std::mutex> lock(mu_);
  op.id = static_cast<int64_t>(ops_.size());
  op.invoke_seq = next_seq_++;
  ops_.push_back(std::move(op));
  completed_.push_back(false);
  return ops_.back().id;
}

absl::Status History::Complete(int64_t id, Outcome outcome, std::vector<Value> output) {
  const int64_t now_ns = SteadyNowNs();
  std::lock_guard<std::mutex> lock(mu_);
  if (id < 0 || id >= static_cast<int64_t>(ops_.size())) {
    return absl::NotFoundError(absl::StrCat("no operation with id ", id));
  }
  if (completed_[id]) {
    return absl::FailedPreconditionError(absl::StrCat("operation ", id, " already completed"));
  }
  completed_[id] = true;
  Operation& op = ops_[id];
  op.outcome = outcome;
  op.output = std::move(output);
  op.complete_ns = now_ns;
  // Consume a sequence number even for kInfo so that seqs stay comparable with the wall
  // clock in logs, but the checker must treat the operation as open-ended.
  const int64_t seq = next_seq_++;
  op.complete_seq = outcome == Outcome::kInfo ? kNeverCompleted : seq;
  return absl::OkStatus();
}

std::vector<Operation> History::Operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_;
}

}  // namespace raftkv::jepsen
