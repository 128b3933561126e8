// The member's KV core: turns client requests into proposals through the replication
// log, waits for their applied outcome, and serves reads (linearizable via ReadIndex,
// serializable directly from the local store).
//
//   Writes: InternalRequest{unique id} → log.Append → (commit) → apply thread:
//   Applier → RequestWaiter.Complete(id) → the caller's callback (or, for the
//   blocking forms, the waiting caller) gets the result.
#ifndef RAFTKV_SERVER_KV_CORE_H_
#define RAFTKV_SERVER_KV_CORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "proto/internal.pb.h"
#include "proto/rpc.pb.h"
#include "server/alarm/quota_guard.h"
#include "server/applier.h"
#include "server/replication_log.h"
#include "server/request_id_generator.h"
#include "server/request_waiter.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

class KvCore {
 public:
  struct Options {
    uint64_t member_id = 0;
    uint64_t cluster_id = 0;
    uint64_t max_request_bytes = 1572864;
    // How long a caller waits for its proposal to apply (etcd: 5s + 2 election timeouts).
    std::chrono::milliseconds request_timeout{7000};
    // Optional: proposes a command without waiting for the log's verdict, which
    // arrives through the callback (OK: accepted; else etcd's error). Saves each
    // proposer one hand-off to the log's thread and back; unset: log->Append.
    std::function<void(std::string command,
                       std::function<void(const absl::Status& verdict)> on_proposed)>
        append_async;
  };

  // `store` and `log` must outlive the core. The log's committed entries must start
  // right after store->AppliedIndex().
  KvCore(Options options, storage::MvccStore* store, ReplicationLog* log,
         MembershipApplier* membership = nullptr, LeaseApplier* leases = nullptr);
  ~KvCore();

  absl::Status Start();
  // Stops the log (which applies what is committed), then fails remaining callers with
  // "etcdserver: server stopped". Idempotent.
  void Stop();

  absl::StatusOr<etcdserverpb::RangeResponse> Range(const etcdserverpb::RangeRequest& request);
  absl::StatusOr<etcdserverpb::CompactionResponse> Compact(
      const etcdserverpb::CompactionRequest& request);
  absl::StatusOr<etcdserverpb::LeaseRevokeResponse> LeaseRevoke(
      const etcdserverpb::LeaseRevokeRequest& request);

  // Asynchronous writes for gRPC's callback API: no thread waits for the proposal.
  // `done` runs exactly once: on the apply thread with the applied outcome, on the
  // thread that refuses or expires the proposal, or inline when refused at once.
  template <typename Response>
  using Done = std::function<void(absl::StatusOr<Response>)>;
  void PutAsync(const etcdserverpb::PutRequest& request, Done<etcdserverpb::PutResponse> done);
  void DeleteRangeAsync(const etcdserverpb::DeleteRangeRequest& request,
                        Done<etcdserverpb::DeleteRangeResponse> done);
  void TxnAsync(const etcdserverpb::TxnRequest& request, Done<etcdserverpb::TxnResponse> done);
  void LeaseGrantAsync(const etcdserverpb::LeaseGrantRequest& request,
                       Done<etcdserverpb::LeaseGrantResponse> done);

  // Blocking forms of the writes above, for callers with a thread to spare (tests).
  absl::StatusOr<etcdserverpb::PutResponse> Put(const etcdserverpb::PutRequest& request);
  absl::StatusOr<etcdserverpb::DeleteRangeResponse> DeleteRange(
      const etcdserverpb::DeleteRangeRequest& request);
  absl::StatusOr<etcdserverpb::TxnResponse> Txn(const etcdserverpb::TxnRequest& request);

  // Proposes a command that has no client-visible response (membership commands)
  // and waits until it is applied.
  absl::Status ProposeCommand(internalpb::InternalRequest request);

  // A linearizable barrier: confirms leadership with a ReadIndex round and waits until
  // everything committed before the call is applied on this member.
  absl::Status CatchUpWithCommitted();

  // Sets cluster_id, member_id and raft_term, and the revision if not set yet.
  void FillHeader(etcdserverpb::ResponseHeader* header) const;

  uint64_t AppliedIndex() const { return applied_index_.load(); }
  const Options& options() const { return options_; }
  ReplicationLog::Status LogStatus() const { return log_->GetStatus(); }
  storage::MvccStore* store() const { return store_; }

  // [maintenance] Set before Start(): committed alarms update `alarms`; Put, Txn
  // with puts and LeaseGrant are refused by `quota` when the backend is full.
  void SetMaintenance(alarm::AlarmStore* alarms, const alarm::QuotaGuard* quota) {
    applier_.set_alarms(alarms);
    quota_ = quota;
  }

 private:
  using Clock = std::chrono::steady_clock;

  // Proposes `request`; `done` gets the applied result, or etcd's error if it is
  // refused, not applied within the request timeout, or the core stops first.
  void ProposeAsync(internalpb::InternalRequest request, std::function<void(ApplyResult)> done);
  // ProposeAsync, waiting for the result.
  ApplyResult Propose(internalpb::InternalRequest request);
  // Ends proposals past the request timeout (no thread waits to notice), every
  // kExpiryInterval until Stop.
  void ExpiryLoop();
  static constexpr std::chrono::milliseconds kExpiryInterval{100};
  // Hands `command` (request `id`) to the log; an error if it was refused at once.
  absl::Status Submit(uint64_t id, std::string command);
  absl::Status WaitApplied(uint64_t index, Clock::time_point deadline);
  void OnCommitted(uint64_t index, const std::string& command);

  template <typename Response>
  absl::StatusOr<Response> ProposeAndUnwrap(internalpb::InternalRequest request);
  // Runs an asynchronous operation to completion on the calling thread: `launch`
  // receives the callback that fulfils the wait.
  template <typename Result, typename Launch>
  static Result Await(Launch launch);
  template <typename Response>
  void ProposeAndUnwrapAsync(internalpb::InternalRequest request, Done<Response> done);
  // The typed response of an applied result, with this member's header.
  template <typename Response>
  absl::StatusOr<Response> Unwrap(ApplyResult result) const;

  const Options options_;
  storage::MvccStore* store_;
  ReplicationLog* log_;
  Applier applier_;
  RequestIdGenerator ids_;
  RequestWaiter<ApplyResult> waiter_;

  std::atomic<uint64_t> applied_index_;
  std::atomic<bool> stopped_{false};
  std::mutex applied_mu_;
  std::condition_variable applied_cv_;
  std::mutex expiry_mu_;
  std::condition_variable expiry_cv_;
  std::thread expiry_thread_;
  const alarm::QuotaGuard* quota_ = nullptr;  // [maintenance]
  absl::Status CheckQuota(size_t request_bytes) const {
    return quota_ ? quota_->CheckWrite(request_bytes) : absl::OkStatus();
  }
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_KV_CORE_H_
