#include "server/kv_core.h"

#include <future>
#include <memory>
#include <utility>

#include "server/etcd_errors.h"
#include "server/http/server_metrics.h"
#include "spdlog/spdlog.h"

namespace raftkv::server {

KvCore::KvCore(Options options, storage::MvccStore* store, ReplicationLog* log,
               MembershipApplier* membership, LeaseApplier* leases)
    : options_(options),
      store_(store),
      log_(log),
      applier_(store, membership, leases),
      ids_(options.member_id),
      applied_index_(store->AppliedIndex()) {}

KvCore::~KvCore() { Stop(); }

absl::Status KvCore::Start() {
  absl::Status started = log_->Start(
      [this](uint64_t index, const std::string& command) { OnCommitted(index, command); });
  if (started.ok()) expiry_thread_ = std::thread([this] { ExpiryLoop(); });
  return started;
}

void KvCore::Stop() {
  if (stopped_.exchange(true)) return;
  log_->Stop();
  {
    std::lock_guard<std::mutex> lock(applied_mu_);
    applied_cv_.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(expiry_mu_);
    expiry_cv_.notify_all();
  }
  if (expiry_thread_.joinable()) expiry_thread_.join();
  waiter_.FailAll([] { return ApplyResult(etcd_errors::Stopped()); });
}

void KvCore::ExpiryLoop() {
  // Not applied_cv_: that one fires on every applied entry.
  std::unique_lock<std::mutex> lock(expiry_mu_);
  while (!stopped_.load()) {
    expiry_cv_.wait_for(lock, kExpiryInterval);
    lock.unlock();
    waiter_.ExpireDue(Clock::now(), [] { return ApplyResult(etcd_errors::Timeout()); });
    lock.lock();
  }
}

void KvCore::OnCommitted(uint64_t index, const std::string& command) {
  internalpb::InternalRequest request;
  ApplyResult result;
  if (request.ParseFromString(command)) {
    result = applier_.Apply(index, request);
  } else {
    // Every member sees the same bytes, so skipping keeps them in step.
    spdlog::error("entry {} is not an InternalRequest; skipped", index);
    result = absl::InternalError("undecodable log entry");
  }
  {
    // Publish the applied index before waking the proposer, so that once a write
    // returns, even a serializable read on this member observes it.
    std::lock_guard<std::mutex> lock(applied_mu_);
    applied_index_.store(index);
    applied_cv_.notify_all();
  }
  waiter_.Complete(request.header().id(), std::move(result));
}

template <typename Result, typename Launch>
Result KvCore::Await(Launch launch) {
  // `done` runs exactly once (the expiry thread bounds the wait by the request
  // timeout), so waiting on the future without a deadline cannot hang.
  auto promise = std::make_shared<std::promise<Result>>();
  std::future<Result> future = promise->get_future();
  launch([promise](Result result) { promise->set_value(std::move(result)); });
  return future.get();
}

ApplyResult KvCore::Propose(internalpb::InternalRequest request) {
  return Await<ApplyResult>([&](std::function<void(ApplyResult)> done) {
    ProposeAsync(std::move(request), std::move(done));
  });
}

void KvCore::ProposeAsync(internalpb::InternalRequest request,
                          std::function<void(ApplyResult)> done) {
  if (stopped_.load()) return done(etcd_errors::Stopped());
  const uint64_t id = ids_.Next();
  request.mutable_header()->set_id(id);
  request.mutable_header()->set_member_id(options_.member_id);
  std::string command = request.SerializeAsString();
  if (command.size() > options_.max_request_bytes) return done(etcd_errors::RequestTooLarge());

  const http::ServerMetrics& metrics = http::ServerMetrics::Get();  // [maintenance]
  metrics.proposals_pending->Add(1);
  waiter_.Register(id, Clock::now() + options_.request_timeout,
                   [&metrics, done = std::move(done)](ApplyResult result) {
                     metrics.proposals_pending->Add(-1);
                     // Only proposals that never applied count as failed (not e.g. a
                     // compacted-revision error).
                     if (absl::IsUnavailable(result.status()))
                       metrics.proposals_failed_total->Inc();
                     done(std::move(result));
                   });
  // Stop may have failed every waiter between the check above and the registration.
  if (stopped_.load()) {
    waiter_.Complete(id, etcd_errors::Stopped());
    return;
  }
  if (absl::Status s = Submit(id, std::move(command)); !s.ok()) waiter_.Complete(id, s);
}

absl::Status KvCore::Submit(uint64_t id, std::string command) {
  if (!options_.append_async) return log_->Append(std::move(command));
  // A refusal completes the waiter with the log's error, which the proposer
  // returns just as it would a synchronous Append's.
  options_.append_async(std::move(command), [this, id](const absl::Status& verdict) {
    if (!verdict.ok()) waiter_.Complete(id, verdict);
  });
  return absl::OkStatus();
}

absl::Status KvCore::ProposeCommand(internalpb::InternalRequest request) {
  return Propose(std::move(request)).status();
}

template <typename Response>
absl::StatusOr<Response> KvCore::ProposeAndUnwrap(internalpb::InternalRequest request) {
  return Unwrap<Response>(Propose(std::move(request)));
}

template <typename Response>
void KvCore::ProposeAndUnwrapAsync(internalpb::InternalRequest request, Done<Response> done) {
  ProposeAsync(std::move(request), [this, done = std::move(done)](ApplyResult result) {
    done(Unwrap<Response>(std::move(result)));
  });
}

template <typename Response>
absl::StatusOr<Response> KvCore::Unwrap(ApplyResult result) const {
  // Moved, not copied: the status then has one owner, and no reference count is shared
  // between the apply or expiry thread and the caller.
  if (!result.ok()) return std::move(result).status();
  if (!std::holds_alternative<Response>(*result)) {
    return absl::InternalError("apply produced an unexpected response type");
  }
  Response response = std::get<Response>(std::move(*result));
  FillHeader(response.mutable_header());
  return response;
}

absl::Status KvCore::WaitApplied(uint64_t index, Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(applied_mu_);
  bool reached = applied_cv_.wait_until(
      lock, deadline, [&] { return stopped_.load() || applied_index_.load() >= index; });
  if (applied_index_.load() >= index) return absl::OkStatus();
  if (!reached) return etcd_errors::Timeout();
  return etcd_errors::Stopped();
}

absl::Status KvCore::CatchUpWithCommitted() {
  absl::StatusOr<uint64_t> read_index = log_->ReadIndex();
  if (!read_index.ok()) return read_index.status();
  return WaitApplied(*read_index, Clock::now() + options_.request_timeout);
}

absl::StatusOr<etcdserverpb::RangeResponse> KvCore::Range(
    const etcdserverpb::RangeRequest& request) {
  if (stopped_.load()) return etcd_errors::Stopped();
  if (!request.serializable()) {
    absl::Status caught_up = CatchUpWithCommitted();
    if (!caught_up.ok()) return caught_up;
  }
  absl::StatusOr<etcdserverpb::RangeResponse> response = store_->Range(request);
  if (response.ok()) FillHeader(response->mutable_header());
  return response;
}

void KvCore::PutAsync(const etcdserverpb::PutRequest& request,
                      Done<etcdserverpb::PutResponse> done) {
  // [maintenance]
  if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return done(s);
  internalpb::InternalRequest internal;
  *internal.mutable_put() = request;
  ProposeAndUnwrapAsync<etcdserverpb::PutResponse>(std::move(internal), std::move(done));
}

void KvCore::DeleteRangeAsync(const etcdserverpb::DeleteRangeRequest& request,
                              Done<etcdserverpb::DeleteRangeResponse> done) {
  internalpb::InternalRequest internal;
  *internal.mutable_delete_range() = request;
  ProposeAndUnwrapAsync<etcdserverpb::DeleteRangeResponse>(std::move(internal), std::move(done));
}

void KvCore::TxnAsync(const etcdserverpb::TxnRequest& request,
                      Done<etcdserverpb::TxnResponse> done) {
  if (alarm::TxnHasPut(request)) {  // [maintenance]
    if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return done(s);
  }
  internalpb::InternalRequest internal;
  *internal.mutable_txn() = request;
  ProposeAndUnwrapAsync<etcdserverpb::TxnResponse>(std::move(internal), std::move(done));
}

absl::StatusOr<etcdserverpb::PutResponse> KvCore::Put(const etcdserverpb::PutRequest& request) {
  return Await<absl::StatusOr<etcdserverpb::PutResponse>>(
      [&](Done<etcdserverpb::PutResponse> done) { PutAsync(request, std::move(done)); });
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> KvCore::DeleteRange(
    const etcdserverpb::DeleteRangeRequest& request) {
  return Await<absl::StatusOr<etcdserverpb::DeleteRangeResponse>>(
      [&](Done<etcdserverpb::DeleteRangeResponse> done) {
        DeleteRangeAsync(request, std::move(done));
      });
}

absl::StatusOr<etcdserverpb::TxnResponse> KvCore::Txn(const etcdserverpb::TxnRequest& request) {
  return Await<absl::StatusOr<etcdserverpb::TxnResponse>>(
      [&](Done<etcdserverpb::TxnResponse> done) { TxnAsync(request, std::move(done)); });
}

absl::StatusOr<etcdserverpb::CompactionResponse> KvCore::Compact(
    const etcdserverpb::CompactionRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_compaction() = request;
  return ProposeAndUnwrap<etcdserverpb::CompactionResponse>(std::move(internal));
}

void KvCore::LeaseGrantAsync(const etcdserverpb::LeaseGrantRequest& request,
                             Done<etcdserverpb::LeaseGrantResponse> done) {
  // [maintenance]
  if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return done(s);
  internalpb::InternalRequest internal;
  *internal.mutable_lease_grant() = request;
  ProposeAndUnwrapAsync<etcdserverpb::LeaseGrantResponse>(std::move(internal), std::move(done));
}

absl::StatusOr<etcdserverpb::LeaseRevokeResponse> KvCore::LeaseRevoke(
    const etcdserverpb::LeaseRevokeRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_lease_revoke() = request;
  return ProposeAndUnwrap<etcdserverpb::LeaseRevokeResponse>(std::move(internal));
}

void KvCore::FillHeader(etcdserverpb::ResponseHeader* header) const {
  header->set_cluster_id(options_.cluster_id);
  header->set_member_id(options_.member_id);
  header->set_raft_term(log_->GetStatus().term);
  if (header->revision() == 0) header->set_revision(store_->CurrentRevision());
}

}  // namespace raftkv::server
