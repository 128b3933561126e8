#include "tools/bench/bench_report.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace raftkv::bench {
namespace {

constexpr std::pair<const char*, double> kQuantiles[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}};

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

std::string LatencyLine(const std::string& name, const LatencyHistogram& h) {
  std::string line = absl::StrFormat("latency %-13s", name + ":");
  for (const auto& [label, q] : kQuantiles) {
    absl::StrAppendFormat(&line, " %s %.3f ms", label, Millis(h.ValueAtQuantile(q)));
  }
  absl::StrAppendFormat(&line, "  mean %.3f ms  max %.3f ms  (n=%d)\n", Millis(h.Mean()) * 1,
                        Millis(h.Max()), h.Count());
  return line;
}

nlohmann::json LatencyJson(const LatencyHistogram& h) {
  nlohmann::json j;
  for (const auto& [label, q] : kQuantiles) j[label] = Millis(h.ValueAtQuantile(q));
  j["mean"] = h.Mean() / 1e6;
  j["max"] = Millis(h.Max());
  j["count"] = h.Count();
  return j;
}

int64_t MaxRss(const BenchReport& report) {
  int64_t max = -1;
  for (const auto& [pid, kib] : report.peak_rss_kib) max = std::max(max, kib);
  return max;
}

}  // namespace

std::string FormatText(const BenchReport& report) {
  const BenchOptions& o = report.options;
  std::string out = absl::StrFormat(
      "workload %s%s  endpoints %s  conns %d  clients %d  key-size %d  val-size %d  "
      "key-space %d\n",
      o.workload,
      o.workload == "range" ? (o.linearizable ? " (linearizable)" : " (serializable)") : "",
      absl::StrJoin(o.endpoints, ","), o.conns, o.clients, o.key_size, o.val_size, o.key_space);
  absl::StrAppendFormat(&out, "ops %d  errors %d  elapsed %.2f s  throughput %.1f ops/s\n",
                        report.run.ops, report.run.errors,
                        absl::ToDoubleSeconds(report.run.elapsed), report.run.OpsPerSecond());
  if (!report.run.first_error.empty()) {
    absl::StrAppend(&out, "first error: ", report.run.first_error, "\n");
  }
  absl::StrAppend(&out, LatencyLine("op", report.run.latency));
  for (const auto& [name, h] : report.extra_latencies) absl::StrAppend(&out, LatencyLine(name, h));
  for (const auto& [name, value] : report.counters) {
    absl::StrAppendFormat(&out, "%s %d\n", name, value);
  }
  absl::StrAppend(&out, "verification: ",
                  report.verification.ok() ? "ok" : "FAILED: " + report.verification.ToString(),
                  "\n");
  for (const auto& [pid, kib] : report.peak_rss_kib) {
    if (kib < 0) {
      absl::StrAppendFormat(&out, "peak RSS pid %d: unavailable\n", pid);
    } else {
      absl::StrAppendFormat(&out, "peak RSS pid %d: %.1f MiB\n", pid, kib / 1024.0);
    }
  }
  return out;
}

std::string FormatJson(const BenchReport& report) {
  const BenchOptions& o = report.options;
  nlohmann::json j;
  j["workload"] = o.workload;
  j["consistency"] = o.linearizable ? "l" : "s";
  j["endpoints"] = o.endpoints;
  j["conns"] = o.conns;
  j["clients"] = o.clients;
  j["key_size"] = o.key_size;
  j["val_size"] = o.val_size;
  j["key_space"] = o.key_space;
  j["ops"] = report.run.ops;
  j["errors"] = report.run.errors;
  j["first_error"] = report.run.first_error;
  j["elapsed_s"] = absl::ToDoubleSeconds(report.run.elapsed);
  j["ops_per_sec"] = report.run.OpsPerSecond();
  j["latency_ms"]["op"] = LatencyJson(report.run.latency);
  for (const auto& [name, h] : report.extra_latencies) j["latency_ms"][name] = LatencyJson(h);
  j["rate"] = o.rate;
  j["verification"] = report.verification.ok() ? "ok" : report.verification.ToString();
  j["counters"] = nlohmann::json::object();
  for (const auto& [name, value] : report.counters) j["counters"][name] = value;
  j["peak_rss_kib"] = nlohmann::json::object();
  for (const auto& [pid, kib] : report.peak_rss_kib) j["peak_rss_kib"][std::to_string(pid)] = kib;
  j["peak_rss_kib_max"] = MaxRss(report);
  return j.dump() + "\n";
}

}  // namespace raftkv::bench
