// Large simulated histories: linearizable by construction, so the checker must accept
// them quickly, and must reject them once a single read is corrupted.
#include <cstdint>

#include "gtest/gtest.h"
#include "tests/jepsen/checker/check_report.h"
#include "tests/jepsen/checker/linearizability_checker.h"
#include "tests/jepsen/checker/register_model.h"
#include "tests/jepsen/checker/register_simulation.h"

namespace raftkv::jepsen {
namespace {

// The checker's cost is bounded by search states, not by wall-clock time (which a
// loaded or sanitized run stretches): memoization keeps these histories near-linear
// (about 2-3 states per op; an unmemoized search explodes past any such bound).
constexpr int64_t kMaxStatesPerOp = 10;
struct Checked {
  CheckResult result;
  int64_t states_explored = 0;
};

Checked Check(const std::vector<Operation>& ops) {
  absl::StatusOr<CheckResult> result = CheckLinearizability(ops, RegisterModel());
  EXPECT_TRUE(result.ok()) << result.status();
  Checked checked{result.ok() ? *result : CheckResult{}};
  for (const KeyVerdict& key : checked.result.keys) checked.states_explored += key.states_explored;
  return checked;
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

TEST(RandomHistoryTest, TenThousandOpsOnOneKeyPassWithANearLinearSearch) {
  RegisterSimulationOptions options;
  options.operations = 10'000;
  options.processes = 6;
  options.seed = 7;
  const std::vector<Operation> ops = SimulateRegisterHistory(options);
  ASSERT_EQ(ops.size(), 10'000u);
  const Checked checked = Check(ops);
  EXPECT_EQ(checked.result.verdict, Verdict::kLinearizable) << FormatCheckResult(checked.result);
  EXPECT_LT(checked.states_explored, kMaxStatesPerOp * int64_t(ops.size()));
}

TEST(RandomHistoryTest, ManySeedsAndKeysPass) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    RegisterSimulationOptions options;
    options.operations = 2'000;
    options.processes = 8;
    options.keys = 3;
    options.seed = seed;
    options.info_probability = 0.03;
    const Checked checked = Check(SimulateRegisterHistory(options));
    EXPECT_EQ(checked.result.verdict, Verdict::kLinearizable) << "seed " << seed << "\n"
                                                              << FormatCheckResult(checked.result);
  }
}

TEST(RandomHistoryTest, OneStaleReadIsCaught) {
  RegisterSimulationOptions options;
  options.operations = 10'000;
  options.processes = 6;
  options.seed = 11;
  std::vector<Operation> ops = SimulateRegisterHistory(options);
  ASSERT_TRUE(MakeOneReadStale(&ops));
  const Checked checked = Check(ops);
  EXPECT_EQ(checked.result.verdict, Verdict::kNotLinearizable);
  EXPECT_LT(checked.states_explored, kMaxStatesPerOp * int64_t(ops.size()));
  ASSERT_TRUE(checked.result.bad_window.has_value());
  EXPECT_LT(checked.result.bad_window->window.size(), 30u) << FormatCheckResult(checked.result);
}

TEST(RandomHistoryTest, ReadOfNeverWrittenValueIsCaught) {
  RegisterSimulationOptions options;
  options.operations = 5'000;
  options.seed = 3;
  std::vector<Operation> ops = SimulateRegisterHistory(options);
  for (size_t i = ops.size() / 2; i < ops.size(); ++i) {
    if (IsOkRead(ops[i])) {
      ops[i].output = {"never-written"};
      const Checked checked = Check(ops);
      EXPECT_EQ(checked.result.verdict, Verdict::kNotLinearizable);
      ASSERT_TRUE(checked.result.bad_window.has_value());
      EXPECT_EQ(checked.result.bad_window->blocking.id, ops[i].id)
          << FormatCheckResult(checked.result);
      return;
    }
  }
  FAIL() << "no ok read in the simulated history";
}

}  // namespace
}  // namespace raftkv::jepsen
