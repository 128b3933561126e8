// An informer over one service's instances: lists them, then watches from the list's revision
// + 1, keeping a local cache and calling add/update/remove callbacks. The watch resumes after
// reconnects without gaps (see watcher.h); when it ends (its revision was compacted, or the
// server cancelled it) the informer relists and reports only the differences, so callbacks are
// never lost or repeated.
#ifndef RAFTKV_CLIENT_SERVICE_DISCOVERY_H_
#define RAFTKV_CLIENT_SERVICE_DISCOVERY_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/service_instance.h"
#include "client/watcher.h"

namespace raftkv::client {

class Client;

struct DiscoveryCallbacks {
  std::function<void(const ServiceInstance&)> on_add;
  std::function<void(const ServiceInstance& before, const ServiceInstance& after)> on_update;
  std::function<void(const ServiceInstance&)> on_remove;
};

// The cache as of one revision: exactly the instances registered at `revision`.
struct ServiceSnapshot {
  int64_t revision = 0;
  std::map<std::string, ServiceInstance> instances;  // by id
};

struct DiscoveryOptions {
  std::string root = kDefaultServiceRoot;
  std::chrono::milliseconds relist_retry{500};
};

class ServiceDiscovery {
 public:
  // Lists the service (calling on_add for each instance found) before returning, then keeps
  // the cache current in the background. Callbacks run one at a time on background threads.
  static absl::StatusOr<std::unique_ptr<ServiceDiscovery>> Start(Client* client,
                                                                 const std::string& service,
                                                                 DiscoveryCallbacks callbacks,
                                                                 DiscoveryOptions options = {});
  ~ServiceDiscovery();
  ServiceDiscovery(const ServiceDiscovery&) = delete;
  ServiceDiscovery& operator=(const ServiceDiscovery&) = delete;

  ServiceSnapshot Snapshot() const;
  std::vector<ServiceInstance> Instances() const;
  // Waits until `predicate` holds for the cache.
  bool WaitUntil(const std::function<bool(const ServiceSnapshot&)>& predicate,
                 std::chrono::milliseconds timeout) const;
  int relists() const;

 private:
  ServiceDiscovery(Client* client, std::string service, DiscoveryCallbacks callbacks,
                   DiscoveryOptions options);
  // Reads the service's keys and reconciles the cache with them.
  absl::Status Relist();
  void StartWatch();
  void OnWatchResponse(const WatchResponse& response);
  void Run();

  bool WatchEndedOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return watch_ended_ || stopping_;
  }

  Client* client_;
  const std::string service_;
  const std::string prefix_;
  const DiscoveryCallbacks callbacks_;
  const DiscoveryOptions options_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // notified (under mu_) after any change below
  ServiceSnapshot cache_ ABSL_GUARDED_BY(mu_);
  bool watch_ended_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int relists_ ABSL_GUARDED_BY(mu_) = 0;

  std::unique_ptr<WatchHandle> watch_;  // owned by the worker thread after Start
  std::thread worker_;
};

}  // namespace raftkv::client

#endif  // RAFTKV_CLIENT_SERVICE_DISCOVERY_H_
