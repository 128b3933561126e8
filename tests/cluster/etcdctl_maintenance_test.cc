// etcdctl 3.4's Maintenance commands against a real three-member raftkv cluster:
// snapshot save, move-leader, defrag. A failure marked "[RPC NOT IMPLEMENTED YET in
// raftkv]" means the server still answers UNIMPLEMENTED for that RPC.
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

using EtcdctlMaintenanceTest = ThreeMemberClusterTest;

TEST_F(EtcdctlMaintenanceTest, SnapshotSaveWritesAFile) {
  ASSERT_TRUE(PutKeys(cluster_->Rpc(leader_), "snap/", 20).ok());
  const std::string path = cluster_->DataDir(leader_) + "-backup.db";
  CommandResult save = RunEtcdctl({cluster_->EndpointsFlag({leader_}), "snapshot", "save", path});
  ASSERT_EQ(save.exit_code, 0) << Explain(save);
  EXPECT_TRUE(absl::StrContains(save.out, "Snapshot saved at " + path)) << save.out;
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 0u);
}

TEST_F(EtcdctlMaintenanceTest, MoveLeaderHandsLeadershipToTheChosenMember) {
  const int target = (leader_ + 1) % cluster_->size();
  auto target_id = cluster_->MemberId(target);
  ASSERT_TRUE(target_id.ok()) << target_id.status();
  CommandResult move = RunEtcdctl({cluster_->EndpointsFlag(), "move-leader", HexId(*target_id)});
  ASSERT_EQ(move.exit_code, 0) << Explain(move);
  EXPECT_TRUE(absl::StrContains(move.out, "Leadership transferred")) << move.out;
  EXPECT_TRUE(
      Eventually([&] { return cluster_->WaitForLeader(seconds(1)) == target; }, seconds(10)))
      << "leader is still " << cluster_->Name(cluster_->WaitForLeader(seconds(1)));
}

TEST_F(EtcdctlMaintenanceTest, DefragmentsEveryMember) {
  ASSERT_TRUE(PutKeys(cluster_->Rpc(leader_), "defrag/", 20).ok());
  CommandResult defrag = RunEtcdctl({cluster_->EndpointsFlag(), "defrag"});
  ASSERT_EQ(defrag.exit_code, 0) << Explain(defrag);
  for (int member = 0; member < cluster_->size(); ++member) {
    EXPECT_TRUE(absl::StrContains(
        defrag.out, "Finished defragmenting etcd member[" + cluster_->ClientEndpoint(member)))
        << defrag.out;
  }
  // The data is still there afterwards.
  auto kept = cluster_->Rpc(leader_).SerializableRangePrefix("defrag/");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->size(), 20u);
}

}  // namespace
}  // namespace raftkv::cluster_test
