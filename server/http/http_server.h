// The member's HTTP endpoint (etcd's --listen-metrics-urls): /health, /metrics and
// /version, served by cpp-httplib on its own threads.
#ifndef RAFTKV_SERVER_HTTP_HTTP_SERVER_H_
#define RAFTKV_SERVER_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/http/metrics.h"

namespace httplib {
class Server;
}

namespace raftkv::server::http {

struct HttpServerOptions {
  // "http://host:port" (port 0 picks a free one).
  std::string listen_url;
  // True when the member is healthy (leader known, no alarm, a read works).
  std::function<bool()> healthy;
  // This member's own metrics (computed gauges); rendered after the global registry.
  const MetricsRegistry* member_metrics = nullptr;
  std::string server_version;
  std::string cluster_version;
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options);
  ~HttpServer();

  int port() const { return port_; }
  void Stop();  // idempotent

 private:
  explicit HttpServer(HttpServerOptions options);
  void RegisterRoutes();

  const HttpServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// "http://host:port/..." → {host, port}.
absl::StatusOr<std::pair<std::string, int>> ParseHttpListenUrl(const std::string& url);

}  // namespace raftkv::server::http

#endif  // RAFTKV_SERVER_HTTP_HTTP_SERVER_H_
