// Partition nemeses against a real raftkv cluster: an isolated leader stops serving writes
// while the majority elects a new leader and serves them; a 5-member majorities ring keeps
// a working majority; after heal every member agrees on a leader and writes again.
#include "tests/jepsen/runner/partition_nemesis.h"

#include <unistd.h>

#include <iostream>
#include <random>
#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/harness/eventually.h"
#include "tests/harness/runfiles.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis_factory.h"
#include "tests/jepsen/runner/nemesis_partitions.h"
#include "tests/jepsen/runner/nemesis_test_support.h"

namespace raftkv::jepsen {
namespace {

using harness::Eventually;

absl::StatusOr<std::unique_ptr<JepsenCluster>> StartCluster(int size,
                                                            HostMode hosts = HostMode::kAuto) {
  JepsenClusterOptions options;
  options.binary = harness::RunfilePath("server/raftkv");
  options.size = size;
  options.hosts = hosts;
  return JepsenCluster::Start(options);
}

std::vector<Link> BridgeLinksForTest(int size) {
  std::mt19937 rng(1);
  return BridgeLinks(0, size, rng);
}

bool EveryMemberWrites(JepsenCluster& cluster) {
  for (int member = 0; member < cluster.size(); ++member) {
    if (!Eventually([&] { return PutOn(cluster, member, "healed", std::to_string(member)); },
                    std::chrono::seconds(20))) {
      return false;
    }
  }
  return true;
}

// Both host modes: namespaces (blackhole routes) and the loopback fallback (iptables).
class IsolatedLeaderTest : public ::testing::TestWithParam<HostMode> {};

TEST_P(IsolatedLeaderTest, IsolatedLeaderLosesWritesMajorityKeepsThem) {
  if (GetParam() == HostMode::kNetns && geteuid() != 0) GTEST_SKIP() << "netns needs root";
  auto cluster = StartCluster(3, GetParam());
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  JepsenCluster& c = **cluster;
  std::cerr << "hosts: " << c.network().Mode() << " " << c.host_note() << std::endl;
  std::ostringstream log;
  NemesisSet set = MakeNemeses({"partition-leader"}, &c, log);
  if (set.partitions_skipped) GTEST_SKIP() << log.str();
  ASSERT_EQ(set.by_name.count("partition-leader"), 1u) << log.str();
  auto& nemesis = dynamic_cast<PartitionNemesis&>(*set.by_name["partition-leader"]);
  ASSERT_GE(c.WaitForLeader(std::chrono::seconds(10)), 0);

  // The target is a follower's index: the nemesis must look the leader up itself.
  const int follower = (c.CurrentLeader() + 1) % 3;
  ASSERT_TRUE(nemesis.Inject(follower).ok());
  // Leadership may move between our look-up and the nemesis's: take the cut's word for it.
  int leader = -1;
  for (int member = 0; member < 3; ++member) {
    if (VisibleFrom(member, nemesis.last_cut(), 3).size() == 1) leader = member;
  }
  ASSERT_GE(leader, 0) << nemesis.LastFault();
  const std::string alone = "m" + std::to_string(leader);
  EXPECT_TRUE(absl::StrContains(nemesis.LastFault(), alone + " sees {" + alone + "}"))
      << nemesis.LastFault();
  const int majority_member = (leader + 1) % 3;
  EXPECT_TRUE(Eventually([&] { return PutOn(c, majority_member, "k", "majority"); },
                         std::chrono::seconds(20)));
  // The isolated member cannot commit anything for as long as the cut lasts.
  for (int attempt = 0; attempt < 3; ++attempt)
    EXPECT_FALSE(PutOn(c, leader, "k", "minority", std::chrono::seconds(1)));
  // Nor does it hear of the majority's write: no traffic crosses the cut in either
  // direction, also not over connections the isolated member dialled before the cut.
  EXPECT_NE(ReadOn(c, leader, "k", ReadMode::kSerializable), "majority");

  ASSERT_TRUE(nemesis.Heal().ok());
  EXPECT_GE(c.WaitForLeader(std::chrono::seconds(30)), 0);
  EXPECT_TRUE(EveryMemberWrites(c));

  // Partial partitions need namespaces: the loopback hosts leave them out, and say so.
  std::ostringstream partial_log;
  NemesisSet partial = MakeNemeses({"partition-ring", "partition-bridge"}, &c, partial_log);
  const bool netns = GetParam() == HostMode::kNetns;
  EXPECT_EQ(partial.by_name.size(), netns ? 2u : 0u) << partial_log.str();
  EXPECT_EQ(partial.partitions_skipped, !netns);
  if (!netns) {
    EXPECT_EQ(c.network().Cut(BridgeLinksForTest(c.size())).code(),
              absl::StatusCode::kUnimplemented);
  }
}

INSTANTIATE_TEST_SUITE_P(Hosts, IsolatedLeaderTest,
                         ::testing::Values(HostMode::kNetns, HostMode::kLoopback),
                         [](const ::testing::TestParamInfo<HostMode>& info) {
                           return info.param == HostMode::kNetns ? "netns" : "loopback";
                         });

TEST(PartitionNemesisTest, FiveMemberRingAndBridgeKeepAMajorityAndHeal) {
  auto cluster = StartCluster(5);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  JepsenCluster& c = **cluster;
  if (!c.network().SupportsPartialPartitions()) GTEST_SKIP() << c.host_note();
  std::ostringstream log;
  NemesisSet set =
      MakeNemeses({"partition-ring", "partition-bridge", "partition-halves"}, &c, log, /*seed=*/42);
  ASSERT_EQ(set.by_name.size(), 3u) << log.str();
  for (auto& [name, nemesis] : set.by_name) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(nemesis->Inject(2).ok());
    std::cerr << name << ": " << nemesis->LastFault() << std::endl;
    // Some member still reaches a majority: writes through it commit.
    EXPECT_TRUE(Eventually(
        [&] {
          for (int member = 0; member < 5; ++member) {
            if (PutOn(c, member, "k", name)) return true;
          }
          return false;
        },
        std::chrono::seconds(30)));
    ASSERT_TRUE(nemesis->Heal().ok());
    EXPECT_GE(c.WaitForLeader(std::chrono::seconds(30)), 0);
    EXPECT_TRUE(EveryMemberWrites(c));
  }
}

}  // namespace
}  // namespace raftkv::jepsen
