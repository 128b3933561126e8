#include "server/http/http_server.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/http/server_metrics.h"

namespace raftkv::server::http {
namespace {

constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

absl::StatusOr<std::pair<std::string, int>> ParseHttpListenUrl(const std::string& url) {
  constexpr absl::string_view kHttp = "http://";
  if (!absl::StartsWith(url, kHttp)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported metrics URL \"", url, "\" (only http:// is served)"));
  }
  std::string address = url.substr(kHttp.size());
  if (auto slash = address.find('/'); slash != std::string::npos) address.resize(slash);
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("metrics URL \"", url, "\" has no valid port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options) {
  auto address = ParseHttpListenUrl(options.listen_url);
  if (!address.ok()) return address.status();
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options)));
  server->RegisterRoutes();
  const auto& [host, port] = *address;
  if (port == 0) {
    server->port_ = server->server_->bind_to_any_port(host);
  } else if (server->server_->bind_to_port(host, port)) {
    server->port_ = port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", server->options_.listen_url));
  }
  httplib::Server* raw = server->server_.get();
  server->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  return server;
}

void HttpServer::RegisterRoutes() {
  server_->Get("/health", [this](const httplib::Request&, httplib::Response& response) {
    const bool healthy = options_.healthy && options_.healthy();
    (healthy ? ServerMetrics::Get().health_success : ServerMetrics::Get().health_failures)->Inc();
    // etcd answers 503 with the same JSON body when unhealthy.
    response.status = healthy ? 200 : 503;
    response.set_content(healthy ? "{\"health\":\"true\"}" : "{\"health\":\"false\"}\n",
                         "application/json");
  });
  server_->Get("/version", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(absl::StrCat("{\"etcdserver\":\"", options_.server_version,
                                      "\",\"etcdcluster\":\"", options_.cluster_version, "\"}"),
                         "application/json");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    std::string text = MetricsRegistry::Global().Render();
    if (options_.member_metrics) text += options_.member_metrics->Render();
    response.set_content(text, kPrometheusContentType);
  });
}

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace raftkv::server::http
