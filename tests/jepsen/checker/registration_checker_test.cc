#include "tests/jepsen/checker/registration_checker.h"

#include "gtest/gtest.h"

namespace raftkv::jepsen {
namespace {

TEST(RegistrationCheckerTest, ExactlyTheLiveInstancesIsClean) {
  EXPECT_TRUE(CompareRegistrations("list", {"a", "b"}, {"c"}, {"a", "b"}).empty());
}

TEST(RegistrationCheckerTest, ReportsMissingLiveAndLingeringStopped) {
  auto problems = CompareRegistrations("cache", {"a", "b"}, {"c"}, {"a", "c", "d"});
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "cache: live instance b missing");
  EXPECT_EQ(problems[1], "cache: stopped instance c still listed");
  EXPECT_EQ(problems[2], "cache: unknown instance d still listed");
}

}  // namespace
}  // namespace raftkv::jepsen
