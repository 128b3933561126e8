#include "raft/progress.h"

#include "gtest/gtest.h"
#include "raft/quorum.h"
#include "raft/tracker.h"

namespace raftkv::raft {
namespace {

TEST(Progress, ProbeDecrementsOnlyOnMatchingRejection) {
  Progress pr(4);
  pr.next = 10;
  EXPECT_FALSE(pr.MaybeDecrTo(5, 5)) << "stale: not the probe we sent";
  EXPECT_TRUE(pr.MaybeDecrTo(9, 3));
  EXPECT_EQ(pr.next, 4u) << "jump straight past the hint";
  EXPECT_TRUE(pr.MaybeDecrTo(3, 100));
  EXPECT_EQ(pr.next, 3u) << "never beyond the rejected index";
}

TEST(Progress, ReplicateFallsBackToMatch) {
  Progress pr(4);
  pr.match = 5;
  pr.BecomeReplicate();
  pr.OptimisticUpdate(9);
  EXPECT_FALSE(pr.MaybeDecrTo(4, 4));
  EXPECT_TRUE(pr.MaybeDecrTo(7, 7));
  EXPECT_EQ(pr.next, 6u);
}

TEST(Progress, PausingPerState) {
  Progress pr(2);
  EXPECT_FALSE(pr.IsPaused());
  pr.probe_sent = true;
  EXPECT_TRUE(pr.IsPaused());
  pr.BecomeReplicate();
  pr.inflights.Add(1);
  EXPECT_FALSE(pr.IsPaused());
  pr.inflights.Add(2);
  EXPECT_TRUE(pr.IsPaused()) << "window full";
  pr.inflights.FreeLE(1);
  EXPECT_FALSE(pr.IsPaused());
  pr.BecomeSnapshot(10);
  EXPECT_TRUE(pr.IsPaused());
  pr.BecomeProbe();
  EXPECT_EQ(pr.next, 11u) << "resume right after the snapshot";
}

TEST(Quorum, CommittedIndexIsMajorityMatch) {
  EXPECT_EQ(MajorityCommittedIndex({}), 0u);
  EXPECT_EQ(MajorityCommittedIndex({5}), 5u);
  EXPECT_EQ(MajorityCommittedIndex({5, 1, 3}), 3u);
  EXPECT_EQ(MajorityCommittedIndex({5, 1, 3, 4}), 3u);
  EXPECT_EQ(MajorityCommittedIndex({9, 1, 3, 4, 8}), 4u);
}

TEST(Quorum, VoteResults) {
  EXPECT_EQ(MajorityVoteResult(3, 2, 0), VoteResult::kWon);
  EXPECT_EQ(MajorityVoteResult(3, 1, 1), VoteResult::kPending);
  EXPECT_EQ(MajorityVoteResult(3, 1, 2), VoteResult::kLost);
  EXPECT_EQ(MajorityVoteResult(4, 2, 2), VoteResult::kLost);
  EXPECT_EQ(MajorityVoteResult(4, 2, 1), VoteResult::kPending);
}

TEST(Tracker, LearnersDoNotCount) {
  ProgressTracker t(4);
  t.AddVoter(1, 1);
  t.AddLearner(2, 1);
  t.AddLearner(3, 1);
  t.Get(1)->match = 5;
  EXPECT_EQ(t.Committed(), 5u);
  EXPECT_TRUE(t.HasQuorum({1}));
  t.AddVoter(2, 1);  // promotion
  EXPECT_FALSE(t.IsLearner(2));
  EXPECT_EQ(t.Committed(), 0u);
  t.AddLearner(1, 1);
  EXPECT_TRUE(t.IsVoter(1)) << "voters are never demoted";
  t.Remove(2);
  EXPECT_EQ(t.ToConfState().voters_size(), 1);
  EXPECT_EQ(t.ToConfState().learners_size(), 1);
}

}  // namespace
}  // namespace raftkv::raft
