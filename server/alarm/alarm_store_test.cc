#include "server/alarm/alarm_store.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace raftkv::server::alarm {
namespace {

etcdserverpb::AlarmRequest Request(etcdserverpb::AlarmRequest::AlarmAction action, uint64_t member,
                                   etcdserverpb::AlarmType type) {
  etcdserverpb::AlarmRequest request;
  request.set_action(action);
  request.set_memberid(member);
  request.set_alarm(type);
  return request;
}

class AlarmStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "alarms").string();
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(AlarmStoreTest, ActivateListDeactivate) {
  auto store = AlarmStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Empty());

  auto activated =
      (*store)->Apply(Request(etcdserverpb::AlarmRequest::ACTIVATE, 7, etcdserverpb::NOSPACE));
  ASSERT_TRUE(activated.ok());
  ASSERT_EQ(activated->alarms_size(), 1);
  EXPECT_EQ(activated->alarms(0).memberid(), 7u);
  EXPECT_TRUE((*store)->Has(etcdserverpb::NOSPACE));
  EXPECT_FALSE((*store)->Has(etcdserverpb::CORRUPT));

  // Activating again changes nothing and reports nothing, as etcd.
  auto again =
      (*store)->Apply(Request(etcdserverpb::AlarmRequest::ACTIVATE, 7, etcdserverpb::NOSPACE));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->alarms_size(), 0);

  auto listed = (*store)->Apply(Request(etcdserverpb::AlarmRequest::GET, 0, etcdserverpb::NONE));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->alarms_size(), 1);

  auto deactivated =
      (*store)->Apply(Request(etcdserverpb::AlarmRequest::DEACTIVATE, 7, etcdserverpb::NOSPACE));
  ASSERT_TRUE(deactivated.ok());
  EXPECT_EQ(deactivated->alarms_size(), 1);
  EXPECT_TRUE((*store)->Empty());
}

TEST_F(AlarmStoreTest, SurvivesReopen) {
  {
    auto store = AlarmStore::Open(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->Apply(Request(etcdserverpb::AlarmRequest::ACTIVATE, 9, etcdserverpb::NOSPACE))
                    .ok());
  }
  auto reopened = AlarmStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto alarms = (*reopened)->List();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].memberid(), 9u);
  EXPECT_EQ(alarms[0].alarm(), etcdserverpb::NOSPACE);
}

TEST_F(AlarmStoreTest, ReplaceAllSwapsTheWholeSetDurably) {
  {
    auto store = AlarmStore::Open(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->Apply(Request(etcdserverpb::AlarmRequest::ACTIVATE, 1, etcdserverpb::CORRUPT))
                    .ok());
    etcdserverpb::AlarmMember nospace;
    nospace.set_memberid(5);
    nospace.set_alarm(etcdserverpb::NOSPACE);
    ASSERT_TRUE((*store)->ReplaceAll({nospace}).ok());
    EXPECT_FALSE((*store)->Has(etcdserverpb::CORRUPT));
    EXPECT_TRUE((*store)->Has(etcdserverpb::NOSPACE));
  }
  auto reopened = AlarmStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto alarms = (*reopened)->List();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].memberid(), 5u);
  EXPECT_EQ(alarms[0].alarm(), etcdserverpb::NOSPACE);
}

TEST_F(AlarmStoreTest, DamagedFileIsReportedNotIgnored) {
  {
    auto store = AlarmStore::Open(path_);
    ASSERT_TRUE((*store)
                    ->Apply(Request(etcdserverpb::AlarmRequest::ACTIVATE, 9, etcdserverpb::NOSPACE))
                    .ok());
  }
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-1, std::ios::end);
    file.put('\x7f');
  }
  auto reopened = AlarmStore::Open(path_);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(AlarmToStringTest, MatchesEtcdCompactText) {
  etcdserverpb::AlarmMember alarm;
  alarm.set_memberid(10276657743932975437u);
  alarm.set_alarm(etcdserverpb::NOSPACE);
  EXPECT_EQ(AlarmToString(alarm), "memberID:10276657743932975437 alarm:NOSPACE ");
}

}  // namespace
}  // namespace raftkv::server::alarm
