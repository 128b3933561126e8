// CI slice of the Jepsen-style suite: ~60 s of register + watch workloads against a
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
  options.time_limit = std::chrono::seconds(60);
  auto result = RunJepsen(options, std::cerr);
  ASSERT_TRUE(result.ok()) << result.status();
  std::cerr << result->report;
  EXPECT_TRUE(result->recovered) << result->report;
  EXPECT_TRUE(result->linearizable) << result->report;
  EXPECT_TRUE(result->watch_ok) << result->report;
}

}  // namespace
}  // namespace raftkv::jepsen
