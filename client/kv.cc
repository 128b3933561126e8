#include "client/kv.h"

#include "client/client.h"

namespace raftkv::client {

absl::StatusOr<etcdserverpb::RangeResponse> KV::Get(const std::string& key,
                                                    const GetOptions& options) {
  return Range(MakeRangeRequest(key, options));
}

absl::StatusOr<etcdserverpb::RangeResponse> KV::Range(const etcdserverpb::RangeRequest& request) {
  etcdserverpb::RangeResponse response;
  absl::Status status = client_->Call(
      RetryPolicy::kRepeatable,
      [&](Endpoint& e, grpc::ClientContext& c) { return e.kv().Range(&c, request, &response); });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::PutResponse> KV::Put(const std::string& key, const std::string& value,
                                                  const PutOptions& options) {
  const etcdserverpb::PutRequest request = MakePutRequest(key, value, options);
  etcdserverpb::PutResponse response;
  absl::Status status = client_->Call(
      RetryPolicy::kNonRepeatable,
      [&](Endpoint& e, grpc::ClientContext& c) { return e.kv().Put(&c, request, &response); });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::DeleteRangeResponse> KV::Delete(const std::string& key,
                                                             const DeleteOptions& options) {
  const etcdserverpb::DeleteRangeRequest request = MakeDeleteRequest(key, options);
  etcdserverpb::DeleteRangeResponse response;
  absl::Status status =
      client_->Call(RetryPolicy::kNonRepeatable, [&](Endpoint& e, grpc::ClientContext& c) {
        return e.kv().DeleteRange(&c, request, &response);
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::TxnResponse> KV::Txn(const TxnBuilder& txn) {
  return Txn(txn.request());
}

absl::StatusOr<etcdserverpb::TxnResponse> KV::Txn(const etcdserverpb::TxnRequest& request) {
  const RetryPolicy policy =
      IsReadOnlyTxn(request) ? RetryPolicy::kRepeatable : RetryPolicy::kNonRepeatable;
  etcdserverpb::TxnResponse response;
  absl::Status status = client_->Call(policy, [&](Endpoint& e, grpc::ClientContext& c) {
    return e.kv().Txn(&c, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<etcdserverpb::CompactionResponse> KV::Compact(int64_t revision, bool physical) {
  etcdserverpb::CompactionRequest request;
  request.set_revision(revision);
  request.set_physical(physical);
  etcdserverpb::CompactionResponse response;
  absl::Status status = client_->Call(
      RetryPolicy::kNonRepeatable,
      [&](Endpoint& e, grpc::ClientContext& c) { return e.kv().Compact(&c, request, &response); });
  if (!status.ok()) return status;
  return response;
}

}  // namespace raftkv::client
