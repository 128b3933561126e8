#include "tests/jepsen/runner/registration_workload.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/kv.h"
#include "tests/jepsen/checker/registration_checker.h"
#include "tests/jepsen/runner/workload_clients.h"

namespace raftkv::jepsen {
namespace {

std::string Ids(const std::set<std::string>& ids) { return absl::StrJoin(ids, ","); }

}  // namespace

RegistrationWorkload::~RegistrationWorkload() {
  Stop();
  discovery_.reset();
  std::lock_guard<std::mutex> lock(mu_);
  // Leave nothing behind for later runs on the same cluster; errors do not matter here.
  for (Instance& instance : instances_) {
    if (instance.registry) instance.registry->Deregister().IgnoreError();
  }
}

absl::Status RegistrationWorkload::Start() {
  auto connected = ConnectWithFailover(*cluster_, 0, options_.op_timeout);
  if (!connected.ok()) return connected.status();
  discovery_client_ = std::move(*connected);
  client::DiscoveryOptions discovery_options;
  discovery_options.root = options_.root;
  auto discovery = client::ServiceDiscovery::Start(discovery_client_.get(), options_.service, {},
                                                   discovery_options);
  if (!discovery.ok()) return discovery.status();
  discovery_ = std::move(*discovery);
  for (int i = 0; i < options_.initial_instances; ++i) {
    if (absl::Status started = StartInstance(); !started.ok()) return started;
  }
  changer_ = std::thread([this] { RunChanges(); });
  return absl::OkStatus();
}

void RegistrationWorkload::Stop() {
  stop_ = true;
  if (changer_.joinable()) changer_.join();
}

absl::Status RegistrationWorkload::StartInstance() {
  Instance instance;
  int index;
  {
    std::lock_guard<std::mutex> lock(mu_);
    index = static_cast<int>(instances_.size());
  }
  instance.id = absl::StrCat("i", index);
  auto connected = ConnectWithFailover(*cluster_, index % cluster_->size(), options_.op_timeout);
  if (!connected.ok()) return connected.status();
  instance.client = std::move(*connected);
  client::RegistryOptions registry_options;
  registry_options.root = options_.root;
  registry_options.ttl_seconds = options_.ttl_seconds;
  auto registry = client::ServiceRegistry::Register(
      instance.client.get(),
      client::ServiceInstance{options_.service, instance.id, absl::StrCat("10.0.0.", index), {}},
      registry_options);
  std::lock_guard<std::mutex> lock(mu_);
  if (registry.ok()) {
    instance.registry = std::move(*registry);
    live_.insert(instance.id);
    ++started_;
  } else {
    // Its key may have been written before the error: it must expire like a crash.
    stopped_.insert(instance.id);
    ++failed_starts_;
  }
  instances_.push_back(std::move(instance));
  return registry.status();
}

void RegistrationWorkload::RunChanges() {
  std::mt19937 rng(options_.seed * 32452843);
  for (int action = 0; !stop_; ++action) {
    const auto next = std::chrono::steady_clock::now() + options_.change_interval;
    while (!stop_ && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stop_) return;
    if (action % 3 == 2) {
      StartInstance().IgnoreError();  // a failed start is recorded as stopped
      continue;
    }
    std::unique_ptr<client::ServiceRegistry> victim;
    std::string id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<Instance*> running;
      for (Instance& instance : instances_) {
        if (instance.registry) running.push_back(&instance);
      }
      if (running.size() <= 1) continue;  // keep at least one live instance
      Instance* chosen = running[rng() % running.size()];
      victim = std::move(chosen->registry);
      id = chosen->id;
      live_.erase(id);
      stopped_.insert(id);
    }
    // Either way the key must be gone after the TTL: a failed Deregister stops the
    // keep-alive first.
    if (action % 3 == 0) {
      victim->Deregister().IgnoreError();
    } else {
      victim->Abandon();
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++(action % 3 == 0 ? deregistered_ : crashed_);
  }
}

std::set<std::string> RegistrationWorkload::FreshList() {
  client::GetOptions get;
  get.range.prefix = true;
  auto response =
      discovery_client_->kv().Get(client::ServicePrefix(options_.root, options_.service), get);
  std::set<std::string> ids;
  if (!response.ok()) return {"<list failed: " + std::string(response.status().message()) + ">"};
  for (const auto& kv : response->kvs()) {
    auto instance = client::DecodeInstance(kv.value());
    ids.insert(instance.ok() ? instance->id : "<undecodable " + kv.key() + ">");
  }
  return ids;
}

std::string RegistrationWorkload::Summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrCat(started_, " started (", failed_starts_, " failed starts), ", deregistered_,
                      " deregistered, ", crashed_, " crashed; live: ", Ids(live_),
                      "; discovery relists: ", discovery_ ? discovery_->relists() : 0);
}

WorkloadVerdict RegistrationWorkload::Check() {
  Stop();
  WorkloadVerdict verdict;
  verdict.summary = Summary();
  std::set<std::string> live, stopped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live = live_;
    stopped = stopped_;
  }
  // Every stopped instance's lease has run out by then (a leader change can add up to an
  // election timeout to a lease's remaining TTL).
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(options_.ttl_seconds) + options_.election_timeout +
                        options_.slack;
  std::set<std::string> listed = FreshList();
  while (listed != live && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    listed = FreshList();
  }
  std::vector<std::string> problems = CompareRegistrations("fresh list", live, stopped, listed);
  std::set<std::string> cached;
  auto matches = [&](const client::ServiceSnapshot& snapshot) {
    std::set<std::string> ids;
    for (const auto& [id, instance] : snapshot.instances) ids.insert(id);
    return ids == live;
  };
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  discovery_->WaitUntil(matches, std::max(remaining, std::chrono::milliseconds(1000)));
  for (const auto& [id, instance] : discovery_->Snapshot().instances) cached.insert(id);
  for (std::string& problem : CompareRegistrations("discovery cache", live, stopped, cached)) {
    problems.push_back(std::move(problem));
  }
  verdict.ok = problems.empty();
  verdict.details = verdict.ok ? absl::StrCat("ok: list and discovery cache hold exactly {",
                                              Ids(live), "}; stopped {", Ids(stopped), "} gone")
                               : absl::StrCat("VIOLATION (within TTL ", options_.ttl_seconds,
                                              "s + election timeout + slack):\n  ",
                                              absl::StrJoin(problems, "\n  "));
  return verdict;
}

}  // namespace raftkv::jepsen
