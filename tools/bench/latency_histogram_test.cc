#include "tools/bench/latency_histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace raftkv::bench {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Count(), 0);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  EXPECT_EQ(h.Max(), 0);
  EXPECT_EQ(h.Min(), 0);
  EXPECT_EQ(h.Mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Count(), 100);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 50);
  EXPECT_EQ(h.ValueAtQuantile(0.9), 90);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 99);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 100);
  EXPECT_EQ(h.ValueAtQuantile(0.0), 1);
  EXPECT_EQ(h.Min(), 1);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);
}

// Large values land in shared buckets; each percentile must stay within the
// histogram's promised relative error of the exact order statistic.
TEST(LatencyHistogramTest, LargeValuesWithinRelativeError) {
  LatencyHistogram h;
  const int64_t kStep = 1000;  // 1 us in ns
  for (int64_t i = 1; i <= 100000; ++i) h.Record(i * kStep);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = q * 100000 * kStep;
    const double got = static_cast<double>(h.ValueAtQuantile(q));
    EXPECT_GE(got, exact) << "q=" << q;
    EXPECT_LE(got, exact * (1.0 + 1.0 / 64)) << "q=" << q;
  }
  EXPECT_EQ(h.ValueAtQuantile(1.0), 100000 * kStep);
}

TEST(LatencyHistogramTest, TailIsNotHiddenByBulk) {
  LatencyHistogram h;
  for (int i = 0; i < 999; ++i) h.Record(1'000'000);  // 1 ms
  h.Record(500'000'000);                              // one 500 ms outlier
  EXPECT_LE(h.ValueAtQuantile(0.99), 1'000'000 * 65 / 64);
  EXPECT_EQ(h.ValueAtQuantile(0.9999), 500'000'000);
  EXPECT_EQ(h.Max(), 500'000'000);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(13.0, 1.0);  // around 0.4 ms in ns
  LatencyHistogram all, a, b;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng));
    all.Record(v);
    (i % 3 == 0 ? a : b).Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.Count(), all.Count());
  EXPECT_EQ(a.Min(), all.Min());
  EXPECT_EQ(a.Max(), all.Max());
  EXPECT_NEAR(a.Mean(), all.Mean(), 1e-6 * all.Mean());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(a.ValueAtQuantile(q), all.ValueAtQuantile(q)) << "q=" << q;
  }
}

TEST(LatencyHistogramTest, MergeIntoEmptyKeepsMin) {
  LatencyHistogram empty, h;
  h.Record(7'000);
  h.Record(9'000);
  empty.Merge(h);
  EXPECT_EQ(empty.Min(), 7'000);
  EXPECT_EQ(empty.Count(), 2);
}

TEST(LatencyHistogramTest, NegativeClampedToZero) {
  LatencyHistogram h;
  h.Record(-5);
  EXPECT_EQ(h.Count(), 1);
  EXPECT_EQ(h.Max(), 0);
}

}  // namespace
}  // namespace raftkv::bench
