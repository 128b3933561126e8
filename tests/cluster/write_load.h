// Client-side write workloads for cluster tests, recording exactly which writes the
// cluster acknowledged so a test can later demand that none of them was lost.
#ifndef RAFTKV_TESTS_CLUSTER_WRITE_LOAD_H_
#define RAFTKV_TESTS_CLUSTER_WRITE_LOAD_H_

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/cluster/member_rpc.h"

namespace raftkv::cluster_test {

using KeyValues = std::map<std::string, std::string>;

// Puts `count` distinct keys `<prefix><n>` through `target` from `threads` threads.
// Fails on the first write that is not acknowledged.
absl::StatusOr<KeyValues> PutKeys(MemberRpc& target, const std::string& prefix, int count,
                                  int threads = 4);

// Writer threads that keep putting fresh keys (never the same key twice), each write
// to the next target in turn, until Stop(). A write counts only once its Put returned
// OK; failed or timed-out writes are retried under a new key.
class WriteLoad {
 public:
  WriteLoad(std::vector<MemberRpc*> targets, std::string prefix, int threads);
  ~WriteLoad() { Stop(); }
  WriteLoad(const WriteLoad&) = delete;
  WriteLoad& operator=(const WriteLoad&) = delete;

  void Stop();
  int acknowledged_count() const { return acknowledged_count_.load(); }
  int failed_count() const { return failed_count_.load(); }
  KeyValues Acknowledged() const;

 private:
  void Run(int thread);

  std::vector<MemberRpc*> targets_;
  std::string prefix_;
  std::atomic<bool> stop_{false};
  std::atomic<int> acknowledged_count_{0};
  std::atomic<int> failed_count_{0};
  mutable std::mutex mu_;
  KeyValues acknowledged_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

// Keys of `expected` that `actual` lacks or holds with another value (at most `limit`).
std::vector<std::string> MissingOrWrong(const KeyValues& expected, const KeyValues& actual,
                                        size_t limit = 10);

// Polls `member`'s local (serializable) view of `prefix` until it holds every key of
// `expected` with its value; the error lists what is still missing at the deadline.
absl::Status WaitForKeys(MemberRpc& member, const std::string& prefix, const KeyValues& expected,
                         std::chrono::milliseconds timeout);

}  // namespace raftkv::cluster_test

#endif  // RAFTKV_TESTS_CLUSTER_WRITE_LOAD_H_
