// Watch workload: one resuming watcher per member (it starts on that member and, when its
// stream breaks, resumes on the next member from last revision + 1) watches a prefix while
// writer threads put keys under it. After the faults are healed, every watcher must have
// seen exactly the prefix's history: each event once, in revision order, no gaps.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/watchlease/resuming_watcher.h"

namespace raftkv::jepsen {

struct WatchWorkloadOptions {
  int writers = 2;
  std::string prefix = "jepsen/watch/";
  std::chrono::milliseconds op_timeout{1000};
};

class WatchWorkload {
 public:
  WatchWorkload(JepsenCluster* cluster, WatchWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~WatchWorkload() { StopWriters(); }

  absl::Status Start();
  void StopWriters();
  // Call once the cluster has recovered: writes a final key, waits for every watcher to
  // reach it, and compares what each saw with the prefix's history. The error describes
  // the first difference per watcher.
  absl::Status Verify(std::chrono::milliseconds timeout);
  std::string Summary() const;

 private:
  void RunWriter(int thread);
  absl::StatusOr<int64_t> PutUntilOk(const std::string& key, std::chrono::milliseconds timeout);

  JepsenCluster* cluster_;
  const WatchWorkloadOptions options_;
  int64_t start_revision_ = 0;
  std::vector<std::unique_ptr<watchlease_test::ResumingWatcher>> watchers_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acknowledged_{0};
  std::vector<std::thread> writers_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_
