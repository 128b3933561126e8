// Lock workload with fencing: holder threads, each bound to one member (member-bound client,
// so a fault on that member really cuts the holder off and its session can expire), take a
// client::Mutex under a short-TTL Session and, while they believe they hold it, write to a
// protected key through a transaction guarded by their lock key's create revision — the
// fencing token. A holder whose session expired while it was cut off keeps believing it
// holds the lock; the guard must refuse its writes once its lock key is gone.
//
// Check (CheckFencing): the protected key's committed history, replayed by a watch, has
// non-decreasing tokens, contains every acknowledged write at its revision and no refused
// one; so no two holders' accepted critical sections interleave.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_LOCK_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_LOCK_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tests/jepsen/checker/fencing_checker.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

struct LockWorkloadOptions {
  int holders = 4;
  std::string lock_name = "jepsen/lock/mutex";
  std::string protected_key = "jepsen/lock/protected";
  int64_t session_ttl_seconds = 2;
  int writes_per_hold = 3;
  std::chrono::milliseconds op_timeout{1000};
  std::chrono::milliseconds lock_timeout{4000};
  uint32_t seed = 1;
};

class LockWorkload : public Workload {
 public:
  LockWorkload(JepsenCluster* cluster, LockWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~LockWorkload() override { Stop(); }

  std::string Name() const override { return "lock"; }
  absl::Status Start() override;
  void Stop() override;
  WorkloadVerdict Check() override;

 private:
  void RunHolder(int holder);
  // One guarded write; returns false when the holder should give up this hold.
  bool FencedPut(int holder, client::Client& client, const std::string& lock_key, int64_t token,
                 const std::string& value);
  std::string Summary() const;

  JepsenCluster* cluster_;
  const LockWorkloadOptions options_;
  std::vector<std::unique_ptr<client::Client>> clients_;  // one per holder
  int64_t start_revision_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acquisitions_{0};
  std::atomic<int64_t> lock_errors_{0};
  mutable std::mutex mu_;
  std::vector<FencedWrite> attempts_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_LOCK_WORKLOAD_H_
