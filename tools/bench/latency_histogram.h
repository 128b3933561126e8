#ifndef RAFTKV_TOOLS_BENCH_LATENCY_HISTOGRAM_H_
#define RAFTKV_TOOLS_BENCH_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace raftkv::bench {

// An HDR-style log-linear histogram of non-negative integer samples (the bench
// records nanoseconds). Values below 128 are counted exactly; above that every
// power-of-two range is split into 64 equal buckets, so a reported percentile is
// within 1/64 (~1.6%) of the true sample while memory stays fixed (~30 KiB)
// however many samples are recorded. Not thread-safe: the bench keeps one per
// client and merges them at the end.
class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(int64_t value);
  void Merge(const LatencyHistogram& other);

  int64_t Count() const { return count_; }
  int64_t Min() const { return count_ == 0 ? 0 : min_; }
  int64_t Max() const { return max_; }
  double Mean() const;

  // The smallest recorded-value bound v such that at least `quantile` of the
  // samples are <= v (quantile in [0, 1]). Returns 0 for an empty histogram.
  int64_t ValueAtQuantile(double quantile) const;

 private:
  static int BucketIndex(int64_t value);
  static int64_t BucketUpperBound(int index);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace raftkv::bench

#endif  // RAFTKV_TOOLS_BENCH_LATENCY_HISTOGRAM_H_
