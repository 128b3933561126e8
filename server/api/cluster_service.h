// gRPC service etcdserverpb.Cluster: MemberList from the member table.
// Membership changes answer UNIMPLEMENTED until the cluster issue lands.
#ifndef RAFTKV_SERVER_API_CLUSTER_SERVICE_H_
#define RAFTKV_SERVER_API_CLUSTER_SERVICE_H_

#include "proto/rpc.grpc.pb.h"
#include "server/cluster/membership.h"
#include "server/kv_core.h"

namespace raftkv::server::api {

class ClusterService final : public etcdserverpb::Cluster::Service {
 public:
  // Both must outlive the service.
  ClusterService(KvCore* core, const Membership* membership)
      : core_(core), membership_(membership) {}

  grpc::Status MemberList(grpc::ServerContext* context,
                          const etcdserverpb::MemberListRequest* request,
                          etcdserverpb::MemberListResponse* response) override;

 private:
  KvCore* core_;
  const Membership* membership_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_CLUSTER_SERVICE_H_
