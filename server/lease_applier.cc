#include "server/lease_applier.h"

#include "server/etcd_errors.h"

namespace raftkv::server {

absl::StatusOr<etcdserverpb::LeaseGrantResponse> LeaseApplier::Grant(
    uint64_t index, const etcdserverpb::LeaseGrantRequest& request) {
  auto granted = lessor_->Grant(request.id(), request.ttl(), index);
  if (!granted.ok()) return granted.status();
  etcdserverpb::LeaseGrantResponse response;
  response.set_id(granted->id);
  response.set_ttl(granted->ttl);
  return response;
}

absl::StatusOr<etcdserverpb::LeaseRevokeResponse> LeaseApplier::Revoke(
    uint64_t index, const etcdserverpb::LeaseRevokeRequest& request) {
  if (index > lessor_->AppliedIndex()) {
    auto keys = lessor_->Keys(request.id());
    if (!keys.ok()) return keys.status();
    // All of the lease's keys go in one revision, so watchers see them vanish together.
    if (!keys->empty() && index > store_->AppliedIndex()) {
      etcdserverpb::TxnRequest txn;
      for (const std::string& key : *keys) {
        txn.add_success()->mutable_request_delete_range()->set_key(key);
      }
      auto deleted = store_->Txn(txn, index);
      if (!deleted.ok()) return deleted.status();
    }
    if (absl::Status s = lessor_->Revoke(request.id(), index); !s.ok()) return s;
  }
  return etcdserverpb::LeaseRevokeResponse();
}

absl::Status LeaseApplier::CheckLeasesExist(const internalpb::InternalRequest& request) const {
  if (request.has_put() && request.put().lease() != 0 && !lessor_->Exists(request.put().lease())) {
    return etcd_errors::LeaseNotFound();
  }
  if (request.has_txn()) return CheckTxnLeases(request.txn());
  return absl::OkStatus();
}

// etcd checks only the branch that is taken; checking both is stricter but never
// lets a put attach a key to a lease that does not exist.
absl::Status LeaseApplier::CheckTxnLeases(const etcdserverpb::TxnRequest& txn) const {
  for (const auto* ops : {&txn.success(), &txn.failure()}) {
    for (const auto& op : *ops) {
      if (op.has_request_put() && op.request_put().lease() != 0 &&
          !lessor_->Exists(op.request_put().lease())) {
        return etcd_errors::LeaseNotFound();
      }
      if (op.has_request_txn()) {
        if (absl::Status s = CheckTxnLeases(op.request_txn()); !s.ok()) return s;
      }
    }
  }
  return absl::OkStatus();
}

void LeaseApplier::OnEvents(const std::vector<mvccpb::Event>& events) {
  for (const mvccpb::Event& event : events) {
    const std::string& key = event.kv().key();
    const int64_t old_lease = lessor_->LeaseOfKey(key);
    const int64_t new_lease = event.type() == mvccpb::Event::PUT ? event.kv().lease() : 0;
    if (new_lease != 0) {
      lessor_->Attach(new_lease, key).IgnoreError();  // moves it off old_lease
    } else if (old_lease != 0) {
      lessor_->Detach(old_lease, key).IgnoreError();
    }
  }
}

absl::Status LeaseApplier::ReattachAll() {
  auto keys_by_lease = store_->KeysByLease();
  if (!keys_by_lease.ok()) return keys_by_lease.status();
  for (const auto& [lease, keys] : *keys_by_lease) {
    for (const std::string& key : keys) lessor_->Attach(lease, key).IgnoreError();
  }
  return absl::OkStatus();
}

}  // namespace raftkv::server
