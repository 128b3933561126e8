#include "server/http/metrics.h"

#include "gtest/gtest.h"
#include "server/http/server_metrics.h"

namespace raftkv::server::http {
namespace {

TEST(MetricsTest, CounterAndGaugeRenderWithHelpAndType) {
  MetricsRegistry registry;
  registry.GetCounter("etcd_server_proposals_failed_total", "Failed proposals.")->Inc(3);
  Gauge* gauge = registry.GetGauge("etcd_server_proposals_pending", "Pending.");
  gauge->Set(5);
  gauge->Add(-2);
  EXPECT_EQ(registry.Render(),
            "# HELP etcd_server_proposals_failed_total Failed proposals.\n"
            "# TYPE etcd_server_proposals_failed_total counter\n"
            "etcd_server_proposals_failed_total 3\n"
            "# HELP etcd_server_proposals_pending Pending.\n"
            "# TYPE etcd_server_proposals_pending gauge\n"
            "etcd_server_proposals_pending 3\n");
}

TEST(MetricsTest, SameNameReturnsSameInstrument) {
  MetricsRegistry registry;
  Counter* a = registry.GetCounter("c_total", "help");
  Counter* b = registry.GetCounter("c_total", "other help");
  EXPECT_EQ(a, b);
}

TEST(MetricsTest, GaugeFunctionIsEvaluatedAtScrapeWithLabels) {
  MetricsRegistry registry;
  double value = 1;
  registry.SetGaugeFunction(
      "etcd_server_version", "Server version.", [&] { return value; }, "server_version=\"3.4.0\"");
  EXPECT_NE(registry.Render().find("etcd_server_version{server_version=\"3.4.0\"} 1\n"),
            std::string::npos);
  value = 0;
  EXPECT_NE(registry.Render().find("etcd_server_version{server_version=\"3.4.0\"} 0\n"),
            std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  Histogram* h = registry.GetHistogram("d_seconds", "Durations.", ExponentialBuckets(0.001, 2, 3));
  h->Observe(0.0005);  // ≤ 0.001
  h->Observe(0.003);   // ≤ 0.004
  h->Observe(10);      // +Inf only
  const std::string text = registry.Render();
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.002\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.004\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_count 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_sum 10.0035"), std::string::npos) << text;
}

TEST(MetricsTest, EtcdFsyncBucketLayout) {
  const std::vector<double> buckets = ExponentialBuckets(0.001, 2, 14);
  ASSERT_EQ(buckets.size(), 14u);
  EXPECT_DOUBLE_EQ(buckets.front(), 0.001);
  EXPECT_DOUBLE_EQ(buckets.back(), 8.192);
}

TEST(MetricsTest, ServerMetricsUseEtcdNamesInGlobalRegistry) {
  ServerMetrics::Get().proposals_failed_total->Inc();
  const std::string text = MetricsRegistry::Global().Render();
  for (const char* name :
       {"etcd_server_leader_changes_seen_total", "etcd_server_proposals_pending",
        "etcd_server_proposals_failed_total", "etcd_disk_wal_fsync_duration_seconds_bucket"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace raftkv::server::http
