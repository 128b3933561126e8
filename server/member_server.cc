#include "server/member_server.h"

#include <signal.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_builder.h"
#include "server/api/cluster_service.h"
#include "server/api/kv_service.h"
#include "server/api/maintenance_service.h"
#include "server/cluster/member_id.h"
#include "server/lease/lease_service.h"
#include "server/snapshot/state_snapshot.h"
#include "server/transport/cluster_info_client.h"
#include "server/transport/peer_server.h"
#include "server/watch/watch_stream_service.h"
#include "spdlog/spdlog.h"
#include "storage/wal.h"

namespace raftkv::server {
namespace {

// etcd lets a gRPC message exceed --max-request-bytes by this much, so that an
// oversized request reaches the server and gets etcd's "request is too large".
constexpr int64_t kGrpcOverheadBytes = 512 * 1024;
// Idle gRPC server threads kept for reuse (idle ones still exit after 10 s).
constexpr int kMaxIdleGrpcThreads = 1024;
// Clients may ping as often as every 5 s, like etcd's --grpc-keepalive-min-time default;
// gRPC's own default (5 min) answers etcd clients' and raftkv's pings with GOAWAY
// "too_many_pings", which drops their watch streams.
constexpr int kMinClientPingIntervalMs = 5000;
// How long a joining member keeps asking the existing members for a list that has it.
constexpr absl::Duration kJoinRetryFor = absl::Seconds(5);

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
  member_dir_ = (std::filesystem::path(config_.data_dir) / "member").string();
  if (absl::Status s = LoadMembership(); !s.ok()) return s;
  if (absl::Status s = OpenStore(); !s.ok()) return s;
  if (absl::Status s = OpenLeasesAndWatch(); !s.ok()) return s;
  if (absl::Status s = OpenRaft(); !s.ok()) return s;
  if (absl::Status s = StartPeerServer(); !s.ok()) return s;

  KvCore::Options core_options;
  core_options.member_id = member_id_;
  core_options.cluster_id = membership_->cluster_id();
  core_options.max_request_bytes = config_.max_request_bytes;
  core_options.request_timeout = std::chrono::milliseconds(5000 + 2 * config_.election_timeout_ms);
  core_options.append_async = [raft = raft_.get()](std::string command, auto on_proposed) {
    raft->AppendAsync(std::move(command), std::move(on_proposed));
  };
  core_ = std::make_unique<KvCore>(core_options, store_.get(), raft_.get(),
                                   membership_applier_.get(), lease_applier_.get());
  lease_backend_ = std::make_unique<MemberLeaseBackend>(core_.get(), raft_.get(), lessor_.get(),
                                                        membership_.get());
  // [maintenance] alarms + quota (before the core applies), Maintenance RPCs, HTTP.
  auto maintenance = MemberMaintenance::Open(member_dir_);
  if (!maintenance.ok()) return maintenance.status();
  maintenance_ = std::move(*maintenance);
  MemberMaintenance::Attachments attachments;
  attachments.core = core_.get();
  attachments.raft = raft_.get();
  attachments.membership = membership_.get();
  attachments.save_snapshot = MakeStateMachineHooks().save_snapshot;
  attachments.quota_backend_bytes = config_.quota_backend_bytes;
  attachments.listen_metrics_urls = config_.listen_metrics_urls;
  attachments.request_timeout = core_options.request_timeout;
  maintenance_->AttachCore(std::move(attachments));
  core_->SetMaintenance(maintenance_->alarms(), maintenance_->quota());
  // [/maintenance]
  cluster_admin_ =
      std::make_unique<ClusterAdmin>(membership_.get(), raft_.get(), config_.initial_cluster_token,
                                     [this](internalpb::InternalRequest request) {
                                       return core_->ProposeCommand(std::move(request));
                                     });
  leader_channels_ = std::make_unique<LeaderChannels>(raft_.get(), membership_.get());
  if (absl::Status s = core_->Start(); !s.ok()) return s;
  spdlog::info("member {} of cluster {} starting at revision {} (applied index {})",
               MemberIdToHex(member_id_), MemberIdToHex(membership_->cluster_id()),
               store_->CurrentRevision(), store_->AppliedIndex());
  publisher_ = std::thread([this] { PublishAttributes(); });
  housekeeper_ = std::thread([this] { Housekeeping(); });
  if (absl::Status s = StartGrpc(); !s.ok()) return s;
  return maintenance_->StartHttp();  // [maintenance]
}

// The member table comes from the data dir when it exists (bootstrap flags are then
// ignored, as etcd does), else from --initial-cluster (new) or from the running
// cluster (existing).
absl::Status MemberServer::LoadMembership() {
  membership_store_ = std::make_unique<MembershipStore>(member_dir_ + "/cluster");
  membership_ = std::make_unique<Membership>();
  auto saved = membership_store_->Load();
  if (!saved.ok()) return saved.status();
  // A member table without a raft log means the first start died half-way: redo it.
  if (saved->has_value() && storage::Wal::Exists(member_dir_ + "/wal")) {
    membership_->ReplaceWith(**saved);
    spdlog::info("restarting with the membership stored in {} (bootstrap flags ignored)",
                 member_dir_);
    return absl::OkStatus();
  }
  return config_.initial_cluster_state == "existing" ? JoinMembership() : BootstrapMembership();
}

absl::Status MemberServer::BootstrapMembership() {
  absl::StatusOr<std::vector<Member>> members =
      ParseInitialCluster(config_.initial_cluster, config_.initial_cluster_token);
  if (!members.ok()) return members.status();
  member_id_ = ComputeMemberId(config_.initial_advertise_peer_urls, config_.initial_cluster_token);
  std::vector<uint64_t> member_ids;
  bool found_self = false;
  for (Member& member : *members) {
    member_ids.push_back(member.id);
    if (member.id == member_id_) found_self = true;
  }
  if (!found_self) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--initial-cluster has no member with --initial-advertise-peer-urls ",
        absl::StrJoin(config_.initial_advertise_peer_urls, ","), " (name ", config_.name, ")"));
  }
  membership_ = std::make_unique<Membership>(ComputeClusterId(member_ids), *members);
  return membership_store_->Save(membership_->ToProto(), 0);
}

// A member added with MemberAdd learns the cluster (and its own id) from the others.
absl::Status MemberServer::JoinMembership() {
  absl::StatusOr<std::vector<Member>> members =
      ParseInitialCluster(config_.initial_cluster, config_.initial_cluster_token);
  if (!members.ok()) return members.status();
  std::vector<std::string> peer_urls;
  for (const Member& m : *members) {
    for (const auto& url : m.peer_urls) {
      if (std::find(config_.initial_advertise_peer_urls.begin(),
                    config_.initial_advertise_peer_urls.end(),
                    url) == config_.initial_advertise_peer_urls.end()) {
        peer_urls.push_back(url);
      }
    }
  }
  // The member asked may not have applied the 'member add' yet (a follower, a moment
  // after the leader answered it), or may be restarting: ask again for a short while
  // before giving up.
  const absl::Time deadline = absl::Now() + kJoinRetryFor;
  absl::Status last;
  do {
    auto info = transport::FetchClusterInfo(peer_urls);
    if (info.ok()) {
      membership_->ReplaceWith(*info);
      member_id_ = OwnIdIn(membership_->List());
      if (member_id_ != 0) return membership_store_->Save(membership_->ToProto(), 0);
      last = absl::FailedPreconditionError(
          "cannot join: this member's peer URLs were not added with 'member add' first");
    } else {
      last = absl::UnavailableError("cannot join: no existing member answered (" +
                                    info.status().ToString() + ")");
    }
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < deadline);
  return last;
}

uint64_t MemberServer::OwnIdIn(const std::vector<Member>& members) const {
  for (const Member& m : members) {
    for (const auto& url : config_.initial_advertise_peer_urls) {
      if (std::find(m.peer_urls.begin(), m.peer_urls.end(), url) != m.peer_urls.end()) {
        return m.id;
      }
    }
  }
  return 0;
}

absl::Status MemberServer::OpenStore() {
  mvcc_dir_ = member_dir_ + "/mvcc";
  std::error_code error;
  std::filesystem::create_directories(mvcc_dir_, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data dir ", mvcc_dir_, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<storage::MvccStore>> store =
      // No fsync per apply: the WAL (fsynced before anything is acknowledged) is the
      // durable record. After a power loss the store may be behind; the WAL still holds
      // every entry after the newest snapshot file, and a store older than that snapshot
      // is restored from it (RaftNode::RecoverSnapshot), so replay rebuilds the rest.
      storage::MvccStore::Open({mvcc_dir_, /*sync_writes=*/false});
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  return absl::OkStatus();
}

// Leases live in their own LevelDB; key attachments are rebuilt from the store.
// Every committed revision's events feed both the lessor's attachments and watchers.
absl::Status MemberServer::OpenLeasesAndWatch() {
  // No fsync per apply, as for the MVCC store: the WAL is the durable record and
  // replay re-applies what a power loss took; Lessor::Export syncs before a snapshot.
  auto lease_store = lease::LeaseStore::Open({member_dir_ + "/lease", /*sync_writes=*/false});
  if (!lease_store.ok()) return lease_store.status();
  lease::LessorOptions options;
  // etcd: the minimum TTL is 1.5 election timeouts, rounded up to whole seconds.
  options.min_ttl_seconds = int64_t((config_.election_timeout_ms * 3 / 2 + 999) / 1000);
  auto lessor = lease::Lessor::Open(std::move(*lease_store), &clock_, options);
  if (!lessor.ok()) return lessor.status();
  lessor_ = std::move(*lessor);
  lease_applier_ = std::make_unique<LeaseApplier>(lessor_.get(), store_.get());
  if (absl::Status s = lease_applier_->ReattachAll(); !s.ok()) return s;

  event_source_ = std::make_unique<watch::MvccEventSource>(store_.get());
  watch_hub_ = std::make_unique<watch::WatchHub>(event_source_.get(), store_->CurrentRevision());
  store_->SetEventSink([this](int64_t revision, const std::vector<mvccpb::Event>& events) {
    lease_applier_->OnEvents(events);
    watch_hub_->OnCommit(revision, events);
  });
  return absl::OkStatus();
}

// Twice a second: leave if removed, and (leader only) revoke expired leases.
void MemberServer::Housekeeping() {
  while (!stopping_.load()) {
    if (raft_->removed()) {
      // etcd exits once it learns it was removed; main() turns SIGTERM into a
      // graceful shutdown.
      spdlog::warn("this member was removed from the cluster; shutting down");
      ::kill(::getpid(), SIGTERM);
      return;
    }
    if (raft_->IsLeader()) ExpireLeases();
    std::unique_lock<std::mutex> lock(publish_mu_);
    publish_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_.load(); });
  }
}

// Only the leader judges expiry; it proposes a revoke and the lease (and its keys)
// disappears when that revoke is applied, on every member at the same revision.
void MemberServer::ExpireLeases() {
  for (int64_t id : lessor_->ExpiredLeases()) {
    etcdserverpb::LeaseRevokeRequest revoke;
    revoke.set_id(id);
    absl::Status revoked = core_->LeaseRevoke(revoke).status();
    if (!revoked.ok() && !absl::IsNotFound(revoked)) {
      spdlog::warn("revoking expired lease {:x} failed: {}", id, revoked.ToString());
    }
  }
}

// A new leader restarts every lease's countdown (plus an election timeout), so no
// lease expires early because the previous leader's clock is gone.
void MemberServer::OnLeadershipChange(bool is_leader) {
  if (is_leader) {
    lessor_->Promote(absl::Milliseconds(config_.election_timeout_ms));
  } else {
    lessor_->Demote();
  }
}

absl::Status MemberServer::OpenRaft() {
  RaftNode::Options options;
  options.member_id = member_id_;
  options.member_dir = member_dir_;
  const bool bootstrapping = config_.initial_cluster_state != "existing";
  if (bootstrapping) {
    for (const Member& m : membership_->List()) options.bootstrap_voters.push_back(m.id);
  }
  options.tick = std::chrono::milliseconds(config_.heartbeat_interval_ms);
  options.election_ticks =
      std::max<int>(2, int(config_.election_timeout_ms / config_.heartbeat_interval_ms));
  options.snapshot_count = config_.snapshot_count;
  options.snapshot_catchup_entries = config_.snapshot_catchup_entries;
  options.read_index_timeout = std::chrono::milliseconds(5000 + 2 * config_.election_timeout_ms);

  std::map<uint64_t, std::vector<std::string>> peers;
  for (const Member& m : membership_->List()) peers[m.id] = m.peer_urls;
  // Before the raft node exists the applier has no transport; it gets it below.
  membership_applier_ =
      std::make_unique<MembershipApplier>(member_id_, membership_.get(), membership_store_.get());
  auto raft = RaftNode::Open(options, MakeStateMachineHooks(), peers);
  if (!raft.ok()) return raft.status();
  raft_ = std::move(*raft);
  if (member_id_ == 0 || member_id_ != raft_->member_id()) {
    member_id_ = raft_->member_id();
    membership_applier_ =
        std::make_unique<MembershipApplier>(member_id_, membership_.get(), membership_store_.get());
  }
  membership_applier_->set_transport(&raft_->transport());
  return absl::OkStatus();
}

RaftNode::StateMachineHooks MemberServer::MakeStateMachineHooks() {
  RaftNode::StateMachineHooks hooks;
  hooks.applied_index = [this] { return store_->AppliedIndex(); };
  hooks.save_snapshot = [this](const std::string& dir, const raftpb::SnapshotMetadata& meta) {
    StateSnapshotSource source;
    source.cluster = [this] { return membership_->ToProto(); };
    source.leases = [this] {
      std::vector<internalpb::LeaseRecord> leases;
      for (const lease::LeaseRecord& l : lessor_->Export()) {
        internalpb::LeaseRecord& out = leases.emplace_back();
        out.set_id(l.id);
        out.set_ttl(l.ttl);
        out.set_remaining_ttl(l.remaining_ttl);
      }
      return leases;
    };
    source.alarms = [this] { return maintenance_->alarms()->List(); };
    source.store = store_.get();
    return WriteStateSnapshot(dir, meta, source);
  };
  hooks.restore_snapshot = [this](const std::string& path, uint64_t index) {
    StateSnapshotTarget target;
    target.store = store_.get();
    target.restore_cluster = [this, index](const peerpb::ClusterInfo& info) {
      membership_applier_->Restore(index, info);
    };
    target.restore_leases = [this](const std::vector<internalpb::LeaseRecord>& leases,
                                   uint64_t at) {
      std::vector<lease::LeaseRecord> records;
      for (const auto& l : leases) records.push_back({l.id(), l.ttl(), l.remaining_ttl()});
      return lessor_->ReplaceAll(records, at);
    };
    target.restore_alarms = [this](const std::vector<etcdserverpb::AlarmMember>& alarms) {
      return maintenance_->alarms()->ReplaceAll(alarms);
    };
    absl::Status restored = RestoreStateSnapshot(path, target);
    if (!restored.ok()) return restored;
    watch_hub_->OnRestore(store_->CurrentRevision());
    return lease_applier_->ReattachAll();
  };
  hooks.on_leadership_change = [this](bool is_leader) { OnLeadershipChange(is_leader); };
  hooks.apply_conf_change = [this](uint64_t index, const raftpb::ConfChange& change) {
    membership_applier_->ApplyConfChange(index, change);
  };
  return hooks;
}

absl::Status MemberServer::StartPeerServer() {
  transport::PeerServiceOptions options;
  options.snapshot_dir = member_dir_ + "/snap/incoming";
  options.cluster_info = [this]() -> absl::StatusOr<peerpb::ClusterInfo> {
    return membership_->ToProto();
  };
  peer_service_ = std::make_unique<transport::PeerService>(raft_.get(), options);
  if (config_.listen_peer_urls.empty()) return absl::InvalidArgumentError("no --listen-peer-urls");
  // One peer listener is enough for loopback and single-interface deployments.
  auto server = transport::StartPeerServer(config_.listen_peer_urls.front(), peer_service_.get());
  if (!server.ok()) return server.status();
  peer_server_ = std::move(*server);
  return absl::OkStatus();
}

// Publishes this member's name and client URLs through Raft so that every member's
// MemberList shows them (etcd's publish); retried until it is applied.
void MemberServer::PublishAttributes() {
  internalpb::InternalRequest request;
  auto* attributes = request.mutable_member_attributes();
  attributes->set_member_id(member_id_);
  attributes->set_name(config_.name);
  for (const auto& url : config_.advertise_client_urls) attributes->add_client_urls(url);
  while (!stopping_.load()) {
    absl::Status published = core_->ProposeCommand(request);
    if (published.ok()) {
      spdlog::info("published member attributes (name {}, client URLs {})", config_.name,
                   absl::StrJoin(config_.advertise_client_urls, ","));
      return;
    }
    std::unique_lock<std::mutex> lock(publish_mu_);
    publish_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_.load(); });
  }
}

absl::Status MemberServer::StartGrpc() {
  services_.push_back(std::make_unique<api::KvService>(core_.get(), config_.max_txn_ops));
  services_.push_back(maintenance_->MakeService());  // [maintenance]
  services_.push_back(std::make_unique<api::ClusterService>(
      core_.get(), membership_.get(), cluster_admin_.get(), leader_channels_.get()));
  watch::WatchServerContext watch_context;
  watch_context.header = [this] {
    etcdserverpb::ResponseHeader header;
    core_->FillHeader(&header);
    return header;
  };
  watch_context.max_response_bytes = config_.max_request_bytes + kGrpcOverheadBytes;
  watch_context.has_leader = [this] { return raft_->GetStatus().leader_id != 0; };
  // etcd checks once per election timeout and gives up after 3 checks without a leader.
  watch_context.leader_check_interval = absl::Milliseconds(config_.election_timeout_ms);
  services_.push_back(std::make_unique<watch::WatchStreamService>(watch_hub_.get(), watch_context));
  services_.push_back(std::make_unique<lease::LeaseService>(lessor_.get(), lease_backend_.get()));
  // Registered so that clients get UNIMPLEMENTED (not "unknown service") until auth lands.
  services_.push_back(std::make_unique<etcdserverpb::Auth::Service>());

  grpc::ServerBuilder builder;
  // Unary handlers block until their proposal applies. gRPC keeps at most 2 idle
  // polling threads by default, so under load every request created a thread and
  // tore it down afterwards; let the pool keep as many threads as are in use.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleGrpcThreads);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kMinClientPingIntervalMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
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
  {
    std::lock_guard<std::mutex> lock(publish_mu_);
    stopping_ = true;
  }
  publish_cv_.notify_all();
  // In-flight RPCs still need the core to finish, so stop gRPC first.
  if (maintenance_) maintenance_->Stop();  // [maintenance] HTTP reads the core
  if (grpc_server_) grpc_server_->Shutdown(std::chrono::system_clock::now() + grace);
  if (core_) core_->Stop();
  if (publisher_.joinable()) publisher_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
  if (peer_server_) transport::ShutdownPeerServer(peer_server_.get());
  if (store_) {
    spdlog::info("stopped at revision {} (applied index {})", store_->CurrentRevision(),
                 store_->AppliedIndex());
  }
  core_.reset();
  raft_.reset();
  grpc_server_.reset();  // watch streams must be gone before the hub
  services_.clear();
  watch_hub_.reset();
  store_.reset();
}

MemberServer::~MemberServer() { Shutdown(std::chrono::milliseconds(0)); }

}  // namespace raftkv::server
