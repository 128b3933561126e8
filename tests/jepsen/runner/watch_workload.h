// Watch workload: one client-library watch per member (client::Watcher, whose client tries
// that member first and fails over to the others; the watch resumes from the revision after
// the last one delivered) watches a prefix while writer threads put keys under it. After
// the faults are healed, every watcher must have seen exactly the prefix's history, as a
// fresh watch replays it: each event once, in revision order, no gaps, no cancels — so all
// watchers saw the same sequence, across every resumption.
#ifndef RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_
#define RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/client.h"
#include "client/watcher.h"
#include "proto/kv.pb.h"
#include "tests/jepsen/runner/jepsen_cluster.h"
#include "tests/jepsen/runner/workload.h"

namespace raftkv::jepsen {

struct WatchWorkloadOptions {
  int writers = 2;
  std::string prefix = "jepsen/watch/";
  std::chrono::milliseconds op_timeout{1000};
  std::chrono::milliseconds verify_timeout{20000};
};

class WatchWorkload : public Workload {
 public:
  WatchWorkload(JepsenCluster* cluster, WatchWorkloadOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  ~WatchWorkload() override;

  std::string Name() const override { return "watch"; }
  absl::Status Start() override;
  void Stop() override;  // stops the writers; watchers keep running until Check
  WorkloadVerdict Check() override;

  // Call once the cluster has recovered: writes a final key, waits for every watcher to
  // reach it, and compares what each saw with the prefix's history. The error describes
  // the first difference per watcher.
  absl::Status Verify(std::chrono::milliseconds timeout);
  std::string Summary() const;

 private:
  // What one watch delivered.
  struct Seen {
    mutable std::mutex mu;
    std::condition_variable changed;
    std::vector<mvccpb::Event> events;
    std::vector<std::string> cancellations;
    int64_t last_revision = 0;
  };
  struct Watch {
    std::unique_ptr<client::Client> client;
    std::unique_ptr<Seen> seen;
    std::unique_ptr<client::WatchHandle> handle;
  };

  void RunWriter(int thread);
  absl::StatusOr<int64_t> PutUntilOk(const std::string& key, std::chrono::milliseconds timeout);
  static bool WaitForRevision(Seen& seen, int64_t revision, std::chrono::milliseconds timeout);

  JepsenCluster* cluster_;
  const WatchWorkloadOptions options_;
  int64_t start_revision_ = 0;
  std::vector<std::unique_ptr<client::Client>> writer_clients_;  // one per member
  std::vector<Watch> watches_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acknowledged_{0};
  std::vector<std::thread> writers_;
};

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_RUNNER_WATCH_WORKLOAD_H_
