// Membership changes on a real raftkv cluster driven by etcdctl 3.4: a new member joins
// as a learner, catches up, is promoted to a voter; a member is removed and its process
// stops serving writes while the others carry on.
#include <iostream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cluster/cluster_etcdctl.h"
#include "tests/cluster/raftkv_cluster.h"
#include "tests/cluster/write_load.h"

namespace raftkv::cluster_test {
namespace {

using harness::CommandResult;
using std::chrono::seconds;

// The "members" array of `etcdctl member list -w json`, empty if the command failed.
nlohmann::json MemberList(const std::string& endpoints_flag) {
  CommandResult list = RunEtcdctl({endpoints_flag, "member", "list", "-w", "json"});
  if (list.exit_code != 0) return nlohmann::json::array();
  auto parsed = nlohmann::json::parse(list.out, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.contains("members")) return nlohmann::json::array();
  return parsed["members"];
}

// The member named `name` in a member list, or null.
nlohmann::json FindByName(const nlohmann::json& members, const std::string& name) {
  for (const auto& member : members) {
    if (member.value("name", "") == name) return member;
  }
  return nullptr;
}

// The member advertising `peer_url`, or null (a member that has not started yet has no
// name in the list).
nlohmann::json FindByPeerUrl(const nlohmann::json& members, const std::string& peer_url) {
  for (const auto& member : members) {
    if (member.value("peerURLs", nlohmann::json::array()) == nlohmann::json::array({peer_url})) {
      return member;
    }
  }
  return nullptr;
}

TEST(MembershipTest, LearnerJoinsIsPromotedAndARemovedMemberStopsServing) {
  auto started = RaftkvCluster::Start(ClusterOptions{});
  ASSERT_TRUE(started.ok()) << started.status();
  RaftkvCluster& cluster = **started;
  const int leader = cluster.WaitForLeader(seconds(10));
  ASSERT_GE(leader, 0);
  auto existing = PutKeys(cluster.Rpc(leader), "data/before/", 100);
  ASSERT_TRUE(existing.ok()) << existing.status();

  // Add a learner and start it against the existing cluster.
  const int learner = cluster.AddSlot("n3");
  CommandResult add = RunEtcdctl({cluster.EndpointsFlag(), "member", "add", "n3", "--learner",
                                  "--peer-urls=" + cluster.PeerUrl(learner)});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_TRUE(absl::StrContains(add.out, "added")) << add.out;
  ASSERT_TRUE(cluster.StartJoining(learner, {0, 1, 2, learner}).ok()) << cluster.Log(learner);
  nlohmann::json as_learner =
      FindByPeerUrl(MemberList(cluster.EndpointsFlag()), cluster.PeerUrl(learner));
  ASSERT_FALSE(as_learner.is_null()) << RunEtcdctl({cluster.EndpointsFlag(), "member", "list"}).out;
  EXPECT_TRUE(as_learner.value("isLearner", false)) << as_learner.dump();
  const uint64_t learner_id = as_learner["ID"].get<uint64_t>();

  // The learner replicates everything (read from its own store only).
  absl::Status replicated =
      WaitForKeys(cluster.Rpc(learner), "data/before/", *existing, seconds(20));
  EXPECT_TRUE(replicated.ok()) << replicated;

  // Promote it (etcdctl must reach the leader; a learner not yet in sync is refused, so
  // retry until it is accepted).
  CommandResult promote;
  const bool promoted = Eventually(
      [&] {
        const int current_leader = cluster.WaitForLeader(seconds(5), {0, 1, 2});
        if (current_leader < 0) return false;
        promote = RunEtcdctl(
            {cluster.EndpointsFlag({current_leader}), "member", "promote", HexId(learner_id)});
        return promote.exit_code == 0;
      },
      seconds(20));
  ASSERT_TRUE(promoted) << promote.out << promote.err;
  EXPECT_TRUE(Eventually(
      [&] {
        nlohmann::json member =
            FindByPeerUrl(MemberList(cluster.EndpointsFlag()), cluster.PeerUrl(learner));
        return !member.is_null() && !member.value("isLearner", false);
      },
      seconds(10)))
      << "n3 still listed as a learner after promote";
  ASSERT_GE(cluster.WaitForLeader(seconds(10)), 0);

  // Remove a voter that is not the leader and not the new member.
  const int current_leader = cluster.WaitForLeader(seconds(10));
  ASSERT_GE(current_leader, 0);
  int removed = -1;
  for (int i = 0; i < 3; ++i) {
    if (i != current_leader) removed = i;
  }
  auto removed_id = cluster.MemberId(removed);
  ASSERT_TRUE(removed_id.ok()) << removed_id.status();
  CommandResult remove =
      RunEtcdctl({cluster.EndpointsFlag(), "member", "remove", HexId(*removed_id)});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_TRUE(absl::StrContains(remove.out, "removed")) << remove.out;

  std::vector<int> remaining;
  for (int i = 0; i < cluster.size(); ++i) {
    if (i != removed) remaining.push_back(i);
  }
  EXPECT_TRUE(Eventually(
      [&] {
        nlohmann::json members = MemberList(cluster.EndpointsFlag(remaining));
        return members.size() == 3 && FindByName(members, cluster.Name(removed)).is_null();
      },
      seconds(10)))
      << "member list still shows " << cluster.Name(removed);

  // The removed member's process stops accepting writes (etcd's exits).
  EXPECT_TRUE(Eventually(
      [&] {
        return !cluster.Running(removed) ||
               !cluster.Rpc(removed).Put("probe/removed", "x", std::chrono::seconds(1)).ok();
      },
      seconds(15)))
      << cluster.Name(removed) << " still accepts writes after its removal; log:\n"
      << cluster.Log(removed);

  std::cout << cluster.Name(removed) << " after removal: "
            << (cluster.Running(removed) ? "process still running, refuses writes"
                                         : "process exited")
            << "\n";

  // The three remaining members, including the promoted one, carry on.
  const int final_leader = cluster.WaitForLeader(seconds(10), remaining);
  ASSERT_GE(final_leader, 0);
  auto after = PutKeys(cluster.Rpc(final_leader), "data/after/", 50);
  ASSERT_TRUE(after.ok()) << after.status();
  for (int member : remaining) {
    absl::Status has = WaitForKeys(cluster.Rpc(member), "data/after/", *after, seconds(15));
    EXPECT_TRUE(has.ok()) << cluster.Name(member) << ": " << has;
  }
}

// etcd salts a new member's ID with the time in seconds: re-adding the same peer URL
// within the second of its removal got the removed ID back, and the add was silently
// dropped at apply (MemberAdd said OK, the list lacked it, the member could not join).
TEST(MembershipTest, AMemberReAddedAtOnceAfterItsRemovalIsListedWithANewId) {
  auto started = RaftkvCluster::Start(ClusterOptions{});
  ASSERT_TRUE(started.ok()) << started.status();
  RaftkvCluster& cluster = **started;
  ASSERT_GE(cluster.WaitForLeader(seconds(10)), 0);
  const int slot = cluster.AddSlot("n3");  // never started: a learner does not count for quorum
  const std::string peer_url = cluster.PeerUrl(slot);
  std::set<uint64_t> ids_seen;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    CommandResult add = RunEtcdctl(
        {cluster.EndpointsFlag(), "member", "add", "n3", "--learner", "--peer-urls=" + peer_url});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    nlohmann::json listed = FindByPeerUrl(MemberList(cluster.EndpointsFlag()), peer_url);
    ASSERT_FALSE(listed.is_null()) << RunEtcdctl({cluster.EndpointsFlag(), "member", "list"}).out;
    const uint64_t id = listed["ID"].get<uint64_t>();
    EXPECT_TRUE(ids_seen.insert(id).second) << "ID " << HexId(id) << " handed out twice";
    CommandResult remove = RunEtcdctl({cluster.EndpointsFlag(), "member", "remove", HexId(id)});
    ASSERT_EQ(remove.exit_code, 0) << remove.err;
  }
}

}  // namespace
}  // namespace raftkv::cluster_test
