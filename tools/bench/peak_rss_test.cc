#include "tools/bench/peak_rss.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

namespace raftkv::bench {
namespace {

TEST(PeakRssTest, ParsesVmHwmLine) {
  const std::string text = "Name:\tetcd\nVmPeak:\t  999 kB\nVmHWM:\t   45678 kB\nVmRSS:\t 1 kB\n";
  auto kib = ParseVmHwmKib(text);
  ASSERT_TRUE(kib.ok()) << kib.status();
  EXPECT_EQ(*kib, 45678);
}

TEST(PeakRssTest, MissingLineIsAnError) {
  EXPECT_FALSE(ParseVmHwmKib("Name:\tx\nVmRSS:\t1 kB\n").ok());
}

TEST(PeakRssTest, OwnProcessPeakGrowsWithTouchedMemory) {
  auto before = PeakRssKib(getpid());
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<char> big(64 << 20, 1);  // 64 MiB, touched
  auto after = PeakRssKib(getpid());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(*after, *before + 60 * 1024) << big[12345];
}

TEST(PeakRssTest, UnknownPidIsAnError) { EXPECT_FALSE(PeakRssKib(-7).ok()); }

}  // namespace
}  // namespace raftkv::bench
