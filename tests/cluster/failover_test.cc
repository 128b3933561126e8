// A real three-member raftkv cluster loses members and gets them back: the leader is
// SIGKILLed, a follower restarts, a follower falls so far behind that the leader has
// compacted the entries it misses and must send a snapshot. No acknowledged write may
// be lost, and every member must end up holding every one of them.
#include <chrono>
#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/raftkv_cluster.h"
#include "tests/cluster/write_load.h"

namespace raftkv::cluster_test {
namespace {

using std::chrono::seconds;

// Entries the leader keeps behind its snapshot for slow followers
// (RaftNode::Options::snapshot_catchup_entries, not a flag yet). A follower must miss
// more than this for the leader to need a snapshot to catch it up.
constexpr int kSnapshotCatchupEntries = 5000;

class FailoverTest : public ::testing::Test {
 protected:
  void StartCluster(std::vector<std::string> extra_flags = {}) {
    ClusterOptions options;
    options.extra_flags = std::move(extra_flags);
    auto started = RaftkvCluster::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    cluster_ = *std::move(started);
  }

  int AnyFollower(int leader) const { return (leader + 1) % cluster_->size(); }

  void ExpectEveryRunningMemberHolds(const std::string& prefix, const KeyValues& expected) {
    for (int member : cluster_->RunningMembers()) {
      EXPECT_TRUE(WaitForKeys(cluster_->Rpc(member), prefix, expected, seconds(20)).ok())
          << cluster_->Name(member) << ": "
          << WaitForKeys(cluster_->Rpc(member), prefix, expected, seconds(0)).ToString();
    }
  }

  std::unique_ptr<RaftkvCluster> cluster_;
};

TEST_F(FailoverTest, KillingTheLeaderElectsAnotherAndLosesNoAcknowledgedWrite) {
  StartCluster();
  const int old_leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(old_leader, 0);
  // Half the writes go through a follower, which forwards them to the leader.
  auto via_leader = PutKeys(cluster_->Rpc(old_leader), "before/leader/", 100);
  ASSERT_TRUE(via_leader.ok()) << via_leader.status();
  auto via_follower = PutKeys(cluster_->Rpc(AnyFollower(old_leader)), "before/follower/", 100);
  ASSERT_TRUE(via_follower.ok()) << via_follower.status();
  KeyValues acknowledged = *via_leader;
  acknowledged.insert(via_follower->begin(), via_follower->end());

  cluster_->Kill(old_leader);
  const int new_leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(new_leader, 0) << "no new leader after the leader was killed";
  EXPECT_NE(new_leader, old_leader);

  // The survivors hold every write acknowledged before the crash and accept new ones.
  ExpectEveryRunningMemberHolds("before/", acknowledged);
  auto after = PutKeys(cluster_->Rpc(new_leader), "after/", 50);
  ASSERT_TRUE(after.ok()) << after.status();

  // The old leader comes back as a follower and learns what it missed.
  ASSERT_TRUE(cluster_->Restart(old_leader).ok());
  ASSERT_GE(cluster_->WaitForLeader(seconds(10)), 0);
  EXPECT_TRUE(WaitForKeys(cluster_->Rpc(old_leader), "before/", acknowledged, seconds(20)).ok());
  EXPECT_TRUE(WaitForKeys(cluster_->Rpc(old_leader), "after/", *after, seconds(20)).ok());
}

TEST_F(FailoverTest, RestartedFollowerCatchesUp) {
  StartCluster();
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  const int follower = AnyFollower(leader);
  auto before = PutKeys(cluster_->Rpc(leader), "k/before/", 50);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(WaitForKeys(cluster_->Rpc(follower), "k/before/", *before, seconds(10)).ok());

  ASSERT_TRUE(cluster_->Stop(follower).ok()) << cluster_->Log(follower);
  // Two of three members are a quorum: writes go on while the follower is away.
  auto during = PutKeys(cluster_->Rpc(leader), "k/during/", 200);
  ASSERT_TRUE(during.ok()) << during.status();

  ASSERT_TRUE(cluster_->Restart(follower).ok());
  EXPECT_TRUE(WaitForKeys(cluster_->Rpc(follower), "k/before/", *before, seconds(20)).ok());
  absl::Status caught_up = WaitForKeys(cluster_->Rpc(follower), "k/during/", *during, seconds(20));
  EXPECT_TRUE(caught_up.ok()) << caught_up;
  // ... and it keeps following new writes.
  auto after = PutKeys(cluster_->Rpc(leader), "k/after/", 20);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(WaitForKeys(cluster_->Rpc(follower), "k/after/", *after, seconds(10)).ok());
}

// Without a quorum a write can never commit. The member must still answer it within its
// request timeout (7 s) with etcd's error, keep serving local reads, and take writes
// again once a quorum is back. (Writes are finished from the apply thread; a write that
// is never applied is ended by the member's expiry of pending proposals.)
TEST_F(FailoverTest, WriteWithoutQuorumFailsInTimeAndTheMemberRecovers) {
  StartCluster();
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  auto before = PutKeys(cluster_->Rpc(leader), "q/before/", 10);
  ASSERT_TRUE(before.ok()) << before.status();
  const int first = AnyFollower(leader);
  const int second = AnyFollower(first);
  cluster_->Kill(first);
  cluster_->Kill(second);

  const auto started = std::chrono::steady_clock::now();
  absl::Status lonely = cluster_->Rpc(leader).Put("q/lonely", "v", seconds(30));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(lonely.code(), absl::StatusCode::kUnavailable) << lonely;
  EXPECT_TRUE(absl::StrContains(lonely.message(), "etcdserver: request timed out") ||
              absl::StrContains(lonely.message(), "etcdserver: no leader"))
      << lonely;
  EXPECT_LT(took, seconds(15)) << "the write hung past the member's request timeout";
  auto local = cluster_->Rpc(leader).SerializableRangePrefix("q/before/");
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(*local, *before);

  ASSERT_TRUE(cluster_->Restart(first).ok());
  const int new_leader = cluster_->WaitForLeader(seconds(20));
  ASSERT_GE(new_leader, 0) << "no leader once two of three members are back";
  auto after = PutKeys(cluster_->Rpc(leader), "q/after/", 10);
  ASSERT_TRUE(after.ok()) << after.status();
}

TEST_F(FailoverTest, FollowerLaggingPastCompactionIsCaughtUpBySnapshot) {
  StartCluster({"--snapshot-count=50"});
  const int leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  const int follower = AnyFollower(leader);
  ASSERT_TRUE(cluster_->Stop(follower).ok()) << cluster_->Log(follower);
  const size_t log_size_before_restart = cluster_->Log(follower).size();

  // Enough entries that the leader's log no longer reaches back to the follower's.
  auto missed = PutKeys(cluster_->Rpc(leader), "lag/", kSnapshotCatchupEntries + 300, 8);
  ASSERT_TRUE(missed.ok()) << missed.status();

  ASSERT_TRUE(cluster_->Restart(follower).ok());
  // Serializable: only the follower's own applied state counts.
  absl::Status caught_up = WaitForKeys(cluster_->Rpc(follower), "lag/", *missed, seconds(30));
  EXPECT_TRUE(caught_up.ok()) << caught_up;

  const std::string log_since_restart = cluster_->Log(follower).substr(log_size_before_restart);
  EXPECT_TRUE(absl::StrContains(log_since_restart, "from received snapshot"))
      << "follower " << cluster_->Name(follower)
      << " did not log restoring a received snapshot; log since restart:\n"
      << log_since_restart;
  bool has_snap_file = false;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(cluster_->DataDir(follower))) {
    if (entry.path().extension() == ".snap") has_snap_file = true;
  }
  EXPECT_TRUE(has_snap_file) << "no .snap file under " << cluster_->DataDir(follower);
}

}  // namespace
}  // namespace raftkv::cluster_test
