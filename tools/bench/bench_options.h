#ifndef RAFTKV_TOOLS_BENCH_BENCH_OPTIONS_H_
#define RAFTKV_TOOLS_BENCH_BENCH_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace raftkv::bench {

// Everything a run is parameterised by; filled from command-line flags in main.
struct BenchOptions {
  std::vector<std::string> endpoints;  // host:port
  int conns = 8;                       // gRPC channels, each its own TCP connection
  int clients = 64;                    // closed-loop clients, one op in flight each
  int64_t total = 0;                   // ops to run; 0 = run for `duration`
  absl::Duration duration = absl::Seconds(10);
  int key_size = 8;
  int val_size = 256;
  int64_t key_space = 100000;
  bool sequential_keys = false;
  std::string workload = "put";
  bool linearizable = true;   // for reads: --consistency=l|s
  int64_t max_errors = 1000;  // a run stops early after this many failed ops
  std::vector<int> pids;      // server processes whose peak RSS is reported
  // Workload-specific knobs.
  double rate = 0;  // ops/s over all clients; 0 = closed loop
  int watchers = 100;
  int watchers_per_stream = 100;  // watches multiplexed on one Watch stream, as clientv3 does
  int64_t lease_ttl = 60;
  int leases = 0;  // lease-keepalive: leases granted up front; 0 = one per client
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_BENCH_OPTIONS_H_
