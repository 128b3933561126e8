#include "server/member_server.h"

#include <climits>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/server_builder.h"
#include "server/api/cluster_service.h"
#include "server/api/kv_service.h"
#include "server/api/maintenance_service.h"
#include "server/cluster/member_id.h"
#include "server/local_replication_log.h"
#include "spdlog/spdlog.h"

namespace raftkv::server {
namespace {

// etcd lets a gRPC message exceed --max-request-bytes by this much, so that an
// oversized request reaches the server and gets etcd's "request is too large".
constexpr int64_t kGrpcOverheadBytes = 512 * 1024;

}  // namespace

absl::StatusOr<std::string> GrpcListenAddress(const std::string& url) {
  constexpr absl::string_view kHttp = "http://";
  if (!absl::StartsWith(url, kHttp)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported client URL \"", url, "\" (only http:// is served)"));
  }
  std::string address = url.substr(kHttp.size());
  if (auto slash = address.find('/'); slash != std::string::npos) address.resize(slash);
  if (address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("client URL \"", url, "\" has no port"));
  }
  return address;
}

absl::StatusOr<std::unique_ptr<MemberServer>> MemberServer::Start(const Config& config) {
  std::unique_ptr<MemberServer> server(new MemberServer(config));
  if (absl::Status s = server->Init(); !s.ok()) return s;
  return server;
}

absl::Status MemberServer::Init() {
  absl::StatusOr<std::vector<Member>> members =
      ParseInitialCluster(config_.initial_cluster, config_.initial_cluster_token);
  if (!members.ok()) return members.status();
  member_id_ = ComputeMemberId(config_.initial_advertise_peer_urls, config_.initial_cluster_token);
  bool found_self = false;
  std::vector<uint64_t> member_ids;
  for (Member& member : *members) {
    member_ids.push_back(member.id);
    if (member.id != member_id_) continue;
    found_self = true;
    member.client_urls = config_.advertise_client_urls;
  }
  if (!found_self) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--initial-cluster has no member with --initial-advertise-peer-urls ",
        absl::StrJoin(config_.initial_advertise_peer_urls, ","), " (name ", config_.name, ")"));
  }
  if (members->size() > 1) {
    return absl::UnimplementedError(
        "multi-member clusters are not supported yet: --initial-cluster must list one member");
  }
  const uint64_t cluster_id = ComputeClusterId(member_ids);
  membership_ = std::make_unique<Membership>(cluster_id, *members);

  mvcc_dir_ = (std::filesystem::path(config_.data_dir) / "member" / "mvcc").string();
  std::error_code error;
  std::filesystem::create_directories(mvcc_dir_, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data dir ", mvcc_dir_, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<storage::MvccStore>> store =
      storage::MvccStore::Open({mvcc_dir_, /*sync_writes=*/true});
  if (!store.ok()) return store.status();
  store_ = *std::move(store);

  LocalReplicationLog::Options log_options;
  log_options.member_id = member_id_;
  log_options.last_applied_index = store_->AppliedIndex();
  log_ = std::make_unique<LocalReplicationLog>(log_options);

  KvCore::Options core_options;
  core_options.member_id = member_id_;
  core_options.cluster_id = cluster_id;
  core_options.max_request_bytes = config_.max_request_bytes;
  core_options.request_timeout = std::chrono::milliseconds(5000 + 2 * config_.election_timeout_ms);
  core_ = std::make_unique<KvCore>(core_options, store_.get(), log_.get());
  if (absl::Status s = core_->Start(); !s.ok()) return s;
  spdlog::info("member {} of cluster {} starting at revision {} (applied index {})",
               MemberIdToHex(member_id_), MemberIdToHex(cluster_id), store_->CurrentRevision(),
               store_->AppliedIndex());
  return StartGrpc();
}

absl::Status MemberServer::StartGrpc() {
  services_.push_back(std::make_unique<api::KvService>(core_.get(), config_.max_txn_ops));
  services_.push_back(std::make_unique<api::MaintenanceService>(core_.get()));
  services_.push_back(std::make_unique<api::ClusterService>(core_.get(), membership_.get()));
  // Registered so that clients get UNIMPLEMENTED (not "unknown service") until the
  // watch, lease and auth issues land.
  services_.push_back(std::make_unique<etcdserverpb::Watch::Service>());
  services_.push_back(std::make_unique<etcdserverpb::Lease::Service>());
  services_.push_back(std::make_unique<etcdserverpb::Auth::Service>());

  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(int(config_.max_request_bytes + kGrpcOverheadBytes));
  builder.SetMaxSendMessageSize(INT_MAX);
  std::vector<std::unique_ptr<int>> bound_ports;
  std::vector<std::string> addresses;
  for (const auto& url : config_.listen_client_urls) {
    absl::StatusOr<std::string> address = GrpcListenAddress(url);
    if (!address.ok()) return address.status();
    addresses.push_back(*address);
    bound_ports.push_back(std::make_unique<int>(0));
    builder.AddListeningPort(*address, grpc::InsecureServerCredentials(), bound_ports.back().get());
  }
  for (auto& service : services_) builder.RegisterService(service.get());
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_) {
    return absl::UnavailableError(absl::StrCat("cannot listen on client URLs ",
                                               absl::StrJoin(config_.listen_client_urls, ",")));
  }
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (*bound_ports[i] == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", addresses[i]));
    }
    std::string host = addresses[i].substr(0, addresses[i].rfind(':'));
    listen_addresses_.push_back(absl::StrCat(host, ":", *bound_ports[i]));
    spdlog::info("ready to serve client requests on {}", listen_addresses_.back());
  }
  return absl::OkStatus();
}

void MemberServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  spdlog::info("shutting down (grace {} ms)", grace.count());
  // In-flight RPCs still need the core to finish, so stop gRPC first.
  if (grpc_server_) grpc_server_->Shutdown(std::chrono::system_clock::now() + grace);
  if (core_) core_->Stop();
  if (store_) {
    spdlog::info("stopped at revision {} (applied index {})", store_->CurrentRevision(),
                 store_->AppliedIndex());
  }
  core_.reset();
  log_.reset();
  store_.reset();
}

MemberServer::~MemberServer() { Shutdown(std::chrono::milliseconds(0)); }

}  // namespace raftkv::server
