#include "server/kv_core.h"

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
  return log_->Start(
      [this](uint64_t index, const std::string& command) { OnCommitted(index, command); });
}

void KvCore::Stop() {
  if (stopped_.exchange(true)) return;
  log_->Stop();
  waiter_.FailAll(etcd_errors::Stopped());
  std::lock_guard<std::mutex> lock(applied_mu_);
  applied_cv_.notify_all();
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

ApplyResult KvCore::Propose(internalpb::InternalRequest request) {
  if (stopped_.load()) return etcd_errors::Stopped();
  const uint64_t id = ids_.Next();
  request.mutable_header()->set_id(id);
  request.mutable_header()->set_member_id(options_.member_id);
  std::string command = request.SerializeAsString();
  if (command.size() > options_.max_request_bytes) return etcd_errors::RequestTooLarge();

  const Clock::time_point deadline = Clock::now() + options_.request_timeout;
  std::future<ApplyResult> future = waiter_.Register(id);
  const http::ServerMetrics& metrics = http::ServerMetrics::Get();  // [maintenance]
  if (absl::Status s = Submit(id, std::move(command)); !s.ok()) {
    waiter_.Cancel(id);
    metrics.proposals_failed_total->Inc();
    return s;
  }
  metrics.proposals_pending->Add(1);
  ApplyResult result = waiter_.Wait(id, future, deadline, ApplyResult(etcd_errors::Timeout()));
  metrics.proposals_pending->Add(-1);
  // Only proposals that never applied count as failed (not e.g. a compacted-revision error).
  if (absl::IsUnavailable(result.status())) metrics.proposals_failed_total->Inc();
  return result;
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
  ApplyResult result = Propose(std::move(request));
  if (!result.ok()) return result.status();
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

absl::StatusOr<etcdserverpb::PutResponse> KvCore::Put(const etcdserverpb::PutRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_put() = request;
  if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return s;  // [maintenance]
  return ProposeAndUnwrap<etcdserverpb::PutResponse>(std::move(internal));
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> KvCore::DeleteRange(
    const etcdserverpb::DeleteRangeRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_delete_range() = request;
  return ProposeAndUnwrap<etcdserverpb::DeleteRangeResponse>(std::move(internal));
}

absl::StatusOr<etcdserverpb::TxnResponse> KvCore::Txn(const etcdserverpb::TxnRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_txn() = request;
  if (alarm::TxnHasPut(request)) {  // [maintenance]
    if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return s;
  }
  return ProposeAndUnwrap<etcdserverpb::TxnResponse>(std::move(internal));
}

absl::StatusOr<etcdserverpb::CompactionResponse> KvCore::Compact(
    const etcdserverpb::CompactionRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_compaction() = request;
  return ProposeAndUnwrap<etcdserverpb::CompactionResponse>(std::move(internal));
}

absl::StatusOr<etcdserverpb::LeaseGrantResponse> KvCore::LeaseGrant(
    const etcdserverpb::LeaseGrantRequest& request) {
  internalpb::InternalRequest internal;
  *internal.mutable_lease_grant() = request;
  if (absl::Status s = CheckQuota(request.ByteSizeLong()); !s.ok()) return s;  // [maintenance]
  return ProposeAndUnwrap<etcdserverpb::LeaseGrantResponse>(std::move(internal));
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
