// Large simulated histories: linearizable by construction, so the checker must accept
// them quickly, and must reject them once a single read is corrupted.
#include <chrono>

#include "gtest/gtest.h"
#include "tests/jepsen/checker/check_report.h"
#include "tests/jepsen/checker/linearizability_checker.h"
#include "tests/jepsen/checker/register_model.h"
#include "tests/jepsen/checker/register_simulation.h"

namespace raftkv::jepsen {
namespace {

struct Timed {
  CheckResult result;
  std::chrono::milliseconds elapsed;
};

Timed TimedCheck(const std::vector<Operation>& ops) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<CheckResult> result = CheckLinearizability(ops, RegisterModel());
  EXPECT_TRUE(result.ok()) << result.status();
  return {result.ok() ? *result : CheckResult{},
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                start)};
}

bool IsOkRead(const Operation& op) {
  return op.type == OpType::kRead && op.outcome == Outcome::kOk;
}

bool IsOkWriteOf(const Operation& op) {
  return op.type == OpType::kWrite && op.outcome == Outcome::kOk;
}

// Makes a read return a stale value: one written by an ok write that was followed by
// another ok write, both completed before the read began (values are unique, so no
// other op could have written it).
bool MakeOneReadStale(std::vector<Operation>* ops) {
  for (size_t r = ops->size() / 2; r < ops->size(); ++r) {
    Operation& read = (*ops)[r];
    if (!IsOkRead(read)) continue;
    const Operation* newer = nullptr;
    for (size_t w = r; w-- > 0;) {
      const Operation& op = (*ops)[w];
      if (op.key != read.key || !IsOkWriteOf(op) || op.complete_seq >= read.invoke_seq) continue;
      if (newer == nullptr) {
        newer = &op;
      } else if (op.complete_seq < newer->invoke_seq && op.input[0] != read.output[0]) {
        read.output = {op.input[0]};
        return true;
      }
    }
  }
  return false;
}

TEST(RandomHistoryTest, TenThousandOpsOnOneKeyPassQuickly) {
  RegisterSimulationOptions options;
  options.operations = 10'000;
  options.processes = 6;
  options.seed = 7;
  const std::vector<Operation> ops = SimulateRegisterHistory(options);
  ASSERT_EQ(ops.size(), 10'000u);
  const Timed timed = TimedCheck(ops);
  EXPECT_EQ(timed.result.verdict, Verdict::kLinearizable) << FormatCheckResult(timed.result);
  EXPECT_LT(timed.elapsed, std::chrono::seconds(5));
}

TEST(RandomHistoryTest, ManySeedsAndKeysPass) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    RegisterSimulationOptions options;
    options.operations = 2'000;
    options.processes = 8;
    options.keys = 3;
    options.seed = seed;
    options.info_probability = 0.03;
    const Timed timed = TimedCheck(SimulateRegisterHistory(options));
    EXPECT_EQ(timed.result.verdict, Verdict::kLinearizable) << "seed " << seed << "\n"
                                                            << FormatCheckResult(timed.result);
  }
}

TEST(RandomHistoryTest, OneStaleReadIsCaught) {
  RegisterSimulationOptions options;
  options.operations = 10'000;
  options.processes = 6;
  options.seed = 11;
  std::vector<Operation> ops = SimulateRegisterHistory(options);
  ASSERT_TRUE(MakeOneReadStale(&ops));
  const Timed timed = TimedCheck(ops);
  EXPECT_EQ(timed.result.verdict, Verdict::kNotLinearizable);
  EXPECT_LT(timed.elapsed, std::chrono::seconds(10));
  ASSERT_TRUE(timed.result.bad_window.has_value());
  EXPECT_LT(timed.result.bad_window->window.size(), 30u) << FormatCheckResult(timed.result);
}

TEST(RandomHistoryTest, ReadOfNeverWrittenValueIsCaught) {
  RegisterSimulationOptions options;
  options.operations = 5'000;
  options.seed = 3;
  std::vector<Operation> ops = SimulateRegisterHistory(options);
  for (size_t i = ops.size() / 2; i < ops.size(); ++i) {
    if (IsOkRead(ops[i])) {
      ops[i].output = {"never-written"};
      const Timed timed = TimedCheck(ops);
      EXPECT_EQ(timed.result.verdict, Verdict::kNotLinearizable);
      ASSERT_TRUE(timed.result.bad_window.has_value());
      EXPECT_EQ(timed.result.bad_window->blocking.id, ops[i].id) << FormatCheckResult(timed.result);
      return;
    }
  }
  FAIL() << "no ok read in the simulated history";
}

}  // namespace
}  // namespace raftkv::jepsen
