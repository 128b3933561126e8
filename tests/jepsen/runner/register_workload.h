// Register workload: client threads, each bound to one member (as Jepsen binds processes
// to nodes) through a member-bound client (workload_clients.h: one attempt, no failover),
// run random reads, writes and compare-and-swaps on a few keys and record every operation
// in a History, checked per key for linearizability against RegisterModel. Written values
// are unique, so a stale read cannot hide.
//
// Outcomes: a read that errors is fail (it changed nothing); a write or CAS that errors is
// info (it may still commit later) unless the error proves it was never applied; a CAS
// whose compare did not hold is fail.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_REGISTER_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_REGISTER_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tests/jepsen/checker/history.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

struct RegisterWorkloadOptions {
  int threads = 6;
  int keys = 4;
  std::string key_prefix = "jepsen/register/";
  std::chrono::milliseconds op_timeout{1000};
  // Reads with serializable=true: served from the member's local state, so NOT
  // linearizable during partitions. Exists to prove the checker catches it.
  bool serializable_reads = false;
  uint32_t seed = 1;
};

class RegisterWorkload : public Workload {
 public:
  RegisterWorkload(JepsenCluster* cluster, RegisterWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~RegisterWorkload() override { Stop(); }

  std::string Name() const override { return "register"; }
  absl::Status Start() override;
  void Stop() override;
  WorkloadVerdict Check() override;

  std::vector<Operation> Operations() const { return history_.Operations(); }
  // ok / fail / info counts, for the run summary.
  std::string Summary() const;

 private:
  void RunClient(int thread);
  Outcome Read(int process, client::Client& client, const std::string& key, std::string* last_seen);
  Outcome Write(int process, client::Client& client, const std::string& key,
                const std::string& value);
  Outcome Cas(int process, client::Client& client, const std::string& key,
              const std::string& expected, const std::string& value);

  JepsenCluster* cluster_;
  const RegisterWorkloadOptions options_;
  std::vector<std::unique_ptr<client::Client>> clients_;  // one per member
  History history_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_REGISTER_WORKLOAD_H_
