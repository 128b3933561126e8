#include "server/api/maintenance_service.h"

#include "server/version.h"

namespace raftkv::server::api {

grpc::Status MaintenanceService::Status(grpc::ServerContext*, const etcdserverpb::StatusRequest*,
                                        etcdserverpb::StatusResponse* response) {
  const ReplicationLog::Status log = core_->LogStatus();
  core_->FillHeader(response->mutable_header());
  response->set_version(kEtcdCompatibleVersion);
  const int64_t db_size = core_->store()->DbSizeBytes();
  response->set_dbsize(db_size);
  response->set_dbsizeinuse(db_size);
  response->set_leader(log.leader_id);
  response->set_raftindex(log.commit_index);
  response->set_raftterm(log.term);
  response->set_raftappliedindex(core_->AppliedIndex());
  response->set_islearner(false);
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::Alarm(grpc::ServerContext*, const etcdserverpb::AlarmRequest*,
                                       etcdserverpb::AlarmResponse* response) {
  // No quota enforcement yet, hence never an alarm to list or clear.
  core_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace raftkv::server::api
