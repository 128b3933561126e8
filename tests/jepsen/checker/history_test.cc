#include "tests/jepsen/checker/history.h"

#include <thread>

#include "gtest/gtest.h"

namespace raftkv::jepsen {
namespace {

TEST(HistoryTest, RecordsInvokeAndCompleteWithIncreasingSequence) {
  History history;
  const int64_t write = history.Invoke(1, "x", OpType::kWrite, {"1"});
  const int64_t read = history.Invoke(2, "x", OpType::kRead, {});
  ASSERT_TRUE(history.Complete(write, Outcome::kOk).ok());
  ASSERT_TRUE(history.Complete(read, Outcome::kOk, {"1"}).ok());
  const std::vector<Operation> ops = history.Operations();
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].invoke_seq, 0);
  EXPECT_EQ(ops[1].invoke_seq, 1);
  EXPECT_EQ(ops[0].complete_seq, 2);
  EXPECT_EQ(ops[1].complete_seq, 3);
  EXPECT_EQ(ops[1].output, std::vector<Value>{"1"});
  EXPECT_EQ(ops[0].process, 1);
  EXPECT_EQ(ops[0].type, OpType::kWrite);
}

TEST(HistoryTest, InFlightAndIndeterminateOpsNeverComplete) {
  History history;
  const int64_t lost = history.Invoke(1, "x", OpType::kWrite, {"1"});
  history.Invoke(2, "x", OpType::kWrite, {"2"});
  ASSERT_TRUE(history.Complete(lost, Outcome::kInfo).ok());
  for (const Operation& op : history.Operations()) {
    EXPECT_EQ(op.outcome, Outcome::kInfo);
    EXPECT_EQ(op.complete_seq, kNeverCompleted);
  }
}

TEST(HistoryTest, RejectsUnknownAndDoubleCompletion) {
  History history;
  const int64_t id = history.Invoke(1, "x", OpType::kRead, {});
  EXPECT_FALSE(history.Complete(id + 1, Outcome::kOk).ok());
  ASSERT_TRUE(history.Complete(id, Outcome::kFail).ok());
  EXPECT_FALSE(history.Complete(id, Outcome::kOk).ok());
}

TEST(HistoryTest, ConcurrentRecordersGetUniqueOrderedSequences) {
  History history;
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&history, t] {
      for (int i = 0; i < kOpsPerThread; ++i) {
        const int64_t id = history.Invoke(t, "x", OpType::kRead, {});
        ASSERT_TRUE(history.Complete(id, Outcome::kOk, {std::nullopt}).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<Operation> ops = history.Operations();
  ASSERT_EQ(ops.size(), static_cast<size_t>(kThreads * kOpsPerThread));
  std::vector<bool> used(2 * ops.size(), false);
  for (const Operation& op : ops) {
    EXPECT_LT(op.invoke_seq, op.complete_seq);
    for (int64_t seq : {op.invoke_seq, op.complete_seq}) {
      ASSERT_LT(seq, static_cast<int64_t>(used.size()));
      EXPECT_FALSE(used[seq]) << "sequence " << seq << " used twice";
      used[seq] = true;
    }
  }
}

}  // namespace
}  // namespace raftkv::jepsen
