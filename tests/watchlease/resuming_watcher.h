// A client-side watcher of one prefix that survives member failures the way etcd
// clients do: when its stream breaks it reconnects to the next endpoint and resumes
// with start_revision = last seen revision + 1. The events it collects across all its
// streams must equal the store's history: no gap, no duplicate.
#ifndef RAFTKV_TESTS_WATCHLEASE_RESUMING_WATCHER_H_
#define RAFTKV_TESTS_WATCHLEASE_RESUMING_WATCHER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proto/kv.pb.h"
#include "tests/watchlease/watch_stream.h"

namespace raftkv::watchlease_test {

class ResumingWatcher {
 public:
  // Watches `prefix` from `start_revision`, first on endpoints[0].
  ResumingWatcher(std::vector<std::string> endpoints, std::string prefix, int64_t start_revision);
  ~ResumingWatcher();
  ResumingWatcher(const ResumingWatcher&) = delete;
  ResumingWatcher& operator=(const ResumingWatcher&) = delete;

  // Every event seen so far, over all streams, in arrival order.
  std::vector<mvccpb::Event> Events() const;
  // Waits until an event with mod_revision >= `revision` has arrived.
  bool WaitForRevision(int64_t revision, std::chrono::milliseconds timeout) const;
  // Streams opened after the first (each one a resume).
  int resumes() const { return resumes_.load(); }
  // Cancellations the server sent (e.g. compacted), formatted for a failure message.
  std::vector<std::string> Cancellations() const;

 private:
  void Run();
  // Opens a stream and creates the watch; false if the member is unreachable.
  bool Connect(int64_t start_revision);
  int64_t NextRevision() const;

  const std::vector<std::string> endpoints_;
  const std::string prefix_;
  const int64_t first_revision_;
  size_t endpoint_index_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> resumes_{0};

  mutable std::mutex mu_;
  std::vector<mvccpb::Event> finished_;     // events of streams that broke; guarded by mu_
  std::unique_ptr<WatchStream> current_;    // guarded by mu_
  int64_t current_watch_id_ = -1;           // guarded by mu_
  std::vector<std::string> cancellations_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_RESUMING_WATCHER_H_
