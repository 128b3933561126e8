#include "tests/jepsen/runner/workload_clients.h"

#include "gtest/gtest.h"
#include "tests/jepsen/runner/append_workload.h"

namespace raftkv::jepsen {
namespace {

TEST(WriteOutcomeTest, OnlyProvablyUnappliedErrorsAreFailures) {
  EXPECT_EQ(WriteOutcome(absl::OkStatus()), Outcome::kOk);
  // Client::Call's error when no connection could be established: nothing was sent.
  EXPECT_EQ(WriteOutcome(absl::UnavailableError("no connection available to 10.0.0.1:2379")),
            Outcome::kFail);
  EXPECT_EQ(WriteOutcome(absl::InvalidArgumentError("etcdserver: request is too large")),
            Outcome::kFail);
  // Sent, then lost: the write may still commit.
  EXPECT_EQ(WriteOutcome(absl::DeadlineExceededError("Deadline Exceeded")), Outcome::kInfo);
  EXPECT_EQ(WriteOutcome(absl::UnavailableError("Socket closed")), Outcome::kInfo);
  EXPECT_EQ(WriteOutcome(absl::UnavailableError("etcdserver: no leader")), Outcome::kInfo);
  EXPECT_EQ(WriteOutcome(absl::UnknownError("etcdserver: request timed out")), Outcome::kInfo);
}

TEST(SplitListTest, SpaceSeparatedElements) {
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_EQ(SplitList("a"), std::vector<std::string>({"a"}));
  EXPECT_EQ(SplitList("0-1 2-3 1-1"), std::vector<std::string>({"0-1", "2-3", "1-1"}));
}

}  // namespace
}  // namespace raftkv::jepsen
