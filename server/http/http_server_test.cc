#include "server/http/http_server.h"

#include <atomic>

#include "gtest/gtest.h"
#include "httplib.h"

namespace raftkv::server::http {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    member_metrics_.SetGaugeFunction("etcd_server_has_leader", "Leader known.",
                                     [this] { return healthy_.load() ? 1.0 : 0.0; });
    HttpServerOptions options;
    options.listen_url = "http://127.0.0.1:0";
    options.healthy = [this] { return healthy_.load(); };
    options.member_metrics = &member_metrics_;
    options.server_version = "3.4.0";
    options.cluster_version = "3.4.0";
    auto server = HttpServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  std::atomic<bool> healthy_{true};
  MetricsRegistry member_metrics_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, HealthReflectsTheMember) {
  auto ok = client_->Get("/health");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "{\"health\":\"true\"}");

  healthy_ = false;
  auto bad = client_->Get("/health");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 503);
  EXPECT_EQ(bad->body, "{\"health\":\"false\"}\n");
}

TEST_F(HttpServerTest, VersionIsEtcdShaped) {
  auto response = client_->Get("/version");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{\"etcdserver\":\"3.4.0\",\"etcdcluster\":\"3.4.0\"}");
}

TEST_F(HttpServerTest, MetricsServesGlobalAndMemberMetrics) {
  auto response = client_->Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(response->body.find("etcd_server_has_leader 1\n"), std::string::npos);
  EXPECT_NE(response->body.find("# TYPE etcd_disk_wal_fsync_duration_seconds histogram"),
            std::string::npos);
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  auto response = client_->Get("/nope");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

TEST(HttpListenUrlTest, Parses) {
  auto parsed = ParseHttpListenUrl("http://127.0.0.1:2381");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->first, "127.0.0.1");
  EXPECT_EQ(parsed->second, 2381);
  EXPECT_FALSE(ParseHttpListenUrl("https://127.0.0.1:2381").ok());
  EXPECT_FALSE(ParseHttpListenUrl("http://127.0.0.1").ok());
}

}  // namespace
}  // namespace raftkv::server::http
