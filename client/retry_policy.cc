#include "client/retry_policy.h"

#include "absl/strings/match.h"

namespace raftkv::client {

bool IsNoLeaderError(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         absl::StrContains(status.message(), "etcdserver: no leader");
}

bool IsSafeToRetry(RetryPolicy policy, AttemptStage stage, const absl::Status& status) {
  if (status.ok()) return false;
  if (stage == AttemptStage::kNotSent) return true;
  // The client always asks for a leader ("hasleader" metadata), so a leaderless member
  // rejects the request before it is proposed: safe even for writes.
  if (IsNoLeaderError(status)) return true;
  if (policy == RetryPolicy::kNonRepeatable) return false;
  // Unavailable covers a dropped connection and etcd's "leader changed"; a per-attempt
  // DeadlineExceeded means the member hung (paused or partitioned) and a read can go elsewhere.
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace raftkv::client
