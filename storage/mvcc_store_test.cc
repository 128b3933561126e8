// Behaviour of the MVCC store against etcd 3.4's rules: ranges and their
// options, revisions, put/delete, compaction and emitted events.
#include "storage/mvcc_store.h"

#include <mutex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mvcc_test_util.h"

namespace raftkv::storage {
namespace {

using etcdserverpb::RangeRequest;
using testing::DeleteReq;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Keys;
using testing::OpenOrDie;
using testing::PutReq;
using testing::RangeReq;

constexpr char kCompacted[] = "etcdserver: mvcc: required revision has been compacted";
constexpr char kFuture[] = "etcdserver: mvcc: required revision is a future revision";

class MvccStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenOrDie(dir_.Sub("db")); }

  int64_t Put(const std::string& key, const std::string& value, int64_t lease = 0) {
    auto response = store_->Put(PutReq(key, value, lease), 0);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->header().revision() : -1;
  }
  etcdserverpb::RangeResponse Get(const RangeRequest& request) {
    auto response = store_->Range(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : etcdserverpb::RangeResponse();
  }

  testing::TempDir dir_;
  std::unique_ptr<MvccStore> store_;
};

TEST_F(MvccStoreTest, EmptyStoreIsAtRevisionOne) {
  EXPECT_EQ(store_->CurrentRevision(), 1);
  EXPECT_EQ(store_->CompactRevision(), -1);
  auto response = Get(RangeReq("a"));
  EXPECT_EQ(response.header().revision(), 1);
  EXPECT_EQ(response.count(), 0);
  EXPECT_THAT(Keys(response), IsEmpty());
}

TEST_F(MvccStoreTest, PutAssignsRevisionsVersionsAndCreateRevision) {
  EXPECT_EQ(Put("a", "1"), 2);
  EXPECT_EQ(Put("a", "2"), 3);
  EXPECT_EQ(Put("b", "x"), 4);
  auto a = Get(RangeReq("a"));
  ASSERT_EQ(a.kvs_size(), 1);
  EXPECT_EQ(a.kvs(0).value(), "2");
  EXPECT_EQ(a.kvs(0).create_revision(), 2);
  EXPECT_EQ(a.kvs(0).mod_revision(), 3);
  EXPECT_EQ(a.kvs(0).version(), 2);
  EXPECT_EQ(a.header().revision(), 4);
  EXPECT_EQ(store_->CurrentRevision(), 4);
}

TEST_F(MvccStoreTest, DeleteEndsGenerationAndResetsVersion) {
  Put("a", "1");  // 2
  Put("a", "2");  // 3
  auto deleted = store_->DeleteRange(DeleteReq("a"), 0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->deleted(), 1);
  EXPECT_EQ(deleted->header().revision(), 4);
  EXPECT_EQ(Get(RangeReq("a")).kvs_size(), 0);
  EXPECT_EQ(Put("a", "3"), 5);
  auto a = Get(RangeReq("a"));
  ASSERT_EQ(a.kvs_size(), 1);
  EXPECT_EQ(a.kvs(0).create_revision(), 5);
  EXPECT_EQ(a.kvs(0).version(), 1);
  // History is still readable before and inside the old generation.
  EXPECT_EQ(Get(RangeReq("a", "", 3)).kvs(0).value(), "2");
  EXPECT_EQ(Get(RangeReq("a", "", 3)).kvs(0).version(), 2);
  EXPECT_EQ(Get(RangeReq("a", "", 4)).kvs_size(), 0);
  EXPECT_EQ(Get(RangeReq("a", "", 1)).kvs_size(), 0);
}

TEST_F(MvccStoreTest, DeleteOfMissingKeyDoesNotAdvanceRevision) {
  Put("a", "1");
  auto deleted = store_->DeleteRange(DeleteReq("zzz"), 0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->deleted(), 0);
  EXPECT_EQ(deleted->header().revision(), 2);
  EXPECT_EQ(store_->CurrentRevision(), 2);
}

TEST_F(MvccStoreTest, DeleteRangeReturnsPrevKvsAndSharesOneRevision) {
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  etcdserverpb::DeleteRangeRequest request = DeleteReq("a", "c");
  request.set_prev_kv(true);
  auto deleted = store_->DeleteRange(request, 0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->deleted(), 2);
  ASSERT_EQ(deleted->prev_kvs_size(), 2);
  EXPECT_EQ(deleted->prev_kvs(0).key(), "a");
  EXPECT_EQ(deleted->prev_kvs(1).value(), "2");
  EXPECT_EQ(deleted->header().revision(), 5);
  EXPECT_THAT(Keys(Get(RangeReq(std::string(1, '\0'), std::string(1, '\0')))), ElementsAre("c"));
}

class RangeShapesTest : public MvccStoreTest {
 protected:
  void SetUp() override {
    MvccStoreTest::SetUp();
    for (const char* key : {"a", "ab", "abc", "b", "c"}) Put(key, std::string("v") + key);
  }
};

TEST_F(RangeShapesTest, SingleKey) {
  EXPECT_THAT(Keys(Get(RangeReq("ab"))), ElementsAre("ab"));
  EXPECT_THAT(Keys(Get(RangeReq("zz"))), IsEmpty());
}

TEST_F(RangeShapesTest, HalfOpenInterval) {
  EXPECT_THAT(Keys(Get(RangeReq("ab", "b"))), ElementsAre("ab", "abc"));
  EXPECT_THAT(Keys(Get(RangeReq("b", "a"))), IsEmpty());
}

TEST_F(RangeShapesTest, Prefix) {
  EXPECT_THAT(Keys(Get(RangeReq("a", "b"))), ElementsAre("a", "ab", "abc"));
}

TEST_F(RangeShapesTest, FromKeyAndAllKeys) {
  const std::string nul(1, '\0');
  EXPECT_THAT(Keys(Get(RangeReq("abc", nul))), ElementsAre("abc", "b", "c"));
  EXPECT_THAT(Keys(Get(RangeReq(nul, nul))), ElementsAre("a", "ab", "abc", "b", "c"));
}

TEST_F(RangeShapesTest, LimitSetsMoreAndCountsAll) {
  RangeRequest request = RangeReq("a", "z");
  request.set_limit(2);
  auto response = Get(request);
  EXPECT_THAT(Keys(response), ElementsAre("a", "ab"));
  EXPECT_TRUE(response.more());
  EXPECT_EQ(response.count(), 5);
  request.set_limit(5);
  EXPECT_FALSE(Get(request).more());
}

TEST_F(RangeShapesTest, CountOnlyAndKeysOnly) {
  RangeRequest request = RangeReq("a", "b");
  request.set_count_only(true);
  auto counted = Get(request);
  EXPECT_EQ(counted.count(), 3);
  EXPECT_EQ(counted.kvs_size(), 0);
  request.set_count_only(false);
  request.set_keys_only(true);
  auto keys = Get(request);
  ASSERT_EQ(keys.kvs_size(), 3);
  EXPECT_EQ(keys.kvs(0).value(), "");
  EXPECT_EQ(keys.kvs(0).mod_revision(), 2);
}

TEST_F(RangeShapesTest, EmptyKeyIsRejected) {
  auto response = store_->Range(RangeReq(""));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "etcdserver: key is not provided");
}

TEST_F(MvccStoreTest, SortByEachTarget) {
  Put("a", "3");   // 2
  Put("b", "1");   // 3
  Put("c", "2");   // 4
  Put("b", "1b");  // 5: b version 2
  Put("b", "1c");  // 6: b version 3
  RangeRequest request = RangeReq("a", "z");
  request.set_sort_order(RangeRequest::DESCEND);
  request.set_sort_target(RangeRequest::KEY);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("c", "b", "a"));
  request.set_sort_target(RangeRequest::VALUE);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("a", "c", "b"));
  request.set_sort_target(RangeRequest::MOD);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("b", "c", "a"));
  request.set_sort_order(RangeRequest::ASCEND);
  request.set_sort_target(RangeRequest::CREATE);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("a", "b", "c"));
  request.set_sort_order(RangeRequest::DESCEND);
  request.set_sort_target(RangeRequest::VERSION);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("b", "a", "c"));  // ties keep key order
}

TEST_F(MvccStoreTest, SortTargetWithoutOrderDefaultsToAscend) {
  Put("a", "z");
  Put("b", "y");
  RangeRequest request = RangeReq("a", "z");
  request.set_sort_target(RangeRequest::VALUE);
  EXPECT_THAT(Keys(Get(request)), ElementsAre("b", "a"));
}

TEST_F(MvccStoreTest, SortHappensBeforeLimit) {
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  RangeRequest request = RangeReq("a", "z");
  request.set_sort_order(RangeRequest::DESCEND);
  request.set_limit(1);
  auto response = Get(request);
  EXPECT_THAT(Keys(response), ElementsAre("c"));
  EXPECT_TRUE(response.more());
  EXPECT_EQ(response.count(), 3);
}

TEST_F(MvccStoreTest, RevisionFiltersApplyBeforeLimitButNotToCount) {
  Put("a", "1");  // 2
  Put("b", "1");  // 3
  Put("c", "1");  // 4
  Put("a", "2");  // 5
  RangeRequest request = RangeReq("a", "z");
  request.set_min_mod_revision(3);
  request.set_max_mod_revision(4);
  auto response = Get(request);
  EXPECT_THAT(Keys(response), ElementsAre("b", "c"));
  EXPECT_EQ(response.count(), 3);  // etcd counts before filtering
  request.set_limit(1);
  response = Get(request);
  EXPECT_THAT(Keys(response), ElementsAre("b"));
  EXPECT_TRUE(response.more());

  RangeRequest created = RangeReq("a", "z");
  created.set_min_create_revision(3);
  EXPECT_THAT(Keys(Get(created)), ElementsAre("b", "c"));
  created.set_min_create_revision(0);
  created.set_max_create_revision(2);
  EXPECT_THAT(Keys(Get(created)), ElementsAre("a"));
}

TEST_F(MvccStoreTest, HistoricalReadsAndFutureRevision) {
  Put("a", "1");  // 2
  Put("a", "2");  // 3
  Put("b", "1");  // 4
  auto at2 = Get(RangeReq("a", "z", 2));
  EXPECT_THAT(Keys(at2), ElementsAre("a"));
  EXPECT_EQ(at2.kvs(0).value(), "1");
  EXPECT_EQ(at2.header().revision(), 4);  // header is the current revision
  auto future = store_->Range(RangeReq("a", "", 5));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(future.status().message(), kFuture);
}

TEST_F(MvccStoreTest, PutPrevKvAndLease) {
  Put("a", "1", 7);
  etcdserverpb::PutRequest request = PutReq("a", "2");
  request.set_prev_kv(true);
  auto response = store_->Put(request, 0);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->prev_kv().value(), "1");
  EXPECT_EQ(response->prev_kv().lease(), 7);
  EXPECT_EQ(Get(RangeReq("a")).kvs(0).lease(), 0);
  request = PutReq("fresh", "x");
  request.set_prev_kv(true);
  response = store_->Put(request, 0);
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->has_prev_kv());
}

TEST_F(MvccStoreTest, IgnoreValueAndIgnoreLease) {
  Put("a", "keep", 9);
  etcdserverpb::PutRequest request;
  request.set_key("a");
  request.set_ignore_value(true);
  request.set_lease(11);
  ASSERT_TRUE(store_->Put(request, 0).ok());
  auto kv = Get(RangeReq("a")).kvs(0);
  EXPECT_EQ(kv.value(), "keep");
  EXPECT_EQ(kv.lease(), 11);
  EXPECT_EQ(kv.version(), 2);

  request.Clear();
  request.set_key("a");
  request.set_value("new");
  request.set_ignore_lease(true);
  ASSERT_TRUE(store_->Put(request, 0).ok());
  kv = Get(RangeReq("a")).kvs(0);
  EXPECT_EQ(kv.value(), "new");
  EXPECT_EQ(kv.lease(), 11);
}

TEST_F(MvccStoreTest, IgnoreFlagErrorsMatchEtcd) {
  etcdserverpb::PutRequest request;
  request.set_key("missing");
  request.set_ignore_value(true);
  auto missing = store_->Put(request, 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "etcdserver: key not found");

  Put("a", "1");
  request.set_key("a");
  request.set_value("v");
  auto value = store_->Put(request, 0);
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(value.status().message(), "etcdserver: value is provided");

  request.Clear();
  request.set_key("a");
  request.set_ignore_lease(true);
  request.set_lease(5);
  auto lease = store_->Put(request, 0);
  EXPECT_EQ(lease.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(lease.status().message(), "etcdserver: lease is provided");
  EXPECT_EQ(store_->CurrentRevision(), 2);  // failed writes change nothing
}

TEST_F(MvccStoreTest, CompactionErrorsAndHistory) {
  Put("a", "1");                                         // 2
  Put("a", "2");                                         // 3
  Put("b", "1");                                         // 4
  store_->DeleteRange(DeleteReq("b"), 0).IgnoreError();  // 5
  Put("c", "1");                                         // 6
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(7);
  EXPECT_EQ(store_->Compact(compact, 0).status().message(), kFuture);
  compact.set_revision(5);
  auto done = store_->Compact(compact, 0);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->header().revision(), 6);
  EXPECT_EQ(store_->CompactRevision(), 5);
  EXPECT_EQ(store_->Compact(compact, 0).status().message(), kCompacted);
  compact.set_revision(4);
  EXPECT_EQ(store_->Compact(compact, 0).status().message(), kCompacted);

  EXPECT_EQ(store_->Range(RangeReq("a", "", 4)).status().message(), kCompacted);
  // Reading exactly at the compact revision still works (latest versions kept).
  auto at5 = Get(RangeReq("a", "z", 5));
  EXPECT_THAT(Keys(at5), ElementsAre("a"));
  EXPECT_EQ(at5.kvs(0).value(), "2");
  EXPECT_THAT(Keys(Get(RangeReq("a", "z"))), ElementsAre("a", "c"));
  // A deleted key's history is gone: recreating it starts a fresh generation.
  EXPECT_EQ(Put("b", "again"), 7);
  EXPECT_EQ(Get(RangeReq("b")).kvs(0).version(), 1);
  EXPECT_EQ(Get(RangeReq("a")).kvs(0).version(), 2);
}

TEST_F(MvccStoreTest, EventSinkGetsEventsWithPrevKv) {
  std::vector<std::pair<int64_t, std::vector<mvccpb::Event>>> seen;
  store_->SetEventSink([&seen](int64_t revision, const std::vector<mvccpb::Event>& events) {
    seen.emplace_back(revision, events);
  });
  Put("a", "1");
  Put("a", "2");
  store_->DeleteRange(DeleteReq("a"), 0).IgnoreError();
  store_->DeleteRange(DeleteReq("a"), 0).IgnoreError();  // no-op: no event
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first, 2);
  EXPECT_EQ(seen[0].second[0].type(), mvccpb::Event::PUT);
  EXPECT_FALSE(seen[0].second[0].has_prev_kv());
  EXPECT_EQ(seen[1].second[0].prev_kv().value(), "1");
  EXPECT_EQ(seen[1].second[0].kv().version(), 2);
  const mvccpb::Event& deletion = seen[2].second[0];
  EXPECT_EQ(seen[2].first, 4);
  EXPECT_EQ(deletion.type(), mvccpb::Event::DELETE);
  EXPECT_EQ(deletion.kv().key(), "a");
  EXPECT_EQ(deletion.kv().mod_revision(), 4);
  EXPECT_EQ(deletion.kv().value(), "");
  EXPECT_EQ(deletion.prev_kv().value(), "2");
}

TEST_F(MvccStoreTest, EventsReplaysHistoryWithoutSplittingRevisions) {
  Put("a", "1");  // 2
  Put("b", "1");  // 3
  etcdserverpb::DeleteRangeRequest both = DeleteReq("a", "c");
  ASSERT_TRUE(store_->DeleteRange(both, 0).ok());  // 4: two events
  Put("x", "1");                                   // 5
  auto all = store_->Events(2, 100, "a", "c", 0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[2].type(), mvccpb::Event::DELETE);
  EXPECT_EQ((*all)[2].prev_kv().value(), "1");
  auto limited = store_->Events(2, 100, "a", "c", 3);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 4u);  // the 3rd event's revision is finished
  auto two = store_->Events(2, 100, "a", "c", 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  auto single = store_->Events(3, 3, "b", "", 0);
  ASSERT_TRUE(single.ok());
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ((*single)[0].kv().key(), "b");

  etcdserverpb::CompactionRequest compact;
  compact.set_revision(4);
  ASSERT_TRUE(store_->Compact(compact, 0).ok());
  EXPECT_EQ(store_->Events(3, 100, "a", "c", 0).status().message(), kCompacted);
  auto after = store_->Events(5, 100, "x", "", 0);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), 1u);
}

TEST_F(MvccStoreTest, AppliedIndexIsRecorded) {
  ASSERT_TRUE(store_->Put(PutReq("a", "1"), 10).ok());
  EXPECT_EQ(store_->AppliedIndex(), 10u);
  ASSERT_TRUE(store_->Range(RangeReq("a")).ok());
  ASSERT_TRUE(store_->SetAppliedIndex(12).ok());
  EXPECT_EQ(store_->AppliedIndex(), 12u);
}

TEST_F(MvccStoreTest, KeysByLease) {
  Put("a", "1", 5);
  Put("b", "1", 5);
  Put("c", "1", 6);
  Put("d", "1");
  store_->DeleteRange(DeleteReq("b"), 0).IgnoreError();
  auto leases = store_->KeysByLease();
  ASSERT_TRUE(leases.ok());
  EXPECT_EQ(leases->size(), 2u);
  EXPECT_THAT((*leases)[5], ElementsAre("a"));
  EXPECT_THAT((*leases)[6], ElementsAre("c"));
}

TEST_F(MvccStoreTest, HashKvErrorsAndStability) {
  Put("a", "1");
  Put("a", "2");
  int64_t compact_rev = 0;
  auto h1 = store_->HashKV(0, &compact_rev);
  ASSERT_TRUE(h1.ok());
  EXPECT_EQ(compact_rev, -1);
  EXPECT_EQ(*store_->HashKV(3, nullptr), *h1);
  EXPECT_NE(*store_->HashKV(2, nullptr), *h1);
  EXPECT_EQ(store_->HashKV(4, nullptr).status().message(), kFuture);
  Put("b", "1");
  auto before = store_->HashKV(3, nullptr);
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(3);
  ASSERT_TRUE(store_->Compact(compact, 0).ok());
  EXPECT_EQ(store_->HashKV(3, nullptr).status().message(), kCompacted);
  EXPECT_TRUE(store_->HashKV(4, &compact_rev).ok());
  EXPECT_EQ(compact_rev, 3);
  EXPECT_TRUE(before.ok());
}

}  // namespace
}  // namespace raftkv::storage
