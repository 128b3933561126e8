// One raftkv member process: opens the store, bootstraps membership, runs the KV core
// over a replication log and serves etcd's gRPC API on the client URLs.
#ifndef RAFTKV_SERVER_MEMBER_SERVER_H_
#define RAFTKV_SERVER_MEMBER_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server.h"
#include "server/cluster/cluster_admin.h"
#include "server/cluster/membership.h"
#include "server/cluster/membership_applier.h"
#include "server/cluster/membership_store.h"
#include "server/config.h"
#include "server/kv_core.h"
#include "server/leader_channel.h"
#include "server/lease/clock.h"
#include "server/lease/lessor.h"
#include "server/lease_applier.h"
#include "server/maintenance/member_maintenance.h"
#include "server/member_lease_backend.h"
#include "server/raftnode/raft_node.h"
#include "server/transport/peer_service.h"
#include "server/watch/mvcc_event_source.h"
#include "server/watch/watch_hub.h"
#include "storage/mvcc_store.h"

namespace raftkv::server {

class MemberServer {
 public:
  static absl::StatusOr<std::unique_ptr<MemberServer>> Start(const Config& config);
  ~MemberServer();

  // Stops taking new RPCs, lets in-flight ones finish until `grace` elapses (then
  // cancels them), applies what is committed and closes the store. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  uint64_t member_id() const { return member_id_; }
  uint64_t cluster_id() const { return membership_->cluster_id(); }
  // host:port the gRPC server actually listens on (port resolved if 0 was asked).
  const std::vector<std::string>& listen_addresses() const { return listen_addresses_; }

 private:
  explicit MemberServer(Config config) : config_(std::move(config)) {}
  absl::Status LoadMembership();
  absl::Status BootstrapMembership();
  absl::Status JoinMembership();
  // The id the fetched member list gives this member (by its advertised peer URLs), 0 if none.
  uint64_t OwnIdIn(const std::vector<Member>& members) const;
  absl::Status OpenStore();
  absl::Status OpenLeasesAndWatch();
  void Housekeeping();
  void ExpireLeases();
  void OnLeadershipChange(bool is_leader);
  absl::Status OpenRaft();
  absl::Status StartPeerServer();
  RaftNode::StateMachineHooks MakeStateMachineHooks();
  void PublishAttributes();
  absl::Status Init();
  absl::Status StartGrpc();

  const Config config_;
  std::string member_dir_;
  std::unique_ptr<Membership> membership_;
  std::unique_ptr<MembershipStore> membership_store_;
  std::unique_ptr<MembershipApplier> membership_applier_;
  std::unique_ptr<RaftNode> raft_;
  std::unique_ptr<ClusterAdmin> cluster_admin_;
  std::unique_ptr<LeaderChannels> leader_channels_;
  std::unique_ptr<transport::PeerService> peer_service_;
  std::unique_ptr<grpc::Server> peer_server_;
  std::thread publisher_;
  std::atomic<bool> stopping_{false};
  std::mutex publish_mu_;
  std::condition_variable publish_cv_;
  uint64_t member_id_ = 0;
  std::string mvcc_dir_;
  std::unique_ptr<storage::MvccStore> store_;
  lease::RealClock clock_;
  std::unique_ptr<lease::Lessor> lessor_;
  std::unique_ptr<LeaseApplier> lease_applier_;
  std::unique_ptr<MemberLeaseBackend> lease_backend_;
  std::unique_ptr<watch::MvccEventSource> event_source_;
  std::unique_ptr<watch::WatchHub> watch_hub_;
  std::thread housekeeper_;
  std::unique_ptr<KvCore> core_;
  std::unique_ptr<MemberMaintenance> maintenance_;  // [maintenance]
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::vector<std::string> listen_addresses_;
  bool shut_down_ = false;
};

// "http://host:port" → "host:port". Only http is served for now.
absl::StatusOr<std::string> GrpcListenAddress(const std::string& url);

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_MEMBER_SERVER_H_
