// A small Prometheus metrics registry: counters, gauges (set or computed at scrape
// time) and histograms, rendered in the Prometheus text exposition format (0.0.4).
//
// Metric names follow etcd's where etcd has one, so dashboards and alerts written
// for etcd work unchanged against raftkv.
#ifndef RAFTKV_SERVER_HTTP_METRICS_H_
#define RAFTKV_SERVER_HTTP_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace raftkv::server::http {

// Monotonically increasing value (etcd's *_total counters).
class Counter {
 public:
  void Inc(double delta = 1);
  double Value() const;

 private:
  mutable std::mutex mu_;
  double value_ = 0;
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value);
  void Add(double delta);
  double Value() const;

 private:
  mutable std::mutex mu_;
  double value_ = 0;
};

// Cumulative-bucket histogram with fixed upper bounds (plus the implicit +Inf bucket).
class Histogram {
 public:
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one per upper bound
    uint64_t count = 0;
    double sum = 0;
  };

  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  Snapshot Read() const;

 private:
  const std::vector<double> upper_bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> bucket_counts_;  // non-cumulative, one per upper bound
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Prometheus' ExponentialBuckets(start, factor, count): start, start*factor, ...
std::vector<double> ExponentialBuckets(double start, double factor, int count);

class MetricsRegistry {
 public:
  // The process-wide registry for instruments deep inside the member (raft loop,
  // WAL, proposals) that have no handle on the HTTP server.
  static MetricsRegistry& Global();

  // Each returns the existing instrument when `name` is already registered, so
  // independent modules may ask for the same metric. Instruments live as long as
  // the registry.
  Counter* GetCounter(const std::string& name, const std::string& help);
  Gauge* GetGauge(const std::string& name, const std::string& help);
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds);
  // A gauge evaluated at every scrape. `labels` is a ready-made label set such as
  // `server_version="3.4.0"` (empty for none). Replaces an earlier one of that name.
  void SetGaugeFunction(const std::string& name, const std::string& help,
                        std::function<double()> value, const std::string& labels = "");

  // The text exposition of every metric, sorted by name.
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // counter | gauge | histogram
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> function;
    std::string labels;
  };

  Family& FamilyFor(const std::string& name, const std::string& help, const std::string& type);
  static void RenderFamily(const std::string& name, const Family& family, std::string* out);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Formats a sample value the way Prometheus clients do ("+Inf", integers without ".0").
std::string FormatMetricValue(double value);

}  // namespace raftkv::server::http

#endif  // RAFTKV_SERVER_HTTP_METRICS_H_
