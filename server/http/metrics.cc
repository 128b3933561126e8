#include "server/http/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace raftkv::server::http {

void Counter::Inc(double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  value_ += delta;
}

double Counter::Value() const {
  std::lock_guard<std::mutex> lock(mu_);
  return value_;
}

void Gauge::Set(double value) {
  std::lock_guard<std::mutex> lock(mu_);
  value_ = value;
}

void Gauge::Add(double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  value_ += delta;
}

double Gauge::Value() const {
  std::lock_guard<std::mutex> lock(mu_);
  return value_;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), bucket_counts_(upper_bounds_.size(), 0) {}

void Histogram::Observe(double value) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (value <= upper_bounds_[i]) {
      ++bucket_counts_[i];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

Histogram::Snapshot Histogram::Read() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  uint64_t running = 0;
  for (uint64_t n : bucket_counts_) {
    running += n;
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = count_;
  snapshot.sum = sum_;
  return snapshot;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> bounds;
  double bound = start;
  for (int i = 0; i < count; ++i) {
    bounds.push_back(bound);
    bound *= factor;
  }
  return bounds;
}

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used at exit
  return *registry;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(const std::string& name,
                                                    const std::string& help,
                                                    const std::string& type) {
  Family& family = families_[name];
  if (family.type.empty()) {
    family.help = help;
    family.type = type;
  }
  return family;
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& family = FamilyFor(name, help, "counter");
  if (!family.counter) family.counter = std::make_unique<Counter>();
  return family.counter.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& family = FamilyFor(name, help, "gauge");
  if (!family.gauge) family.gauge = std::make_unique<Gauge>();
  return family.gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& upper_bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& family = FamilyFor(name, help, "histogram");
  if (!family.histogram) family.histogram = std::make_unique<Histogram>(upper_bounds);
  return family.histogram.get();
}

void MetricsRegistry::SetGaugeFunction(const std::string& name, const std::string& help,
                                       std::function<double()> value, const std::string& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& family = FamilyFor(name, help, "gauge");
  family.function = std::move(value);
  family.labels = labels;
}

std::string FormatMetricValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  // The shortest form that reads back as the same double, as Go's Prometheus client writes.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

void MetricsRegistry::RenderFamily(const std::string& name, const Family& family,
                                   std::string* out) {
  *out += "# HELP " + name + " " + family.help + "\n";
  *out += "# TYPE " + name + " " + family.type + "\n";
  if (family.histogram) {
    const Histogram::Snapshot h = family.histogram->Read();
    for (size_t i = 0; i < h.upper_bounds.size(); ++i) {
      *out += name + "_bucket{le=\"" + FormatMetricValue(h.upper_bounds[i]) + "\"} " +
              std::to_string(h.cumulative_counts[i]) + "\n";
    }
    *out += name + "_bucket{le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    *out += name + "_sum " + FormatMetricValue(h.sum) + "\n";
    *out += name + "_count " + std::to_string(h.count) + "\n";
    return;
  }
  double value = 0;
  if (family.function) {
    value = family.function();
  } else if (family.counter) {
    value = family.counter->Value();
  } else if (family.gauge) {
    value = family.gauge->Value();
  }
  const std::string labels = family.labels.empty() ? "" : "{" + family.labels + "}";
  *out += name + labels + " " + FormatMetricValue(value) + "\n";
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) RenderFamily(name, family, &out);
  return out;
}

}  // namespace raftkv::server::http
