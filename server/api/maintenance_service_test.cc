// MaintenanceService over a real KV core (single-process replication log, LevelDB
// store, persisted alarm table). Snapshot streaming and MoveLeader on a real cluster
// are covered end to end in tests/maintenance_e2e_test.cc.
#include "server/api/maintenance_service.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "server/alarm/quota_guard.h"
#include "server/local_replication_log.h"

namespace raftkv::server::api {
namespace {

class MaintenanceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = storage::MvccStore::Open({(dir_ / "mvcc").string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto alarms = alarm::AlarmStore::Open((dir_ / "alarms").string());
    ASSERT_TRUE(alarms.ok());
    alarms_ = std::move(*alarms);
    log_ = std::make_unique<LocalReplicationLog>(LocalReplicationLog::Options{kMemberId, 0});
    KvCore::Options options;
    options.member_id = kMemberId;
    options.cluster_id = 99;
    core_ = std::make_unique<KvCore>(options, store_.get(), log_.get());
    quota_ = std::make_unique<alarm::QuotaGuard>(
        alarm::QuotaGuard::Options{kQuota, kMemberId}, alarms_.get(),
        [this] { return store_->DbSizeBytes(); },
        [this](const etcdserverpb::AlarmRequest& request) {
          internalpb::InternalRequest internal;
          *internal.mutable_alarm() = request;
          return core_->ProposeCommand(internal);
        });
    core_->SetMaintenance(alarms_.get(), quota_.get());
    ASSERT_TRUE(core_->Start().ok());
    membership_ = std::make_unique<Membership>(99, std::vector<Member>{{kMemberId, "m", {}, {}}});
    MaintenanceContext context;
    context.core = core_.get();
    context.membership = membership_.get();
    context.alarms = alarms_.get();
    service_ = std::make_unique<MaintenanceService>(context);
  }

  void TearDown() override { core_->Stop(); }

  absl::Status Put(const std::string& key, const std::string& value) {
    etcdserverpb::PutRequest put;
    put.set_key(key);
    put.set_value(value);
    return core_->Put(put).status();
  }

  etcdserverpb::AlarmResponse Alarm(etcdserverpb::AlarmRequest::AlarmAction action,
                                    etcdserverpb::AlarmType type) {
    etcdserverpb::AlarmRequest request;
    request.set_action(action);
    request.set_memberid(kMemberId);
    request.set_alarm(type);
    etcdserverpb::AlarmResponse response;
    grpc::ServerContext context;
    EXPECT_TRUE(service_->Alarm(&context, &request, &response).ok());
    return response;
  }

  static constexpr uint64_t kMemberId = 0x1234;
  static constexpr int64_t kQuota = 4 * 1024 * 1024;
  std::filesystem::path dir_;
  std::unique_ptr<storage::MvccStore> store_;
  std::unique_ptr<alarm::AlarmStore> alarms_;
  std::unique_ptr<LocalReplicationLog> log_;
  std::unique_ptr<KvCore> core_;
  std::unique_ptr<alarm::QuotaGuard> quota_;
  std::unique_ptr<Membership> membership_;
  std::unique_ptr<MaintenanceService> service_;
};

TEST_F(MaintenanceServiceTest, StatusReportsIndexesSizesAndAlarms) {
  ASSERT_TRUE(Put("a", "1").ok());
  grpc::ServerContext context;
  etcdserverpb::StatusRequest request;
  etcdserverpb::StatusResponse status;
  ASSERT_TRUE(service_->Status(&context, &request, &status).ok());
  EXPECT_EQ(status.version(), "3.4.0");
  EXPECT_EQ(status.header().member_id(), kMemberId);
  EXPECT_EQ(status.header().cluster_id(), 99u);
  EXPECT_GT(status.dbsize(), 0);
  EXPECT_EQ(status.raftappliedindex(), core_->AppliedIndex());
  EXPECT_GE(status.raftindex(), status.raftappliedindex());
  EXPECT_FALSE(status.islearner());

  Alarm(etcdserverpb::AlarmRequest::ACTIVATE, etcdserverpb::NOSPACE);
  etcdserverpb::StatusResponse alarmed;
  ASSERT_TRUE(service_->Status(&context, &request, &alarmed).ok());
  bool found = false;
  for (const auto& error : alarmed.errors()) {
    found |= error == "memberID:4660 alarm:NOSPACE ";
  }
  EXPECT_TRUE(found) << alarmed.DebugString();
}

TEST_F(MaintenanceServiceTest, AlarmGoesThroughTheLogAndGatesWrites) {
  auto activated = Alarm(etcdserverpb::AlarmRequest::ACTIVATE, etcdserverpb::NOSPACE);
  ASSERT_EQ(activated.alarms_size(), 1);
  EXPECT_EQ(activated.alarms(0).alarm(), etcdserverpb::NOSPACE);
  // Second activation changes nothing.
  EXPECT_EQ(Alarm(etcdserverpb::AlarmRequest::ACTIVATE, etcdserverpb::NOSPACE).alarms_size(), 0);
  EXPECT_EQ(Alarm(etcdserverpb::AlarmRequest::GET, etcdserverpb::NONE).alarms_size(), 1);

  absl::Status refused = Put("k", "v");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(), "etcdserver: mvcc: database space exceeded");

  auto disarmed = Alarm(etcdserverpb::AlarmRequest::DEACTIVATE, etcdserverpb::NOSPACE);
  EXPECT_EQ(disarmed.alarms_size(), 1);
  EXPECT_EQ(Alarm(etcdserverpb::AlarmRequest::GET, etcdserverpb::NONE).alarms_size(), 0);
  EXPECT_TRUE(Put("k", "v").ok());
}

TEST_F(MaintenanceServiceTest, ExceedingTheQuotaRaisesNospace) {
  absl::Status refused = Put("big", std::string(kQuota, 'x'));
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(alarms_->Has(etcdserverpb::NOSPACE));
}

TEST_F(MaintenanceServiceTest, HashKvMatchesStoreAndDetectsChanges) {
  ASSERT_TRUE(Put("a", "1").ok());
  grpc::ServerContext context;
  etcdserverpb::HashKVRequest request;
  etcdserverpb::HashKVResponse first, second;
  ASSERT_TRUE(service_->HashKV(&context, &request, &first).ok());
  EXPECT_EQ(first.compact_revision(), -1);
  EXPECT_EQ(first.header().revision(), store_->CurrentRevision());
  ASSERT_TRUE(Put("a", "2").ok());
  ASSERT_TRUE(service_->HashKV(&context, &request, &second).ok());
  EXPECT_NE(first.hash(), second.hash());
  // Asking for the older revision reproduces the older hash.
  request.set_revision(first.header().revision());
  etcdserverpb::HashKVResponse older;
  ASSERT_TRUE(service_->HashKV(&context, &request, &older).ok());
  EXPECT_EQ(older.hash(), first.hash());

  request.set_revision(store_->CurrentRevision() + 10);
  EXPECT_EQ(service_->HashKV(&context, &request, &older).error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
}

TEST_F(MaintenanceServiceTest, DefragmentKeepsData) {
  ASSERT_TRUE(Put("a", "1").ok());
  grpc::ServerContext context;
  etcdserverpb::DefragmentRequest request;
  etcdserverpb::DefragmentResponse response;
  ASSERT_TRUE(service_->Defragment(&context, &request, &response).ok());
  etcdserverpb::RangeRequest range;
  range.set_key("a");
  range.set_serializable(true);
  auto got = core_->Range(range);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->kvs_size(), 1);
}

TEST_F(MaintenanceServiceTest, MoveLeaderWithoutLeadershipIsNotLeader) {
  grpc::ServerContext context;
  etcdserverpb::MoveLeaderRequest request;
  request.set_targetid(kMemberId);
  etcdserverpb::MoveLeaderResponse response;
  grpc::Status status = service_->MoveLeader(&context, &request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "etcdserver: not leader");
}

}  // namespace
}  // namespace raftkv::server::api
