#include "tests/jepsen/checker/linearizability_checker.h"

#include "gtest/gtest.h"
#include "tests/jepsen/checker/list_model.h"
#include "tests/jepsen/checker/register_model.h"
#include "tests/jepsen/checker/test_history.h"

namespace raftkv::jepsen {
namespace {

using testing::Append;
using testing::Cas;
using testing::Failed;
using testing::Indeterminate;
using testing::Numbered;
using testing::Read;
using testing::ReadList;
using testing::Write;

Verdict CheckRegister(const std::vector<Operation>& ops) {
  absl::StatusOr<CheckResult> result = CheckLinearizability(Numbered(ops), RegisterModel());
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->verdict : Verdict::kUnknown;
}

// --- Known-good histories -------------------------------------------------------------

TEST(LinearizabilityCheckerTest, EmptyHistoryIsLinearizable) {
  EXPECT_EQ(CheckRegister({}), Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, SequentialHistory) {
  EXPECT_EQ(CheckRegister({Read(0, std::nullopt, 0, 1), Write(0, "1", 2, 3), Read(1, "1", 4, 5),
                           Cas(1, "1", "2", 6, 7), Read(0, "2", 8, 9)}),
            Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, OverlappingOpsMayTakeEffectInEitherOrder) {
  // Both reads overlap the write: one sees the old value, the other the new one.
  EXPECT_EQ(CheckRegister({Write(0, "1", 0, 1), Write(1, "2", 2, 10), Read(2, "2", 3, 4),
                           Read(3, "1", 2, 5)}),
            Verdict::kLinearizable);
  // Two concurrent writes, then reads agreeing on which one won.
  EXPECT_EQ(CheckRegister(
                {Write(0, "a", 0, 5), Write(1, "b", 1, 4), Read(2, "a", 6, 7), Read(3, "a", 8, 9)}),
            Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, IndeterminateWriteThatHappenedLater) {
  // The write timed out, but its effect shows up long after: allowed.
  EXPECT_EQ(CheckRegister({Indeterminate(Write(0, "1", 0, 1)), Read(1, std::nullopt, 2, 3),
                           Read(1, "1", 10, 11), Read(2, "1", 12, 13)}),
            Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, IndeterminateWriteThatNeverHappened) {
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Indeterminate(Write(1, "1", 2, 3)),
                           Read(2, "0", 4, 5), Read(2, "0", 20, 21)}),
            Verdict::kLinearizable);
  // An indeterminate cas whose precondition can never hold is simply left out.
  EXPECT_EQ(CheckRegister({Indeterminate(Cas(1, "nope", "1", 0, 1)), Read(2, std::nullopt, 4, 5)}),
            Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, IndeterminateWriteCannotTakeEffectBeforeItsInvocation) {
  EXPECT_EQ(CheckRegister({Read(1, "1", 0, 1), Indeterminate(Write(0, "1", 2, 3))}),
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, FailedOpsAreIgnored) {
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Failed(Write(1, "1", 2, 3)), Read(2, "0", 4, 5),
                           Failed(Cas(1, "0", "2", 6, 7)), Failed(Read(2, "zzz", 6, 7)),
                           Read(2, "0", 8, 9)}),
            Verdict::kLinearizable);
}

TEST(LinearizabilityCheckerTest, IndeterminateReadsAreIgnored) {
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Indeterminate(Read(2, "zzz", 4, 5))}),
            Verdict::kLinearizable);
}

// --- Known-bad histories --------------------------------------------------------------

TEST(LinearizabilityCheckerTest, StaleReadAfterCompletedWrite) {
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Write(1, "1", 2, 3), Read(2, "0", 4, 5)}),
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, LostAcknowledgedWrite) {
  // Acknowledged write of "1", then every read sees the initial nil.
  EXPECT_EQ(CheckRegister({Write(0, "1", 0, 1), Read(1, std::nullopt, 2, 3)}),
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, ReadOfValueNeverWritten) {
  EXPECT_EQ(CheckRegister({Write(0, "1", 0, 10), Read(1, "2", 1, 2)}), Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, NonMonotonicReads) {
  // Concurrent with the write, the reads may go either way, but not new-then-old.
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Write(1, "1", 2, 20), Read(2, "1", 3, 4),
                           Read(2, "0", 5, 6)}),
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, CasAnomalies) {
  // Both cas from "0" succeeded: only one can.
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Cas(1, "0", "1", 2, 5), Cas(2, "0", "2", 3, 6)}),
            Verdict::kNotLinearizable);
  // A cas succeeded from a value the register did not hold.
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Cas(1, "7", "1", 2, 3)}),
            Verdict::kNotLinearizable);
  // The swap succeeded but a later read misses its effect.
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Cas(1, "0", "1", 2, 3), Read(2, "0", 4, 5)}),
            Verdict::kNotLinearizable);
}

// --- Partitioning and models ----------------------------------------------------------

TEST(LinearizabilityCheckerTest, KeysAreCheckedIndependently) {
  absl::StatusOr<CheckResult> result = CheckLinearizability(
      Numbered({Write(0, "1", 0, 1, "a"), Write(0, "1", 0, 1, "b"), Read(1, "1", 2, 3, "a"),
                Read(1, std::nullopt, 2, 3, "b"), Read(1, std::nullopt, 4, 5, "c")}),
      RegisterModel());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable);
  ASSERT_EQ(result->keys.size(), 3u);
  EXPECT_EQ(result->keys[0].key, "a");
  EXPECT_EQ(result->keys[0].verdict, Verdict::kLinearizable);
  EXPECT_EQ(result->keys[1].key, "b");
  EXPECT_EQ(result->keys[1].verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->keys[2].verdict, Verdict::kLinearizable);
  ASSERT_TRUE(result->bad_window.has_value());
  EXPECT_EQ(result->bad_window->key, "b");
}

TEST(LinearizabilityCheckerTest, ValueOfAnotherKeyDoesNotLeak) {
  EXPECT_EQ(CheckRegister({Write(0, "1", 0, 1, "a"), Read(1, "1", 2, 3, "b")}),
            Verdict::kNotLinearizable);
}

TEST(LinearizabilityCheckerTest, ListModelHistories) {
  ListModel model;
  absl::StatusOr<CheckResult> good =
      CheckLinearizability(Numbered({Append(0, "a", 0, 1), Append(1, "b", 2, 6),
                                     Append(2, "c", 3, 5), ReadList(3, {"a", "c", "b"}, 7, 8)}),
                           model);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->verdict, Verdict::kLinearizable);
  absl::StatusOr<CheckResult> bad = CheckLinearizability(
      Numbered({Append(0, "a", 0, 1), Append(1, "b", 2, 3), ReadList(3, {"b", "a"}, 4, 5)}), model);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->verdict, Verdict::kNotLinearizable);
}

// --- Limits and input validation ------------------------------------------------------

TEST(LinearizabilityCheckerTest, ReportsUnknownWhenTheSearchIsBounded) {
  // Many concurrent writes and an impossible final read force a full search.
  std::vector<Operation> ops;
  for (int i = 0; i < 14; ++i) ops.push_back(Write(i, std::to_string(i), 0, 100));
  ops.push_back(Read(99, "never", 101, 102));
  CheckOptions options;
  options.max_states_per_key = 50;
  absl::StatusOr<CheckResult> result =
      CheckLinearizability(Numbered(ops), RegisterModel(), options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kUnknown);
  ASSERT_EQ(result->keys.size(), 1u);
  EXPECT_NE(result->keys[0].unknown_reason.find("50 states"), std::string::npos);

  options.max_states_per_key = 1'000'000;
  options.time_limit = std::chrono::milliseconds(0);
  result = CheckLinearizability(Numbered(ops), RegisterModel(), options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kUnknown);
}

TEST(LinearizabilityCheckerTest, RejectsOkOpWithoutCompletion) {
  Operation op = Write(0, "1", 0, kNeverCompleted);
  EXPECT_FALSE(CheckLinearizability({op}, RegisterModel()).ok());
}

}  // namespace
}  // namespace raftkv::jepsen

namespace raftkv::jepsen {
namespace {

// The search itself (without the checker dropping unobservable info ops first) may leave
// an info op out or place it anywhere after its invocation.
TEST(LinearizationSearchTest, InfoOpsMayBeLeftOutOrLinearizedLate) {
  RegisterModel model;
  const std::vector<Operation> left_out = testing::Numbered(
      {testing::Write(0, "0", 0, 1), testing::Indeterminate(testing::Write(1, "1", 2, 3)),
       testing::Read(2, "0", 4, 5), testing::Read(2, "0", 20, 21)});
  EXPECT_EQ(SearchLinearization(left_out, model, SearchLimits{}).verdict, Verdict::kLinearizable);
  const std::vector<Operation> late =
      testing::Numbered({testing::Indeterminate(testing::Write(1, "1", 0, 1)),
                         testing::Read(2, std::nullopt, 4, 5), testing::Read(2, "1", 20, 21)});
  EXPECT_EQ(SearchLinearization(late, model, SearchLimits{}).verdict, Verdict::kLinearizable);
  // Taking effect once cannot explain the value coming back after being overwritten.
  const std::vector<Operation> twice = testing::Numbered(
      {testing::Indeterminate(testing::Write(1, "1", 0, 1)), testing::Read(2, "1", 4, 5),
       testing::Write(0, "2", 6, 7), testing::Read(2, "1", 8, 9)});
  SearchResult result = SearchLinearization(twice, model, SearchLimits{});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  ASSERT_TRUE(result.failure.has_value());
  EXPECT_EQ(result.failure->blocking, 3u);
}

TEST(LinearizabilityCheckerTest, ObservedIndeterminateOpIsKeptAndChecked) {
  EXPECT_EQ(CheckRegister({Write(0, "0", 0, 1), Indeterminate(Write(1, "1", 2, 3)),
                           Read(2, "0", 4, 5), Cas(0, "0", "1", 6, 7), Read(2, "1", 8, 9)}),
            Verdict::kLinearizable);
  EXPECT_EQ(CheckRegister({Indeterminate(Write(1, "1", 0, 1)), Read(2, "1", 4, 5),
                           Write(0, "2", 6, 7), Read(2, "1", 8, 9)}),
            Verdict::kNotLinearizable);
}

}  // namespace
}  // namespace raftkv::jepsen
