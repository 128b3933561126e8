#include "tests/jepsen/checker/check_report.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/register_model.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Numbered;
using testing::Read;
using testing::Write;

std::vector<int64_t> Ids(const std::vector<Operation>& ops) {
  std::vector<int64_t> ids;
  for (const Operation& op : ops) ids.push_back(op.id);
  return ids;
}

TEST(CheckReportTest, BadWindowIsTheStaleReadAndTheWriteItMissed) {
  // #0..#3 are a fine prefix; #4 overwrites, #5 overlaps nothing relevant, #6 reads stale.
  const std::vector<Operation> ops = Numbered(
      {Write(0, "a", 0, 1), Read(1, "a", 2, 3), Write(0, "b", 4, 5), Read(1, "b", 6, 7),
       Write(0, "c", 8, 9), Read(2, "c", 10, 11), Read(1, "b", 12, 13), Write(0, "d", 14, 15)});
  absl::StatusOr<CheckResult> result = CheckLinearizability(ops, RegisterModel());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
  ASSERT_TRUE(result->bad_window.has_value());
  const BadWindow& window = *result->bad_window;
  EXPECT_EQ(window.key, "x");
  EXPECT_EQ(window.ops_in_key, 8u);
  EXPECT_EQ(window.blocking.id, 6);
  ASSERT_TRUE(window.last_state_change.has_value());
  EXPECT_EQ(window.last_state_change->id, 4);
  EXPECT_EQ(Ids(window.longest_linearization), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(window.state_after, "\"c\"");
  EXPECT_EQ(Ids(window.window), (std::vector<int64_t>{4, 5, 6}));

  const std::string text = FormatCheckResult(*result);
  EXPECT_NE(text.find("verdict: NOT linearizable"), std::string::npos) << text;
  EXPECT_NE(text.find("longest linearizable prefix: 6 of 8 ops, state after it: \"c\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("could not linearize: #6 p1 read \"x\" -> \"b\" [12..13] ok"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("smallest bad window (3 ops"), std::string::npos) << text;
  EXPECT_NE(text.find("#4 p0 write \"x\" \"c\" [8..9] ok  <-- last state change before it"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("#5 p2 read \"x\" -> \"c\" [10..11] ok  (linearized)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("#6 p1 read \"x\" -> \"b\" [12..13] ok  <-- cannot be linearized"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("#7"), std::string::npos) << "ops after the failure stay out:\n" << text;
}

TEST(CheckReportTest, WindowIncludesOpsConcurrentWithTheFailure) {
  const std::vector<Operation> ops =
      Numbered({Write(0, "a", 0, 1), Write(1, "b", 2, 3), Read(2, "a", 4, 8), Write(3, "c", 5, 20),
                Read(4, "zzz", 30, 31)});
  absl::StatusOr<CheckResult> result = CheckLinearizability(ops, RegisterModel());
  ASSERT_TRUE(result.ok());
  ASSERT_TRUE(result->bad_window.has_value());
  EXPECT_EQ(result->bad_window->blocking.id, 2);
  ASSERT_TRUE(result->bad_window->last_state_change.has_value());
  EXPECT_EQ(result->bad_window->last_state_change->id, 1);
  EXPECT_EQ(Ids(result->bad_window->window), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_NE(FormatCheckResult(*result).find("#3 p3 write \"x\" \"c\" [5..20] ok  (linearized)"),
            std::string::npos)
      << FormatCheckResult(*result);
}

TEST(CheckReportTest, LinearizableResultHasNoWindow) {
  absl::StatusOr<CheckResult> result =
      CheckLinearizability(Numbered({Write(0, "a", 0, 1), Read(1, "a", 2, 3)}), RegisterModel());
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->bad_window.has_value());
  EXPECT_EQ(FormatCheckResult(*result),
            "verdict: linearizable\n  key \"x\": linearizable (2 ops, 2 states)\n");
}

TEST(CheckReportTest, ManyKeysListOnlyTheBadOnes) {
  std::vector<Operation> ops;
  for (int k = 0; k < 25; ++k)
    ops.push_back(Read(0, std::nullopt, 2 * k, 2 * k + 1, "k" + std::to_string(k)));
  ops.push_back(Read(1, "zzz", 0, 1, "k7"));
  absl::StatusOr<CheckResult> result = CheckLinearizability(Numbered(ops), RegisterModel());
  ASSERT_TRUE(result.ok());
  const std::string text = FormatCheckResult(*result);
  EXPECT_NE(text.find("  key \"k7\": NOT linearizable (2 ops"), std::string::npos) << text;
  EXPECT_EQ(text.find("key \"k8\""), std::string::npos) << text;
  EXPECT_NE(text.find("24 of 25 keys linearizable"), std::string::npos) << text;
}

}  // namespace
}  // namespace raftkv::jepsen
