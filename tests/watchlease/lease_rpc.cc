#include "tests/watchlease/lease_rpc.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tests/cluster/member_rpc.h"
#include "tests/watchlease/grpc_channel.h"

namespace raftkv::watchlease_test {
namespace {

constexpr std::chrono::seconds kRpcTimeout(3);

absl::Status ToAbsl(const grpc::Status& status, const std::string& endpoint) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(endpoint, ": ", status.error_message()));
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kRpcTimeout);
}

}  // namespace

LeaseRpc::LeaseRpc(const std::string& endpoint)
    : endpoint_(endpoint),
      channel_(FastReconnectChannel(endpoint)),
      lease_(etcdserverpb::Lease::NewStub(channel_)),
      kv_(etcdserverpb::KV::NewStub(channel_)) {}

absl::StatusOr<int64_t> LeaseRpc::Grant(int64_t ttl_seconds) {
  grpc::ClientContext context;
  SetDeadline(context);
  etcdserverpb::LeaseGrantRequest request;
  request.set_ttl(ttl_seconds);
  etcdserverpb::LeaseGrantResponse response;
  absl::Status status = ToAbsl(lease_->LeaseGrant(&context, request, &response), endpoint_);
  if (!status.ok()) return status;
  if (!response.error().empty()) return absl::InternalError(response.error());
  return response.id();
}

absl::Status LeaseRpc::Revoke(int64_t lease_id) {
  grpc::ClientContext context;
  SetDeadline(context);
  etcdserverpb::LeaseRevokeRequest request;
  request.set_id(lease_id);
  etcdserverpb::LeaseRevokeResponse response;
  return ToAbsl(lease_->LeaseRevoke(&context, request, &response), endpoint_);
}

absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> LeaseRpc::TimeToLive(int64_t lease_id,
                                                                           bool keys) {
  grpc::ClientContext context;
  SetDeadline(context);
  etcdserverpb::LeaseTimeToLiveRequest request;
  request.set_id(lease_id);
  request.set_keys(keys);
  etcdserverpb::LeaseTimeToLiveResponse response;
  absl::Status status = ToAbsl(lease_->LeaseTimeToLive(&context, request, &response), endpoint_);
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<int64_t> LeaseRpc::Put(const std::string& key, const std::string& value,
                                      int64_t lease_id) {
  grpc::ClientContext context;
  SetDeadline(context);
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  request.set_lease(lease_id);
  etcdserverpb::PutResponse response;
  absl::Status status = ToAbsl(kv_->Put(&context, request, &response), endpoint_);
  if (!status.ok()) return status;
  return response.header().revision();
}

absl::StatusOr<PrefixSnapshot> LeaseRpc::RangePrefix(const std::string& prefix) {
  grpc::ClientContext context;
  SetDeadline(context);
  etcdserverpb::RangeRequest request;
  request.set_key(prefix);
  request.set_range_end(cluster_test::PrefixEnd(prefix));
  etcdserverpb::RangeResponse response;
  absl::Status status = ToAbsl(kv_->Range(&context, request, &response), endpoint_);
  if (!status.ok()) return status;
  PrefixSnapshot snapshot;
  snapshot.revision = response.header().revision();
  for (const auto& kv : response.kvs()) snapshot.kvs[kv.key()] = kv.value();
  return snapshot;
}

}  // namespace raftkv::watchlease_test
