// A tiny HTTP service that announces itself through raftkv service discovery.
//
//   registered_service --endpoints=127.0.0.1:2379 --service=greeter --id=g1 --port=8081
//
// It answers GET /hello with "hello from <id>", registers <root>/services/<service>/<id> under
// a lease (kept alive, re-registered if lost), and deregisters on SIGINT/SIGTERM.
#include <httplib.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "client/service_registry.h"

ABSL_FLAG(std::string, endpoints, "127.0.0.1:2379", "comma-separated raftkv/etcd endpoints");
ABSL_FLAG(std::string, service, "greeter", "service name to register under");
ABSL_FLAG(std::string, id, "greeter-1", "this instance's id");
ABSL_FLAG(std::string, host, "127.0.0.1", "address to listen on and advertise");
ABSL_FLAG(int, port, 0, "port to listen on (0: any free port)");
ABSL_FLAG(int, ttl, 10, "registration lease TTL in seconds");

namespace {

httplib::Server* g_server = nullptr;

void StopOnSignal(int) {
  if (g_server != nullptr) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string id = absl::GetFlag(FLAGS_id);
  const std::string host = absl::GetFlag(FLAGS_host);

  httplib::Server server;
  server.Get("/hello", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(absl::StrCat("hello from ", id, "\n"), "text/plain");
  });
  int port = absl::GetFlag(FLAGS_port);
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << "cannot listen on " << host << "\n";
    return 1;
  }

  raftkv::client::ClientOptions options;
  options.endpoints = absl::StrSplit(absl::GetFlag(FLAGS_endpoints), ',', absl::SkipEmpty());
  auto client = raftkv::client::Client::Connect(options);
  if (!client.ok()) {
    std::cerr << "connect: " << client.status() << "\n";
    return 1;
  }
  raftkv::client::ServiceInstance instance;
  instance.service = absl::GetFlag(FLAGS_service);
  instance.id = id;
  instance.address = absl::StrCat(host, ":", port);
  instance.metadata["protocol"] = "http";
  raftkv::client::RegistryOptions registry_options;
  registry_options.ttl_seconds = absl::GetFlag(FLAGS_ttl);
  auto registry =
      raftkv::client::ServiceRegistry::Register(client->get(), instance, registry_options);
  if (!registry.ok()) {
    std::cerr << "register: " << registry.status() << "\n";
    return 1;
  }
  std::cout << "registered " << (*registry)->key() << " -> " << instance.address << std::endl;

  g_server = &server;
  signal(SIGINT, StopOnSignal);
  signal(SIGTERM, StopOnSignal);
  server.listen_after_bind();

  absl::Status deregistered = (*registry)->Deregister();
  std::cout << "deregistered: " << deregistered << std::endl;
  return deregistered.ok() ? 0 : 1;
}
