// The member's process-wide instruments, under etcd's metric names. Modules that
// have no handle on the HTTP server (raft loop, KV core) update them directly:
//
//   ServerMetrics::Get().wal_fsync_duration_seconds->Observe(seconds);
#ifndef RAFTKV_SERVER_HTTP_SERVER_METRICS_H_
#define RAFTKV_SERVER_HTTP_SERVER_METRICS_H_

#include "server/http/metrics.h"

namespace raftkv::server::http {

struct ServerMetrics {
  // etcd_server_leader_changes_seen_total: the leader id this member sees changed.
  Counter* leader_changes_seen_total;
  // etcd_server_proposals_pending: proposals waiting to be applied.
  Gauge* proposals_pending;
  // etcd_server_proposals_failed_total: proposals that failed (timeout, no leader, ...).
  Counter* proposals_failed_total;
  // etcd_disk_wal_fsync_duration_seconds: one observation per persisted Ready.
  Histogram* wal_fsync_duration_seconds;
  // etcd_server_health_success / etcd_server_health_failures: /health outcomes.
  Counter* health_success;
  Counter* health_failures;

  // Registered in MetricsRegistry::Global() on first use.
  static const ServerMetrics& Get();
};

}  // namespace raftkv::server::http

#endif  // RAFTKV_SERVER_HTTP_SERVER_METRICS_H_
