// The member's maintenance plumbing in one place, so the member server only needs a
// few calls: the alarm store (applied by the state machine), the backend quota
// (checked by the KV core), the Maintenance gRPC service and the metrics HTTP server.
//
//   auto m = MemberMaintenance::Open(member_dir);        // before the core applies
//   m->AttachCore({...});                                 // core/raft exist, before core->Start
//   services.push_back(m->MakeService());
//   m->StartHttp();                                       // after the core started
//   m->Stop();                                            // at shutdown, before the core stops
#ifndef RAFTKV_SERVER_MAINTENANCE_MEMBER_MAINTENANCE_H_
#define RAFTKV_SERVER_MAINTENANCE_MEMBER_MAINTENANCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "server/alarm/alarm_store.h"
#include "server/alarm/quota_guard.h"
#include "server/api/maintenance_service.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"

namespace raftkv::server {

class MemberMaintenance {
 public:
  struct Attachments {
    KvCore* core = nullptr;
    RaftNode* raft = nullptr;
    const Membership* membership = nullptr;
    // The raft node's save_snapshot hook (MakeStateMachineHooks().save_snapshot).
    std::function<absl::StatusOr<std::string>(const std::string&, const raftpb::SnapshotMetadata&)>
        save_snapshot;
    int64_t quota_backend_bytes = 0;               // --quota-backend-bytes
    std::vector<std::string> listen_metrics_urls;  // --listen-metrics-urls
    std::chrono::milliseconds request_timeout{7000};
  };

  // Opens the persisted alarms in <member_dir>/alarms.
  static absl::StatusOr<std::unique_ptr<MemberMaintenance>> Open(const std::string& member_dir);
  ~MemberMaintenance();

  // The table the applier must update with committed AlarmRequests.
  alarm::AlarmStore* alarms() const { return alarms_.get(); }
  // Creates the quota guard; the core must then call quota()->CheckWrite before
  // proposing writes that can grow the database.
  void AttachCore(Attachments attachments);
  const alarm::QuotaGuard* quota() const { return quota_.get(); }

  std::unique_ptr<api::MaintenanceService> MakeService() const;
  // Serves /health, /metrics, /version on every --listen-metrics-urls (none: no-op).
  absl::Status StartHttp();
  // Ports the HTTP servers listen on (resolved when 0 was asked).
  std::vector<int> http_ports() const;
  void Stop();

  // The member's health as etcd's /health judges it: a leader is known, no alarm
  // is active and a (serializable) read succeeds.
  bool Healthy() const;

 private:
  explicit MemberMaintenance(std::string member_dir) : member_dir_(std::move(member_dir)) {}
  void RegisterMemberMetrics();

  const std::string member_dir_;
  std::unique_ptr<alarm::AlarmStore> alarms_;
  Attachments attached_;
  std::unique_ptr<alarm::QuotaGuard> quota_;
  http::MetricsRegistry member_metrics_;
  std::vector<std::unique_ptr<http::HttpServer>> http_servers_;
};

}  // namespace raftkv::server

#endif  // RAFTKV_SERVER_MAINTENANCE_MEMBER_MAINTENANCE_H_
