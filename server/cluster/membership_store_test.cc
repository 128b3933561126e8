#include "server/cluster/membership_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace raftkv::server {
namespace {

std::string TestDir() {
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("membership_store_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir.string();
}

peerpb::ClusterInfo Info(uint64_t cluster_id, int members) {
  peerpb::ClusterInfo info;
  info.set_cluster_id(cluster_id);
  for (int i = 1; i <= members; ++i) info.add_members()->set_id(i);
  return info;
}

TEST(MembershipStoreTest, EmptyDirHasNothing) {
  MembershipStore store(TestDir());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST(MembershipStoreTest, NewestSaveWins) {
  MembershipStore store(TestDir());
  ASSERT_TRUE(store.Save(Info(5, 3), 3).ok());
  ASSERT_TRUE(store.Save(Info(5, 4), 17).ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->members_size(), 4);
}

TEST(MembershipStoreTest, DamagedNewestFallsBackAndAllDamagedFailsLoudly) {
  const std::string dir = TestDir();
  MembershipStore store(dir);
  ASSERT_TRUE(store.Save(Info(5, 3), 3).ok());
  ASSERT_TRUE(store.Save(Info(5, 4), 17).ok());
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 2u);
  auto corrupt = [](const std::string& path) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-6, std::ios::end);
    f.put('\x77');
  };
  corrupt(files[1]);  // the newer one
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->members_size(), 3);
  corrupt(files[0]);
  EXPECT_EQ(store.Load().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace raftkv::server
