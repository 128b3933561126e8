#include "client/retry_policy.h"

#include <gtest/gtest.h>

namespace raftkv::client {
namespace {

const absl::Status kDropped = absl::UnavailableError("connection reset");
const absl::Status kLeaderChanged = absl::UnavailableError("etcdserver: leader changed");
const absl::Status kNoLeader = absl::UnavailableError("etcdserver: no leader");
const absl::Status kHung = absl::DeadlineExceededError("deadline exceeded");
const absl::Status kCompacted =
    absl::OutOfRangeError("etcdserver: mvcc: required revision has been compacted");

TEST(RetryPolicyTest, ReadsMoveOnWhenTheMemberIsUnavailableOrHung) {
  for (const absl::Status& status : {kDropped, kLeaderChanged, kNoLeader, kHung}) {
    EXPECT_TRUE(IsSafeToRetry(RetryPolicy::kRepeatable, AttemptStage::kSent, status)) << status;
  }
}

TEST(RetryPolicyTest, ServerVerdictsAreNeverRetried) {
  EXPECT_FALSE(IsSafeToRetry(RetryPolicy::kRepeatable, AttemptStage::kSent, kCompacted));
  EXPECT_FALSE(IsSafeToRetry(RetryPolicy::kRepeatable, AttemptStage::kSent,
                             absl::InvalidArgumentError("etcdserver: key is not provided")));
  EXPECT_FALSE(IsSafeToRetry(RetryPolicy::kRepeatable, AttemptStage::kSent, absl::OkStatus()));
}

TEST(RetryPolicyTest, WritesThatMayHaveAppliedAreNotRepeated) {
  for (const absl::Status& status : {kDropped, kLeaderChanged, kHung}) {
    EXPECT_FALSE(IsSafeToRetry(RetryPolicy::kNonRepeatable, AttemptStage::kSent, status)) << status;
  }
}

TEST(RetryPolicyTest, WritesThatNeverReachedAServerAreRepeated) {
  EXPECT_TRUE(IsSafeToRetry(RetryPolicy::kNonRepeatable, AttemptStage::kNotSent, kDropped));
  // etcd rejects a leaderless request before proposing it.
  EXPECT_TRUE(IsSafeToRetry(RetryPolicy::kNonRepeatable, AttemptStage::kSent, kNoLeader));
}

}  // namespace
}  // namespace raftkv::client
