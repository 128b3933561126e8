#include "server/applier.h"

#include "server/etcd_errors.h"
#include "spdlog/spdlog.h"

namespace raftkv::server {
namespace {

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
  // Lease commands touch two databases (lessor, store) that each skip what they
  // already applied, so they run even when the store alone is past `index`.
  ApplyResult result = IsLeaseCommand(request) ? ApplyLease(index, request)
                       : (index != 0 && index <= store_->AppliedIndex())
                           ? ApplyResult(ApplyResponse())
                           : ApplyToStore(index, request);
  // A command that changed nothing in the store still consumes its index: record
  // it so a replay after restart does not re-apply anything before it.
  if (index != 0 && store_->AppliedIndex() < index) {
    if (absl::Status s = store_->SetAppliedIndex(index); !s.ok()) {
      spdlog::error("recording applied index {} failed: {}", index, s.ToString());
    }
  }
  return result;
}

bool Applier::IsLeaseCommand(const internalpb::InternalRequest& request) {
  return request.has_lease_grant() || request.has_lease_revoke();
}

ApplyResult Applier::ApplyLease(uint64_t index, const internalpb::InternalRequest& request) {
  if (!leases_) return etcd_errors::LeaseNotFound();
  if (request.has_lease_grant()) return Wrap(leases_->Grant(index, request.lease_grant()));
  return Wrap(leases_->Revoke(index, request.lease_revoke()));
}

absl::Status Applier::CheckLeases(const internalpb::InternalRequest& request) const {
  if (leases_) return leases_->CheckLeasesExist(request);
  // Without a lessor no lease exists: any put naming one fails as in etcd.
  if (request.has_put() && request.put().lease() != 0) return etcd_errors::LeaseNotFound();
  if (request.has_txn() && NamesAnyLease(request.txn())) return etcd_errors::LeaseNotFound();
  return absl::OkStatus();
}

ApplyResult Applier::ApplyToStore(uint64_t index, const internalpb::InternalRequest& request) {
  if (absl::Status s = CheckLeases(request); !s.ok()) return s;
  if (request.has_put()) return Wrap(store_->Put(request.put(), index));
  if (request.has_delete_range()) return Wrap(store_->DeleteRange(request.delete_range(), index));
  if (request.has_txn()) return Wrap(store_->Txn(request.txn(), index));
  if (request.has_compaction()) return Wrap(store_->Compact(request.compaction(), index));
  if (membership_ && request.has_member_attributes()) {
    membership_->ApplyAttributes(index, request.member_attributes());
  }
  if (membership_ && request.has_member_update()) {
    membership_->ApplyUpdate(index, request.member_update());
  }
  // [maintenance] alarm raised by a quota check, or disarmed by an operator.
  if (alarms_ && request.has_alarm()) {
    if (auto applied = alarms_->Apply(request.alarm()); !applied.ok()) return applied.status();
  }
  return ApplyResponse();
}

}  // namespace raftkv::server
