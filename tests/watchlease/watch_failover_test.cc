// Watches survive member failures without gaps or duplicates: clients whose stream
// breaks resume on another (or the restarted) member with start_revision = last seen
// + 1, and everything they collected must equal the history read back afterwards.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/cluster/three_member_cluster_test.h"
#include "tests/cluster/write_load.h"
#include "tests/watchlease/event_history.h"
#include "tests/watchlease/lease_rpc.h"
#include "tests/watchlease/resuming_watcher.h"

namespace raftkv::watchlease_test {
namespace {

using cluster_test::Eventually;
using cluster_test::WriteLoad;
using std::chrono::seconds;

constexpr char kPrefix[] = "wf/";

class WatchFailoverTest : public cluster_test::ThreeMemberClusterTest {
 protected:
  // Endpoints starting at `first`, then the others in order: where a watcher resumes.
  std::vector<std::string> EndpointsFrom(int first) {
    std::vector<std::string> endpoints;
    for (int i = 0; i < cluster_->size(); ++i) {
      endpoints.push_back(cluster_->ClientEndpoint((first + i) % cluster_->size()));
    }
    return endpoints;
  }

  // A member that has just started may not know its leader yet and answers "no leader"
  // (as a linearizable read must): ask again until it does.
  int64_t CurrentRevision(int member) {
    LeaseRpc rpc(cluster_->ClientEndpoint(member));
    int64_t revision = -1;
    absl::Status last;
    EXPECT_TRUE(Eventually(
        [&] {
          auto snapshot = rpc.RangePrefix(kPrefix);
          if (!snapshot.ok()) last = snapshot.status();
          if (snapshot.ok()) revision = snapshot->revision;
          return snapshot.ok();
        },
        seconds(10)))
        << last;
    return revision;
  }

  void WaitForMoreWrites(const WriteLoad& load, int more) {
    const int target = load.acknowledged_count() + more;
    ASSERT_TRUE(Eventually([&] { return load.acknowledged_count() >= target; }, seconds(15)))
        << "writes stalled at " << load.acknowledged_count();
  }

  // Every watcher's events equal the history on `reader`; every acknowledged write is in it.
  void ExpectNoGapsOrDuplicates(const std::vector<std::unique_ptr<ResumingWatcher>>& watchers,
                                int reader, int64_t start_revision, const WriteLoad& load) {
    const int64_t last_revision = CurrentRevision(reader);
    auto history = ReadHistory(cluster_->ClientEndpoint(reader), kPrefix, start_revision,
                               last_revision, seconds(10));
    ASSERT_TRUE(history.ok()) << history.status();
    std::map<std::string, std::string> in_history;
    for (const auto& event : *history) in_history[event.kv().key()] = event.kv().value();
    EXPECT_TRUE(cluster_test::MissingOrWrong(load.Acknowledged(), in_history).empty())
        << "acknowledged writes missing from the history";
    for (size_t i = 0; i < watchers.size(); ++i) {
      watchers[i]->WaitForRevision(last_revision, seconds(15));
      EXPECT_EQ(DescribeDifference(watchers[i]->Events(), *history), "")
          << "watcher " << i << " (resumed " << watchers[i]->resumes() << " times)";
      EXPECT_TRUE(watchers[i]->Cancellations().empty())
          << "watcher " << i << ": " << watchers[i]->Cancellations().front();
    }
  }
};

TEST_F(WatchFailoverTest, WatchersResumeAcrossLeaderFailoverWithoutGaps) {
  const int64_t start_revision = CurrentRevision(leader_) + 1;
  std::vector<std::unique_ptr<ResumingWatcher>> watchers;
  for (int i = 0; i < 6; ++i) {
    watchers.push_back(
        std::make_unique<ResumingWatcher>(EndpointsFrom(i % 3), kPrefix, start_revision));
  }
  WriteLoad load({&cluster_->Rpc(0), &cluster_->Rpc(1), &cluster_->Rpc(2)}, kPrefix, 4);
  WaitForMoreWrites(load, 100);

  cluster_->Kill(leader_);
  const int new_leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(new_leader, 0) << "no new leader after killing member " << leader_;
  ASSERT_NE(new_leader, leader_);
  WaitForMoreWrites(load, 100);
  load.Stop();

  ExpectNoGapsOrDuplicates(watchers, new_leader, start_revision, load);
  // The two watchers that started on the killed leader must have moved elsewhere.
  EXPECT_GE(watchers[leader_]->resumes(), 1);
  EXPECT_GE(watchers[leader_ + 3]->resumes(), 1);
}

TEST_F(WatchFailoverTest, WatcherResumesOnRestartedMemberWithoutGaps) {
  const int follower = (leader_ + 1) % 3;
  const int64_t start_revision = CurrentRevision(leader_) + 1;
  std::vector<std::unique_ptr<ResumingWatcher>> watchers;
  // Pinned to the follower: it can only resume once that member is back.
  watchers.push_back(std::make_unique<ResumingWatcher>(
      std::vector<std::string>{cluster_->ClientEndpoint(follower)}, kPrefix, start_revision));
  watchers.push_back(
      std::make_unique<ResumingWatcher>(EndpointsFrom(leader_), kPrefix, start_revision));
  WriteLoad load({&cluster_->Rpc(leader_), &cluster_->Rpc((leader_ + 2) % 3)}, kPrefix, 4);
  WaitForMoreWrites(load, 100);

  cluster_->Kill(follower);
  WaitForMoreWrites(load, 150);  // the restarted member must catch up on these
  ASSERT_TRUE(cluster_->Restart(follower).ok());
  WaitForMoreWrites(load, 100);
  load.Stop();

  ExpectNoGapsOrDuplicates(watchers, follower, start_revision, load);
  EXPECT_GE(watchers[0]->resumes(), 1);
  EXPECT_EQ(watchers[1]->resumes(), 0);
}

}  // namespace
}  // namespace raftkv::watchlease_test
