// Append workload: each key holds a list (elements joined by spaces). An append reads the
// list and writes it back with the new element in a transaction guarded by the key's
// mod_revision (compare-and-set); when the guard fails it re-reads and tries again, a few
// times. Reads return the whole list. Threads are bound to one member each through a
// member-bound client (one attempt per call), so outcomes are truthful: an append whose
// CAS errored is info. After recovery every key is read once more and the history is
// checked with CheckAppendHistory: no acknowledged append lost, none duplicated, order
// consistent with acknowledgement, reads are prefixes of the final list.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_APPEND_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_APPEND_WORKLOAD_H_

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

struct AppendWorkloadOptions {
  int threads = 6;
  int keys = 3;
  std::string key_prefix = "jepsen/append/";
  std::chrono::milliseconds op_timeout{1000};
  int cas_attempts = 5;  // per append, before it gives up as fail
  uint32_t seed = 1;
};

class AppendWorkload : public Workload {
 public:
  AppendWorkload(JepsenCluster* cluster, AppendWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~AppendWorkload() override { Stop(); }

  std::string Name() const override { return "append"; }
  absl::Status Start() override;
  void Stop() override;
  WorkloadVerdict Check() override;

 private:
  void RunClient(int thread);
  Outcome Read(int process, client::Client& client, const std::string& key);
  Outcome Append(int process, client::Client& client, const std::string& key,
                 const std::string& element);
  std::string Summary() const;

  JepsenCluster* cluster_;
  const AppendWorkloadOptions options_;
  std::vector<std::unique_ptr<client::Client>> clients_;  // one per member
  History history_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// "a b c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string> SplitList(const std::string& value);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_APPEND_WORKLOAD_H_
