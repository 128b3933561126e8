#include "server/applier.h"

#include "server/etcd_errors.h"
#include "spdlog/spdlog.h"

namespace raftkv::server {
namespace {

// There is no lessor yet, so no lease exists: any put naming one fails as in etcd.
// TODO(leases): ask the lessor; etcd checks only the txn branch that is taken.
bool NamesAnyLease(const etcdserverpb::TxnRequest& txn) {
  for (const auto* ops : {&txn.success(), &txn.failure()}) {
    for (const auto& op : *ops) {
      if (op.has_request_put() && op.request_put().lease() != 0) return true;
      if (op.has_request_txn() && NamesAnyLease(op.request_txn())) return true;
    }
  }
  return false;
}

template <typename Response>
ApplyResult Wrap(absl::StatusOr<Response> response) {
  if (!response.ok()) return response.status();
  return ApplyResponse(std::move(*response));
}

}  // namespace

ApplyResult Applier::Apply(uint64_t index, const internalpb::InternalRequest& request) {
  if (index != 0 && index <= store_->AppliedIndex()) return ApplyResponse();
  ApplyResult result = ApplyToStore(index, request);
  // A failed command changes nothing, but its index is still consumed: record it so
  // a replay after restart does not re-apply anything before it.
  if (!result.ok() && store_->AppliedIndex() < index) {
    if (absl::Status s = store_->SetAppliedIndex(index); !s.ok()) {
      spdlog::error("recording applied index {} failed: {}", index, s.ToString());
    }
  }
  return result;
}

ApplyResult Applier::ApplyToStore(uint64_t index, const internalpb::InternalRequest& request) {
  if (request.has_put()) {
    if (request.put().lease() != 0) return etcd_errors::LeaseNotFound();
    return Wrap(store_->Put(request.put(), index));
  }
  if (request.has_delete_range()) return Wrap(store_->DeleteRange(request.delete_range(), index));
  if (request.has_txn()) {
    if (NamesAnyLease(request.txn())) return etcd_errors::LeaseNotFound();
    return Wrap(store_->Txn(request.txn(), index));
  }
  if (request.has_compaction()) return Wrap(store_->Compact(request.compaction(), index));
  if (membership_ && request.has_member_attributes()) {
    membership_->ApplyAttributes(index, request.member_attributes());
  }
  if (membership_ && request.has_member_update()) {
    membership_->ApplyUpdate(index, request.member_update());
  }
  // Commands for modules that do not exist yet are consumed without effect.
  if (absl::Status s = store_->SetAppliedIndex(index); !s.ok()) return s;
  return ApplyResponse();
}

}  // namespace raftkv::server
