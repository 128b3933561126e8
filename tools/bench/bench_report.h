#ifndef RAFTKV_TOOLS_BENCH_BENCH_REPORT_H_
#define RAFTKV_TOOLS_BENCH_BENCH_REPORT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/closed_loop_driver.h"
#include "tools/bench/latency_histogram.h"

namespace raftkv::bench {

// Everything one run measured, ready to print.
struct BenchReport {
  BenchOptions options;
  RunResult run;
  std::map<std::string, LatencyHistogram> extra_latencies;
  std::map<std::string, int64_t> counters;
  std::map<int, int64_t> peak_rss_kib;  // pid -> VmHWM; -1 when unreadable
  absl::Status verification;            // the workload's Verify()
};

std::string FormatText(const BenchReport& report);
std::string FormatJson(const BenchReport& report);

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_BENCH_REPORT_H_
