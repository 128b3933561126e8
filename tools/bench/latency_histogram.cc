#include "tools/bench/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace raftkv::bench {
namespace {

// Values below kExactLimit get one bucket each; every larger power-of-two range
// [2^k, 2^(k+1)) gets kSubBuckets buckets.
constexpr int kExactBits = 7;
constexpr int64_t kExactLimit = int64_t{1} << kExactBits;  // 128
constexpr int kSubBucketBits = kExactBits - 1;
constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;  // 64
constexpr int kHighestBit = 62;
constexpr int kBucketCount = kExactLimit + (kHighestBit - kExactBits + 1) * kSubBuckets;

int HighestSetBit(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

int LatencyHistogram::BucketIndex(int64_t value) {
  if (value < kExactLimit) return static_cast<int>(value);
  const int msb = HighestSetBit(static_cast<uint64_t>(value));
  const int shift = msb - kSubBucketBits;
  const int64_t sub = (value >> shift) - kSubBuckets;  // in [0, kSubBuckets)
  return static_cast<int>(kExactLimit + (msb - kExactBits) * kSubBuckets + sub);
}

int64_t LatencyHistogram::BucketUpperBound(int index) {
  if (index < kExactLimit) return index;
  const int64_t offset = index - kExactLimit;
  const int msb = static_cast<int>(offset / kSubBuckets) + kExactBits;
  const int64_t sub = offset % kSubBuckets;
  const int shift = msb - kSubBucketBits;
  return ((kSubBuckets + sub + 1) << shift) - 1;
}

void LatencyHistogram::Record(int64_t value) {
  value = std::max<int64_t>(value, 0);
  ++buckets_[BucketIndex(value)];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

int64_t LatencyHistogram::ValueAtQuantile(double quantile) const {
  if (count_ == 0) return 0;
  quantile = std::clamp(quantile, 0.0, 1.0);
  const int64_t rank =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(quantile * static_cast<double>(count_))));
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    // A bucket's upper bound may exceed every sample in it; never report more
    // than the largest value actually recorded, nor less than the smallest.
    if (seen >= rank) return std::clamp(BucketUpperBound(i), min_, max_);
  }
  return max_;
}

}  // namespace raftkv::bench
