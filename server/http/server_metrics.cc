#include "server/http/server_metrics.h"

namespace raftkv::server::http {

const ServerMetrics& ServerMetrics::Get() {
  static const ServerMetrics metrics = [] {
    MetricsRegistry& r = MetricsRegistry::Global();
    ServerMetrics m;
    m.leader_changes_seen_total =
        r.GetCounter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");
    m.proposals_pending =
        r.GetGauge("etcd_server_proposals_pending", "The current number of pending proposals.");
    m.proposals_failed_total =
        r.GetCounter("etcd_server_proposals_failed_total", "The total number of failed proposals.");
    // etcd's layout: 1ms doubling up to ~8s.
    m.wal_fsync_duration_seconds = r.GetHistogram(
        "etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.",
        ExponentialBuckets(0.001, 2, 14));
    m.health_success =
        r.GetCounter("etcd_server_health_success", "The total number of successful health checks");
    m.health_failures =
        r.GetCounter("etcd_server_health_failures", "The total number of failed health checks");
    return m;
  }();
  return metrics;
}

}  // namespace raftkv::server::http
