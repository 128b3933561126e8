// etcdserverpb.Lease over gRPC. Grant and Revoke change replicated state, so
// they go through the member (LeaseBackend: propose via Raft, wait for apply);
// keepalives and time-to-live queries are answered by the leader's lessor.
#ifndef RAFTKV_SERVER_LEASE_LEASE_SERVICE_H_
#define RAFTKV_SERVER_LEASE_LEASE_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "proto/rpc.grpc.pb.h"
#include "server/lease/lessor.h"

namespace raftkv::server::lease {

// What the Lease service needs from the member.
class LeaseBackend {
 public:
  virtual ~LeaseBackend() = default;
  // cluster_id, member_id, revision, raft_term of this member.
  virtual etcdserverpb::ResponseHeader Header() = 0;
  // Proposes the grant (request.ID is already non-zero) and hands `done` the
  // applied result (Lessor::Grant's response, header filled) without blocking:
  // `done` runs exactly once, on whichever thread learns the outcome.
  using GrantDone = std::function<void(absl::StatusOr<etcdserverpb::LeaseGrantResponse>)>;
  virtual void Grant(const etcdserverpb::LeaseGrantRequest& request, GrantDone done) = 0;
  // Proposes the revoke; on apply the attached keys are deleted in one revision.
  virtual absl::StatusOr<etcdserverpb::LeaseRevokeResponse> Revoke(
      const etcdserverpb::LeaseRevokeRequest& request) = 0;
  // Leader-side renew: on the leader, Lessor::Renew (after waiting for the
  // applied index, as etcd); on a follower, forwarded to the leader.
  virtual absl::StatusOr<int64_t> Renew(int64_t id) = 0;
  // Same routing as Renew; on the leader, Lessor::TimeToLive.
  virtual absl::StatusOr<etcdserverpb::LeaseTimeToLiveResponse> TimeToLive(
      const etcdserverpb::LeaseTimeToLiveRequest& request) = 0;
};

// LeaseGrant uses gRPC's callback API, so a grant in flight holds no thread
// (grant-heavy loads, e.g. many services registering at once).
class LeaseService final
    : public etcdserverpb::Lease::WithCallbackMethod_LeaseGrant<etcdserverpb::Lease::Service> {
 public:
  // Both must outlive the service.
  LeaseService(Lessor* lessor, LeaseBackend* backend);

  grpc::ServerUnaryReactor* LeaseGrant(grpc::CallbackServerContext* context,
                                       const etcdserverpb::LeaseGrantRequest* request,
                                       etcdserverpb::LeaseGrantResponse* response) override;
  grpc::Status LeaseRevoke(grpc::ServerContext* context,
                           const etcdserverpb::LeaseRevokeRequest* request,
                           etcdserverpb::LeaseRevokeResponse* response) override;
  grpc::Status LeaseKeepAlive(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse,
                               etcdserverpb::LeaseKeepAliveRequest>* stream) override;
  grpc::Status LeaseTimeToLive(grpc::ServerContext* context,
                               const etcdserverpb::LeaseTimeToLiveRequest* request,
                               etcdserverpb::LeaseTimeToLiveResponse* response) override;
  grpc::Status LeaseLeases(grpc::ServerContext* context,
                           const etcdserverpb::LeaseLeasesRequest* request,
                           etcdserverpb::LeaseLeasesResponse* response) override;

 private:
  // A random positive id not currently in use (etcd: request-id generator).
  int64_t PickLeaseId();

  Lessor* const lessor_;
  LeaseBackend* const backend_;
};

}  // namespace raftkv::server::lease

#endif  // RAFTKV_SERVER_LEASE_LEASE_SERVICE_H_
