#include "server/member_lease_backend.h"

#include <chrono>
#include <utility>

#include "grpcpp/client_context.h"
#include "proto/rpc.grpc.pb.h"
#include "server/etcd_errors.h"

namespace raftkv::server {
namespace {

constexpr std::chrono::seconds kForwardTimeout{5};

}  // namespace

etcdserverpb::ResponseHeader MemberLeaseBackend::Header() {
  etcdserverpb::ResponseHeader header;
  core_->FillHeader(&header);
  return header;
}

void MemberLeaseBackend::Grant(const etcdserverpb::LeaseGrantRequest& request, GrantDone done) {
  core_->LeaseGrantAsync(request, std::move(done));
}

absl::StatusOr<etcdserverpb::LeaseRevokeResponse> MemberLeaseBackend::Revoke(
    const etcdserverpb::LeaseRevokeRequest& request) {
  return core_->LeaseRevoke(request);
}

// A lease granted through a follower is applied there before the grant is answered,
// while this leader's apply thread may still be behind: "not found" is only answered
// once everything committed before the question is applied here.
template <typename Result>
Result MemberLeaseBackend::AskLessorSettled(const std::function<Result()>& ask) {
  Result result = ask();
  if (!absl::IsNotFound(result.status())) return result;
  if (!core_->CatchUpWithCommitted().ok()) return result;
  return ask();
}

absl::StatusOr<int64_t> MemberLeaseBackend::Renew(int64_t id) {
  if (raft_->IsLeader()) {
    return AskLessorSettled<absl::StatusOr<int64_t>>([&] { return lessor_->Renew(id); });
  }
  return keep_alives_.Renew(id);
}

absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> MemberLeaseBackend::TimeToLive(
    const etcdserverpb::LeaseTimeToLiveRequest& request) {
  if (raft_->IsLeader()) {
    auto response = AskLessorSettled<absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse>>(
        [&] { return lessor_->TimeToLive(request.id(), request.keys()); });
    if (response.ok()) *response->mutable_header() = Header();
    return response;
  }
  auto channel = leader_.Get();
  if (!channel.ok()) return channel.status();
  auto stub = etcdserverpb::Lease::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kForwardTimeout);
  etcdserverpb::LeaseTimeToLiveResponse response;
  grpc::Status status = stub->LeaseTimeToLive(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  *response.mutable_header() = Header();
  return response;
}

}  // namespace raftkv::server
