// gRPC service etcdserverpb.Cluster: the member table and membership changes.
#ifndef RAFTKV_SERVER_API_CLUSTER_SERVICE_H_
#define RAFTKV_SERVER_API_CLUSTER_SERVICE_H_

#include "proto/rpc.grpc.pb.h"
#include "server/cluster/cluster_admin.h"
#include "server/cluster/membership.h"
#include "server/kv_core.h"
#include "server/leader_channel.h"

namespace raftkv::server::api {

class ClusterService final : public etcdserverpb::Cluster::Service {
 public:
  // All must outlive the service.
  ClusterService(KvCore* core, const Membership* membership, ClusterAdmin* admin,
                 LeaderChannels* leader)
      : core_(core), membership_(membership), admin_(admin), leader_(leader) {}

  grpc::Status MemberList(grpc::ServerContext* context,
                          const etcdserverpb::MemberListRequest* request,
                          etcdserverpb::MemberListResponse* response) override;
  grpc::Status MemberAdd(grpc::ServerContext* context,
                         const etcdserverpb::MemberAddRequest* request,
                         etcdserverpb::MemberAddResponse* response) override;
  grpc::Status MemberRemove(grpc::ServerContext* context,
                            const etcdserverpb::MemberRemoveRequest* request,
                            etcdserverpb::MemberRemoveResponse* response) override;
  grpc::Status MemberUpdate(grpc::ServerContext* context,
                            const etcdserverpb::MemberUpdateRequest* request,
                            etcdserverpb::MemberUpdateResponse* response) override;
  grpc::Status MemberPromote(grpc::ServerContext* context,
                             const etcdserverpb::MemberPromoteRequest* request,
                             etcdserverpb::MemberPromoteResponse* response) override;

 private:
  // Fills the header and the current member list of any response.
  template <typename Response>
  void FillMembers(Response* response) const;
  // Only the leader knows whether a learner caught up: a follower asks it (once).
  grpc::Status ForwardPromote(const grpc::ServerContext& context,
                              const etcdserverpb::MemberPromoteRequest& request,
                              etcdserverpb::MemberPromoteResponse* response);

  KvCore* core_;
  const Membership* membership_;
  ClusterAdmin* admin_;
  LeaderChannels* leader_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_CLUSTER_SERVICE_H_
