#include "tests/jepsen/checker/append_checker.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Append;
using testing::Failed;
using testing::Indeterminate;
using testing::Numbered;
using testing::ReadList;

std::string Problems(const AppendCheckResult& result) {
  std::string out;
  for (const std::string& p : result.problems) out += p + "\n";
  return out;
}

TEST(AppendCheckerTest, AcceptsAcknowledgedAppendsInOrderWithConcurrentReordering) {
  // a then b sequentially; c concurrent with b (may land on either side); d indeterminate
  // and present; e indeterminate and absent; f failed and absent.
  auto ops = Numbered({Append(0, "a", 0, 1), Append(0, "b", 2, 5), Append(1, "c", 3, 4),
                       ReadList(2, {"a"}, 1, 2), ReadList(2, {"a", "c"}, 4, 6),
                       Indeterminate(Append(3, "d", 6, 7)), Indeterminate(Append(4, "e", 6, 7)),
                       Failed(Append(5, "f", 6, 7))});
  AppendCheckResult result = CheckAppendHistory(ops, {{"x", {"a", "c", "b", "d"}}});
  EXPECT_TRUE(result.ok) << Problems(result);
}

TEST(AppendCheckerTest, ReportsLostAcknowledgedAppend) {
  auto ops = Numbered({Append(0, "a", 0, 1), Append(0, "b", 2, 3)});
  AppendCheckResult result = CheckAppendHistory(ops, {{"x", {"a"}}});
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].find("acknowledged append lost"), std::string::npos);
}

TEST(AppendCheckerTest, ReportsDuplicateUnknownAndFailedElements) {
  auto ops = Numbered({Append(0, "a", 0, 1), Failed(Append(1, "f", 0, 1))});
  AppendCheckResult result = CheckAppendHistory(ops, {{"x", {"a", "a", "zz", "f"}}});
  EXPECT_FALSE(result.ok);
  const std::string all = Problems(result);
  EXPECT_NE(all.find("appears twice"), std::string::npos) << all;
  EXPECT_NE(all.find("never appended"), std::string::npos) << all;
  EXPECT_NE(all.find("failed append is present"), std::string::npos) << all;
}

TEST(AppendCheckerTest, ReportsOrderAgainstAcknowledgement) {
  auto ops = Numbered({Append(0, "a", 0, 1), Append(0, "b", 2, 3)});
  AppendCheckResult result = CheckAppendHistory(ops, {{"x", {"b", "a"}}});
  EXPECT_FALSE(result.ok);
  EXPECT_NE(Problems(result).find("order:"), std::string::npos);
}

TEST(AppendCheckerTest, ReportsStaleAndNonPrefixReads) {
  auto stale = Numbered({Append(0, "a", 0, 1), ReadList(1, {}, 2, 3)});
  EXPECT_NE(Problems(CheckAppendHistory(stale, {{"x", {"a"}}})).find("stale read"),
            std::string::npos);
  auto wrong = Numbered({Append(0, "a", 0, 1), Append(0, "b", 2, 3), ReadList(1, {"b"}, 4, 5)});
  EXPECT_NE(Problems(CheckAppendHistory(wrong, {{"x", {"a", "b"}}})).find("not a prefix"),
            std::string::npos);
  auto future = Numbered({ReadList(1, {"a"}, 0, 1), Append(0, "a", 2, 3)});
  EXPECT_NE(Problems(CheckAppendHistory(future, {{"x", {"a"}}})).find("sees the future"),
            std::string::npos);
}

TEST(AppendCheckerTest, KeysAreIndependent) {
  auto ops = Numbered({Append(0, "a", 0, 1, "x"), Append(0, "b", 2, 3, "y")});
  EXPECT_TRUE(CheckAppendHistory(ops, {{"x", {"a"}}, {"y", {"b"}}}).ok);
  EXPECT_FALSE(CheckAppendHistory(ops, {{"x", {"a", "b"}}, {"y", {}}}).ok);
}

}  // namespace
}  // namespace raftkv::jepsen
