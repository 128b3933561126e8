#include "server/config.h"

#include "gtest/gtest.h"

namespace raftkv::server {
namespace {

TEST(ConfigTest, DefaultsMatchEtcd) {
  absl::StatusOr<Config> config = ParseConfig({"raftkv"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->name, "default");
  EXPECT_EQ(config->data_dir, "default.etcd");
  EXPECT_EQ(config->listen_client_urls, std::vector<std::string>{"http://localhost:2379"});
  EXPECT_EQ(config->initial_cluster, "default=http://localhost:2380");
  EXPECT_EQ(config->initial_cluster_token, "etcd-cluster");
  EXPECT_EQ(config->heartbeat_interval_ms, 100u);
  EXPECT_EQ(config->election_timeout_ms, 1000u);
  EXPECT_EQ(config->snapshot_count, 100000u);
  EXPECT_EQ(config->max_request_bytes, 1572864u);
  EXPECT_EQ(config->max_txn_ops, 128u);
  EXPECT_EQ(config->quota_backend_bytes, int64_t{2} << 30);
}

TEST(ConfigTest, AcceptsEqualsAndSpaceSeparatedValuesAndSingleDash) {
  absl::StatusOr<Config> config =
      ParseConfig({"raftkv", "--name=n1", "--data-dir", "/tmp/x", "-max-txn-ops", "7",
                   "--listen-client-urls=http://127.0.0.1:1,http://127.0.0.1:2"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->name, "n1");
  EXPECT_EQ(config->data_dir, "/tmp/x");
  EXPECT_EQ(config->max_txn_ops, 7u);
  EXPECT_EQ(config->listen_client_urls.size(), 2u);
  EXPECT_EQ(config->initial_cluster, "n1=http://localhost:2380");
}

TEST(ConfigTest, AcceptsEveryPeerFlag) {
  absl::StatusOr<Config> config = ParseConfig(
      {"raftkv", "--listen-peer-urls=http://127.0.0.1:2380",
       "--initial-advertise-peer-urls=http://127.0.0.1:2380",
       "--initial-cluster=default=http://127.0.0.1:2380", "--initial-cluster-state=existing",
       "--initial-cluster-token=t", "--heartbeat-interval=50", "--election-timeout=500",
       "--snapshot-count=10", "--quota-backend-bytes=1024", "--max-request-bytes=10",
       "--listen-metrics-urls=http://127.0.0.1:2381"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->initial_cluster_state, "existing");
  EXPECT_EQ(config->heartbeat_interval_ms, 50u);
  EXPECT_EQ(config->max_request_bytes, 10u);
}

TEST(ConfigTest, RejectsUnknownFlagNamingIt) {
  absl::StatusOr<Config> config = ParseConfig({"raftkv", "--no-such-flag=1"});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("no-such-flag"), absl::string_view::npos);
}

TEST(ConfigTest, RejectsBadValues) {
  EXPECT_FALSE(ParseConfig({"raftkv", "--max-txn-ops=abc"}).ok());
  EXPECT_FALSE(ParseConfig({"raftkv", "--max-txn-ops"}).ok());
  EXPECT_FALSE(ParseConfig({"raftkv", "--initial-cluster-state=weird"}).ok());
  EXPECT_FALSE(ParseConfig({"raftkv", "--heartbeat-interval=500"}).ok());
  EXPECT_FALSE(ParseConfig({"raftkv", "stray"}).ok());
}

}  // namespace
}  // namespace raftkv::server
