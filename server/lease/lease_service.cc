#include "server/lease/lease_service.h"

#include <random>
#include <string>
#include <utility>

namespace raftkv::server::lease {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

LeaseService::LeaseService(Lessor* lessor, LeaseBackend* backend)
    : lessor_(lessor), backend_(backend) {}

int64_t LeaseService::PickLeaseId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  while (true) {
    const int64_t id = static_cast<int64_t>(random() & ((uint64_t{1} << 63) - 1));
    if (id != 0 && !lessor_->Exists(id)) return id;
  }
}

grpc::ServerUnaryReactor* LeaseService::LeaseGrant(grpc::CallbackServerContext* context,
                                                   const etcdserverpb::LeaseGrantRequest* request,
                                                   etcdserverpb::LeaseGrantResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  etcdserverpb::LeaseGrantRequest proposal = *request;
  if (proposal.id() == 0) proposal.set_id(PickLeaseId());
  // `response` lives until the reactor finishes.
  backend_->Grant(proposal,
                  [reactor, response](absl::StatusOr<etcdserverpb::LeaseGrantResponse> granted) {
                    if (!granted.ok()) return reactor->Finish(ToGrpc(granted.status()));
                    *response = std::move(*granted);
                    reactor->Finish(grpc::Status::OK);
                  });
  return reactor;
}

grpc::Status LeaseService::LeaseRevoke(grpc::ServerContext*,
                                       const etcdserverpb::LeaseRevokeRequest* request,
                                       etcdserverpb::LeaseRevokeResponse* response) {
  absl::StatusOr<etcdserverpb::LeaseRevokeResponse> revoked = backend_->Revoke(*request);
  if (!revoked.ok()) return ToGrpc(revoked.status());
  *response = *revoked;
  return grpc::Status::OK;
}

grpc::Status LeaseService::LeaseKeepAlive(
    grpc::ServerContext*, grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse,
                                                   etcdserverpb::LeaseKeepAliveRequest>* stream) {
  etcdserverpb::LeaseKeepAliveRequest request;
  while (stream->Read(&request)) {
    etcdserverpb::LeaseKeepAliveResponse response;
    *response.mutable_header() = backend_->Header();
    response.set_id(request.id());
    absl::StatusOr<int64_t> ttl = backend_->Renew(request.id());
    // etcd answers TTL 0 for an unknown (expired) lease instead of failing.
    if (ttl.ok()) {
      response.set_ttl(*ttl);
    } else if (ttl.status().code() != absl::StatusCode::kNotFound) {
      return ToGrpc(ttl.status());
    }
    if (!stream->Write(response)) break;
  }
  return grpc::Status::OK;
}

grpc::Status LeaseService::LeaseTimeToLive(grpc::ServerContext*,
                                           const etcdserverpb::LeaseTimeToLiveRequest* request,
                                           etcdserverpb::LeaseTimeToLiveResponse* response) {
  absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> found = backend_->TimeToLive(*request);
  if (found.ok()) {
    *response = *found;
  } else if (found.status().code() == absl::StatusCode::kNotFound) {
    // etcd reports an unknown lease as TTL -1, not as an error.
    response->Clear();
    response->set_id(request->id());
    response->set_ttl(-1);
  } else {
    return ToGrpc(found.status());
  }
  *response->mutable_header() = backend_->Header();
  return grpc::Status::OK;
}

grpc::Status LeaseService::LeaseLeases(grpc::ServerContext*,
                                       const etcdserverpb::LeaseLeasesRequest*,
                                       etcdserverpb::LeaseLeasesResponse* response) {
  *response->mutable_header() = backend_->Header();
  for (int64_t id : lessor_->Leases()) response->add_leases()->set_id(id);
  return grpc::Status::OK;
}

}  // namespace raftkv::server::lease
