#include "tests/jepsen/checker/fencing_checker.h"

#include "gtest/gtest.h"

namespace raftkv::jepsen {
namespace {

FencedWrite Attempt(std::string value, int64_t token, int holder, Outcome outcome,
                    int64_t revision = 0) {
  return FencedWrite{std::move(value), token, holder, outcome, revision};
}

std::string Problems(const FencingCheckResult& result) {
  std::string out;
  for (const std::string& p : result.problems) out += p + "\n";
  return out;
}

TEST(FencingCheckerTest, AcceptsIncreasingTokensWithRefusedStaleHolder) {
  // Holder 0 (token 10) loses its session; holder 1 (token 20) takes over; holder 0's late
  // write is refused; an indeterminate write of holder 1 committed anyway.
  std::vector<FencedWrite> attempts = {
      Attempt("a", 10, 0, Outcome::kOk, 11), Attempt("b", 10, 0, Outcome::kOk, 12),
      Attempt("c", 20, 1, Outcome::kOk, 21), Attempt("late", 10, 0, Outcome::kFail),
      Attempt("d", 20, 1, Outcome::kInfo),   Attempt("lost-unknown", 30, 2, Outcome::kInfo)};
  FencingCheckResult result = CheckFencing(attempts, {{11, "a"}, {12, "b"}, {21, "c"}, {22, "d"}});
  EXPECT_TRUE(result.ok) << Problems(result);
  EXPECT_EQ(result.committed, 4);
  EXPECT_EQ(result.tokens, 2);
}

TEST(FencingCheckerTest, ReportsStaleHolderCommittingAfterNewerOne) {
  std::vector<FencedWrite> attempts = {Attempt("a", 10, 0, Outcome::kOk, 11),
                                       Attempt("c", 20, 1, Outcome::kOk, 21),
                                       Attempt("late", 10, 0, Outcome::kInfo)};
  FencingCheckResult result = CheckFencing(attempts, {{11, "a"}, {21, "c"}, {22, "late"}});
  EXPECT_FALSE(result.ok);
  EXPECT_NE(Problems(result).find("fencing violated"), std::string::npos) << Problems(result);
}

TEST(FencingCheckerTest, ReportsRefusedButCommittedAndLostAcknowledged) {
  std::vector<FencedWrite> attempts = {Attempt("a", 10, 0, Outcome::kFail),
                                       Attempt("b", 10, 0, Outcome::kOk, 12)};
  FencingCheckResult result = CheckFencing(attempts, {{11, "a"}});
  EXPECT_FALSE(result.ok);
  const std::string all = Problems(result);
  EXPECT_NE(all.find("refused write committed"), std::string::npos) << all;
  EXPECT_NE(all.find("acknowledged write lost"), std::string::npos) << all;
}

TEST(FencingCheckerTest, ReportsSharedTokenUnknownValueDuplicateAndWrongRevision) {
  std::vector<FencedWrite> attempts = {Attempt("a", 10, 0, Outcome::kOk, 11),
                                       Attempt("b", 10, 1, Outcome::kInfo)};
  FencingCheckResult result = CheckFencing(attempts, {{12, "a"}, {13, "a"}, {14, "ghost"}});
  EXPECT_FALSE(result.ok);
  const std::string all = Problems(result);
  EXPECT_NE(all.find("held by both"), std::string::npos) << all;
  EXPECT_NE(all.find("committed twice"), std::string::npos) << all;
  EXPECT_NE(all.find("never attempted"), std::string::npos) << all;
  EXPECT_NE(all.find("acknowledged at revision 11"), std::string::npos) << all;
}

}  // namespace
}  // namespace raftkv::jepsen
