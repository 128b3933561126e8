// Registers one service instance under a lease and keeps it registered: the lease is kept
// alive in the background; if it is lost anyway (a partition longer than the TTL), a new lease
// is granted and the instance written again. Destruction deregisters (deletes the key and
// revokes the lease).
#ifndef RAFTKV_CLIENT_SERVICE_REGISTRY_H_
#define RAFTKV_CLIENT_SERVICE_REGISTRY_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "client/service_instance.h"

namespace raftkv::client {

class Client;

struct RegistryOptions {
  std::string root = kDefaultServiceRoot;
  int64_t ttl_seconds = 10;
  std::chrono::milliseconds retry_interval{500};  // between failed re-registrations
};

class ServiceRegistry {
 public:
  // Registers `instance` before returning.
  static absl::StatusOr<std::unique_ptr<ServiceRegistry>> Register(Client* client,
                                                                   ServiceInstance instance,
                                                                   RegistryOptions options = {});
  ~ServiceRegistry();
  ServiceRegistry(const ServiceRegistry&) = delete;
  ServiceRegistry& operator=(const ServiceRegistry&) = delete;

  absl::Status Deregister();
  // Stops keeping the registration alive without deleting it; it expires with the TTL
  // (simulates a crashed registrant).
  void Abandon();

  const ServiceInstance& instance() const { return instance_; }
  std::string key() const { return InstanceKey(options_.root, instance_); }
  int64_t lease_id() const;
  // Number of successful registrations (1 + re-registrations).
  int registrations() const;
  bool WaitRegistrations(int count, std::chrono::milliseconds timeout) const;

 private:
  struct State;
  ServiceRegistry(Client* client, ServiceInstance instance, RegistryOptions options);
  absl::Status RegisterOnce();
  void Run();

  Client* client_;
  const ServiceInstance instance_;
  const RegistryOptions options_;
  std::shared_ptr<State> state_;  // shared with the lease-lost callback
  std::thread worker_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_SERVICE_REGISTRY_H_
