// Registration workload: service instances register through client::ServiceRegistry with a
// short TTL (each with its own failover client, as independent processes would), and a
// client::ServiceDiscovery cache follows the service through every fault. While faults come
// and go, one instance at a time is stopped cleanly (Deregister), crashed (Abandon: its key
// must expire with the lease), or a new instance is started.
//
// Check, after heal and recovery: within TTL + election timeout (+ slack for the lists and
// watch to catch up), a fresh list of the service and the discovery cache both hold exactly
// the instances still running — expired instances gone, live ones kept.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_REGISTRATION_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_REGISTRATION_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "client/service_discovery.h"
#include "client/service_registry.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

struct RegistrationWorkloadOptions {
  int initial_instances = 6;
  std::string root = "/jepsen";
  std::string service = "jepsen-svc";
  int64_t ttl_seconds = 2;
  std::chrono::milliseconds election_timeout{500};
  // Extra time after TTL + election timeout for re-registrations and the watch to land.
  std::chrono::milliseconds slack{3000};
  std::chrono::milliseconds change_interval{5000};  // between stop/crash/start actions
  std::chrono::milliseconds op_timeout{1000};
  uint32_t seed = 1;
};

class RegistrationWorkload : public Workload {
 public:
  RegistrationWorkload(JepsenCluster* cluster, RegistrationWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~RegistrationWorkload() override;

  std::string Name() const override { return "registration"; }
  absl::Status Start() override;
  void Stop() override;
  WorkloadVerdict Check() override;

 private:
  struct Instance {
    std::string id;
    std::unique_ptr<client::Client> client;
    std::unique_ptr<client::ServiceRegistry> registry;  // null once stopped
  };

  absl::Status StartInstance();
  void RunChanges();
  std::set<std::string> FreshList();
  std::string Summary() const;

  JepsenCluster* cluster_;
  const RegistrationWorkloadOptions options_;
  std::unique_ptr<client::Client> discovery_client_;
  std::unique_ptr<client::ServiceDiscovery> discovery_;
  mutable std::mutex mu_;
  std::vector<Instance> instances_;  // guarded by mu_
  std::set<std::string> live_;       // guarded by mu_
  std::set<std::string> stopped_;    // guarded by mu_ (deregistered, crashed, or failed start)
  int deregistered_ = 0, crashed_ = 0, started_ = 0, failed_starts_ = 0;  // guarded by mu_
  std::atomic<bool> stop_{false};
  std::thread changer_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_REGISTRATION_WORKLOAD_H_
