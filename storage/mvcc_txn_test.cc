// Txn semantics as in etcd 3.4: compares (all targets and results, ranges),
// one revision per txn, reads see earlier writes, nested txns, failures.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mvcc_store.h"
#include "storage/mvcc_test_util.h"

namespace raftkv::storage {
namespace {

using etcdserverpb::Compare;
using etcdserverpb::RequestOp;
using etcdserverpb::TxnRequest;
using testing::DeleteReq;
using ::testing::ElementsAre;
using testing::Keys;
using testing::OpenOrDie;
using testing::PutReq;
using testing::RangeReq;

Compare Cmp(const std::string& key, Compare::CompareTarget target, Compare::CompareResult result,
            int64_t number, const std::string& value = "") {
  Compare c;
  c.set_key(key);
  c.set_target(target);
  c.set_result(result);
  switch (target) {
    case Compare::VERSION:
      c.set_version(number);
      break;
    case Compare::CREATE:
      c.set_create_revision(number);
      break;
    case Compare::MOD:
      c.set_mod_revision(number);
      break;
    case Compare::LEASE:
      c.set_lease(number);
      break;
    case Compare::VALUE:
      c.set_value(value);
      break;
    default:
      break;
  }
  return c;
}

RequestOp PutOp(const std::string& key, const std::string& value) {
  RequestOp op;
  *op.mutable_request_put() = PutReq(key, value);
  return op;
}
RequestOp GetOp(const std::string& key, const std::string& end = "") {
  RequestOp op;
  *op.mutable_request_range() = RangeReq(key, end);
  return op;
}
RequestOp DeleteOp(const std::string& key, const std::string& end = "") {
  RequestOp op;
  *op.mutable_request_delete_range() = DeleteReq(key, end);
  return op;
}

class MvccTxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.Sub("db"));
    ASSERT_TRUE(store_->Put(PutReq("a", "1", 5), 0).ok());  // 2
    ASSERT_TRUE(store_->Put(PutReq("a", "2", 5), 0).ok());  // 3
    ASSERT_TRUE(store_->Put(PutReq("b", "x"), 0).ok());     // 4
  }
  bool Succeeds(const Compare& compare) {
    TxnRequest txn;
    *txn.add_compare() = compare;
    auto response = store_->Txn(txn, 0);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() && response->succeeded();
  }

  testing::TempDir dir_;
  std::unique_ptr<MvccStore> store_;
};

TEST_F(MvccTxnTest, CompareTargetsAndResults) {
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VERSION, Compare::EQUAL, 2)));
  EXPECT_FALSE(Succeeds(Cmp("a", Compare::VERSION, Compare::EQUAL, 1)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VERSION, Compare::GREATER, 1)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VERSION, Compare::LESS, 3)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VERSION, Compare::NOT_EQUAL, 3)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::CREATE, Compare::EQUAL, 2)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::MOD, Compare::EQUAL, 3)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::LEASE, Compare::EQUAL, 5)));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VALUE, Compare::EQUAL, 0, "2")));
  EXPECT_TRUE(Succeeds(Cmp("a", Compare::VALUE, Compare::GREATER, 0, "1")));
  EXPECT_FALSE(Succeeds(Cmp("a", Compare::VALUE, Compare::LESS, 0, "1")));
}

TEST_F(MvccTxnTest, MissingKeyComparesAsZeroButValueAlwaysFails) {
  EXPECT_TRUE(Succeeds(Cmp("nope", Compare::VERSION, Compare::EQUAL, 0)));
  EXPECT_TRUE(Succeeds(Cmp("nope", Compare::CREATE, Compare::EQUAL, 0)));
  EXPECT_FALSE(Succeeds(Cmp("nope", Compare::VALUE, Compare::EQUAL, 0, "")));
  EXPECT_FALSE(Succeeds(Cmp("nope", Compare::VALUE, Compare::NOT_EQUAL, 0, "x")));
}

TEST_F(MvccTxnTest, CompareOverRangeNeedsEveryKey) {
  Compare c = Cmp("a", Compare::VERSION, Compare::GREATER, 0);
  c.set_range_end("c");
  EXPECT_TRUE(Succeeds(c));
  c = Cmp("a", Compare::VERSION, Compare::EQUAL, 2);
  c.set_range_end("c");
  EXPECT_FALSE(Succeeds(c));  // b has version 1
  c.set_range_end(std::string(1, '\0'));
  EXPECT_FALSE(Succeeds(c));
}

TEST_F(MvccTxnTest, WholeTxnIsOneRevisionAndReadsSeeEarlierWrites) {
  TxnRequest txn;
  *txn.add_compare() = Cmp("a", Compare::VERSION, Compare::EQUAL, 2);
  *txn.add_success() = PutOp("c", "new");
  *txn.add_success() = GetOp("a", "z");
  *txn.add_success() = DeleteOp("b");
  *txn.add_success() = PutOp("c", "newer");
  *txn.add_success() = GetOp("c");
  *txn.add_failure() = PutOp("never", "x");
  auto response = store_->Txn(txn, 0);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->succeeded());
  EXPECT_EQ(response->header().revision(), 5);
  ASSERT_EQ(response->responses_size(), 5);
  EXPECT_EQ(response->responses(0).response_put().header().revision(), 5);
  const auto& range = response->responses(1).response_range();
  EXPECT_THAT(Keys(range), ElementsAre("a", "b", "c"));
  EXPECT_EQ(range.header().revision(), 5);
  EXPECT_EQ(response->responses(2).response_delete_range().deleted(), 1);
  const auto& c = response->responses(4).response_range().kvs(0);
  EXPECT_EQ(c.value(), "newer");
  EXPECT_EQ(c.version(), 2);
  EXPECT_EQ(c.create_revision(), 5);
  EXPECT_EQ(c.mod_revision(), 5);
  EXPECT_EQ(store_->CurrentRevision(), 5);
  auto all = store_->Range(RangeReq("a", "z"));
  EXPECT_THAT(Keys(*all), ElementsAre("a", "c"));
}

TEST_F(MvccTxnTest, FailureBranchRuns) {
  TxnRequest txn;
  *txn.add_compare() = Cmp("a", Compare::VALUE, Compare::EQUAL, 0, "wrong");
  *txn.add_success() = PutOp("s", "1");
  *txn.add_failure() = PutOp("f", "1");
  auto response = store_->Txn(txn, 0);
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->succeeded());
  EXPECT_EQ(store_->Range(RangeReq("f"))->kvs_size(), 1);
  EXPECT_EQ(store_->Range(RangeReq("s"))->kvs_size(), 0);
}

TEST_F(MvccTxnTest, ReadOnlyTxnDoesNotAdvanceRevision) {
  TxnRequest txn;
  *txn.add_success() = GetOp("a");
  *txn.add_success() = DeleteOp("missing");
  auto response = store_->Txn(txn, 0);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->header().revision(), 4);
  EXPECT_EQ(response->responses(1).response_delete_range().header().revision(), 4);
  EXPECT_EQ(store_->CurrentRevision(), 4);
}

TEST_F(MvccTxnTest, NestedTxnComparesSeeStateBeforeTheTxn) {
  TxnRequest inner;
  // Evaluated before the outer put runs, as etcd does.
  *inner.add_compare() = Cmp("n", Compare::VERSION, Compare::EQUAL, 0);
  *inner.add_success() = PutOp("inner-success", "1");
  *inner.add_success() = GetOp("n");
  *inner.add_failure() = PutOp("inner-failure", "1");
  TxnRequest outer;
  *outer.add_success() = PutOp("n", "1");
  RequestOp nested;
  *nested.mutable_request_txn() = inner;
  *outer.add_success() = nested;
  *outer.add_success() = PutOp("after", "1");
  auto response = store_->Txn(outer, 0);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->header().revision(), 5);
  const auto& inner_response = response->responses(1).response_txn();
  EXPECT_TRUE(inner_response.succeeded());
  EXPECT_TRUE(inner_response.has_header());
  EXPECT_EQ(inner_response.header().revision(), 0);
  EXPECT_EQ(inner_response.responses(1).response_range().kvs(0).value(), "1");
  EXPECT_EQ(store_->Range(RangeReq("inner-success"))->kvs(0).mod_revision(), 5);
  EXPECT_EQ(store_->Range(RangeReq("after"))->kvs(0).mod_revision(), 5);
  EXPECT_EQ(store_->CurrentRevision(), 5);
}

TEST_F(MvccTxnTest, InvalidOpsAbortWholeTxn) {
  TxnRequest txn;
  *txn.add_success() = PutOp("x", "1");
  RequestOp bad;
  bad.mutable_request_put()->set_key("missing");
  bad.mutable_request_put()->set_ignore_value(true);
  *txn.add_success() = bad;
  auto response = store_->Txn(txn, 0);
  EXPECT_EQ(response.status().message(), "etcdserver: key not found");
  EXPECT_EQ(store_->CurrentRevision(), 4);
  EXPECT_EQ(store_->Range(RangeReq("x"))->kvs_size(), 0);

  TxnRequest future;
  RequestOp read = GetOp("a");
  read.mutable_request_range()->set_revision(99);
  *future.add_success() = PutOp("y", "1");
  *future.add_success() = read;
  EXPECT_EQ(store_->Txn(future, 0).status().message(),
            "etcdserver: mvcc: required revision is a future revision");
  EXPECT_EQ(store_->CurrentRevision(), 4);
}

TEST_F(MvccTxnTest, TxnEmitsAllEventsOfItsRevision) {
  std::vector<mvccpb::Event> events;
  int64_t at = 0;
  store_->SetEventSink([&](int64_t revision, const std::vector<mvccpb::Event>& batch) {
    at = revision;
    events = batch;
  });
  TxnRequest txn;
  *txn.add_success() = PutOp("a", "3");
  *txn.add_success() = DeleteOp("b");
  ASSERT_TRUE(store_->Txn(txn, 0).ok());
  EXPECT_EQ(at, 5);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), mvccpb::Event::PUT);
  EXPECT_EQ(events[0].prev_kv().value(), "2");
  EXPECT_EQ(events[1].type(), mvccpb::Event::DELETE);
  EXPECT_EQ(events[1].kv().mod_revision(), 5);
  EXPECT_EQ(events[1].prev_kv().value(), "x");
}

}  // namespace
}  // namespace raftkv::storage
