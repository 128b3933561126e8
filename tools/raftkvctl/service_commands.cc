// service register | list | watch: the service registry from the command line.
#include <iostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "client/service_discovery.h"
#include "client/service_registry.h"
#include "tools/raftkvctl/commands.h"

namespace raftkv::ctl {
namespace {

constexpr char kUsage[] =
    "service register <service> <id> <address> [--ttl=N] [--meta k=v]... | "
    "list <service> | watch <service>   [--root=/raftkv]";

int Register(Context& context) {
  client::ServiceInstance instance;
  instance.service = context.words[1];
  instance.id = context.words[2];
  instance.address = context.words[3];
  for (const std::string& pair : context.args.GetAll("meta")) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) return BadArgs(kUsage);
    instance.metadata[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  client::RegistryOptions options;
  options.root = context.args.Get("root", client::kDefaultServiceRoot);
  auto ttl = context.args.GetInt("ttl", options.ttl_seconds);
  if (!ttl.ok()) return Fail(ttl.status());
  options.ttl_seconds = *ttl;
  auto registry = client::ServiceRegistry::Register(context.client, instance, options);
  if (!registry.ok()) return Fail(registry.status());
  context.printer.Instance(instance, "registered");
  while (!g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (absl::Status gone = (*registry)->Deregister(); !gone.ok()) return Fail(gone);
  context.printer.Instance(instance, "deregistered");
  return kExitSuccess;
}

int ListOrWatch(Context& context, bool watch) {
  client::DiscoveryOptions options;
  options.root = context.args.Get("root", client::kDefaultServiceRoot);
  client::DiscoveryCallbacks callbacks;
  const Printer& printer = context.printer;
  if (watch) {
    callbacks.on_add = [&](const client::ServiceInstance& i) { printer.Instance(i, "add"); };
    callbacks.on_update = [&](const auto&, const client::ServiceInstance& i) {
      printer.Instance(i, "update");
    };
    callbacks.on_remove = [&](const client::ServiceInstance& i) { printer.Instance(i, "remove"); };
  }
  auto discovery =
      client::ServiceDiscovery::Start(context.client, context.words[1], callbacks, options);
  if (!discovery.ok()) return Fail(discovery.status());
  if (!watch) {
    for (const auto& instance : (*discovery)->Instances()) printer.Instance(instance, "instance");
    return kExitSuccess;
  }
  while (!g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return kExitInterrupted;
}

}  // namespace

int RunService(Context& context) {
  const std::string sub = context.words.empty() ? "" : context.words[0];
  if (sub == "register" && context.words.size() == 4) return Register(context);
  if (sub == "list" && context.words.size() == 2) return ListOrWatch(context, false);
  if (sub == "watch" && context.words.size() == 2) return ListOrWatch(context, true);
  return BadArgs(kUsage);
}

}  // namespace raftkv::ctl
