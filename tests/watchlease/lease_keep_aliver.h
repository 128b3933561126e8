// Keeps a set of leases alive over one LeaseKeepAlive stream, as a client library
// would: a keep-alive for every lease each `interval`; when the stream breaks (its
// member died) it reopens the stream on the next endpoint. Records which leases the
// server reported lost (TTL <= 0), so a test can tell "kept alive" from "lucky".
#ifndef RAFTKV_TESTS_WATCHLEASE_LEASE_KEEP_ALIVER_H_
#define RAFTKV_TESTS_WATCHLEASE_LEASE_KEEP_ALIVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "proto/rpc.grpc.pb.h"

namespace raftkv::watchlease_test {

class LeaseKeepAliver {
 public:
  LeaseKeepAliver(std::vector<std::string> endpoints, std::chrono::milliseconds interval);
  ~LeaseKeepAliver();
  LeaseKeepAliver(const LeaseKeepAliver&) = delete;
  LeaseKeepAliver& operator=(const LeaseKeepAliver&) = delete;

  void Add(int64_t lease_id);
  // Stops refreshing `lease_id` (the instance holding it "died").
  void Remove(int64_t lease_id);

  // Leases the server answered with TTL <= 0 (not found / expired).
  std::set<int64_t> Lost() const;
  // Successful keep-alive responses received so far, over all leases.
  int ok_responses() const { return ok_responses_.load(); }
  // How many times the stream had to be reopened.
  int reconnects() const { return reconnects_.load(); }
  // Number of keep-alive responses for `lease_id` with TTL > 0.
  int OkResponses(int64_t lease_id) const;

 private:
  class Session;
  void Run();
  void EnsureSession();

  const std::vector<std::string> endpoints_;
  const std::chrono::milliseconds interval_;
  size_t next_endpoint_ = 0;
  std::unique_ptr<Session> session_;  // only touched by the Run thread

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;                // guarded by mu_
  std::set<int64_t> leases_;         // guarded by mu_
  std::set<int64_t> lost_;           // guarded by mu_
  std::map<int64_t, int> ok_by_id_;  // guarded by mu_
  std::atomic<int> ok_responses_{0};
  std::atomic<int> reconnects_{0};
  std::thread thread_;
};

}  // namespace raftkv::watchlease_test

#endif  // RAFTKV_TESTS_WATCHLEASE_LEASE_KEEP_ALIVER_H_
