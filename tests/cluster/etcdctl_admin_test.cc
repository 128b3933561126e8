// etcdctl 3.4's cluster administration commands against a real three-member raftkv
// cluster: member list, endpoint status/health (JSON)
// and alarm list.
#include <filesystem>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cluster/cluster_etcdctl.h"
#include "tests/cluster/raftkv_cluster.h"
#include "tests/cluster/three_member_cluster_test.h"
#include "tests/cluster/write_load.h"

namespace raftkv::cluster_test {
namespace {

using harness::CommandResult;
using std::chrono::seconds;

using EtcdctlAdminTest = ThreeMemberClusterTest;

TEST_F(EtcdctlAdminTest, MemberListShowsEveryMemberWithItsUrls) {
  // A member's name and client URLs appear once it has published them through Raft,
  // shortly after a leader exists (as in etcd).
  CommandResult list;
  nlohmann::json parsed;
  auto all_published = [&] {
    list = RunEtcdctl({cluster_->EndpointsFlag(), "member", "list", "-w", "json"});
    parsed = ParseJson(list.out);
    if (list.exit_code != 0 || parsed.is_discarded() || !parsed.contains("members")) return false;
    for (const auto& member : parsed["members"]) {
      if (!member.contains("clientURLs") || !member.contains("name")) return false;
    }
    return true;
  };
  ASSERT_TRUE(Eventually(all_published, seconds(10))) << Explain(list);
  ASSERT_EQ(parsed["members"].size(), 3u) << list.out;
  for (const auto& member : parsed["members"]) {
    ASSERT_TRUE(member.contains("ID") && member.contains("name") && member.contains("peerURLs") &&
                member.contains("clientURLs"))
        << member.dump();
    const int index = cluster_->IndexOfMemberId(member["ID"].get<uint64_t>());
    ASSERT_GE(index, 0) << "unknown member id in " << member.dump();
    EXPECT_EQ(member["name"], cluster_->Name(index));
    EXPECT_EQ(member["peerURLs"], nlohmann::json::array({cluster_->PeerUrl(index)}));
    EXPECT_EQ(member["clientURLs"],
              nlohmann::json::array({"http://" + cluster_->ClientEndpoint(index)}));
    EXPECT_FALSE(member.value("isLearner", false));
  }
}

TEST_F(EtcdctlAdminTest, EndpointStatusAgreesOnTheLeaderAndEveryEndpointIsHealthy) {
  CommandResult status =
      RunEtcdctl({cluster_->EndpointsFlag(), "endpoint", "status", "-w", "json"});
  ASSERT_EQ(status.exit_code, 0) << Explain(status);
  nlohmann::json statuses = ParseJson(status.out);
  ASSERT_TRUE(statuses.is_array()) << status.out;
  ASSERT_EQ(statuses.size(), 3u);
  std::set<uint64_t> leaders;
  std::set<uint64_t> cluster_ids;
  for (const auto& entry : statuses) {
    ASSERT_TRUE(entry.contains("Status")) << entry.dump();
    const auto& s = entry["Status"];
    ASSERT_TRUE(s.contains("leader") && s.contains("header") && s.contains("raftIndex") &&
                s.contains("raftTerm"))
        << entry.dump();
    leaders.insert(s["leader"].get<uint64_t>());
    cluster_ids.insert(s["header"]["cluster_id"].get<uint64_t>());
    EXPECT_GT(s["raftIndex"].get<uint64_t>(), 0u) << entry.dump();
    EXPECT_GT(s["raftTerm"].get<uint64_t>(), 0u) << entry.dump();
  }
  EXPECT_EQ(leaders.size(), 1u) << status.out;
  EXPECT_EQ(cluster_ids.size(), 1u) << status.out;
  EXPECT_EQ(*leaders.begin(), *cluster_->MemberId(leader_));

  CommandResult health =
      RunEtcdctl({cluster_->EndpointsFlag(), "endpoint", "health", "-w", "json"});
  ASSERT_EQ(health.exit_code, 0) << Explain(health);
  nlohmann::json healths = ParseJson(health.out);
  ASSERT_TRUE(healths.is_array()) << health.out;
  ASSERT_EQ(healths.size(), 3u);
  for (const auto& entry : healths) EXPECT_TRUE(entry.value("health", false)) << entry.dump();
}

TEST_F(EtcdctlAdminTest, AlarmListIsEmptyOnAHealthyCluster) {
  CommandResult alarms = RunEtcdctl({cluster_->EndpointsFlag(), "alarm", "list"});
  ASSERT_EQ(alarms.exit_code, 0) << Explain(alarms);
  EXPECT_EQ(alarms.out, "");
}

}  // namespace
}  // namespace raftkv::cluster_test
