// raftkv_bench: a closed-loop load generator over etcd's v3 gRPC API, so the
// same load can be run against raftkv and etcd. See docs/benchmarks.md.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/closed_loop_driver.h"
#include "tools/bench/connection_pool.h"
#include "tools/bench/peak_rss.h"
#include "tools/bench/workload_registry.h"

ABSL_FLAG(std::string, endpoints, "127.0.0.1:2379",
          "comma-separated host:port list; connections are spread round-robin over them");
ABSL_FLAG(int, conns, 8, "number of gRPC connections");
ABSL_FLAG(int, clients, 64, "number of concurrent closed-loop clients");
ABSL_FLAG(int64_t, total, 0, "ops to run (0 = run for --duration)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "how long to run when --total=0");
ABSL_FLAG(int, key_size, 8, "key size in bytes");
ABSL_FLAG(int, val_size, 256, "value size in bytes");
ABSL_FLAG(int64_t, key_space, 100000, "number of distinct keys");
ABSL_FLAG(bool, sequential_keys, false, "use keys 0,1,2,... instead of random keys");
ABSL_FLAG(std::string, workload, "put",
          "put | range | txn | watch-latency | lease-grant | lease-keepalive");
ABSL_FLAG(std::string, consistency, "l", "range consistency: l (linearizable) or s (serializable)");
ABSL_FLAG(int64_t, max_errors, 1000, "stop the run after this many failed ops");
ABSL_FLAG(std::string, pids, "", "comma-separated server pids whose peak RSS (VmHWM) is reported");
ABSL_FLAG(double, rate, 0,
          "ops per second over all clients (0 = closed loop: each client's next op starts "
          "when its previous one completes)");
ABSL_FLAG(int, watchers, 100, "watch-latency: number of watchers");
ABSL_FLAG(int, watchers_per_stream, 100,
          "watch-latency: watchers multiplexed on one Watch stream (clientv3 puts every watch "
          "of a client on one stream); streams are spread over --conns");
ABSL_FLAG(int, leases, 0,
          "lease-keepalive: leases granted before the run and kept alive round-robin by the "
          "clients (0 = one lease per client)");
ABSL_FLAG(int64_t, lease_ttl, 60, "lease-grant / lease-keepalive: lease TTL in seconds");
ABSL_FLAG(bool, json, false, "print one JSON object instead of text");

namespace raftkv::bench {
namespace {

absl::StatusOr<BenchOptions> OptionsFromFlags() {
  BenchOptions o;
  o.endpoints = absl::StrSplit(absl::GetFlag(FLAGS_endpoints), ',', absl::SkipWhitespace());
  o.conns = absl::GetFlag(FLAGS_conns);
  o.clients = absl::GetFlag(FLAGS_clients);
  o.total = absl::GetFlag(FLAGS_total);
  o.duration = absl::GetFlag(FLAGS_duration);
  o.key_size = absl::GetFlag(FLAGS_key_size);
  o.val_size = absl::GetFlag(FLAGS_val_size);
  o.key_space = absl::GetFlag(FLAGS_key_space);
  o.sequential_keys = absl::GetFlag(FLAGS_sequential_keys);
  o.workload = absl::GetFlag(FLAGS_workload);
  o.max_errors = absl::GetFlag(FLAGS_max_errors);
  o.rate = absl::GetFlag(FLAGS_rate);
  o.watchers = absl::GetFlag(FLAGS_watchers);
  o.watchers_per_stream = absl::GetFlag(FLAGS_watchers_per_stream);
  o.leases = absl::GetFlag(FLAGS_leases);
  o.lease_ttl = absl::GetFlag(FLAGS_lease_ttl);
  const std::string consistency = absl::GetFlag(FLAGS_consistency);
  if (consistency != "l" && consistency != "s") {
    return absl::InvalidArgumentError("--consistency must be l or s");
  }
  o.linearizable = consistency == "l";
  for (absl::string_view pid : absl::StrSplit(absl::GetFlag(FLAGS_pids), ',', absl::SkipEmpty())) {
    int value = 0;
    if (!absl::SimpleAtoi(pid, &value)) return absl::InvalidArgumentError("bad pid in --pids");
    o.pids.push_back(value);
  }
  if (o.endpoints.empty()) return absl::InvalidArgumentError("--endpoints is empty");
  if (o.conns < 1 || o.clients < 1 || o.key_space < 1 || o.watchers_per_stream < 1) {
    return absl::InvalidArgumentError(
        "--conns, --clients, --key_space and --watchers_per_stream must be >= 1");
  }
  return o;
}

absl::StatusOr<BenchReport> RunBench(const BenchOptions& options) {
  ConnectionPool pool(options.endpoints, options.conns);
  if (absl::Status s = pool.WaitConnected(absl::Seconds(10)); !s.ok()) return s;
  WorkloadEnv env{&options, &pool};
  auto workload = MakeWorkload(options.workload, env);
  if (!workload.ok()) return workload.status();
  if (absl::Status s = (*workload)->Prepare(); !s.ok()) return s;

  RunLimits limits;
  limits.clients = options.clients;
  limits.total = options.total;
  limits.duration = options.duration;
  limits.max_errors = options.max_errors;
  limits.rate = options.rate;
  BenchReport report;
  report.options = options;
  report.run = ClosedLoopDriver(**workload, limits).Run();
  (*workload)->Finish();
  report.extra_latencies = (*workload)->ExtraLatencies();
  report.counters = (*workload)->Counters();
  report.verification = (*workload)->Verify();
  for (int pid : options.pids) {
    absl::StatusOr<int64_t> kib = PeakRssKib(pid);
    report.peak_rss_kib[pid] = kib.ok() ? *kib : -1;
  }
  return report;
}

}  // namespace
}  // namespace raftkv::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "closed-loop load generator over etcd's v3 gRPC API (raftkv or etcd)");
  absl::ParseCommandLine(argc, argv);
  auto options = raftkv::bench::OptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "raftkv_bench: %s\n", options.status().ToString().c_str());
    return 2;
  }
  auto report = raftkv::bench::RunBench(*options);
  if (!report.ok()) {
    std::fprintf(stderr, "raftkv_bench: %s\n", report.status().ToString().c_str());
    return 1;
  }
  const std::string out = absl::GetFlag(FLAGS_json) ? raftkv::bench::FormatJson(*report)
                                                    : raftkv::bench::FormatText(*report);
  std::fputs(out.c_str(), stdout);
  if (!report->verification.ok()) {
    // Loud on purpose: wrong results void the figures, whatever the speed.
    std::fprintf(stderr, "raftkv_bench: VERIFICATION FAILED: %s\n",
                 report->verification.ToString().c_str());
    return 4;
  }
  return report->run.errors > 0 ? 3 : 0;
}
