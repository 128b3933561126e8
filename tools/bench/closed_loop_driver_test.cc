#include "tools/bench/closed_loop_driver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace raftkv::bench {
namespace {

// Completes every op inside StartOp; fails every `fail_every`-th op.
class InlineWorkload : public Workload {
 public:
  explicit InlineWorkload(int fail_every = 0) : fail_every_(fail_every) {}
  void StartOp(const OpTicket& ticket, OpDone done) override {
    started_.fetch_add(1);
    if (fail_every_ > 0 && ticket.seq % fail_every_ == 0) {
      done(absl::UnavailableError("injected"));
    } else {
      done(absl::OkStatus());
    }
  }
  std::atomic<int64_t> started_{0};

 private:
  int fail_every_;
};

// Completes every op from a fresh thread, as gRPC callbacks do.
class ThreadedWorkload : public Workload {
 public:
  ~ThreadedWorkload() override {
    for (auto& t : threads_) t.join();
  }
  void StartOp(const OpTicket&, OpDone done) override {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back([done = std::move(done)] { done(absl::OkStatus()); });
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

TEST(ClosedLoopDriverTest, InlineCompletionsRunExactlyTotalOpsWithoutRecursion) {
  InlineWorkload workload;
  RunLimits limits;
  limits.clients = 4;
  limits.total = 2'000'000;  // deep enough to overflow the stack if chained recursively
  RunResult result = ClosedLoopDriver(workload, limits).Run();
  EXPECT_EQ(result.ops, 2'000'000);
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(workload.started_.load(), 2'000'000);
  EXPECT_EQ(result.latency.Count(), 2'000'000);
}

TEST(ClosedLoopDriverTest, StopsAfterMaxErrors) {
  InlineWorkload workload(/*fail_every=*/1);
  RunLimits limits;
  limits.clients = 3;
  limits.duration = absl::Hours(1);  // only the error limit can end this run
  limits.max_errors = 50;
  RunResult result = ClosedLoopDriver(workload, limits).Run();
  EXPECT_EQ(result.ops, 0);
  EXPECT_GE(result.errors, 50);
  EXPECT_LE(result.errors, 50 + 3);  // clients already past the check may each fail once more
  EXPECT_NE(result.first_error.find("injected"), std::string::npos);
}

TEST(ClosedLoopDriverTest, AsyncCompletionsCountedAndDurationBounded) {
  ThreadedWorkload workload;
  RunLimits limits;
  limits.clients = 8;
  limits.duration = absl::Milliseconds(300);
  const auto start = absl::Now();
  RunResult result = ClosedLoopDriver(workload, limits).Run();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_GT(result.ops, 0);
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(result.latency.Count(), result.ops);
  EXPECT_GT(result.OpsPerSecond(), 0);
}

TEST(ClosedLoopDriverTest, RateSpreadsOpsOverTime) {
  InlineWorkload workload;
  RunLimits limits;
  limits.clients = 4;
  limits.total = 50;
  limits.rate = 200;  // 50 ops at 200/s: the last is due 245 ms after the start
  const auto start = absl::Now();
  RunResult result = ClosedLoopDriver(workload, limits).Run();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(240));
  EXPECT_EQ(result.ops, 50);
  EXPECT_EQ(workload.started_.load(), 50);
}

TEST(ClosedLoopDriverTest, RateWithDurationStopsAtTheDeadline) {
  ThreadedWorkload workload;
  RunLimits limits;
  limits.clients = 2;
  limits.duration = absl::Milliseconds(300);
  limits.rate = 100;
  RunResult result = ClosedLoopDriver(workload, limits).Run();
  EXPECT_GE(result.ops, 25);
  EXPECT_LE(result.ops, 31);  // ops due before the deadline only
}

}  // namespace
}  // namespace raftkv::bench
