#include "client/service_registry.h"

#include "client/client.h"
#include "client/kv.h"
#include "client/lease.h"

namespace raftkv::client {

struct ServiceRegistry::State {
  std::mutex mu;
  std::condition_variable changed;  // notified (under mu) after every change below
  bool lease_lost ABSL_GUARDED_BY(mu) = false;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  bool stopped ABSL_GUARDED_BY(mu) = false;  // deregistered or abandoned
  int64_t lease_id ABSL_GUARDED_BY(mu) = 0;
  int registrations ABSL_GUARDED_BY(mu) = 0;

  bool LostOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return lease_lost || stopping; }
};

ServiceRegistry::ServiceRegistry(Client* client, ServiceInstance instance, RegistryOptions options)
    : client_(client),
      instance_(std::move(instance)),
      options_(std::move(options)),
      state_(std::make_shared<State>()) {}

absl::StatusOr<std::unique_ptr<ServiceRegistry>> ServiceRegistry::Register(
    Client* client, ServiceInstance instance, RegistryOptions options) {
  if (instance.service.empty() || instance.id.empty()) {
    return absl::InvalidArgumentError("service and id are required");
  }
  std::unique_ptr<ServiceRegistry> registry(
      new ServiceRegistry(client, std::move(instance), std::move(options)));
  if (absl::Status first = registry->RegisterOnce(); !first.ok()) return first;
  registry->worker_ = std::thread([raw = registry.get()] { raw->Run(); });
  return registry;
}

ServiceRegistry::~ServiceRegistry() { Deregister().IgnoreError(); }

absl::Status ServiceRegistry::RegisterOnce() {
  auto granted = client_->lease().Grant(options_.ttl_seconds);
  if (!granted.ok()) return granted.status();
  const int64_t lease = granted->id();
  PutOptions with_lease;
  with_lease.lease = lease;
  auto put = client_->kv().Put(key(), EncodeInstance(instance_), with_lease);
  if (!put.ok()) {
    client_->lease().Revoke(lease).IgnoreError();
    return put.status();
  }
  std::weak_ptr<State> weak = state_;
  absl::Status kept = client_->lease().KeepAlive(lease, [weak](int64_t, const absl::Status&) {
    if (auto state = weak.lock()) {
      std::unique_lock<std::mutex> lock(state->mu);
      state->lease_lost = true;
      state->changed.notify_all();
    }
  });
  if (!kept.ok()) return kept;
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->lease_id = lease;
  state_->lease_lost = false;
  ++state_->registrations;
  state_->changed.notify_all();
  return absl::OkStatus();
}

void ServiceRegistry::Run() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(state_->mu);
      state_->changed.wait(lock, [this] { return state_->LostOrStopping(); });
      if (state_->stopping) return;
    }
    // The old lease (and with it our key) is gone: register again until it works.
    while (!RegisterOnce().ok()) {
      std::unique_lock<std::mutex> lock(state_->mu);
      if (state_->changed.wait_for(lock, options_.retry_interval,
                                   [this] { return state_->stopping; })) {
        return;
      }
    }
  }
}

absl::Status ServiceRegistry::Deregister() {
  int64_t lease;
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->stopping = true;
    state_->changed.notify_all();
    if (state_->stopped) return absl::OkStatus();
    state_->stopped = true;
    lease = state_->lease_id;
  }
  if (worker_.joinable()) worker_.join();
  client_->lease().StopKeepAlive(lease);
  auto deleted = client_->kv().Delete(key());
  absl::Status revoked = client_->lease().Revoke(lease);
  if (!deleted.ok()) return deleted.status();
  // A lease that already expired is not an error: the key is gone either way.
  if (revoked.code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  return revoked;
}

void ServiceRegistry::Abandon() {
  int64_t lease;
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->stopping = true;
    state_->stopped = true;
    state_->changed.notify_all();
    lease = state_->lease_id;
  }
  if (worker_.joinable()) worker_.join();
  client_->lease().StopKeepAlive(lease);
}

int64_t ServiceRegistry::lease_id() const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->lease_id;
}

int ServiceRegistry::registrations() const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->registrations;
}

bool ServiceRegistry::WaitRegistrations(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->registrations >= count; });
}

}  // namespace raftkv::client
