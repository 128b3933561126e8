#include "server/lease/lessor.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "server/lease/lease_errors.h"

namespace raftkv::server::lease {
namespace {

class LessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/lessor_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/member/lease";
    std::filesystem::remove_all(path_);
    Reopen();
  }

  void Reopen(int64_t min_ttl = 2) {
    lessor_.reset();
    auto store = LeaseStore::Open({path_, /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    LessorOptions options;
    options.min_ttl_seconds = min_ttl;
    auto lessor = Lessor::Open(std::move(*store), &clock_, options);
    ASSERT_TRUE(lessor.ok()) << lessor.status();
    lessor_ = std::move(*lessor);
  }

  uint64_t NextIndex() { return ++index_; }

  std::string path_;
  FakeClock clock_;
  std::unique_ptr<Lessor> lessor_;
  uint64_t index_ = 0;
};

TEST_F(LessorTest, GrantRaisesToMinimumTtlAndRejectsBadRequests) {
  auto granted = lessor_->Grant(7, 1, NextIndex());
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(granted->ttl, 2);
  EXPECT_EQ(lessor_->Grant(8, 60, NextIndex())->ttl, 60);

  auto duplicate = lessor_->Grant(7, 10, NextIndex());
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(duplicate.status().message(), "etcdserver: lease already exists");
  auto too_large = lessor_->Grant(9, Lessor::kMaxLeaseTtl + 1, NextIndex());
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(too_large.status().message(), "etcdserver: too large lease TTL");
  EXPECT_EQ(lessor_->Grant(0, 10, NextIndex()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LessorTest, RevokeForgetsLeaseAndKeys) {
  ASSERT_TRUE(lessor_->Grant(1, 10, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Attach(1, "b").ok());
  ASSERT_TRUE(lessor_->Attach(1, "a").ok());
  EXPECT_EQ(*lessor_->Keys(1), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(lessor_->Revoke(1, NextIndex()).ok());
  EXPECT_FALSE(lessor_->Exists(1));
  EXPECT_EQ(lessor_->LeaseOfKey("a"), 0);
  auto again = lessor_->Revoke(1, NextIndex());
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "etcdserver: requested lease not found");
}

TEST_F(LessorTest, AttachDetachAndMoveBetweenLeases) {
  ASSERT_TRUE(lessor_->Grant(1, 10, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Grant(2, 10, NextIndex()).ok());
  EXPECT_EQ(lessor_->Attach(3, "k").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(lessor_->Attach(1, "k").ok());
  EXPECT_EQ(lessor_->LeaseOfKey("k"), 1);
  ASSERT_TRUE(lessor_->Attach(2, "k").ok());  // a Put with a different lease
  EXPECT_EQ(lessor_->LeaseOfKey("k"), 2);
  EXPECT_TRUE(lessor_->Keys(1)->empty());
  ASSERT_TRUE(lessor_->Detach(2, "k").ok());
  EXPECT_EQ(lessor_->LeaseOfKey("k"), 0);
  EXPECT_TRUE(lessor_->Keys(2)->empty());
  auto ttl = lessor_->TimeToLive(2, true);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->keys_size(), 0);
}

TEST_F(LessorTest, OnlyThePrimaryExpiresAndRenews) {
  ASSERT_TRUE(lessor_->Grant(1, 5, NextIndex()).ok());
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());  // followers never expire leases
  EXPECT_TRUE(IsNotPrimary(lessor_->Renew(1).status()));

  lessor_->Promote(absl::ZeroDuration());
  clock_.Advance(absl::Seconds(4));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());
  EXPECT_EQ(*lessor_->Renew(1), 5);
  clock_.Advance(absl::Seconds(4));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());  // renewal restarted the countdown
  EXPECT_EQ(lessor_->TimeToLive(1, false)->ttl(), 1);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(lessor_->ExpiredLeases(), std::vector<int64_t>{1});
  // Reported once per retry interval until the revoke is applied.
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());
  EXPECT_EQ(lessor_->Renew(1).status().code(), absl::StatusCode::kNotFound);
  clock_.Advance(absl::Seconds(3));
  EXPECT_EQ(lessor_->ExpiredLeases(), std::vector<int64_t>{1});
  EXPECT_TRUE(lessor_->Exists(1));  // nothing vanishes until the revoke applies
  ASSERT_TRUE(lessor_->Revoke(1, NextIndex()).ok());
  clock_.Advance(absl::Seconds(3));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());
}

TEST_F(LessorTest, PromoteRestartsEveryCountdownDemoteStopsIt) {
  lessor_->Promote(absl::ZeroDuration());
  ASSERT_TRUE(lessor_->Grant(1, 10, NextIndex()).ok());
  clock_.Advance(absl::Seconds(9));
  lessor_->Demote();
  EXPECT_FALSE(lessor_->IsPrimary());
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());
  // New leader: full TTL plus the extension, not the 1 s that was left.
  lessor_->Promote(absl::Seconds(1));
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(lessor_->ExpiredLeases().empty());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(lessor_->ExpiredLeases(), std::vector<int64_t>{1});
}

TEST_F(LessorTest, CheckpointedRemainingTtlIsUsedOnPromote) {
  ASSERT_TRUE(lessor_->Grant(1, 100, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Checkpoint(1, 20, NextIndex()).ok());
  Reopen();
  lessor_->Promote(absl::ZeroDuration());
  EXPECT_EQ(lessor_->TimeToLive(1, false)->ttl(), 20);
  EXPECT_EQ(lessor_->TimeToLive(1, false)->grantedttl(), 100);
  EXPECT_EQ(*lessor_->Renew(1), 100);
  EXPECT_EQ(lessor_->TimeToLive(1, false)->ttl(), 100);
}

TEST_F(LessorTest, LeasesSurviveReopenAndStartNonExpiring) {
  ASSERT_TRUE(lessor_->Grant(1, 30, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Grant(2, 1, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Grant(3, 30, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Revoke(3, NextIndex()).ok());
  Reopen(/*min_ttl=*/5);
  EXPECT_EQ(lessor_->AppliedIndex(), 4u);
  EXPECT_EQ(lessor_->Leases().size(), 2u);
  EXPECT_FALSE(lessor_->Exists(3));
  EXPECT_EQ(lessor_->TimeToLive(2, false)->grantedttl(), 5);       // re-raised to the new minimum
  EXPECT_GT(lessor_->TimeToLive(1, false)->ttl(), 1'000'000'000);  // non-expiring until Promote
}

TEST_F(LessorTest, ReplayedEntriesAreSkippedByIndex) {
  ASSERT_TRUE(lessor_->Grant(1, 30, 10).ok());
  ASSERT_TRUE(lessor_->Revoke(1, 11).ok());
  Reopen();
  // The log is replayed from an older snapshot: entries 10 and 11 come again.
  auto replayed = lessor_->Grant(1, 30, 10);
  ASSERT_TRUE(replayed.ok());
  EXPECT_FALSE(lessor_->Exists(1));
  EXPECT_TRUE(lessor_->Revoke(1, 11).ok());
  // A duplicate id at a new index is a real error again.
  ASSERT_TRUE(lessor_->Grant(1, 30, 12).ok());
  EXPECT_EQ(lessor_->Grant(1, 30, 13).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(LessorTest, LeasesListsSoonestExpiringFirst) {
  lessor_->Promote(absl::ZeroDuration());
  ASSERT_TRUE(lessor_->Grant(1, 50, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Grant(2, 10, NextIndex()).ok());
  ASSERT_TRUE(lessor_->Grant(3, 30, NextIndex()).ok());
  EXPECT_EQ(lessor_->Leases(), (std::vector<int64_t>{2, 3, 1}));
}

TEST_F(LessorTest, TimeToLiveUnknownLease) {
  auto missing = lessor_->TimeToLive(42, true);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "etcdserver: requested lease not found");
}

}  // namespace
}  // namespace raftkv::server::lease

namespace raftkv::server::lease {
namespace {

TEST(LessorSnapshotTest, ExportThenReplaceAllRoundTripsAndDropsOthers) {
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("lessor_snapshot_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  RealClock clock;
  auto open = [&](const std::string& name) {
    auto store = LeaseStore::Open({(dir / name).string(), false});
    EXPECT_TRUE(store.ok());
    auto lessor = Lessor::Open(std::move(*store), &clock, {});
    EXPECT_TRUE(lessor.ok());
    return std::move(*lessor);
  };
  auto source = open("a");
  auto target = open("b");
  ASSERT_TRUE(source->Grant(1, 10, 1).ok());
  ASSERT_TRUE(source->Grant(2, 20, 2).ok());
  ASSERT_TRUE(target->Grant(2, 99, 1).ok());
  ASSERT_TRUE(target->Grant(3, 30, 2).ok());
  ASSERT_TRUE(target->ReplaceAll(source->Export(), 5).ok());
  EXPECT_EQ(target->AppliedIndex(), 5u);
  EXPECT_TRUE(target->Exists(1));
  EXPECT_TRUE(target->Exists(2));
  EXPECT_FALSE(target->Exists(3));
  auto ttl = target->TimeToLive(2, false);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->grantedttl(), 20);
  target.reset();
  auto reopened = open("b");  // persisted, including the lease present on both sides
  EXPECT_TRUE(reopened->Exists(1));
  EXPECT_TRUE(reopened->Exists(2));
  EXPECT_FALSE(reopened->Exists(3));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace raftkv::server::lease
