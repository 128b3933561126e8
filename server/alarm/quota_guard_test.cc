#include "server/alarm/quota_guard.h"

#include <filesystem>

#include "gtest/gtest.h"

namespace raftkv::server::alarm {
namespace {

class QuotaGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = std::filesystem::path(::testing::TempDir()) /
                     ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = AlarmStore::Open((dir / "alarms").string());
    ASSERT_TRUE(store.ok());
    alarms_ = std::move(*store);
  }

  // The "raft" here applies the alarm at once, as a committed proposal would.
  std::unique_ptr<QuotaGuard> MakeGuard(int64_t quota) {
    return std::make_unique<QuotaGuard>(
        QuotaGuard::Options{quota, /*member_id=*/5}, alarms_.get(), [this] { return db_size_; },
        [this](const etcdserverpb::AlarmRequest& request) {
          ++raised_;
          return alarms_->Apply(request).status();
        });
  }

  std::unique_ptr<AlarmStore> alarms_;
  int64_t db_size_ = 1000;
  int raised_ = 0;
};

TEST_F(QuotaGuardTest, WritesWithinQuotaPass) {
  auto guard = MakeGuard(10000);
  EXPECT_TRUE(guard->CheckWrite(100).ok());
  EXPECT_EQ(raised_, 0);
}

TEST_F(QuotaGuardTest, ExceedingRaisesNospaceAndBlocksUntilDisarmed) {
  auto guard = MakeGuard(10000);
  absl::Status status = guard->CheckWrite(9000);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "etcdserver: mvcc: database space exceeded");
  EXPECT_EQ(raised_, 1);
  ASSERT_TRUE(alarms_->Has(etcdserverpb::NOSPACE));
  EXPECT_EQ(alarms_->List()[0].memberid(), 5u);

  // Even a small write fails while the alarm is active...
  EXPECT_EQ(guard->CheckWrite(1).code(), absl::StatusCode::kResourceExhausted);
  // ...and passes once it is disarmed.
  etcdserverpb::AlarmRequest disarm;
  disarm.set_action(etcdserverpb::AlarmRequest::DEACTIVATE);
  disarm.set_memberid(5);
  disarm.set_alarm(etcdserverpb::NOSPACE);
  ASSERT_TRUE(alarms_->Apply(disarm).ok());
  EXPECT_TRUE(guard->CheckWrite(1).ok());
}

TEST_F(QuotaGuardTest, NegativeQuotaDisablesZeroMeansDefault) {
  db_size_ = int64_t{100} * 1024 * 1024 * 1024;
  EXPECT_TRUE(MakeGuard(-1)->CheckWrite(1).ok());
  auto guard = MakeGuard(0);
  EXPECT_EQ(guard->quota_bytes(), QuotaGuard::kDefaultQuotaBytes);
  EXPECT_FALSE(guard->CheckWrite(1).ok());
}

TEST(TxnHasPutTest, FindsNestedPuts) {
  etcdserverpb::TxnRequest txn;
  txn.add_success()->mutable_request_range()->set_key("a");
  EXPECT_FALSE(TxnHasPut(txn));
  txn.add_failure()->mutable_request_txn()->add_success()->mutable_request_put()->set_key("b");
  EXPECT_TRUE(TxnHasPut(txn));
}

}  // namespace
}  // namespace raftkv::server::alarm
