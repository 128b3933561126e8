#include "server/snapshot/state_snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/snapshot_file.h"

namespace raftkv::server {
namespace {

class StateSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("state_snapshot_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "snap");
    source_ = OpenStore("source");
    target_ = OpenStore("target");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<storage::MvccStore> OpenStore(const std::string& name) {
    storage::MvccStore::Options options;
    options.path = (root_ / name).string();
    options.sync_writes = false;
    auto store = storage::MvccStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(*store);
  }

  void Put(storage::MvccStore* store, const std::string& key, const std::string& value,
           uint64_t index) {
    etcdserverpb::PutRequest put;
    put.set_key(key);
    put.set_value(value);
    ASSERT_TRUE(store->Put(put, index).ok());
  }

  std::string Write() {
    raftpb::SnapshotMetadata meta;
    meta.set_index(42);
    meta.set_term(3);
    meta.mutable_conf_state()->add_voters(1);
    StateSnapshotSource source;
    source.store = source_.get();
    source.cluster = [] {
      peerpb::ClusterInfo info;
      info.set_cluster_id(99);
      info.add_members()->set_name("n1");
      return info;
    };
    source.leases = [] {
      internalpb::LeaseRecord lease;
      lease.set_id(7);
      lease.set_ttl(30);
      return std::vector<internalpb::LeaseRecord>{lease};
    };
    source.alarms = [] {
      etcdserverpb::AlarmMember alarm;
      alarm.set_memberid(3);
      alarm.set_alarm(etcdserverpb::NOSPACE);
      return std::vector<etcdserverpb::AlarmMember>{alarm};
    };
    auto path = WriteStateSnapshot((root_ / "snap").string(), meta, source);
    EXPECT_TRUE(path.ok()) << path.status();
    return *path;
  }

  std::filesystem::path root_;
  std::unique_ptr<storage::MvccStore> source_;
  std::unique_ptr<storage::MvccStore> target_;
};

TEST_F(StateSnapshotTest, RoundTripRestoresStoreMembershipLeasesAndAlarms) {
  Put(source_.get(), "a", "1", 40);
  Put(source_.get(), "b", "2", 41);
  Put(target_.get(), "stale", "x", 1);
  const std::string path = Write();

  peerpb::ClusterInfo restored_cluster;
  std::vector<internalpb::LeaseRecord> restored_leases;
  uint64_t restored_index = 0;
  StateSnapshotTarget target;
  target.store = target_.get();
  target.restore_cluster = [&](const peerpb::ClusterInfo& c) { restored_cluster = c; };
  target.restore_leases = [&](const std::vector<internalpb::LeaseRecord>& l, uint64_t index) {
    restored_leases = l;
    restored_index = index;
    return absl::OkStatus();
  };
  std::vector<etcdserverpb::AlarmMember> restored_alarms;
  target.restore_alarms = [&](const std::vector<etcdserverpb::AlarmMember>& alarms) {
    restored_alarms = alarms;
    return absl::OkStatus();
  };
  ASSERT_TRUE(RestoreStateSnapshot(path, target).ok());

  etcdserverpb::RangeRequest all;
  all.set_key(std::string(1, '\0'));
  all.set_range_end(std::string(1, '\0'));
  auto range = target_->Range(all);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->kvs_size(), 2);
  EXPECT_EQ(range->kvs(0).key(), "a");
  EXPECT_EQ(range->kvs(1).value(), "2");
  EXPECT_EQ(target_->CurrentRevision(), source_->CurrentRevision());
  EXPECT_EQ(target_->AppliedIndex(), 42u);
  EXPECT_EQ(restored_cluster.cluster_id(), 99u);
  ASSERT_EQ(restored_leases.size(), 1u);
  EXPECT_EQ(restored_leases[0].id(), 7);
  EXPECT_EQ(restored_index, 42u);
  ASSERT_EQ(restored_alarms.size(), 1u);
  EXPECT_EQ(restored_alarms[0].memberid(), 3u);
  EXPECT_EQ(restored_alarms[0].alarm(), etcdserverpb::NOSPACE);
}

TEST_F(StateSnapshotTest, DamagedFileChangesNothing) {
  Put(source_.get(), "a", "1", 1);
  Put(target_.get(), "keep", "me", 1);
  const std::string path = Write();
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-20, std::ios::end);
    f.put('\x5a');
  }
  StateSnapshotTarget target;
  target.store = target_.get();
  bool cluster_touched = false;
  target.restore_cluster = [&](const peerpb::ClusterInfo&) { cluster_touched = true; };
  EXPECT_FALSE(RestoreStateSnapshot(path, target).ok());
  EXPECT_FALSE(cluster_touched);
  etcdserverpb::RangeRequest get;
  get.set_key("keep");
  auto range = target_->Range(get);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->kvs_size(), 1);
}

}  // namespace
}  // namespace raftkv::server
