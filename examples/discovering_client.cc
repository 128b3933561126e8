// Discovers a service's instances through raftkv and calls each one.
//
//   discovering_client --endpoints=127.0.0.1:2379 --service=greeter --calls=3
//
// Waits (up to --wait_seconds) for at least one instance, prints instances as they come and
// go, then sends GET /hello round-robin over the live instances --calls times. Exits 0 when
// every call got an answer.
#include <httplib.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "client/service_discovery.h"

ABSL_FLAG(std::string, endpoints, "127.0.0.1:2379", "comma-separated raftkv/etcd endpoints");
ABSL_FLAG(std::string, service, "greeter", "service to discover");
ABSL_FLAG(int, calls, 3, "number of calls to make");
ABSL_FLAG(int, wait_seconds, 30, "how long to wait for the first instance");

namespace {

// One GET /hello against `instance`; the body, or an error.
absl::StatusOr<std::string> CallHello(const raftkv::client::ServiceInstance& instance) {
  httplib::Client http("http://" + instance.address);
  http.set_connection_timeout(2);
  auto result = http.Get("/hello");
  if (!result) return absl::UnavailableError("no answer from " + instance.address);
  if (result->status != 200) return absl::InternalError(result->body);
  return result->body;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  raftkv::client::ClientOptions options;
  options.endpoints = absl::StrSplit(absl::GetFlag(FLAGS_endpoints), ',', absl::SkipEmpty());
  auto client = raftkv::client::Client::Connect(options);
  if (!client.ok()) {
    std::cerr << "connect: " << client.status() << "\n";
    return 1;
  }
  raftkv::client::DiscoveryCallbacks callbacks;
  callbacks.on_add = [](const raftkv::client::ServiceInstance& i) {
    std::cout << "+ " << i.id << " " << i.address << std::endl;
  };
  callbacks.on_update = [](const auto&, const raftkv::client::ServiceInstance& i) {
    std::cout << "~ " << i.id << " " << i.address << std::endl;
  };
  callbacks.on_remove = [](const raftkv::client::ServiceInstance& i) {
    std::cout << "- " << i.id << std::endl;
  };
  auto discovery = raftkv::client::ServiceDiscovery::Start(client->get(),
                                                           absl::GetFlag(FLAGS_service), callbacks);
  if (!discovery.ok()) {
    std::cerr << "discovery: " << discovery.status() << "\n";
    return 1;
  }
  const bool found =
      (*discovery)
          ->WaitUntil([](const raftkv::client::ServiceSnapshot& s) { return !s.instances.empty(); },
                      std::chrono::seconds(absl::GetFlag(FLAGS_wait_seconds)));
  if (!found) {
    std::cerr << "no instance of " << absl::GetFlag(FLAGS_service) << " registered\n";
    return 2;
  }
  int failures = 0;
  for (int call = 0; call < absl::GetFlag(FLAGS_calls); ++call) {
    auto instances = (*discovery)->Instances();
    if (instances.empty()) {
      ++failures;
      continue;
    }
    const auto& target = instances[call % instances.size()];
    auto answer = CallHello(target);
    if (answer.ok()) {
      std::cout << target.id << ": " << *answer;
    } else {
      std::cout << target.id << ": " << answer.status() << std::endl;
      ++failures;
    }
  }
  return failures == 0 ? 0 : 3;
}
