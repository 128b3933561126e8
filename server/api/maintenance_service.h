// gRPC service etcdserverpb.Maintenance: Status, Hash/HashKV, Snapshot, Defragment,
// Alarm and MoveLeader, with etcd 3.4's fields, errors and stream shape.
#ifndef RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_
#define RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "proto/raft.pb.h"
#include "proto/rpc.grpc.pb.h"
#include "server/alarm/alarm_store.h"
#include "server/cluster/membership.h"
#include "server/kv_core.h"
#include "server/raftnode/raft_node.h"

namespace raftkv::server::api {

struct MaintenanceContext {
  KvCore* core = nullptr;
  // Null in tests without Raft: MoveLeader then answers "not leader".
  RaftNode* raft = nullptr;
  const Membership* membership = nullptr;
  const alarm::AlarmStore* alarms = nullptr;
  // Writes the whole state machine as a snapshot file into `dir` (the raft node's
  // save_snapshot hook); the Snapshot RPC streams that file.
  std::function<absl::StatusOr<std::string>(const std::string& dir,
                                            const raftpb::SnapshotMetadata& metadata)>
      save_snapshot;
  // Where Snapshot writes its temporary file (created if missing).
  std::string scratch_dir;
  std::chrono::milliseconds move_leader_timeout{10000};
};

class MaintenanceService final : public etcdserverpb::Maintenance::Service {
 public:
  explicit MaintenanceService(MaintenanceContext context) : context_(std::move(context)) {}
  // Status/Hash/Defragment only (no alarms, Raft or snapshots): single-process tests.
  explicit MaintenanceService(KvCore* core) : context_(MaintenanceContext{core}) {}

  grpc::Status Status(grpc::ServerContext* context, const etcdserverpb::StatusRequest* request,
                      etcdserverpb::StatusResponse* response) override;
  grpc::Status Alarm(grpc::ServerContext* context, const etcdserverpb::AlarmRequest* request,
                     etcdserverpb::AlarmResponse* response) override;
  grpc::Status Defragment(grpc::ServerContext* context,
                          const etcdserverpb::DefragmentRequest* request,
                          etcdserverpb::DefragmentResponse* response) override;
  grpc::Status Hash(grpc::ServerContext* context, const etcdserverpb::HashRequest* request,
                    etcdserverpb::HashResponse* response) override;
  grpc::Status HashKV(grpc::ServerContext* context, const etcdserverpb::HashKVRequest* request,
                      etcdserverpb::HashKVResponse* response) override;
  grpc::Status Snapshot(grpc::ServerContext* context, const etcdserverpb::SnapshotRequest* request,
                        grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer) override;
  grpc::Status MoveLeader(grpc::ServerContext* context,
                          const etcdserverpb::MoveLeaderRequest* request,
                          etcdserverpb::MoveLeaderResponse* response) override;

 private:
  bool HasAlarm(uint64_t member_id, etcdserverpb::AlarmType type) const;
  absl::Status StreamFile(const std::string& path,
                          grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer);

  const MaintenanceContext context_;
};

}  // namespace raftkv::server::api

#endif  // RAFTKV_SERVER_API_MAINTENANCE_SERVICE_H_
