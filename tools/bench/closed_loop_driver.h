#ifndef RAFTKV_TOOLS_BENCH_CLOSED_LOOP_DRIVER_H_
#define RAFTKV_TOOLS_BENCH_CLOSED_LOOP_DRIVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/bench/latency_histogram.h"
#include "tools/bench/op_pacer.h"
#include "tools/bench/workload.h"

namespace raftkv::bench {

struct RunLimits {
  int clients = 1;
  int64_t total = 0;  // ops; 0 = until `duration` has passed
  absl::Duration duration = absl::Seconds(10);
  int64_t max_errors = 1000;
  // Ops per second over all clients; 0 = closed loop (next op as soon as the
  // previous one completes). With a rate, op n is not started before
  // start + n / rate, so a latency workload sees a fixed offered load.
  double rate = 0;
};

struct RunResult {
  int64_t ops = 0;     // successful ops
  int64_t errors = 0;  // failed ops
  std::string first_error;
  absl::Duration elapsed;    // start to last completion
  LatencyHistogram latency;  // nanoseconds, successful ops only
  double OpsPerSecond() const;
};

// Runs `clients` closed loops against a workload: each client issues its next
// op as soon as the previous one completes. Nothing blocks a thread per client;
// ops are chained from gRPC completion callbacks.
class ClosedLoopDriver {
 public:
  ClosedLoopDriver(Workload& workload, const RunLimits& limits);
  RunResult Run();

 private:
  struct ClientState {
    LatencyHistogram latency;
    int64_t ops = 0;
    int64_t errors = 0;
    std::chrono::steady_clock::time_point op_start;
    // Whether the current op's completion raced with its own StartOp call
    // (see IssueNext); one of kIdle, kStarting, kDoneWhileStarting.
    std::atomic<int> phase{0};
  };

  bool ClaimNextOp(int64_t& seq);
  void IssueNext(int client);
  // Starts op `seq` of `client`; true when it completed inside StartOp.
  bool Launch(int client, int64_t seq);
  std::chrono::steady_clock::time_point DueTime(int64_t seq) const;
  void OnOpDone(int client, const absl::Status& status);
  void ClientFinished();

  Workload& workload_;
  const RunLimits limits_;
  std::vector<ClientState> clients_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<int64_t> next_seq_{0};
  std::atomic<int64_t> total_errors_{0};
  std::atomic<int64_t> last_done_ns_{0};

  std::mutex mu_;
  std::condition_variable all_finished_;
  int running_clients_ = 0;
  std::string first_error_;
  std::unique_ptr<OpPacer> pacer_;  // only with a rate
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_CLOSED_LOOP_DRIVER_H_
