// kill -9 under write load: concurrent writers keep writing through every member while,
// round after round, a member (the leader, then a follower, then the leader again) is
// SIGKILLed and restarted. Afterwards every acknowledged write must be present, with its
// value, on every member.
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/raftkv_cluster.h"
#include "tests/cluster/write_load.h"

namespace raftkv::cluster_test {
namespace {

using std::chrono::seconds;

constexpr int kRounds = 3;
constexpr int kWriters = 4;
// Progress (acknowledged writes) demanded before each kill and while a member is down.
constexpr int kWritesPerPhase = 100;

TEST(CrashUnderLoadTest, RepeatedKillNineLosesNoAcknowledgedWrite) {
  ClusterOptions options;
  // Snapshots and log compaction happen during the run too.
  options.extra_flags = {"--snapshot-count=300"};
  auto started = RaftkvCluster::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  RaftkvCluster& cluster = **started;

  std::vector<MemberRpc*> targets;
  for (int i = 0; i < cluster.size(); ++i) targets.push_back(&cluster.Rpc(i));
  WriteLoad load(targets, "load/", kWriters);
  auto progressed = [&load](int from) {
    return Eventually([&] { return load.acknowledged_count() >= from + kWritesPerPhase; },
                      seconds(15));
  };

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    ASSERT_TRUE(progressed(load.acknowledged_count()))
        << "writes stalled before the kill; acknowledged " << load.acknowledged_count();
    const int leader = cluster.WaitForLeader(seconds(10));
    ASSERT_GE(leader, 0);
    const int victim = round % 2 == 0 ? leader : (leader + 1) % cluster.size();
    cluster.Kill(victim);
    ASSERT_TRUE(progressed(load.acknowledged_count()))
        << "writes stalled with " << cluster.Name(victim) << " down; acknowledged "
        << load.acknowledged_count();
    ASSERT_TRUE(cluster.Restart(victim).ok()) << cluster.Log(victim);
    ASSERT_GE(cluster.WaitForLeader(seconds(10)), 0)
        << "no leader after restarting " << cluster.Name(victim);
  }
  load.Stop();
  const KeyValues acknowledged = load.Acknowledged();
  ASSERT_GE(acknowledged.size(), static_cast<size_t>(2 * kRounds * kWritesPerPhase));

  for (int member = 0; member < cluster.size(); ++member) {
    absl::Status complete = WaitForKeys(cluster.Rpc(member), "load/", acknowledged, seconds(20));
    EXPECT_TRUE(complete.ok()) << cluster.Name(member) << ": " << complete;
  }
  std::cout << "acknowledged " << acknowledged.size() << " writes, " << load.failed_count()
            << " failed or unacknowledged\n";
}

}  // namespace
}  // namespace raftkv::cluster_test
