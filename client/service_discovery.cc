#include "client/service_discovery.h"

#include "client/client.h"
#include "client/kv.h"

namespace raftkv::client {
namespace {

// One callback to run once the cache lock is released.
struct Notification {
  enum Kind { kAdd, kUpdate, kRemove } kind;
  ServiceInstance before;
  ServiceInstance after;
};

// Applies `instance` (or its absence, when `removed`) to `cache`, recording what changed.
void Reconcile(std::map<std::string, ServiceInstance>& cache, const std::string& id,
               const ServiceInstance* instance, std::vector<Notification>& out) {
  auto it = cache.find(id);
  if (instance == nullptr) {
    if (it == cache.end()) return;
    out.push_back({Notification::kRemove, it->second, {}});
    cache.erase(it);
    return;
  }
  if (it == cache.end()) {
    out.push_back({Notification::kAdd, {}, *instance});
    cache.emplace(id, *instance);
  } else if (it->second != *instance) {
    // A re-put with identical content (e.g. a re-registration) is not a change.
    out.push_back({Notification::kUpdate, it->second, *instance});
    it->second = *instance;
  }
}

void Notify(const DiscoveryCallbacks& callbacks, const std::vector<Notification>& changes) {
  for (const Notification& change : changes) {
    switch (change.kind) {
      case Notification::kAdd:
        if (callbacks.on_add) callbacks.on_add(change.after);
        break;
      case Notification::kUpdate:
        if (callbacks.on_update) callbacks.on_update(change.before, change.after);
        break;
      case Notification::kRemove:
        if (callbacks.on_remove) callbacks.on_remove(change.before);
        break;
    }
  }
}

}  // namespace

ServiceDiscovery::ServiceDiscovery(Client* client, std::string service,
                                   DiscoveryCallbacks callbacks, DiscoveryOptions options)
    : client_(client),
      service_(std::move(service)),
      prefix_(ServicePrefix(options.root, service_)),
      callbacks_(std::move(callbacks)),
      options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<ServiceDiscovery>> ServiceDiscovery::Start(
    Client* client, const std::string& service, DiscoveryCallbacks callbacks,
    DiscoveryOptions options) {
  std::unique_ptr<ServiceDiscovery> discovery(
      new ServiceDiscovery(client, service, std::move(callbacks), std::move(options)));
  if (absl::Status listed = discovery->Relist(); !listed.ok()) return listed;
  discovery->StartWatch();
  discovery->worker_ = std::thread([raw = discovery.get()] { raw->Run(); });
  return discovery;
}

ServiceDiscovery::~ServiceDiscovery() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  watch_.reset();
}

absl::Status ServiceDiscovery::Relist() {
  GetOptions all;
  all.range.prefix = true;
  auto listed = client_->kv().Get(prefix_, all);
  if (!listed.ok()) return listed.status();
  std::map<std::string, ServiceInstance> fresh;
  for (const auto& kv : listed->kvs()) {
    auto instance = DecodeInstance(kv.value());
    if (instance.ok()) fresh.emplace(kv.key().substr(prefix_.size()), *instance);
  }
  std::vector<Notification> changes;
  {
    std::unique_lock<std::mutex> lock(mu_);
    std::vector<std::string> gone;
    for (const auto& [id, unused] : cache_.instances) {
      if (fresh.count(id) == 0) gone.push_back(id);
    }
    for (const std::string& id : gone) Reconcile(cache_.instances, id, nullptr, changes);
    for (const auto& [id, instance] : fresh) Reconcile(cache_.instances, id, &instance, changes);
    cache_.revision = listed->header().revision();
    watch_ended_ = false;
    ++relists_;
    changed_.notify_all();
  }
  Notify(callbacks_, changes);
  return absl::OkStatus();
}

void ServiceDiscovery::StartWatch() {
  WatchOptions options;
  options.range.prefix = true;
  {
    std::unique_lock<std::mutex> lock(mu_);
    options.start_revision = cache_.revision + 1;
  }
  watch_ = client_->watcher().Watch(prefix_, options,
                                    [this](const WatchResponse& r) { OnWatchResponse(r); });
}

void ServiceDiscovery::OnWatchResponse(const WatchResponse& response) {
  std::vector<Notification> changes;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (response.Terminal()) {
      watch_ended_ = true;  // compacted or cancelled: Run relists
      changed_.notify_all();
      return;
    }
    for (const mvccpb::Event& event : response.events) {
      const std::string id = event.kv().key().substr(prefix_.size());
      if (event.type() == mvccpb::Event::DELETE) {
        Reconcile(cache_.instances, id, nullptr, changes);
        continue;
      }
      auto instance = DecodeInstance(event.kv().value());
      // An undecodable value is not a usable instance: treat it as absent.
      Reconcile(cache_.instances, id, instance.ok() ? &*instance : nullptr, changes);
    }
    if (!response.events.empty()) {
      cache_.revision = std::max(cache_.revision, response.events.back().kv().mod_revision());
    } else {
      cache_.revision = std::max(cache_.revision, response.header_revision);
    }
    changed_.notify_all();
  }
  Notify(callbacks_, changes);
}

void ServiceDiscovery::Run() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return WatchEndedOrStopping(); });
      if (stopping_) return;
    }
    watch_.reset();  // joins the finished watch: no event callback can race the relist
    while (!Relist().ok()) {
      std::unique_lock<std::mutex> lock(mu_);
      if (changed_.wait_for(lock, options_.relist_retry, [this] { return stopping_; })) {
        return;
      }
    }
    StartWatch();
  }
}

ServiceSnapshot ServiceDiscovery::Snapshot() const {
  std::unique_lock<std::mutex> lock(mu_);
  return cache_;
}

std::vector<ServiceInstance> ServiceDiscovery::Instances() const {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<ServiceInstance> out;
  for (const auto& [id, instance] : cache_.instances) out.push_back(instance);
  return out;
}

bool ServiceDiscovery::WaitUntil(const std::function<bool(const ServiceSnapshot&)>& predicate,
                                 std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return predicate(cache_); });
}

int ServiceDiscovery::relists() const {
  std::unique_lock<std::mutex> lock(mu_);
  return relists_;
}

}  // namespace raftkv::client
