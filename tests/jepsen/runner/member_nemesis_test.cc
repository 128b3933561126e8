// Member removal and re-add against real members, raftkv and the reference etcd 3.4: the
// cluster keeps serving without the removed member, the re-added one gets a new id, catches
// up from empty and serves linearizable reads; a second cycle works too.
#include "tests/jepsen/runner/member_nemesis.h"

#include <unistd.h>

#include <set>

#include "gtest/gtest.h"
#include "tests/harness/eventually.h"
#include "tests/harness/runfiles.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/nemesis_test_support.h"

namespace raftkv::jepsen {
namespace {

// Polls every 100 ms: the remove/re-add cycles are paced like a nemesis, not a race.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  return harness::Eventually(condition, timeout, std::chrono::milliseconds(100));
}

std::set<uint64_t> MemberIds(JepsenCluster& cluster, int asked) {
  auto stub = etcdserverpb::Cluster::NewStub(cluster.Channel(asked));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  etcdserverpb::MemberListResponse response;
  std::set<uint64_t> ids;
  if (!stub->MemberList(&context, etcdserverpb::MemberListRequest(), &response).ok()) return ids;
  for (const auto& member : response.members()) ids.insert(member.id());
  return ids;
}

class MemberNemesisTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string Binary() const {
    return GetParam() == "etcd" ? "/usr/bin/etcd" : harness::RunfilePath("server/raftkv");
  }
};

TEST_P(MemberNemesisTest, RemovedLeaderComesBackAsANewMemberAndCatchesUp) {
  if (GetParam() == "etcd" && access("/usr/bin/etcd", X_OK) != 0) GTEST_SKIP() << "no etcd";
  JepsenClusterOptions options;
  options.binary = Binary();
  auto cluster = JepsenCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  JepsenCluster& c = **cluster;
  const int leader = c.WaitForLeader(std::chrono::seconds(10));
  ASSERT_GE(leader, 0);
  const int other = (leader + 1) % 3;
  const std::set<uint64_t> ids_before = MemberIds(c, other);
  ASSERT_EQ(ids_before.size(), 3u);
  ASSERT_TRUE(Eventually([&] { return PutOn(c, other, "k", "v1"); }, std::chrono::seconds(10)));

  MemberNemesis nemesis(&c);
  for (int target : {leader, other}) {
    SCOPED_TRACE("removing m" + std::to_string(target));
    const int survivor = (target + 2) % 3;
    ASSERT_TRUE(nemesis.Inject(target).ok());
    EXPECT_TRUE(c.Removed(target));
    EXPECT_FALSE(c.Running(target));
    EXPECT_TRUE(
        Eventually([&] { return MemberIds(c, survivor).size() == 2; }, std::chrono::seconds(10)));
    const std::string value = "while-m" + std::to_string(target) + "-removed";
    EXPECT_TRUE(
        Eventually([&] { return PutOn(c, survivor, "k", value); }, std::chrono::seconds(20)));

    absl::Status healed = nemesis.Heal();
    ASSERT_TRUE(healed.ok()) << healed << "\n" << c.Log(target);
    EXPECT_FALSE(c.Removed(target));
    ASSERT_GE(c.WaitForLeader(std::chrono::seconds(30)), 0) << c.Log(target);
    const std::set<uint64_t> ids_after = MemberIds(c, survivor);
    EXPECT_EQ(ids_after.size(), 3u);
    EXPECT_NE(ids_after, ids_before);  // the re-added member has a new id
    EXPECT_TRUE(
        Eventually([&] { return ReadOn(c, target, "k") == value; }, std::chrono::seconds(20)))
        << ReadOn(c, target, "k") << "\n"
        << c.Log(target);
    EXPECT_TRUE(Eventually([&] { return PutOn(c, target, "k", value + "-after"); },
                           std::chrono::seconds(20)));
  }
  // A removed member cannot be restarted by mistake (its data is gone).
  ASSERT_TRUE(nemesis.Inject(0).ok());
  EXPECT_EQ(c.Restart(0).code(), absl::StatusCode::kFailedPrecondition);
  absl::Status final_heal = nemesis.Heal();
  ASSERT_TRUE(final_heal.ok()) << final_heal << "\n" << c.Log(0);
}

INSTANTIATE_TEST_SUITE_P(Targets, MemberNemesisTest, ::testing::Values("raftkv", "etcd"));

}  // namespace
}  // namespace raftkv::jepsen
