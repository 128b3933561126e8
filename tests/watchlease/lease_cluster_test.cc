// Leases on a 3-member raftkv cluster: expiry (judged by the leader, carried out by a
// committed revoke) deletes every attached key in one revision and emits the delete
// events to watchers on any member; keep-alives through a follower keep a lease alive
// while its leader is killed.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/member_rpc.h"
#include "tests/cluster/three_member_cluster_test.h"
#include "tests/watchlease/lease_keep_aliver.h"
#include "tests/watchlease/lease_rpc.h"
#include "tests/watchlease/watch_stream.h"

namespace raftkv::watchlease_test {
namespace {

using cluster_test::Eventually;
using cluster_test::PrefixEnd;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class LeaseClusterTest : public cluster_test::ThreeMemberClusterTest {
 protected:
  int Follower(int offset) { return (leader_ + offset) % cluster_->size(); }
};

TEST_F(LeaseClusterTest, ExpiryDeletesAttachedKeysInOneRevisionAndEmitsEvents) {
  constexpr int64_t kTtl = 3;
  LeaseRpc follower(cluster_->ClientEndpoint(Follower(1)));
  auto before = follower.RangePrefix("exp/");
  ASSERT_TRUE(before.ok()) << before.status();

  WatchStream watch(cluster_->ClientEndpoint(Follower(2)));
  auto watch_id = watch.Watch({"exp/", PrefixEnd("exp/"), before->revision + 1});
  ASSERT_TRUE(watch_id.ok()) << watch_id.status();

  auto lease = follower.Grant(kTtl);  // granted through a follower
  ASSERT_TRUE(lease.ok()) << lease.status();
  const auto granted_at = Clock::now();
  for (const char* key : {"exp/a", "exp/b", "exp/c"}) {
    ASSERT_TRUE(follower.Put(key, "v", *lease).ok());
  }
  ASSERT_TRUE(follower.Put("exp/unleased", "v").ok());

  // 4 puts, then 3 deletes when the lease expires.
  ASSERT_TRUE(watch.WaitForEvents(*watch_id, 7, seconds(kTtl + 5)))
      << "lease expiry produced no delete events; got " << watch.EventCount(*watch_id);
  const auto deleted_after = Clock::now() - granted_at;
  // The leader may start the clock when it applies the grant, a little before our reply.
  EXPECT_GE(deleted_after, milliseconds(kTtl * 1000 - 500)) << "lease expired early";

  std::vector<mvccpb::Event> events = watch.Events(*watch_id);
  ASSERT_EQ(events.size(), 7u);
  const int64_t delete_revision = events[4].kv().mod_revision();
  std::vector<std::string> deleted;
  for (size_t i = 4; i < events.size(); ++i) {
    EXPECT_EQ(events[i].type(), mvccpb::Event::DELETE);
    EXPECT_EQ(events[i].kv().mod_revision(), delete_revision) << "one revision for all keys";
    deleted.push_back(events[i].kv().key());
  }
  EXPECT_EQ(deleted, (std::vector<std::string>{"exp/a", "exp/b", "exp/c"}));
  EXPECT_EQ(delete_revision, events[3].kv().mod_revision() + 1);

  for (int member = 0; member < cluster_->size(); ++member) {
    auto keys = cluster_->Rpc(member).SerializableRangePrefix("exp/");
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_TRUE(Eventually(
        [&] {
          auto now = cluster_->Rpc(member).SerializableRangePrefix("exp/");
          return now.ok() && now->size() == 1 && now->count("exp/unleased") == 1;
        },
        seconds(3)))
        << "member " << member;
    auto ttl = LeaseRpc(cluster_->ClientEndpoint(member)).TimeToLive(*lease);
    ASSERT_TRUE(ttl.ok()) << ttl.status();
    EXPECT_EQ(ttl->ttl(), -1) << "member " << member << " still knows the expired lease";
  }
  EXPECT_FALSE(follower.Put("exp/late", "v", *lease).ok()) << "put with an expired lease";
}

TEST_F(LeaseClusterTest, RevokeDeletesKeysOnEveryMember) {
  LeaseRpc follower(cluster_->ClientEndpoint(Follower(1)));
  auto lease = follower.Grant(60);
  ASSERT_TRUE(lease.ok()) << lease.status();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(follower.Put(absl::StrCat("rev/", i), "v", *lease).ok());
  }
  auto ttl = follower.TimeToLive(*lease);
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_EQ(ttl->keys_size(), 5);
  EXPECT_EQ(ttl->grantedttl(), 60);
  ASSERT_TRUE(follower.Revoke(*lease).ok());
  for (int member = 0; member < cluster_->size(); ++member) {
    EXPECT_TRUE(Eventually(
        [&] {
          auto keys = cluster_->Rpc(member).SerializableRangePrefix("rev/");
          return keys.ok() && keys->empty();
        },
        seconds(3)))
        << "member " << member;
  }
  EXPECT_FALSE(follower.Revoke(*lease).ok()) << "second revoke must say lease not found";
}

TEST_F(LeaseClusterTest, KeepAliveThroughFollowerKeepsLeaseAcrossLeaderFailover) {
  constexpr int64_t kTtl = 5;
  const int follower = Follower(1);
  LeaseRpc rpc(cluster_->ClientEndpoint(follower));
  auto lease = rpc.Grant(kTtl);
  ASSERT_TRUE(lease.ok()) << lease.status();
  ASSERT_TRUE(rpc.Put("ka/key", "v", *lease).ok());

  // Keep-alives go to the follower (forwarded to the leader), then to the other follower.
  LeaseKeepAliver keep_alive(
      {cluster_->ClientEndpoint(follower), cluster_->ClientEndpoint(Follower(2))}, seconds(1));
  keep_alive.Add(*lease);
  ASSERT_TRUE(Eventually([&] { return keep_alive.OkResponses(*lease) >= 2; }, seconds(5)));

  const int old_leader = leader_;
  cluster_->Kill(old_leader);
  const int new_leader = cluster_->WaitForLeader(seconds(10));
  ASSERT_GE(new_leader, 0);
  ASSERT_NE(new_leader, old_leader);
  // Past the TTL measured from the kill: without working keep-alives (or with a new
  // leader that forgot to extend remaining leases) the lease would be gone by now.
  const int ok_before = keep_alive.OkResponses(*lease);
  std::this_thread::sleep_for(seconds(kTtl + 2));
  EXPECT_GE(keep_alive.OkResponses(*lease), ok_before + kTtl) << "keep-alives stopped working";
  EXPECT_TRUE(keep_alive.Lost().empty()) << "server reported the lease lost";

  for (int member : cluster_->RunningMembers()) {
    auto keys = cluster_->Rpc(member).SerializableRangePrefix("ka/");
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_EQ(keys->count("ka/key"), 1u) << "member " << member << " lost the leased key";
    auto ttl = LeaseRpc(cluster_->ClientEndpoint(member)).TimeToLive(*lease);
    ASSERT_TRUE(ttl.ok()) << ttl.status();
    EXPECT_GT(ttl->ttl(), 0) << "member " << member;
  }
}

TEST_F(LeaseClusterTest, LeaseWithoutKeepAliveExpiresAfterLeaderFailover) {
  // The new leader extends remaining leases (no premature expiry) but must still
  // expire them eventually.
  constexpr int64_t kTtl = 3;
  LeaseRpc rpc(cluster_->ClientEndpoint(Follower(1)));
  auto lease = rpc.Grant(kTtl);
  ASSERT_TRUE(lease.ok()) << lease.status();
  ASSERT_TRUE(rpc.Put("orphan/key", "v", *lease).ok());
  cluster_->Kill(leader_);
  ASSERT_GE(cluster_->WaitForLeader(seconds(10)), 0);
  for (int member : cluster_->RunningMembers()) {
    EXPECT_TRUE(Eventually(
        [&] {
          auto keys = cluster_->Rpc(member).SerializableRangePrefix("orphan/");
          return keys.ok() && keys->empty();
        },
        seconds(kTtl + 8)))
        << "member " << member << " still has the key of a lease nobody keeps alive";
  }
}

}  // namespace
}  // namespace raftkv::watchlease_test
