// gRPC service etcdserverpb.Maintenance: Status (for `etcdctl endpoint status`) and
// an empty alarm list. Other RPCs answer UNIMPLEMENTED for now.
#ifndef RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_
#define RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_

#include "proto/rpc.grpc.pb.h"
#include "server/kv_core.h"

namespace raftkv::server::api {

class MaintenanceService final : public etcdserverpb::Maintenance::Service {
 public:
  explicit MaintenanceService(KvCore* core) : core_(core) {}

  grpc::Status Status(grpc::ServerContext* context, const etcdserverpb::StatusRequest* request,
                      etcdserverpb::StatusResponse* response) override;
  grpc::Status Alarm(grpc::ServerContext* context, const etcdserverpb::AlarmRequest* request,
                     etcdserverpb::AlarmResponse* response) override;

 private:
  KvCore* core_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_
