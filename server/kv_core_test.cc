#include "server/kv_core.h"

#include <future>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "server/local_replication_log.h"
#include "server/testing/fake_mvcc_store.h"

namespace raftkv::server {
namespace {

class KvCoreTest : public ::testing::Test {
 protected:
  void StartCore(KvCore::Options options, uint64_t applied_before = 0) {
    if (applied_before > 0) {
      ASSERT_TRUE(store_.SetAppliedIndex(applied_before).ok());
    }
    log_ = std::make_unique<LocalReplicationLog>(
        LocalReplicationLog::Options{options.member_id, store_.AppliedIndex(), 64});
    core_ = std::make_unique<KvCore>(options, &store_, log_.get());
    ASSERT_TRUE(core_->Start().ok());
  }
  static KvCore::Options DefaultOptions() {
    KvCore::Options options;
    options.member_id = 0x1111;
    options.cluster_id = 0x2222;
    return options;
  }
  static etcdserverpb::PutRequest PutRequest(const std::string& key, const std::string& value) {
    etcdserverpb::PutRequest put;
    put.set_key(key);
    put.set_value(value);
    return put;
  }

  testing::FakeMvccStore store_;
  std::unique_ptr<LocalReplicationLog> log_;
  std::unique_ptr<KvCore> core_;
};

TEST_F(KvCoreTest, PutIsAppliedThenVisibleToLinearizableRange) {
  StartCore(DefaultOptions());
  absl::StatusOr<etcdserverpb::PutResponse> put = core_->Put(PutRequest("k", "v"));
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->header().revision(), 2);
  EXPECT_EQ(put->header().member_id(), 0x1111u);
  EXPECT_EQ(put->header().cluster_id(), 0x2222u);
  EXPECT_EQ(put->header().raft_term(), 1u);

  etcdserverpb::RangeRequest range;
  range.set_key("k");
  absl::StatusOr<etcdserverpb::RangeResponse> got = core_->Range(range);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->kvs_size(), 1);
  EXPECT_EQ(got->kvs(0).value(), "v");
  EXPECT_EQ(got->header().member_id(), 0x1111u);
}

TEST_F(KvCoreTest, IndexesContinueAfterTheStoresAppliedIndex) {
  StartCore(DefaultOptions(), /*applied_before=*/10);
  ASSERT_TRUE(core_->Put(PutRequest("a", "1")).ok());
  ASSERT_TRUE(core_->Put(PutRequest("b", "2")).ok());
  std::vector<uint64_t> indexes = store_.applied_indexes();
  ASSERT_EQ(indexes.size(), 3u);
  EXPECT_EQ(indexes[1], 11u);
  EXPECT_EQ(indexes[2], 12u);
  EXPECT_EQ(core_->AppliedIndex(), 12u);
}

TEST_F(KvCoreTest, ConcurrentProposersEachGetTheirOwnResult) {
  StartCore(DefaultOptions());
  std::vector<std::thread> threads;
  std::vector<int64_t> revisions(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto put = core_->Put(PutRequest("k" + std::to_string(t), "v"));
      ASSERT_TRUE(put.ok());
      revisions[t] = put->header().revision();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(revisions.begin(), revisions.end());
  for (int t = 0; t < 8; ++t) EXPECT_EQ(revisions[t], 2 + t);
}

TEST_F(KvCoreTest, StoreErrorsPassThroughAndStillConsumeTheIndex) {
  StartCore(DefaultOptions());
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(100);
  absl::StatusOr<etcdserverpb::CompactionResponse> result = core_->Compact(compact);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(result.status().message(), "etcdserver: mvcc: required revision is a future revision");
  EXPECT_EQ(store_.AppliedIndex(), 1u);
}

TEST_F(KvCoreTest, PutWithLeaseIsLeaseNotFound) {
  StartCore(DefaultOptions());
  etcdserverpb::PutRequest put = PutRequest("k", "v");
  put.set_lease(123);
  absl::StatusOr<etcdserverpb::PutResponse> result = core_->Put(put);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "etcdserver: requested lease not found");
  EXPECT_EQ(store_.CurrentRevision(), 1);
}

TEST_F(KvCoreTest, OversizedRequestIsRejectedBeforeProposing) {
  KvCore::Options options = DefaultOptions();
  options.max_request_bytes = 100;
  StartCore(options);
  absl::StatusOr<etcdserverpb::PutResponse> result =
      core_->Put(PutRequest("k", std::string(200, 'x')));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "etcdserver: request is too large");
  EXPECT_TRUE(store_.applied_indexes().empty());
}

TEST_F(KvCoreTest, AfterStopRequestsFailWithServerStopped) {
  StartCore(DefaultOptions());
  core_->Stop();
  absl::StatusOr<etcdserverpb::PutResponse> result = core_->Put(PutRequest("k", "v"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "etcdserver: server stopped");
  etcdserverpb::RangeRequest range;
  range.set_key("k");
  EXPECT_EQ(core_->Range(range).status().message(), "etcdserver: server stopped");
}

// Runs an asynchronous write and waits (with a deadline) for its single outcome.
template <typename Response, typename Start>
absl::StatusOr<Response> AwaitAsync(Start start) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<Response>>>();
  std::future<absl::StatusOr<Response>> future = promise->get_future();
  start([promise](absl::StatusOr<Response> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return absl::DeadlineExceededError("async write never completed");
  }
  return future.get();
}

TEST_F(KvCoreTest, AsyncWritesDeliverTheAppliedResponses) {
  StartCore(DefaultOptions());
  auto put = AwaitAsync<etcdserverpb::PutResponse>(
      [&](auto done) { core_->PutAsync(PutRequest("k", "v"), std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->header().revision(), 2);
  EXPECT_EQ(put->header().member_id(), 0x1111u);

  etcdserverpb::TxnRequest txn;
  *txn.add_success()->mutable_request_put() = PutRequest("t", "1");
  auto txn_result = AwaitAsync<etcdserverpb::TxnResponse>(
      [&](auto done) { core_->TxnAsync(txn, std::move(done)); });
  ASSERT_TRUE(txn_result.ok()) << txn_result.status();
  EXPECT_TRUE(txn_result->succeeded());
  EXPECT_EQ(txn_result->header().revision(), 3);

  etcdserverpb::DeleteRangeRequest del;
  del.set_key("k");
  auto deleted = AwaitAsync<etcdserverpb::DeleteRangeResponse>(
      [&](auto done) { core_->DeleteRangeAsync(del, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->deleted(), 1);
  EXPECT_EQ(deleted->header().revision(), 4);
}

TEST_F(KvCoreTest, AsyncWriteErrorsComeThroughTheCallback) {
  KvCore::Options options = DefaultOptions();
  options.max_request_bytes = 100;
  StartCore(options);
  auto oversized = AwaitAsync<etcdserverpb::PutResponse>(
      [&](auto done) { core_->PutAsync(PutRequest("k", std::string(200, 'x')), std::move(done)); });
  EXPECT_EQ(oversized.status().message(), "etcdserver: request is too large");
  etcdserverpb::PutRequest with_lease = PutRequest("k", "v");
  with_lease.set_lease(123);
  auto no_lease = AwaitAsync<etcdserverpb::PutResponse>(
      [&](auto done) { core_->PutAsync(with_lease, std::move(done)); });
  EXPECT_EQ(no_lease.status().message(), "etcdserver: requested lease not found");
  core_->Stop();
  auto stopped = AwaitAsync<etcdserverpb::PutResponse>(
      [&](auto done) { core_->PutAsync(PutRequest("k", "v"), std::move(done)); });
  EXPECT_EQ(stopped.status().message(), "etcdserver: server stopped");
}

// A log that accepts proposals but never commits them, to observe the timeout.
class StuckLog : public ReplicationLog {
 public:
  absl::Status Start(CommittedEntryHandler) override { return absl::OkStatus(); }
  absl::Status Append(std::string) override { return absl::OkStatus(); }
  absl::StatusOr<uint64_t> ReadIndex() override { return 1000; }
  Status GetStatus() const override { return {}; }
  void Stop() override {}
};

TEST_F(KvCoreTest, UncommittedProposalTimesOutWithEtcdsError) {
  StuckLog log;
  KvCore::Options options = DefaultOptions();
  options.request_timeout = std::chrono::milliseconds(50);
  KvCore core(options, &store_, &log);
  ASSERT_TRUE(core.Start().ok());
  // Put waits on PutAsync, whose proposal only the expiry thread can end.
  absl::StatusOr<etcdserverpb::PutResponse> put = core.Put(PutRequest("k", "v"));
  EXPECT_EQ(put.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(put.status().message(), "etcdserver: request timed out");
  etcdserverpb::RangeRequest range;
  range.set_key("k");
  EXPECT_EQ(core.Range(range).status().message(), "etcdserver: request timed out");
  // A serializable read does not wait for the log.
  range.set_serializable(true);
  EXPECT_TRUE(core.Range(range).ok());
}

TEST_F(KvCoreTest, StopFailsAsyncProposalsStillInFlight) {
  StuckLog log;
  KvCore::Options options = DefaultOptions();
  options.request_timeout = std::chrono::hours(1);
  KvCore core(options, &store_, &log);
  ASSERT_TRUE(core.Start().ok());
  std::promise<absl::StatusOr<etcdserverpb::PutResponse>> outcome;
  core.PutAsync(PutRequest("k", "v"),
                [&](absl::StatusOr<etcdserverpb::PutResponse> r) { outcome.set_value(r); });
  std::future<absl::StatusOr<etcdserverpb::PutResponse>> future = outcome.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  core.Stop();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(future.get().status().message(), "etcdserver: server stopped");
}

}  // namespace
}  // namespace raftkv::server
