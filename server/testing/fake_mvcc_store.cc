#include "server/testing/fake_mvcc_store.h"

#include "server/etcd_errors.h"

namespace raftkv::server::testing {

absl::StatusOr<etcdserverpb::RangeResponse> FakeMvccStore::Range(
    const etcdserverpb::RangeRequest& request) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.revision() > revision_) return etcd_errors::FutureRevision();
  if (request.revision() != 0 && request.revision() < compact_revision_) {
    return etcd_errors::Compacted();
  }
  etcdserverpb::RangeResponse response;
  response.mutable_header()->set_revision(revision_);
  auto it = kvs_.find(request.key());
  if (it != kvs_.end()) {
    *response.add_kvs() = it->second;
    response.set_count(1);
  }
  return response;
}

absl::StatusOr<etcdserverpb::PutResponse> FakeMvccStore::Put(
    const etcdserverpb::PutRequest& request, uint64_t applied_index) {
  std::lock_guard<std::mutex> lock(mu_);
  ++revision_;
  mvccpb::KeyValue& kv = kvs_[request.key()];
  if (kv.version() == 0) kv.set_create_revision(revision_);
  kv.set_key(request.key());
  kv.set_value(request.value());
  kv.set_mod_revision(revision_);
  kv.set_version(kv.version() + 1);
  RecordIndex(applied_index);
  etcdserverpb::PutResponse response;
  response.mutable_header()->set_revision(revision_);
  return response;
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> FakeMvccStore::DeleteRange(
    const etcdserverpb::DeleteRangeRequest& request, uint64_t applied_index) {
  std::lock_guard<std::mutex> lock(mu_);
  etcdserverpb::DeleteRangeResponse response;
  if (kvs_.erase(request.key()) > 0) {
    ++revision_;
    response.set_deleted(1);
  }
  RecordIndex(applied_index);
  response.mutable_header()->set_revision(revision_);
  return response;
}

absl::StatusOr<etcdserverpb::TxnResponse> FakeMvccStore::Txn(
    const etcdserverpb::TxnRequest& request, uint64_t applied_index) {
  for (const auto& op : request.success()) {
    if (op.has_request_put()) {
      absl::StatusOr<etcdserverpb::PutResponse> put = Put(op.request_put(), applied_index);
      if (!put.ok()) return put.status();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  RecordIndex(applied_index);
  etcdserverpb::TxnResponse response;
  response.set_succeeded(true);
  response.mutable_header()->set_revision(revision_);
  return response;
}

absl::StatusOr<etcdserverpb::CompactionResponse> FakeMvccStore::Compact(
    const etcdserverpb::CompactionRequest& request, uint64_t applied_index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.revision() <= compact_revision_) return etcd_errors::Compacted();
  if (request.revision() > revision_) return etcd_errors::FutureRevision();
  compact_revision_ = request.revision();
  RecordIndex(applied_index);
  etcdserverpb::CompactionResponse response;
  response.mutable_header()->set_revision(revision_);
  return response;
}

absl::Status FakeMvccStore::SetAppliedIndex(uint64_t applied_index) {
  std::lock_guard<std::mutex> lock(mu_);
  RecordIndex(applied_index);
  return absl::OkStatus();
}

int64_t FakeMvccStore::CurrentRevision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

int64_t FakeMvccStore::CompactRevision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compact_revision_;
}

uint64_t FakeMvccStore::AppliedIndex() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_index_;
}

std::vector<uint64_t> FakeMvccStore::applied_indexes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_indexes_;
}

void FakeMvccStore::RecordIndex(uint64_t applied_index) {
  applied_index_ = applied_index;
  applied_indexes_.push_back(applied_index);
}

}  // namespace raftkv::server::testing
