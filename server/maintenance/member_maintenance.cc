#include "server/maintenance/member_maintenance.h"

#include "absl/strings/str_cat.h"
#include "server/cluster/member_id.h"
#include "server/version.h"

namespace raftkv::server {

absl::StatusOr<std::unique_ptr<MemberMaintenance>> MemberMaintenance::Open(
    const std::string& member_dir) {
  std::unique_ptr<MemberMaintenance> maintenance(new MemberMaintenance(member_dir));
  auto alarms = alarm::AlarmStore::Open(member_dir + "/alarms");
  if (!alarms.ok()) return alarms.status();
  maintenance->alarms_ = std::move(*alarms);
  return maintenance;
}

MemberMaintenance::~MemberMaintenance() { Stop(); }

void MemberMaintenance::AttachCore(Attachments attachments) {
  attached_ = std::move(attachments);
  KvCore* core = attached_.core;
  alarm::QuotaGuard::Options options;
  options.quota_bytes = attached_.quota_backend_bytes;
  options.member_id = core->options().member_id;
  quota_ = std::make_unique<alarm::QuotaGuard>(
      options, alarms_.get(), [core] { return core->store()->DbSizeBytes(); },
      [core](const etcdserverpb::AlarmRequest& request) {
        internalpb::InternalRequest internal;
        *internal.mutable_alarm() = request;
        return core->ProposeCommand(std::move(internal));
      });
}

std::unique_ptr<api::MaintenanceService> MemberMaintenance::MakeService() const {
  api::MaintenanceContext context;
  context.core = attached_.core;
  context.raft = attached_.raft;
  context.membership = attached_.membership;
  context.alarms = alarms_.get();
  context.save_snapshot = attached_.save_snapshot;
  context.scratch_dir = member_dir_ + "/snap/backup";
  context.move_leader_timeout = attached_.request_timeout;
  return std::make_unique<api::MaintenanceService>(std::move(context));
}

bool MemberMaintenance::Healthy() const {
  if (!attached_.core || !alarms_->Empty()) return false;
  if (attached_.core->LogStatus().leader_id == 0) return false;
  etcdserverpb::RangeRequest probe;
  probe.set_key("health");
  probe.set_serializable(true);
  probe.set_count_only(true);
  return attached_.core->Range(probe).ok();
}

void MemberMaintenance::RegisterMemberMetrics() {
  KvCore* core = attached_.core;
  auto& m = member_metrics_;
  m.SetGaugeFunction("etcd_server_has_leader",
                     "Whether or not a leader exists. 1 is existence, 0 is not.",
                     [core] { return core->LogStatus().leader_id != 0 ? 1.0 : 0.0; });
  m.SetGaugeFunction(
      "etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
      [core] { return core->LogStatus().leader_id == core->options().member_id ? 1.0 : 0.0; });
  m.SetGaugeFunction("etcd_server_proposals_committed_total",
                     "The total number of consensus proposals committed.",
                     [core] { return double(core->LogStatus().commit_index); });
  m.SetGaugeFunction("etcd_server_proposals_applied_total",
                     "The total number of consensus proposals applied.",
                     [core] { return double(core->AppliedIndex()); });
  m.SetGaugeFunction("etcd_mvcc_db_total_size_in_bytes",
                     "Total size of the underlying database physically allocated in bytes.",
                     [core] { return double(core->store()->DbSizeBytes()); });
  m.SetGaugeFunction("etcd_mvcc_db_total_size_in_use_in_bytes",
                     "Total size of the underlying database logically in use in bytes.",
                     [core] { return double(core->store()->DbSizeBytes()); });
  m.SetGaugeFunction("etcd_debugging_mvcc_current_revision", "The current revision of store.",
                     [core] { return double(core->store()->CurrentRevision()); });
  const double quota = double(quota_ ? quota_->quota_bytes() : 0);
  m.SetGaugeFunction("etcd_server_quota_backend_bytes",
                     "Current backend storage quota size in bytes.", [quota] { return quota; });
  m.SetGaugeFunction(
      "etcd_server_id", "Server or member ID in hexadecimal format. 1 for 'server_id' label.",
      [] { return 1.0; },
      absl::StrCat("server_id=\"", MemberIdToHex(core->options().member_id), "\""));
  m.SetGaugeFunction(
      "etcd_server_version", "Which version is running. 1 for 'server_version' label.",
      [] { return 1.0; }, absl::StrCat("server_version=\"", kEtcdCompatibleVersion, "\""));
  m.SetGaugeFunction(
      "etcd_cluster_version", "Which version is running. 1 for 'cluster_version' label.",
      [] { return 1.0; }, absl::StrCat("cluster_version=\"", kEtcdClusterVersion, "\""));
}

absl::Status MemberMaintenance::StartHttp() {
  if (attached_.listen_metrics_urls.empty()) return absl::OkStatus();
  RegisterMemberMetrics();
  for (const std::string& url : attached_.listen_metrics_urls) {
    http::HttpServerOptions options;
    options.listen_url = url;
    options.healthy = [this] { return Healthy(); };
    options.member_metrics = &member_metrics_;
    options.server_version = kEtcdCompatibleVersion;
    options.cluster_version = kEtcdClusterVersion;
    auto server = http::HttpServer::Start(std::move(options));
    if (!server.ok()) return server.status();
    http_servers_.push_back(std::move(*server));
  }
  return absl::OkStatus();
}

std::vector<int> MemberMaintenance::http_ports() const {
  std::vector<int> ports;
  for (const auto& server : http_servers_) ports.push_back(server->port());
  return ports;
}

void MemberMaintenance::Stop() {
  for (auto& server : http_servers_) server->Stop();
}

}  // namespace raftkv::server
