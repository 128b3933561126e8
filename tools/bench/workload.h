#ifndef RAFTKV_TOOLS_BENCH_WORKLOAD_H_
#define RAFTKV_TOOLS_BENCH_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/connection_pool.h"
#include "tools/bench/latency_histogram.h"

namespace raftkv::bench {

// What a workload is handed for its whole life.
struct WorkloadEnv {
  const BenchOptions* options;
  ConnectionPool* pool;
};

// Identifies one operation: which client issues it and its global sequence
// number (0, 1, 2, ... across all clients), for workloads with sequential keys.
struct OpTicket {
  int client;
  int64_t seq;
};

using OpDone = std::function<void(const absl::Status&)>;

// One kind of load. The driver runs `clients` closed loops; each loop calls
// StartOp, waits for `done`, records the latency and starts the next op. A
// client has at most one op in flight, so per-client state needs no locking.
//
// To add a workload: implement this interface in workloads/<name>.cc and add
// one line to workload_registry.cc.
class Workload {
 public:
  virtual ~Workload() = default;

  // Untimed setup before the measured run (preloading keys, opening streams).
  virtual absl::Status Prepare() { return absl::OkStatus(); }

  // Starts one op asynchronously; `done` must be called exactly once, from any
  // thread (typically a gRPC callback thread).
  virtual void StartOp(const OpTicket& ticket, OpDone done) = 0;

  // Untimed teardown after the run (closing streams).
  virtual void Finish() {}

  // Latencies the workload measures itself besides each op's round trip,
  // e.g. put-to-event for watches; keyed by a short name used in the report.
  virtual std::map<std::string, LatencyHistogram> ExtraLatencies() const { return {}; }

  // Workload-specific counts worth reporting (e.g. events received).
  virtual std::map<std::string, int64_t> Counters() const { return {}; }

  // After Finish: whether what the servers delivered was correct (e.g. every
  // watcher saw every event exactly once). A failure fails the whole run.
  virtual absl::Status Verify() const { return absl::OkStatus(); }
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_WORKLOAD_H_
