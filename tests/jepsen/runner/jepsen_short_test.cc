// CI slice of the Jepsen-style suite: ~120 s of register + watch workloads against a
// 3-member raftkv cluster under kill -9, SIGSTOP and (when iptables is usable)
// partitions, then linearizability and watch checks.
#include <iostream>

#include "gtest/gtest.h"
#include "tests/harness/runfiles.h"
#include "tests/jepsen/runner/jepsen_run.h"

namespace raftkv::jepsen {
namespace {

TEST(JepsenShortTest, RegisterAndWatchSurviveKillsPausesAndPartitions) {
  InstallStopSignalHandlers();
  RunOptions options;
  options.binary = harness::RunfilePath("server/raftkv");
  options.workloads = {"register", "watch"};
  options.nemeses = {"kill", "pause", "partition"};
  options.time_limit = std::chrono::seconds(120);
  auto result = RunJepsen(options, std::cerr);
  ASSERT_TRUE(result.ok()) << result.status();
  std::cerr << result->report;
  EXPECT_FALSE(result->no_faults) << result->report;
  EXPECT_TRUE(result->recovered) << result->report;
  EXPECT_TRUE(result->WorkloadOk("register")) << result->report;
  EXPECT_TRUE(result->WorkloadOk("watch")) << result->report;
  EXPECT_EQ(result->verdicts.size(), 2u);
}

}  // namespace
}  // namespace raftkv::jepsen
